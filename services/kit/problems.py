"""RFC 9457 problem details: domain exceptions carry status and code; one set of handlers renders them."""

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

log = logging.getLogger("lingong.problems")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://lingong.example.org/problems/"


class Problem(BaseModel):
    """The problem body every 4xx and 5xx carries."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[PROBLEM_BASE + "not_found"])
    title: str = Field(examples=["Not found"])
    title_zh: str = Field(examples=["未找到"])
    status: int = Field(examples=[404])
    code: str = Field(examples=["not_found"], description="Stable machine-readable code")
    detail: str | None = None
    instance: str | None = None


class ProblemError(Exception):
    """Base of every domain exception: subclasses set status, code and both titles."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"
    title_zh: ClassVar[str] = "请求有误"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.extra = extra
        self.headers: dict[str, str] = {}

    def body(self, instance: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": PROBLEM_BASE + self.code,
            "title": self.title,
            "title_zh": self.title_zh,
            "status": self.status,
            "code": self.code,
        }
        if self.detail:
            out["detail"] = self.detail
        if instance:
            out["instance"] = instance
        out.update(self.extra)
        return out


class NotFound(ProblemError):
    status, code, title, title_zh = 404, "not_found", "Not found", "未找到"


class Conflict(ProblemError):
    status, code, title, title_zh = 409, "conflict", "Conflict with the current state", "与当前状态冲突"


class InvalidInput(ProblemError):
    status, code, title, title_zh = 422, "invalid_input", "Invalid input", "输入无效"


class Unauthorized(ProblemError):
    status, code, title, title_zh = 401, "unauthorized", "Authentication required", "需要身份认证"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.headers["WWW-Authenticate"] = 'Bearer realm="lingong"'


class Forbidden(ProblemError):
    status, code, title, title_zh = 403, "forbidden", "Not allowed for this role", "当前角色无权操作"


class PreconditionFailed(ProblemError):
    status, code, title, title_zh = (
        412,
        "stale_etag",
        "The resource changed since you read it",
        "资源已被修改",
    )


class PreconditionRequired(ProblemError):
    status, code = 428, "if_match_required"
    title, title_zh = "If-Match with the current ETag is required", "更新需要携带 If-Match 请求头"


class ServiceBusy(ProblemError):
    status, code, title, title_zh = 503, "busy", "Busy, try again shortly", "系统繁忙，请稍后重试"


_HTTP_CODES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Bad request", "请求有误"),
    401: ("unauthorized", "Authentication required", "需要身份认证"),
    403: ("forbidden", "Not allowed", "无权操作"),
    404: ("not_found", "Not found", "未找到"),
    405: ("method_not_allowed", "Method not allowed", "不支持该请求方法"),
    413: ("body_too_large", "Request body too large", "请求体过大"),
    415: ("unsupported_media_type", "Unsupported media type", "不支持的内容类型"),
    422: ("invalid_input", "Invalid input", "输入无效"),
}


def problem_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _request_id(request: Request) -> str | None:
    rid = request.scope.get("lingong.request_id")
    return rid if isinstance(rid, str) else None


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    body = exc.body(instance=request.url.path)
    body["request_id"] = _request_id(request)
    return problem_response(exc.status, body, exc.headers or None)


def _clean_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        out.append({"loc": loc, "type": err.get("type"), "msg": err.get("msg")})
    return out


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _clean_errors(exc.errors())
    json_broken = any(e["type"] in ("json_invalid", "json_type") for e in errors)
    code = "malformed_json" if json_broken else "validation_failed"
    body = {
        "type": PROBLEM_BASE + code,
        "title": "The request body is not valid JSON" if json_broken else "The request failed validation",
        "title_zh": "请求体不是有效的 JSON" if json_broken else "请求内容未通过校验",
        "status": 422,
        "code": code,
        "instance": request.url.path,
        "request_id": _request_id(request),
        "errors": errors[:50],
    }
    return problem_response(422, body)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, title, title_zh = _HTTP_CODES.get(exc.status_code, ("http_error", "HTTP error", "请求错误"))
    body = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "title_zh": title_zh,
        "status": exc.status_code,
        "code": code,
        "instance": request.url.path,
        "request_id": _request_id(request),
    }
    if isinstance(exc.detail, str) and exc.detail and exc.detail != title:
        body["detail"] = exc.detail
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem_response(exc.status_code, body, headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette's own 405 names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(request.url.path):
            methods |= route.methods
    return sorted(methods - {"HEAD"})


def _is_busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "could not serialize" in text or "deadlock detected" in text


async def _on_db_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, OperationalError | DBAPIError) and _is_busy(exc):
        busy = ServiceBusy()
        busy.headers["Retry-After"] = "1"
        return await _on_problem(request, busy)
    return await _on_unexpected(request, exc)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"error_type": type(exc).__name__})
    body = {
        "type": PROBLEM_BASE + "internal_error",
        "title": "Internal error",
        "title_zh": "系统内部错误",
        "status": 500,
        "code": "internal_error",
        "request_id": _request_id(request),
    }
    return problem_response(500, body)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(DBAPIError, _on_db_error)
    app.add_exception_handler(Exception, _on_unexpected)


def problem_responses(*errors: type[ProblemError]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: every problem it can return, so OpenAPI tells the whole truth."""
    out: dict[int | str, dict[str, Any]] = {}
    everything: tuple[type[ProblemError], ...] = (*errors, Unauthorized)
    for err in everything:
        entry = out.setdefault(err.status, {"model": Problem, "description": ""})
        codes = entry["description"].split(", ") if entry["description"] else []
        if err.code not in codes:
            codes.append(err.code)
        entry["description"] = ", ".join(codes)
    out.setdefault(422, {"model": Problem, "description": "validation_failed"})
    out.setdefault(429, {"model": Problem, "description": "rate_limited"})
    busy = out.setdefault(503, {"model": Problem, "description": ""})  # kit/shedding.py, on any route
    busy["description"] = ", ".join([c for c in busy["description"].split(", ") if c] + ["overloaded"])
    return out
