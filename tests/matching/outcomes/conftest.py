"""The outcomes tests follow the real postings app with the replica's own fixtures."""

from tests.matching.replica.conftest import (  # noqa: F401
    db,
    feed_client,
    make_client,
    make_consumer,
    postings,
    postings_app,
    replica_settings,
    sleeps,
)
