"""Re-encrypt every stored ID number, phone, name, registration draft and case evidence number under the
current data key: batched, resumable, idempotent.

Each batch is its own transaction and picks rows whose value does not yet start with the current key's
header, so a run that is killed resumes where it stopped, a second run finds nothing to do, and the
service keeps answering (every value opens under the ring, rotated or not). A row the service changed
meanwhile is left alone: the UPDATE matches only the ciphertext that was read.
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from services.kit.uow import unit_of_work
from services.matching.cases.models import Case
from services.matching.cases.service import EVIDENCE_FIELD
from services.matching.console.models import DRAFT_FIELD, RegistrationDraft
from services.matching.seekers.crypto import FieldCipher, UndecryptableValue
from services.matching.seekers.models import Seeker, SeekerSensitive
from services.matching.seekers.names import NAME_FIELD
from services.matching.seekers.sensitive import ID_FIELD
from services.matching.seekers.service import PHONE_FIELD

log = logging.getLogger("lingong.keyring")
DONE = object()  # _batch's answer when a target has nothing left


@dataclass(frozen=True, slots=True)
class Target:
    key: InstrumentedAttribute[Any]  # the row's key: batches walk it in order
    value: InstrumentedAttribute[bytes | None]
    field: str
    bound_to: InstrumentedAttribute[str] | None = None  # the id the value is sealed to (default: the key)


TARGETS = (
    Target(Seeker.id, Seeker.phone_cipher, PHONE_FIELD),
    Target(Seeker.id, Seeker.name_cipher, NAME_FIELD),
    Target(RegistrationDraft.id, RegistrationDraft.data_cipher, DRAFT_FIELD),
    Target(SeekerSensitive.seeker_id, SeekerSensitive.id_number_cipher, ID_FIELD),
    # A case's evidence number (残疾证号, 低保证号 …), sealed to its seeker; erased cases hold b"".
    Target(Case.id, Case.evidence_number_cipher, EVIDENCE_FIELD, bound_to=Case.seeker_id),
)


@dataclass(slots=True)
class Progress:
    rewritten: int = 0
    undecryptable: int = 0


async def _batch(
    session: AsyncSession, cipher: FieldCipher, target: Target, after: Any, size: int, progress: Progress
) -> Any:
    """Re-encrypt up to `size` stale values with keys above `after` (None: from the first); the last key
    seen, or DONE when there are no more."""
    header = cipher.header
    stale = func.substr(target.value, 1, len(header)) != header
    bound = cast("InstrumentedAttribute[Any]", target.key if target.bound_to is None else target.bound_to)
    query = select(target.key, target.value, bound).where(
        target.value.is_not(None), func.length(target.value) > 0, stale
    )
    if after is not None:
        query = query.where(target.key > after)
    rows = (await session.execute(query.order_by(target.key).limit(size))).all()
    for key, old, sealed_to in rows:
        assert old is not None  # the query asked for values that are set
        try:
            new = cipher.reencrypt(old, field=target.field, seeker_id=str(sealed_to))
        except UndecryptableValue:
            progress.undecryptable += 1
            continue
        changed = await session.execute(
            update(target.value.class_)
            .where(target.key == key, target.value == old)
            .values({target.value: new})
        )
        progress.rewritten += changed.rowcount or 0  # type: ignore[attr-defined]
    return rows[-1][0] if rows else DONE


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
        after: Any = None
        while after is not DONE:
            async with unit_of_work(sessionmaker) as session:
                after = await _batch(session, cipher, target, after, batch_size, progress)
            if pause:
                await asyncio.sleep(pause)
    log.info(
        "data-key rotation pass done",
        extra={"rewritten": progress.rewritten, "undecryptable": progress.undecryptable},
    )
    return progress
