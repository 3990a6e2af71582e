"""A seeker's name: optional, checked like other free text (and stricter), encrypted at rest, masked in
every response (王*明), and found only by an exact match of its keyed hash within the staff member's reach."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.seekers.crypto import get_cipher
from services.matching.seekers.models import Seeker, SeekerAccessGrant, SeekerAudit
from services.matching.seekers.names import mask_name, name_key
from tests.matching.seekers.conftest import Token, register, seeker_body, staff_consent

FAR_COUNTY = "370102"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王小明", "王*明"),
        ("王明", "王*"),
        ("王", "*"),
        ("王小小明", "王*明"),
        ("欧阳小明", "欧阳*明"),
        ("欧阳明", "欧阳*"),
        ("司马", "司*"),
        ("买买提·艾力", "买*力"),
        ("Zhang Wei", "Z*i"),
        ("Li", "L*"),
        (None, None),
        ("", None),
    ],
)
def test_names_are_masked_as_surname_star_last_character(name: str | None, masked: str | None) -> None:
    assert mask_name(name) == masked


def test_the_lookup_key_ignores_width_case_spaces_and_dot_variants() -> None:
    assert name_key("王 小明") == name_key("王小明")
    assert name_key("ＷＡＮＧ Xiaoming") == name_key("wangxiaoming")
    assert name_key("买买提•艾力") == name_key("买买提·艾力")
    assert name_key("王小明") != name_key("王小")


async def test_a_name_is_stored_encrypted_and_masked_in_every_response(
    matching_client: httpx.AsyncClient, me: dict[str, str], session: AsyncSession
) -> None:
    body = await register(matching_client, me, name="王小明")
    read = await matching_client.get("/v1/seekers/seeker-1", headers=me)

    row = await session.scalar(select(Seeker).where(Seeker.id == "seeker-1"))
    assert row is not None
    assert row.name_cipher is not None
    assert body["name"] == read.json()["name"] == "王*明"
    assert "王小明".encode() not in row.name_cipher
    assert get_cipher().decrypt(row.name_cipher, field="name", seeker_id="seeker-1") == "王小明"


@pytest.mark.parametrize(
    "name",
    ["王\u200b小明", "王\u202e小明", "王小明1", "<b>王</b>", "王\n明", "---", "王" * 51],
)
async def test_names_with_hidden_characters_digits_or_markup_are_refused(
    matching_client: httpx.AsyncClient, me: dict[str, str], name: str
) -> None:
    response = await matching_client.post("/v1/seekers", json=seeker_body(name=name), headers=me)

    assert response.status_code == 422


async def test_a_name_can_be_changed_and_removed(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str]
) -> None:
    await register(matching_client, me, name="王小明")
    headers = me | {"If-Match": "*"}

    renamed = await matching_client.patch("/v1/seekers/seeker-1", json={"name": "李娜"}, headers=headers)
    removed = await matching_client.patch("/v1/seekers/seeker-1", json={"name": None}, headers=headers)
    found = await matching_client.post("/v1/seekers/lookup", json={"name": "李娜"}, headers=staff)

    assert renamed.json()["name"] == "李*"
    assert removed.json()["name"] is None
    assert found.json() == []


async def test_staff_find_a_seeker_in_reach_by_exact_name_audited(
    matching_client: httpx.AsyncClient, me: dict[str, str], staff: dict[str, str], session: AsyncSession
) -> None:
    await register(matching_client, me, name="王小明")

    exact = await matching_client.post("/v1/seekers/lookup", json={"name": "王 小明"}, headers=staff)
    partial = await matching_client.post("/v1/seekers/lookup", json={"name": "王小"}, headers=staff)

    assert [(s["id"], s["name"]) for s in exact.json()] == [("seeker-1", "王*明")]
    assert partial.json() == []
    audited = select(SeekerAudit.action).where(SeekerAudit.seeker_id == "seeker-1")
    actions = (await session.scalars(audited)).all()
    assert "name_search" in actions


async def test_a_name_never_reaches_or_opens_a_seeker_from_elsewhere(
    matching_client: httpx.AsyncClient, me: dict[str, str], token: Token, session: AsyncSession
) -> None:
    await register(matching_client, me, name="王小明")
    far = token("staff", "staff-far", station="station-jinan-9", county=FAR_COUNTY)

    found = await matching_client.post("/v1/seekers/lookup", json={"name": "王小明"}, headers=far)
    opened = await matching_client.get("/v1/seekers/seeker-1", headers=far)

    assert found.status_code == 200
    assert found.json() == []
    assert opened.status_code == 404
    assert (await session.scalars(select(SeekerAccessGrant))).all() == []


async def test_staff_register_a_walk_in_with_a_name(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    body = seeker_body(seeker_id="walk-in", name="欧阳小明", consent=staff_consent())

    response = await matching_client.post("/v1/seekers", json=body, headers=staff)

    assert response.status_code == 201
    assert response.json()["name"] == "欧阳*明"


async def test_a_lookup_takes_exactly_one_of_phone_id_number_or_name(
    matching_client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    both = {"name": "王小明", "phone": "13812341234"}

    response = await matching_client.post("/v1/seekers/lookup", json=both, headers=staff)

    assert response.status_code == 422
