"""The posting checker through the API: create, PATCH, import and :check refuse or accept as the rules say."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.kit.clock import ManualClock
from services.kit.problems import PROBLEM_MEDIA_TYPE
from services.kit.settings import AuthSettings
from services.postings.config import PostingsSettings
from services.postings.main import create_app
from services.postings.screening.minimum_wage import DEFAULT_PATH
from tests.conftest import LifespanApp, client_for
from tests.postings.factories import create_employer, create_posting, gig_body, job_body

Token = Callable[..., dict[str, str]]

SPAN_KEYS = {"text", "start", "end", "category", "basis", "suggestion"}
# 历下区 (370102) is first-class: 2400 a month, 24 an hour. 高青县 (370322) is third-class: 20 an hour.
GAOQING = {"lat": 37.17105, "lng": 117.82675, "county_adcode": "370322"}


@pytest.fixture
async def employer(client: httpx.AsyncClient, token: Token) -> dict[str, Any]:
    return await create_employer(client, token("employer", "e1"))


@pytest.fixture
def headers(token: Token) -> dict[str, str]:
    return token("employer", "e1")


def _with(description: str, employer: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return job_body(employer["id"], description=description, **overrides)


async def _post(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> httpx.Response:
    return await client.post("/v1/postings", json=body, headers=headers)


def _issues(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "posting_refused"
    return list(response.json()["issues"])


PROHIBITED = [
    ("sex", "负责仓库分拣，限男性，能吃苦耐劳。", "限男性", "discriminatory_wording"),
    ("marital_childbirth", "负责前台接待，已婚已育优先。", "已婚已育优先", "discriminatory_wording"),
    ("ethnicity_religion", "负责餐厅备菜，仅限汉族。", "仅限汉族", "discriminatory_wording"),
    ("hukou_region", "负责小区保洁，只招本地户口。", "只招本地户口", "discriminatory_wording"),
    ("pathogen_carrier", "负责面点制作，乙肝携带者勿扰。", "乙肝携带者勿扰", "discriminatory_wording"),
    ("disability", "负责快递分拣，要求四肢健全。", "四肢健全", "discriminatory_wording"),
    ("underage", "招收15周岁以上学徒，包吃住。", "15周岁以上", "underage_worker"),
]


@pytest.mark.parametrize(
    ("category", "description", "phrase", "code"), PROHIBITED, ids=[p[0] for p in PROHIBITED]
)
async def test_prohibited_wording_is_refused_on_create_with_the_span_and_its_basis(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    employer: dict[str, Any],
    category: str,
    description: str,
    phrase: str,
    code: str,
) -> None:
    response = await _post(client, headers, _with(description, employer))

    [issue] = _issues(response)
    assert (issue["code"], issue["category"], issue["field"]) == (code, category, "description")
    [span] = issue["spans"]
    assert set(span) == SPAN_KEYS
    assert description[span["start"] : span["end"]] == span["text"]
    assert phrase in span["text"]
    assert span["category"] == category
    assert span["basis"].startswith("《")
    assert span["suggestion"]


async def test_refusal_is_a_problem_document_in_both_languages(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    response = await _post(client, headers, _with("限男性，包吃住。", employer))

    body = response.json()
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert body["code"] == "posting_refused"
    assert body["status"] == 422
    assert all(body[key] for key in ("title", "title_zh"))
    assert all(body["issues"][0][key] for key in ("message_zh", "message_en"))
    assert body["detail"] == body["issues"][0]["message_en"]


async def test_every_offending_span_is_listed_with_its_field(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    body = _with("任职要求：本地户口优先，无乙肝。", employer, title="招聘男服务员")

    issues = _issues(await _post(client, headers, body))

    found = {(i["field"], i["category"], s["text"]) for i in issues for s in i["spans"]}
    assert found == {
        ("title", "sex", "招聘男服务员"),
        ("description", "hukou_region", "本地户口优先"),
        ("description", "pathogen_carrier", "无乙肝"),
    }


async def test_refused_create_stores_nothing(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any], token: Token
) -> None:
    await _post(client, headers, _with("限女性。", employer))

    listed = await client.get("/v1/postings", params={"employer_id": employer["id"]}, headers=headers)

    assert listed.json()["items"] == []


async def test_age_ceiling_without_a_reason_is_refused_as_justification_required(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    [issue] = _issues(await _post(client, headers, _with("年龄18-35周岁，能适应倒班。", employer)))

    assert (issue["code"], issue["category"]) == ("justification_required", "age")
    assert issue["spans"][0]["text"] == "年龄18-35周岁"


async def test_requirement_with_a_job_related_reason_is_accepted_and_noted(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    reason = "岗位为高铁乘务，铁路局对乘务人员身高有统一规定，需够到行李架"
    body = _with("身高165cm以上，持健康证。", employer, justifications={"appearance": reason})

    posting, _ = await create_posting(client, headers, body)

    [note] = posting["screening_notes"]
    assert (note["code"], note["category"]) == ("justified", "appearance")
    assert reason in note["message_zh"]


async def test_a_reason_that_only_restates_the_requirement_is_too_short(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    body = _with("身高165cm以上。", employer, justifications={"appearance": "身高要求"})

    [issue] = _issues(await _post(client, headers, body))

    assert issue["code"] == "justification_too_short"


async def test_public_welfare_post_refuses_an_age_ceiling_whatever_the_reason(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    reason = "公园巡查需要长时间步行，每天巡查路线超过十公里"
    body = _with("年龄不超过50岁。", employer, flags=["public_welfare"], justifications={"age": reason})

    [issue] = _issues(await _post(client, headers, body))

    assert (issue["code"], issue["category"]) == ("not_allowed_on_public_welfare", "age")


async def test_public_welfare_post_refuses_an_education_requirement(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    [issue] = _issues(
        await _post(client, headers, _with("大专及以上学历。", employer, flags=["public_welfare"]))
    )

    assert (issue["code"], issue["category"]) == ("not_allowed_on_public_welfare", "education")


async def test_education_requirement_passes_on_an_ordinary_post(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    posting, _ = await create_posting(client, headers, _with("大专及以上学历。", employer))

    assert posting["screening_notes"] == []


LAWFUL = [
    "男女不限，欢迎宝妈，残疾人优先，退役军人优先。",
    "年满18周岁，持健康证，从事餐饮工作。",
    "持焊工证或电工证，身体健康，能适应夜班。",
    "年满16周岁，负责超市理货。",
    "户籍不限，不限民族，乙肝携带者可以报名。",
]


@pytest.mark.parametrize("description", LAWFUL)
async def test_inclusive_wording_and_lawful_requirements_pass(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any], description: str
) -> None:
    posting, _ = await create_posting(client, headers, _with(description, employer))

    assert posting["description"] == description
    assert posting["screening_notes"] == []


async def test_posting_asking_for_someone_under_16_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    [issue] = _issues(await _post(client, headers, _with("年满15周岁即可，包吃住。", employer)))

    assert (issue["code"], issue["category"]) == ("underage_worker", "underage")


async def test_16_year_olds_are_refused_for_work_the_law_forbids_them(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    [issue] = _issues(await _post(client, headers, _with("16周岁以上即可，井下作业。", employer)))

    assert issue["code"] == "underage_worker"


async def test_gig_paying_under_the_county_hourly_minimum_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any], clock: ManualClock
) -> None:
    body = gig_body(employer["id"], clock.now(), pay={"min": "23.99", "unit": "hour"})

    [issue] = _issues(await _post(client, headers, body))

    assert (issue["code"], issue["category"], issue["field"]) == ("below_minimum_wage", "minimum_wage", None)
    assert "24" in issue["suggestion"]
    assert "鲁政字〔2025〕140号" in issue["basis"]


async def test_gig_paying_exactly_the_hourly_minimum_passes(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any], clock: ManualClock
) -> None:
    body = gig_body(employer["id"], clock.now(), pay={"min": "24", "unit": "hour"})

    posting, _ = await create_posting(client, headers, body)

    assert Decimal(posting["pay"]["min"]) == Decimal(24)


async def test_job_paying_under_the_county_monthly_minimum_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    body = job_body(employer["id"], pay={"min": "2399", "unit": "month"})

    [issue] = _issues(await _post(client, headers, body))

    assert issue["code"] == "below_minimum_wage"


async def test_job_paying_exactly_the_monthly_minimum_passes(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    posting, _ = await create_posting(
        client, headers, job_body(employer["id"], pay={"min": "2400", "unit": "month"})
    )

    assert Decimal(posting["pay"]["min"]) == Decimal(2400)


async def test_the_minimum_is_the_posting_county_s_own(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any], clock: ManualClock
) -> None:
    pay = {"min": "20", "unit": "hour"}
    in_gaoqing = gig_body(employer["id"], clock.now(), pay=pay, location=GAOQING)
    in_lixia = gig_body(employer["id"], clock.now(), pay=pay)

    accepted = await _post(client, headers, in_gaoqing)
    refused = await _post(client, headers, in_lixia)

    assert accepted.status_code == 201, accepted.text
    assert _issues(refused)[0]["code"] == "below_minimum_wage"


async def _get(client: httpx.AsyncClient, headers: dict[str, str], posting_id: str) -> httpx.Response:
    return await client.get(f"/v1/postings/{posting_id}", headers=headers)


async def test_patch_to_discriminatory_wording_is_refused_and_leaves_the_posting_unchanged(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))

    response = await client.patch(
        f"/v1/postings/{posting['id']}",
        json={"description": "负责钢结构焊接，限男性，35岁以下。"},
        headers=headers | {"If-Match": etag},
    )

    issues = _issues(response)
    assert {i["category"] for i in issues} == {"sex", "age"}
    after = await _get(client, headers, posting["id"])
    assert after.json()["description"] == posting["description"]
    assert after.headers["ETag"] == etag


async def test_patch_cutting_pay_under_the_minimum_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))

    response = await client.patch(
        f"/v1/postings/{posting['id']}",
        json={"pay": {"min": "1800", "unit": "month"}},
        headers=headers | {"If-Match": etag},
    )

    assert _issues(response)[0]["code"] == "below_minimum_wage"
    after = (await _get(client, headers, posting["id"])).json()
    assert Decimal(after["pay"]["min"]) == Decimal(posting["pay"]["min"]) == Decimal(6000)


async def test_patch_adding_a_requirement_with_its_reason_is_accepted(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any]
) -> None:
    posting, etag = await create_posting(client, headers, job_body(employer["id"]))
    reason = "焊接作业需长时间高空攀爬，按集团安全规程设定年龄上限"

    response = await client.patch(
        f"/v1/postings/{posting['id']}",
        json={"description": "负责钢结构焊接，年龄50岁以下。", "justifications": {"age": reason}},
        headers=headers | {"If-Match": etag},
    )

    assert response.status_code == 200, response.text
    assert [n["category"] for n in response.json()["screening_notes"]] == ["age"]


def _record(external_id: str, now: datetime, **overrides: Any) -> dict[str, Any]:
    start = now + timedelta(days=3)
    record: dict[str, Any] = {
        "external_id": external_id,
        "employer": {"name": "淄博高青纺织有限公司", "kind": "company", "uscc": None},
        "kind": "gig",
        "title": "纺织挡车工（日结）",
        "description": "看管纺纱设备，日结，男女不限。",
        "location": {
            "lat": GAOQING["lat"],
            "lng": GAOQING["lng"],
            "county_adcode": None,
            "address": "高青县",
        },
        "pay": {"min": "22", "max": None, "unit": "hour"},
        "headcount": 4,
        "booking": "instant",
        "status": "open",
        "shifts": [
            {
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=6)).isoformat(),
                "headcount": 2,
            }
        ],
    }
    record.update(overrides)
    return record


async def test_import_rejects_the_refused_row_with_the_checker_s_reason_and_lands_the_others(
    client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    rows = [
        _record("ok-1", clock.now()),
        _record("bad-sex", clock.now(), description="看管纺纱设备，只招女工。"),
        _record("bad-pay", clock.now(), pay={"min": "15", "max": None, "unit": "hour"}),
        _record("ok-2", clock.now(), title="络筒工（日结）"),
    ]
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()

    response = await client.post(
        "/v1/imports",
        params={"source": "partner", "filename": "batch.jsonl"},
        content=body,
        headers=token("staff", "s1", station="st-1") | {"Content-Type": "application/x-ndjson"},
    )

    report = response.json()
    assert response.status_code == 200, response.text
    assert [r["outcome"] for r in report["rows"]] == ["created", "rejected", "rejected", "created"]
    sex, pay = report["rows"][1]["reason"], report["rows"][2]["reason"]
    assert sex["code"] == pay["code"] == "posting_refused"
    assert [(i["code"], i["spans"][0]["text"]) for i in sex["issues"]] == [
        ("discriminatory_wording", "只招女工")
    ]
    assert [i["code"] for i in pay["issues"]] == ["below_minimum_wage"]
    listed = await client.get("/v1/postings", params={"status": "open"}, headers=token("seeker", "x"))
    assert sorted(p["title"] for p in listed.json()["items"]) == ["纺织挡车工（日结）", "络筒工（日结）"]


async def _feed_next(client: httpx.AsyncClient, token: Token) -> int:
    page = await client.get("/v1/feed", params={"after": 0, "limit": 1000}, headers=token("service", "m"))
    return int(page.json()["next"])


async def test_check_returns_the_verdict_of_a_refused_draft_and_stores_nothing(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any], token: Token
) -> None:
    before = await _feed_next(client, token)

    response = await client.post(
        "/v1/postings:check", json=_with("限男性，年龄35岁以下。", employer), headers=headers
    )

    verdict = response.json()
    assert response.status_code == 200, response.text
    assert verdict["verdict"] == "refused"
    assert [(i["code"], i["category"]) for i in verdict["issues"]] == [
        ("discriminatory_wording", "sex"),
        ("justification_required", "age"),
    ]
    assert set(verdict["issues"][0]["spans"][0]) == SPAN_KEYS
    assert await _feed_next(client, token) == before
    listed = await client.get("/v1/postings", params={"employer_id": employer["id"]}, headers=headers)
    assert listed.json()["items"] == []


async def test_check_accepts_a_clean_draft_and_shows_justified_requirements_as_notes(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any], token: Token
) -> None:
    before = await _feed_next(client, token)
    reason = "岗位为高铁乘务，铁路局对乘务人员身高有统一规定，需够到行李架"
    body = _with("身高165cm以上，男女不限。", employer, justifications={"appearance": reason})

    verdict = (await client.post("/v1/postings:check", json=body, headers=headers)).json()

    assert (verdict["verdict"], verdict["issues"]) == ("accepted", [])
    assert [n["code"] for n in verdict["notes"]] == ["justified"]
    assert await _feed_next(client, token) == before


async def test_check_reports_pay_under_the_minimum(
    client: httpx.AsyncClient, headers: dict[str, str], employer: dict[str, Any], clock: ManualClock
) -> None:
    body = gig_body(employer["id"], clock.now(), pay={"min": "18", "unit": "hour"})

    verdict = (await client.post("/v1/postings:check", json=body, headers=headers)).json()

    assert [i["code"] for i in verdict["issues"]] == ["below_minimum_wage"]


def test_check_response_is_documented_in_openapi(app: FastAPI) -> None:
    spec = app.openapi()

    ok = spec["paths"]["/v1/postings:check"]["post"]["responses"]["200"]["content"]["application/json"]

    assert ok["schema"] == {"$ref": "#/components/schemas/VerdictRead"}
    verdict = spec["components"]["schemas"]["VerdictRead"]
    assert set(verdict["required"]) == {"verdict", "issues", "notes"}
    issue = spec["components"]["schemas"]["IssueRead"]
    assert "below_minimum_wage" in issue["properties"]["code"]["enum"]
    assert set(spec["components"]["schemas"]["SpanRead"]["required"]) == SPAN_KEYS


@pytest.fixture
def higher_minimum(tmp_path: Path) -> Path:
    """The shipped table with every hourly minimum raised to 30 and every monthly one to 3000."""
    table = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    for wage_class in table["classes"].values():
        wage_class["hourly"], wage_class["monthly"] = "30", "3000"
    path = tmp_path / "minimum_wage_override.json"
    path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
async def overridden_client(
    make_database: Callable[[str], Awaitable[str]],
    auth_settings: AuthSettings,
    clock: ManualClock,
    higher_minimum: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("POSTINGS_MINIMUM_WAGE_FILE", str(higher_minimum))
    settings = PostingsSettings(database_url=await make_database("postings"), auth=auth_settings)
    assert settings.minimum_wage_file == higher_minimum
    async with (
        LifespanApp(create_app(settings, clock, background=False)) as running,
        client_for(running) as c,
    ):
        yield c


async def test_minimum_wage_table_is_overridden_by_configuration(
    client: httpx.AsyncClient, overridden_client: httpx.AsyncClient, token: Token, clock: ManualClock
) -> None:
    headers = token("employer", "e1")
    shipped_employer = await create_employer(client, headers)
    overridden_employer = await create_employer(overridden_client, headers)
    pay = {"min": "25", "unit": "hour"}

    accepted = await _post(client, headers, gig_body(shipped_employer["id"], clock.now(), pay=pay))
    refused = await _post(
        overridden_client, headers, gig_body(overridden_employer["id"], clock.now(), pay=pay)
    )

    assert accepted.status_code == 201, accepted.text
    [issue] = _issues(refused)
    assert issue["code"] == "below_minimum_wage"
    assert "30" in issue["suggestion"]
