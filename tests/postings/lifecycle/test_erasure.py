"""The postings service's erasure route on its own (the rule through both apps is in
tests/matching/privacy/test_postings_erasure.py): its answers, its input checks, and the sweep's batches."""

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.postings.config import ErasureSettings, PostingsSettings
from tests.postings.lifecycle.factories import open_gig, step, worked

Token = Callable[..., dict[str, str]]


@pytest.fixture
def postings_settings(postings_settings: PostingsSettings) -> PostingsSettings:
    return postings_settings.model_copy(update={"erasure": ErasureSettings(batch_size=1)})


def alias() -> str:
    return "erased-" + uuid.uuid4().hex


async def erase(client: httpx.AsyncClient, token: Token, seeker: str, pseudonym: str) -> httpx.Response:
    return await client.post(
        f"/v1/seekers/{seeker}/erasure", json={"pseudonym": pseudonym}, headers=token("service", "matching")
    )


async def test_a_seeker_with_nothing_held_is_done_at_once(client: httpx.AsyncClient, token: Token) -> None:
    pseudonym = alias()

    response = await erase(client, token, "s-nobody", pseudonym)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["pseudonym"], body["status"], body["held"], body["hold_until"]) == (
        pseudonym,
        "done",
        0,
        None,
    )


@pytest.mark.parametrize("pseudonym", ["erased-XYZ", "s-1", "erased-" + "0" * 33, ""])
async def test_a_malformed_pseudonym_is_refused(
    client: httpx.AsyncClient, token: Token, pseudonym: str
) -> None:
    response = await erase(client, token, "s-1", pseudonym)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_held_wage_record_gives_its_release_time(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    worker, boss = token("seeker", "s-held"), token("employer", "boss")
    done = await worked(client, worker, await open_gig(client, boss, clock.now()), clock)
    confirmed = await step(client, boss, str(done["id"]), "confirm", amount="100.00")
    assert confirmed.status_code == 200, confirmed.text

    body = (await erase(client, token, "s-held", alias())).json()

    released = clock.now() + timedelta(days=730)
    assert (body["status"], body["held"]) == ("holding", 1)
    assert abs((released - _parse(body["hold_until"])).total_seconds()) < 1


async def test_the_sweep_goes_through_every_due_erasure_in_batches(
    client: httpx.AsyncClient, token: Token, clock: ManualClock, app: FastAPI
) -> None:
    boss = token("employer", "boss")
    for seeker in ("s-a", "s-b", "s-c"):
        gig = await open_gig(client, boss, clock.now())
        done = await worked(client, token("seeker", seeker), gig, clock)
        assert (await step(client, boss, str(done["id"]), "confirm", amount="80.00")).status_code == 200
    answers: Sequence[httpx.Response] = [
        await erase(client, token, s, alias()) for s in ("s-a", "s-b", "s-c")
    ]
    clock.advance(timedelta(days=731))

    applied = await app.state.erasure.run_once()
    again = await app.state.erasure.run_once()

    assert [a.json()["status"] for a in answers] == ["holding"] * 3
    assert (applied, again) == (3, 0)


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)
