"""The data-key ring (env prefix MATCHING_KEYRING__): keys being rotated out, and the lookup key."""

from functools import lru_cache
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class KeyRingSettings(BaseSettings):
    """`MATCHING_SEEKERS__ID_KEY` is the current key; these are the previous ones, still able to decrypt."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_KEYRING__", extra="ignore")

    previous_id_keys: list[SecretStr] = Field(default_factory=list, max_length=10)
    # The secret lookup hashes (duplicate ID numbers, phone lookups) are keyed with. A data-key rotation
    # keeps it: set it to the first ID key before the first rotation, and leave it.
    lookup_key: SecretStr | None = Field(default=None, min_length=32)
    rotate_on_start: bool = True
    batch_size: int = Field(default=200, ge=1, le=10_000)
    pause_seconds: float = Field(default=0.05, ge=0, le=60)

    @model_validator(mode="after")
    def _lookup_key_kept(self) -> Self:
        if self.previous_id_keys and self.lookup_key is None:
            raise ValueError(
                "a rotation (previous_id_keys) needs lookup_key: the key lookups were hashed with"
            )
        return self


@lru_cache
def get_keyring_settings() -> KeyRingSettings:
    return KeyRingSettings()
