"""Complementary suppression: no hidden count can be worked out from what the tables publish.

Scenario (every seeker names one code, so the tables add up exactly and a reader who assumes they do
is right — the strongest reader):
  A (370102): 6-29: 3 seekers, 4-02: 9, no code: 6 → total 18.   One 6-29 job with 30 places.
  B (370103): 6-29: 7, 4-02: 8 → total 15.                       One 4-02 job with 30 places.
  Area totals: 6-29 10 (vacancies 30, gap 20), 4-02 17 (vacancies 30, gap 13).

By hand (the audit of disclosure.py):
  A 6-29 (3) is small: primary. A's row gives it back (18 − 9 − 6) → the smallest published cell of its
  relations is hidden: A unclassified (6). The 6-29 column still gives it (10 − 7) → B 6-29 (7). B's row
  gives B 6-29 back (15 − 8 − 0), so the column pins A again → the smallest left: A 4-02 (9). The 4-02
  column gives that back (17 − 8), and with it A's row pins a + u = 9 only (u ≥ 5: a ∈ 1..4, free); but
  the 6-29 column 10 = a + 7 still pins it → the 6-29 area total (10) is hidden. Now a ∈ {1, 2, 3, 4}.

  Published (level 2):  A: 18 | 6-29 <5 | 4-02 x | unclassified x     B: 15 | 6-29 x | 4-02 8
  (B has no unclassified row: nobody there without a code, no posting without one.)
  Shortages:            6-29: seekers x, gap x                         4-02: seekers 17, gap 13
"""

import itertools
from collections.abc import Callable
from typing import Any

import httpx

from services.matching.statistics import disclosure
from tests.matching.statistics.conftest import A, B, Feed, Seekers

Headers = Callable[..., dict[str, str]]
BUILDING, WAREHOUSE = "6-29-01-03", "4-02-06-01"
CAP = 20  # the largest value tried for a cell hidden as "x" (the largest true one is 10)


async def build(feed: Feed, seekers: Seekers) -> None:
    await feed.post(A, BUILDING, 30)
    await feed.post(B, WAREHOUSE, 30)
    for county, codes, n in ((A, [BUILDING], 3), (A, [WAREHOUSE], 9), (A, [], 6)):
        for _ in range(n):
            await seekers.register(county, codes)
    for county, codes, n in ((B, [BUILDING], 7), (B, [WAREHOUSE], 8)):
        for _ in range(n):
            await seekers.register(county, codes)


def table(body: dict[str, Any]) -> dict[tuple[str, str | None], Any]:
    return {(r["county_adcode"], r["occupation_group"]): r["seekers"] for r in body["rows"]}


async def published(client: httpx.AsyncClient, as_role: Headers) -> tuple[dict[Any, Any], dict[Any, Any]]:
    supply = await client.get("/v1/statistics/supply-demand", headers=as_role("admin"))
    short = await client.get("/v1/statistics/shortages", headers=as_role("admin"))
    cells = {k: v for k, v in table(supply.json()).items() if k[0] in (A, B)}
    columns = {r["occupation_group"]: r for r in short.json()["rows"]}
    return cells, columns


async def test_the_hand_computed_pattern_is_published(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    await build(feed, seekers)
    cells, columns = await published(client, as_role)

    assert cells == {
        (A, None): 18,
        (A, "4-02"): "x",
        (A, "6-29"): "<5",
        (A, "unclassified"): "x",
        (B, None): 15,
        (B, "4-02"): 8,
        (B, "6-29"): "x",
    }
    assert {g: (r["seekers"], r["gap"]) for g, r in columns.items()} == {"6-29": ("x", "x"), "4-02": (17, 13)}


async def test_no_hidden_count_can_be_derived_from_the_published_tables(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    """Every assignment of the hidden cells that agrees with everything published: each small cell must
    still have more than one possible value (a reader knows "<5" is 1-4 and "x" at least 5)."""
    await build(feed, seekers)
    cells, columns = await published(client, as_role)
    hidden = sorted(k for k, v in cells.items() if isinstance(v, str))
    hidden_columns = sorted(g for g, r in columns.items() if isinstance(r["seekers"], str))
    unknowns = [("cell", k) for k in hidden] + [("column", g) for g in hidden_columns]

    def value_range(key: Any) -> range:
        shown = cells[key[1]] if key[0] == "cell" else columns[key[1]]["seekers"]
        return range(1, 5) if shown == "<5" else range(5, CAP + 1)

    def consistent(guess: dict[Any, int]) -> bool:
        def cell(county: str, group: str | None) -> int:
            shown = cells.get((county, group), 0)
            return guess[("cell", (county, group))] if isinstance(shown, str) else int(shown)

        def column(group: str) -> int:
            shown = columns[group]["seekers"]
            return guess[("column", group)] if isinstance(shown, str) else int(shown)

        rows_add_up = all(
            cell(c, None) == sum(cell(c, g) for g in ("4-02", "6-29", "unclassified")) for c in (A, B)
        )
        columns_add_up = all(column(g) == cell(A, g) + cell(B, g) for g in ("4-02", "6-29"))
        gaps_agree = all(
            isinstance(r["gap"], str) or r["gap"] == r["vacancies"] - column(g) for g, r in columns.items()
        )
        return rows_add_up and columns_add_up and gaps_agree

    possible: dict[Any, set[int]] = {k: set() for k in unknowns}
    for values in itertools.product(*(value_range(k) for k in unknowns)):
        guess = dict(zip(unknowns, values, strict=True))
        if consistent(guess):
            for key, value in guess.items():
                possible[key].add(value)

    small = [k for k in unknowns if k[0] == "cell" and cells[k[1]] == "<5"]
    assert small == [("cell", (A, "6-29"))]
    assert possible[("cell", (A, "6-29"))] == {1, 2, 3, 4}  # the true 3 among four
    assert all(len(possible[k]) > 1 for k in small)


async def test_level_one_hides_the_same_people(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    await build(feed, seekers)
    r = await client.get("/v1/statistics/supply-demand?level=1", headers=as_role("admin"))
    cells = {k: v for k, v in table(r.json()).items() if k[0] in (A, B)}
    assert cells == {
        (A, None): 18,
        (A, "4"): "x",
        (A, "6"): "<5",
        (A, "unclassified"): "x",
        (B, None): 15,
        (B, "4"): 8,
        (B, "6"): "x",
    }


async def test_a_county_reader_sees_the_cells_the_whole_table_hides(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers
) -> None:
    """The pattern is made over all counties, then cut: B's staff cannot publish B 6-29 (7) and so
    give A's 3 back through the area total."""
    await build(feed, seekers)
    r = await client.get("/v1/statistics/supply-demand", headers=as_role("staff", B))
    assert table(r.json()) == {(B, None): 15, (B, "4-02"): 8, (B, "6-29"): "x"}
    short = await client.get("/v1/statistics/shortages", headers=as_role("staff", B))
    assert [(x["occupation_group"], x["seekers"], x["gap"]) for x in short.json()["rows"]] == [
        ("4-02", 8, 22),
    ]


def test_a_lone_small_cell_gets_a_complement_and_a_pair_needs_none() -> None:
    values = {"t": 20, "a": 2, "b": 9, "c": 9}
    relation = [disclosure.Relation("t", ("a", "b", "c"))]
    assert disclosure.protect(values, relation, 5) == {"a": "primary", "b": "secondary"}
    pair = {"t": 20, "a": 2, "b": 3, "c": 15}
    assert disclosure.protect(pair, relation, 5) == {"a": "primary", "b": "primary"}


def test_a_complement_that_would_pin_its_partner_is_not_enough() -> None:
    """6 = a + b with a <5 and b "x" (≥ 5) pins a = 1: the total must go as well."""
    values = {"t": 6, "a": 1, "b": 5}
    marks = disclosure.protect(values, [disclosure.Relation("t", ("a", "b"))], 5)
    assert marks == {"a": "primary", "b": "secondary", "t": "secondary"}
