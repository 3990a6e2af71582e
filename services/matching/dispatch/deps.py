"""What dispatch routes depend on: the booker that reaches the postings service, the caller's token."""

from typing import Annotated

from fastapi import Depends, Request

from services.kit.auth import Principal, Role, require_roles
from services.matching.dispatch.booking import Booker, PostingsBooker
from services.matching.referrals.client import PostingsActions


def get_booker(request: Request) -> Booker:
    actions = request.app.state.postings_actions
    assert isinstance(actions, PostingsActions)
    return PostingsBooker(actions)


BookerDep = Annotated[Booker, Depends(get_booker)]
StationStaff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
SeekerOnly = Annotated[Principal, Depends(require_roles(Role.SEEKER))]
