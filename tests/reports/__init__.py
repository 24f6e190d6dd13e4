"""Tests of the reports (seed 002 section 7)."""
