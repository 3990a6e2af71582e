"""The postings service's side of erasure (docs/privacy.md §7.1): what it costs, through HTTP on the app.

1. Write path: an application's POST (its event goes through the feed's check for erased seekers) with
   no erasure on file, then with `BENCH_ERASURE_HELD` (default 5,000) erasures still holding wage records.
2. The erasure route for a seeker with `BENCH_ERASURE_APPLICATIONS` (default 50) applications with notes,
   amid the other seekers' events, repeated for 5 seekers.

SQLite in a temporary file, and PostgreSQL when one answers. Prints one JSON line per backend.

    .venv/bin/python -m benchmarks.postings_erasure
"""

import asyncio
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from benchmarks.postings_api import job_body
from services.kit.auth import mint_token
from services.kit.migrate import upgrade
from services.kit.settings import RateLimitSettings
from services.kit.uow import unit_of_work
from services.postings.config import PostingsSettings
from services.postings.erasure.models import SeekerErasure
from services.postings.main import create_app

NOW = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
    }


async def _post(client: httpx.AsyncClient, url: str, body: Any, headers: dict[str, str]) -> float:
    start = time.perf_counter()
    response = await client.post(url, json=body, headers=headers)
    response.raise_for_status()
    return time.perf_counter() - start


async def _jobs(client: httpx.AsyncClient, boss: dict[str, str], n: int) -> list[str]:
    employer = (
        await client.post("/v1/employers", json={"name": "压测公司", "kind": "company"}, headers=boss)
    ).json()
    ids = []
    for i in range(n):
        draft = await client.post("/v1/postings", json=job_body(employer["id"], i), headers=boss)
        opened = await client.post(
            f"/v1/postings/{draft.json()['id']}/publish", headers=boss | {"If-Match": draft.headers["ETag"]}
        )
        opened.raise_for_status()
        ids.append(str(draft.json()["id"]))
    return ids


async def _held(app: Any, n: int) -> None:
    rows = [
        {
            "pseudonym": f"erased-{i:032x}", "seeker_id": f"gone-{i}", "requested_at": NOW,
            "requested_by": "matching", "status": "holding", "held": 1, "hold_until": NOW,
            "done_at": None, "updated_at": NOW,
        }
        for i in range(n)
    ]  # fmt: skip
    async with unit_of_work(app.state.sessionmaker) as session:
        for start in range(0, n, 1000):
            await session.execute(insert(SeekerErasure), rows[start : start + 1000])


def _token(settings: PostingsSettings, role: str, sub: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(settings.auth, role, sub)}"}


async def measure(url: str, held: int, per_seeker: int, writes: int = 200) -> dict[str, Any]:
    settings = PostingsSettings(database_url=url, rate_limit=RateLimitSettings(enabled=False))
    app = create_app(settings, background=False)
    service = _token(settings, "service", "matching")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as client:
            jobs = await _jobs(client, _token(settings, "employer", "boss"), max(per_seeker, 2))

            async def apply(job: str, seeker: str, note: str | None = None) -> float:
                body = {"note": note} if note else {}
                return await _post(
                    client, f"/v1/postings/{job}/applications", body, _token(settings, "seeker", seeker)
                )

            before = [await apply(jobs[0], f"a-{i}") for i in range(writes)]
            await _held(app, held)
            after = [await apply(jobs[1], f"b-{i}") for i in range(writes)]
            erasures = []
            for k in range(5):
                seeker = f"bench-erase-{k}"
                for job in jobs[:per_seeker]:
                    await apply(job, seeker, note="站点推荐：住得近，腿脚不便")
                erasures.append(
                    await _post(
                        client, f"/v1/seekers/{seeker}/erasure", {"pseudonym": f"erased-{k:031x}f"}, service
                    )
                )
    return {
        "apply_no_erasures": _summary(before),
        f"apply_with_{held}_erasures_holding": _summary(after),
        f"erase_seeker_with_{per_seeker}_applications": _summary(erasures),
    }


def main() -> None:
    held = int(os.environ.get("BENCH_ERASURE_HELD", "5000"))
    per_seeker = int(os.environ.get("BENCH_ERASURE_APPLICATIONS", "50"))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'postings.db'}"
        upgrade("postings", url)
        print(json.dumps({"backend": "sqlite", **asyncio.run(measure(url, held, per_seeker))}))
    from benchmarks.common import scratch_pg_database

    with scratch_pg_database("lingong_bench_erasure") as pg_url:
        if pg_url is None:
            print(json.dumps({"backend": "postgres", "skipped": "PostgreSQL does not answer"}))
            return
        upgrade("postings", pg_url)
        print(json.dumps({"backend": "postgres", **asyncio.run(measure(pg_url, held, per_seeker))}))


if __name__ == "__main__":
    main()
