"""The key ring: values of every format and key open; a rotation without a kept lookup key is refused."""

import os

import pytest
from pydantic import SecretStr, ValidationError

from services.matching.keyring.config import KeyRingSettings
from services.matching.seekers.crypto import FORMAT_V1, FieldCipher, UndecryptableValue, _DataKey
from tests.matching.keyring.conftest import NEW, OLD, ring


def test_a_value_sealed_before_keys_were_named_opens_under_the_ring() -> None:
    nonce = os.urandom(12)
    legacy = FORMAT_V1 + nonce + _DataKey(OLD).aead.encrypt(nonce, b"13812340000", b"phone\x00s-1")

    assert ring().decrypt(legacy, field="phone", seeker_id="s-1") == "13812340000"


def test_a_value_of_a_key_removed_from_the_ring_no_longer_opens() -> None:
    sealed = FieldCipher(OLD).encrypt("13812340000", field="phone", seeker_id="s-1")

    with pytest.raises(UndecryptableValue):
        FieldCipher(NEW).decrypt(sealed, field="phone", seeker_id="s-1")


def test_lookup_hashes_stay_the_same_across_a_rotation() -> None:
    before = FieldCipher(OLD).lookup_hash("370832197506011040", field="id_number")

    assert ring().lookup_hash("370832197506011040", field="id_number") == before


def test_previous_keys_without_the_lookup_key_are_refused() -> None:
    with pytest.raises(ValidationError, match="lookup_key"):
        KeyRingSettings(previous_id_keys=[SecretStr(OLD)])
