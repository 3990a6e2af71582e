"""大字模式 and the language, kept per staff member."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.console.models import ConsolePreference

LANGS = ("zh", "en")


@dataclass(frozen=True, slots=True)
class Prefs:
    large: bool = False
    lang: str = "zh"


async def load(session: AsyncSession, staff_sub: str) -> Prefs | None:
    row = await session.get(ConsolePreference, staff_sub)
    return Prefs(row.large_text, row.lang) if row is not None else None


async def save(session: AsyncSession, staff_sub: str, prefs: Prefs, now: datetime) -> None:
    """Create or replace the staff member's preferences."""
    row = await session.get(ConsolePreference, staff_sub, with_for_update=True)
    if row is None:
        session.add(
            ConsolePreference(staff_sub=staff_sub, large_text=prefs.large, lang=prefs.lang, updated_at=now)
        )
    else:
        row.large_text, row.lang, row.updated_at = prefs.large, prefs.lang, now
    await session.flush()
