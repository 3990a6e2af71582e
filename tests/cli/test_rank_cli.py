"""`lingong rank`: the service's ranking on CSV files, run as a real process with the shipped coder."""

import json
from pathlib import Path

from tests.cli.test_cli import run

POSTINGS = """id,title,description,lng,lat
p1,电焊工,车间焊接钢结构,117.0,36.65
p2,保洁员,写字楼日常保洁,117.0,36.65
p3,叉车司机,仓库叉车装卸,117.0,36.65
p4,二保焊焊工,,117.0,36.65
"""
SEEKERS = """id,desired_title,experience,lng,lat,sex
s1,焊工,3,117.0,36.65,女
s2,保洁,,117.0,36.65,男
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    postings, seekers = tmp_path / "postings.csv", tmp_path / "seekers.csv"
    postings.write_text(POSTINGS, encoding="utf-8")
    seekers.write_text(SEEKERS, encoding="utf-8")
    return postings, seekers


def test_rank_writes_one_line_per_seeker_with_the_best_postings_first(tmp_path: Path) -> None:
    postings, seekers = _files(tmp_path)

    result = run(["rank", "--postings", str(postings), "--seekers", str(seekers), "--top", "2"])

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["seeker_id"] for line in lines] == ["s1", "s2"]
    welder, cleaner = lines
    assert {r["posting_id"] for r in welder["results"]} == {"p1", "p4"}
    assert cleaner["results"][0]["posting_id"] == "p2"
    for line in lines:
        assert len(line["results"]) == 2
        assert set(line["results"][0]) == {"posting_id", "score"}
        scores = [r["score"] for r in line["results"]]
        assert scores == sorted(scores, reverse=True)


def test_rank_without_a_desired_title_column_is_a_clear_error(tmp_path: Path) -> None:
    postings, _ = _files(tmp_path)
    seekers = tmp_path / "bad.csv"
    seekers.write_text("id,title\ns1,焊工\n", encoding="utf-8")

    result = run(["rank", "--postings", str(postings), "--seekers", str(seekers)])

    assert result.returncode == 1
    assert "desired_title" in result.stderr
    assert "Traceback" not in result.stderr
