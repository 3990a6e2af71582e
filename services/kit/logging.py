"""Logs with a request id (and, inside a span, its trace id), JSON for machines or short lines for a
person at a terminal; no personal data (paths are logged as route templates)."""

import logging
import sys
import time
import uuid
from contextvars import ContextVar
from typing import IO

from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
REQUEST_ID_HEADER = b"x-request-id"
_SAFE_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

access_log = logging.getLogger("lingong.access")
# Libraries that log personal data below WARNING: client libraries log full URLs, query strings included;
# the SQLite driver logs every statement with its parameters and SQLAlchemy its statements and rows at
# DEBUG. They stay at warnings even when the service logs at DEBUG (tests/matching/privacy scans for it).
QUIET_LIBRARIES = ("httpx", "httpcore", "aiosqlite", "sqlalchemy", "asyncpg")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class TraceIdFilter(logging.Filter):
    """Adds `trace_id` (32 hex digits) to a line logged while a sampled span is current, so a log line
    leads to its trace; nothing otherwise. With tracing off OpenTelemetry is never imported and no span
    is ever current: the check is one dictionary look-up."""

    def filter(self, record: logging.LogRecord) -> bool:
        otel = sys.modules.get("opentelemetry.trace")
        if otel is not None:
            context = otel.get_current_span().get_span_context()
            if context.is_valid and context.trace_flags.sampled:
                record.trace_id = f"{context.trace_id:032x}"
        return True


_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "color_message",  # uvicorn's coloured copy of the message
    "taskName",
}


class TextFormatter(logging.Formatter):
    """One short line a person can read: time, level, who, what happened and its details."""

    def format(self, record: logging.LogRecord) -> str:
        when = self.formatTime(record, "%H:%M:%S")
        who = record.name.removeprefix("lingong.").split(".")[0]
        details = {k: v for k, v in record.__dict__.items() if k not in _RECORD_FIELDS}
        if record.name == access_log.name:
            who = str(details.pop("service", who))
            text = f"{details.pop('method', '')} {details.pop('route', '')} → {details.pop('status', '')}"
            text += f" ({details.pop('duration_ms', 0):.0f} ms)"
        else:
            text = record.getMessage()
        if details:
            text += " (" + ", ".join(f"{k}={v}" for k, v in details.items()) + ")"
        line = f"{when} {record.levelname:<7} {who:<9} {text}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(level: str = "INFO", json_logs: bool = True, stream: IO[str] | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    fmt = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
    handler.setFormatter(JsonFormatter(fmt) if json_logs else TextFormatter())
    handler.addFilter(_RequestIdFilter())
    handler.addFilter(TraceIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True
    for noisy in QUIET_LIBRARIES:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER:
            text = str(value.decode("latin-1"))[:64]
            if text and set(text) <= _SAFE_ID:
                return text
    return None


class RequestContextMiddleware:
    """Pure ASGI: assigns a request id, echoes it, logs one access line per request (a successful
    request to one of `quiet_routes`, such as a feed's long-poll, only at DEBUG)."""

    def __init__(self, app: ASGIApp, service: str = "", quiet_routes: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.service = service
        self.quiet_routes = quiet_routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_id(scope) or uuid.uuid4().hex
        scope["lingong.request_id"] = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((REQUEST_ID_HEADER, rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            template = getattr(scope.get("route"), "path", "unmatched")
            quiet = status < 400 and template in self.quiet_routes
            access_log.log(
                logging.DEBUG if quiet else logging.INFO,
                "request",
                extra={
                    "service": self.service,
                    "method": scope.get("method"),
                    "route": template,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)
