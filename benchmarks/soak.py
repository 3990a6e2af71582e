"""`make soak`: hours-in-small of the production layout under steady load, and what it leaves behind.

Starts `lingong serve --demo --workers N` (`benchmarks/load.py`'s `serving`: fresh databases it makes
and drops, the demo loaded, background tasks on as in production: the postings sweepers, the
notification dispatcher, the outbox partition keeper, matching's feed consumer), then drives the
realistic mix (`load.mix`) with the open-loop generator (`benchmarks/loadgen.py`) at one rate for the
whole run, in windows back to back. Meanwhile, every few seconds, it samples:

- the **proportional set size** (PSS, `/proc/<pid>/smaps_rollup`) of every serving process;
- the **connections** each database has: `pg_stat_activity` per database on PostgreSQL, or on SQLite
  the open file descriptors of the serving processes on each database file;
- the feed: postings' newest outbox `seq` and matching's replica cursor.

At the end it waits for matching's replica to catch up, then compares it with postings: every outbox
event consumed (the replica cursor's count of events = the outbox's rows, the cursor at the newest
seq, no dead letters) and every posting at its source version in the replica. The verdict:

| check | passes when |
|---|---|
| errors | no 5xx, time-out, transport failure or drop at the generator's cap in any window |
| lost events | 0 (outbox rows not consumed + postings missing or behind in the replica + dead letters) |
| memory | each process's PSS grew ≤ 5 % from just after warm-up to the end (medians of 3 samples) |
| (memory, reported) | each process's PSS slope in the second half, MB/min: a leak keeps one, a step not |
| connections | per database: median count in the 2nd half and count after the load ≤ 1st half's median + 2 |

The report is written as JSON (`SOAK_OUT`, default `soak-report.json`); the exit status is 1 when a
check fails. Settings come from the environment (defaults: the issue's soak):

| variable | default | meaning |
|---|---|---|
| `SOAK_SECONDS` | 600 | how long the load runs |
| `SOAK_RATE` | 150 | requests per second (Poisson arrivals) |
| `SOAK_WARMUP_SECONDS` | 120 | memory and connections are judged from here on |
| `SOAK_WINDOW_SECONDS` | 60 | the length of each reported window |
| `SOAK_SAMPLE_SECONDS` | 15 | between samples |
| `SOAK_BACKEND` | `postgres` | or `sqlite` (the embedded default) |
| `SOAK_WORKERS` | 2 | matching workers (`--workers`); 0 runs both services in one process |
| `SOAK_OUT` | `soak-report.json` | the report |
"""

import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from benchmarks.load import Server, _children, memory, mix, prepare, serving
from benchmarks.loadgen import clients, close_clients, run_step
from services.kit import loop
from services.kit.settings import AuthSettings

MEMORY_GROWTH_LIMIT_PCT = 5.0
CONNECTION_SLACK = 2
CATCH_UP_SECONDS = 120.0


@dataclass
class SoakPlan:
    seconds: float = 600
    rate: float = 150
    warmup_seconds: float = 120
    window_seconds: float = 60
    sample_seconds: float = 15
    backend: str = "postgres"
    workers: int = 2
    out: Path = Path("soak-report.json")
    demo_size: tuple[int, int] = (3000, 300)  # postings, seekers (`serve --demo-size`)
    max_in_flight: int = 1000
    timeout: float = 10.0

    @classmethod
    def from_env(cls) -> "SoakPlan":
        env = os.environ.get
        return cls(
            seconds=float(env("SOAK_SECONDS", 600)),
            rate=float(env("SOAK_RATE", 150)),
            warmup_seconds=float(env("SOAK_WARMUP_SECONDS", 120)),
            window_seconds=float(env("SOAK_WINDOW_SECONDS", 60)),
            sample_seconds=float(env("SOAK_SAMPLE_SECONDS", 15)),
            backend=env("SOAK_BACKEND", "postgres"),
            workers=int(env("SOAK_WORKERS", 2)),
            out=Path(env("SOAK_OUT", "soak-report.json")),
        )


@dataclass
class Samples:
    rows: list[dict[str, Any]] = field(default_factory=list)


def _engine(url: str) -> AsyncEngine:
    return create_async_engine(url, poolclass=NullPool)


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


async def _scalar(engine: AsyncEngine, sql: str) -> Any:
    async with engine.connect() as conn:
        return await conn.scalar(text(sql))


async def _connections(server: Server, engines: dict[str, AsyncEngine]) -> dict[str, int]:
    """Connections per database: pg_stat_activity (other than ours), or SQLite file descriptors."""
    urls = server.database_urls
    if all(_is_postgres(u) for u in urls.values()):
        names = {svc: make_url(u).database for svc, u in urls.items()}
        async with engines["postings"].connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT datname, count(*) FROM pg_stat_activity "
                    "WHERE datname = ANY(:names) AND pid <> pg_backend_pid() GROUP BY datname"
                ),
                {"names": list(names.values())},
            )
            counts = {str(name): int(n) for name, n in rows}
        return {svc: counts.get(str(name), 0) for svc, name in names.items()}
    files = {svc: str(Path(str(make_url(u).database)).resolve()) for svc, u in urls.items()}
    found = dict.fromkeys(files, 0)
    for pid in [server.process.pid, *_children(server.process.pid)]:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            for svc, path in files.items():
                found[svc] += target == path
    return found


async def _feed_position(engines: dict[str, AsyncEngine]) -> dict[str, int]:
    head = await _scalar(engines["postings"], "SELECT coalesce(max(seq), 0) FROM outbox")
    cursor = await _scalar(engines["matching"], "SELECT coalesce(max(seq), 0) FROM replica_cursors")
    return {"outbox_head": int(head or 0), "replica_cursor": int(cursor or 0)}


async def sample(server: Server, engines: dict[str, AsyncEngine], started: float) -> dict[str, Any]:
    mem = memory(server)
    return {
        "t": round(time.monotonic() - started, 1),
        "pss_mb": {name: p.get("pss_mb", 0.0) for name, p in mem["processes"].items()},
        "pss_total_mb": mem["pss_total_mb"],
        "connections": await _connections(server, engines),
        "feed": await _feed_position(engines),
        "load_average": os.getloadavg()[0],
    }


async def _sampler(
    server: Server, engines: dict[str, AsyncEngine], started: float, every: float, into: Samples
) -> None:
    while True:
        into.rows.append(await sample(server, engines, started))
        await asyncio.sleep(every)


async def compare(engines: dict[str, AsyncEngine], wait: float = CATCH_UP_SECONDS) -> dict[str, Any]:
    """Postings' outbox and postings against matching's replica, once the replica has caught up."""
    deadline = time.monotonic() + wait
    while True:
        position = await _feed_position(engines)
        if position["replica_cursor"] >= position["outbox_head"] or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    outbox = int(await _scalar(engines["postings"], "SELECT count(*) FROM outbox") or 0)
    consumed = int(
        await _scalar(engines["matching"], "SELECT coalesce(sum(events), 0) FROM replica_cursors") or 0
    )
    dead = int(await _scalar(engines["matching"], "SELECT count(*) FROM replica_dead_letters") or 0)
    async with engines["postings"].connect() as conn:
        source = {str(i): int(v) for i, v in await conn.execute(text("SELECT id, version FROM postings"))}
    async with engines["matching"].connect() as conn:
        replica = {
            str(i): int(v) for i, v in await conn.execute(text("SELECT id, version FROM replica_postings"))
        }
    source = {k.replace("-", ""): v for k, v in source.items()}  # SQLite stores UUIDs without dashes
    replica = {k.replace("-", ""): v for k, v in replica.items()}
    missing = [pid for pid in source if pid not in replica]
    behind = [pid for pid, v in source.items() if pid in replica and replica[pid] < v]
    not_consumed = max(0, outbox - consumed)
    return {
        **position,
        "caught_up": position["replica_cursor"] >= position["outbox_head"],
        "outbox_events": outbox,
        "replica_events_consumed": consumed,
        "events_not_consumed": not_consumed,
        "dead_letters": dead,
        "postings_in_source": len(source),
        "postings_missing_in_replica": len(missing),
        "postings_behind_in_replica": len(behind),
        "lost": not_consumed + len(missing) + len(behind) + dead,
    }


def _median_of(rows: Sequence[dict[str, Any]], key: str, name: str) -> float | None:
    values = [r[key][name] for r in rows if name in r[key]]
    return statistics.median(values) if values else None


def _slope(rows: Sequence[dict[str, Any]], name: str) -> float | None:
    """Least-squares MB per minute of one process's PSS: a leak keeps a slope, a one-off step does not."""
    points = [(r["t"], r["pss_mb"][name]) for r in rows if name in r["pss_mb"]]
    if len(points) < 3:
        return None
    mean_t = statistics.fmean(t for t, _ in points)
    mean_m = statistics.fmean(m for _, m in points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if not spread:
        return None
    return round(sum((t - mean_t) * (m - mean_m) for t, m in points) / spread * 60, 3)


def memory_growth(rows: Sequence[dict[str, Any]], warmup: float) -> dict[str, Any]:
    """Each process's PSS from just after warm-up to the end: medians of the first and last 3 samples."""
    after = [r for r in rows if r["t"] >= warmup]
    if len(after) < 2:
        return {"judged": False, "why": "fewer than 2 samples after warm-up", "processes": {}}
    first, last = after[:3], after[-3:]
    out = {}
    for name in after[0]["pss_mb"]:
        start, end = _median_of(first, "pss_mb", name), _median_of(last, "pss_mb", name)
        if start and end is not None:
            out[name] = {
                "start_mb": start,
                "end_mb": end,
                "growth_pct": round((end - start) / start * 100, 2),
                "second_half_slope_mb_per_min": _slope(after[len(after) // 2 :], name),
            }
    total_start = statistics.median(r["pss_total_mb"] for r in first)
    total_end = statistics.median(r["pss_total_mb"] for r in last)
    return {
        "judged": True,
        "processes": out,
        "total": {
            "start_mb": total_start,
            "end_mb": total_end,
            "growth_pct": round((total_end - total_start) / total_start * 100, 2) if total_start else None,
        },
    }


def connection_trend(rows: Sequence[dict[str, Any]], warmup: float) -> dict[str, Any]:
    """Per database, after warm-up: the median and peak count in the first and second halves, and the
    count in the last sample (taken after the load stopped). A pool holds `pool_size` connections idle
    and opens up to as many again in a burst, closing those when they come back: a peak within that is
    not a leak; a leak raises the floor (the median) and does not come back down (the last sample)."""
    after = [r for r in rows if r["t"] >= warmup]
    if len(after) < 2:
        return {"judged": False, "why": "fewer than 2 samples after warm-up", "databases": {}}
    half = len(after) // 2
    out = {}
    for db in after[0]["connections"]:
        first = [r["connections"][db] for r in after[:half]]
        second = [r["connections"][db] for r in after[half:]]
        out[db] = {
            "first_half_median": statistics.median(first),
            "second_half_median": statistics.median(second),
            "first_half_peak": max(first),
            "second_half_peak": max(second),
            "last": after[-1]["connections"][db],
        }
    return {"judged": True, "databases": out}


def judge(report: dict[str, Any]) -> dict[str, Any]:
    """The checks, each with its figure and whether it passed; `passed` only when every one did."""
    errors = sum(w["all"]["errors"] for w in report["windows"])
    lost = report["events"]["lost"]
    mem = report["memory"]
    grown = {n: p["growth_pct"] for n, p in mem.get("processes", {}).items()}
    conns = report["connections"]
    leaked = {
        db: c
        for db, c in conns.get("databases", {}).items()
        if c["second_half_median"] > c["first_half_median"] + CONNECTION_SLACK
        or c["last"] > c["first_half_median"] + CONNECTION_SLACK
    }
    checks = {
        "errors": {"value": errors, "passed": errors == 0},
        "lost_events": {"value": lost, "passed": lost == 0 and report["events"]["caught_up"]},
        "memory_growth_pct": {
            "value": grown,
            "limit": MEMORY_GROWTH_LIMIT_PCT,
            "passed": bool(mem.get("judged")) and all(g <= MEMORY_GROWTH_LIMIT_PCT for g in grown.values()),
        },
        "connection_leak": {"value": leaked, "passed": bool(conns.get("judged")) and not leaked},
    }
    return {"checks": checks, "passed": all(c["passed"] for c in checks.values())}


async def soak(server: Server, plan: SoakPlan) -> dict[str, Any]:
    engines = {svc: _engine(url) for svc, url in server.database_urls.items()}
    fx = await prepare(server, AuthSettings(), n_seekers=plan.demo_size[1])
    client = clients(plan.max_in_flight, plan.timeout)
    samples = Samples()
    started = time.monotonic()
    sampler = asyncio.create_task(_sampler(server, engines, started, plan.sample_seconds, samples))
    windows = []
    try:
        kinds = mix(fx, client, server)
        elapsed, seed = 0.0, 1
        while elapsed < plan.seconds - 1e-6:
            length = min(plan.window_seconds, plan.seconds - elapsed)
            step = await run_step(kinds, plan.rate, length, max_in_flight=plan.max_in_flight, seed=seed)
            report = step.report()
            windows.append({"from_s": round(elapsed, 1), **report})
            elapsed, seed = elapsed + length, seed + 1
            print(json.dumps(_line(windows[-1])), flush=True)
        samples.rows.append(await sample(server, engines, started))
    finally:
        sampler.cancel()
        await asyncio.gather(sampler, return_exceptions=True)
        await close_clients(client)
    try:
        events = await compare(engines)
    finally:
        for engine in engines.values():
            await engine.dispose()
    return {
        "demo": {"jobs": len(fx.jobs), "gigs": len(fx.gigs), "open_shifts": len(fx.shifts)},
        "windows": windows,
        "samples": samples.rows,
        "events": events,
        "memory": memory_growth(samples.rows, plan.warmup_seconds),
        "connections": connection_trend(samples.rows, plan.warmup_seconds),
    }


def _line(window: dict[str, Any]) -> dict[str, Any]:
    main = window["kinds"].get("matches", window["all"])
    return {
        "from_s": window["from_s"],
        "sent": window["sent"],
        "p50": window["all"]["p50_ms"],
        "p95": window["all"]["p95_ms"],
        "p99": window["all"]["p99_ms"],
        "matches_p95": main["p95_ms"],
        "errors": window["all"]["errors"],
        "shed": window["all"]["shed_503"],
        "load": window["load_average"]["after"][0],
    }


def run(plan: SoakPlan) -> dict[str, Any]:
    """The whole soak: start the layout, drive it, judge it, write the report; returns the report."""
    workers = plan.workers or None
    report: dict[str, Any] = {
        "plan": {k: str(v) if isinstance(v, Path) else v for k, v in vars(plan).items()},
        "layout": f"lingong serve --demo {'--workers ' + str(workers) if workers else '(one process)'}",
        "backend": plan.backend,
        "cpus": len(os.sched_getaffinity(0)),
        "load_average_at_start": os.getloadavg(),
    }
    prefix = f"lingong_soak_{os.getpid()}"
    began = time.monotonic()
    with serving(plan.backend, workers, db_prefix=prefix, demo_size=plan.demo_size) as server:
        ready = time.monotonic()
        report |= loop.run(soak(server, plan))
        ended = time.monotonic()
    report["load_average_at_end"] = os.getloadavg()
    report["seconds"] = {
        "until_the_demo_was_ready": round(ready - began, 1),
        "soak_and_comparison": round(ended - ready, 1),
        "stopping": round(time.monotonic() - ended, 1),
    }
    report["verdict"] = judge(report)
    plan.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


def main() -> int:
    plan = SoakPlan.from_env()
    report = run(plan)
    verdict = report["verdict"]
    for name, check in verdict["checks"].items():
        print(f"{'PASS' if check['passed'] else 'FAIL'} {name}: {json.dumps(check['value'])}")
    print(f"report: {plan.out} ({'passed' if verdict['passed'] else 'FAILED'})")
    return 0 if verdict["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
