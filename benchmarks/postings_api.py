"""Postings service under load, in process: write latency, feed lag, import speed.

Each figure is reported with a baseline measured in the same run (GET /healthz through the same
stack) so noisy machines still give comparable ratios.
"""

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from services.kit.auth import mint_token
from services.kit.migrate import upgrade
from services.kit.settings import RateLimitSettings
from services.postings.config import PostingsSettings
from services.postings.main import create_app


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_pct(values, 0.5) * 1000, 3),
        "p95_ms": round(_pct(values, 0.95) * 1000, 3),
        "p99_ms": round(_pct(values, 0.99) * 1000, 3),
        "mean_ms": round(statistics.fmean(values) * 1000, 3),
    }


def job_body(employer_id: str, i: int) -> dict[str, Any]:
    """The body of a plain job posting, numbered (the benchmarks' common posting)."""
    return {
        "employer_id": employer_id,
        "kind": "job",
        "title": f"仓库分拣员{i}",
        "description": "分拣包裹，男女不限。",
        "location": {"lat": 36.6665, "lng": 117.0764},
        "pay": {"min": "4200", "unit": "month"},
        "headcount": 3,
    }


async def _timed(call: Any) -> float:
    start = time.perf_counter()
    response = await call
    response.raise_for_status()
    return time.perf_counter() - start


async def _feed_lag(
    client: httpx.AsyncClient, employer: dict[str, str], service: dict[str, str], emp_id: str, n: int
) -> list[float]:
    after = (await client.get("/v1/feed", params={"after": 0, "limit": 10000}, headers=service)).json()[
        "next"
    ]
    lags = []
    for i in range(n):
        waiter = asyncio.create_task(
            client.get("/v1/feed", params={"after": after, "wait": 5}, headers=service)
        )
        await asyncio.sleep(0)
        start = time.perf_counter()
        await client.post("/v1/postings", json=job_body(emp_id, 10_000 + i), headers=employer)
        page = (await waiter).json()
        lags.append(time.perf_counter() - start)
        after = page["next"]
    return lags


async def measure(database_url: str, n: int = 200) -> dict[str, Any]:
    # Throughput of one employer: the abuse limits (docs/security.md) would cut it at 120 writes a minute.
    settings = PostingsSettings(database_url=database_url, rate_limit=RateLimitSettings(enabled=False))
    app = create_app(settings, background=False)
    employer = {"Authorization": f"Bearer {mint_token(settings.auth, 'employer', 'bench')}"}
    service = {"Authorization": f"Bearer {mint_token(settings.auth, 'service', 'bench')}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=30) as client:
            emp = (
                await client.post(
                    "/v1/employers", json={"name": "压测公司", "kind": "company"}, headers=employer
                )
            ).json()
            health = [await _timed(client.get("/healthz")) for _ in range(n)]
            create = [
                await _timed(client.post("/v1/postings", json=job_body(emp["id"], i), headers=employer))
                for i in range(n)
            ]
            listing = [
                await _timed(client.get("/v1/postings", params={"limit": 50}, headers=employer))
                for _ in range(n // 4)
            ]
            lag = await _feed_lag(client, employer, service, emp["id"], n // 4)
    base = statistics.median(health)
    return {
        "baseline_healthz": _summary(health),
        "create_posting": _summary(create)
        | {"ratio_p50_to_baseline": round(statistics.median(create) / base, 1)},
        "list_postings_50": _summary(listing)
        | {"ratio_p50_to_baseline": round(statistics.median(listing) / base, 1)},
        "feed_lag_commit_to_consumer": _summary(lag),
    }


def run(pg_url: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat()}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade("postings", url)
        out["sqlite"] = asyncio.run(measure(url))
    if pg_url:
        upgrade("postings", pg_url)
        out["postgres"] = asyncio.run(measure(pg_url))
    return out


def main() -> dict[str, Any]:
    from benchmarks.common import scratch_pg_database

    with scratch_pg_database("lingong_bench_postings") as pg_url:
        return run(pg_url)
