import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.postings.database import Base

ACTIVE = ("booked", "checked_in")
# Statuses that settle a wage record (paid, or no wage owed); any other is still running.
SETTLED = ("paid", "cancelled_by_worker", "cancelled_by_employer", "no_show")
ENGAGEMENT_STATUSES = (
    "booked",
    "checked_in",
    "completed",
    "confirmed",
    "paid",
    "disputed",
    "cancelled_by_worker",
    "cancelled_by_employer",
    "no_show",
)


class Engagement(Base):
    """One worker on one shift, from booking to payment. The shift's window and pay terms are copied
    at booking: what was booked is what is owed, whatever later edits to the posting say.

    On PostgreSQL the table is partitioned by month on `starts_at` (docs/postgresql.md), its key is
    `(id, county_adcode, starts_at)` and the tables referencing an engagement name it by all three
    (`ENGAGEMENT_KEY`); on SQLite the key stays `id`."""

    __tablename__ = "engagements"
    __table_args__ = (
        CheckConstraint(
            "status IN ('booked', 'checked_in', 'completed', 'confirmed', 'paid', 'disputed', "
            "'cancelled_by_worker', 'cancelled_by_employer', 'no_show')",
            name="status_known",
        ),
        # Backstop of the per-worker lock: one active seat per worker per shift. starts_at (the partition
        # column, which a unique index on a partitioned table must hold) is the shift's, the same for
        # every seat of it: on PostgreSQL the index has it, with the same meaning; on SQLite it has not.
        Index(
            "uq_engagements_active_seat",
            "shift_id",
            "seeker_id",
            "starts_at",
            unique=True,
            sqlite_where=text("status IN ('booked', 'checked_in')"),
            postgresql_where=text("status IN ('booked', 'checked_in')"),
        ),
        Index("ix_engagements_worker_window", "seeker_id", "status", "starts_at"),
        Index("ix_engagements_shift_status", "shift_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    posting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    county_adcode: Mapped[str] = mapped_column(String(6), index=True)
    seeker_id: Mapped[str] = mapped_column(String(200))
    application_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("applications.id"))
    status: Mapped[str] = mapped_column(String(24), index=True)
    source: Mapped[str] = mapped_column(String(10))
    station_id: Mapped[str | None] = mapped_column(String(200), index=True)
    referred_by: Mapped[str | None] = mapped_column(String(200))
    via_offer: Mapped[bool] = mapped_column(Boolean, default=False)

    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    pay_rate: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    pay_unit: Mapped[str] = mapped_column(String(10))
    booked_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    booked_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checkin_deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checkin_method: Mapped[str | None] = mapped_column(String(8))
    checkin_distance_m: Mapped[int | None] = mapped_column(Integer)
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checkout_method: Mapped[str | None] = mapped_column(String(8))
    checkout_distance_m: Mapped[int | None] = mapped_column(Integer)

    confirm_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str | None] = mapped_column(String(10))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    amount_due: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    payment_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    not_paid_reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disputed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    late_cancel: Mapped[bool] = mapped_column(Boolean, default=False)
    worker_mark: Mapped[str | None] = mapped_column(String(12))
    mark_removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Scheduling only (the deadline sweeper clears them as it acts); not part of the snapshot.
    remind_day_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    remind_2h_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    payment_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # Citus distribution column in the mapper key: every flushed UPDATE / DELETE names the row's shard;
    # the partition column too, so it touches one month's partition (the key's three columns on PostgreSQL).
    __mapper_args__ = {"primary_key": ["id", "county_adcode", "starts_at"]}


def engagement_key(table: str) -> ForeignKeyConstraint:
    """A child table's foreign key to its engagement: the engagement's whole key on PostgreSQL (the
    partition column and the distribution column with the id; on SQLite the database has it on the id)."""
    return ForeignKeyConstraint(
        ["engagement_id", "county_adcode", "engagement_starts_at"],
        ["engagements.id", "engagements.county_adcode", "engagements.starts_at"],
        name=f"fk_{table}_engagement_id_engagements",
        ondelete="CASCADE",
    )


class CodeAttempt(Base):
    """A wrong check-in code, kept for the attempt limit (committed even though its request fails)."""

    __tablename__ = "checkin_code_failures"
    __table_args__ = (
        Index("ix_checkin_code_failures_engagement_at", "engagement_id", "at"),
        engagement_key("checkin_code_failures"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    engagement_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    engagement_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    county_adcode: Mapped[str] = mapped_column(String(6))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    # Citus distribution column in the mapper key: every flushed UPDATE / DELETE names the row's shard.
    __mapper_args__ = {"primary_key": ["id", "county_adcode"]}
