from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.postings.database import Base

# SQLite only auto-increments an INTEGER PRIMARY KEY.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


class OutboxEvent(Base):
    """One change, written in the same transaction as the change; `seq` orders the feed."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(60))
    schema_version: Mapped[int] = mapped_column(Integer, default=1)
    aggregate_id: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The W3C trace context of the request that made the change (null when tracing is off), so the
    # consumer's apply joins the request's trace (kit/tracing.py).
    traceparent: Mapped[str | None] = mapped_column(String(100), nullable=True, default=None)
    tracestate: Mapped[str | None] = mapped_column(String(512), nullable=True, default=None)
