"""`/console/`: the station's day and week at a glance."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from services.kit.uow import SessionDep
from services.matching.console import stats
from services.matching.console.web import Page, UowPageRoute, render, staff_page

router = APIRouter(prefix="/console", route_class=UowPageRoute, include_in_schema=False)
StaffPage = Annotated[Page, Depends(staff_page)]


@router.get("/")
async def today(page: StaffPage, session: SessionDep) -> Response:
    assert page.staff is not None
    week = await stats.station_week(session, page.staff, page.request.app.state.clock.now())
    return render(page, "home.html", week=week)
