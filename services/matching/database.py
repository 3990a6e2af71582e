"""The matching service's declarative base and its idempotency table."""

from sqlalchemy.orm import DeclarativeBase

from services.kit.db import new_metadata
from services.kit.idempotency import IdempotencyRecordMixin


class Base(DeclarativeBase):
    metadata = new_metadata()


class IdempotencyKey(IdempotencyRecordMixin, Base):
    pass
