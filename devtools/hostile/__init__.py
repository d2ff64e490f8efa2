"""The red-team run's parts (devtools/redteam.py): hostile inputs, bounded processes, judges, kinds."""
