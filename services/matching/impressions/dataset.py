"""The offline dataset: each impression of a seeker's personalised list with the label of what followed.

Outcomes reach matching through the feed (services/matching/outcomes); staff overrides are recorded by
serving. Each outcome event for a (seeker, posting) pair is attributed to the **latest impression of
that pair shown before it** within `window` (last touch); the impression's label is the best event
attributed to it, except that a no-show makes it −1:

| event | label |
|---|---|
| application sent (a job, or a booking request on a review-mode shift) | 1 (applied) |
| a gig booking request accepted, or a gig shift booked | 2 (booked) |
| a job application accepted (a placement: hired) | 3 |
| a gig engagement completed or paid | 3 |
| a gig engagement marked no-show | −1 |
| staff pinned the posting for the seeker | at least 1 |
| staff hid the posting for the seeker | at most 0 |

Ratings do not reach matching (the replica ignores `rating.*` events), so they are not labels yet.
Only impressions carrying the learned ranker's features (surface `matches`) are used: the
non-personalised list and employers' lists are other policies over other features.
"""

import bisect
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import as_utc
from services.matching.impressions.models import Impression
from services.matching.outcomes.models import OutcomeApplication, OutcomeEngagement
from services.matching.ranking.ltr.features import from_dicts
from services.matching.ranking.ltr.logged import APPLIED, BOOKED, HIRED, NO_SHOW, Logged
from services.matching.serving.models import MatchOverride

Pair = tuple[str, uuid.UUID]
PIN, HIDE = 100, -100  # override markers, resolved after the events


@dataclass(frozen=True, slots=True)
class Event:
    seeker_id: str
    posting_id: uuid.UUID
    at: datetime
    label: int


@dataclass(frozen=True, slots=True)
class LabelledImpression:
    id: uuid.UUID
    request_id: str
    seeker_id: str
    posting_id: uuid.UUID
    position: int
    label: int
    features: dict[str, float | None] | None
    shown_at: datetime


async def events(session: AsyncSession, since: datetime) -> list[Event]:
    """Every outcome event (and staff override) since `since`, as (pair, time, label)."""
    out: list[Event] = []
    apps = await session.scalars(select(OutcomeApplication).where(OutcomeApplication.created_at >= since))
    for a in apps.all():
        out.append(Event(a.seeker_id, a.posting_id, as_utc(a.created_at), APPLIED))
        if a.accepted_at is not None:
            out.append(
                Event(a.seeker_id, a.posting_id, as_utc(a.accepted_at), BOOKED if a.shift_id else HIRED)
            )
    gigs = await session.scalars(select(OutcomeEngagement).where(OutcomeEngagement.booked_at >= since))
    for e in gigs.all():
        out.append(Event(e.seeker_id, e.posting_id, as_utc(e.booked_at), BOOKED))
        done = e.paid_at or e.completed_at
        if done is not None:
            out.append(Event(e.seeker_id, e.posting_id, as_utc(done), HIRED))
        if e.status == "no_show":
            out.append(Event(e.seeker_id, e.posting_id, as_utc(e.updated_at), NO_SHOW))
    overrides = await session.scalars(select(MatchOverride).where(MatchOverride.created_at >= since))
    for o in overrides.all():
        out.append(Event(o.seeker_id, o.posting_id, as_utc(o.created_at), PIN if o.action == "pin" else HIDE))
    return out


def _resolve(labels: Iterable[int]) -> int:
    found = list(labels)
    plain = [v for v in found if v not in (PIN, HIDE)]
    label = NO_SHOW if NO_SHOW in plain else max(plain, default=0)
    if PIN in found:
        label = max(label, APPLIED)
    if HIDE in found:
        label = min(label, 0)
    return label


def attribute(shown: list[Impression], found: list[Event], window: timedelta) -> list[LabelledImpression]:
    """Label each impression by the events attributed to it (last touch within `window`)."""
    by_pair: dict[Pair, list[tuple[datetime, int]]] = defaultdict(list)
    for n, imp in enumerate(shown):
        by_pair[(imp.seeker_id, imp.posting_id)].append((as_utc(imp.shown_at), n))
    for times in by_pair.values():
        times.sort()
    labels: dict[int, list[int]] = defaultdict(list)
    for ev in found:
        seen = by_pair.get((ev.seeker_id, ev.posting_id))
        if not seen:
            continue
        at = bisect.bisect_right(seen, (ev.at, len(shown)))
        if at == 0:
            continue  # the outcome came before the pair was ever shown
        when, n = seen[at - 1]
        if ev.at - when <= window:
            labels[n].append(ev.label)
    return [
        LabelledImpression(
            imp.id,
            imp.request_id,
            imp.seeker_id,
            imp.posting_id,
            imp.position,
            _resolve(labels.get(n, ())),
            imp.features,
            as_utc(imp.shown_at),
        )
        for n, imp in enumerate(shown)
    ]


async def labelled(
    session: AsyncSession, since: datetime, window: timedelta = timedelta(days=30)
) -> list[LabelledImpression]:
    """The personalised impressions shown since `since`, labelled, in list order."""
    stmt = (
        select(Impression)
        .where(
            Impression.shown_at >= since, Impression.surface == "matches", Impression.features.is_not(None)
        )
        .order_by(Impression.shown_at, Impression.request_id, Impression.position)
    )
    shown = list((await session.scalars(stmt)).all())
    return attribute(shown, await events(session, since), window)


def to_logged(rows: list[LabelledImpression]) -> Logged:
    """Labelled impressions → the arrays training reads (lists by request id, pairs, seekers)."""
    groups: dict[str, int] = {}
    pairs: dict[Pair, int] = {}
    users: dict[str, int] = {}
    ordered = sorted(rows, key=lambda r: (r.shown_at, r.request_id, r.position))
    return Logged(
        from_dicts([r.features for r in ordered]),
        np.array([r.label for r in ordered], dtype=np.int64),
        np.array([r.position for r in ordered], dtype=np.int64),
        np.array([groups.setdefault(r.request_id, len(groups)) for r in ordered], dtype=np.int64),
        np.array(
            [pairs.setdefault((r.seeker_id, r.posting_id), len(pairs)) for r in ordered], dtype=np.int64
        ),
        np.array([users.setdefault(r.seeker_id, len(users)) for r in ordered], dtype=np.int64),
    )
