"""The offline dataset: impressions shown through the API, outcomes arriving through the feed and staff
overrides, joined into graded labels with the position each item was shown at."""

import uuid
from datetime import timedelta
from typing import Any

import numpy as np
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.matching.impressions.config import ImpressionSettings
from services.matching.impressions.dataset import Event, attribute, labelled, to_logged
from services.matching.impressions.models import Impression
from services.matching.ranking.ltr.features import FEATURES
from tests.conftest import client_for
from tests.matching.impressions.conftest import AppMaker, written
from tests.matching.ranking.conftest import NOW, iso
from tests.matching.serving.conftest import STATION, Feed, Token, register

SLOW_WRITER = ImpressionSettings(flush_seconds=3600)


def _application(feed: Feed, posting_id: str, seeker_id: str, at: Any, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "posting_id": posting_id,
        "employer_id": feed.employer_id,
        "county_adcode": "370102",
        "seeker_id": seeker_id,
        "status": "applied",
        "source": "self",
        "version": 1,
        "created_at": iso(at),
        "updated_at": iso(at),
    } | fields


async def _labelled(app: FastAPI) -> list[Any]:
    await written(app)
    async with app.state.sessionmaker() as session:
        return await labelled(session, NOW - timedelta(days=1))


async def test_outcomes_and_overrides_label_the_impression_that_came_before_them(
    make_app: AppMaker, token: Token, clock: ManualClock
) -> None:
    staff = token("staff", "staff-li", station=STATION, county="370102")
    async with make_app(impression_settings=SLOW_WRITER) as app, client_for(app) as client:
        feed = Feed(app)
        await feed.employer()
        near, mid, far, hidden = [(await feed.post("仓库装卸工", km=km))["id"] for km in (0.5, 1.5, 3.0, 4.0)]
        headers = await register(client, token, "seeker-ds-1")
        shown = await client.get("/v1/seekers/seeker-ds-1/matches", headers=headers)
        assert [i["posting_id"] for i in shown.json()["items"]] == [near, mid, far, hidden]

        clock.advance(timedelta(hours=1))
        applied = _application(feed, mid, "seeker-ds-1", clock.now())
        hired = _application(feed, far, "seeker-ds-1", clock.now())
        await feed.send(("application.created", applied), ("application.created", hired))
        clock.advance(timedelta(hours=1))
        accepted = hired | {"status": "accepted", "version": 2, "decided_at": iso(clock.now())}
        await feed.send(("application.accepted", accepted))
        for posting_id, action in ((near, "pin"), (hidden, "hide")):
            body = {"posting_id": posting_id, "action": action, "reason": "本人要求 / asked for"}
            made = await client.post("/v1/seekers/seeker-ds-1/overrides", json=body, headers=staff)
            assert made.status_code == 201, made.text
        rows = await _labelled(app)

    assert [(str(r.posting_id), r.position, r.label) for r in rows] == [
        (near, 1, 1),  # pinned by staff: at least "applied"
        (mid, 2, 1),  # applied
        (far, 3, 3),  # applied, then accepted: a hire
        (hidden, 4, 0),  # hidden by staff
    ]
    data = to_logged(rows)
    assert data.x.shape == (4, len(FEATURES))
    assert data.label.tolist() == [1, 1, 3, 0]
    assert data.position.tolist() == [1, 2, 3, 4]
    assert len(set(data.group.tolist())) == 1


async def test_an_outcome_goes_to_the_latest_impression_before_it_and_not_to_later_ones(
    make_app: AppMaker, token: Token, clock: ManualClock
) -> None:
    async with make_app(impression_settings=SLOW_WRITER) as app, client_for(app) as client:
        feed = Feed(app)
        await feed.employer()
        job = (await feed.post("仓库装卸工", km=0.5))["id"]
        headers = await register(client, token, "seeker-ds-2")
        for _ in range(2):
            await client.get("/v1/seekers/seeker-ds-2/matches", headers=headers)
            clock.advance(timedelta(hours=1))
        await feed.send(("application.created", _application(feed, job, "seeker-ds-2", clock.now())))
        clock.advance(timedelta(hours=1))
        await client.get("/v1/seekers/seeker-ds-2/matches", headers=headers)
        rows = await _labelled(app)

    assert [r.label for r in rows] == [0, 1, 0]


def _impression(posting_id: uuid.UUID, minutes: int) -> Impression:
    return Impression(
        id=uuid.uuid4(),
        request_id=f"r{minutes}",
        seeker_id="s",
        posting_id=posting_id,
        position=1,
        features=None,
        shown_at=NOW + timedelta(minutes=minutes),
    )


def test_a_no_show_is_negative_whatever_came_before_and_old_outcomes_are_not_attributed() -> None:
    gig, job = uuid.uuid4(), uuid.uuid4()
    shown = [_impression(gig, 0), _impression(job, 0)]
    found = [
        Event("s", gig, NOW + timedelta(hours=1), 2),  # booked
        Event("s", gig, NOW + timedelta(days=2), -1),  # no-show
        Event("s", job, NOW + timedelta(days=40), 1),  # applied long after it was shown
    ]
    labels = [r.label for r in attribute(shown, found, timedelta(days=30))]
    assert labels == [-1, 0]
    assert np.array_equal(to_logged(attribute(shown, found, timedelta(days=60))).label, [-1, 1])
