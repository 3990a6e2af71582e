"""screen_posting: problem codes, justifications, public-welfare posts and the minimum wage."""

from dataclasses import replace
from decimal import Decimal

from services.postings.screening.checker import PostingDraft, screen_posting

DRAFT = PostingDraft(
    kind="job",
    texts={"title": "仓库分拣员", "description": "负责货物分拣打包，工作认真负责"},
    flags=frozenset(),
    justifications={},
    pay_min=Decimal("4500"),
    pay_max=Decimal("6000"),
    pay_unit="month",
    county_adcode="370102",
)
REASON = "岗位为机场安检通道值守，行业标准要求身高达到规定以便观察通道"


def _with_text(description: str, **changes: object) -> PostingDraft:
    return replace(DRAFT, texts={"title": "仓库分拣员", "description": description}, **changes)  # type: ignore[arg-type]


def _codes(draft: PostingDraft) -> list[str]:
    return [issue.code for issue in screen_posting(draft).issues]


def test_clean_posting_is_accepted() -> None:
    verdict = screen_posting(DRAFT)
    assert (verdict.verdict, verdict.issues, verdict.notes) == ("accepted", [], [])


def test_discriminatory_wording_refuses_the_posting() -> None:
    verdict = screen_posting(_with_text("限男性，能吃苦"))
    assert verdict.verdict == "refused"
    assert [(i.code, i.category, i.field) for i in verdict.issues] == [
        ("discriminatory_wording", "sex", "description")
    ]


def test_issue_lists_the_span_basis_and_suggestion() -> None:
    issue = screen_posting(_with_text("限男性，能吃苦")).issues[0]
    assert [s.text for s in issue.spans] == ["限男性"]
    assert "第二十七条" in issue.basis
    assert "男女不限" in issue.suggestion


def test_issue_messages_quote_the_span_in_both_languages() -> None:
    issue = screen_posting(_with_text("限男性，能吃苦")).issues[0]
    assert "“限男性”" in issue.message_zh
    assert "“限男性”" in issue.message_en


def test_a_justification_does_not_excuse_prohibited_wording() -> None:
    draft = _with_text("限男性", justifications={"sex": "工作需要搬运重物，男性更合适一些"})
    assert _codes(draft) == ["discriminatory_wording"]


def test_underage_hiring_has_its_own_code() -> None:
    assert _codes(_with_text("年满15周岁即可")) == ["underage_worker"]


def test_age_ceiling_without_justification_is_refused() -> None:
    assert _codes(_with_text("年龄35岁以下")) == ["justification_required"]


def test_age_ceiling_with_a_justification_is_accepted_as_a_note() -> None:
    draft = _with_text("年龄35岁以下", justifications={"age": "岗位需长期驻外高强度野外勘探作业，体能要求高"})
    verdict = screen_posting(draft)
    assert verdict.verdict == "accepted"
    assert [(n.code, n.category) for n in verdict.notes] == [("justified", "age")]


def test_short_justification_is_refused() -> None:
    assert _codes(_with_text("身高170以上", justifications={"appearance": "岗位需要"})) == [
        "justification_too_short"
    ]


def test_justification_that_only_repeats_the_category_is_refused() -> None:
    draft = _with_text("身高170以上", justifications={"appearance": "身高身高身高要求身高要求身高"})
    assert _codes(draft) == ["justification_too_short"]


def test_justification_for_another_category_does_not_count() -> None:
    assert _codes(_with_text("身高170以上", justifications={"age": REASON})) == ["justification_required"]


def test_public_welfare_post_refuses_a_requirement_even_with_a_justification() -> None:
    draft = _with_text(
        "身高170以上", flags=frozenset({"public_welfare"}), justifications={"appearance": REASON}
    )
    assert _codes(draft) == ["not_allowed_on_public_welfare"]


def test_public_welfare_post_refuses_an_education_requirement() -> None:
    draft = _with_text("大专及以上学历", flags=frozenset({"public_welfare"}))
    assert [(i.code, i.category) for i in screen_posting(draft).issues] == [
        ("not_allowed_on_public_welfare", "education")
    ]


def test_education_requirement_is_fine_on_an_ordinary_post() -> None:
    assert _codes(_with_text("大专及以上学历")) == []


def test_every_text_field_is_screened() -> None:
    draft = replace(DRAFT, texts={"title": "招聘女服务员", "requirements": "35岁以下"})
    assert [(i.code, i.field) for i in screen_posting(draft).issues] == [
        ("discriminatory_wording", "title"),
        ("justification_required", "requirements"),
    ]


def test_monthly_pay_below_the_county_minimum_is_refused() -> None:
    issue = screen_posting(replace(DRAFT, pay_min=Decimal("2300"))).issues[0]
    assert (issue.code, issue.field, issue.spans) == ("below_minimum_wage", None, [])
    assert "2400" in issue.message_zh


def test_monthly_pay_at_the_minimum_is_accepted() -> None:
    assert _codes(replace(DRAFT, pay_min=Decimal("2400"))) == []


def test_the_county_class_decides_the_minimum() -> None:
    third_class = replace(DRAFT, pay_min=Decimal("2100"), county_adcode="371702")
    assert _codes(third_class) == []


def test_gig_hourly_pay_is_held_to_the_hourly_minimum() -> None:
    gig = replace(DRAFT, kind="gig", pay_min=Decimal("23"), pay_max=None, pay_unit="hour")
    assert _codes(gig) == ["below_minimum_wage"]


def test_part_time_job_is_held_to_the_hourly_minimum() -> None:
    job = replace(DRAFT, part_time=True, pay_min=Decimal("23.5"), pay_unit="hour")
    assert _codes(job) == ["below_minimum_wage"]


def test_gig_day_rate_is_held_to_eight_hours_of_the_hourly_minimum() -> None:
    gig = replace(DRAFT, kind="gig", pay_min=Decimal("190"), pay_unit="day")
    assert _codes(gig) == ["below_minimum_wage"]


def test_piece_rates_cannot_be_checked_and_pass() -> None:
    assert _codes(replace(DRAFT, kind="gig", pay_min=Decimal("0.5"), pay_unit="piece")) == []


def test_the_least_pay_promised_is_what_counts() -> None:
    assert _codes(replace(DRAFT, pay_min=Decimal("2000"), pay_max=Decimal("9000"))) == ["below_minimum_wage"]


def test_unknown_county_is_held_to_the_lowest_class() -> None:
    unknown = replace(DRAFT, county_adcode=None, pay_min=Decimal("2019"))
    assert _codes(unknown) == ["below_minimum_wage"]


def test_no_pay_given_means_no_pay_issue() -> None:
    assert _codes(replace(DRAFT, pay_min=None, pay_max=None, pay_unit=None)) == []


def test_a_named_impairment_needs_a_reason() -> None:
    verdict = screen_posting(_with_text("无色盲色弱，能适应倒班"))
    assert [(i.code, i.category) for i in verdict.issues] == [("justification_required", "impairment")]


def test_a_named_impairment_with_a_reason_is_accepted_as_a_note() -> None:
    reason = "岗位负责线束装配，需按颜色区分二十多种导线"
    verdict = screen_posting(_with_text("无色盲色弱，能适应倒班", justifications={"impairment": reason}))
    assert verdict.verdict == "accepted"
    assert [(n.code, n.category) for n in verdict.notes] == [("justified", "impairment")]


def test_a_named_impairment_is_refused_on_a_public_welfare_post() -> None:
    draft = _with_text("无听力障碍", flags=frozenset({"public_welfare"}))
    assert _codes(draft) == ["not_allowed_on_public_welfare"]
