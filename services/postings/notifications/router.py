from typing import Annotated

from fastapi import APIRouter, Query

from services.kit.auth import PrincipalDep
from services.kit.pagination import Page, PageDep
from services.kit.routing import UnitOfWorkRoute
from services.postings.deps import CtxDep
from services.postings.notifications import service
from services.postings.notifications.schemas import NotificationRead
from services.postings.notifications.service import Kind

router = APIRouter(prefix="/v1/notifications", tags=["notifications"], route_class=UnitOfWorkRoute)


@router.get(
    "",
    response_model=Page[NotificationRead],
    summary="Your messages (in-app inbox): a seeker's, an employer's, a station's and its county desk's",
)
async def inbox(
    ctx: CtxDep,
    principal: PrincipalDep,
    page: PageDep,
    type_: Annotated[Kind | None, Query(alias="type")] = None,
) -> Page[NotificationRead]:
    rows, cursor = await service.inbox(ctx, principal, page, type_.value if type_ else None)
    return Page(items=[NotificationRead.model_validate(r) for r in rows], next_cursor=cursor)
