"""CPU per request, by kind: `lingong serve --demo` (PostgreSQL `--workers 2`, or SQLite in one process)
asked one request at a time, N of each kind of the load mix (`benchmarks/load.py`), and the CPU time
each process spent meanwhile read from /proc (ms per request: the postings process, the matching
workers summed, every PostgreSQL backend, and this generator). The idle cost (ms per second with no
request) is read first. Closed loop on purpose: it says what a request costs, not how fast the service
answers under load (that is `benchmarks.load`).

    .venv/bin/python -m benchmarks.cpu_per_request --backend postgres -n 200
"""

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

from benchmarks.load import Server, healthz, memory, mix, prepare, serving, settle
from benchmarks.loadgen import clients, close_clients
from services.kit import loop
from services.kit.settings import AuthSettings

TICK = os.sysconf("SC_CLK_TCK")


def _seconds(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def cpu(pids: dict[str, str]) -> dict[str, float]:
    """CPU seconds so far: each named process (summed by name), every PostgreSQL backend, this one."""
    out: dict[str, float] = {"postgresql": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            out["postgresql"] += _seconds(text)
    own = os.times()
    out["generator"] = own.user + own.system
    for pid, name in pids.items():
        try:
            out[name] = out.get(name, 0.0) + _seconds(Path(f"/proc/{pid}/stat").read_text())
        except OSError:
            continue
    return out


async def measure(server: Server, n: int, idle_seconds: float = 10.0) -> dict[str, Any]:
    fx = await prepare(server, AuthSettings())
    client = clients(16, 30.0)
    kinds = mix(fx, client, server) + healthz(client, server)
    await settle(client(server.matching), 1.0)
    pids = {
        key.split()[0]: key.split()[1]
        for key in memory(server)["processes"]
        if key.split()[1] not in ("serve", "matching-pool")
    }
    before = cpu(pids)
    await asyncio.sleep(idle_seconds)
    after = cpu(pids)
    report: dict[str, Any] = {
        "idle_ms_per_s": {k: round((after[k] - before[k]) * 1000 / idle_seconds, 1) for k in before}
    }
    for kind in kinds:
        statuses: dict[str, int] = {}
        before, started = cpu(pids), time.monotonic()
        for _ in range(n):
            answer = await kind.make()()
            key = str(answer.status_code)
            if answer.status_code >= 400:
                key += " " + str(answer.json().get("code"))
            statuses[key] = statuses.get(key, 0) + 1
        wall, after = time.monotonic() - started, cpu(pids)
        report[kind.name] = {
            "wall_ms": round(wall * 1000 / n, 2),
            "cpu_ms": {k: round((after[k] - before[k]) * 1000 / n, 2) for k in before},
            "statuses": statuses,
        }
        print(json.dumps({kind.name: report[kind.name]}, ensure_ascii=False), flush=True)
    await close_clients(client)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("-n", type=int, default=200, help="requests of each kind")
    parser.add_argument("--db-prefix", default="lingong_cpu", help="scratch PostgreSQL databases' prefix")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    workers = 2 if args.backend == "postgres" else None
    with serving(args.backend, workers, db_prefix=args.db_prefix) as server:
        report = {"backend": args.backend, "workers": workers, "n": args.n} | loop.run(
            measure(server, args.n)
        )
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
