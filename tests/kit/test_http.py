"""Outgoing HTTP clients verify servers with one shared TLS context."""

import ssl

from services.kit.http import client, tls_context


def test_the_shared_context_verifies_certificates_and_host_names() -> None:
    context = tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] > 0  # a CA bundle is loaded


def test_every_caller_gets_the_same_context() -> None:
    assert tls_context() is tls_context()


async def test_a_client_made_by_the_kit_verifies_with_the_shared_context() -> None:
    async with client() as made:
        pool = made._transport._pool  # type: ignore[attr-defined]  # httpx keeps the context on its pool

        assert pool._ssl_context is tls_context()
