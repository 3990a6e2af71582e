"""Impression rows for what a response shows; the retention delete; reading them back for training."""

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.logging import request_id_var
from services.matching.contracts import Match
from services.matching.impressions.buffer import ImpressionBuffer, Row
from services.matching.impressions.models import Impression
from services.matching.ranking.candidates import Candidate
from services.matching.ranking.ltr.features import HAND_RANKER


def request_id() -> str:
    return request_id_var.get() or uuid.uuid4().hex


def match_rows(
    matches: Sequence[Match],
    *,
    surface: str,
    viewer_role: str,
    viewer_id: str,
    seeker_id: str,
    employers: Mapping[str, str | None],
    now: datetime,
) -> list[Row]:
    """One row per match shown, in order (position 1 first)."""
    rid = request_id()
    rows: list[Row] = []
    for position, m in enumerate(matches, start=1):
        learned = m.extra.get("learned_score")
        features = m.extra.get("features")
        rows.append(
            {
                "id": uuid.uuid4(),
                "request_id": rid,
                "surface": surface,
                "viewer_role": viewer_role,
                "viewer_id": viewer_id,
                "seeker_id": seeker_id,
                "posting_id": uuid.UUID(m.posting_id),
                "employer_id": employers.get(m.posting_id),
                "position": position,
                "score": float(m.score),
                "learned_score": float(learned) if isinstance(learned, float) else None,
                "factors": {c.factor: float(c.value) for c in m.contributions},
                "features": dict(features) if isinstance(features, Mapping) else None,
                "ranker": str(m.extra.get("ranker") or HAND_RANKER),
                "shown_at": now,
            }
        )
    return rows


def candidate_rows(
    candidates: Sequence[Candidate],
    *,
    posting_id: uuid.UUID,
    employer_id: str | None,
    viewer_role: str,
    viewer_id: str,
    ranker: str,
    now: datetime,
) -> list[Row]:
    """One row per candidate on an employer's list, in the order shown (after FA*IR)."""
    rid = request_id()
    rows: list[Row] = []
    for position, c in enumerate(candidates, start=1):
        rows.append(
            {
                "id": uuid.uuid4(),
                "request_id": rid,
                "surface": "candidates",
                "viewer_role": viewer_role,
                "viewer_id": viewer_id,
                "seeker_id": c.seeker_id,
                "posting_id": posting_id,
                "employer_id": employer_id,
                "position": position,
                "score": float(c.score),
                "learned_score": None,
                "factors": {x.factor: float(x.value) for x in c.contributions},
                "features": None,
                "ranker": ranker,
                "shown_at": now,
            }
        )
    return rows


def record(app: FastAPI, rows: Sequence[Row]) -> None:
    """Hand the rows to the app's buffer (nothing when impressions are switched off)."""
    buffer: Any = getattr(app.state, "impression_buffer", None)
    if isinstance(buffer, ImpressionBuffer) and rows:
        buffer.offer(rows)


async def delete_impressions_before(session: AsyncSession, cutoff: datetime) -> int:
    """Delete impressions shown before `cutoff` (the retention sweep calls this); returns how many."""
    result: Any = await session.execute(delete(Impression).where(Impression.shown_at < cutoff))
    await session.flush()
    return int(result.rowcount or 0)
