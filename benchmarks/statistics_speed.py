"""Market-watch speed: the supply-demand table (求人倍率) for all 137 counties over 1,000,000 postings
and 100,000 seekers, through the service's own route, on SQLite and on PostgreSQL when one answers.

The table is computed on demand from `stat_postings`, one row of facts per posting (county, occupation
group, free places, valid until) that the statistics task keeps incrementally from the replica (only rows
whose `applied_seq` moved are derived again), and `stat_seekers`, one row per live seeker, level and
group, kept by the seekers' writers in their own transactions. Data (seeded): posting snapshots from
`services.matching.ranking.synthetic` (30 % gigs with shifts, 30 % with a CSCO code) turned into facts
by the service's own `facts.derive`, and bulk-loaded; seekers with 0-2 occupation codes and an active
matching consent, their `stat_seekers` rows made by the service's own `seeker_facts.fact_rows`. The
previous seeker side (every live seeker's row read, the codes decoded in Python) is timed in the same
rounds (`supply_demand_level2_previous_method`, and its ratio to the new one). Also measured: deriving
facts from stored replica snapshots (`facts.catch_up` over a sample), which is what computing the table
straight from the replica would pay per request.

Reported as elsewhere (benchmarks/common.py, latency.py): interleaved rounds of the table and of
GET /healthz through the same in-process client (the baseline), the first round and the best of rounds,
and the ratio to the baseline. `BENCH_QUICK=1` runs 50,000 postings and 10,000 seekers;
BENCH_STATISTICS_{POSTINGS,SEEKERS} override. Target: the table in under 2 s.
"""

import asyncio
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import String, cast, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from benchmarks.latency import summary_ms
from services.kit.auth import mint_token
from services.kit.clock import ManualClock
from services.kit.db import build_engine, build_sessionmaker
from services.kit.migrate import upgrade
from services.kit.uow import unit_of_work
from services.matching.config import MatchingSettings
from services.matching.main import create_app
from services.matching.ranking import synthetic
from services.matching.ranking.text import TextEncoder
from services.matching.replica.config import ReplicaSettings
from services.matching.replica.models import ReplicaPosting
from services.matching.seekers.models import Seeker, SeekerConsent
from services.matching.serving.engine import MatchingEngine
from services.matching.statistics import disclosure, facts, seeker_facts, supply
from services.matching.statistics.config import StatisticsSettings
from services.matching.statistics.models import StatSeeker
from services.reference.geo import counties
from services.reference.occupations import occupations

NOW = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)
SEED = 20261209
ROUNDS = 5
TARGET_S = 2.0
FACT_COLUMNS = (
    "posting_id",
    "employer_id",
    "county_adcode",
    "occupation_group",
    "open",
    "free_places",
    "valid_until",
    "applied_seq",
)


def sizes() -> tuple[int, int, int]:
    quick = os.environ.get("BENCH_QUICK") == "1"
    postings = int(os.environ.get("BENCH_STATISTICS_POSTINGS", 50_000 if quick else 1_000_000))
    seekers = int(os.environ.get("BENCH_STATISTICS_SEEKERS", 10_000 if quick else 100_000))
    return postings, seekers, 5_000 if quick else 20_000


def fact_rows(n: int) -> Iterator[dict[str, Any]]:
    """n postings' facts, derived from synthetic snapshots by the service's own code; 10 % not open."""
    rng = random.Random(SEED)
    for seq, snapshot in enumerate(synthetic.postings(n, SEED, NOW), 1):
        if rng.random() < 0.1:
            snapshot["status"] = rng.choice(("closed", "paused"))
        yield facts.derive(snapshot, seq)


def seeker_rows(n: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    rng = random.Random(SEED + 1)
    codes = [c for c, o in occupations().items() if o.level == 4]
    adcodes = sorted(counties())
    for i in range(n):
        county = adcodes[rng.randrange(len(adcodes))]
        sid = f"bench-{i:06d}"
        yield (
            {
                "id": sid,
                "desired_text": None,
                "occupation_codes": rng.sample(codes, rng.choice((0, 1, 1, 1, 2))),
                "lat": counties()[county].lat,
                "lng": counties()[county].lng,
                "location_approximate": True,
                "county_adcode": county,
                "address": None,
                "travel_mode": "bus",
                "max_commute_minutes": 45,
                "availability": [],
                "pay_amount": None,
                "pay_unit": None,
                "certificates": [],
                "experience_years": 0,
                "accommodations": [],
                "kinds": ["job", "gig"],
                "birth_year": 1985,
                "birth_month": 1,
                "phone_cipher": None,
                "phone_masked": None,
                "registered_by_station": None,
                "registered_by_sub": sid,
                "former_employer": None,
                "version": 1,
                "created_at": NOW,
                "updated_at": NOW,
            },
            {
                "id": uuid.UUID(int=rng.getrandbits(128)),
                "seeker_id": sid,
                "purpose": "matching",
                "method": "app",
                "agreed_at": NOW,
                "recorded_at": NOW,
                "recorded_by_role": "seeker",
                "recorded_by_sub": sid,
            },
        )


def _sqlite_value(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


async def load_facts(url: str, n: int) -> float:
    """Bulk-load n postings' facts (sqlite3 executemany / PostgreSQL COPY); returns the seconds taken."""
    started = time.perf_counter()
    rows = (tuple(f[c] for c in FACT_COLUMNS) for f in fact_rows(n))
    if url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(url).database or "")
        marks = ", ".join("?" * len(FACT_COLUMNS))
        conn.executemany(
            f"INSERT INTO stat_postings ({', '.join(FACT_COLUMNS)}) VALUES ({marks})",
            ([_sqlite_value(v) for v in row] for row in rows),
        )
        conn.commit()
        conn.close()
    else:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        pg = await asyncpg.connect(dsn)
        await pg.copy_records_to_table("stat_postings", records=rows, columns=FACT_COLUMNS)
        await pg.execute("ANALYZE stat_postings")
        await pg.close()
    return time.perf_counter() - started


async def load_seekers(url: str, n: int) -> float:
    """Bulk-load n seekers, their matching consents and their `stat_seekers` rows (by the service's own
    `seeker_facts.fact_rows`, which the writers' refresh uses); returns the seconds taken."""
    started = time.perf_counter()
    engine = build_engine(MatchingSettings(database_url=url))
    pairs = list(seeker_rows(n))
    async with engine.begin() as conn:
        for i in range(0, n, 5000):
            chunk = pairs[i : i + 5000]
            await conn.execute(insert(Seeker), [s for s, _ in chunk])
            await conn.execute(insert(SeekerConsent), [c for _, c in chunk])
            supply_rows = [
                row
                for s, _ in chunk
                for row in seeker_facts.fact_rows(s["id"], s["county_adcode"], s["occupation_codes"])
            ]
            await conn.execute(insert(StatSeeker), supply_rows)
    if not url.startswith("sqlite"):
        # What autovacuum does after a bulk insert. Timed before it ran (no statistics on the fresh
        # tables), PostgreSQL planned the previous method's live-consent semi-join as 100,000 index
        # lookups: about 0.7 s instead of 0.2 s. VACUUM sets the visibility map, without which an
        # index-only scan still visits every heap page (autovacuum does it after inserts, PostgreSQL 13+).
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE seekers"))
            await conn.execute(text("ANALYZE seeker_consents"))
            await conn.execute(text("VACUUM ANALYZE stat_seekers"))
    await engine.dispose()
    return time.perf_counter() - started


# --- The previous method, kept to measure against in the same run ------------------------------------


async def previous_supply_levels(
    session: AsyncSession, by_level: dict[int, supply.Cells], area: Collection[str] | None
) -> None:
    """The seeker side as it was before `stat_seekers` (commit 81af2c2): every live seeker's row read
    through the driver, the codes as JSON text decoded in Python (each distinct list once)."""
    live = seeker_facts.matching_consent_active()
    stmt = select(Seeker.county_adcode, cast(Seeker.occupation_codes, String)).where(live)
    if area is not None:
        stmt = stmt.where(Seeker.county_adcode.in_(sorted(area)))
    rows: list[Any] = list((await (await session.connection()).execute(stmt)).all())
    pairs: Counter[tuple[str, str | None]] = Counter(map(tuple, rows))
    levels = tuple(by_level)
    counts: dict[int, Counter[tuple[str, str]]] = {level: Counter() for level in levels}
    decoded: dict[str | None, list[set[str]]] = {}
    for (county, raw), n in pairs.items():
        groups = decoded.get(raw)
        if groups is None:
            codes = json.loads(raw) if raw else []
            groups = decoded[raw] = [seeker_facts.seeker_groups(codes, level) for level in levels]
        for level, named in zip(levels, groups, strict=True):
            counter = counts[level]
            counter[(county, supply.ALL)] += n
            for group in named:
                counter[(county, group)] += n
    for level, counter in counts.items():
        for (county, group), n in counter.items():
            by_level[level].get(county, group).seekers = n


async def derive_sample(url: str, n: int) -> dict[str, Any]:
    """Replica rows → facts through `facts.catch_up`, as the statistics task does; the sample's facts
    are then removed again so the timed table covers exactly the loaded postings."""
    snapshots = list(synthetic.postings(n, SEED + 2, NOW))
    engine = build_engine(MatchingSettings(database_url=url))
    sessionmaker = build_sessionmaker(engine)
    base = 10**12  # above every applied_seq of the loaded facts
    rows = [
        {
            "id": uuid.UUID(s["id"]),
            "employer_id": uuid.UUID(s["employer_id"]),
            "status": s["status"],
            "kind": s["kind"],
            "county_adcode": s["location"]["county_adcode"],
            "lat": s["location"]["lat"],
            "lng": s["location"]["lng"],
            "version": 1,
            "updated_at": NOW,
            "snapshot": s,
            "applied_seq": base + i,
            "replicated_at": NOW,
        }
        for i, s in enumerate(snapshots)
    ]
    async with engine.begin() as conn:
        for i in range(0, n, 2000):
            await conn.execute(insert(ReplicaPosting), rows[i : i + 2000])
    started = time.perf_counter()
    async with unit_of_work(sessionmaker) as session:
        derived = await facts.catch_up(session, NOW)
    seconds = time.perf_counter() - started
    async with engine.begin() as conn:
        await conn.execute(facts.StatPosting.__table__.delete().where(facts.StatPosting.applied_seq >= base))
    await engine.dispose()
    return {"postings": derived, "seconds": round(seconds, 2), "per_second": round(derived / seconds)}


async def _timed(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one request: this process's CPU time, which other processes on a shared
    machine do not inflate (the database's own work is in it for SQLite, not for PostgreSQL)."""
    started, cpu = time.perf_counter(), time.process_time()
    response = await client.get(url, headers=headers)
    response.raise_for_status()
    return time.perf_counter() - started, time.process_time() - cpu


async def time_routes(url: str) -> dict[str, Any]:
    settings = MatchingSettings(database_url=url)
    # background=False: the app's sweeps are not what is measured (the retention sweep, started with the
    # app, read all 100,000 seekers in batches of 200 while the table was being timed)
    app = create_app(settings, ManualClock(NOW), background=False)
    app.state.replica_settings = ReplicaSettings(enabled=False)
    app.state.matching_engine = MatchingEngine(5)  # the ranking is not what is measured: left empty
    app.state.text_encoder = TextEncoder(lambda texts: [[] for _ in texts])
    app.state.statistics_settings = StatisticsSettings()
    admin = {"Authorization": f"Bearer {mint_token(settings.auth, 'admin', 'bench')}"}
    routes = {
        "supply_demand_level2": "/v1/statistics/supply-demand",
        "supply_demand_level1": "/v1/statistics/supply-demand?level=1",
        "shortages": "/v1/statistics/shortages",
    }
    # The previous method's seeker side, in the same process and rounds (interleaved with the new one).
    previous = "supply_demand_level2_previous_method"
    current_supply = supply._supply_levels
    times: dict[str, list[float]] = {name: [] for name in (*routes, previous, "healthz")}
    cpu: dict[str, list[float]] = {name: [] for name in (*routes, previous)}
    rows, cold = 0, 0.0
    disclosure.forget()  # the SQLite run's pattern would be remembered for the same seeded seekers
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=120) as client:
            # The first request of the process: nothing remembered (the suppression pattern is computed).
            started = time.perf_counter()
            rows = len((await client.get(routes["supply_demand_level2"], headers=admin)).json()["rows"])
            cold = time.perf_counter() - started
            for _ in range(ROUNDS):
                times["healthz"].append((await _timed(client, "/healthz", {}))[0])
                for name, route in routes.items():
                    wall, used = await _timed(client, route, admin)
                    times[name].append(wall)
                    cpu[name].append(used)
                supply._supply_levels = previous_supply_levels
                try:
                    wall, used = await _timed(client, routes["supply_demand_level2"], admin)
                finally:
                    supply._supply_levels = current_supply
                times[previous].append(wall)
                cpu[previous].append(used)
    base = statistics.median(times["healthz"])
    out: dict[str, Any] = {
        "rows_level2": rows,
        "cold_first_request_s": round(cold, 3),
        "baseline_healthz": summary_ms(times["healthz"]),
    }
    for name in (*routes, previous):
        first, best = times[name][0], min(times[name])
        out[name] = summary_ms(times[name]) | {
            "first_s": round(first, 3),
            "best_s": round(best, 3),
            "ratio_p50_to_healthz": round(statistics.median(times[name]) / base),
            "cpu_p50_s": round(statistics.median(cpu[name]), 3),
        }
    out["previous_to_new_p50"] = round(
        statistics.median(times[previous]) / statistics.median(times["supply_demand_level2"]), 2
    )
    out["previous_to_new_cpu_p50"] = round(
        statistics.median(cpu[previous]) / statistics.median(cpu["supply_demand_level2"]), 2
    )
    out["target_2s_met"] = out["supply_demand_level2"]["first_s"] < TARGET_S
    out["target_2s_met_p50"] = statistics.median(times["supply_demand_level2"]) < TARGET_S
    return out


async def measure(url: str) -> dict[str, Any]:
    n_postings, n_seekers, sample = sizes()
    out: dict[str, Any] = {"postings": n_postings, "seekers": n_seekers}
    out["load_facts_seconds"] = round(await load_facts(url, n_postings), 1)
    out["load_seekers_seconds"] = round(await load_seekers(url, n_seekers), 1)
    out["derive_facts_from_replica"] = await derive_sample(url, sample)
    out["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    out["table"] = await time_routes(url)
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def run(pg_url: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(),
        "design": "computed on demand from incrementally maintained facts: one row per posting "
        "(stat_postings) and one per live seeker, level and group (stat_seekers)",
    }
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'stats.db'}"
        upgrade("matching", url)  # alembic runs its own event loop
        out["sqlite"] = asyncio.run(measure(url))
    if pg_url:
        upgrade("matching", pg_url)
        out["postgres"] = asyncio.run(measure(pg_url))
    return out


def main() -> dict[str, Any]:
    from benchmarks.common import scratch_pg_database

    with scratch_pg_database("lingong_bench_statistics") as pg_url:
        return run(pg_url)


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=2))
