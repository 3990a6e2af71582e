"""Cells → rows as every output shows them: names added, small counts suppressed.

Any count of fewer than `suppress_below` people (1 to 4 by default) is shown as "<5", and so is every
figure computed from it (a ratio, a gap); counts hidden to protect it from subtraction (complementary
suppression, `disclosure.py`) are shown as "x". Zero is shown.
"""

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from services.matching.statistics.disclosure import PRIMARY, Mark, cell_key, shown_hidden
from services.matching.statistics.models import UNCLASSIFIED
from services.matching.statistics.supply import ALL, Cell
from services.reference.geo import counties
from services.reference.occupations import get_occupation

Figure = int | str


def suppressed(count: int, below: int) -> bool:
    return 0 < count < below


def people(count: int, below: int) -> Figure:
    """A count of people, or "<5"."""
    return f"<{below}" if suppressed(count, below) else count


def county_name(adcode: str | None) -> str | None:
    if adcode is None:
        return None
    county = counties().get(adcode)
    return f"{county.city}{county.name}" if county else adcode


def group_name(group: str) -> str:
    if group == ALL:
        return "全部职业"
    if group == UNCLASSIFIED:
        return "未分类"
    parts = group.split("-")
    code = "-".join(parts + ["00"] * (4 - len(parts)))
    occupation = get_occupation(code)
    return occupation.name if occupation else group


def figure(count: int, mark: Mark | None, below: int) -> Figure:
    """A count of people as published: itself, "<5" (small), or "x" (hidden to protect a small one)."""
    return count if mark is None else shown_hidden(mark, below)


def supply_row(cell: Cell, below: int, mark: Mark | None = None) -> dict[str, Any]:
    """A cell; `mark` from the table's suppression pattern (without one, only small counts are hidden)."""
    if mark is None and suppressed(cell.seekers, below):
        mark = PRIMARY
    hidden = mark is not None
    return {
        "county_adcode": cell.county,
        "county_name": county_name(cell.county),
        "occupation_group": None if cell.group == ALL else cell.group,
        "occupation_name": group_name(cell.group),
        "postings": cell.postings,
        "vacancies": cell.vacancies,
        "seekers": figure(cell.seekers, mark, below),
        "ratio": figure(0, mark, below) if hidden else cell.ratio,
    }


def supply_rows(
    cells: Iterable[Cell], below: int, marks: Mapping[Hashable, Mark] | None = None, level: int = 2
) -> list[dict[str, Any]]:
    found = marks or {}
    return [supply_row(c, below, found.get(cell_key(level, c.county, c.group))) for c in cells]
