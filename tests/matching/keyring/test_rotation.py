"""Rotating the data key: every ID number, phone, name, registration draft and case evidence number
re-encrypted, in batches, resumably, while serving."""

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from services.kit.auth import mint_token
from services.kit.clock import ManualClock
from services.kit.settings import AuthSettings
from services.matching.cases.models import Case
from services.matching.cases.service import EVIDENCE_FIELD
from services.matching.config import MatchingSettings
from services.matching.console import drafts
from services.matching.console.models import RegistrationDraft
from services.matching.keyring.config import get_keyring_settings
from services.matching.keyring.rotation import rotate
from services.matching.main import create_app
from services.matching.replica.config import ReplicaSettings
from services.matching.seekers.config import get_seekers_settings
from services.matching.seekers.crypto import FieldCipher, get_cipher
from services.matching.seekers.models import Seeker, SeekerSensitive
from tests.conftest import LifespanApp, client_for
from tests.matching.cases.conftest import case_body, open_case
from tests.matching.keyring.conftest import NEW, OLD, SEEKERS, name, phone, ring
from tests.matching.seekers.conftest import grant, id_number, put_sensitive, register

Token = Callable[..., dict[str, str]]


async def _values(app: FastAPI) -> list[bytes]:
    async with app.state.sessionmaker() as session:
        phones = (await session.execute(select(Seeker.phone_cipher))).scalars().all()
        names = (await session.execute(select(Seeker.name_cipher))).scalars().all()
        ids = (await session.execute(select(SeekerSensitive.id_number_cipher))).scalars().all()
    return [v for v in [*phones, *names, *ids] if v is not None]


async def _opened_by_the_new_key_alone(app: FastAPI) -> list[tuple[str, str]]:
    only_new = FieldCipher(NEW)
    async with app.state.sessionmaker() as session:
        columns = select(Seeker.id, Seeker.phone_cipher, Seeker.name_cipher)
        seekers = (await session.execute(columns.order_by(Seeker.id))).all()
    return [
        (only_new.decrypt(p, field="phone", seeker_id=i), only_new.decrypt(n, field="name", seeker_id=i))
        for i, p, n in seekers
        if p is not None and n is not None
    ]


def _expected() -> list[tuple[str, str]]:
    return [(phone(n), name(n)) for n in range(SEEKERS)]


async def test_rotation_reencrypts_every_stored_value_under_the_new_key(
    matching_app: FastAPI, stored: list[str]
) -> None:
    progress = await rotate(matching_app.state.sessionmaker, ring(), batch_size=2)

    assert progress.rewritten == 3 * SEEKERS
    assert all(ring().is_current(v) for v in await _values(matching_app))
    assert await _opened_by_the_new_key_alone(matching_app) == _expected()


async def test_a_second_rotation_finds_nothing_to_do(matching_app: FastAPI, stored: list[str]) -> None:
    await rotate(matching_app.state.sessionmaker, ring())

    again = await rotate(matching_app.state.sessionmaker, ring())

    assert again.rewritten == 0


async def test_the_service_answers_and_lookups_match_while_rotating(
    matching_app: FastAPI, matching_client: httpx.AsyncClient, stored: list[str], token: Token
) -> None:
    late = token("seeker", "seeker-late")
    await register(matching_client, late)
    await grant(matching_client, late, "seeker-late", "sensitive_for_priority_help")
    rotation = asyncio.create_task(rotate(matching_app.state.sessionmaker, ring(), batch_size=1, pause=0.02))
    phones, taken = [], []
    while not rotation.done():
        n = len(phones) % SEEKERS
        me = token("seeker", f"seeker-{n}")
        contact = await matching_client.get(f"/v1/seekers/seeker-{n}/contact", headers=me)
        phones.append((contact.status_code, contact.json()["phone"] == phone(n)))
        same_id = id_number(seq=f"{n + 1:03d}")
        duplicate = await put_sensitive(matching_client, late, "seeker-late", id_number=same_id)
        taken.append(duplicate.status_code)
    await rotation

    assert len(phones) >= 3
    assert set(phones) == {(200, True)}
    assert set(taken) == {409}


async def test_a_rotation_killed_midway_resumes_and_finishes(
    matching_app: FastAPI, stored: list[str], matching_settings: MatchingSettings
) -> None:
    env = os.environ | {
        "MATCHING_DATABASE_URL": matching_settings.database_url,
        "MATCHING_SEEKERS__ID_KEY": NEW,
        "MATCHING_KEYRING__PREVIOUS_ID_KEYS": json.dumps([OLD]),
        "MATCHING_KEYRING__LOOKUP_KEY": OLD,
        "MATCHING_KEYRING__BATCH_SIZE": "1",
        "MATCHING_KEYRING__PAUSE_SECONDS": "0.5",
    }
    command = [sys.executable, "-m", "services.matching.keyring"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        done = sum(ring().is_current(v) for v in await _values(matching_app))
        if done >= 2:
            break
        await asyncio.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=20)
    midway = sum(ring().is_current(v) for v in await _values(matching_app))
    unpaused = env | {"MATCHING_KEYRING__PAUSE_SECONDS": "0"}
    second = subprocess.run(command, env=unpaused, capture_output=True, timeout=120, check=True)

    assert 0 < midway < 3 * SEEKERS
    assert json.loads(second.stdout)["rewritten"] == 3 * SEEKERS - midway
    assert await _opened_by_the_new_key_alone(matching_app) == _expected()


async def test_names_are_still_found_by_their_lookup_hash_after_rotation(
    matching_app: FastAPI, matching_client: httpx.AsyncClient, stored: list[str], token: Token
) -> None:
    staff = token("staff", "staff-wang", station="station-liangshan-1", county="370832")
    await rotate(matching_app.state.sessionmaker, ring())

    found = await matching_client.post("/v1/seekers/lookup", json={"name": name(2)}, headers=staff)

    assert [s["id"] for s in found.json()] == ["seeker-2"]


async def test_a_registration_draft_is_reencrypted_and_still_opens(matching_app: FastAPI) -> None:
    typed = {"name": ["王小明"], "phone": ["13912340000"]}
    async with matching_app.state.sessionmaker() as session:
        draft = drafts.new(session, "staff-wang", datetime.now(UTC), 12)
        drafts.keep(FieldCipher(OLD), draft, typed, 2)
        await session.commit()

    progress = await rotate(matching_app.state.sessionmaker, ring())

    async with matching_app.state.sessionmaker() as session:
        stored = (await session.scalars(select(RegistrationDraft))).one()
    assert progress.rewritten == 1
    assert stored.data_cipher is not None
    assert ring().is_current(stored.data_cipher)
    assert drafts.fields(FieldCipher(NEW), stored) == typed


async def test_a_cases_evidence_number_is_reencrypted_and_still_opens(
    matching_app: FastAPI, matching_client: httpx.AsyncClient, stored: list[str], auth_settings: AuthSettings
) -> None:
    matching_app.state.seekers_cipher = FieldCipher(OLD)
    liangshan = {"county_adcode": "370832"}  # 梁山县, where these seekers live
    clerk = mint_token(auth_settings, "staff", "clerk-7", station_id="st-liangshan", extra=liangshan)
    await open_case(matching_client, {"Authorization": f"Bearer {clerk}"}, stored[0])
    matching_app.state.seekers_cipher = ring()

    progress = await rotate(matching_app.state.sessionmaker, ring(), batch_size=2)

    async with matching_app.state.sessionmaker() as session:
        case = (await session.scalars(select(Case))).one()
    number = case_body(stored[0])["evidence"]["number"]
    assert progress.rewritten == 3 * SEEKERS + 1
    assert ring().is_current(case.evidence_number_cipher)
    assert (
        FieldCipher(NEW).decrypt(case.evidence_number_cipher, field=EVIDENCE_FIELD, seeker_id=stored[0])
        == number
    )


@pytest.fixture
def rotation_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment of a service restarted for a rotation: new key current, old one previous and
    kept for lookups (docs/security.md)."""
    monkeypatch.setenv("MATCHING_SEEKERS__ID_KEY", NEW)
    monkeypatch.setenv("MATCHING_KEYRING__PREVIOUS_ID_KEYS", json.dumps([OLD]))
    monkeypatch.setenv("MATCHING_KEYRING__LOOKUP_KEY", OLD)
    get_seekers_settings.cache_clear()
    get_keyring_settings.cache_clear()
    get_cipher.cache_clear()
    yield
    monkeypatch.undo()
    get_seekers_settings.cache_clear()
    get_keyring_settings.cache_clear()
    get_cipher.cache_clear()


async def test_a_service_started_with_the_rotations_keys_opens_old_values_and_finds_by_old_lookups(
    matching_settings: MatchingSettings,
    clock: ManualClock,
    stored: list[str],
    rotation_settings: None,
    token: Token,
) -> None:
    staff = token("staff", "staff-wang", station="station-liangshan-1", county="370832")
    restarted = create_app(matching_settings, clock)
    restarted.state.replica_settings = ReplicaSettings(enabled=False)  # no feed to follow here
    async with LifespanApp(restarted) as app, client_for(app) as client:
        contact = await client.get("/v1/seekers/seeker-3/contact", headers=token("seeker", "seeker-3"))
        found = await client.post("/v1/seekers/lookup", json={"phone": phone(1)}, headers=staff)

    assert contact.status_code == 200, contact.text
    assert contact.json()["phone"] == phone(3)
    assert found.status_code == 200, found.text
    assert [s["id"] for s in found.json()] == ["seeker-1"]
