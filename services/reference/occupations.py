"""The CSCO-2022 occupational classification (职业分类大典), shipped as package data."""

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_ALIAS_SEPARATORS = re.compile(r"[,，;；]")


@dataclass(frozen=True, slots=True)
class Occupation:
    code: str  # e.g. "6-29-01-03"
    level: int  # 1 major, 2 medium, 3 minor group, 4 detailed occupation
    name: str
    definition: str
    tasks: str
    aliases: tuple[str, ...]

    @property
    def minor_group(self) -> str:
        """The level-3 group code this code falls under ("6-29-01-00")."""
        major, medium, minor, _ = self.code.split("-")
        return f"{major}-{medium}-{minor}-00"


@cache
def occupations() -> dict[str, Occupation]:
    """Every classification row by code, in file order."""
    path = resources.files("services.reference") / "data" / "csco22.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, Occupation] = {}
    for row in rows:
        aliases = tuple(dict.fromkeys(a.strip() for a in _ALIAS_SEPARATORS.split(row["alias"]) if a.strip()))
        out[row["code"]] = Occupation(
            code=row["code"],
            level=int(row["level"]),
            name=row["name"].strip(),
            definition=row["definition"].strip(),
            tasks=row["tasks"].strip(),
            aliases=aliases,
        )
    return out


def get_occupation(code: str) -> Occupation | None:
    return occupations().get(code)
