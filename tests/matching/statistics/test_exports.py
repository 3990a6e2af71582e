import csv
import io
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from services.matching.statistics.schemas import SHORTAGE_COLUMNS, SUPPLY_DEMAND_COLUMNS
from tests.matching.statistics.conftest import Feed, Seekers
from tests.matching.statistics.scenario import build

Headers = Callable[..., dict[str, str]]
TABLES = [
    ("/v1/statistics/supply-demand", SUPPLY_DEMAND_COLUMNS),
    ("/v1/statistics/supply-demand?level=1", SUPPLY_DEMAND_COLUMNS),
    ("/v1/statistics/shortages", SHORTAGE_COLUMNS),
]


def _same(value: Any) -> Any:
    return None if value in ("", None) else value


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[_same(v) for v in row] for row in sheet.iter_rows(values_only=True)]


async def _json_and(client: httpx.AsyncClient, route: str, fmt: str, headers: dict[str, str]) -> Any:
    sep = "&" if "?" in route else "?"
    data = (await client.get(route, headers=headers)).json()["rows"]
    r = await client.get(f"{route}{sep}format={fmt}", headers=headers)
    assert r.status_code == 200, r.text
    return data, r


@pytest.mark.parametrize(("route", "columns"), TABLES)
async def test_every_figure_in_the_csv_equals_the_apis(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers, route: str, columns: Any
) -> None:
    await build(feed, seekers)
    data, r = await _json_and(client, route, "csv", as_role("staff", "370102"))
    assert r.headers["content-type"].startswith("text/csv")
    table = csv_rows(r.content)
    assert table[0] == [heading for _, heading in columns]
    expected = [["" if row[k] is None else str(row[k]) for k, _ in columns] for row in data]
    assert table[1:] == expected
    assert any("<5" in line for line in table[1:])


@pytest.mark.parametrize(("route", "columns"), TABLES)
async def test_every_figure_in_the_xlsx_equals_the_apis(
    client: httpx.AsyncClient, feed: Feed, seekers: Seekers, as_role: Headers, route: str, columns: Any
) -> None:
    await build(feed, seekers)
    data, r = await _json_and(client, route, "xlsx", as_role("admin"))
    assert 'filename="' in r.headers["content-disposition"]
    table = xlsx_rows(r.content)
    assert table[0] == [heading for _, heading in columns]
    assert table[1:] == [[_same(row[k]) for k, _ in columns] for row in data]
    assert len(table) > 1
