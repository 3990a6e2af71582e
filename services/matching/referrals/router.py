"""Referrals over HTTP: the same path the console's "推荐" button takes.

Not a UnitOfWorkRoute: the service opens its own short sessions around the call to the postings
service, and the Idempotency-Key is forwarded there (which replays) and keys the record here."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from services.kit.etag import IdempotencyHeader
from services.kit.idempotency import validate_key
from services.kit.problems import Forbidden, InvalidInput
from services.kit.problems import problem_responses as problems
from services.matching.referrals import service
from services.matching.referrals.client import Refused
from services.matching.referrals.deps import EnvDep, TokenDep
from services.matching.referrals.exceptions import PostingsRefused, PostingsUnreachable
from services.matching.referrals.schemas import ReferralCreate, ReferralRead
from services.matching.seekers.deps import Staff
from services.matching.seekers.exceptions import SeekerNotFound
from services.matching.seekers.schemas import SEEKER_ID_PATTERN

router = APIRouter(tags=["referrals"])

SeekerIdPath = Annotated[str, Path(pattern=SEEKER_ID_PATTERN, description="The seeker's id")]


@router.post(
    "/v1/seekers/{seeker_id}/referrals",
    status_code=status.HTTP_201_CREATED,
    response_model=ReferralRead,
    summary="Refer a seeker (staff): apply to a job or book a gig shift for them, recorded with the station",
    responses=problems(Forbidden, SeekerNotFound, InvalidInput, PostingsRefused, PostingsUnreachable),
)
async def create_referral(
    seeker_id: SeekerIdPath,
    body: ReferralCreate,
    env: EnvDep,
    principal: Staff,
    token: TokenDep,
    idempotency_key: IdempotencyHeader = None,
) -> ReferralRead:
    key = validate_key(idempotency_key) if idempotency_key is not None else None
    result = await service.refer(env, service.Referrer(principal, token), seeker_id, body, key)
    if isinstance(result, Refused):
        raise result.error()
    return service.to_read(result)


@router.get(
    "/v1/seekers/{seeker_id}/referrals",
    response_model=list[ReferralRead],
    summary="A seeker's referrals, newest first (staff who may see the seeker)",
    responses=problems(Forbidden, SeekerNotFound),
)
async def list_referrals(seeker_id: SeekerIdPath, env: EnvDep, principal: Staff) -> list[ReferralRead]:
    return [service.to_read(r) for r in await service.for_seeker(env, principal, seeker_id)]
