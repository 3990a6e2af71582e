"""Seekers: a small profile, consent records, sensitive data kept apart and encrypted, and its audit."""
