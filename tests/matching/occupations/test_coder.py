"""The occupation coder trained on the classification alone: codes, probabilities, folding, labels."""

from pathlib import Path

import joblib
import pytest

from services.matching.occupations import OccupationCoder
from services.matching.occupations.labels import accepted, is_correct, targets


def _codes(coder: OccupationCoder, text: str, k: int = 5) -> list[str]:
    return [code for code, _ in coder.predict([text], k)[0]]


def test_a_welder_title_is_coded_as_welder(coder: OccupationCoder) -> None:
    assert "6-18-02-04" in _codes(coder, "电焊工")


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("叉车司机", "6-30-05-01"),
        ("餐厅服务员", "4-03-02-05"),
        ("保安员", "4-07-05-01"),
        ("育婴师", "4-10-01-03"),
    ],
)
def test_common_titles_find_their_code_in_the_top_five(coder: OccupationCoder, title: str, code: str) -> None:
    assert code in _codes(coder, title)


def test_traditional_and_full_width_input_give_the_same_codes(coder: OccupationCoder) -> None:
    simplified, traditional, wide = coder.predict(["电焊工 CNC", "電焊工 CNC", "电焊工　ＣＮＣ"], 5)

    assert traditional == simplified
    assert wide == simplified


def test_probabilities_are_sorted_and_sum_to_at_most_one(coder: OccupationCoder) -> None:
    rows = coder.predict(["招聘奶茶店店员 包吃住 月入6000", "汽车维修", "会计"], 10)

    for row in rows:
        assert len(row) == 10
        probabilities = [p for _, p in row]
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(0.0 <= p <= 1.0 for p in probabilities)
        assert sum(probabilities) <= 1.0 + 1e-6
        assert all(code in targets() for code, _ in row)


def test_a_text_with_no_words_gets_no_codes(coder: OccupationCoder) -> None:
    assert coder.predict(["", "   ", "8000元/月 包吃住"], 5) == [[], [], []]


def test_repeated_titles_are_answered_alike_from_the_cache(coder: OccupationCoder) -> None:
    first = coder.predict(["仓库分拣员"] * 3, 5)
    again = coder.predict(["仓库分拣员"], 5)

    assert first == [again[0]] * 3


def test_more_codes_than_the_cache_keeps_are_computed(coder: OccupationCoder) -> None:
    assert len(coder.predict(["焊工"], 30)[0]) == 30


def test_a_saved_coder_predicts_what_the_original_does(coder: OccupationCoder, tmp_path: Path) -> None:
    joblib.dump(coder, tmp_path / "coder.joblib")
    loaded = joblib.load(tmp_path / "coder.joblib")

    assert loaded.predict(["电工"], 5) == coder.predict(["电工"], 5)


def test_an_unknown_code_in_the_examples_is_refused() -> None:
    with pytest.raises(ValueError, match="9-99-99-99"):
        OccupationCoder.train([("电焊工", "9-99-99-99")])


def test_a_coarse_label_accepts_every_code_under_it() -> None:
    assert is_correct("4-01-02-03", "4-01-02-00")
    assert is_correct("6-18-02-04", "6-00-00-00")
    assert not is_correct("4-01-03-01", "4-01-02-00")
    assert not is_correct("4-01-02-01", "4-01-02-03")
    assert accepted("2-08-99-00") == ("2-08-99-00",)  # a residual group with nothing under it
