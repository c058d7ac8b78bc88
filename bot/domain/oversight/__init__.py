"""Oversight: the sample, experts and grades, flags and cross-checks."""
