"""Benchmarks, run side by side with their baselines (docs/performance.md)."""
