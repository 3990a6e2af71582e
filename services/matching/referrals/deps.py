"""The referral environment and the caller's bearer token, as route dependencies."""

from typing import Annotated

from fastapi import Depends, Request

from services.matching.referrals.client import PostingsActions
from services.matching.referrals.service import ReferralEnv
from services.matching.seekers.deps import cipher_of


def get_env(request: Request) -> ReferralEnv:
    state = request.app.state
    actions = state.postings_actions
    assert isinstance(actions, PostingsActions)
    return ReferralEnv(db=state.sessionmaker, clock=state.clock, cipher=cipher_of(request), actions=actions)


def bearer_token(request: Request) -> str:
    """The caller's token as it came (the route's role check has verified it)."""
    return request.headers.get("authorization", "").partition(" ")[2].strip()


EnvDep = Annotated[ReferralEnv, Depends(get_env)]
TokenDep = Annotated[str, Depends(bearer_token)]
