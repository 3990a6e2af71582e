"""`lingong code FILE.csv` as a real process, with the session's classification-only coder from its cache."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from services.matching.occupations import OccupationCoder

LINGONG = [sys.executable, "-m", "services.cli"]


def _code(args: list[str], cache: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"MATCHING_CODER_CACHE": str(cache), "LINGONG_SHARED_DATA": str(tmp_path / "none")}
    return subprocess.run(
        [*LINGONG, "code", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
        check=False,
    )


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_each_row_gets_one_json_line_in_order(
    coder: OccupationCoder, coder_cache: Path, tmp_path: Path
) -> None:
    titles = ["电焊工", "", "餐厅服务员", "電焊工"]
    path = _write(tmp_path / "titles.csv", ["id", "title"], [[str(i), t] for i, t in enumerate(titles)])
    out = tmp_path / "codes.jsonl"

    result = _code([str(path), "--out", str(out), "--top", "3"], coder_cache, tmp_path)

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["title"] for line in lines] == titles
    assert lines[1]["codes"] == []
    assert [len(line["codes"]) for line in lines] == [3, 0, 3, 3]
    assert lines[0]["codes"][0] == {"code": "6-18-02-04", "name": "焊工", "p": lines[0]["codes"][0]["p"]}
    assert lines[3]["codes"] == lines[0]["codes"]
    assert lines[0]["codes"] == [
        {"code": c, "name": line["name"], "p": round(p, 6)}
        for (c, p), line in zip(coder.predict(["电焊工"], 3)[0], lines[0]["codes"], strict=True)
    ]


def test_a_file_without_a_title_column_is_refused_with_exit_code_2(coder_cache: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "names.csv", ["name"], [["电焊工"]])

    result = _code([str(path)], coder_cache, tmp_path)

    assert result.returncode == 2
    assert "'title' column" in result.stderr
    assert "Traceback" not in result.stderr
