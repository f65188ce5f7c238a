"""Benchmarks and measurements (run as scripts; see each module's docstring)."""
