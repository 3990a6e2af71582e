"""Serving the ranking over HTTP: the in-memory engine fed by the replica and the seekers, and its routes."""
