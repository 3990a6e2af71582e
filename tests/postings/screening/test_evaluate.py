"""The evaluator: figures per split on the shared dev set, and a clean skip without it."""

from pathlib import Path

import pytest

from services.postings.screening.evaluate import default_path, evaluate, in_dev_half, main


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, object]]:
    path = default_path()
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    return evaluate(path)


def test_evaluate_reports_both_halves_and_all(figures: dict[str, dict[str, object]]) -> None:
    assert set(figures) == {"dev_half", "heldout_half", "all"}


def test_halves_add_up_to_all(figures: dict[str, dict[str, object]]) -> None:
    rows = [figures[k]["rows"] for k in ("dev_half", "heldout_half", "all")]
    assert rows[0] + rows[1] == rows[2]  # type: ignore[operator]


def test_ok_rows_are_rarely_flagged(figures: dict[str, dict[str, object]]) -> None:
    assert figures["all"]["fp_rate_ok"] <= 0.03  # type: ignore[operator]


def test_split_is_by_the_parity_of_the_md5_of_the_sentence() -> None:
    # md5 hex digests end in c, 6 (even) and 9, b (odd)
    assert [in_dev_half(s) for s in ("限男性", "男女不限", "35岁以下", "身高170以上")] == [
        True,
        True,
        False,
        False,
    ]


def test_main_skips_cleanly_when_the_file_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "missing.csv")]) == {}
    assert "skipped" in capsys.readouterr().out


def test_main_prints_every_split_for_a_small_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "clauses.csv"
    path.write_text(
        "sentence,verdict,categories,span,posting_id,note\n"
        "限男性,prohibited,sex,限男性,a,\n35岁以下,needs_justification,age,35岁以下,b,\n男女不限,ok,none,,c,\n",
        encoding="utf-8",
    )
    result = main([str(path)])
    assert result["all"]["recall_prohibited"] == 1.0
    assert "heldout_half" in capsys.readouterr().out
