from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from services.kit.problems import Forbidden, InvalidInput
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.kit.standby import eventual
from services.matching.statistics import alerts, service
from services.matching.statistics.deps import Reading, ReadingDep
from services.matching.statistics.exceptions import (
    CountyOutOfScope,
    DatesOutOfOrder,
    InvalidPeriod,
    InvalidWeek,
    NoCountyScope,
    UnknownCounty,
    WeekNotRecorded,
)
from services.matching.statistics.exports import EXPORT_RESPONSES, Format, export
from services.matching.statistics.schemas import (
    ALERT_COLUMNS,
    FUNNEL_COLUMNS,
    PLACEMENT_COLUMNS,
    SHORTAGE_COLUMNS,
    SUPPLY_DEMAND_COLUMNS,
    AlertList,
    OutcomeTables,
    ShortageTable,
    SupplyDemandTable,
)
from services.matching.statistics.weeks import WEEK_PATTERN, previous_week, week_of

router = APIRouter(prefix="/v1", tags=["statistics"], route_class=UnitOfWorkRoute)

WeekQuery = Annotated[
    str | None, Query(pattern=WEEK_PATTERN, description="ISO week, Beijing time (default: this week)")
]
LevelQuery = Annotated[int, Query(ge=1, le=2, description="Occupation level: 1 major group, 2 medium group")]
FormatQuery = Annotated[Format, Query(description="json, or a download: csv or xlsx")]
READ_PROBLEMS = problems(
    Forbidden, CountyOutOfScope, NoCountyScope, UnknownCounty, InvalidWeek, WeekNotRecorded, InvalidInput
)


def _about(reading: Reading, period: service.Period, level: int) -> dict[str, Any]:
    """What a weekly table says about itself."""
    return {
        "week": period.week,
        "level": level,
        "source": period.source,
        "as_of": reading.clock.now(),
        "suppressed_below": reading.below,
    }


@router.get(
    "/statistics/supply-demand",
    openapi_extra=eventual(),
    response_model=SupplyDemandTable,
    summary="求人倍率: vacancies and seekers by county × occupation group in a week (staff: own county)",
    responses={**READ_PROBLEMS, **EXPORT_RESPONSES},
)
async def supply_demand(
    reading: ReadingDep, week: WeekQuery = None, level: LevelQuery = 2, format: FormatQuery = "json"
) -> SupplyDemandTable | Response:
    period, rows = await service.supply_demand(reading, week, level)
    if format != "json":
        name = f"supply-demand-{period.week}-L{level}"
        return export(format, name, "求人倍率", SUPPLY_DEMAND_COLUMNS, rows)
    table = SupplyDemandTable.model_validate(_about(reading, period, level) | {"rows": rows})
    # Checked once here and written straight out: the table has thousands of rows.
    return Response(table.model_dump_json(), media_type="application/json")


@router.get(
    "/statistics/shortages",
    openapi_extra=eventual(),
    response_model=ShortageTable,
    summary="企业急需紧缺用工: occupations ranked by demand minus supply, with last week's rank",
    responses={**READ_PROBLEMS, **EXPORT_RESPONSES},
)
async def shortages(
    reading: ReadingDep,
    week: WeekQuery = None,
    level: LevelQuery = 2,
    limit: Annotated[int, Query(ge=1, le=200, description="Occupations listed")] = 50,
    format: FormatQuery = "json",
) -> ShortageTable | Response:
    period, before, rows = await service.shortages(reading, week, level, limit)
    if format != "json":
        return export(format, f"shortages-{period.week}-L{level}", "紧缺职业", SHORTAGE_COLUMNS, rows)
    return ShortageTable.model_validate(
        _about(reading, period, level) | {"last_period": before, "rows": rows}
    )


@router.get(
    "/alerts",
    openapi_extra=eventual(),
    response_model=AlertList,
    summary="Early warning: signals raised now (yellow, orange, red) with the figures behind each",
    responses={
        **problems(Forbidden, CountyOutOfScope, NoCountyScope, UnknownCounty, InvalidInput),
        **EXPORT_RESPONSES,
    },
)
async def list_alerts(
    reading: ReadingDep,
    signal: Annotated[alerts.Signal | None, Query(description="Only this signal")] = None,
    level: Annotated[alerts.Level, Query(description="This level and above")] = alerts.Level.YELLOW,
    format: FormatQuery = "json",
) -> AlertList | Response:
    found = [
        a
        for a in await alerts.alerts(reading)
        if (signal is None or a.signal == signal) and alerts.SEVERITY[a.level] <= alerts.SEVERITY[level]
    ]
    rows = alerts.alert_rows(found, reading.below)
    now = reading.clock.now()
    if format != "json":
        return export(format, f"alerts-{now:%Y%m%d}", "预警", ALERT_COLUMNS, rows)
    week = week_of(now)
    return AlertList.model_validate(
        {
            "as_of": now,
            "week": week,
            "last_period": previous_week(week),
            "suppressed_below": reading.below,
            "alerts": rows,
        }
    )


@router.get(
    "/statistics/outcomes",
    openapi_extra=eventual(),
    response_model=OutcomeTables,
    response_model_by_alias=True,
    summary="Funnel (referrals → applications → accepted/booked → completed → paid) by county and "
    "station, and the placement rate of each priority group next to everyone's",
    responses={
        **problems(
            Forbidden,
            CountyOutOfScope,
            NoCountyScope,
            UnknownCounty,
            DatesOutOfOrder,
            InvalidPeriod,
            InvalidInput,
        ),
        **EXPORT_RESPONSES,
    },
)
async def outcomes(
    reading: ReadingDep,
    date_from: Annotated[
        date | None, Query(alias="from", description="First day, Beijing (default: 29 days ago)")
    ] = None,
    date_to: Annotated[
        date | None, Query(alias="to", description="Last day, Beijing (default: today)")
    ] = None,
    table: Annotated[
        Literal["funnel", "placement"], Query(description="Which table a download holds")
    ] = "funnel",
    format: FormatQuery = "json",
) -> OutcomeTables | Response:
    start, end, funnel_rows, rate_rows = await service.outcomes(reading, date_from, date_to)
    if format != "json":
        name = f"{table}-{start:%Y%m%d}-{end:%Y%m%d}"
        if table == "funnel":
            return export(format, name, "就业服务漏斗", FUNNEL_COLUMNS, funnel_rows)
        return export(format, name, "重点群体就业率", PLACEMENT_COLUMNS, rate_rows)
    return OutcomeTables.model_validate(
        {
            "from": start,
            "to": end,
            "as_of": reading.clock.now(),
            "suppressed_below": reading.below,
            "funnel": funnel_rows,
            "placement": rate_rows,
        }
    )
