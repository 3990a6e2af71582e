"""What dispatch routes depend on: the booker that reaches the postings service, the caller's token."""

from typing import Annotated

from fastapi import Depends, Request

from services.kit.auth import Principal, Role, require_roles
from services.matching.dispatch.booking import Booker, PostingsBooker
from services.matching.dispatch.config import DispatchSettings, get_dispatch_settings
from services.matching.referrals.client import PostingsActions


def get_booker(request: Request) -> Booker:
    actions = request.app.state.postings_actions
    assert isinstance(actions, PostingsActions)
    return PostingsBooker(actions)


def dispatch_settings(request: Request) -> DispatchSettings:
    found = getattr(request.app.state, "dispatch_settings", None)
    return found if isinstance(found, DispatchSettings) else get_dispatch_settings()


BookerDep = Annotated[Booker, Depends(get_booker)]
SettingsDep = Annotated[DispatchSettings, Depends(dispatch_settings)]
StationStaff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
SeekerOnly = Annotated[Principal, Depends(require_roles(Role.SEEKER))]
