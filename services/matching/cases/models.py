"""帮扶台账: a case per priority-group seeker, its plan's actions, its contact log and its history.

Seeker ids without foreign keys, as for consents and audit rows: a case is a public-service record
that outlives an erased profile (its evidence number is encrypted and masked).
"""

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base

ID = 64
SUB = 200
SeqPk = BigInteger().with_variant(Integer(), "sqlite")  # SQLite auto-increments INTEGER only
OPEN_STATUSES = ("pending", "active", "aftercare")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # One open case per seeker (一人一册); closed ones stay as history.
        Index(
            "uq_cases_open_seeker",
            "seeker_id",
            unique=True,
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        Index("ix_cases_county_status", "county_adcode", "status"),
        Index("ix_cases_station_status", "station_id", "status"),
        Index("ix_cases_opened_at_id", "opened_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seeker_id: Mapped[str] = mapped_column(String(ID))
    county_adcode: Mapped[str] = mapped_column(String(6))
    station_id: Mapped[str | None] = mapped_column(String(ID))
    group: Mapped[str] = mapped_column(String(40))
    evidence_type: Mapped[str] = mapped_column(String(40))
    evidence_number_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    evidence_number_masked: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))
    requested_on: Mapped[date] = mapped_column(Date)
    certification_due: Mapped[date] = mapped_column(Date)
    certification_basis: Mapped[str] = mapped_column(String(20))
    certified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    certified_by: Mapped[str | None] = mapped_column(String(SUB))
    caseworker_sub: Mapped[str] = mapped_column(String(SUB))
    caseworker_name: Mapped[str] = mapped_column(String(40))
    goal: Mapped[str] = mapped_column(String(500))
    next_contact_on: Mapped[date | None] = mapped_column(Date)
    placement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    employed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    aftercare_due: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(String(30))
    close_note: Mapped[str | None] = mapped_column(String(500))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(SUB))
    opened_by: Mapped[str] = mapped_column(String(SUB))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)

    @property
    def certification_due_estimated(self) -> bool:
        """The deadline was counted on weekdays: no holiday schedule for its year yet."""
        return self.certification_basis == "weekdays_only"


class CaseAction(Base):
    """A planned step: 职业指导, 岗位推荐, 技能培训, 公益性岗位安置, … with its due date."""

    __tablename__ = "case_actions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(SUB))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseContact(Base):
    """One contact, offer or referral in the log, with its outcome and the seeker's reason to decline."""

    __tablename__ = "case_contacts"
    __table_args__ = (Index("ix_case_contacts_case_at", "case_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(20))
    decline_reason: Mapped[str | None] = mapped_column(String(200))
    posting_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    note: Mapped[str | None] = mapped_column(String(500))
    by: Mapped[str] = mapped_column(String(SUB))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseEvent(Base):
    """The case's history: opened, certified, plan changed, employed, reopened, closed — never silent."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(SeqPk, primary_key=True, autoincrement=True)  # insertion order
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))
    by: Mapped[str] = mapped_column(String(SUB))  # a staff subject, or "feed" / "system"
    note: Mapped[str | None] = mapped_column(String(500))
