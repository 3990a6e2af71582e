"""Staff overrides of a seeker's matches: pin or hide one posting, with a reason, kept after revocation."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base


class MatchOverride(Base):
    """One pin or hide; `revoked_at` ends it. At most one live override per (seeker, posting)."""

    __tablename__ = "match_overrides"
    # Flushed UPDATEs name the row with its seeker: its shard on Citus (docs/postgresql.md).
    __mapper_args__ = {"primary_key": ["id", "seeker_id"]}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    seeker_id: Mapped[str] = mapped_column(String(64))
    posting_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(4))
    reason: Mapped[str] = mapped_column(String(500))
    staff_sub: Mapped[str] = mapped_column(String(200))
    station_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_sub: Mapped[str | None] = mapped_column(String(200))
    revoked_by_station: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_match_overrides_seeker_id_created_at", "seeker_id", "created_at", "id"),
        Index(
            "uq_match_overrides_active",
            "seeker_id",
            "posting_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )
