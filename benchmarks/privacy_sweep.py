"""Retention sweep speed: N inactive seekers notified, then erased through `seekers.service.erase`, then a
sweep with nothing to do, on SQLite and on PostgreSQL when one answers (`lingong privacy sweep` runs
this same function).

Data (seeded): N profiles last changed two years before `NOW`, each with a matching consent, a phone
sealed by the field cipher and two audit rows. `BENCH_PRIVACY_SEEKERS` sets N (default 5,000);
`MATCHING_PRIVACY__BATCH_SIZE` the batch (default 200). Prints one JSON line per backend.

    .venv/bin/python -m benchmarks.privacy_sweep
"""

import asyncio
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from services.kit.db import build_engine, build_sessionmaker
from services.kit.migrate import upgrade
from services.kit.uow import unit_of_work
from services.matching.config import MatchingSettings
from services.matching.privacy.config import PrivacySettings
from services.matching.privacy.retention import sweep
from services.matching.seekers.crypto import FieldCipher
from services.matching.seekers.models import Seeker, SeekerAudit, SeekerConsent

NOW = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)
KEY = "bench-privacy-sweep-key-0123456789-abcdefghijklmnop"


def _rows(n: int, cipher: FieldCipher) -> tuple[list[dict[str, Any]], ...]:
    then = NOW - timedelta(days=800)
    seekers, consents, audits = [], [], []
    for i in range(n):
        sid = f"bench-{i:07d}"
        phone = f"139{i:08d}"
        seekers.append(
            {
                "id": sid, "desired_text": "焊工", "occupation_codes": [], "lat": 35.8, "lng": 116.1,
                "location_approximate": True, "county_adcode": "370832", "address": None,
                "travel_mode": "bus", "max_commute_minutes": 45, "availability": [], "pay_amount": None,
                "pay_unit": None, "certificates": [], "experience_years": 0, "accommodations": [],
                "kinds": ["job"], "birth_year": 1980, "birth_month": 1,
                "phone_cipher": cipher.encrypt(phone, field="phone", seeker_id=sid),
                "phone_masked": phone[:3] + "****" + phone[-4:],
                "phone_hmac": cipher.lookup_hash(phone, field="phone"),
                "registered_by_station": None, "registered_by_sub": sid, "former_employer": None,
                "version": 1, "created_at": then, "updated_at": then,
            }
        )  # fmt: skip
        consents.append(
            {
                "id": uuid.uuid4(), "seeker_id": sid, "purpose": "matching", "method": "app",
                "agreed_at": then, "recorded_at": then, "recorded_by_role": "seeker", "recorded_by_sub": sid,
                "recorded_by_station": None, "withdrawn_at": None, "withdrawn_by_role": None,
                "withdrawn_by_sub": None,
            }
        )  # fmt: skip
        for _ in range(2):
            audits.append(
                {
                    "id": uuid.uuid4(), "seeker_id": sid, "at": then, "action": "read_sensitive",
                    "actor_role": "staff", "actor_sub": "staff-1", "actor_station": None, "fields": ["phone"],
                    "purpose": "matching",
                }
            )  # fmt: skip
    return seekers, consents, audits


async def _run(url: str, n: int) -> dict[str, Any]:
    engine = build_engine(MatchingSettings(database_url=url))
    maker = build_sessionmaker(engine)
    cipher = FieldCipher(KEY)
    settings = PrivacySettings(sweep_enabled=False)
    try:
        seekers, consents, audits = _rows(n, cipher)
        async with unit_of_work(maker) as session:
            for model, rows in ((Seeker, seekers), (SeekerConsent, consents), (SeekerAudit, audits)):
                for i in range(0, len(rows), 1000):
                    await session.execute(insert(model), rows[i : i + 1000])
        timings: dict[str, Any] = {}
        for name, at in (
            ("notify", NOW),
            ("erase", NOW + timedelta(days=31)),
            ("idle", NOW + timedelta(days=32)),
        ):
            started = time.perf_counter()
            report = await sweep(maker, cipher, settings, at)
            timings[name] = {"seconds": round(time.perf_counter() - started, 2), **report.as_dict()}
        async with maker() as session:
            left = await session.scalar(select(func.count()).select_from(Seeker))
        return {"seekers": n, "batch_size": settings.batch_size, "profiles_left": left, **timings}
    finally:
        await engine.dispose()


def main() -> None:
    n = int(os.environ.get("BENCH_PRIVACY_SEEKERS", "5000"))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'matching.db'}"
        upgrade("matching", url)
        print(json.dumps({"backend": "sqlite", **asyncio.run(_run(url, n))}, ensure_ascii=False))
    from benchmarks.common import scratch_pg_database

    with scratch_pg_database("lingong_bench_privacy") as pg_url:
        if pg_url is None:
            print(json.dumps({"backend": "postgres", "skipped": "PostgreSQL does not answer"}))
            return
        upgrade("matching", pg_url)
        print(json.dumps({"backend": "postgres", **asyncio.run(_run(pg_url, n))}, ensure_ascii=False))


if __name__ == "__main__":
    main()
