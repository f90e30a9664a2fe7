"""The A4 tests use the real-CUPS fixtures of tests/a4/cups_fixtures.py (imported for every test by
tests/conftest.py)."""
