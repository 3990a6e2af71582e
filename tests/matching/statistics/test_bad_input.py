from collections.abc import Callable

import httpx
import pytest

from tests.matching.statistics.conftest import A, B

Headers = Callable[..., dict[str, str]]
ROUTES = ("/v1/statistics/supply-demand", "/v1/statistics/shortages")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("level=0", "validation_failed"),
        ("level=3", "validation_failed"),
        ("level=99999999999999999999", "validation_failed"),
        ("week=2026-W60", "invalid_week"),
        ("week=2026-W51", "invalid_week"),
        ("week=1999-W01", "invalid_week"),
        ("week=26-W01", "validation_failed"),
        ("county=999999", "unknown_county"),
        ("county=37010", "validation_failed"),
        ("format=pdf", "validation_failed"),
    ],
)
async def test_out_of_range_parameters_are_422(
    client: httpx.AsyncClient, as_role: Headers, route: str, query: str, code: str
) -> None:
    r = await client.get(f"{route}?{query}", headers=as_role("admin"))
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code


@pytest.mark.parametrize("limit", ["0", "201", "-1"])
async def test_a_shortage_limit_out_of_range_is_422(
    client: httpx.AsyncClient, as_role: Headers, limit: str
) -> None:
    r = await client.get(f"/v1/statistics/shortages?limit={limit}", headers=as_role("admin"))
    assert r.status_code == 422


@pytest.mark.parametrize("route", ROUTES)
async def test_staff_asking_for_another_county_are_refused(
    client: httpx.AsyncClient, as_role: Headers, route: str
) -> None:
    r = await client.get(f"{route}?county={B}", headers=as_role("staff", A))
    assert r.status_code == 403
    assert r.json()["code"] == "county_out_of_scope"


async def test_staff_without_a_county_are_refused(client: httpx.AsyncClient, as_role: Headers) -> None:
    r = await client.get("/v1/statistics/supply-demand", headers=as_role("staff"))
    assert r.status_code == 403
    assert r.json()["code"] == "no_county_scope"


@pytest.mark.parametrize("role", ["seeker", "employer", "service"])
async def test_only_staff_and_admins_read_statistics(
    client: httpx.AsyncClient, as_role: Headers, role: str
) -> None:
    r = await client.get("/v1/statistics/supply-demand", headers=as_role(role))
    assert r.status_code == 403
