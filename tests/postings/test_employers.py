from collections.abc import Callable

import httpx

from tests.postings.factories import create_employer, employer_body

Token = Callable[..., dict[str, str]]


async def test_employer_registers_its_organisation(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.post("/v1/employers", json=employer_body(), headers=token("employer", "e1"))

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "济南鲁焊机械有限公司"
    assert body["verified"] is False
    assert response.headers["Location"] == f"/v1/employers/{body['id']}"
    assert response.headers["ETag"]


async def test_valid_credit_code_is_accepted(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.post(
        "/v1/employers", json=employer_body(uscc="91350100M000100Y43"), headers=token("employer", "e1")
    )

    assert response.status_code == 201, response.text
    assert response.json()["uscc"] == "91350100M000100Y43"


async def test_credit_code_with_wrong_check_digit_is_422(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.post(
        "/v1/employers", json=employer_body(uscc="91350100M000100Y44"), headers=token("employer", "e1")
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "validation_failed"


async def test_second_employer_with_same_credit_code_is_409(client: httpx.AsyncClient, token: Token) -> None:
    await create_employer(client, token("employer", "e1"), uscc="91350100M000100Y43")

    response = await client.post(
        "/v1/employers", json=employer_body(uscc="91350100M000100Y43"), headers=token("employer", "e2")
    )

    assert response.status_code == 409
    assert response.json()["code"] == "uscc_taken"


async def test_employer_cannot_set_verified_flag_itself(client: httpx.AsyncClient, token: Token) -> None:
    response = await client.post(
        "/v1/employers", json=employer_body(verified=True), headers=token("employer", "e1")
    )

    assert response.status_code == 422


async def test_staff_verify_an_employer(client: httpx.AsyncClient, token: Token) -> None:
    employer = await create_employer(client, token("employer", "e1"))
    etag = (await client.get(f"/v1/employers/{employer['id']}", headers=token("staff", "s1"))).headers["ETag"]

    response = await client.post(
        f"/v1/employers/{employer['id']}/verify",
        json={"verified": True},
        headers=token("staff", "s1", station="st-1", county="370102") | {"If-Match": etag},
    )

    assert response.status_code == 200
    assert response.json()["verified"] is True


async def test_staff_of_another_county_may_not_verify_an_employer(
    client: httpx.AsyncClient, token: Token
) -> None:
    employer = await create_employer(client, token("employer", "e1"))  # in 370102, 历下区

    response = await client.post(
        f"/v1/employers/{employer['id']}/verify",
        json={"verified": True},
        headers=token("staff", "s9", station="st-9", county="370202") | {"If-Match": f'"{employer["id"]}.1"'},
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_your_employer"


async def test_employer_may_not_verify_itself(client: httpx.AsyncClient, token: Token) -> None:
    employer = await create_employer(client, token("employer", "e1"))

    response = await client.post(
        f"/v1/employers/{employer['id']}/verify",
        json={"verified": True},
        headers=token("employer", "e1") | {"If-Match": '"x"'},
    )

    assert response.status_code == 403


async def test_employer_lists_only_its_own_organisations(client: httpx.AsyncClient, token: Token) -> None:
    await create_employer(client, token("employer", "e1"), name="甲公司")
    await create_employer(client, token("employer", "e2"), name="乙商店", kind="shop")

    response = await client.get("/v1/employers", headers=token("employer", "e1"))

    assert [e["name"] for e in response.json()["items"]] == ["甲公司"]


async def test_employer_edit_needs_current_etag(client: httpx.AsyncClient, token: Token) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)

    missing = await client.patch(f"/v1/employers/{employer['id']}", json={"name": "新名"}, headers=headers)
    stale = await client.patch(
        f"/v1/employers/{employer['id']}", json={"name": "新名"}, headers=headers | {"If-Match": '"stale"'}
    )

    assert missing.status_code == 428
    assert stale.status_code == 412


async def test_another_employers_organisation_cannot_be_edited(
    client: httpx.AsyncClient, token: Token
) -> None:
    employer = await create_employer(client, token("employer", "e1"))

    response = await client.patch(
        f"/v1/employers/{employer['id']}",
        json={"name": "抢注"},
        headers=token("employer", "e2") | {"If-Match": "*"},
    )

    assert response.status_code == 404
