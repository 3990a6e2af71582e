"""Sign in and out, preferences (大字模式, language) and the console's static files."""

import secrets
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse

from services.kit.auth import Role, mint_token
from services.kit.uow import SessionDep
from services.matching.console import geomap, prefs
from services.matching.console.web import (
    ANON_LANG_COOKIE,
    ANON_LARGE_COOKIE,
    CSRF_COOKIE,
    SESSION_COOKIE,
    Page,
    UowPageRoute,
    console_settings,
    form_of,
    page_for,
    principal_of,
    redirect,
    render,
    safe_next,
)

router = APIRouter(prefix="/console", route_class=UowPageRoute, include_in_schema=False)
PageDep = Annotated[Page, Depends(page_for)]
STATIC = {"console.css": "text/css", "print.css": "text/css", "console.js": "text/javascript"}


def _demo_enabled(request: Request) -> bool:
    auth = request.app.state.settings.auth
    return bool(auth.mode == "local" and auth.dev_tokens)


def _login_form(
    page: Page, next_: str, errors: dict[str, str], status: int = 200, expired: bool = False
) -> Response:
    return render(
        page,
        "login.html",
        status,
        errors=errors,
        next=safe_next(next_),
        demo=_demo_enabled(page.request),
        expired=expired,
    )


@router.get("/login")
async def login_page(page: PageDep, next_: Annotated[str, Query(alias="next")] = "/console/") -> Response:
    if page.staff is not None:
        return redirect(page, safe_next(next_))
    return _login_form(page, next_, {}, expired=bool(page.request.cookies.get(SESSION_COOKIE)))


def _signed_in(page: Page, token: str, next_: str) -> Response:
    page.cookies[SESSION_COOKIE] = token
    page.new_nonce = True  # a fresh CSRF nonce with every new session
    page.nonce = secrets.token_urlsafe(32)
    return redirect(page, safe_next(next_))


@router.post("/login")
async def login(request: Request, page: PageDep) -> Response:
    form = await form_of(request, page)
    token = (form.get("token") or [""])[0].strip()
    next_ = (form.get("next") or ["/console/"])[0]
    if not token:
        return _login_form(page, next_, {"token": page.t("请粘贴登录令牌", "Paste the sign-in token")}, 422)
    if await principal_of(request, token) is None:
        message = page.t(
            "令牌无效、已过期，或不是工作人员的令牌", "The token is invalid, expired or not a staff token"
        )
        return _login_form(page, next_, {"token": message}, 422)
    return _signed_in(page, token, next_)


@router.post("/login/demo")
async def demo_login(request: Request, page: PageDep) -> Response:
    form = await form_of(request, page)
    if not _demo_enabled(request):
        return _login_form(page, "/console/", {"token": page.t("演示登录未开启", "Demo sign-in is off")}, 403)
    settings = console_settings(request)
    token = mint_token(
        request.app.state.settings.auth,
        Role.STAFF,
        settings.demo_sub,
        station_id=settings.demo_station,
        ttl=settings.session_hours * 3600,
        extra={"county_adcode": settings.demo_county},
    )
    return _signed_in(page, token, (form.get("next") or ["/console/"])[0])


@router.post("/logout")
async def logout(request: Request, page: PageDep) -> Response:
    await form_of(request, page)
    response = redirect(page, "/console/login")
    response.delete_cookie(SESSION_COOKIE, path="/console")
    response.delete_cookie(CSRF_COOKIE, path="/console")
    return response


@router.post("/preferences")
async def set_preferences(request: Request, page: PageDep, session: SessionDep) -> Response:
    form = await form_of(request, page)
    large = page.prefs.large
    if "large" in form:
        large = form["large"][0] == "1"
    lang = form["lang"][0] if form.get("lang", [""])[0] in prefs.LANGS else page.prefs.lang
    chosen = prefs.Prefs(large, lang)
    if page.staff is not None:
        await prefs.save(session, page.staff.sub, chosen, request.app.state.clock.now())
    else:
        page.cookies[ANON_LARGE_COOKIE] = "1" if large else "0"
        page.cookies[ANON_LANG_COOKIE] = lang
    page.prefs = chosen
    return redirect(page, safe_next((form.get("next") or ["/console/"])[0]))


@router.get("/static/shandong-map.svg")
async def shandong_map() -> Response:
    """The offline map the registration form's point picker shows."""
    return Response(geomap.svg(), media_type="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in STATIC:
        return Response(status_code=404)
    path = resources.files("services.matching.console") / "static" / name
    with resources.as_file(path) as real:
        return FileResponse(real, media_type=STATIC[name], headers={"Cache-Control": "max-age=3600"})
