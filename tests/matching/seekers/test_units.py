"""The small pure pieces: ID number checks, masks, the field cipher, age."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.matching.seekers.config import SeekersSettings
from services.matching.seekers.crypto import FieldCipher, UndecryptableValue
from services.matching.seekers.idnumber import is_valid_id_number, mask_id_number, normalise_id_number
from services.matching.seekers.phone import mask_phone, normalise_phone
from services.matching.seekers.query import age_at
from tests.matching.seekers.conftest import id_number, wrong_check


def test_the_standards_own_example_is_valid() -> None:
    assert is_valid_id_number("11010519491231002X")


def test_a_changed_digit_fails_the_check_character() -> None:
    assert not is_valid_id_number(wrong_check(id_number()))


def test_full_width_and_lower_case_input_is_normalised() -> None:
    assert normalise_id_number("３７０８３２ 19750601104x") == "37083219750601104X"


def test_id_number_mask_keeps_three_characters_at_each_end() -> None:
    assert mask_id_number("37083219750601104X") == "370************04X"


def test_phone_is_normalised_and_masked() -> None:
    assert normalise_phone("+86 138-1234-1234") == "13812341234"
    assert mask_phone("13812341234") == "138****1234"


def test_ciphertext_is_bound_to_its_seeker() -> None:
    cipher = FieldCipher("k" * 40)
    sealed = cipher.encrypt("37083219750601104X", field="id_number", seeker_id="a")

    with pytest.raises(UndecryptableValue):
        cipher.decrypt(sealed, field="id_number", seeker_id="b")


def test_another_key_cannot_decrypt() -> None:
    sealed = FieldCipher("k" * 40).encrypt("13812341234", field="phone", seeker_id="a")

    with pytest.raises(UndecryptableValue):
        FieldCipher("j" * 40).decrypt(sealed, field="phone", seeker_id="a")


def test_same_value_encrypts_differently_each_time_but_hashes_the_same() -> None:
    cipher = FieldCipher("k" * 40)

    assert cipher.encrypt("x", field="f", seeker_id="a") != cipher.encrypt("x", field="f", seeker_id="a")
    assert cipher.lookup_hash("x", field="f") == cipher.lookup_hash("x", field="f")
    assert cipher.lookup_hash("x", field="f") != FieldCipher("j" * 40).lookup_hash("x", field="f")


@pytest.mark.parametrize(
    ("now", "age"),
    [
        (datetime(2026, 5, 31, 15, 59, tzinfo=UTC), 15),  # 23:59 on 31 May in Beijing
        (datetime(2026, 5, 31, 16, 0, tzinfo=UTC), 15),  # 1 June in Beijing: the birth month
        (datetime(2026, 6, 30, 16, 0, tzinfo=UTC), 16),  # 1 July in Beijing
    ],
)
def test_age_counts_in_beijing_time_and_waits_out_the_birth_month(now: datetime, age: int) -> None:
    assert age_at(2010, 6, now) == age


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHING_SEEKERS__ID_KEY", "a-production-secret-of-at-least-32-characters")

    settings = SeekersSettings()

    assert settings.id_key.get_secret_value() == "a-production-secret-of-at-least-32-characters"
    assert not settings.uses_dev_key


def test_the_development_key_is_the_marked_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATCHING_SEEKERS__ID_KEY", raising=False)

    assert SeekersSettings().uses_dev_key


def test_a_short_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHING_SEEKERS__ID_KEY", "too-short")

    with pytest.raises(ValidationError):
        SeekersSettings()
