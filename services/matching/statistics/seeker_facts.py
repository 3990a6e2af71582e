"""Each live seeker's supply facts (`stat_seekers`): the rows the supply side of the table counts, kept
in the same transaction as every change that can move them.

A seeker counts once in their county's total and once in each occupation group they name (or under
`unclassified`), at both classification levels, where they live, and only while their `matching`
consent is active. Reading 100,000 seekers' JSON codes on every request cost two thirds of the table's
CPU; with one row per seeker, level and group the supply side is a `GROUP BY` over an index, like the
demand side over `stat_postings`.

Writers do not call this module themselves: every change to what the ranking reads about a seeker
(registration, profile edits, consents given or withdrawn, erasure, the retention sweep's erasures,
the demo loader, which registers through the service) already notes the seeker in the change journal
(`seekers.changes.touched`), and the journal's before-commit hook calls `refresh` for those seekers,
under the journal's lock, in the unit of work's own transaction. `refresh` derives the rows again from
the seeker's row and consents as they stand (it does not apply a delta), so a unit of work that changes
several things, or none that matter here (sensitive data), still leaves the right rows.

Concurrency (PostgreSQL, READ COMMITTED): the journal lock is held from the refresh through COMMIT, so
refreshes run one after another and each one's statements see every change committed before it. Two
transactions changing the same seeker (one the county, one the consent) are both right: the second to
commit derives the rows again from the first's committed change and its own. SQLite writers are serial.
"""

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.seekers.models import Seeker, SeekerConsent
from services.matching.seekers.schemas import ConsentPurpose
from services.matching.statistics.facts import occupation_group
from services.matching.statistics.models import UNCLASSIFIED, StatSeeker

LEVELS = (1, 2)
TOTAL = ""  # the occupation group of a county's total row (supply.ALL)
CHUNK = 500  # seeker ids per IN (…) list


def at_level(group: str, level: int) -> str:
    """A medium group at the classification level asked for (1: its major group)."""
    if level == 1 and group not in (UNCLASSIFIED, TOTAL):
        return group.split("-")[0]
    return group


_GROUPS: dict[tuple[str, int], str] = {}


def _group(code: str, level: int) -> str:
    key = (code, level)
    found = _GROUPS.get(key)
    if found is None:
        found = _GROUPS[key] = at_level(occupation_group(code), level)
    return found


def seeker_groups(codes: Iterable[str], level: int) -> set[str]:
    """The groups a seeker counts in: each group of the occupations they name, or unclassified."""
    groups = {_group(code, level) for code in codes}
    groups.discard(UNCLASSIFIED)
    return groups or {UNCLASSIFIED}


def fact_rows(seeker_id: str, county: str, codes: Iterable[str] | None) -> list[dict[str, Any]]:
    """One live seeker's stat_seekers rows: at each level, the county total and each group."""
    named = list(codes or [])
    return [
        {"seeker_id": seeker_id, "level": level, "occupation_group": group, "county_adcode": county}
        for level in LEVELS
        for group in (TOTAL, *sorted(seeker_groups(named, level)))
    ]


def matching_consent_active() -> Any:
    """`EXISTS` an active matching consent of the seeker (correlated with `Seeker`)."""
    return (
        select(SeekerConsent.id)
        .where(
            SeekerConsent.seeker_id == Seeker.id,
            SeekerConsent.purpose == ConsentPurpose.MATCHING.value,
            SeekerConsent.withdrawn_at.is_(None),
        )
        .exists()
    )


async def refresh(session: AsyncSession, seeker_ids: Collection[str]) -> None:
    """Derive these seekers' rows again from their profiles and consents as this transaction sees
    them: a seeker erased, or without an active matching consent, is left with none."""
    await session.flush()
    ids = sorted(set(seeker_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        await session.execute(delete(StatSeeker).where(StatSeeker.seeker_id.in_(chunk)))
        live = await session.execute(
            select(Seeker.id, Seeker.county_adcode, Seeker.occupation_codes).where(
                Seeker.id.in_(chunk), matching_consent_active()
            )
        )
        rows = [row for sid, county, codes in live.all() for row in fact_rows(sid, county, codes)]
        if rows:
            await session.execute(insert(StatSeeker), rows)
