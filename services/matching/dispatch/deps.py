"""What dispatch routes depend on: the booker that reaches the postings service, the caller's token."""

from typing import Annotated

from fastapi import Depends, Request

from services.kit.auth import Principal, Role, require_roles
from services.matching.dispatch.booking import Booker
from services.matching.dispatch.exceptions import BookingUnavailable


def get_booker(request: Request) -> Booker:
    booker = getattr(request.app.state, "dispatch_booker", None)
    if booker is None:
        raise BookingUnavailable()
    return booker  # type: ignore[no-any-return]


def bearer_token(request: Request) -> str:
    """The caller's own token: bookings are made as this member of staff, naming their station."""
    return request.headers.get("authorization", "").partition(" ")[2].strip()


BookerDep = Annotated[Booker, Depends(get_booker)]
TokenDep = Annotated[str, Depends(bearer_token)]
StationStaff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
SeekerOnly = Annotated[Principal, Depends(require_roles(Role.SEEKER))]
