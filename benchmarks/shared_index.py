"""Memory of N matching workers at a large index, with and without the shared index (docs/load.md, part 2).

The matching replica of a fresh SQLite database is filled with `--postings` synthetic open postings
(`ranking/synthetic.py`, applied as feed events of a source of their own) and the 300 demo seekers;
then `python -m services.workers matching` processes are started as `lingong serve --workers N` starts
them (the first with the feed consumer, pointed at a port where nothing answers: it only retries), each
with the shipped occupation coder. Once every worker answers ready with every posting, the seekers'
matches are asked `--queries` times over new connections (so every worker ranks and touches its index
as it would under traffic), then each process's Rss/Pss (and the anonymous and file-backed parts of
Pss) are read from /proc/<pid>/smaps_rollup.

    .venv/bin/python -m benchmarks.shared_index --postings 200000 --workers 1,2 --out report.json
"""

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from services.kit.auth import mint_token
from services.kit.db import build_engine, build_sessionmaker
from services.kit.migrate import upgrade
from services.kit.settings import AuthSettings
from services.kit.uow import unit_of_work
from services.matching.config import MatchingSettings
from services.matching.demo import demo_id, load_demo_seekers
from services.matching.ranking import synthetic
from services.matching.replica.service import apply_page

REPO = Path(__file__).resolve().parents[1]
SEEKERS = 300
PAGE = 2000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def fill(url: str, postings: int, now: datetime) -> None:
    """`postings` synthetic open postings into the replica (source "bench"), and the demo seekers."""
    engine = build_engine(MatchingSettings(database_url=url))
    sessionmaker = build_sessionmaker(engine)
    page: list[dict[str, Any]] = []
    seq = 0
    try:
        for snapshot in synthetic.postings(postings, 5, now):
            seq += 1
            snapshot = snapshot | {"version": 1}
            page.append(
                {"seq": seq, "type": "posting.created", "schema_version": 1,
                 "aggregate_id": snapshot["id"], "created_at": now.isoformat(), "data": snapshot}
            )  # fmt: skip
            if len(page) == PAGE or seq == postings:
                async with unit_of_work(sessionmaker) as session:
                    await apply_page(session, "bench", page, now)
                page = []
    finally:
        await engine.dispose()
    await load_demo_seekers(MatchingSettings(database_url=url), n=SEEKERS)


def _rollup(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        if key in ("Rss", "Pss", "Pss_Anon", "Pss_File", "Pss_Shmem"):
            out[key.lower() + "_mb"] = round(int(value.split()[0]) / 1024, 1)
    return out


@dataclass
class Started:
    processes: list[subprocess.Popen[bytes]]  # what to stop
    measured: dict[str, int]  # name → pid


def _env(url: str, shared: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MATCHING_DATABASE_URL=url,
        MATCHING_RATE_LIMIT__ENABLED="false",
        MATCHING_CODER_CACHE=os.environ.get("MATCHING_CODER_CACHE", str(REPO / "var/cache/occupations")),
        MATCHING_SERVING__SHARED_INDEX_DIR=str(shared) if shared is not None else "",
        MATCHING_SERVING__REPLICA_POLL_SECONDS="0.25",
    )
    return env


def _start(url: str, port: int, workers: int, shared: Path | None, data: Path) -> Started:
    """As `lingong serve --workers N` starts matching: with the shared index, one pool process that
    preloads and forks the workers; without it, as before this layout, one process each."""
    dead = str(_free_port())  # the consumer's postings service: nothing answers there
    log = (data / f"workers-{port}.log").open("w")
    base = [sys.executable, "-m", "services.workers"]
    if shared is not None:
        read, write = os.pipe()
        args = [*base, "matching-pool", "127.0.0.1", str(port), dead, "json", str(workers), str(write)]
        pool = subprocess.Popen(
            args,
            env=_env(url, shared),
            cwd=REPO,
            stdout=log,
            stderr=log,
            pass_fds=(write,),
            start_new_session=True,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            pids = [int(p) for p in pipe.readline().split()]
        return Started([pool], {"pool": pool.pid} | {f"worker {i}": pid for i, pid in enumerate(pids)})
    procs = []
    for i in range(workers):
        env = _env(url, None) | {"MATCHING_REPLICA__ENABLED": "true" if i == 0 else "false"}
        args = [*base, "matching", "127.0.0.1", str(port), dead, "json"]
        procs.append(
            subprocess.Popen(args, env=env, cwd=REPO, stdout=log, stderr=log, start_new_session=True)
        )
    return Started(procs, {f"worker {i}": p.pid for i, p in enumerate(procs)})


def _until_ready(port: int, postings: int, workers: int, staff: dict[str, str], limit: float) -> float:
    started = time.monotonic()
    agreeing = 0
    while agreeing < 8 * workers:
        if time.monotonic() - started > limit:
            raise RuntimeError("the workers never became ready")
        try:
            status = httpx.get(
                f"http://127.0.0.1:{port}/v1/matching/status", headers=staff, timeout=10
            ).json()
        except (httpx.HTTPError, ValueError):
            status = {}
        ok = status.get("ready") is True and status.get("postings") == postings
        agreeing = agreeing + 1 if ok else 0
        time.sleep(0.1 if ok else 1.0)
    return round(time.monotonic() - started, 1)


def _drive(port: int, auth: AuthSettings, queries: int) -> dict[str, Any]:
    rng = random.Random(1)
    tokens = [mint_token(auth, "seeker", demo_id(i), ttl=3600) for i in range(SEEKERS)]
    codes: dict[int, int] = {}
    for _ in range(queries):
        i = rng.randrange(SEEKERS)
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        r = httpx.get(f"http://127.0.0.1:{port}/v1/seekers/{demo_id(i)}/matches", headers=headers, timeout=30)
        codes[r.status_code] = codes.get(r.status_code, 0) + 1
    return {"queries": queries, "statuses": codes}


def measure(postings: int, workers: int, shared: bool, queries: int, url: str, data: Path) -> dict[str, Any]:
    auth = AuthSettings()
    staff = {"Authorization": "Bearer " + mint_token(auth, "staff", "bench", station_id="st-001", ttl=3600)}
    port = _free_port()
    index = data / f"index-{uuid.uuid4().hex[:6]}" if shared else None
    started = _start(url, port, workers, index, data)
    try:
        ready_s = _until_ready(port, postings, workers, staff, limit=1800)
        drive = _drive(port, auth, queries)
        time.sleep(2)
        per = {name: _rollup(pid) for name, pid in started.measured.items()}
        disk = sum(f.stat().st_size for f in index.rglob("*") if f.is_file()) if index else 0
    finally:
        for p in started.processes:
            p.send_signal(signal.SIGTERM)
        for p in started.processes:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    return {
        "layout": "pool, shared index" if shared else "each worker its own process and index",
        "workers": workers,
        "ready_after_s": ready_s,
        **drive,
        "processes": per,
        "pss_total_mb": round(sum(v["pss_mb"] for v in per.values()), 1),
        "generation_files_mb": round(disk / 2**20, 1),
    }


# -- the feed lag under `lingong serve --demo --workers N` ------------------------------------------
CONNECTIONS = 4  # kept-alive connections to the matching port: the kernel spreads them over the workers


def _job_at(seeker: dict[str, Any], employer_id: str) -> dict[str, Any]:
    return {
        "employer_id": employer_id,
        "kind": "job",
        "title": (seeker.get("desired_text") or "仓库装卸工")[:40],
        "description": "男女不限，包午餐，按月足额发放工资。",
        "location": {"lat": seeker["home"]["lat"], "lng": seeker["home"]["lng"]},
        "pay": {"min": "9000", "max": "12000", "unit": "month"},
        "headcount": 5,
        "physical_demand": "light",
    }


def feed_lag(backend: str, workers: int, trials: int, cap: float = 10.0) -> dict[str, Any]:
    """Per posting: create and publish it (the demo employers' owner), then ask one seeker's matches on
    every one of CONNECTIONS kept-alive connections at once, every 20 ms, until each has listed it; the
    lag is until the last one did (every worker holds it), from the publish response."""
    from benchmarks.load import prepare, serving

    with serving(backend, workers) as server:
        fx = asyncio.run(prepare(server, AuthSettings()))
        out = asyncio.run(_lag_trials(server.postings, server.matching, fx, trials, cap))
    return {"backend": backend, "workers": workers, "connections": CONNECTIONS, **out}


async def _lag_trials(
    postings_url: str, matching_url: str, fx: Any, trials: int, cap: float
) -> dict[str, Any]:
    from benchmarks.latency import summary_ms

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    conns = [httpx.AsyncClient(base_url=matching_url, timeout=30, limits=limits) for _ in range(CONNECTIONS)]
    every: list[float] = []
    first: list[float] = []
    refused, missed, nowhere = 0, 0, 0
    async with httpx.AsyncClient(base_url=postings_url, timeout=30) as postings:
        for t in range(trials):
            i = t % 20
            headers = fx.seekers[i]
            seeker = (await conns[0].get(f"/v1/seekers/{demo_id(i)}", headers=headers)).json()
            draft = await postings.post(
                "/v1/postings", json=_job_at(seeker, fx.employers[0]), headers=fx.owner
            )
            if draft.status_code != 201:
                refused += 1
                continue
            pid = draft.json()["id"]
            etag = {"If-Match": draft.headers["ETag"]}
            shown = await postings.post(f"/v1/postings/{pid}/publish", headers=fx.owner | etag)
            published = time.perf_counter()
            if shown.status_code != 200:
                refused += 1
                continue
            seen: dict[int, float] = {}

            async def ask(
                c: int, pid: str = pid, i: int = i, seen: dict[int, float] = seen, at: float = published
            ) -> None:
                got = await conns[c].get(f"/v1/seekers/{demo_id(i)}/matches?top_k=50", headers=fx.seekers[i])
                if got.status_code == 200 and pid in {m["posting_id"] for m in got.json()["items"]}:
                    seen.setdefault(c, time.perf_counter() - at)

            while len(seen) < CONNECTIONS and time.perf_counter() - published < cap:
                await asyncio.gather(*(ask(c) for c in range(CONNECTIONS) if c not in seen))
                await asyncio.sleep(0.02)
            if not seen:  # the seeker's matches never list it (their rules exclude it): not a lag
                nowhere += 1
            elif len(seen) < CONNECTIONS:
                missed += 1
            else:
                every.append(max(seen.values()))
                first.append(min(seen.values()))
    for c in conns:
        await c.aclose()
    return {
        "postings": trials,
        "refused_by_postings": refused,
        "listed_on_no_connection": nowhere,
        "listed_on_some_not_all_within_s": {"cap": cap, "count": missed},
        "lag_every_worker_ms": summary_ms(every) if every else None,
        "lag_first_worker_ms": summary_ms(first) if first else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=200_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--layouts", default="shared,private")
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--lag", type=int, default=0, help="instead: the feed lag over this many postings")
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    if args.lag:
        runs = [feed_lag(args.backend, int(n), args.lag) for n in args.workers.split(",")]
        text = json.dumps(runs, ensure_ascii=False, indent=2)
        args.out.write_text(text, encoding="utf-8") if args.out else sys.stdout.write(text + "\n")
        return
    now = datetime.now(UTC).replace(microsecond=0)
    report: dict[str, Any] = {"postings": args.postings, "cpus": len(os.sched_getaffinity(0)), "runs": []}
    with tempfile.TemporaryDirectory(prefix="lingong-shared-") as tmp:
        data = Path(tmp)
        url = f"sqlite+aiosqlite:///{data / 'matching.db'}"
        upgrade("matching", url)
        started = time.monotonic()
        asyncio.run(fill(url, args.postings, now))
        report["fill_s"] = round(time.monotonic() - started, 1)
        for layout in args.layouts.split(","):
            for n in (int(w) for w in args.workers.split(",")):
                run = measure(args.postings, n, layout == "shared", args.queries, url, data)
                run["load_average"] = os.getloadavg()
                report["runs"].append(run)
                print(json.dumps(run, ensure_ascii=False), flush=True)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
