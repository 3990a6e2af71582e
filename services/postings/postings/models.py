import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    and_,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from services.postings.database import Base, Timestamped
from services.postings.shifts.models import Shift


class PostingExternalId(Base):
    """Where an imported posting lives: its `(source, external_id)` → its id and county, written with the
    posting, so the import finds it on its county's shard (a local table on Citus: docs/postgresql.md)."""

    __tablename__ = "posting_external_ids"

    source: Mapped[str] = mapped_column(String(50), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    posting_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    county_adcode: Mapped[str] = mapped_column(String(6))


class Posting(Timestamped, Base):
    __tablename__ = "postings"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_postings_source_external_id"),
        Index("ix_postings_created_at_id", "created_at", "id"),  # lists page newest first on this key
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    occupation_code: Mapped[str | None] = mapped_column(String(10), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    county_adcode: Mapped[str] = mapped_column(String(6), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    pay_min: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    pay_max: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    pay_unit: Mapped[str] = mapped_column(String(10))
    headcount: Mapped[int] = mapped_column(Integer)
    education: Mapped[str | None] = mapped_column(String(20))
    experience_years: Mapped[int | None] = mapped_column(Integer)
    certificates: Mapped[list[str]] = mapped_column(JSON, default=list)
    physical_demand: Mapped[str | None] = mapped_column(String(10))
    accommodations: Mapped[list[str]] = mapped_column(JSON, default=list)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    booking: Mapped[str | None] = mapped_column(String(10))
    justifications: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    screening_notes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    close_reason: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(50))
    external_id: Mapped[str | None] = mapped_column(String(128))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Citus distribution column in the mapper key: every flushed UPDATE / DELETE names the row's shard.
    __mapper_args__ = {"primary_key": ["id", "county_adcode"]}

    shifts: Mapped[list[Shift]] = relationship(
        lazy="raise",
        order_by=Shift.starts_at,
        cascade="all, delete-orphan",
        # On the key as well: a shift takes its posting's county, and loads stay on the posting's shard.
        primaryjoin=lambda: and_(
            Posting.id == foreign(Shift.posting_id), Posting.county_adcode == foreign(Shift.county_adcode)
        ),
    )


class PostingFlag(Base):
    """One row per flag, so lists can filter by flag with an index."""

    __tablename__ = "posting_flags"

    posting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True
    )
    flag: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    county_adcode: Mapped[str] = mapped_column(String(6))

    __mapper_args__ = {"primary_key": ["posting_id", "flag", "county_adcode"]}
