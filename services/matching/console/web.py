"""The console's page frame: the session cookie, CSRF, preferences, rendering, and the route classes
that turn a missing session, a CSRF failure, a seeker out of reach or an unreachable postings service
into a page (never JSON, never a 500)."""

import hashlib
import hmac
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, select_autoescape

from services.kit.auth import Principal, Role, authenticate
from services.kit.problems import ProblemError
from services.kit.routing import UnitOfWorkRoute
from services.matching.console import prefs
from services.matching.console.config import ConsoleSettings, get_console_settings
from services.matching.referrals.exceptions import PostingsUnreachable

SESSION_COOKIE = "lingong_console"
CSRF_COOKIE = "lingong_csrf"
ANON_LARGE_COOKIE = "lingong_large"
ANON_LANG_COOKIE = "lingong_lang"
CONSOLE_ROLES = frozenset({Role.STAFF, Role.ADMIN})
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

templates = Environment(
    loader=PackageLoader("services.matching.console", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class LoginRequired(Exception):
    """No session, or its token expired or does not verify."""


class CsrfRefused(Exception):
    """A form post without the right CSRF token."""


def console_settings(request: Request) -> ConsoleSettings:
    found = getattr(request.app.state, "console_settings", None)
    return found if isinstance(found, ConsoleSettings) else get_console_settings()


def _sign(request: Request, nonce: str) -> str:
    key = console_settings(request).csrf_secret.get_secret_value().encode()
    return hmac.new(key, f"csrf\x00{nonce}".encode(), hashlib.sha256).hexdigest()


@dataclass(slots=True)
class Page:
    """One request as the console sees it: who is signed in, their preferences, the CSRF token."""

    request: Request
    staff: Principal | None
    token: str | None
    prefs: prefs.Prefs
    nonce: str
    new_nonce: bool
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        return _sign(self.request, self.nonce)

    @property
    def lang(self) -> str:
        return self.prefs.lang

    def t(self, zh: str, en: str) -> str:
        return en if self.prefs.lang == "en" else zh

    def here(self) -> str:
        query = f"?{self.request.url.query}" if self.request.url.query else ""
        return self.request.url.path + query


async def principal_of(request: Request, token: str | None) -> Principal | None:
    """The signed-in staff member, verified like an API bearer token (keys fetched when unknown)."""
    if not token:
        return None
    try:
        principal = await authenticate(request, token)
    except ProblemError:
        return None
    return principal if principal.role in CONSOLE_ROLES else None


async def page_for(request: Request) -> Page:
    """The page context: works signed in or not."""
    token = request.cookies.get(SESSION_COOKIE)
    staff = await principal_of(request, token)
    nonce = request.cookies.get(CSRF_COOKIE, "")
    new_nonce = len(nonce) != 43
    if new_nonce:
        nonce = secrets.token_urlsafe(32)
    chosen = prefs.Prefs(
        request.cookies.get(ANON_LARGE_COOKIE) == "1", _lang(request.cookies.get(ANON_LANG_COOKIE))
    )
    if staff is not None:
        async with request.app.state.sessionmaker() as session:
            chosen = await prefs.load(session, staff.sub) or chosen
    return Page(request, staff, token if staff else None, chosen, nonce, new_nonce)


def _lang(value: str | None) -> str:
    return value if value in prefs.LANGS else "zh"


async def staff_page(request: Request) -> Page:
    """The page context of a signed-in member of staff (else the login page)."""
    page = await page_for(request)
    if page.staff is None:
        raise LoginRequired()
    return page


async def form_of(request: Request, page: Page) -> dict[str, list[str]]:
    """The posted form, once its CSRF token is checked."""
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or page.new_nonce or not hmac.compare_digest(sent, page.csrf):
        raise CsrfRefused()
    out: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            out.setdefault(key, []).append(value)
    return out


def _finish(page: Page, response: Response) -> Response:
    secure = console_settings(page.request).secure_cookies
    if page.new_nonce:
        response.set_cookie(
            CSRF_COOKIE, page.nonce, httponly=True, samesite="strict", secure=secure, path="/console"
        )
    for name, value in page.cookies.items():
        response.set_cookie(name, value, httponly=True, samesite="strict", secure=secure, path="/console")
    response.headers.update(SECURITY_HEADERS)
    return response


def render(page: Page, name: str, status_code: int = 200, **context: Any) -> Response:
    html = templates.get_template(name).render(page=page, t=page.t, **context)
    return _finish(page, HTMLResponse(html, status_code=status_code))


def redirect(page: Page, url: str) -> Response:
    return _finish(page, RedirectResponse(url, status_code=303))


def safe_next(url: str | None, default: str = "/console/") -> str:
    """Only a path inside the console (no other host, no scheme)."""
    if url and url.startswith("/console") and "//" not in url and "\\" not in url:
        return url
    return default


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


async def error_page(
    request: Request, status_code: int, title_zh: str, title_en: str, detail: str = ""
) -> Response:
    page = await page_for(request)
    return render(page, "error.html", status_code, title=page.t(title_zh, title_en), detail=detail)


def _guard(handler: Handler) -> Handler:
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except LoginRequired:
            target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
            return RedirectResponse(f"/console/login?next={target}", status_code=303)
        except CsrfRefused:
            return await error_page(
                request,
                403,
                "表单已过期或来源不明，请返回重新提交",
                "The form expired or did not come from this console",
            )
        except PostingsUnreachable:
            return await error_page(
                request,
                503,
                "岗位服务暂时连不上，本次操作没有执行，请稍后再试",
                "The postings service cannot be reached; nothing was done. Try again shortly.",
            )
        except RequestValidationError:
            return await error_page(request, 404, "未找到", "Not found")
        except ProblemError as exc:
            if exc.status == 404:
                return await error_page(
                    request, 404, "未找到（或不在本站可查看的范围内）", "Not found (or not yours to see)"
                )
            return await error_page(request, exc.status, exc.title_zh, exc.title)

    return run


class PageRoute(APIRoute):
    """A console page without a route-wide unit of work (it opens its own short sessions)."""

    def get_route_handler(self) -> Handler:
        return _guard(super().get_route_handler())


class UowPageRoute(UnitOfWorkRoute):
    """A console page in one unit of work (committed when it answers below 400)."""

    def get_route_handler(self) -> Handler:
        return _guard(super().get_route_handler())
