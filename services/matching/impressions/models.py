"""One row per item shown: a seeker's match, a non-personalised item, or a candidate on an employer's list.

Only ids leave the request: the seeker's id, the posting's employer's id, the viewer's subject id; the
scores shown and the features the ranking used. No names, phones or ID numbers; no protected traits.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base

SUB = 200


class Impression(Base):
    __tablename__ = "match_impressions"
    __table_args__ = (
        Index("ix_match_impressions_seeker_posting", "seeker_id", "posting_id"),
        Index("ix_match_impressions_shown_at", "shown_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64))
    # matches (a seeker's personalised list), popular (the non-personalised list), candidates (an
    # employer's list of seekers for a posting)
    surface: Mapped[str] = mapped_column(String(12))
    viewer_role: Mapped[str] = mapped_column(String(12))
    viewer_id: Mapped[str] = mapped_column(String(SUB))
    seeker_id: Mapped[str] = mapped_column(String(SUB))
    posting_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    employer_id: Mapped[str | None] = mapped_column(String(SUB))
    position: Mapped[int] = mapped_column(Integer)  # 1 = first
    score: Mapped[float] = mapped_column(Float)  # the hand-set total (sum of `factors`)
    learned_score: Mapped[float | None] = mapped_column(Float)  # the learned ranker's, when it ordered
    factors: Mapped[dict[str, Any]] = mapped_column(JSON)  # factor → contribution
    features: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # what the learned ranker reads
    ranker: Mapped[str] = mapped_column(String(40))  # hand-<weights version> or ltr-<model version>
    shown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
