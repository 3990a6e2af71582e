"""Field encryption at rest (AES-256-GCM) and keyed hashes (HMAC-SHA256) for personal identifiers.

Both keys are derived with HKDF-SHA256 from one configured secret, under different labels, so the
HMAC used to find duplicates cannot decrypt anything. Each ciphertext is bound (as associated data) to
its field and its seeker: a value copied into another row or column does not decrypt.
"""

import hashlib
import hmac
import os
from collections.abc import Sequence
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.matching.keyring.config import get_keyring_settings
from services.matching.seekers.config import get_seekers_settings

FORMAT_V1 = b"\x01"  # nonce + sealed, under the one key of its time
FORMAT_V2 = b"\x02"  # key fingerprint + nonce + sealed: the key that sealed it is named
FINGERPRINT_BYTES = 4
NONCE_BYTES = 12
_SALT = b"lingong.matching.seekers"


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=label).derive(secret)


class UndecryptableValue(Exception):
    """The stored value was not encrypted under this key for this field and seeker."""


class _DataKey:
    def __init__(self, secret: str) -> None:
        raw = secret.encode()
        self.aead = AESGCM(_derive(raw, b"field-encryption/v1"))
        self.fingerprint = _derive(raw, b"key-fingerprint/v1")[:FINGERPRINT_BYTES]


class FieldCipher:
    """Seals with the current key; opens values sealed by it or by any previous key of the ring.

    Lookup hashes use `lookup_secret` (the current key when not given), which a data-key rotation keeps,
    so equal values stay findable while and after their ciphertexts are re-encrypted.
    """

    def __init__(
        self, secret: str, *, previous: Sequence[str] = (), lookup_secret: str | None = None
    ) -> None:
        self._current = _DataKey(secret)
        self._ring = [self._current, *(_DataKey(s) for s in previous)]
        self._by_fingerprint = {k.fingerprint: k for k in reversed(self._ring)}
        self._mac_key = _derive((lookup_secret or secret).encode(), b"lookup-hmac/v1")

    @property
    def header(self) -> bytes:
        """The bytes every value sealed by the current key starts with."""
        return FORMAT_V2 + self._current.fingerprint

    @staticmethod
    def _context(field: str, seeker_id: str) -> bytes:
        return f"{field}\x00{seeker_id}".encode()

    def encrypt(self, plaintext: str, *, field: str, seeker_id: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._current.aead.encrypt(nonce, plaintext.encode(), self._context(field, seeker_id))
        return self.header + nonce + sealed

    def decrypt(self, stored: bytes, *, field: str, seeker_id: str) -> str:
        if stored[:1] == FORMAT_V2:
            key = self._by_fingerprint.get(stored[1 : 1 + FINGERPRINT_BYTES])
            candidates = [key] if key else []
            body = stored[1 + FINGERPRINT_BYTES :]
        elif stored[:1] == FORMAT_V1:
            candidates, body = self._ring, stored[1:]
        else:
            raise UndecryptableValue("unknown format")
        nonce, sealed = body[:NONCE_BYTES], body[NONCE_BYTES:]
        for key in candidates:
            try:
                return key.aead.decrypt(nonce, sealed, self._context(field, seeker_id)).decode()
            except InvalidTag:
                continue
        raise UndecryptableValue("wrong key, field or seeker")

    def is_current(self, stored: bytes) -> bool:
        return stored[: len(self.header)] == self.header

    def reencrypt(self, stored: bytes, *, field: str, seeker_id: str) -> bytes:
        """The same value sealed by the current key (unchanged if it already is)."""
        if self.is_current(stored):
            return stored
        return self.encrypt(
            self.decrypt(stored, field=field, seeker_id=seeker_id), field=field, seeker_id=seeker_id
        )

    def lookup_hash(self, value: str, *, field: str) -> str:
        """A keyed hash for finding equal values (duplicates) without storing them in the clear."""
        return hmac.new(self._mac_key, f"{field}\x00{value}".encode(), hashlib.sha256).hexdigest()


def build_cipher() -> FieldCipher:
    """The cipher of the configured keys: the current data key, the previous ones a rotation still
    opens, and the lookup key that hashes survive a rotation with."""
    ring = get_keyring_settings()
    return FieldCipher(
        get_seekers_settings().id_key.get_secret_value(),
        previous=[k.get_secret_value() for k in ring.previous_id_keys],
        lookup_secret=ring.lookup_key.get_secret_value() if ring.lookup_key else None,
    )


@lru_cache
def get_cipher() -> FieldCipher:
    """`build_cipher()`, built once; `get_cipher.cache_clear()` after changing settings."""
    return build_cipher()
