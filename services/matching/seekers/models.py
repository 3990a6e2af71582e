"""Seekers' tables. Sensitive data, consents and the audit log are separate tables; consents and audit
rows carry the seeker id without a foreign key, so they outlive an erased profile."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base

ID_LENGTH = 64
SUB_LENGTH = 200
SeqPk = BigInteger().with_variant(Integer(), "sqlite")  # SQLite auto-increments INTEGER only


class Seeker(Base):
    """The profile a seeker keeps (or staff keep for them): what the ranking reads."""

    __tablename__ = "seekers"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    desired_text: Mapped[str | None] = mapped_column(String(200))
    occupation_codes: Mapped[list[str]] = mapped_column(JSON)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    location_approximate: Mapped[bool] = mapped_column(Boolean)
    county_adcode: Mapped[str] = mapped_column(String(6), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    travel_mode: Mapped[str] = mapped_column(String(10))
    max_commute_minutes: Mapped[int] = mapped_column(Integer)
    availability: Mapped[list[dict[str, int]]] = mapped_column(JSON)
    pay_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    pay_unit: Mapped[str | None] = mapped_column(String(10))
    certificates: Mapped[list[str]] = mapped_column(JSON)
    experience_years: Mapped[int] = mapped_column(Integer)
    accommodations: Mapped[list[str]] = mapped_column(JSON)
    kinds: Mapped[list[str]] = mapped_column(JSON)
    birth_year: Mapped[int] = mapped_column(Integer)
    birth_month: Mapped[int] = mapped_column(Integer)
    phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_masked: Mapped[str | None] = mapped_column(String(11))
    phone_hmac: Mapped[str | None] = mapped_column(String(64), index=True)  # keyed hash, for exact lookup
    # The name (optional): sealed like the phone, masked for lists (王*明), keyed hash of its NFKC form.
    name_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    name_masked: Mapped[str | None] = mapped_column(String(60))
    name_hmac: Mapped[str | None] = mapped_column(String(64), index=True)
    registered_by_station: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    registered_by_sub: Mapped[str] = mapped_column(String(SUB_LENGTH))
    # The last employer the seeker named at registration (optional): the market watch's layoff signal.
    # Never shown to employers.
    former_employer: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_seekers_created_at_id", "created_at", "id"),)


class SeekerSensitive(Base):
    """Disability, health, ID number and hardship status: only with the seeker's separate consent."""

    __tablename__ = "seeker_sensitive"

    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.id", ondelete="CASCADE"), primary_key=True)
    disability: Mapped[bool] = mapped_column(Boolean)
    disability_level: Mapped[int | None] = mapped_column(Integer)
    health_notes: Mapped[str | None] = mapped_column(String(500))
    id_number_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_hmac: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    low_income: Mapped[bool] = mapped_column(Boolean)
    poverty_alleviation: Mapped[bool] = mapped_column(Boolean)
    zero_employment_household: Mapped[bool] = mapped_column(Boolean)
    long_term_unemployed: Mapped[bool] = mapped_column(Boolean)
    veteran: Mapped[bool] = mapped_column(Boolean)
    priority_groups: Mapped[list[str]] = mapped_column(JSON)
    reserved_post_certified: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SeekerIdNumber(Base):
    """Which seeker holds an ID number (by its lookup hash): one number, one seeker, province-wide.

    Written with the sensitive record, in its transaction. `seeker_sensitive` keeps its own unique hash
    until the cut-over to Citus, where it is distributed by seeker and a unique index could hold only
    within a shard; this table stays on the coordinator (docs/postgresql.md, "Citus: the plan"), so the
    check that a number is free and the staff's exact lookup by ID number read one row on one node."""

    __tablename__ = "seeker_id_numbers"

    id_number_hmac: Mapped[str] = mapped_column(String(64), primary_key=True)
    seeker_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)


class SeekerConsent(Base):
    """One purpose the seeker agreed to: how, when, who recorded it; withdrawn_at ends it."""

    __tablename__ = "seeker_consents"
    # Flushed UPDATEs (a withdrawal) name the row with its seeker: its shard on Citus (docs/postgresql.md).
    __mapper_args__ = {"primary_key": ["id", "seeker_id"]}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    seeker_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(20))
    agreed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by_role: Mapped[str] = mapped_column(String(10))
    recorded_by_sub: Mapped[str] = mapped_column(String(SUB_LENGTH))
    recorded_by_station: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_role: Mapped[str | None] = mapped_column(String(10))
    withdrawn_by_sub: Mapped[str | None] = mapped_column(String(SUB_LENGTH))

    __table_args__ = (
        # At most one live consent per purpose; withdrawn ones stay as history.
        Index(
            "uq_seeker_consents_active",
            "seeker_id",
            "purpose",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL"),
            sqlite_where=text("withdrawn_at IS NULL"),
        ),
    )


class SeekerAudit(Base):
    """Who touched a seeker's sensitive data or contact, which fields, when, for what purpose.

    Field names only, never values; kept after the profile is erased."""

    __tablename__ = "seeker_audit"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    seeker_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(30))
    actor_role: Mapped[str] = mapped_column(String(10))
    actor_sub: Mapped[str] = mapped_column(String(SUB_LENGTH))
    actor_station: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    fields: Mapped[list[str]] = mapped_column(JSON)
    purpose: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (Index("ix_seeker_audit_seeker_id_at", "seeker_id", "at", "id"),)


class SeekerChange(Base):
    """A note that what the ranking reads about a seeker changed (profile, consent, sensitive data),
    numbered in commit order, so in-memory candidate pools can catch up (`changes.py`)."""

    __tablename__ = "seeker_changes"

    id: Mapped[int] = mapped_column(SeqPk, primary_key=True, autoincrement=True)
    seeker_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SeekerAccessGrant(Base):
    """A seeker from outside a station's county, opened to that station by an exact lookup (phone or
    ID number) until `expires_at`; the lookup itself is in the audit log."""

    __tablename__ = "seeker_access_grants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    seeker_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    station_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    granted_to_sub: Mapped[str] = mapped_column(String(SUB_LENGTH))
    lookup: Mapped[str] = mapped_column(String(20))  # phone | id_number
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_seeker_access_grants_station_seeker", "station_id", "seeker_id", "expires_at"),
    )
