"""The Redis the rate-limit tests share, with a key prefix of each test's own."""

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A fresh key prefix on the test Redis; its keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        client.close()
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and Redis does not answer at {REDIS_URL} (TEST_REDIS_URL)")
        pytest.skip(f"Redis does not answer at {REDIS_URL} (TEST_REDIS_URL)")
    prefix = f"lingong-test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()
