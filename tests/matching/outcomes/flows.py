"""Postings-side flows the outcome tests drive: a referred job application, a paid gig."""

from datetime import timedelta
from typing import Any

import httpx

from services.kit.clock import ManualClock
from tests.postings.lifecycle.factories import open_gig, open_job, step, worked

Headers = dict[str, str]


async def refer_to_job(
    postings: httpx.AsyncClient, boss: Headers, staff: Headers, seeker_id: str
) -> dict[str, Any]:
    """A published job and a staff referral of `seeker_id` to it (status applied)."""
    job = await open_job(postings, boss)
    applied = await postings.post(
        f"/v1/postings/{job['id']}/applications",
        json={"seeker_id": seeker_id, "note": "站点推荐"},
        headers=staff,
    )
    assert applied.status_code == 201, applied.text
    return dict(applied.json())


async def accept(postings: httpx.AsyncClient, boss: Headers, application_id: str) -> dict[str, Any]:
    accepted = await postings.post(f"/v1/applications/{application_id}/accept", headers=boss)
    assert accepted.status_code == 200, accepted.text
    return dict(accepted.json())


async def paid_gig(
    postings: httpx.AsyncClient, boss: Headers, worker: Headers, clock: ManualClock
) -> dict[str, Any]:
    """A gig worked by `worker`, confirmed by the employer and confirmed paid by the worker."""
    gig = await open_gig(postings, boss, clock.now())
    done = await worked(postings, worker, gig, clock)
    confirmed = await step(postings, boss, str(done["id"]), "confirm", amount="100.00")
    assert confirmed.status_code == 200, confirmed.text
    clock.advance(timedelta(minutes=5))
    paid = await step(postings, worker, str(done["id"]), "paid")
    assert paid.status_code == 200, paid.text
    return dict(paid.json())
