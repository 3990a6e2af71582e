"""The relay's fixtures live in tests/jetstream.py (the replica's JetStream tests use them too)."""

from tests.jetstream import outbox_db, relay_settings, stream_name

__all__ = ["outbox_db", "relay_settings", "stream_name"]
