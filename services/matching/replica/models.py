"""Replica tables: the feed's postings and employers as matching reads them, the cursor, dead letters.

No foreign keys between them: the feed may be followed from any point, and an event that was
dead-lettered must not stop later ones from landing.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base

# SQLite only auto-increments an INTEGER PRIMARY KEY.
SeqPk = BigInteger().with_variant(Integer(), "sqlite")


class ReplicaPosting(Base):
    """A posting's latest feed snapshot (PostingRead JSON, shifts merged in) and columns to filter on."""

    __tablename__ = "replica_postings"
    __table_args__ = (Index("ix_replica_postings_status_kind", "status", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    employer_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    county_adcode: Mapped[str] = mapped_column(String(6), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The feed seq that last changed this row: lets a reader load "everything changed after seq N".
    applied_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    replicated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReplicaEmployer(Base):
    __tablename__ = "replica_employers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    verified: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    owner_sub: Mapped[str | None] = mapped_column(String(200), index=True)  # who may see its candidates
    reliability: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reliability_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    applied_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    replicated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReplicaCursor(Base):
    """Where the replica stands in one feed; written in the same transaction as the changes it covers."""

    __tablename__ = "replica_cursors"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    events: Mapped[int] = mapped_column(BigInteger)  # events consumed: applied, skipped, dead-lettered
    last_event_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReplicaDeadLetter(Base):
    """An event the replica could not read, kept as it came so it can be looked at and replayed."""

    __tablename__ = "replica_dead_letters"
    __table_args__ = (UniqueConstraint("source", "seq"),)

    id: Mapped[int] = mapped_column(SeqPk, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str | None] = mapped_column(String(60))
    schema_version: Mapped[int | None] = mapped_column(Integer)
    raw: Mapped[Any] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
