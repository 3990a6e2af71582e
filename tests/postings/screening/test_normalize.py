"""Normalisation, and the map from normalised offsets back to the original text."""

from services.postings.screening.normalize import chinese_to_int, normalize


def test_full_width_letters_digits_and_punctuation_become_half_width() -> None:
    assert normalize("年龄：１８－３５岁，ＡＢ").text == "年龄:18-35岁,ab"


def test_traditional_characters_become_simplified() -> None:
    assert normalize("僅限男性，年齡不限").text == "仅限男性,年龄不限"


def test_spaces_and_html_non_breaking_spaces_are_dropped() -> None:
    assert normalize("限 男\u3000性&nbsp;").text == "限男性"


def test_newlines_are_kept_as_clause_ends() -> None:
    assert normalize("女\n年龄18岁以上").text == "女\n年龄18岁以上"


def test_chinese_numerals_in_ages_become_digits() -> None:
    assert normalize("三十五岁以下，四十五周岁以内").text == "35岁以下,45周岁以内"


def test_chinese_numerals_in_age_ranges_become_digits() -> None:
    assert normalize("十八至四十五周岁").text == "18至45周岁"


def test_chinese_numerals_in_heights_become_digits() -> None:
    assert normalize("身高一米六五以上").text == "身高1米65以上"


def test_chinese_numerals_in_weights_become_digits() -> None:
    assert normalize("体重不超过六十公斤，一百二十斤以下").text == "体重不超过60公斤,120斤以下"


def test_birth_cohorts_in_chinese_numerals_become_digits() -> None:
    assert normalize("限九零后，八五后，零零后").text == "限90后,85后,00后"


def test_tens_numerals_said_as_an_age_without_sui_become_digits() -> None:
    text = normalize("过了四十的不要，不收三十以下的，岁数在三十上下").text
    assert text == "过了40的不要,不收30以下的,岁数在30上下"


def test_tens_numerals_elsewhere_stay_words() -> None:
    assert normalize("十一点下班，一带一，十分以上").text == "十一点下班,一带一,十分以上"


def test_a_yi_between_numerals_in_words_is_read_as_a_dash() -> None:
    assert normalize("年龄二十五一三十五岁").text == "年龄25-35岁"


def test_a_yi_between_digits_is_read_as_a_dash() -> None:
    assert normalize("年龄16一40岁").text == "年龄16-40岁"


def test_a_yi_between_two_ages_with_their_units_is_read_as_a_dash() -> None:
    assert normalize("年满18周岁一40周岁，20岁一35岁").text == "年满18周岁-40周岁,20岁-35岁"
    assert normalize("年满18周岁一律签合同，18岁一年").text == "年满18周岁一律签合同,18岁一年"


def test_yixia_typed_for_yixia_after_an_age_is_read_as_below() -> None:
    assert normalize("55岁一下，60岁已内").text == "55岁以下,60岁以内"


def test_slips_keep_their_offsets() -> None:
    original = "洗碗工，50一55岁"
    norm = normalize(original)
    assert norm.original(norm.text.index("50"), len(norm.text)) == (original.index("50"), len(original))


def test_other_chinese_numerals_are_left_alone() -> None:
    assert normalize("一带一，统一管理，已下班，钕铁硼").text == "一带一,统一管理,已下班,钕铁硼"


def test_chinese_to_int_reads_tens_hundreds_and_digit_strings() -> None:
    assert [chinese_to_int(n) for n in ("十八", "三十", "三十五", "一百六十", "一六五")] == [
        18,
        30,
        35,
        160,
        165,
    ]


def test_offsets_of_a_converted_numeral_cover_the_whole_original_numeral() -> None:
    original = "年齡：三十五歲以下"
    norm = normalize(original)
    start = norm.text.index("35")
    assert original[slice(*norm.original(start, start + 4))] == "三十五歲以"


def test_offsets_skip_dropped_spaces() -> None:
    original = "要求 限 男 性"
    norm = normalize(original)
    start = norm.text.index("限男性")
    assert norm.original(start, start + 3) == (original.index("限"), len(original))


def test_dropped_spaces_are_remembered_as_soft_breaks() -> None:
    norm = normalize("女 形象好")
    assert norm.breaks == frozenset({1})
