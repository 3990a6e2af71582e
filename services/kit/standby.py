"""Reads that may lag, served by a PostgreSQL streaming replica (a hot standby) when one is configured.

A route opts in by declaring its consistency in its OpenAPI operation (so clients read it too):

    @router.get("", openapi_extra=eventual(primary_roles=["employer"]))

Every other route, every write and every read-after-write path uses the primary. An opted-in read goes to
the standby only while the standby answers and its replay lag is within `database_replica.max_lag_seconds`;
otherwise it is served by the primary. The answer says where it was read (`Lingong-Read-From: replica;
lag=0.4` or `primary`), so a caller who sees a stale list knows why.

The lag is measured by a background probe: at each round it notes the primary's WAL insert position, and the
standby's age is the time since the primary first went past the position the standby has replayed (to
within one probe interval; the commit timestamps are not used, so an idle primary shows no false lag).
"""

import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from services.kit.periodic import PeriodicTask
from services.kit.settings import ReplicaSettings

log = logging.getLogger("lingong")

CONSISTENCY = "x-lingong-consistency"
PRIMARY_ROLES = "x-lingong-primary-roles"
READ_FROM_HEADER = "Lingong-Read-From"


def lsn_int(lsn: str) -> int:
    """A pg_lsn ('16/B374D848') as a number."""
    high, _, low = lsn.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def eventual(*, primary_roles: list[str] | None = None) -> dict[str, Any]:
    """The OpenAPI extension of a read that may be served by the standby (roles listed read the primary)."""
    extra: dict[str, Any] = {CONSISTENCY: "eventual"}
    if primary_roles:
        extra[PRIMARY_ROLES] = list(primary_roles)
    return extra


@dataclass(slots=True)
class StandbyState:
    reachable: bool = False
    lag_seconds: float | None = None
    checked_at: float = 0.0  # time.monotonic() of the last probe


class Standby(PeriodicTask[StandbyState]):
    """The standby's engine, its sessions and the probe that decides whether reads may go there."""

    what = "read replica probe"
    task_name = "read-replica-probe"

    def __init__(self, settings: ReplicaSettings, primary: AsyncEngine) -> None:
        super().__init__()
        assert settings.url is not None
        self.settings = settings
        self.primary = primary
        self.engine = create_async_engine(
            settings.url,
            pool_pre_ping=True,
            pool_size=settings.pool_size,
            max_overflow=settings.pool_size,
            connect_args={"timeout": 2},
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self.state = StandbyState()
        # (when, primary WAL position) at each probe: the standby's age is read off these.
        self._seen: deque[tuple[float, int]] = deque(maxlen=4096)

    async def run_once(self) -> StandbyState:
        now = time.monotonic()
        try:
            async with self.primary.connect() as conn:
                # The insert position: a commit that has returned is past it even before the WAL is written.
                position = text("SELECT pg_current_wal_insert_lsn()::text")
                primary_lsn = (await conn.execute(position)).scalar_one()
            async with self.engine.connect() as conn:
                in_recovery, replayed = (
                    await conn.execute(text("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text"))
                ).one()
        except Exception as exc:  # noqa: BLE001 - any failure means the standby is not to be read
            if self.state.reachable:
                log.warning(
                    "read replica unreachable; reads go to the primary", extra={"error": type(exc).__name__}
                )
            self.state = StandbyState(reachable=False, lag_seconds=None, checked_at=now)
            return self.state
        self._seen.append((now, lsn_int(primary_lsn)))
        if not in_recovery or replayed is None:
            self.state = StandbyState(reachable=False, lag_seconds=None, checked_at=now)  # not a standby
        else:
            self.state = StandbyState(
                reachable=True, lag_seconds=self._age(lsn_int(replayed), now), checked_at=now
            )
        return self.state

    def _age(self, replayed: int, now: float) -> float:
        """How old the standby's state is: since the primary first went past what it has replayed."""
        for seen_at, position in self._seen:
            if position > replayed:
                return now - seen_at
        return 0.0

    def usable(self) -> bool:
        """Reads may go to the standby: it answered the last probe, recently, within the lag bound."""
        s = self.state
        fresh = time.monotonic() - s.checked_at <= max(3 * self.settings.probe_seconds, 2.0)
        return (
            s.reachable
            and fresh
            and s.lag_seconds is not None
            and s.lag_seconds <= self.settings.max_lag_seconds
        )

    def mark_unreachable(self) -> None:
        self.state = StandbyState(reachable=False, lag_seconds=None, checked_at=time.monotonic())

    def header(self) -> str:
        return f"replica; lag={self.state.lag_seconds or 0.0:.1f}"

    async def open_session(self) -> AsyncSession | None:
        """A standby session whose connection is already checked out, or None if it cannot connect."""
        session = self.sessionmaker()
        try:
            await session.connection()
        except Exception:  # noqa: BLE001 - fall back to the primary, and say so at the next probe
            await session.close()
            self.mark_unreachable()
            return None
        return session

    async def close(self) -> None:
        await self.stop()
        await self.engine.dispose()
