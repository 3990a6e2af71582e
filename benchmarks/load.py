"""`python -m benchmarks.run --only load`: the throughput-latency curve of `lingong serve --demo`.

For each backend (the embedded default on SQLite; PostgreSQL when it answers) the benchmark starts
`lingong serve --demo` as its own process tree (the production layout, `--workers N`, where asked),
waits for the demo to be ready, then drives the realistic mix with the open-loop generator
(`benchmarks/loadgen.py`) at each rate, and `GET /healthz` at the same rates as the baseline of what
the HTTP stack alone costs on this machine at that moment. The machine's load average is recorded
with every step: the cores are shared, so the figures are pessimistic when others are busy.

The mix (docs/load.md): seekers' matches 60 %, posting lists and reads 20 %, applications and shift
bookings 10 %, posting writes 5 %, employers' candidates 5 %; every request carries a real token
minted with the embedded default's local key, as `lingong dev-token` does. The abuse limits (429 per
principal and per address, docs/security.md) are turned off: every request comes from one address,
and they answer a different question than capacity.

Plain `make bench` runs a short curve on SQLite only (50 and 100 requests/s, 5 s each);
`BENCH_LOAD=full` runs 50, 100, 200 and 400 requests/s for 25 s each on SQLite and PostgreSQL.
`python -m benchmarks.load --help` runs one backend and layout by hand.
"""

import argparse
import asyncio
import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import scratch_pg_database
from benchmarks.loadgen import TRANSPORT_ERRORS, Kind, LoadClient, clients, close_clients, run_step
from services.kit import loop
from services.kit.auth import mint_token
from services.kit.settings import AuthSettings
from services.matching.demo import demo_id

REPO = Path(__file__).resolve().parents[1]
DEMO_SEEKERS = 300
READY_TIMEOUT = 900.0


@dataclass
class Plan:
    rates: list[float]
    seconds: float
    layouts: list[tuple[str, int | None]]  # (backend, --workers N or None for one process)
    arrivals: str = "poisson"
    max_in_flight: int = 1000
    timeout: float = 10.0
    pause: float = 3.0


def plan_from_env() -> Plan:
    if os.environ.get("BENCH_LOAD") == "full":
        return Plan([50, 100, 200, 400], 25, [("sqlite", None), ("postgres", 2)])
    return Plan([50, 100], 5, [("sqlite", None)])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[str]
    postings: str
    matching: str
    lines: list[str]
    database_urls: dict[str, str] = field(default_factory=dict)  # service → URL (SQLite files too)
    reader: threading.Thread | None = None  # reads the server's output to its end


@contextmanager
def serving(
    backend: str,
    workers: int | None,
    db_prefix: str = "lingong_load",
    demo_size: tuple[int, int] | None = None,
) -> Iterator[Server]:
    """`lingong serve --demo` (with `--workers N` when given) on fresh databases, until the demo is ready.

    PostgreSQL databases are named `<db_prefix>_<service>`, made for the run and dropped after it."""
    with ExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lingong-load-")))
        env = dict(os.environ)
        env.update(
            POSTINGS_RATE_LIMIT__ENABLED="false",
            MATCHING_RATE_LIMIT__ENABLED="false",
            MATCHING_CODER_CACHE=os.environ.get("MATCHING_CODER_CACHE", str(REPO / "var/cache/occupations")),
        )
        for key in ("POSTINGS_DATABASE_URL", "MATCHING_DATABASE_URL", "MATCHING_POSTINGS_URL"):
            env.pop(key, None)
        urls = {svc: f"sqlite+aiosqlite:///{data / 'var' / f'{svc}.db'}" for svc in ("postings", "matching")}
        if backend == "postgres":
            for svc in ("postings", "matching"):
                url = stack.enter_context(scratch_pg_database(f"{db_prefix}_{svc}"))
                if url is None:
                    raise RuntimeError("PostgreSQL does not answer")
                env[f"{svc.upper()}_DATABASE_URL"] = urls[svc] = url
        pp, mp = _free_port(), _free_port()
        args = [str(REPO / ".venv/bin/lingong"), "serve", "--demo", "--data-dir", str(data / "var")]
        args += ["--postings-port", str(pp), "--matching-port", str(mp), "--log-format", "json"]
        if workers is not None:
            args += ["--workers", str(workers)]
        if demo_size is not None:
            args += ["--demo-size", f"{demo_size[0]},{demo_size[1]}"]
        log = (data / "serve.log").open("w")
        process = subprocess.Popen(args, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True)
        server = Server(process, f"http://127.0.0.1:{pp}", f"http://127.0.0.1:{mp}", [], urls)
        try:
            _until_ready(server)
            yield server
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
            if server.reader is not None:
                server.reader.join(10)  # the output ends with the process
            if process.stdout is not None and (server.reader is None or not server.reader.is_alive()):
                process.stdout.close()


def _until_ready(server: Server) -> None:
    """Reads the server's lines (in a thread, so the deadline holds while it prints nothing)."""
    assert server.process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    stdout = server.process.stdout

    def read() -> None:
        for line in stdout:
            lines.put(line)
        lines.put(None)  # the output has ended: the server has stopped

    server.reader = threading.Thread(target=read, daemon=True)
    server.reader.start()
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=5)
        except queue.Empty:
            continue
        if line is None:
            last = " | ".join(server.lines[-5:])
            raise RuntimeError(f"the server stopped before the demo was ready: {last}")
        server.lines.append(line.rstrip())
        if line.startswith("demo ready"):
            return
        if "could not be loaded" in line:
            break
    raise RuntimeError("the demo never became ready: " + " | ".join(server.lines[-5:]))


@dataclass
class Fixture:
    """What the mix draws from: the demo's postings, shifts and employers, and tokens."""

    jobs: list[str]
    gigs: list[str]
    shifts: list[str]
    employers: list[str]
    owner: dict[str, str]
    seekers: list[dict[str, str]]
    staff: dict[str, str]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _get(client: httpx.AsyncClient, url: str, **kwargs: Any) -> Any:
    """A setup read, retried while the server sheds load (503 with Retry-After)."""
    for _ in range(120):
        response = await client.get(url, **kwargs)
        if response.status_code != 503:
            response.raise_for_status()
            return response.json()
        await asyncio.sleep(float(response.headers.get("retry-after", "1")))
    raise RuntimeError(f"{url} kept answering 503")


async def prepare(server: Server, auth: AuthSettings, n_seekers: int = DEMO_SEEKERS) -> Fixture:
    owner = _bearer(mint_token(auth, "employer", "import:demo", ttl=8 * 3600))
    staff = _bearer(mint_token(auth, "staff", "load", station_id="st-001", ttl=8 * 3600))
    seekers = [_bearer(mint_token(auth, "seeker", demo_id(i), ttl=8 * 3600)) for i in range(n_seekers)]
    jobs, gigs, shifts = [], [], []
    async with httpx.AsyncClient(base_url=server.postings, timeout=30) as client:
        employers = await _get(client, "/v1/employers", params={"limit": 200}, headers=owner)
        cursor: str | None = None
        while len(jobs) + len(gigs) < 2000:
            params: dict[str, Any] = {"limit": 200} | ({"cursor": cursor} if cursor else {})
            page = await _get(client, "/v1/postings", params=params, headers=staff)
            for p in page["items"]:
                (jobs if p["kind"] == "job" else gigs).append(p["id"])
                shifts += [s["id"] for s in p.get("shifts", []) if s["status"] == "open"]
            cursor = page.get("next_cursor")
            if not cursor:
                break
    return Fixture(jobs, gigs, shifts, [e["id"] for e in employers["items"]], owner, seekers, staff)


def _posting_body(employer_id: str, rng: random.Random) -> dict[str, Any]:
    return {
        "employer_id": employer_id,
        "kind": "job",
        "title": rng.choice(["仓库分拣员", "快递装卸工", "餐厅服务员", "保洁员"]),
        "description": "男女不限，包午餐。",
        "location": {"lat": 36.65 + rng.random() / 10, "lng": 117.0 + rng.random() / 10},
        "pay": {"min": "4200", "unit": "month"},
        "headcount": 3,
    }


def mix(fx: Fixture, client: Callable[[str], LoadClient], server: Server, seed: int = 3) -> list[Kind]:
    """The realistic mix, each kind a factory of one request."""
    rng = random.Random(seed)
    postings, matching = client(server.postings), client(server.matching)
    applied: set[tuple[int, str]] = set()

    def seeker() -> tuple[int, dict[str, str]]:
        i = rng.randrange(len(fx.seekers))
        return i, fx.seekers[i]

    def matches():  # type: ignore[no-untyped-def]
        i, headers = seeker()
        return lambda: matching.get(f"/v1/seekers/{demo_id(i)}/matches", headers=headers)

    def list_postings():  # type: ignore[no-untyped-def]
        headers = rng.choice(fx.seekers)
        return lambda: postings.get("/v1/postings", params={"limit": 20}, headers=headers)

    def read_posting():  # type: ignore[no-untyped-def]
        pid, headers = rng.choice(fx.jobs + fx.gigs), rng.choice(fx.seekers)
        return lambda: postings.get(f"/v1/postings/{pid}", headers=headers)

    def apply():  # type: ignore[no-untyped-def]
        i, headers = seeker()
        pid = rng.choice(fx.jobs)
        for _ in range(5):  # a seeker applies once to a posting
            if (i, pid) not in applied:
                break
            pid = rng.choice(fx.jobs)
        applied.add((i, pid))
        return lambda: postings.post(f"/v1/postings/{pid}/applications", json={}, headers=headers)

    def book():  # type: ignore[no-untyped-def]
        _, headers = seeker()
        shift = rng.choice(fx.shifts)
        return lambda: postings.post(f"/v1/shifts/{shift}/bookings", json={}, headers=headers)

    def write_posting():  # type: ignore[no-untyped-def]
        body = _posting_body(rng.choice(fx.employers), rng)
        return lambda: postings.post("/v1/postings", json=body, headers=fx.owner)

    def candidates():  # type: ignore[no-untyped-def]
        pid = rng.choice(fx.jobs)
        return lambda: matching.get(f"/v1/postings/{pid}/candidates", headers=fx.owner)

    return [
        Kind("matches", 0.60, matches),
        Kind("posting_list", 0.10, list_postings),
        Kind("posting_read", 0.10, read_posting),
        Kind("application", 0.05, apply),
        Kind("booking", 0.05 if fx.shifts else 0.0, book),
        Kind("posting_write", 0.05, write_posting),
        Kind("candidates", 0.05, candidates),
    ]


def healthz(client: Callable[[str], LoadClient], server: Server) -> list[Kind]:
    matching = client(server.matching)
    return [Kind("healthz", 1.0, lambda: lambda: matching.get("/healthz"))]


async def settle(client: LoadClient, pause: float, limit: float = 60.0) -> None:
    """Waits out the last step's backlog: until /healthz answers quickly five times in a row."""
    await asyncio.sleep(pause)
    quick, deadline = 0, time.monotonic() + limit
    while quick < 5 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            await client.get("/healthz")
            quick = quick + 1 if time.monotonic() - started < 0.05 else 0
        except TRANSPORT_ERRORS:
            quick = 0
        await asyncio.sleep(0.2)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _rollup(pid: int) -> dict[str, int]:
    """Resident and proportional set sizes (kB) of one process: PSS shares each shared page out."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        if key in ("Rss", "Pss", "Pss_Anon", "Pss_File"):
            out[key.lower() + "_mb"] = round(int(value.split()[0]) / 1024, 1)
    return out


def memory(server: Server) -> dict[str, Any]:
    """PSS and RSS of the serving processes (the parent and its children)."""
    pids, i = [server.process.pid], 0
    while i < len(pids):  # the matching pool's workers are grandchildren
        pids += _children(pids[i])
        i += 1
    per = {}
    for pid in pids:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            worker = b"services.workers" in cmd
            name = cmd[cmd.index(b"services.workers") + 1].decode() if worker else "serve"
            if name == "matching-pool" and pid != pids[0] and _parent(pid) not in (pids[0],):
                name = "matching"  # forked by the pool: a worker
            per[f"{pid} {name}"] = _rollup(pid)
        except OSError:
            continue
    return {"processes": per, "pss_total_mb": round(sum(p.get("pss_mb", 0) for p in per.values()), 1)}


async def curve(server: Server, plan: Plan) -> dict[str, Any]:
    fx = await prepare(server, AuthSettings())
    client = clients(plan.max_in_flight, plan.timeout)
    steps = []
    try:
        kinds_mix = mix(fx, client, server)
        for rate in plan.rates:
            for name, kinds in (("healthz", healthz(client, server)), ("mix", kinds_mix)):
                await settle(client(server.matching), plan.pause)
                step = await run_step(
                    kinds, rate, plan.seconds, arrivals=plan.arrivals, max_in_flight=plan.max_in_flight
                )
                steps.append({"what": name} | step.report())
                print(json.dumps(_line(name, steps[-1])), flush=True)
    finally:
        await close_clients(client)
    return {
        "demo": {"jobs": len(fx.jobs), "gigs": len(fx.gigs), "open_shifts": len(fx.shifts)},
        "steps": steps,
    }


def _line(name: str, step: dict[str, Any]) -> dict[str, Any]:
    main_kind = step["kinds"].get("matches", step["all"])
    return {
        "what": name,
        "rate": step["rate_per_s"],
        "p50": step["all"]["p50_ms"],
        "p95": step["all"]["p95_ms"],
        "p99": step["all"]["p99_ms"],
        "matches_p95": main_kind["p95_ms"],
        "errors": step["all"]["errors"],
        "load": step["load_average"]["after"][0],
    }


def measure(plan: Plan) -> dict[str, Any]:
    out: dict[str, Any] = {
        "plan": {k: v for k, v in vars(plan).items()},
        "generator": "open loop, latency from the scheduled send time (benchmarks/loadgen.py)",
        "cpus": len(os.sched_getaffinity(0)),
        "note": "the cores are shared with other work; see load_average per step",
    }
    for backend, workers in plan.layouts:
        layout = f"--workers {workers}" if workers else "one process"
        key = f"{backend} ({layout})"
        try:
            with serving(backend, workers) as server:
                start = {"load_average_at_start": os.getloadavg()}
                if not plan.rates:  # memory only
                    out[key] = start | {"memory": memory(server)}
                    continue
                out[key] = start | loop.run(curve(server, plan))
        except RuntimeError as exc:
            out[key] = {"skipped": str(exc)}
    return out


def main() -> dict[str, Any]:
    return measure(plan_from_env())


def _cli() -> None:
    parser = argparse.ArgumentParser(description="The throughput-latency curve of lingong serve --demo")
    parser.add_argument("--rates", default="50,100,200,400", help="'' for the processes' memory only")
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--arrivals", choices=["poisson", "constant"], default="poisson")
    parser.add_argument("--max-in-flight", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    plan = Plan(
        [float(r) for r in args.rates.split(",") if r],
        args.seconds,
        [(backend, args.workers) for backend in args.backend or ["sqlite"]],
        arrivals=args.arrivals,
        max_in_flight=args.max_in_flight,
    )
    result = measure(plan)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    _cli()
