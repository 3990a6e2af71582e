"""Gather everything held about one seeker into one document (`schemas.SeekerExport`).

The seeker gets their phone and ID number in full; staff and admins, who print it for the seeker at the
counter, get them masked (as everywhere else) and the sensitive facts only under the seeker's consent.
Every export is written to the seeker's audit log. Applications and engagements come from the postings
service; when it does not answer, those sections say `unavailable` and the rest is still served."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from services.kit.auth import Principal
from services.matching.cases.models import Case, CaseAction, CaseContact, CaseEvent
from services.matching.dispatch.models import DispatchCheckin, DispatchPair
from services.matching.households.models import Household, HouseholdMember
from services.matching.impressions.config import get_impression_settings
from services.matching.impressions.models import Impression
from services.matching.outcomes.models import Placement
from services.matching.privacy import schemas as s
from services.matching.privacy.models import RetentionNotice
from services.matching.referrals.client import PostingsActions
from services.matching.referrals.exceptions import PostingsUnreachable
from services.matching.referrals.models import Referral
from services.matching.referrals.schemas import ReferralRead
from services.matching.seekers import audit, consents, sensitive, service
from services.matching.seekers.deps import Ctx
from services.matching.seekers.models import Seeker, SeekerAudit, SeekerSensitive
from services.matching.seekers.schemas import AuditRead, ConsentPurpose, ConsentRead
from services.matching.serving.models import MatchOverride

log = logging.getLogger("lingong.privacy")
AUDIT_ROWS = 5000
SHOWN = (
    "The postings shown to the seeker, and the seeker shown to employers, as recorded for learning which "
    "order helps (kept {days} days, at most the newest {limit} here); staff pins and hides of postings."
)
SHOWN_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Remote:
    applications: s.RemoteSection
    engagements: s.RemoteSection


async def build(
    ctx: Ctx,
    principal: Principal,
    seeker: Seeker,
    remote: Remote,
) -> s.SeekerExport:
    """The whole document, with the sections `fetch_remote` brought from the postings service; the
    export itself is audited (and committed by the caller)."""
    now = ctx.clock.now()
    own = audit.is_self(principal, seeker.id)
    sections = s.Sections(
        profile=await _profile(ctx, principal, seeker, own, now),
        sensitive=await _sensitive(ctx, seeker, own),
        consents=s.ConsentsSection(
            items=[ConsentRead.model_validate(c) for c in await consents.history(ctx.session, seeker.id)]
        ),
        access_log=await _access_log(ctx, seeker.id),
        matches_shown=s.MatchesSection(
            note=SHOWN.format(days=get_impression_settings().retention_days, limit=SHOWN_LIMIT),
            items=await _shown(ctx, seeker.id),
            overrides=await _overrides(ctx, seeker.id),
        ),
        referrals=s.ReferralsSection(
            items=[
                ReferralRead.model_validate(r)
                for r in await _rows(ctx, Referral, Referral.created_at, seeker.id)
            ]
        ),
        dispatch=await _dispatch(ctx, seeker.id),
        cases=await _cases(ctx, seeker.id),
        household=await _household(ctx, seeker.id),
        placements=s.PlacementsSection(
            items=[
                s.PlacementExport.model_validate(p)
                for p in await _rows(ctx, Placement, Placement.placed_at, seeker.id)
            ]
        ),
        applications=remote.applications,
        engagements=remote.engagements,
        retention_notices=s.NoticesSection(
            items=[
                s.NoticeExport.model_validate(n)
                for n in await _rows(ctx, RetentionNotice, RetentionNotice.sent_at, seeker.id)
            ]
        ),
    )
    missing = [
        name
        for name, section in sections
        if isinstance(section, s.Section) and section.status == "unavailable"
    ]
    fields = ["profile", "consents", "cases", "referrals"] + (
        [] if sections.sensitive.data is None else ["sensitive"]
    )
    audit.record(ctx, principal, seeker.id, "export", fields, None if own else ConsentPurpose.MATCHING.value)
    await ctx.session.flush()
    return s.SeekerExport(
        generated_at=now,
        seeker_id=seeker.id,
        requested_by=s.Requester(role=principal.role.value, station_id=principal.station_id),
        complete=not missing,
        missing=missing,
        sections=sections,
    )


async def _profile(
    ctx: Ctx, principal: Principal, seeker: Seeker, own: bool, now: datetime
) -> s.ProfileSection:
    read = await service.to_read(ctx, seeker, now)
    phone = read.phone
    if own and seeker.phone_cipher is not None:
        phone = await service.reveal_phone(ctx, principal, seeker, ConsentPurpose.MATCHING)
    return s.ProfileSection(data=s.ProfileExport.model_validate(read.model_dump() | {"phone": phone}))


async def _sensitive(ctx: Ctx, seeker: Seeker, own: bool) -> s.SensitiveSection:
    record = await ctx.session.get(SeekerSensitive, seeker.id)
    if record is None:
        return s.SensitiveSection()
    if not own and ConsentPurpose.SENSITIVE.value not in await consents.active_purposes(
        ctx.session, seeker.id
    ):
        return s.SensitiveSection(
            status="withheld", note="the seeker's consent sensitive_for_priority_help is not active"
        )
    data = s.SensitiveExport.model_validate(sensitive.to_read(record).model_dump())
    if own and record.id_number_cipher is not None:
        data.id_number = ctx.cipher.decrypt(
            record.id_number_cipher, field=sensitive.ID_FIELD, seeker_id=seeker.id
        )
    return s.SensitiveSection(data=data)


async def _access_log(ctx: Ctx, seeker_id: str) -> s.AccessLogSection:
    rows = await ctx.session.scalars(
        select(SeekerAudit)
        .where(SeekerAudit.seeker_id == seeker_id)
        .order_by(SeekerAudit.at.desc(), SeekerAudit.id.desc())
        .limit(AUDIT_ROWS)
    )
    return s.AccessLogSection(items=[AuditRead.model_validate(r) for r in rows.all()])


async def _shown(ctx: Ctx, seeker_id: str) -> list[s.ImpressionExport]:
    rows = await ctx.session.scalars(
        select(Impression)
        .where(Impression.seeker_id == seeker_id)
        .order_by(Impression.shown_at.desc(), Impression.position)
        .limit(SHOWN_LIMIT)
    )
    return [s.ImpressionExport.model_validate(r) for r in rows.all()]


async def _overrides(ctx: Ctx, seeker_id: str) -> list[s.OverrideExport]:
    rows = await ctx.session.scalars(
        select(MatchOverride).where(MatchOverride.seeker_id == seeker_id).order_by(MatchOverride.created_at)
    )
    return [s.OverrideExport.model_validate(r) for r in rows.all()]


async def _rows(ctx: Ctx, model: Any, order: Any, seeker_id: str) -> list[Any]:
    rows = await ctx.session.scalars(select(model).where(model.seeker_id == seeker_id).order_by(order))
    return list(rows.all())


async def _dispatch(ctx: Ctx, seeker_id: str) -> s.DispatchSection:
    checkins = await ctx.session.scalars(
        select(DispatchCheckin)
        .where(DispatchCheckin.seeker_id == seeker_id)
        .order_by(DispatchCheckin.checked_in_at)
    )
    pairs = await ctx.session.scalars(
        select(DispatchPair).where(DispatchPair.seeker_id == seeker_id).order_by(DispatchPair.attempted_at)
    )
    return s.DispatchSection(
        checkins=[s.CheckinExport.model_validate(c) for c in checkins.all()],
        assignments=[s.AssignmentExport.model_validate(p) for p in pairs.all()],
    )


async def _cases(ctx: Ctx, seeker_id: str) -> s.CasesSection:
    cases = list(
        (
            await ctx.session.scalars(
                select(Case).where(Case.seeker_id == seeker_id).order_by(Case.opened_at)
            )
        ).all()
    )
    items = []
    for case in cases:
        actions = await ctx.session.scalars(
            select(CaseAction).where(CaseAction.case_id == case.id).order_by(CaseAction.due_on, CaseAction.id)
        )
        contacts = await ctx.session.scalars(
            select(CaseContact).where(CaseContact.case_id == case.id).order_by(CaseContact.at, CaseContact.id)
        )
        events = await ctx.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
        items.append(
            s.CaseExport.model_validate(
                {name: getattr(case, name) for name in s.CaseExport.model_fields if hasattr(case, name)}
                | {
                    "actions": [s.CaseActionExport.model_validate(a) for a in actions.all()],
                    "contacts": [s.CaseContactExport.model_validate(c) for c in contacts.all()],
                    "events": [s.CaseEventExport.model_validate(e) for e in events.all()],
                }
            )
        )
    return s.CasesSection(items=items)


async def _household(ctx: Ctx, seeker_id: str) -> s.HouseholdSection:
    member = await ctx.session.scalar(select(HouseholdMember).where(HouseholdMember.seeker_id == seeker_id))
    if member is None:
        return s.HouseholdSection()
    household = await ctx.session.get(Household, member.household_id)
    assert household is not None  # the member row cascades with it
    count = len(
        (
            await ctx.session.scalars(
                select(HouseholdMember.id).where(HouseholdMember.household_id == household.id)
            )
        ).all()
    )
    return s.HouseholdSection(
        data=s.HouseholdExport(
            household_id=household.id,
            county_adcode=household.county_adcode,
            reference=household.reference,
            status=household.status,
            zero_since=household.zero_since,
            members=count,
            joined_at=member.added_at,
            consent_method=member.consent_method,
            consent_agreed_at=member.consent_agreed_at,
        )
    )


async def fetch_remote(
    postings: PostingsActions | None, token: str | None, seeker_id: str, limit: int
) -> Remote:
    """The seeker's applications and engagements from the postings service, fetched before the export's
    transaction opens (so no database lock is held across the calls); `unavailable` when it is down."""
    return Remote(
        await _remote(postings, token, "applications", seeker_id, limit),
        await _remote(postings, token, "engagements", seeker_id, limit),
    )


async def _remote(
    postings: PostingsActions | None, token: str | None, what: str, seeker_id: str, limit: int
) -> s.RemoteSection:
    if postings is None or token is None:
        return s.RemoteSection(status="unavailable", note="no client for the postings service is configured")
    try:
        items, more = await postings.list_for_seeker(token, what, seeker_id, limit)
    except PostingsUnreachable as exc:
        log.warning(
            "export: postings service unavailable", extra={"section": what, "cause": exc.extra.get("cause")}
        )
        return s.RemoteSection(
            status="unavailable", note="the postings service did not answer; ask again later"
        )
    return s.RemoteSection(items=items, truncated=more)
