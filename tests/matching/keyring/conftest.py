from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from services.matching.seekers.config import DEV_ID_KEY
from services.matching.seekers.crypto import FieldCipher
from tests.matching.seekers.conftest import fixed_clock, grant, id_number, put_sensitive, register

__all__ = ["fixed_clock"]

OLD, NEW = DEV_ID_KEY, "the-next-data-key-of-the-matching-service-2027"
SEEKERS = 5
Token = Callable[..., dict[str, str]]


NAMES = ("王小明", "李娜", "欧阳修文", "张伟", "买买提·艾力")


def phone(n: int) -> str:
    return f"1381234{n:04d}"


def name(n: int) -> str:
    return NAMES[n % len(NAMES)]


def ring() -> FieldCipher:
    """The cipher during a rotation: the new key current, the old one still opening, lookups kept."""
    return FieldCipher(NEW, previous=[OLD], lookup_secret=OLD)


@pytest.fixture
async def stored(matching_app: FastAPI, matching_client: httpx.AsyncClient, token: Token) -> list[str]:
    """SEEKERS seekers with a phone, a name and an ID number, sealed under the old key."""
    matching_app.state.seekers_cipher = FieldCipher(OLD)
    ids = []
    for n in range(SEEKERS):
        me = token("seeker", f"seeker-{n}")
        seeker = await register(matching_client, me, phone=phone(n), name=name(n))
        await grant(matching_client, me, seeker["id"], "sensitive_for_priority_help")
        number = id_number(seq=f"{n + 1:03d}")
        response = await put_sensitive(matching_client, me, seeker["id"], id_number=number)
        assert response.status_code == 201, response.text
        ids.append(seeker["id"])
    matching_app.state.seekers_cipher = ring()
    return ids
