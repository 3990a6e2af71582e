"""Being there: check-in and check-out inside the geofence, or with the employer's rotating code.

The code is an HMAC of the shift and the current time window (like TOTP), so every replica agrees on it
without storing it; it is compared in constant time, and wrong codes are counted per engagement.
"""

import hashlib
import hmac
import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from services.kit.auth import Principal, Role
from services.kit.clock import as_utc
from services.postings import shard
from services.postings.access.exceptions import NotYourAction, WrongState
from services.postings.deps import Ctx
from services.postings.engagements.events import changed, touch
from services.postings.engagements.exceptions import (
    CheckinClosed,
    CheckinNotOpen,
    CodeNotAvailable,
    OutsideGeofence,
    TooManyCodeAttempts,
    WrongCode,
)
from services.postings.engagements.models import CodeAttempt, Engagement
from services.postings.engagements.schemas import CheckinCode, Presence
from services.postings.postings.models import Posting
from services.postings.shifts.models import Shift
from services.reference.geo import haversine_km


def _code(secret: bytes, shift_id: object, window: int) -> str:
    mac = hmac.new(secret, f"{shift_id}:{window}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(mac[:8], 'big') % 1_000_000:06d}"


def _window(ctx: Ctx) -> tuple[int, int]:
    period = ctx.settings.lifecycle.code_seconds
    return int(ctx.clock.now().timestamp()) // period, period


def _secret(ctx: Ctx) -> bytes:
    return ctx.settings.lifecycle.code_secret.get_secret_value().encode()


def code_for(ctx: Ctx, shift: Shift) -> CheckinCode:
    """The code the employer shows now; available from check-in opening until check-out closes."""
    rules = ctx.settings.lifecycle
    now = ctx.clock.now()
    opens = as_utc(shift.starts_at) - timedelta(minutes=rules.checkin_opens_minutes)
    closes = as_utc(shift.ends_at) + timedelta(hours=rules.auto_checkout_hours)
    if not opens <= now <= closes or shift.status != "open":
        raise CodeNotAvailable(available_from=opens.isoformat(), available_until=closes.isoformat())
    window, period = _window(ctx)
    return CheckinCode(
        code=_code(_secret(ctx), shift.id, window),
        valid_from=datetime.fromtimestamp(window * period, UTC),
        valid_until=datetime.fromtimestamp((window + 1) * period, UTC),
        rotates_every_seconds=period,
    )


def code_matches(ctx: Ctx, shift_id: object, given: str) -> bool:
    """The current code, or the one just before it (shown as the window turned), in constant time."""
    window, _ = _window(ctx)
    secret, given_b = _secret(ctx), given.encode()
    results = [
        hmac.compare_digest(_code(secret, shift_id, w).encode(), given_b) for w in (window, window - 1)
    ]
    return any(results)


async def _recent_failures(ctx: Ctx, engagement: Engagement) -> list[datetime]:
    since = ctx.clock.now() - timedelta(minutes=ctx.settings.lifecycle.code_failure_window_minutes)
    rows = await ctx.session.scalars(
        select(CodeAttempt.at)
        .where(
            *shard.within(CodeAttempt, engagement.county_adcode, engagement_id=engagement.id),
            CodeAttempt.at > since,
        )
        .order_by(CodeAttempt.at)
    )
    return [as_utc(at) for at in rows]


async def _guard_attempts(ctx: Ctx, engagement: Engagement) -> None:
    rules = ctx.settings.lifecycle
    failures = await _recent_failures(ctx, engagement)
    if len(failures) >= rules.code_max_failures:
        frees_at = failures[-rules.code_max_failures] + timedelta(minutes=rules.code_failure_window_minutes)
        raise TooManyCodeAttempts(max(1, math.ceil((frees_at - ctx.clock.now()).total_seconds())))


def record_failure(ctx: Ctx, engagement_id: object, county_adcode: str, starts_at: datetime) -> None:
    """Add a wrong-code record (the caller commits it apart from the failed request)."""
    ctx.session.add(
        CodeAttempt(
            id=shard.new_id(county_adcode),
            engagement_id=engagement_id,
            engagement_starts_at=starts_at,
            county_adcode=county_adcode,
            at=ctx.clock.now(),
        )
    )


async def purge_failures(ctx: Ctx) -> int:
    since = ctx.clock.now() - timedelta(minutes=ctx.settings.lifecycle.code_failure_window_minutes)
    result = await ctx.session.execute(delete(CodeAttempt).where(CodeAttempt.at <= since))
    return int(getattr(result, "rowcount", 0) or 0)


async def _prove(ctx: Ctx, engagement: Engagement, body: Presence) -> tuple[str, int | None]:
    """(method, distance in metres) when the proof holds; 422 (or 429) when it does not."""
    if body.method == "code":
        await _guard_attempts(ctx, engagement)
        if body.code is None or not code_matches(ctx, engagement.shift_id, body.code):
            failures = len(await _recent_failures(ctx, engagement)) + 1
            left = max(0, ctx.settings.lifecycle.code_max_failures - failures)
            raise WrongCode(attempts_left=left)
        return "code", None
    posting = await ctx.session.get_one(Posting, shard.key(engagement.posting_id, engagement.county_adcode))
    lat, lng = body.lat or 0.0, body.lng or 0.0  # both present for method geo (schema)
    metres = round(haversine_km(lat, lng, posting.lat, posting.lng) * 1000)
    limit = ctx.settings.lifecycle.geofence_m
    if metres > limit:
        raise OutsideGeofence(
            f"{metres} m from the workplace; the limit is {limit} m", distance_m=metres, limit_m=limit
        )
    return "geo", metres


def _worker_only(principal: Principal) -> None:
    if principal.role not in (Role.SEEKER, Role.ADMIN):
        raise NotYourAction("the worker checks in and out themself")


async def check_in(ctx: Ctx, principal: Principal, engagement: Engagement, body: Presence) -> Engagement:
    _worker_only(principal)
    if engagement.status != "booked":
        raise WrongState("check in", engagement.status)
    now = ctx.clock.now()
    opens = as_utc(engagement.starts_at) - timedelta(minutes=ctx.settings.lifecycle.checkin_opens_minutes)
    if now < opens:
        raise CheckinNotOpen(opens_at=opens.isoformat())
    if now > as_utc(engagement.checkin_deadline):
        raise CheckinClosed(deadline=as_utc(engagement.checkin_deadline).isoformat())
    method, metres = await _prove(ctx, engagement, body)
    engagement.status, engagement.checked_in_at = "checked_in", now
    engagement.checkin_method, engagement.checkin_distance_m = method, metres
    engagement.remind_day_at = engagement.remind_2h_at = None
    touch(ctx, engagement)
    return await changed(ctx, engagement, "engagement.checked_in")


def complete(ctx: Ctx, engagement: Engagement, method: str, metres: int | None) -> None:
    now = ctx.clock.now()
    engagement.status, engagement.checked_out_at = "completed", now
    engagement.checkout_method, engagement.checkout_distance_m = method, metres
    engagement.confirm_due_at = now + timedelta(hours=ctx.settings.lifecycle.auto_confirm_hours)
    touch(ctx, engagement)


async def check_out(ctx: Ctx, principal: Principal, engagement: Engagement, body: Presence) -> Engagement:
    _worker_only(principal)
    if engagement.status != "checked_in":
        raise WrongState("check out", engagement.status)
    method, metres = await _prove(ctx, engagement, body)
    complete(ctx, engagement, method, metres)
    return await changed(ctx, engagement, "engagement.completed")
