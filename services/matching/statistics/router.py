from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.kit.problems import Forbidden, InvalidInput
from services.kit.problems import problem_responses as problems
from services.kit.routing import UnitOfWorkRoute
from services.matching.statistics import service
from services.matching.statistics.deps import ReadingDep
from services.matching.statistics.exceptions import (
    CountyOutOfScope,
    InvalidWeek,
    NoCountyScope,
    UnknownCounty,
    WeekNotRecorded,
)
from services.matching.statistics.exports import EXPORT_RESPONSES, Format, export
from services.matching.statistics.schemas import (
    SHORTAGE_COLUMNS,
    SUPPLY_DEMAND_COLUMNS,
    ShortageTable,
    SupplyDemandTable,
)
from services.matching.statistics.weeks import WEEK_PATTERN

router = APIRouter(prefix="/v1/statistics", tags=["statistics"], route_class=UnitOfWorkRoute)

WeekQuery = Annotated[
    str | None, Query(pattern=WEEK_PATTERN, description="ISO week, Beijing time (default: this week)")
]
LevelQuery = Annotated[int, Query(ge=1, le=2, description="Occupation level: 1 major group, 2 medium group")]
FormatQuery = Annotated[Format, Query(description="json, or a download: csv or xlsx")]
READ_PROBLEMS = problems(
    Forbidden, CountyOutOfScope, NoCountyScope, UnknownCounty, InvalidWeek, WeekNotRecorded, InvalidInput
)


@router.get(
    "/supply-demand",
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
    return SupplyDemandTable.model_validate(
        {
            "week": period.week,
            "level": level,
            "source": period.source,
            "as_of": reading.clock.now(),
            "suppressed_below": reading.below,
            "rows": rows,
        }
    )


@router.get(
    "/shortages",
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
        {
            "week": period.week,
            "last_period": before,
            "level": level,
            "source": period.source,
            "as_of": reading.clock.now(),
            "suppressed_below": reading.below,
            "rows": rows,
        }
    )
