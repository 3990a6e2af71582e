"""零就业家庭: households of registered seekers, their spells at zero employment, and alerts (an outbox
the county desk reads)."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base

ID = 64
SUB = 200
SeqPk = BigInteger().with_variant(Integer(), "sqlite")  # SQLite auto-increments INTEGER only


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (
        Index("ix_households_county_status_since", "county_adcode", "status", "zero_since"),
        Index("ix_households_created_at_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    county_adcode: Mapped[str] = mapped_column(String(6))
    station_id: Mapped[str | None] = mapped_column(String(ID))
    reference: Mapped[str | None] = mapped_column(String(40))  # the community's household number
    # zero: working-age members who want work, none employed; cleared: someone is; none: nobody of working age
    status: Mapped[str] = mapped_column(String(8))
    zero_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    zero_seconds_before: Mapped[int] = mapped_column(BigInteger)  # at zero in spells already ended
    created_by: Mapped[str] = mapped_column(String(SUB))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)


class HouseholdMember(Base):
    """A registered seeker in a household (one household each), added by staff with their consent."""

    __tablename__ = "household_members"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    seeker_id: Mapped[str] = mapped_column(String(ID), unique=True)
    consent_method: Mapped[str] = mapped_column(String(20))
    consent_agreed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(SUB))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HouseholdSpell(Base):
    """One stretch at zero employment: kept after it ends, so the time at zero is known."""

    __tablename__ = "household_spells"
    __table_args__ = (Index("ix_household_spells_household_id_id", "household_id", "id"),)

    id: Mapped[int] = mapped_column(SeqPk, primary_key=True, autoincrement=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by: Mapped[str | None] = mapped_column(String(40))  # placed, member_added, …


class HouseholdAlert(Base):
    """An alert to the county desk: a household at zero past the limit. One per spell; the console polls
    `GET /v1/households/alerts` and acknowledges."""

    __tablename__ = "household_alerts"
    __table_args__ = (Index("ix_household_alerts_county_ack", "county_adcode", "acknowledged_at"),)

    id: Mapped[int] = mapped_column(SeqPk, primary_key=True, autoincrement=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    spell_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    county_adcode: Mapped[str] = mapped_column(String(6))
    station_id: Mapped[str | None] = mapped_column(String(ID))
    kind: Mapped[str] = mapped_column(String(20))
    days_at_zero: Mapped[int] = mapped_column(Integer)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(SUB))
