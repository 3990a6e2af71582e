"""`lingong rank`: CSV postings and seekers in, JSON lines out, through the same ranking."""

import io
import json
from pathlib import Path

from services.matching.ranking.files import rank_files
from services.matching.ranking.text import TextEncoder

POSTINGS = """id,title,description,lng,lat
p1,电焊工,,117.0,36.65
p2,保洁员,,117.0,36.65
p3,叉车司机,,117.0,36.65
p4,氩弧焊工,,117.0,36.65
"""
SEEKERS = """id,desired_title,experience,lng,lat
s1,焊工,3,117.0,36.65
s2,保洁阿姨,,117.0,36.65
"""


def run(tmp_path: Path, encoder: TextEncoder, top_k: int = 3) -> list[dict[str, object]]:
    (tmp_path / "postings.csv").write_text(POSTINGS, encoding="utf-8")
    (tmp_path / "seekers.csv").write_text(SEEKERS, encoding="utf-8")
    out = io.StringIO()
    written = rank_files(tmp_path / "postings.csv", tmp_path / "seekers.csv", top_k, out, encoder=encoder)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert written == len(lines)
    return lines


def test_one_line_per_seeker_in_file_order(tmp_path: Path, encoder: TextEncoder) -> None:
    assert [line["seeker_id"] for line in run(tmp_path, encoder)] == ["s1", "s2"]


def test_results_are_the_best_postings_first(tmp_path: Path, encoder: TextEncoder) -> None:
    lines = run(tmp_path, encoder)
    welder = [r["posting_id"] for r in lines[0]["results"]]  # type: ignore[index, union-attr]
    assert set(welder[:2]) == {"p1", "p4"}
    assert lines[1]["results"][0]["posting_id"] == "p2"  # type: ignore[index]


def test_results_carry_descending_scores_and_respect_top_k(tmp_path: Path, encoder: TextEncoder) -> None:
    for line in run(tmp_path, encoder, top_k=2):
        scores = [r["score"] for r in line["results"]]  # type: ignore[union-attr, index]
        assert len(scores) == 2
        assert scores == sorted(scores, reverse=True)
