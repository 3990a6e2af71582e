"""What erasing a seeker does outside their profile (called from `seekers.service.erase`).

帮扶台账 are public-service records kept for their statutory period, so a case is not deleted: its
skeleton stays for statistics (group, county, station, dates, status, close reason, the placement's
time) and what identifies the person goes — the evidence number (cipher and mask), the goal, every note
and decline reason in its plan, contact log and history — and its seeker id becomes a pseudonym, a
keyed hash that only links the person's own records to one another. An open case is closed with the
reason `erased`. Household membership is deleted and the household's status recomputed. Referrals,
dispatch rows and the feed's copies (applications, engagements, placements) keep their counts under the
same pseudonym; the rows of tables distributed by seeker on Citus are moved to the pseudonym (read,
deleted, written again) rather than updated, since Citus refuses to change a row's distribution column.
The postings service's side is recorded here as a pending `PostingsErasure`, in this
transaction, and delivered by `privacy.delivery` until postings acknowledges it.
"""

from typing import cast

from sqlalchemy import Table, delete, insert, select, update

from services.kit.auth import Principal, Role
from services.matching.cases.config import get_cases_settings
from services.matching.cases.models import Case, CaseAction, CaseContact, CaseEvent
from services.matching.dispatch.models import DispatchCheckin, DispatchPair, DispatchSwap
from services.matching.households import status
from services.matching.households.models import Household, HouseholdMember
from services.matching.impressions.models import Impression
from services.matching.outcomes.models import OutcomeApplication, OutcomeEngagement, Placement
from services.matching.privacy.models import PostingsErasure
from services.matching.referrals.models import Referral
from services.matching.seekers.crypto import FieldCipher
from services.matching.seekers.deps import Ctx

ERASED = "(erased)"
PSEUDONYM_PREFIX = "erased-"
PSEUDONYM_FIELD = "erased_seeker"
OPEN = ("pending", "active", "aftercare")
RENAMED = ("seeker_id", "viewer_id")  # the columns of a moved row that name the erased seeker
# Tables distributed by seeker on Citus whose rows outlive the seeker under the pseudonym.
MOVED = tuple(
    cast(Table, model.__table__)
    for model in (Referral, OutcomeApplication, OutcomeEngagement, Placement, Impression)
)


def pseudonym(ctx: Ctx, seeker_id: str) -> str:
    """A stable stand-in for an erased seeker's id: not reversible without the lookup key."""
    return pseudonym_of(ctx.cipher, seeker_id)


def pseudonym_of(cipher: FieldCipher, seeker_id: str) -> str:
    return PSEUDONYM_PREFIX + cipher.lookup_hash(seeker_id, field=PSEUDONYM_FIELD)[:32]


async def forget_elsewhere(ctx: Ctx, principal: Principal, seeker_id: str) -> None:
    """Cases kept as skeletons, household membership ended, other rows pseudonymised."""
    alias = pseudonym(ctx, seeker_id)
    await _cases(ctx, principal, seeker_id, alias)
    await _household(ctx, seeker_id)
    for model in (DispatchCheckin, DispatchPair, DispatchSwap):
        await ctx.session.execute(update(model).where(model.seeker_id == seeker_id).values(seeker_id=alias))
    await ctx.session.execute(
        update(DispatchSwap).where(DispatchSwap.with_seeker_id == seeker_id).values(with_seeker_id=alias)
    )
    # The feed's copies and referrals keep their counts; what was shown stays for the learned ranker's
    # counts. The seeker was the viewer only of their own matches, so that is renamed in the same move.
    for table in MOVED:
        await _move(ctx, table, seeker_id, alias)
    await _pass_on(ctx, seeker_id, alias)


async def _move(ctx: Ctx, table: Table, seeker_id: str, alias: str) -> None:
    """The seeker's rows of a table distributed by seeker, under the pseudonym: read, deleted and written
    again (each statement on one shard), since an UPDATE of the distribution column, which moves the row
    to another shard, is refused by Citus. Their ids stay (no table refers to these rows by a key)."""
    rows = (await ctx.session.execute(select(table).where(table.c.seeker_id == seeker_id))).mappings().all()
    if not rows:
        return
    moved = [{k: alias if k in RENAMED and v == seeker_id else v for k, v in row.items()} for row in rows]
    await ctx.session.execute(delete(table).where(table.c.seeker_id == seeker_id))
    await ctx.session.execute(insert(table), moved)


async def _pass_on(ctx: Ctx, seeker_id: str, alias: str) -> None:
    """The request to the postings service, due at once (a second erasure of the same id — registered
    again since — is a new request under the same pseudonym)."""
    now = ctx.clock.now()
    row = await ctx.session.get(PostingsErasure, alias, with_for_update=True)
    if row is None:
        row = PostingsErasure(pseudonym=alias)
        ctx.session.add(row)
    row.seeker_id, row.requested_at, row.attempts = seeker_id, now, 0
    row.next_attempt_at, row.delivered_at, row.last_error = now, None, None
    await ctx.session.flush()


async def _cases(ctx: Ctx, principal: Principal, seeker_id: str, alias: str) -> None:
    cases = list((await ctx.session.scalars(select(Case).where(Case.seeker_id == seeker_id))).all())
    if not cases:
        return
    now = ctx.clock.now()
    ids = [c.id for c in cases]
    by = "seeker" if principal.role == Role.SEEKER else principal.sub  # never the erased person's id
    for case in cases:
        if case.status in OPEN:
            case.status, case.close_reason = "closed", "erased"
            case.closed_at, case.closed_by = now, by
            case.next_contact_on = None
        ctx.session.add(CaseEvent(case_id=case.id, at=now, kind="erased", by=by, note=None))
        case.seeker_id = alias
        case.evidence_number_cipher = b""
        case.evidence_number_masked = ERASED
        case.goal = ERASED
        case.close_note = None
        case.updated_at = now
        case.version += 1
    await ctx.session.flush()
    await ctx.session.execute(update(CaseAction).where(CaseAction.case_id.in_(ids)).values(note=None))
    await ctx.session.execute(
        update(CaseContact).where(CaseContact.case_id.in_(ids)).values(note=None, decline_reason=None)
    )
    await ctx.session.execute(update(CaseEvent).where(CaseEvent.case_id.in_(ids)).values(note=None))


async def _household(ctx: Ctx, seeker_id: str) -> None:
    member = await ctx.session.scalar(select(HouseholdMember).where(HouseholdMember.seeker_id == seeker_id))
    if member is None:
        return
    household = await ctx.session.scalar(
        select(Household).where(Household.id == member.household_id).with_for_update()
    )
    await ctx.session.delete(member)
    await ctx.session.flush()
    if household is not None:
        await status.recompute(ctx.session, household, get_cases_settings(), ctx.clock.now(), "member_erased")
