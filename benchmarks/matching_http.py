"""The matching service over real HTTP, for `benchmarks.matching_speed`: a seeker's matches through the
service, and the end-to-end feed lag (a posting published in the postings service → in a match result).

The services run under uvicorn on 127.0.0.1 (free ports), on one event loop in a background thread of
this process — as `lingong serve` runs both services in one process — with the index the benchmark
built injected as the matching engine (`MatchingEngine.prebuilt`), on temporary SQLite databases (the
embedded default) migrated as the services' own are. Both apps' clocks stand at the benchmark's `now`
(the index's postings and shifts are dated from it). The client is a synchronous httpx client in the
calling thread, one request at a time: each time is a round trip as a caller sees it (client, TCP,
uvicorn, middleware, token check, the database reads, the ranking, JSON).

Seekers are stored through the seekers service layer (`service.create` with the seeker's own
principal and a `matching` consent; `sensitive.put` by staff for those certified for reserved posts or
in a priority group, under the `sensitive_for_priority_help` consent), then read back with
`query_for_ranking`: only seekers whose stored profile gives back exactly the benchmark's query are used.
"""

import asyncio
import concurrent.futures
import dataclasses
import gc
import logging
import socket
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Coroutine, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import ValidationError

from benchmarks.latency import pct, summary_ms
from services.kit.auth import Principal, Role, mint_token
from services.kit.clock import ManualClock
from services.kit.db import build_engine, build_sessionmaker
from services.kit.migrate import upgrade
from services.kit.problems import ProblemError
from services.kit.settings import AuthSettings, RateLimitSettings
from services.kit.uow import unit_of_work
from services.matching.config import MatchingSettings
from services.matching.contracts import SeekerQuery
from services.matching.main import create_app as create_matching
from services.matching.ranking import synthetic
from services.matching.ranking.ranker import Ranker
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.listeners import ReplicaChange, replica_listeners
from services.matching.replica.service import apply_page
from services.matching.seekers import sensitive
from services.matching.seekers import service as seekers_service
from services.matching.seekers.crypto import get_cipher
from services.matching.seekers.deps import Ctx
from services.matching.seekers.query import registration
from services.matching.seekers.schemas import SeekerCreate
from services.matching.seekers.sensitive_schemas import SensitiveIn
from services.matching.serving.engine import MatchingEngine
from services.postings.config import PostingsSettings
from services.postings.main import create_app as create_postings

T = TypeVar("T")
TOP_K = 20
LOG_LEVEL = "WARNING"  # the services log one access line per request at INFO
NO_LIMITS = RateLimitSettings(enabled=False)  # measured here: serving, not the abuse limits
STAFF = Principal(sub="bench-staff", role=Role.STAFF, station_id="bench-station")


# -- servers ----------------------------------------------------------------------------------------
async def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
    try:
        await server.serve(sockets=[sock])
    except SystemExit as exc:  # uvicorn exits when the lifespan fails to start
        raise RuntimeError(f"uvicorn exited ({exc.code}); see the log above") from None


class _ExpectedAtShutdown(logging.Filter):
    """The feed's long poll outlives the consumer that asked for it (it holds until its wait ends); at
    shutdown uvicorn cancels it after the grace period and logs that as errors: expected here."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, asyncio.CancelledError) and "graceful shutdown" in str(error):
            return False
        return "graceful shutdown exceeded" not in record.getMessage()


class Servers:
    """ASGI apps served by uvicorn on 127.0.0.1, each on a port of its own, on one event loop in a
    background thread; `close` stops them (last started first: lifespans run their stop hooks)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._running: list[tuple[uvicorn.Server, concurrent.futures.Future[None], socket.socket]] = []
        self._thread = threading.Thread(target=self._run, name="bench-uvicorn", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run a coroutine on the servers' loop (what touches the apps' state belongs there)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def serve(self, app: FastAPI, timeout: float = 120) -> int:
        # IPPROTO_TCP named, as getaddrinfo would: asyncio sets TCP_NODELAY only on such sockets (with proto
        # 0, Nagle holds a keep-alive response's body until the client's delayed ACK, ~40 ms).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            app,
            lifespan="on",
            log_config=None,
            log_level=LOG_LEVEL.lower(),
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        done = asyncio.run_coroutine_threadsafe(_serve(server, sock), self.loop)
        self._running.append((server, done, sock))
        deadline = time.monotonic() + timeout
        while not server.started:
            if done.done():
                done.result()
                raise RuntimeError("uvicorn stopped before it started")
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start within {timeout} s")
            time.sleep(0.01)
        return port

    def close(self) -> list[str]:
        """Stop every server and the loop; returns what went wrong on the way (nothing, normally)."""
        problems: list[str] = []
        uvicorn_log, expected = logging.getLogger("uvicorn.error"), _ExpectedAtShutdown()
        uvicorn_log.addFilter(expected)
        try:
            for server, done, sock in reversed(self._running):
                server.should_exit = True
                try:
                    done.result(timeout=30)
                except Exception as exc:  # noqa: BLE001 - report, and stop the others all the same
                    problems.append(repr(exc))
                sock.close()
        finally:
            uvicorn_log.removeFilter(expected)
        self._running.clear()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        if self._thread.is_alive():
            problems.append("the servers' thread did not stop")
        else:
            self.loop.close()
        return problems


@contextmanager
def _quiet_logging() -> Iterator[None]:
    """The services configure the root logger when their app is made; put it back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@contextmanager
def _gc_pauses() -> Iterator[list[tuple[int, float]]]:
    """(generation, seconds) of every garbage collection meanwhile, in any thread of this process."""
    pauses: list[tuple[int, float]] = []
    began: list[float] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began.append(time.perf_counter())
        elif began:
            pauses.append((info["generation"], time.perf_counter() - began.pop()))

    gc.callbacks.append(callback)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(callback)


def _client(port: int) -> httpx.Client:
    return httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, trust_env=False)


def _bearer(auth: AuthSettings, role: str, sub: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(auth, role, sub, ttl=3600)}"}


def _sqlite(tmp: Path, name: str) -> str:
    return f"sqlite+aiosqlite:///{tmp / name}.db"


# -- seekers ----------------------------------------------------------------------------------------
def _differing(a: SeekerQuery, b: SeekerQuery) -> list[str]:
    return [f.name for f in dataclasses.fields(SeekerQuery) if getattr(a, f.name) != getattr(b, f.name)]


async def _store_seekers(url: str, queries: Sequence[SeekerQuery], now: datetime) -> dict[str, str]:
    """Store the queries' seekers (one unit of work); seeker id → "" when `query_for_ranking` gives the
    query back exactly, else why not."""
    engine = build_engine(MatchingSettings(database_url=url, log_level=LOG_LEVEL))
    sessionmaker = build_sessionmaker(engine)
    clock, cipher = ManualClock(now), get_cipher()
    outcome: dict[str, str] = {}
    try:
        async with unit_of_work(sessionmaker) as session:
            ctx = Ctx(session=session, clock=clock, cipher=cipher)
            for q in queries:
                body, extra = registration(q, now)
                try:
                    create = SeekerCreate.model_validate(body)
                    record = SensitiveIn.model_validate(extra) if extra is not None else None
                except ValidationError as exc:
                    outcome[q.seeker_id] = f"refused: {exc.errors()[0]['msg']}"
                    continue
                try:
                    seeker = await seekers_service.create(ctx, Principal(q.seeker_id, Role.SEEKER), create)
                    if record is not None:
                        await sensitive.put(ctx, STAFF, seeker, record, None)
                except ProblemError as exc:  # raised before anything of this seeker is written
                    outcome[q.seeker_id] = f"refused: {exc.code}"
                    continue
                outcome[q.seeker_id] = ""
        async with sessionmaker() as session:
            for q in queries:
                if outcome[q.seeker_id] == "":
                    stored = await seekers_service.query_for_ranking(session, q.seeker_id, now)
                    diff = _differing(stored, q)
                    outcome[q.seeker_id] = f"differs: {', '.join(diff)}" if diff else ""
    finally:
        await engine.dispose()
    return outcome


def store_seekers(
    url: str, candidates: Sequence[SeekerQuery], want: int, now: datetime
) -> tuple[list[SeekerQuery], dict[str, Any]]:
    """Up to `want` of the candidates stored so that their profile gives back their query exactly."""
    outcome = asyncio.run(_store_seekers(url, candidates, now))
    exact = [q for q in candidates if outcome[q.seeker_id] == ""]
    left_out = Counter(why for why in outcome.values() if why)
    return exact[:want], {
        "stored": sum(1 for why in outcome.values() if not why.startswith("refused")),
        "profile_gives_back_the_query_exactly": len(exact),
        "used": min(want, len(exact)),
        "left_out": dict(left_out.most_common(5)),
    }


# -- display rows -----------------------------------------------------------------------------------
def _event(seq: int, type_: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"seq": seq, "type": type_, "schema_version": 1, "aggregate_id": str(data["id"]),
            "created_at": now.isoformat(), "data": data}  # fmt: skip


async def _write_display_rows(url: str, posting_ids: Sequence[str], now: datetime, seed: int) -> int:
    """Replica rows for these postings, so the route reads and serialises the display fields of real
    rows. The benchmark's index keeps no snapshots, so they are stand-ins of the same shape (synthetic
    jobs with these ids; titles, pay and employers differ from what the index holds). Returns the last
    seq written."""
    stand_ins = [
        s | {"id": pid, "kind": "job", "shifts": [], "booking": None}
        for s, pid in zip(synthetic.postings(len(posting_ids), seed, now), posting_ids, strict=True)
    ]
    employers = sorted({str(s["employer_id"]) for s in stand_ins})
    events = [
        _event(
            i + 1,
            "employer.created",
            {"id": e, "name": f"压测单位{i}", "kind": "company", "verified": True},
            now,
        )
        for i, e in enumerate(employers)
    ]
    events += [_event(len(events) + i + 1, "posting.created", s, now) for i, s in enumerate(stand_ins)]
    engine = build_engine(MatchingSettings(database_url=url, log_level=LOG_LEVEL))
    try:
        async with unit_of_work(build_sessionmaker(engine)) as session:
            result = await apply_page(session, "postings", events, now)
    finally:
        await engine.dispose()
    if result.dead_lettered:
        raise RuntimeError(f"{result.dead_lettered} stand-in display rows were dead-lettered")
    return len(events)


# -- a seeker's matches -----------------------------------------------------------------------------
def _ids(response: httpx.Response) -> list[str]:
    return [str(item["posting_id"]) for item in response.json()["items"]]


def seeker_matches(
    ranker: Ranker,
    queries: Sequence[SeekerQuery],
    now: datetime,
    *,
    seekers: int = 400,
    rounds: int = 2,
    warmup: int = 50,
    seed: int = 0,
) -> dict[str, Any]:
    """GET /v1/seekers/{id}/matches?top_k=20 through uvicorn, `rounds` sequential passes over `seekers`
    stored seekers after a warm-up, each request preceded by a GET /healthz through the same client
    (the baseline: the same stack without the work). The first pass's posting ids are checked against
    `ranker.rank` in process."""
    started = time.perf_counter()
    setup: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="lingong-bench-http-") as tmp, _quiet_logging():
        url = _sqlite(Path(tmp), "matching")
        upgrade("matching", url)
        setup["migrate"] = time.perf_counter() - started
        candidates = [q for q in queries if q.desired_text or q.occupation_codes][: seekers + seekers // 5]
        stored, profiles = store_seekers(url, candidates, seekers, now)
        setup["store_seekers"] = time.perf_counter() - started - sum(setup.values())
        if not stored:
            return {"skipped": "no seeker could be stored with a profile giving back its query", **profiles}
        expected: dict[str, list[str]] = {}
        in_process: list[float] = []
        for q in stored:
            t0 = time.perf_counter()
            found = ranker.rank(q, TOP_K)
            in_process.append(time.perf_counter() - t0)
            expected[q.seeker_id] = [m.posting_id for m in found]
        shown = sorted({pid for ids in expected.values() for pid in ids})
        head = asyncio.run(_write_display_rows(url, shown, now, seed))
        setup["display_rows"] = time.perf_counter() - started - sum(setup.values())

        settings = MatchingSettings(database_url=url, log_level=LOG_LEVEL, rate_limit=NO_LIMITS)
        app = create_matching(settings, ManualClock(now))
        app.state.replica_settings = ReplicaSettings(enabled=False)
        engine = MatchingEngine.prebuilt(ranker, stored)
        engine.replica_seq = head  # what a loaded engine notes: the replica rows are already in the index
        app.state.matching_engine = engine
        servers = Servers()
        try:
            port = servers.serve(app)
            setup["start"] = time.perf_counter() - started - sum(setup.values())
            measured = _time_matches(port, settings.auth, stored, expected, rounds, warmup)
        finally:
            stop_problems = servers.close()
    out = measured | {
        "in_process_rank_same_seekers": summary_ms(in_process),
        "seekers_stored": profiles,
        "display_rows": {"postings": len(shown), "what": "stand-in snapshots (see matching_http.py)"},
        "database": "SQLite (embedded default), a temporary file",
        "setup_seconds": {k: round(v, 1) for k, v in setup.items()},
        "total_seconds": round(time.perf_counter() - started, 1),
        "what": "GET /v1/seekers/{id}/matches?top_k=20 with the seeker's own token, through uvicorn on "
        "127.0.0.1 (a background thread of this process) with a synchronous httpx client, one request at "
        "a time; the engine is the benchmark's index (MatchingEngine.prebuilt); times as measured (every "
        "request of every round), best_of_rounds per seeker beside them",
    }
    if stop_problems:
        out["stop_problems"] = stop_problems
    return out


def _time_matches(
    port: int,
    auth: AuthSettings,
    stored: Sequence[SeekerQuery],
    expected: dict[str, list[str]],
    rounds: int,
    warmup: int,
) -> dict[str, Any]:
    headers = {q.seeker_id: _bearer(auth, "seeker", q.seeker_id) for q in stored}
    params = {"top_k": TOP_K}
    errors: Counter[str] = Counter()
    matches: list[float] = []
    health: list[float] = []
    best = [float("inf")] * len(stored)
    sizes: list[int] = []
    same = 0
    differing: list[dict[str, Any]] = []
    with _client(port) as client, _gc_pauses() as pauses:
        for i in range(warmup):
            q = stored[i % len(stored)]
            client.get("/healthz")
            client.get(f"/v1/seekers/{q.seeker_id}/matches", params=params, headers=headers[q.seeker_id])
        for r in range(rounds):
            for i, q in enumerate(stored):
                t0 = time.perf_counter()
                ok = client.get("/healthz")
                t1 = time.perf_counter()
                got = client.get(
                    f"/v1/seekers/{q.seeker_id}/matches", params=params, headers=headers[q.seeker_id]
                )
                t2 = time.perf_counter()
                if ok.status_code != 200 or got.status_code != 200:
                    errors[f"{ok.status_code}/{got.status_code}"] += 1
                    continue
                health.append(t1 - t0)
                matches.append(t2 - t1)
                best[i] = min(best[i], t2 - t1)
                if r == 0:
                    sizes.append(len(got.content))
                    ids, want = _ids(got), expected[q.seeker_id]
                    if ids == want and got.json()["personalised"]:
                        same += 1
                    elif len(differing) < 3:
                        differing.append({"seeker_id": q.seeker_id, "http": ids[:5], "in_process": want[:5]})
    if not matches:
        return {"skipped": f"every request failed: {dict(errors)}"}
    mine, base = summary_ms(matches), summary_ms(health)
    out: dict[str, Any] = mine | {
        "seekers": len(stored),
        "rounds": rounds,
        "requests": len(matches),
        "warmup_requests": warmup,
        "best_of_rounds": summary_ms([b for b in best if b != float("inf")]),
        "baseline_healthz": base,
        "ratio_p50_to_healthz": round(mine["p50_ms"] / base["p50_ms"], 1),
        "ratio_p95_to_healthz": round(mine["p95_ms"] / base["p95_ms"], 1),
        "response_bytes_p50": int(pct(sizes, 0.5)) if sizes else None,
        "results_equal_in_process": {
            "seekers_checked": len(sizes),
            "same_posting_ids_in_the_same_order": same,
            "empty_results": sum(1 for ids in expected.values() if not ids),
            "differing": differing,
        },
    }
    full = [seconds for generation, seconds in pauses if generation == 2]
    out["garbage_collections"] = {
        "by_generation": dict(sorted(Counter(generation for generation, _ in pauses).items())),
        "generation_2_ms": [round(seconds * 1000, 1) for seconds in full[:10]],
        "what": "collections during the warm-up and the timed rounds, in either thread (this process "
        "also holds the benchmark's data: the seekers, the kept snapshots)",
    }
    if errors:
        out["errors"] = dict(errors)
    return out


# -- the feed lag ---------------------------------------------------------------------------------
def _job_for(q: SeekerQuery, employer_id: str) -> dict[str, Any]:
    """A job at the seeker's door, in the words they used, paid well, asking for nothing they lack."""
    body: dict[str, Any] = {
        "employer_id": employer_id,
        "kind": "job",
        "title": q.desired_text[:80],
        "description": "岗位职责清晰，男女不限，提供午餐，按月足额发放工资。",
        "location": {"lat": q.lat, "lng": q.lng},
        "pay": {"min": "9000", "max": "12000", "unit": "month"},
        "headcount": 5,
        "experience_years": 0,
        "certificates": [],
        "physical_demand": "light",
        "accommodations": sorted(q.accommodations | {"flexible_hours"}),
    }
    if q.occupation_codes:
        body["occupation_code"] = q.occupation_codes[0]
    return body


def _problem(response: httpx.Response) -> str:
    try:
        code = response.json().get("code")
    except ValueError:
        code = None
    return f"{response.status_code} {code or ''}".strip()


@dataclasses.dataclass
class _Trial:
    seeker: SeekerQuery
    posting_id: str
    published: float  # perf_counter when the publish response had come back
    lag: float | None = None  # appeared in a match response (perf_counter at its end) − published
    polls: int = 0


def feed_lag(
    ranker: Ranker,
    queries: Sequence[SeekerQuery],
    now: datetime,
    *,
    postings: int = 60,
    warmup: int = 3,
    seekers: int = 10,
    cap_seconds: float = 5.0,
    poll_seconds: float = 0.015,
    poll_wait_seconds: float = 20.0,
    budget_seconds: float = 60.0,
) -> dict[str, Any]:
    """Postings and matching served by uvicorn, the matching app's replica consumer on (long-polling the
    postings feed over HTTP), its engine prebuilt over `ranker`. Per posting: create and publish it
    through the postings API (an employer's token), then poll the seeker's matches every
    `poll_seconds` until it is there (at most `cap_seconds`: beyond, a failure). No new posting is made
    once `budget_seconds` have passed since the servers started."""
    started = time.perf_counter()
    candidates = [q for q in queries if "job" in q.kinds and q.desired_text and (q.age or 0) >= 18][
        : seekers * 3
    ]
    heard: dict[str, float] = {}

    def on_change(change: ReplicaChange) -> None:
        at = time.perf_counter()
        for snapshot in change.postings:
            if snapshot.get("status") == "open":
                heard.setdefault(str(snapshot["id"]), at)

    with tempfile.TemporaryDirectory(prefix="lingong-bench-feed-") as tmp, _quiet_logging():
        p_url, m_url = _sqlite(Path(tmp), "postings"), _sqlite(Path(tmp), "matching")
        upgrade("postings", p_url)
        upgrade("matching", m_url)
        chosen, profiles = store_seekers(m_url, candidates, seekers, now)
        if not chosen:
            return {"skipped": "no seeker could be stored with a profile giving back its query", **profiles}
        auth = AuthSettings()
        servers = Servers()
        try:
            p_settings = PostingsSettings(
                database_url=p_url, auth=auth, log_level=LOG_LEVEL, rate_limit=NO_LIMITS
            )
            p_port = servers.serve(create_postings(p_settings, ManualClock(now), background=False))
            m_settings = MatchingSettings(
                database_url=m_url,
                postings_url=f"http://127.0.0.1:{p_port}",
                auth=auth,
                log_level=LOG_LEVEL,
                rate_limit=NO_LIMITS,
            )
            app = create_matching(m_settings, ManualClock(now))
            replica = ReplicaSettings(enabled=True, poll_wait_seconds=poll_wait_seconds)
            app.state.replica_settings = replica
            app.state.matching_engine = MatchingEngine.prebuilt(ranker, chosen)
            m_port = servers.serve(app)

            async def listen() -> None:  # after the engine's own subscription: called once it applied
                replica_listeners(app).subscribe(on_change)

            servers.call(listen())
            deadline = time.perf_counter() + budget_seconds
            trials, refused, requests = _publish_and_poll(
                p_port, m_port, auth, chosen, postings + warmup, cap_seconds, poll_seconds, deadline
            )
        finally:
            stop_problems = servers.close()
    counted = trials[warmup:]
    out = _lag_report(counted, heard, cap_seconds) | {
        "postings_planned": postings,
        "warmup_postings": len(trials[:warmup]),
        "warmup_lags_ms": [round(t.lag * 1000, 1) if t.lag is not None else None for t in trials[:warmup]],
        "postings_refused": dict(refused),
        "requests": {k: summary_ms(v) for k, v in requests.items() if v},
        "seekers_stored": profiles,
        "seekers_used": len(chosen),
        "poll_interval_ms": round(poll_seconds * 1000, 1),
        "cap_seconds": cap_seconds,
        "replica": {"poll_wait_seconds": replica.poll_wait_seconds, "page_size": replica.page_size},
        "database": "SQLite (embedded default) for both services, temporary files",
        "total_seconds": round(time.perf_counter() - started, 1),
        "what": "POST /v1/postings then POST /v1/postings/{id}/publish (employer token) on the postings "
        "service; lag = the end of the first GET /v1/seekers/{id}/matches?top_k=20 response listing the "
        "posting − the end of the publish response (the commit precedes it), polled every "
        f"{round(poll_seconds * 1000)} ms; both services under uvicorn on 127.0.0.1 in one process (as "
        "`lingong serve`), the matching app's replica consumer long-polling GET /v1/feed over HTTP, its "
        "engine the benchmark's index. A posting not listed within the cap counts as a failure, and at "
        "the cap in the percentiles",
    }
    misses = [t for t in counted if t.lag is None]
    if misses:
        out["why_not_listed"] = _why_not(ranker, misses, now)
    if stop_problems:
        out["stop_problems"] = stop_problems
    return out


def _publish_and_poll(
    p_port: int,
    m_port: int,
    auth: AuthSettings,
    chosen: Sequence[SeekerQuery],
    total: int,
    cap_seconds: float,
    poll_seconds: float,
    deadline: float,
) -> tuple[list[_Trial], Counter[str], dict[str, list[float]]]:
    employer = _bearer(auth, "employer", "bench-employer")
    seekers = {q.seeker_id: _bearer(auth, "seeker", q.seeker_id) for q in chosen}
    trials: list[_Trial] = []
    refused: Counter[str] = Counter()
    requests: dict[str, list[float]] = {"create_posting": [], "publish_posting": [], "seeker_matches": []}
    rotation = list(chosen)
    with _client(p_port) as postings, _client(m_port) as matching:
        made = postings.post(
            "/v1/employers", json={"name": "压测物流有限公司", "kind": "company"}, headers=employer
        )
        if made.status_code != 201:
            raise RuntimeError(f"creating the employer failed: {_problem(made)} {made.text[:300]}")
        employer_id = str(made.json()["id"])
        i = 0
        while len(trials) < total and rotation and time.perf_counter() < deadline:
            q = rotation[i % len(rotation)]
            t0 = time.perf_counter()
            draft = postings.post("/v1/postings", json=_job_for(q, employer_id), headers=employer)
            t1 = time.perf_counter()
            if draft.status_code != 201:  # the checker refuses the title, say: use other seekers
                refused[_problem(draft)] += 1
                rotation.remove(q)
                continue
            posting_id = str(draft.json()["id"])
            shown = postings.post(
                f"/v1/postings/{posting_id}/publish", headers=employer | {"If-Match": draft.headers["ETag"]}
            )
            published = time.perf_counter()
            if shown.status_code != 200:
                raise RuntimeError(f"publishing failed: {_problem(shown)} {shown.text[:300]}")
            requests["create_posting"].append(t1 - t0)
            requests["publish_posting"].append(published - t1)
            trial = _Trial(q, posting_id, published)
            while True:
                before = time.perf_counter()
                got = matching.get(
                    f"/v1/seekers/{q.seeker_id}/matches",
                    params={"top_k": TOP_K},
                    headers=seekers[q.seeker_id],
                )
                after = time.perf_counter()
                trial.polls += 1
                requests["seeker_matches"].append(after - before)
                if got.status_code == 200 and posting_id in _ids(got):
                    trial.lag = after - published
                    break
                if after - published >= cap_seconds:
                    break
                time.sleep(poll_seconds)
            trials.append(trial)
            i += 1
    return trials, refused, requests


def _lag_report(trials: Sequence[_Trial], heard: dict[str, float], cap: float) -> dict[str, Any]:
    lags = [t.lag for t in trials if t.lag is not None]
    failures = len(trials) - len(lags)
    out: dict[str, Any] = {"postings": len(trials), "listed": len(lags), "never_listed_within_cap": failures}
    if not trials:
        return out
    counted = lags + [cap] * failures
    out |= summary_ms(counted)
    out["p99_s"] = round(pct(counted, 0.99), 3)
    out["polls_per_posting_mean"] = round(sum(t.polls for t in trials) / len(trials), 2)
    out["listed_at_first_poll"] = sum(1 for t in trials if t.lag is not None and t.polls == 1)
    engine = [heard[t.posting_id] - t.published for t in trials if t.posting_id in heard]
    if engine:
        out["in_engine_after_publish_response"] = summary_ms(engine) | {
            "postings": len(engine),
            "what": "perf_counter in a replica listener subscribed after the engine's (so the engine has "
            "applied the batch) − the end of the publish response; negative: the engine had the posting "
            "before the employer had the answer",
        }
    return out


def _why_not(ranker: Ranker, misses: Sequence[_Trial], now: datetime) -> list[dict[str, Any]]:
    """For postings never listed: the hard rules they fail for the seeker, or their rank (after the run;
    the index is no longer served)."""
    out = []
    for t in misses[:5]:
        explained = ranker.explain(t.seeker, t.posting_id, now=now.timestamp())
        row: dict[str, Any] = {"seeker_id": t.seeker.seeker_id, "posting_id": t.posting_id}
        if t.posting_id not in ranker.index:
            row["why"] = "not in the index"
        elif not explained.eligible:
            row["why"] = "fails: " + "; ".join(r.en for r in explained.failed)
        else:
            ranked = [m.posting_id for m in ranker.rank(t.seeker, 200)]
            place = ranked.index(t.posting_id) + 1 if t.posting_id in ranked else ">200"
            row["why"] = f"eligible, ranked {place}"
        out.append(row)
    return out
