"""The `lingong` command, run as a real process against a real database."""

import csv
import gzip
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt

from services.kit.settings import AuthSettings

LINGONG = [sys.executable, "-m", "services.cli"]


def run(
    args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        LINGONG + args,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | (env or {}),
        cwd=cwd,
        check=False,
    )


def test_dev_token_prints_a_verifiable_token_on_its_last_line() -> None:
    result = run(["dev-token", "--role", "staff", "--sub", "u-1", "--station", "st-9"])

    token = result.stdout.strip().splitlines()[-1]
    settings = AuthSettings()
    claims = jwt.decode(
        token,
        settings.local_key.get_secret_value(),
        algorithms=["HS256"],
        audience=settings.audience,
        issuer=settings.issuer,
    )
    assert (claims["role"], claims["sub"], claims["station_id"]) == ("staff", "u-1", "st-9")


def test_dev_token_carries_the_county_claim_staff_disputes_are_scoped_by() -> None:
    result = run(["dev-token", "--role", "staff", "--sub", "u-2", "--county", "370102"])

    token = result.stdout.strip().splitlines()[-1]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["county_adcode"] == "370102"


def test_dev_token_is_refused_when_dev_tokens_are_off() -> None:
    result = run(["dev-token", "--role", "admin", "--sub", "x"], env={"POSTINGS_AUTH__DEV_TOKENS": "false"})

    assert result.returncode != 0
    assert "disabled" in result.stderr


def _jsonl(path: Path, n: int) -> None:
    start = datetime.now(UTC) + timedelta(days=4)
    rows = []
    for i in range(n):
        rows.append(
            {
                "external_id": f"cli-{i}",
                "employer": {"name": "泰安岱岳物流有限公司", "kind": "company"},
                "kind": "gig",
                "title": f"分拣员{i}",
                "description": "快递分拣，日结。",
                "location": {"lat": 36.1875, "lng": 117.0896},
                "pay": {"min": "23", "unit": "hour"},
                "headcount": 2,
                "shifts": [
                    {
                        "starts_at": start.isoformat(),
                        "ends_at": (start + timedelta(hours=5)).isoformat(),
                        "headcount": 2,
                    }
                ],
            }
        )
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")


async def test_import_twice_creates_then_changes_nothing(
    make_database: Callable[[str], Awaitable[str]], tmp_path: Path
) -> None:
    env = {"POSTINGS_DATABASE_URL": await make_database("postings")}
    source = tmp_path / "batch.jsonl"
    _jsonl(source, 25)

    first = run(["import", str(source), "--no-progress", "--report", str(tmp_path / "r1.jsonl")], env=env)
    second = run(["import", str(source), "--no-progress", "--report", str(tmp_path / "r2.jsonl")], env=env)

    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout.splitlines()[-1])["created"] == 25
    assert json.loads(second.stdout.splitlines()[-1])["unchanged"] == 25
    report = [json.loads(line) for line in (tmp_path / "r2.jsonl").read_text().splitlines()]
    assert [r["outcome"] for r in report] == ["unchanged"] * 25


def _sample_of_real_postings(shared_data: Path, target: Path, in_shandong: int, elsewhere: int) -> int:
    """Copy a few rows of the unlicensed file to a temporary file (never into the repository)."""
    kept: list[list[str]] = []
    counts = {True: 0, False: 0}
    with gzip.open(
        shared_data / "postings" / "real_postings.csv.gz", "rt", encoding="utf-8", newline=""
    ) as src:
        reader = csv.reader(src)
        header = next(reader)
        lat_i, lng_i = header.index("lat"), header.index("lng")
        for row in reader:
            try:
                inside = 34.3 < float(row[lat_i]) < 38.4 and 114.8 < float(row[lng_i]) < 122.7
            except ValueError:
                inside = False
            if counts[inside] < (in_shandong if inside else elsewhere):
                counts[inside] += 1
                kept.append(row)
            if counts[True] >= in_shandong and counts[False] >= elsewhere:
                break
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(kept)
    return len(kept)


async def test_import_of_real_postings_maps_or_rejects_every_row_and_is_idempotent(
    make_database: Callable[[str], Awaitable[str]], tmp_path: Path, shared_data: Path
) -> None:
    env = {"POSTINGS_DATABASE_URL": await make_database("postings")}
    sample = tmp_path / "sample.csv"
    total = _sample_of_real_postings(shared_data, sample, in_shandong=150, elsewhere=100)

    result = run(["import", str(sample), "--no-progress", "--report", str(tmp_path / "r.jsonl")], env=env)
    again = run(["import", str(sample), "--no-progress", "--report", str(tmp_path / "r2.jsonl")], env=env)

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["created"] + summary["rejected"] == total
    assert summary["created"] >= 100
    assert summary["rejected_by_code"].get("outside_service_area", 0) >= 90
    repeat = json.loads(again.stdout.splitlines()[-1])
    assert (repeat["created"], repeat["updated"], repeat["unchanged"]) == (0, 0, summary["created"])


def test_serve_refuses_a_demo_size_that_is_not_two_numbers_in_range(tmp_path: Path) -> None:
    for size in ("3000", "abc,10", "0,10", "10,200000"):
        result = run(["serve", "--demo", "--demo-size", size, "--data-dir", str(tmp_path)])

        assert result.returncode == 2, (size, result.stderr)
        assert "--demo-size" in result.stderr
