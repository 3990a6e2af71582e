"""The station console: server-rendered pages for staff at the counter, served by the matching service.

Each page module has its own router; they are joined here so the console is mounted as one domain.
The registration router comes before the seekers router so `/console/seekers/new` is not read as an id."""

from fastapi import APIRouter

from services.matching.console import (
    auth_pages,
    cases_pages,
    dispatch_pages,
    export_pages,
    home,
    print_pages,
    register_pages,
    seekers_pages,
    statistics_pages,
)

router = APIRouter()
for part in (
    auth_pages,
    home,
    register_pages,
    seekers_pages,
    print_pages,
    export_pages,
    dispatch_pages,
    cases_pages,
    statistics_pages,
):
    router.include_router(part.router)
