"""The optional former employer at registration: kept for the market watch's layoff signal."""

import httpx
import pytest

from tests.matching.seekers.conftest import register, seeker_body


async def test_registration_keeps_the_former_employer_given(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    body = await register(matching_client, me, former_employer="  济宁某纺织有限公司 ")

    assert body["former_employer"] == "济宁某纺织有限公司"


async def test_the_former_employer_is_optional(
    matching_client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    body = await register(matching_client, me)

    assert body["former_employer"] is None


@pytest.mark.parametrize("value", ["厂", "有" * 101, "某厂\x00", "某厂\n分厂", 12])
async def test_a_bad_former_employer_is_422(
    matching_client: httpx.AsyncClient, me: dict[str, str], value: object
) -> None:
    response = await matching_client.post("/v1/seekers", json=seeker_body(former_employer=value), headers=me)

    assert response.status_code == 422
