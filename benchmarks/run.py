"""`make bench`: every benchmark in one run, one JSON report.

Each benchmark module exposes `main() -> dict`; one that cannot run here (data absent) reports why.
"""

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCHMARKS = (
    "benchmarks.postings_api",
    "benchmarks.screening_quality",
    "benchmarks.coder_quality",
    "benchmarks.ranking_quality",
    "benchmarks.relatedness",
    "benchmarks.matching_speed",
    "benchmarks.statistics_speed",
    "benchmarks.ltr_simulation",
    "benchmarks.load",
)


def run_one(name: str) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        return {"status": "absent", "reason": str(exc)}
    try:
        result = module.main()
    except Exception as exc:  # noqa: BLE001 - one failing benchmark must not hide the others
        return {"status": "failed", "error": repr(exc), "trace": traceback.format_exc(limit=5)}
    return {"status": "ok", "seconds": round(time.perf_counter() - started, 1), "result": result}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-report.json"))
    parser.add_argument("--only", nargs="*", help="run only these benchmark modules")
    args = parser.parse_args()
    names = [n for n in BENCHMARKS if not args.only or n.rsplit(".", 1)[1] in args.only]
    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": _cpus()},
        "benchmarks": {},
    }
    for name in names:
        print(f"== {name}", flush=True)
        report["benchmarks"][name] = outcome = run_one(name)
        print(json.dumps(outcome, ensure_ascii=False, indent=2, default=str)[:4000], flush=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"report written to {args.out}")
    failed = [n for n, o in report["benchmarks"].items() if o["status"] == "failed"]
    return 1 if failed else 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
