"""`lingong screen FILE.csv` as a real process: one JSON line per row, in order, with the documented keys."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

LINGONG = [sys.executable, "-m", "services.cli"]
LINE_KEYS = {"sentence", "verdict", "categories", "spans"}
SPAN_KEYS = {"text", "start", "end", "category", "basis"}

# Invented rows: a prohibited one, one that needs a reason, two that pass, an empty one, and one with a
# comma, quotes and a line break inside the cell.
ROWS = [
    ("r1", "仓库分拣，限男性，包吃住"),
    ("r2", "年龄18-35周岁，身高165cm以上"),
    ("r3", "男女不限，欢迎宝妈，持健康证"),
    ("r4", ""),
    ("r5", '岗位说明："日结"，\n本地户口优先'),
    ("r6", "残疾人优先，退役军人优先"),
]
EXPECTED = [
    ("prohibited", ["sex"]),
    ("needs_justification", ["age", "appearance"]),
    ("ok", []),
    ("ok", []),
    ("prohibited", ["hukou_region"]),
    ("ok", []),
]


def _write_csv(path: Path, rows: list[tuple[str, str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "sentence", "note"])
        for row_id, sentence in rows:
            writer.writerow([row_id, sentence, "invented"])
    return path


def _screen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LINGONG, "screen", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
        check=False,
    )


def _lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_screen_writes_one_json_line_per_row_in_order(tmp_path: Path) -> None:
    result = _screen(str(_write_csv(tmp_path / "clauses.csv", ROWS)))

    assert result.returncode == 0, result.stderr
    lines = _lines(result.stdout)
    assert [line["sentence"] for line in lines] == [sentence for _, sentence in ROWS]
    assert [(line["verdict"], line["categories"]) for line in lines] == EXPECTED


def test_every_line_and_span_carries_exactly_the_documented_keys(tmp_path: Path) -> None:
    result = _screen(str(_write_csv(tmp_path / "clauses.csv", ROWS)))

    lines = _lines(result.stdout)
    assert all(set(line) == LINE_KEYS for line in lines)
    spans = [(line["sentence"], span) for line in lines for span in line["spans"]]
    assert spans
    for sentence, span in spans:
        assert set(span) == SPAN_KEYS
        assert sentence[span["start"] : span["end"]] == span["text"]
        assert span["basis"].startswith("《")


def test_screen_reads_a_file_saved_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "excel.csv", ROWS[:1], encoding="utf-8-sig")

    result = _screen(str(path))

    assert [line["verdict"] for line in _lines(result.stdout)] == ["prohibited"]


def test_screen_writes_to_the_out_file_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "verdicts.jsonl"

    result = _screen(str(_write_csv(tmp_path / "clauses.csv", ROWS)), "--out", str(out))

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert len(_lines(out.read_text(encoding="utf-8"))) == len(ROWS)


def test_file_without_a_sentence_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_text("title\n电焊工\n", encoding="utf-8")

    result = _screen(str(path))

    assert result.returncode != 0
    assert "sentence" in result.stderr
    assert result.stdout == ""
