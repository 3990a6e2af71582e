"""GET /v1/occupations: the public autocomplete over names, aliases, codes and the coder."""

import httpx
import pytest


def _codes(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


async def test_a_partial_title_finds_the_welder_without_a_token(coded_client: httpx.AsyncClient) -> None:
    response = await coded_client.get("/v1/occupations", params={"q": "电焊", "limit": 10})

    assert "6-18-02-04" in _codes(response)
    body = response.json()
    assert body["coder"] == "ready"
    welder = next(i for i in body["items"] if i["code"] == "6-18-02-04")
    assert welder["name"] == "焊工"
    assert welder["level"] == 4
    assert 0 < welder["score"] <= 1


async def test_items_are_best_first_and_at_most_limit(coded_client: httpx.AsyncClient) -> None:
    response = await coded_client.get("/v1/occupations", params={"q": "服务员", "limit": 3})

    scores = [item["score"] for item in response.json()["items"]]
    assert len(scores) == 3
    assert scores == sorted(scores, reverse=True)


async def test_one_character_matches_names_before_the_coder_is_loaded(
    uncoded_client: httpx.AsyncClient,
) -> None:
    response = await uncoded_client.get("/v1/occupations", params={"q": "焊"})

    assert _codes(response)[0] == "6-18-02-04"
    assert response.json()["coder"] == "off"
    assert all(item["p"] is None for item in response.json()["items"])


async def test_an_alias_match_says_which_alias(uncoded_client: httpx.AsyncClient) -> None:
    response = await uncoded_client.get("/v1/occupations", params={"q": "服務員"})

    first = response.json()["items"][0]
    assert (first["code"], first["matched_alias"]) == ("4-03-02-05", "服务员")


async def test_a_code_prefix_lists_the_codes_under_it(uncoded_client: httpx.AsyncClient) -> None:
    codes = _codes(await uncoded_client.get("/v1/occupations", params={"q": "6-18", "limit": 50}))

    assert codes[0] == "6-18-00-00"
    assert len(codes) == 35  # every code of medium group 6-18, itself included
    assert all(code.startswith("6-18") for code in codes)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "   "}, {"q": "焊" * 51}, {"q": "焊", "limit": 0}, {"q": "焊", "limit": 51}],
    ids=["missing", "empty", "spaces", "too-long", "limit-0", "limit-51"],
)
async def test_bad_queries_get_a_422_problem(
    uncoded_client: httpx.AsyncClient, params: dict[str, object]
) -> None:
    response = await uncoded_client.get("/v1/occupations", params=params)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 422


async def test_openapi_documents_the_route_as_public(uncoded_client: httpx.AsyncClient) -> None:
    spec = (await uncoded_client.get("/openapi.json")).json()

    operation = spec["paths"]["/v1/occupations"]["get"]
    assert "422" in operation["responses"]
    assert "401" not in operation["responses"]
