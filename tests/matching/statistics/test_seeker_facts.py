"""The supply side is kept in `stat_seekers` by every change to a seeker: after each kind of change the
table's seeker counts equal those computed from scratch, here from the seekers' profiles as the API
returns them (home county, occupation codes, active consents; an erased seeker is a 404).

Every seeker cell the tests touch holds 0 or at least 5 people, so no count is suppressed and a change
of one seeker shows in the figures: counties A and B each have five seekers wanting 6-29 and five 4-02.
"""

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from fastapi import FastAPI

from services.kit.migrate import downgrade, upgrade
from services.matching.config import MatchingSettings
from services.matching.statistics import disclosure
from tests.matching.statistics.conftest import A, B, Seekers

Headers = Callable[..., dict[str, str]]
BUILDING, WAREHOUSE = "6-29-01-03", "4-02-06-01"
LEVELS = (1, 2)


async def base(seekers: Seekers) -> list[str]:
    return [
        await seekers.register(county, [code])
        for county in (A, B)
        for code in (BUILDING, WAREHOUSE)
        for _ in range(5)
    ]


def groups(codes: Iterable[str], level: int) -> set[str]:
    named = {code.split("-")[0] if level == 1 else "-".join(code.split("-")[:2]) for code in codes}
    return named or {"unclassified"}


async def from_scratch(
    client: httpx.AsyncClient, admin: dict[str, str], ids: Iterable[str], level: int
) -> Counter[tuple[str, str]]:
    """The seeker counts by (county, group; "" the total) from the profiles themselves."""
    counts: Counter[tuple[str, str]] = Counter()
    for seeker_id in ids:
        r = await client.get(f"/v1/seekers/{seeker_id}", headers=admin)
        if r.status_code == 404:
            continue  # erased
        profile = r.json()
        if "matching" not in profile["consents"]:
            continue
        county = profile["home"]["county_adcode"]
        counts[(county, "")] += 1
        for group in groups(profile["occupation_codes"], level):
            counts[(county, group)] += 1
    return counts


async def table(client: httpx.AsyncClient, admin: dict[str, str], level: int) -> Counter[tuple[str, str]]:
    """The seeker counts the supply-demand table shows (every county), zeros left out."""
    r = await client.get(f"/v1/statistics/supply-demand?level={level}", headers=admin)
    assert r.status_code == 200, r.text
    return Counter(
        {
            (row["county_adcode"], row["occupation_group"] or ""): row["seekers"]
            for row in r.json()["rows"]
            if row["seekers"] != 0
        }
    )


async def assert_counts_from_scratch(
    client: httpx.AsyncClient, admin: dict[str, str], ids: list[str]
) -> None:
    for level in LEVELS:
        assert await table(client, admin, level) == await from_scratch(client, admin, ids, level)


async def edit(
    client: httpx.AsyncClient, admin: dict[str, str], seeker_id: str, body: dict[str, Any]
) -> None:
    current = await client.get(f"/v1/seekers/{seeker_id}", headers=admin)
    r = await client.patch(
        f"/v1/seekers/{seeker_id}", json=body, headers={**admin, "If-Match": current.headers["ETag"]}
    )
    assert r.status_code == 200, r.text


async def test_a_registration_counts_in_the_table(
    client: httpx.AsyncClient, seekers: Seekers, as_role: Headers
) -> None:
    admin = as_role("admin")
    ids = [*await base(seekers), await seekers.register(A, [BUILDING, WAREHOUSE])]

    await assert_counts_from_scratch(client, admin, ids)
    counts = await table(client, admin, 2)
    assert (counts[(A, "")], counts[(A, "6-29")], counts[(A, "4-02")]) == (11, 6, 6)


async def test_a_move_to_another_county_counts_where_the_seeker_now_lives(
    client: httpx.AsyncClient, seekers: Seekers, as_role: Headers
) -> None:
    admin = as_role("admin")
    ids = [*await base(seekers), moved := await seekers.register(A, [BUILDING])]

    await edit(client, admin, moved, {"home": {"county_adcode": B}})

    await assert_counts_from_scratch(client, admin, ids)
    counts = await table(client, admin, 2)
    assert (counts[(A, "")], counts[(A, "6-29")], counts[(B, "")], counts[(B, "6-29")]) == (10, 5, 11, 6)


async def test_a_change_of_wished_occupations_moves_the_seeker_between_groups(
    client: httpx.AsyncClient, seekers: Seekers, as_role: Headers
) -> None:
    admin = as_role("admin")
    ids = [*await base(seekers), changed := await seekers.register(A, [BUILDING])]

    await edit(client, admin, changed, {"occupation_codes": [WAREHOUSE]})

    await assert_counts_from_scratch(client, admin, ids)
    counts = await table(client, admin, 1)
    assert (counts[(A, "")], counts[(A, "6")], counts[(A, "4")]) == (11, 5, 6)


async def test_a_withdrawn_matching_consent_takes_the_seeker_out(
    client: httpx.AsyncClient, seekers: Seekers, as_role: Headers
) -> None:
    admin = as_role("admin")
    ids = [*await base(seekers), leaving := await seekers.register(B, [WAREHOUSE])]

    await seekers.withdraw(leaving)

    await assert_counts_from_scratch(client, admin, ids)
    counts = await table(client, admin, 2)
    assert (counts[(B, "")], counts[(B, "4-02")]) == (10, 5)


async def test_a_matching_consent_given_again_counts_the_seeker_again(
    client: httpx.AsyncClient, seekers: Seekers, as_role: Headers
) -> None:
    admin = as_role("admin")
    ids = [*await base(seekers), back := await seekers.register(B, [WAREHOUSE])]
    await seekers.withdraw(back)

    r = await client.post(
        f"/v1/seekers/{back}/consents",
        json={"purposes": ["matching"], "method": "in_person_signed"},
        headers=seekers.headers,
    )
    assert r.status_code == 201, r.text

    await assert_counts_from_scratch(client, admin, ids)
    counts = await table(client, admin, 2)
    assert (counts[(B, "")], counts[(B, "4-02")]) == (11, 6)


async def test_an_erased_seeker_is_no_longer_counted(
    client: httpx.AsyncClient, seekers: Seekers, as_role: Headers
) -> None:
    admin = as_role("admin")
    ids = [*await base(seekers), erased := await seekers.register(A, [WAREHOUSE])]

    r = await client.delete(f"/v1/seekers/{erased}", headers=admin)
    assert r.status_code == 204, r.text

    await assert_counts_from_scratch(client, admin, ids)
    counts = await table(client, admin, 2)
    assert (counts[(A, "")], counts[(A, "4-02")]) == (10, 5)


async def test_an_edit_that_moves_nothing_leaves_the_counts(
    client: httpx.AsyncClient, seekers: Seekers, as_role: Headers
) -> None:
    admin = as_role("admin")
    ids = [*await base(seekers), edited := await seekers.register(A, [BUILDING])]

    await edit(client, admin, edited, {"max_commute_minutes": 90, "experience_years": 3})

    await assert_counts_from_scratch(client, admin, ids)
    counts = await table(client, admin, 2)
    assert (counts[(A, "")], counts[(A, "6-29")]) == (11, 6)


async def test_the_migration_backfill_gives_the_table_the_live_path_gave(
    client: httpx.AsyncClient,
    seekers: Seekers,
    as_role: Headers,
    stats_app: FastAPI,
    matching_settings: MatchingSettings,
) -> None:
    """stat_seekers dropped (downgrade to the revision before it) and made again from the seekers by the
    migration's backfill: the same table, suppression included, as the rows the writers kept."""
    admin = as_role("admin")
    ids = await base(seekers)
    ids += [await seekers.register(A, [BUILDING, WAREHOUSE])]
    ids += [await seekers.register(B, []) for _ in range(5)]  # unclassified
    await seekers.withdraw(await seekers.register(A, [WAREHOUSE]))
    await edit(client, admin, ids[0], {"home": {"county_adcode": B}})
    before = [
        (await client.get(f"/v1/statistics/supply-demand?level={n}", headers=admin)).json() for n in LEVELS
    ]

    await stats_app.state.engine.dispose()  # SQLite: nobody else holds the file while alembic works
    url = matching_settings.database_url
    await asyncio.to_thread(downgrade, "matching", url, "d_merge_1")
    await asyncio.to_thread(upgrade, "matching", url)
    disclosure.forget()  # the pattern is computed again from the backfilled counts

    after = [
        (await client.get(f"/v1/statistics/supply-demand?level={n}", headers=admin)).json() for n in LEVELS
    ]
    assert after == before
    await assert_counts_from_scratch(client, admin, ids)
