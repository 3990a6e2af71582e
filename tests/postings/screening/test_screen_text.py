"""screen_text: verdicts, spans on the original text, and the texts carried with each span."""

from services.postings.screening.checker import screen_text


def test_clean_text_is_ok_with_no_spans() -> None:
    verdict = screen_text("负责仓库货物分拣，按时完成工作任务")
    assert (verdict.verdict, verdict.categories, verdict.spans) == ("ok", [], [])


def test_a_prohibited_span_makes_the_whole_text_prohibited() -> None:
    assert screen_text("年龄18-35岁，限男性").verdict == "prohibited"


def test_categories_are_distinct_and_in_order_of_first_appearance() -> None:
    verdict = screen_text("身高165以上，35岁以下，身高170cm优先，限男性")
    assert verdict.categories == ["appearance", "age", "sex"]


def test_span_offsets_index_the_original_text() -> None:
    text = "任职要求：年齡三十五歲以下，僅限 男 性。"
    for span in screen_text(text).spans:
        assert text[span.start : span.end] == span.text


def test_span_covers_the_offending_phrase_in_traditional_characters() -> None:
    spans = screen_text("工作輕鬆，僅限男性").spans
    assert [(s.text, s.category) for s in spans] == [("僅限男性", "sex")]


def test_span_carries_basis_suggestion_and_severity() -> None:
    span = screen_text("限男性").spans[0]
    assert "《就业促进法》第二十七条" in span.basis
    assert "男女不限" in span.suggestion
    assert span.severity == "prohibited"


def test_needs_justification_span_has_that_severity() -> None:
    span = screen_text("身高170cm以上").spans[0]
    assert (span.category, span.severity) == ("appearance", "needs_justification")


def test_whole_description_yields_a_span_per_finding() -> None:
    text = "岗位职责：负责接待。\n任职要求：1、女，25-45岁；2、身高160以上；3、本地户口优先。"
    assert screen_text(text).categories == ["sex", "age", "appearance", "hukou_region"]


def test_inclusive_wording_next_to_a_limit_does_not_hide_the_limit() -> None:
    assert screen_text("男女不限，35岁以下").categories == ["age"]


def test_empty_text_is_ok() -> None:
    assert screen_text("").verdict == "ok"
