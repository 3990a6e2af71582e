"""`lingong rank`: the ranking on CSV input (the layout of ../shared/data/eval/title_retrieval_dev/).

postings.csv: id,title,description,lng,lat — each row becomes an open job with one place.
seekers.csv: id,desired_title,experience,lng,lat — desired_title is the seeker's own words.
Other columns are ignored (a profile's protected traits never reach the ranking). The same Ranker as the
service ranks them, with a commute limit generous enough that only the fit decides.
"""

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from services.matching.contracts import SeekerQuery, TravelMode
from services.matching.ranking.index import PostingIndex
from services.matching.ranking.ranker import Ranker
from services.matching.ranking.text import TextEncoder

FILE_EMPLOYER = "00000000-0000-4000-8000-000000000000"
GENEROUS_MODE: TravelMode = "car"
GENEROUS_MINUTES = 24 * 60  # a day by car: nobody in the file is out of reach


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


def _int(value: str | None) -> int:
    try:
        return max(0, int(float(value))) if value not in (None, "") else 0
    except ValueError:
        return 0


def posting_row_snapshot(row: dict[str, str], now: datetime) -> dict[str, Any]:
    """One CSV posting → a `PostingRead`-shaped snapshot of an open job with one place, published `now`."""
    lat, lng = _float(row.get("lat"), 36.65), _float(row.get("lng"), 117.0)
    return {
        "id": row["id"],
        "employer_id": FILE_EMPLOYER,
        "kind": "job",
        "status": "open",
        "title": row.get("title") or "",
        "description": row.get("description") or "",
        "occupation_code": None,
        "location": {"lat": lat, "lng": lng, "county_adcode": None, "address": None},
        "pay": {"min": "1", "max": None, "unit": "month"},
        "headcount": 1,
        "experience_years": None,
        "certificates": [],
        "physical_demand": None,
        "accommodations": [],
        "flags": [],
        "valid_until": None,
        "published_at": now.isoformat(),
        "updated_at": now.isoformat(),
        "shifts": [],
    }


def seeker_row_query(row: dict[str, str], now: datetime) -> SeekerQuery:
    """One CSV seeker → a SeekerQuery; only the columns the ranking may read are read."""
    return SeekerQuery(
        seeker_id=row["id"],
        lat=_float(row.get("lat"), 36.65),
        lng=_float(row.get("lng"), 117.0),
        travel_mode=GENEROUS_MODE,
        max_commute_minutes=GENEROUS_MINUTES,
        desired_text=row.get("desired_title") or "",
        experience_years=_int(row.get("experience")),
        now=now,
    )


class RankFileError(ValueError):
    """An input file without the columns `lingong rank` needs."""


REQUIRED = {"postings": ("id", "title"), "seekers": ("id", "desired_title")}


def _rows(path: Path, kind: str) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED[kind] if c not in (reader.fieldnames or ())]
        if missing:
            raise RankFileError(f"{path}: the {kind} file has no column {', '.join(missing)}")
        yield from reader


def rank_files(
    postings_csv: Path,
    seekers_csv: Path,
    top_k: int,
    out_stream: TextIO,
    *,
    encoder: TextEncoder | None = None,
) -> int:
    """Rank every seeker of `seekers_csv` against `postings_csv`; one JSON line per seeker. Returns the
    number of seekers written."""
    if encoder is None:
        from services.matching.ranking.coder import default_encoder

        encoder = default_encoder()
    now = datetime.now(UTC).replace(microsecond=0)  # every posting as fresh as the next: only fit decides
    index = PostingIndex(encoder)
    index.build(posting_row_snapshot(r, now) for r in _rows(Path(postings_csv), "postings"))
    ranker = Ranker(index)
    when = now.astimezone(UTC).timestamp()
    written = 0
    for row in _rows(Path(seekers_csv), "seekers"):
        matches = ranker.rank(seeker_row_query(row, now), top_k, now=when)
        line = {
            "seeker_id": row["id"],
            "results": [{"posting_id": m.posting_id, "score": round(m.score, 6)} for m in matches],
        }
        out_stream.write(json.dumps(line, ensure_ascii=False) + "\n")
        written += 1
    return written
