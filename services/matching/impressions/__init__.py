"""Impressions: what the matching service showed, to whom, where, with which scores (docs/ranking.md)."""
