"""The suite's shared routes (tests/route_contexts.py): built once, and every app's overrides still exact."""

import httpx
from fastapi import APIRouter, Depends, FastAPI

from tests import route_contexts


def greeting() -> str:
    return "real"


router = APIRouter()


@router.get("/greet")
async def greet(word: str = Depends(greeting)) -> dict[str, str]:
    return {"word": word}


def app_with_router() -> FastAPI:
    app = FastAPI()
    app.include_router(router, prefix="/v1")
    return app


async def word(app: FastAPI) -> str:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/v1/greet")
        assert response.status_code == 200
        return str(response.json()["word"])


def test_the_suite_shares_routes_between_apps() -> None:
    assert route_contexts.install() is True


async def test_a_second_app_of_the_same_routes_builds_none_of_them_again() -> None:
    await word(app_with_router())
    kept = route_contexts.shared_routes()
    assert await word(app_with_router()) == "real"
    assert route_contexts.shared_routes() == kept


async def test_an_override_set_before_the_first_request_applies() -> None:
    app = app_with_router()
    app.dependency_overrides[greeting] = lambda: "overridden"
    assert await word(app) == "overridden"


async def test_an_override_set_after_the_first_request_applies_and_clearing_it_restores_the_real_one() -> (
    None
):
    app = app_with_router()
    assert await word(app) == "real"
    app.dependency_overrides[greeting] = lambda: "overridden"
    assert await word(app) == "overridden"
    app.dependency_overrides.clear()
    assert await word(app) == "real"


async def test_one_apps_override_is_not_seen_by_another_app_of_the_same_routes() -> None:
    first, second = app_with_router(), app_with_router()
    assert await word(second) == "real"
    first.dependency_overrides[greeting] = lambda: "overridden"
    assert await word(first) == "overridden"
    assert await word(second) == "real"
    assert await word(app_with_router()) == "real"
