"""The in-process impression buffer: responses append rows, a background task inserts them in batches.

Appending is a deque extend under the event loop (no I/O), so serving a list costs microseconds more.
The buffer is bounded: past `buffer_max` rows, new impressions are dropped and counted, never waited for.
"""

import logging
from collections import deque
from collections.abc import Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kit.periodic import PeriodicTask
from services.kit.uow import unit_of_work
from services.matching.impressions.config import ImpressionSettings
from services.matching.impressions.models import Impression

log = logging.getLogger("lingong.impressions")
Row = dict[str, Any]


class ImpressionBuffer:
    def __init__(self, settings: ImpressionSettings, registry: CollectorRegistry | None = None) -> None:
        self.settings = settings
        self.rows: deque[Row] = deque()
        self.dropped = 0  # rows refused because the buffer was full, or lost to a failed write
        self.written = 0
        self._dropped = self._written = self._held = None
        if registry is not None:
            self._dropped = Counter(
                "matching_impressions_dropped_total",
                "Impressions not recorded: the buffer was full (overflow) or a write failed",
                ["reason"],
                registry=registry,
            )
            self._written = Counter(
                "matching_impressions_written_total", "Impressions inserted", registry=registry
            )
            self._held = Gauge("matching_impressions_buffered", "Impressions waiting", registry=registry)

    def __len__(self) -> int:
        return len(self.rows)

    def offer(self, rows: Sequence[Row]) -> int:
        """Keep as many of `rows` as there is room for; returns how many were dropped."""
        room = max(0, self.settings.buffer_max - len(self.rows))
        kept = rows if len(rows) <= room else rows[:room]
        self.rows.extend(kept)
        lost = len(rows) - len(kept)
        if lost:
            self._drop(lost, "overflow")
        if self._held is not None:
            self._held.set(len(self.rows))
        return lost

    def _drop(self, n: int, reason: str) -> None:
        self.dropped += n
        if self._dropped is not None:
            self._dropped.labels(reason).inc(n)

    async def flush(self, sessionmaker: async_sessionmaker[AsyncSession]) -> int:
        """Insert everything held, `batch_rows` per statement and transaction; returns rows written.
        A batch whose write fails is dropped and counted (the next one is tried)."""
        written = 0
        while self.rows:
            n = min(len(self.rows), self.settings.batch_rows)
            batch = [self.rows.popleft() for _ in range(n)]
            try:
                async with unit_of_work(sessionmaker) as session:
                    await session.execute(insert(Impression), batch)
            except Exception:
                log.exception("impressions could not be written", extra={"count": n})
                self._drop(n, "write_failed")
                break
            written += n
        self.written += written
        if self._written is not None and written:
            self._written.inc(written)
        if self._held is not None:
            self._held.set(len(self.rows))
        return written


class ImpressionWriter(PeriodicTask[int]):
    what = "impression writer"
    task_name = "impressions-writer"
    span_name = "impressions flush"
    log = log

    def __init__(self, buffer: ImpressionBuffer, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        super().__init__()
        self.buffer, self.sessionmaker = buffer, sessionmaker

    async def run_once(self) -> int:
        return await self.buffer.flush(self.sessionmaker)

    def work(self, result: int) -> dict[str, int] | None:
        return {"impressions.written": result} if result else None
