"""Limits every solving command shares, importable without loading clingo."""

#: Seconds one command may spend solving before it is stopped.
DEFAULT_TIME_LIMIT = 30.0
