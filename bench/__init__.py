"""Benchmarks: run each as ``python -m bench.<name>`` (see README.md)."""
