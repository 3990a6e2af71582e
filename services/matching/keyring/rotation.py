"""Re-encrypt every stored ID number, phone, name and registration draft under the current data key:
batched, resumable, idempotent.

Each batch is its own transaction and picks rows whose value does not yet start with the current key's
header, so a run that is killed resumes where it stopped, a second run finds nothing to do, and the
service keeps answering (every value opens under the ring, rotated or not). A row the service changed
meanwhile is left alone: the UPDATE matches only the ciphertext that was read.
"""

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from services.kit.uow import unit_of_work
from services.matching.console.models import DRAFT_FIELD, RegistrationDraft
from services.matching.seekers.crypto import FieldCipher, UndecryptableValue
from services.matching.seekers.models import Seeker, SeekerSensitive
from services.matching.seekers.names import NAME_FIELD
from services.matching.seekers.sensitive import ID_FIELD
from services.matching.seekers.service import PHONE_FIELD

log = logging.getLogger("lingong.keyring")


@dataclass(frozen=True, slots=True)
class Target:
    key: InstrumentedAttribute[str]
    value: InstrumentedAttribute[bytes | None]
    field: str


TARGETS = (
    Target(Seeker.id, Seeker.phone_cipher, PHONE_FIELD),
    Target(Seeker.id, Seeker.name_cipher, NAME_FIELD),
    Target(RegistrationDraft.id, RegistrationDraft.data_cipher, DRAFT_FIELD),
    Target(SeekerSensitive.seeker_id, SeekerSensitive.id_number_cipher, ID_FIELD),
)


@dataclass(slots=True)
class Progress:
    rewritten: int = 0
    undecryptable: int = 0


async def _batch(
    session: AsyncSession, cipher: FieldCipher, target: Target, after: str, size: int, progress: Progress
) -> str | None:
    """Re-encrypt up to `size` stale values with keys above `after`; the last key seen, or None when done."""
    header = cipher.header
    stale = func.substr(target.value, 1, len(header)) != header
    rows = (
        await session.execute(
            select(target.key, target.value)
            .where(target.key > after, target.value.is_not(None), stale)
            .order_by(target.key)
            .limit(size)
        )
    ).all()
    for key, old in rows:
        assert old is not None  # the query asked for values that are set
        try:
            new = cipher.reencrypt(old, field=target.field, seeker_id=key)
        except UndecryptableValue:
            progress.undecryptable += 1
            continue
        changed = await session.execute(
            update(target.value.class_)
            .where(target.key == key, target.value == old)
            .values({target.value: new})
        )
        progress.rewritten += changed.rowcount or 0  # type: ignore[attr-defined]
    return str(rows[-1][0]) if rows else None


async def rotate(
    sessionmaker: async_sessionmaker[AsyncSession],
    cipher: FieldCipher,
    *,
    batch_size: int = 200,
    pause: float = 0,
) -> Progress:
    """Bring every stored value under the current key; safe to run again, or after a kill."""
    progress = Progress()
    for target in TARGETS:
        after: str | None = ""
        while after is not None:
            async with unit_of_work(sessionmaker) as session:
                after = await _batch(session, cipher, target, after, batch_size, progress)
            if pause:
                await asyncio.sleep(pause)
    log.info(
        "data-key rotation pass done",
        extra={"rewritten": progress.rewritten, "undecryptable": progress.undecryptable},
    )
    return progress
