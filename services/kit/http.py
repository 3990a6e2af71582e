"""Outgoing HTTP: every client in a process verifies TLS with one shared context.

httpx builds a new `ssl.SSLContext` for each client it makes with `verify=True`, reading the whole CA
bundle again: about 30 ms of CPU a client. The services make a client per app (the postings service asking
matching whom staff reach, the replica, referrals) and some per call (JWKS fetches, `serve`'s readiness
wait), so they share the one made here. Make every outgoing client with `client(...)` (httpx.AsyncClient's
arguments), which passes it. It honours `SSL_CERT_FILE` and `SSL_CERT_DIR` as httpx's own default does.
"""

import functools
import ssl
from typing import Any

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's context for verifying servers (made on first use; an SSLContext may be shared)."""
    return httpx.create_ssl_context()


def client(**kwargs: Any) -> httpx.AsyncClient:
    """An outgoing HTTP client verifying servers with the shared context (httpx.AsyncClient's arguments;
    a `verify` given overrides it)."""
    kwargs.setdefault("verify", tls_context())
    return httpx.AsyncClient(**kwargs)
