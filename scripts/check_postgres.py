"""Exit 0 when PostgreSQL answers at TEST_DATABASE_URL, 1 otherwise (used by `make test`)."""

import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from tests.databases import pg_reachable, pg_url  # noqa: E402

sys.exit(0 if asyncio.run(pg_reachable(pg_url())) else 1)
