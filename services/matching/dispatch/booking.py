"""确认: book every assigned worker of a plan through the postings service, one Idempotency-Key per
(plan, worker), and keep what happened to each.

A pair already booked, requested or refused is not sent again; one the postings service could not be
reached for is, with the same key, so a retry (or a double click) books once. The plan row is locked
for the whole step, so a second 确认 waits for the first and then finds every answer recorded.
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

from services.kit.auth import Principal
from services.matching.dispatch.models import DispatchPair, DispatchPlan
from services.matching.referrals.client import PostingsActions, Refused
from services.matching.referrals.exceptions import PostingsUnreachable
from services.matching.seekers.deps import Ctx

FINAL = ("booked", "requested", "refused")


@dataclass(frozen=True, slots=True)
class BookAnswer:
    """One booking's outcome: booked / requested (a review shift) / refused (with the postings service's
    problem code, e.g. shift_full) / unreachable (nothing was done)."""

    outcome: str
    code: str | None = None
    title: str | None = None
    title_zh: str | None = None
    engagement_id: uuid.UUID | None = None


class Booker(Protocol):
    async def book(
        self, token: str, shift_id: uuid.UUID, seeker_id: str, idempotency_key: str
    ) -> BookAnswer: ...


class PostingsBooker:
    """The referrals' typed postings client as a Booker: a refusal or an unreachable service is an answer
    for that one worker, never an exception that would lose the others'."""

    def __init__(self, actions: PostingsActions) -> None:
        self.actions = actions

    async def book(self, token: str, shift_id: uuid.UUID, seeker_id: str, idempotency_key: str) -> BookAnswer:
        try:
            answer = await self.actions.book(token, shift_id, seeker_id, idempotency_key)
        except PostingsUnreachable as exc:
            return BookAnswer("unreachable", exc.code, exc.title, exc.title_zh)
        if isinstance(answer, Refused):
            return BookAnswer("refused", answer.code, answer.title, answer.title_zh)
        return BookAnswer(answer.outcome, engagement_id=answer.engagement_id)


def booking_key(plan_id: uuid.UUID, seeker_id: str) -> str:
    return f"dispatch-{plan_id}-{seeker_id}"


async def confirm(
    ctx: Ctx, principal: Principal, plan: DispatchPlan, pairs: list[DispatchPair], token: str, booker: Booker
) -> None:
    """Send every assigned pair without a final answer; record each answer on its pair."""
    now = ctx.clock.now()
    if plan.status != "confirmed":
        plan.status, plan.confirmed_by_sub, plan.confirmed_at = "confirmed", principal.sub, now
        plan.version += 1
    for pair in pairs:
        if pair.shift_id is None or pair.outcome in FINAL:
            continue
        answer = await booker.book(token, pair.shift_id, pair.seeker_id, booking_key(plan.id, pair.seeker_id))
        pair.outcome, pair.outcome_code = answer.outcome, answer.code
        pair.outcome_title, pair.outcome_title_zh = answer.title, answer.title_zh
        pair.engagement_id, pair.attempted_at = answer.engagement_id, ctx.clock.now()
    await ctx.session.flush()
