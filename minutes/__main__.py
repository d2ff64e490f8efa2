"""`python -m minutes` runs the `minutes` command."""
from minutes.cli import main

main()
