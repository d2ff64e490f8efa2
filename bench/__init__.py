"""Benchmarks, run side by side with their baselines (see the README's Performance section)."""
