"""The station console: server-rendered pages for staff at the counter, served by the matching service.

Each page module has its own router; they are joined here so the console is mounted as one domain."""

from fastapi import APIRouter

from services.matching.console import auth_pages, dispatch_pages, home

router = APIRouter()
for part in (auth_pages, home, dispatch_pages):
    router.include_router(part.router)
