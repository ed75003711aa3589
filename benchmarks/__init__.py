"""Measurement tools for sema (not shipped in the wheel): run them as scripts, see README.md."""
