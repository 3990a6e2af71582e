"""Every table of the matching service, imported so the metadata is complete (alembic, tests)."""

from services.matching.database import Base, IdempotencyKey

__all__ = ["Base", "IdempotencyKey"]
