"""A walk-in's registration kept between its screens, so that every screen's POST can answer with a
redirect (Post/Redirect/Get): the fields typed so far, sealed with the seekers' data key, for the one
staff member who started it, for as long as a console session lasts."""

import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.console.models import DRAFT_FIELD, RegistrationDraft
from services.matching.console.register_form import Form
from services.matching.seekers.crypto import FieldCipher, UndecryptableValue

ID_BYTES = 24


def new(session: AsyncSession, staff_sub: str, now: datetime, hours: int) -> RegistrationDraft:
    """An empty draft at screen 1 (its id is unguessable: it names the draft in the URL)."""
    draft = RegistrationDraft(
        id=secrets.token_urlsafe(ID_BYTES),
        staff_sub=staff_sub,
        step=1,
        data_cipher=None,
        seeker_id=None,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    session.add(draft)
    return draft


async def load(
    session: AsyncSession, draft_id: str, staff_sub: str, now: datetime, *, for_update: bool = False
) -> RegistrationDraft | None:
    """The staff member's own unexpired draft, or None (someone else's is the same as none)."""
    if not draft_id or len(draft_id) > 64:
        return None
    stmt = select(RegistrationDraft).where(
        RegistrationDraft.id == draft_id,
        RegistrationDraft.staff_sub == staff_sub,
        RegistrationDraft.expires_at > now,
    )
    return await session.scalar(stmt.with_for_update() if for_update else stmt)


def fields(cipher: FieldCipher, draft: RegistrationDraft) -> dict[str, list[str]]:
    """The fields typed so far (an unreadable draft is an empty one)."""
    if draft.data_cipher is None:
        return {}
    try:
        data = json.loads(cipher.decrypt(draft.data_cipher, field=DRAFT_FIELD, seeker_id=draft.id))
    except (UndecryptableValue, ValueError):
        return {}
    return {str(k): [str(v) for v in vs] for k, vs in data.items() if isinstance(vs, list)}


def keep(cipher: FieldCipher, draft: RegistrationDraft, form: Form, step: int) -> None:
    """Seal the fields typed so far; `step` is the furthest screen the staff member may now open."""
    data = {k: list(v) for k, v in form.items()}
    draft.data_cipher = cipher.encrypt(
        json.dumps(data, ensure_ascii=False), field=DRAFT_FIELD, seeker_id=draft.id
    )
    draft.step = max(draft.step, step)


def finish(draft: RegistrationDraft, seeker_id: str) -> None:
    """Registered: the typed fields go, the seeker's id stays (a reload or resubmit goes to them)."""
    draft.data_cipher = None
    draft.seeker_id = seeker_id


async def sweep(session: AsyncSession, now: datetime) -> None:
    """Drop expired drafts (called when a new one is started)."""
    await session.execute(delete(RegistrationDraft).where(RegistrationDraft.expires_at <= now))
