"""Field encryption at rest (AES-256-GCM) and keyed hashes (HMAC-SHA256) for personal identifiers.

Both keys are derived with HKDF-SHA256 from one configured secret, under different labels, so the
HMAC used to find duplicates cannot decrypt anything. Each ciphertext is bound (as associated data) to
its field and its seeker: a value copied into another row or column does not decrypt.
"""

import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.matching.seekers.config import get_seekers_settings

FORMAT_V1 = b"\x01"
NONCE_BYTES = 12
_SALT = b"lingong.matching.seekers"


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=label).derive(secret)


class UndecryptableValue(Exception):
    """The stored value was not encrypted under this key for this field and seeker."""


class FieldCipher:
    def __init__(self, secret: str) -> None:
        raw = secret.encode()
        self._aead = AESGCM(_derive(raw, b"field-encryption/v1"))
        self._mac_key = _derive(raw, b"lookup-hmac/v1")

    @staticmethod
    def _context(field: str, seeker_id: str) -> bytes:
        return f"{field}\x00{seeker_id}".encode()

    def encrypt(self, plaintext: str, *, field: str, seeker_id: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), self._context(field, seeker_id))
        return FORMAT_V1 + nonce + sealed

    def decrypt(self, stored: bytes, *, field: str, seeker_id: str) -> str:
        if stored[:1] != FORMAT_V1:
            raise UndecryptableValue("unknown format")
        nonce, sealed = stored[1 : 1 + NONCE_BYTES], stored[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, self._context(field, seeker_id)).decode()
        except InvalidTag as exc:
            raise UndecryptableValue("wrong key, field or seeker") from exc

    def lookup_hash(self, value: str, *, field: str) -> str:
        """A keyed hash for finding equal values (duplicates) without storing them in the clear."""
        return hmac.new(self._mac_key, f"{field}\x00{value}".encode(), hashlib.sha256).hexdigest()


@lru_cache
def get_cipher() -> FieldCipher:
    """The cipher for the configured key; `get_cipher.cache_clear()` after changing settings."""
    return FieldCipher(get_seekers_settings().id_key.get_secret_value())
