"""The shipped minimum-wage table and its lookups."""

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.postings.screening.minimum_wage import DEFAULT_PATH, load_minimum_wages

COUNTIES = Path(__file__).resolve().parents[3] / "services" / "reference" / "data" / "shandong_counties.csv"


def test_every_shandong_county_has_a_class() -> None:
    table = load_minimum_wages()
    with COUNTIES.open(encoding="utf-8") as fh:
        adcodes = [row["adcode"] for row in csv.DictReader(fh)]
    assert [a for a in adcodes if table.class_of(a) is None] == []


def test_table_carries_its_source_and_effective_date() -> None:
    table = load_minimum_wages()
    assert "鲁政字〔2025〕140号" in table.source_document
    assert table.effective_date == date(2025, 10, 1)


def test_three_classes_with_monthly_and_hourly_minimums() -> None:
    classes = load_minimum_wages().classes
    assert {n: (c.monthly, c.hourly) for n, c in classes.items()} == {
        "一类": (Decimal(2400), Decimal(24)),
        "二类": (Decimal(2210), Decimal(22)),
        "三类": (Decimal(2020), Decimal(20)),
    }


def test_jinan_city_districts_are_first_class_and_its_counties_second() -> None:
    table = load_minimum_wages()
    assert [table.county_classes[a] for a in ("370102", "370112", "370124", "370126")] == [
        "一类",
        "一类",
        "二类",
        "二类",
    ]


def test_full_time_hourly_minimum_spreads_the_monthly_one_over_174_hours() -> None:
    assert load_minimum_wages().minimum("370102", "hour", full_time=True) == Decimal("13.79")


def test_part_time_monthly_pay_cannot_be_checked() -> None:
    assert load_minimum_wages().minimum("370102", "month", full_time=False) is None


def test_another_table_can_be_loaded_from_a_path(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["classes"]["一类"]["monthly"] = "2600"
    path = tmp_path / "wages.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_minimum_wages(path).classes["一类"].monthly == Decimal(2600)


def test_a_county_in_an_undefined_class_is_rejected(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["counties"]["370102"]["class"] = "四类"
    path = tmp_path / "wages.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="四类"):
        load_minimum_wages(path)
