"""The pure parts of the console's forms: what the search box reads, and the registration body."""

from services.matching.console import geomap, register_form, search


def test_a_phone_typed_with_spaces_is_an_exact_phone_lookup() -> None:
    assert search.classify("138 1234 1234") == search.Query("phone", "13812341234")


def test_an_id_number_with_a_lower_case_x_is_an_exact_id_lookup() -> None:
    assert search.classify("37083219750601104x") == search.Query("id_number", "37083219750601104X")


def test_an_id_number_with_a_wrong_check_character_is_refused() -> None:
    assert search.classify("370832197506011040") == search.Query("invalid", "id_number")


def test_a_seeker_id_is_tried_as_an_id() -> None:
    assert search.classify("walk-in-1") == search.Query("seeker_id", "walk-in-1")


def test_a_chinese_name_is_searched_as_a_name() -> None:
    assert search.classify(" 王小明 ") == search.Query("name", "王小明", "王小明")


def test_a_latin_name_shaped_like_an_id_is_tried_as_both() -> None:
    assert search.classify("Ayixiamu") == search.Query("seeker_id", "Ayixiamu", "Ayixiamu")


def test_a_name_with_a_zero_width_character_is_not_searched() -> None:
    assert search.classify("王\u200b小明").kind == "invalid"


def test_the_three_screens_make_the_apis_registration_body() -> None:
    form = {
        "desired_text": ["保洁"],
        "county_adcode": ["370102"],
        "birth_year": ["1970"],
        "birth_month": ["3"],
        "weekdays": ["0", "2"],
        "start_time": ["08:00"],
        "end_time": ["12:30"],
        "pay_amount": ["150"],
        "pay_unit": ["day"],
        "purposes": ["matching"],
        "method": ["in_person_verbal"],
    }

    body = register_form.body_from_form(form)

    assert body["home"] == {"county_adcode": "370102", "address": None}
    assert body["availability"] == [
        {"weekday": 0, "start_minute": 480, "end_minute": 750},
        {"weekday": 2, "start_minute": 480, "end_minute": 750},
    ]
    assert body["pay_expectation"] == {"amount": "150", "unit": "day"}
    assert body["consent"] == {"purposes": ["matching"], "method": "in_person_verbal"}


def test_screen_one_reports_only_its_own_fields() -> None:
    errors = register_form.check({"desired_text": ["保洁"], "pay_amount": ["-5"]}, 1, "zh")

    assert set(errors) == {"county_adcode", "birth_year", "birth_month"}


def test_a_click_on_the_map_is_the_point_and_county_under_it() -> None:
    x, y = geomap.frame().xy(36.6512, 117.1201)  # 济南 历下区

    lat, lng, county = geomap.click_to_home(str(x), str(y)) or ("", "", "")

    assert abs(float(lat) - 36.6512) < 0.02
    assert abs(float(lng) - 117.1201) < 0.02
    assert county == "370102"
