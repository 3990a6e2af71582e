import asyncio
from collections.abc import Callable

import httpx

from tests.postings.factories import create_employer, create_posting, job_body

Token = Callable[..., dict[str, str]]


async def test_twenty_concurrent_patches_with_one_etag_give_one_200_and_nineteen_412(
    client: httpx.AsyncClient, token: Token
) -> None:
    headers = token("employer", "e1")
    employer = await create_employer(client, headers)
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))

    responses = await asyncio.gather(
        *(
            client.patch(
                f"/v1/postings/{posting['id']}",
                json={"headcount": i + 1},
                headers=headers | {"If-Match": etag},
            )
            for i in range(20)
        )
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * 19
    final = await client.get(f"/v1/postings/{posting['id']}", headers=headers)
    assert final.json()["version"] == 2
