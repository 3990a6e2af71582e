import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from services.postings.demo.data import LABOUR_BRANDS
from services.postings.demo.generator import DemoData, generate, write_jsonl
from services.postings.employers.schemas import EmployerCreate
from services.postings.employers.uscc import is_valid_uscc
from services.postings.imports.formats import read_rows
from services.postings.postings.schemas import PostingCreate
from services.postings.postings.screening_gate import check
from services.reference.geo import counties, haversine_km
from services.reference.occupations import get_occupation

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
CHINA = timedelta(hours=8)
ENVELOPE = ("external_id", "employer", "status", "published_at")
# Words that limit applicants by sex, age, looks, hukou, marriage or health status.
EXCLUDING_WORDS = tuple(
    """
    限男 限女 男性 女性 男士 女士 周岁以下 岁以下 年龄 身高 相貌 形象好 五官
    户籍 户口 本地人 未婚 已婚 已育 乙肝 汉族 身体健康
""".split()
)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate(3000, seed=7, now=NOW)


def postings_where(demo: DemoData, flag: str) -> list[dict[str, Any]]:
    return [p for p in demo.postings if flag in p["flags"]]


def test_same_seed_and_now_give_the_same_data(demo: DemoData) -> None:
    assert generate(3000, seed=7, now=NOW) == demo


def test_another_seed_gives_other_data(demo: DemoData) -> None:
    assert generate(3000, seed=8, now=NOW).postings != demo.postings


def test_it_makes_as_many_postings_as_asked() -> None:
    assert len(generate(25, seed=1, now=NOW).postings) == 25


def test_external_ids_are_unique(demo: DemoData) -> None:
    assert len({p["external_id"] for p in demo.postings}) == len(demo.postings)


def test_every_shandong_county_has_postings(demo: DemoData) -> None:
    assert {p["location"]["county_adcode"] for p in demo.postings} == set(counties())


def test_big_city_districts_get_more_postings_than_rural_counties(demo: DemoData) -> None:
    per_county = Counter(p["location"]["county_adcode"] for p in demo.postings)
    big = [c.adcode for c in counties().values() if c.name.endswith("区") and c.city in ("济南市", "青岛市")]
    rural = [c.adcode for c in counties().values() if c.name.endswith("县")]
    assert sum(per_county[c] for c in big) / len(big) > 1.3 * sum(per_county[c] for c in rural) / len(rural)


def test_about_three_in_ten_postings_are_gigs(demo: DemoData) -> None:
    gigs = sum(p["kind"] == "gig" for p in demo.postings)
    assert 0.25 <= gigs / len(demo.postings) <= 0.35


def test_about_one_employer_per_five_postings(demo: DemoData) -> None:
    assert 3.5 <= len(demo.postings) / len(demo.employers) <= 7


def test_each_posting_names_a_listed_employer(demo: DemoData) -> None:
    listed = {e["name"]: e for e in demo.employers}
    assert all(listed[p["employer"]["name"]] == p["employer"] for p in demo.postings)


def test_employer_names_and_credit_codes_are_unique(demo: DemoData) -> None:
    codes = [e["uscc"] for e in demo.employers if e["uscc"]]
    assert len({e["name"] for e in demo.employers}) == len(demo.employers)
    assert len(set(codes)) == len(codes)


def test_companies_have_valid_credit_codes_registered_in_their_county(demo: DemoData) -> None:
    companies = [e for e in demo.employers if e["kind"] == "company"]
    assert all(is_valid_uscc(e["uscc"]) and e["uscc"][2:8] == e["county_adcode"] for e in companies)


def test_gigs_have_one_to_five_shifts_in_the_next_two_weeks(demo: DemoData) -> None:
    for gig in (p for p in demo.postings if p["kind"] == "gig"):
        days = [
            (datetime.fromisoformat(s["starts_at"]).date() - (NOW + CHINA).date()).days for s in gig["shifts"]
        ]
        assert 1 <= len(days) <= 5
        assert all(1 <= d <= 14 for d in days)


def test_shifts_start_by_day_and_last_two_to_ten_hours(demo: DemoData) -> None:
    for shift in (s for p in demo.postings for s in p["shifts"]):
        starts, ends = datetime.fromisoformat(shift["starts_at"]), datetime.fromisoformat(shift["ends_at"])
        assert starts.utcoffset() == CHINA
        assert 6 <= starts.hour <= 20
        assert timedelta(hours=2) <= ends - starts <= timedelta(hours=10)
        assert 1 <= shift["headcount"] <= 10


def test_only_gigs_have_shifts_and_booking(demo: DemoData) -> None:
    for p in demo.postings:
        assert (p["kind"] == "gig") == bool(p["shifts"]) == (p["booking"] in ("instant", "review"))


def test_pay_is_never_below_shandongs_highest_minimum_wage(demo: DemoData) -> None:
    for p in demo.postings:
        pay, low = p["pay"], Decimal(p["pay"]["min"])
        if pay["unit"] == "month":
            assert low >= 2400
        elif pay["unit"] == "hour":
            assert low >= 24
        else:
            longest = max((datetime.fromisoformat(s["ends_at"]) - datetime.fromisoformat(s["starts_at"]))
                          for s in p["shifts"])  # fmt: skip
            assert low >= 24 * max(8, Decimal(longest.total_seconds() / 3600))


def test_monthly_pay_stays_within_realistic_bounds(demo: DemoData) -> None:
    monthly = [
        Decimal(p["pay"]["max"] or p["pay"]["min"]) for p in demo.postings if p["pay"]["unit"] == "month"
    ]
    assert max(monthly) <= 14000


def test_locations_are_within_8_km_of_their_county_centre(demo: DemoData) -> None:
    for p in demo.postings:
        loc = p["location"]
        county = counties()[loc["county_adcode"]]
        assert haversine_km(loc["lat"], loc["lng"], county.lat, county.lng) <= 8


def test_addresses_start_with_city_and_county(demo: DemoData) -> None:
    for p in demo.postings:
        county = counties()[p["location"]["county_adcode"]]
        assert p["location"]["address"].startswith(county.city + county.name)


def test_occupations_are_detailed_classification_codes(demo: DemoData) -> None:
    codes = {p["occupation_code"] for p in demo.postings}
    assert all((occ := get_occupation(c)) is not None and occ.level == 4 for c in codes)


def test_welding_electrical_and_food_work_require_their_certificates(demo: DemoData) -> None:
    needs = {
        "6-18-02-04": "welder",
        "6-31-01-03": "electrician",
        "4-03-02-01": "health",
        "6-30-05-01": "forklift",
    }
    for p in demo.postings:
        if p["occupation_code"] in needs:
            assert needs[p["occupation_code"]] in p["certificates"]


def test_public_welfare_posts_belong_to_public_projects(demo: DemoData) -> None:
    welfare = postings_where(demo, "public_welfare")
    assert welfare
    assert all(p["employer"]["kind"] == "public_project" and p["kind"] == "job" for p in welfare)


def test_labour_brand_posts_are_in_the_brands_counties(demo: DemoData) -> None:
    counties_of = {b.name: b.county for b in LABOUR_BRANDS}
    branded = postings_where(demo, "labour_brand")
    assert branded
    for p in branded:
        brand = next(name for name in counties_of if name in p["description"])
        assert p["location"]["county_adcode"] == counties_of[brand]


def test_mom_posts_end_in_time_for_the_school_run(demo: DemoData) -> None:
    for p in postings_where(demo, "mom_post"):
        ends = [datetime.fromisoformat(s["ends_at"]) for s in p["shifts"]]
        assert "flexible_hours" in p["accommodations"]
        assert all(e.hour <= 15 for e in ends)


@pytest.mark.parametrize(
    ("flag", "low", "high"),
    [("public_welfare", 0.01, 0.06), ("mom_post", 0.02, 0.09), ("internship", 0.01, 0.06),
     ("work_relief", 0.005, 0.05), ("labour_brand", 0.005, 0.05)],
)  # fmt: skip
def test_flags_appear_in_plausible_shares(demo: DemoData, flag: str, low: float, high: float) -> None:
    assert low <= len(postings_where(demo, flag)) / len(demo.postings) <= high


def test_no_wording_limits_who_may_apply(demo: DemoData) -> None:
    texts = (p["title"] + p["description"] + p["employer"]["name"] for p in demo.postings)
    assert not [(w, t[:40]) for t in texts for w in EXCLUDING_WORDS if w in t]


def test_postings_are_open_and_valid_for_30_to_90_days(demo: DemoData) -> None:
    for p in demo.postings:
        ahead = datetime.fromisoformat(p["valid_until"]) - NOW
        assert p["status"] == "open"
        assert timedelta(days=29) <= ahead <= timedelta(days=91)


def test_every_posting_passes_the_posting_and_employer_schemas(demo: DemoData) -> None:
    for p in demo.postings:
        EmployerCreate.model_validate(p["employer"])
        fields = {k: v for k, v in p.items() if k not in ENVELOPE}
        PostingCreate.model_validate(fields | {"employer_id": str(uuid.uuid4())})


def test_written_file_reads_back_as_the_same_records(demo: DemoData, tmp_path: Path) -> None:
    path = tmp_path / "demo.jsonl"
    write_jsonl(demo, path)
    rows = list(read_rows(path))
    assert [r.record for r in rows] == demo.postings
    assert not [r for r in rows if r.error]


def test_three_thousand_postings_take_well_under_two_seconds() -> None:
    started = time.process_time()
    generate(3000, seed=11, now=NOW)
    assert time.process_time() - started < 2.0


def test_every_posting_passes_the_posting_checker(demo: DemoData) -> None:
    refused = [(p["external_id"], i.code) for p in demo.postings for i in check(p, None).issues]
    assert refused == []
