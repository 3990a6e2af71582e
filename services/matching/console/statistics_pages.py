"""`/console/statistics`: the market watch for staff and admins — alerts, the shortage list and 求人倍率
as server-rendered SVG charts, the funnel and placement rates — and the same tables as downloads.

The page calls the statistics service functions the JSON routes call; nothing is computed here."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from services.kit.uow import SessionDep
from services.matching.console.web import Page, UowPageRoute, render, staff_page
from services.matching.statistics import alerts, service
from services.matching.statistics.charts import Bar, bar_chart
from services.matching.statistics.deps import Reading, area_for, caught_up, settings_of
from services.matching.statistics.exports import export
from services.matching.statistics.schemas import (
    ALERT_COLUMNS,
    FUNNEL_COLUMNS,
    PLACEMENT_COLUMNS,
    SHORTAGE_COLUMNS,
    SUPPLY_DEMAND_COLUMNS,
)
from services.matching.statistics.weeks import WEEK_PATTERN
from services.reference.geo import counties

router = APIRouter(prefix="/console/statistics", route_class=UowPageRoute, include_in_schema=False)
StaffPage = Annotated[Page, Depends(staff_page)]
County = Annotated[str | None, Query(pattern=r"^\d{6}$")]
Week = Annotated[str | None, Query(pattern=WEEK_PATTERN)]
Level = Annotated[int, Query(ge=1, le=2)]
TOP = 15
Table = Literal["supply-demand", "shortages", "alerts", "funnel", "placement"]


async def reading_for(page: Page, session: SessionDep, county: str | None) -> Reading:
    assert page.staff is not None
    settings = settings_of(page.request)
    area = area_for(page.staff, settings, county)
    await caught_up(page.request, settings)
    return Reading(session, page.request.app.state.clock, settings, area)


def shortage_chart(rows: list[dict[str, Any]]) -> str:
    bars = [
        Bar(r["occupation_name"], r["gap"] if isinstance(r["gap"], int) else None, str(r["gap"]))
        for r in rows
    ]
    return bar_chart("shortages", "缺口最大的职业（岗位空缺数 − 求职人数）", bars)


def ratio_chart(rows: list[dict[str, Any]], one_county: bool) -> str:
    """求人倍率 of a county's occupation groups, or of each county, the most vacancies first."""
    if one_county:
        chosen = [r for r in rows if r["occupation_group"] is not None]
        label = "occupation_name"
    else:
        chosen = [r for r in rows if r["occupation_group"] is None]
        label = "county_name"
    chosen = sorted(chosen, key=lambda r: -r["vacancies"])[:TOP]
    bars = [
        Bar(r[label], r["ratio"] if isinstance(r["ratio"], float | int) else None, str(r["ratio"] or "—"))
        for r in chosen
    ]
    return bar_chart("ratio", "求人倍率（岗位空缺数 ÷ 求职人数）", bars)


@router.get("")
async def market_watch(
    page: StaffPage, session: SessionDep, county: County = None, week: Week = None, level: Level = 2
) -> Response:
    reading = await reading_for(page, session, county)
    period, supply_rows = await service.supply_demand(reading, week, level)
    _, last_period, shortage_rows = await service.shortages(reading, week, level, 10)
    alert_rows = alerts.alert_rows(await alerts.alerts(reading), reading.below)
    start, end, funnel_rows, rate_rows = await service.outcomes(reading, None, None)
    one_county = reading.area is not None and len(reading.area) == 1
    query = f"county={county or ''}&week={period.week}&level={level}"
    return render(
        page,
        "statistics/index.html",
        period=period,
        last_period=last_period,
        level=level,
        county=county,
        counties=sorted(counties().values(), key=lambda c: c.adcode) if reading.area is None else [],
        alerts=alert_rows,
        shortages=shortage_rows,
        shortage_chart=shortage_chart(shortage_rows),
        ratio_chart=ratio_chart(supply_rows, one_county),
        funnel=funnel_rows,
        rates=rate_rows,
        start=start,
        end=end,
        below=reading.below,
        query=query,
    )


@router.get("/download")
async def download(
    page: StaffPage,
    session: SessionDep,
    table: Table,
    format: Literal["csv", "xlsx"] = "csv",
    county: County = None,
    week: Week = None,
    level: Level = 2,
) -> Response:
    reading = await reading_for(page, session, county)
    if table == "supply-demand":
        period, rows = await service.supply_demand(reading, week, level)
        return export(
            format, f"supply-demand-{period.week}-L{level}", "求人倍率", SUPPLY_DEMAND_COLUMNS, rows
        )
    if table == "shortages":
        period, _, rows = await service.shortages(reading, week, level, 200)
        return export(format, f"shortages-{period.week}-L{level}", "紧缺职业", SHORTAGE_COLUMNS, rows)
    if table == "alerts":
        rows = alerts.alert_rows(await alerts.alerts(reading), reading.below)
        return export(format, "alerts", "预警", ALERT_COLUMNS, rows)
    _, _, funnel_rows, rate_rows = await service.outcomes(reading, None, None)
    if table == "funnel":
        return export(format, "funnel", "就业服务漏斗", FUNNEL_COLUMNS, funnel_rows)
    return export(format, "placement", "重点群体就业率", PLACEMENT_COLUMNS, rate_rows)
