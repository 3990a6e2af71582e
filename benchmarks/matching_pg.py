"""The plain-PostgreSQL baseline of `benchmarks.matching_speed`: the same postings, the same seeker queries.

One table, loaded with COPY in grid-cell order (so rows near each other share pages, as a careful
operator would cluster them), indexes built after loading:
- location: GiST on a stored `ll_to_earth(lat, lng)` (cube + earthdistance; stored so that it is not
  recomputed per row) when those extensions are available, else GiST on a native `point` column with a
  bounding-box prefilter and an exact haversine check;
- text: GIN on a `tsvector` of character bigrams ('simple' lexemes built here in Python: each adjacent
  pair of Chinese characters and each ASCII word — pg_trgm cannot index a two-character word like 焊工);
- pay: btree on pay per hour.

A seeker's query applies the hard filters (open, a free place, not expired, the kinds they want, within
their commute radius — bounding box then exact distance —, certificates / reserved post / adults-only
through the same requirement bits as the index, pay at least 0.7 × their expectation), matches the OR
of their bigrams, and orders by `0.45·ts_rank + 0.15·exp(−travel minutes / 30)`, LIMIT 20, the weights
of the ranking's occupation and distance factors (ts_rank with every lexeme at weight 1, so that it runs
0..1 like our text similarity: by default an unlabelled lexeme weighs 0.1 and distance alone would
order the results). It runs
sequentially on one connection as a prepared statement (custom plans: the radius and the bigrams change
the best plan), with JIT off, in three variants (`VARIANTS`): as written, and pruned to the 200 or the
1,000 nearest passing rows (with their recall@20 against the exact query).
"""

import math
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import numpy as np
from sqlalchemy.engine import make_url

from benchmarks.latency import ROUNDS, Latencies
from benchmarks.matching_data import PgColumns, lexemes
from services.matching.contracts import SeekerQuery
from services.matching.ranking import grid, vocab
from services.matching.ranking.query import capability
from services.matching.ranking.rules import commute_radius_km, travel_minutes
from services.matching.ranking.snapshots import to_hourly
from services.reference.geo import EARTH_RADIUS_KM

TOP = 20
PAY_FLOOR = 0.7  # the pay factor is 0 at 0.7 × the expectation: below it, filtered out here
_KIND_BITS = (1 << vocab.JOB_BIT) | (1 << vocab.GIG_BIT)

TABLE = """
CREATE TABLE posting (
    id integer PRIMARY KEY,
    status text NOT NULL,
    kind text NOT NULL,
    lat double precision NOT NULL,
    lng double precision NOT NULL,
    {point}
    free integer NOT NULL,
    req integer NOT NULL,
    pay_hour real,
    valid_until timestamptz NOT NULL,
    bigrams tsvector NOT NULL
)
"""

# Columns: $1 lat, $2 lng, $3 radius (km), $4 now, $5 kinds, $6 capability bits, $7 minimum pay per
# hour, $8 minutes per km, [$9 tsquery]; the native-point variant adds the box: $10-$13 (or $9-$12).
FILTERS = """
    status = 'open' AND free > 0 AND valid_until > $4 AND kind = ANY($5::text[])
    AND (req & ~$6::integer) = 0 AND (pay_hour IS NULL OR pay_hour >= $7)
"""
EARTH = {
    "extensions": ("cube", "earthdistance"),
    # stored once, not recomputed (three times) per row and query
    "point_column": "pos earth GENERATED ALWAYS AS (ll_to_earth(lat, lng)) STORED,",
    "index": "CREATE INDEX posting_location ON posting USING gist (pos)",
    "near": "earth_box(ll_to_earth($1, $2), $3 * 1000.0) @> pos"
    " AND earth_distance(ll_to_earth($1, $2), pos) <= $3 * 1000.0",
    "km": "earth_distance(ll_to_earth($1, $2), pos) / 1000.0",
    "knn": "pos <-> ll_to_earth($1, $2)",  # chord length: the same order as the distance
    "columns": "pos",
}
_HAVERSINE = (
    f"2 * {EARTH_RADIUS_KM} * asin(sqrt(sin(radians(lat - $1) / 2) ^ 2"
    " + cos(radians($1)) * cos(radians(lat)) * sin(radians(lng - $2) / 2) ^ 2))"
)
POINT = {
    "extensions": (),
    "point_column": "loc point NOT NULL,",
    "index": "CREATE INDEX posting_location ON posting USING gist (loc)",
    "near": "loc <@ box(point({box}), point({box2})) AND " + _HAVERSINE + " <= $3",
    "km": _HAVERSINE,
    "knn": "loc <-> point($2, $1)",  # in degrees: only roughly the order of the distance
    "columns": "loc, lat, lng",
}


@dataclass(frozen=True)
class Prepared:
    text: bool
    params: list[Any]


def seeker_text(q: SeekerQuery) -> str:
    """The seeker's words plus the names of the codes they picked (as the ranking encodes them)."""
    table = vocab.occupation_table()
    names = [table.name(table.index[c]) for c in q.occupation_codes if c in table.index]
    return " ".join([q.desired_text, *names]).strip()


def box(lat: float, lng: float, radius_km: float) -> tuple[float, float, float, float]:
    """The circle's bounding box in degrees (lng_lo, lat_lo, lng_hi, lat_hi), 1 % wider."""
    angle = radius_km / EARTH_RADIUS_KM * 1.01
    dlat = math.degrees(angle)
    dlng = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat))))) * 1.01
    return lng - dlng, lat - dlat, lng + dlng, lat + dlat


def prepare(q: SeekerQuery, now: datetime, native: bool) -> Prepared:
    radius = commute_radius_km(q.travel_mode, q.max_commute_minutes)
    pay = q.pay_expectation
    hourly = to_hourly(float(pay.amount), pay.unit) if pay is not None and pay.amount > 0 else math.nan
    words = lexemes(seeker_text(q))
    params: list[Any] = [
        q.lat,
        q.lng,
        radius,
        now,
        sorted(q.kinds),
        int(capability(q)) & ~_KIND_BITS & 0x7FFFFFFF,
        0.0 if math.isnan(hourly) else PAY_FLOOR * hourly,
        travel_minutes(1.0, q.travel_mode),
    ]
    if words:
        params.append(" | ".join(f"'{w}'" for w in words))
    if native:
        params.extend(box(q.lat, q.lng, radius))
    return Prepared(bool(words), params)


def statements(native: bool, pool: int | None = None) -> dict[bool, str]:
    """SQL with text (True) and without (False): a seeker with no words is ranked by distance alone.
    With `pool`, only the `pool` nearest rows that pass (a GiST nearest-neighbour scan) are scored."""
    geo = POINT if native else EARTH
    out = {}
    for text in (True, False):
        nxt = 10 if text else 9
        near = str(geo["near"]).format(box=f"${nxt}, ${nxt + 1}", box2=f"${nxt + 2}, ${nxt + 3}")
        distance = f"0.15 * exp(-({geo['km']}) * $8 / 30.0)"
        score = f"0.45 * ts_rank('{{1,1,1,1}}', bigrams, $9::tsquery) + {distance}" if text else distance
        match = "AND bigrams @@ $9::tsquery" if text else ""
        if pool is None:
            source = f"posting WHERE {near} AND {FILTERS} {match}"
        else:
            source = (
                f"(SELECT id, {geo['columns']}, bigrams FROM posting WHERE {near} AND {FILTERS} {match}"
                f" ORDER BY {geo['knn']} LIMIT {pool}) AS nearest"
            )
        out[text] = f"SELECT id, {score} AS score FROM {source} ORDER BY score DESC LIMIT {TOP}"
    return out


@dataclass(frozen=True)
class Variant:
    what: str
    settings: tuple[str, ...] = ()
    pool: int | None = None


VARIANTS = {
    "exact": Variant("the query as written; the planner's choice of plan"),
    "nearest_200": Variant(
        "pruned: the 200 nearest rows that pass the filters and match a bigram (GiST nearest-neighbour "
        "scan; enable_bitmapscan = off, since the planner assumes a GiST box holds 0.1 % of the rows and "
        "would rather sort a bitmap scan), then scored and cut to 20; recall@20 against `exact`",
        ("SET enable_bitmapscan = off",),
        200,
    ),
    "nearest_1000": Variant("the same, pruned to the 1,000 nearest", ("SET enable_bitmapscan = off",), 1000),
}


async def _copy_source(cols: PgColumns, native: bool, chunk_rows: int = 20_000) -> AsyncIterator[bytes]:
    """The COPY text stream, in grid-cell order. A row's bigrams are its title's and its description's
    opening's (PostgreSQL drops the repeated lexemes)."""

    def vectors(texts: dict[str, int]) -> list[str]:
        return [" ".join(f"'{w}'" for w in lexemes(t)) for t in sorted(texts, key=texts.__getitem__)]

    titles, openings = vectors(cols.titles), vectors(cols.openings)
    order = np.argsort(grid.cells(cols.lat, cols.lng), kind="stable")
    for start in range(0, len(order), chunk_rows):
        lines = []
        for i in order[start : start + chunk_rows].tolist():
            lat, lng = float(cols.lat[i]), float(cols.lng[i])
            pay = float(cols.pay_hour[i])
            until = datetime.fromtimestamp(min(float(cols.valid_until[i]), 32503680000.0), UTC)
            fields = [
                str(i),
                "open",
                "gig" if cols.is_gig[i] else "job",
                repr(lat),
                repr(lng),
                *([f"({lng!r},{lat!r})"] if native else []),
                str(int(cols.free[i])),
                str(int(cols.req[i])),
                "\\N" if pay != pay else f"{pay:.4f}",
                until.isoformat(),
                f"{titles[int(cols.title[i])]} {openings[int(cols.opening[i])]}",
            ]
            lines.append("\t".join(fields))
        yield ("\n".join(lines) + "\n").encode("utf-8")


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def load(conn: asyncpg.Connection, cols: PgColumns) -> tuple[bool, dict[str, Any]]:
    """Create, COPY, index, analyze; whether the native-point variant is used, and the figures."""
    available = {r["name"] for r in await conn.fetch("SELECT name FROM pg_available_extensions")}
    native = not {"cube", "earthdistance"} <= available
    geo = POINT if native else EARTH
    for ext in geo["extensions"]:
        await conn.execute(f"CREATE EXTENSION IF NOT EXISTS {ext}")
    await conn.execute(TABLE.format(point=geo["point_column"]))
    await conn.execute("SET maintenance_work_mem = '512MB'")
    out: dict[str, Any] = {
        "server": await conn.fetchval("SHOW server_version"),
        "location_index": "GiST on a native point, box prefilter, exact haversine"
        if native
        else "GiST on a stored ll_to_earth(lat, lng) (cube + earthdistance)",
        "rows": cols.n,
    }
    started = time.perf_counter()
    columns = ["id", "status", "kind", "lat", "lng", *(["loc"] if native else [])]
    columns += ["free", "req", "pay_hour", "valid_until", "bigrams"]
    await conn.copy_to_table("posting", source=_copy_source(cols, native), columns=columns, format="text")
    out["copy_seconds"] = round(time.perf_counter() - started, 1)
    index_seconds = {}
    for name, sql in (
        ("location_gist", str(geo["index"])),
        ("bigrams_gin", "CREATE INDEX posting_bigrams ON posting USING gin (bigrams)"),
        ("pay_btree", "CREATE INDEX posting_pay ON posting (pay_hour)"),
    ):
        started = time.perf_counter()
        await conn.execute(sql)
        index_seconds[name] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    await conn.execute("VACUUM (ANALYZE) posting")
    index_seconds["vacuum_analyze"] = round(time.perf_counter() - started, 1)
    out["index_seconds"] = index_seconds
    out["load_seconds_total"] = round(out["copy_seconds"] + sum(index_seconds.values()), 1)
    out["table_mb"] = round(await conn.fetchval("SELECT pg_table_size('posting')") / 1e6, 1)
    out["indexes_mb"] = round(await conn.fetchval("SELECT pg_indexes_size('posting')") / 1e6, 1)
    return native, out


Result = list[tuple[int, float]]


async def _variant(
    conn: asyncpg.Connection,
    native: bool,
    variant: Variant,
    prepared: Sequence[Prepared],
    warmup: Sequence[Prepared],
    rounds: int,
) -> tuple[Latencies, list[Result]]:
    await conn.execute("RESET enable_bitmapscan")
    for setting in variant.settings:
        await conn.execute(setting)
    stmts = {text: await conn.prepare(sql) for text, sql in statements(native, variant.pool).items()}
    for p in warmup:
        await stmts[p.text].fetch(*p.params)
    lat = Latencies(len(prepared))
    results: list[Result] = []
    for _ in range(rounds):
        for i, p in enumerate(prepared):
            started = time.perf_counter()
            rows = await stmts[p.text].fetch(*p.params)
            lat.add(i, time.perf_counter() - started)
            if len(results) < len(prepared):
                results.append([(r["id"], r["score"]) for r in rows])
    return lat, results


def recall(found: Sequence[Result], exact: Sequence[Result]) -> float:
    """Mean recall@20 against the exact results; a row scoring at least the exact 20th counts (ties)."""
    values = []
    for got, want in zip(found, exact, strict=True):
        if not want:
            values.append(1.0 if not got else 0.0)
            continue
        ids = {i for i, _ in want}
        floor = want[-1][1] - 1e-9 if len(want) == TOP else math.inf
        values.append(sum(1 for i, score in got if i in ids or score >= floor) / len(want))
    return sum(values) / len(values)


async def measure(
    conn: asyncpg.Connection,
    native: bool,
    queries: Sequence[SeekerQuery],
    warmup: Sequence[SeekerQuery],
    now: datetime,
    rounds: int = ROUNDS,
) -> dict[str, Any]:
    """The seeker queries, sequentially on this connection, for each variant; the plans of the median
    and the p99 query of each."""
    await conn.execute("SET jit = off")
    await conn.execute("SET plan_cache_mode = force_custom_plan")
    prepared = [prepare(q, now, native) for q in queries]
    warm = [prepare(q, now, native) for q in warmup]
    out: dict[str, Any] = {
        "settings": {
            "jit": "off",
            "plan_cache_mode": "force_custom_plan (the radius and the bigrams change the best plan)",
            "shared_buffers": await conn.fetchval("SHOW shared_buffers"),
            "work_mem": await conn.fetchval("SHOW work_mem"),
        },
        "sql_with_text": " ".join(statements(native)[True].split()),
        "variants": {},
    }
    exact: list[Result] = []
    for name, variant in VARIANTS.items():
        lat, results = await _variant(conn, native, variant, prepared, warm, rounds)
        exact = exact or results
        report = {"what": variant.what} | lat.report(rounds)
        report["short_results"] = sum(1 for r in results if len(r) < TOP)
        report["recall_at_20_vs_exact"] = round(recall(results, exact), 4)
        sql = statements(native, variant.pool)
        ranked = sorted(range(len(queries)), key=lat.best.__getitem__)
        report["explain"] = {}
        for label, at in (("p50_query", 0.5), ("p99_query", 0.99)):
            i = ranked[min(len(ranked) - 1, int(at * len(ranked)))]
            p = prepared[i]
            plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql[p.text]}", *p.params)
            report["explain"][label] = {
                "seeker": queries[i].seeker_id,
                "text": seeker_text(queries[i]),
                "radius_km": round(p.params[2], 1),
                "plan": [r[0] for r in plan],
            }
        out["variants"][name] = report
    await conn.execute("RESET enable_bitmapscan")
    return out


async def run(
    url: str, cols: PgColumns, queries: Sequence[SeekerQuery], warmup: Sequence[SeekerQuery], now: datetime
) -> dict[str, Any]:
    """Load, index, query: the figures."""
    conn = await asyncpg.connect(_dsn(url), timeout=30)
    try:
        native, out = await load(conn, cols)
        return out | await measure(conn, native, queries, warmup, now)
    finally:
        await conn.close()
