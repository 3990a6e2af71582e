"""The morning dispatch's tables: who checked in where on which day, the plans, their pairs and swaps."""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base

ID_LENGTH = 64
SUB_LENGTH = 200


class DispatchCheckin(Base):
    """One seeker present at one station on one day (China time): ticked by staff or self-scanned."""

    __tablename__ = "dispatch_checkins"
    __table_args__ = (UniqueConstraint("station_id", "day", "seeker_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    station_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    day: Mapped[date] = mapped_column(Date)
    seeker_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    method: Mapped[str] = mapped_column(String(8))  # staff | self
    by_sub: Mapped[str] = mapped_column(String(SUB_LENGTH))
    checked_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DispatchPlan(Base):
    """One run of 分配 for a station's day; `confirmed` once its bookings were sent."""

    __tablename__ = "dispatch_plans"
    __table_args__ = (Index("ix_dispatch_plans_station_day", "station_id", "day", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    station_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))  # proposed | confirmed
    total_value: Mapped[float] = mapped_column(Float)  # the solver's optimum, before any swap
    created_by_sub: Mapped[str] = mapped_column(String(SUB_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_by_sub: Mapped[str | None] = mapped_column(String(SUB_LENGTH))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)


class DispatchPair(Base):
    """One worker in a plan: the shift proposed, the shift now chosen (none: no job today), the booking."""

    __tablename__ = "dispatch_pairs"
    __table_args__ = (
        UniqueConstraint("plan_id", "seeker_id"),
        Index("ix_dispatch_pairs_seeker_outcome", "seeker_id", "outcome"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dispatch_plans.id", ondelete="CASCADE"))
    roll: Mapped[int] = mapped_column(Integer)  # the worker's number on the morning's roll (check-in order)
    seeker_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    proposed_shift_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    shift_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    posting_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    score: Mapped[float | None] = mapped_column(Float)  # the ranking's match score of the chosen pair
    fairness: Mapped[float] = mapped_column(Float)
    days_since_work: Mapped[int | None] = mapped_column(Integer)  # None: never got work through dispatch
    outcome: Mapped[str | None] = mapped_column(String(12))  # booked | requested | refused | unreachable
    outcome_code: Mapped[str | None] = mapped_column(String(60))
    outcome_title: Mapped[str | None] = mapped_column(String(300))
    outcome_title_zh: Mapped[str | None] = mapped_column(String(300))
    engagement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    attempted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DispatchSwap(Base):
    """A change staff made to a proposed plan, with its reason; kept as the record of the override."""

    __tablename__ = "dispatch_swaps"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dispatch_plans.id", ondelete="CASCADE"), index=True
    )
    seeker_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    from_shift_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    to_shift_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    with_seeker_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    reason: Mapped[str] = mapped_column(String(500))
    staff_sub: Mapped[str] = mapped_column(String(SUB_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
