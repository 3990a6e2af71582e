"""The replica's status: the stored cursor and dead letters, and this process's consumer."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import as_utc
from services.matching.replica import service
from services.matching.replica.consumer import ConsumerState, ReplicaConsumer
from services.matching.replica.schemas import ConsumerStatus, ReplicaStatus, SourceHealth


async def build_status(
    session: AsyncSession, source: str, consumer: ReplicaConsumer | None, now: datetime
) -> ReplicaStatus:
    cursor = await service.read_cursor(session, source)
    seq = cursor.seq if cursor is not None else 0
    last_event_at = as_utc(cursor.last_event_at) if cursor and cursor.last_event_at else None
    state = consumer.state if consumer is not None else ConsumerState(state="disabled")
    head = None if state.feed_head is None else max(state.feed_head, seq)
    lag_events = None if head is None else head - seq
    if lag_events == 0 and state.head_exact:
        lag_seconds: float | None = 0.0
    elif last_event_at is not None:
        lag_seconds = max(0.0, (now - last_event_at).total_seconds())
    else:
        lag_seconds = None
    return ReplicaStatus(
        source=source,
        cursor=seq,
        events_consumed=cursor.events if cursor is not None else 0,
        last_applied_at=cursor.updated_at if cursor is not None else None,
        last_event_at=last_event_at,
        feed_head=head,
        lag_events=lag_events,
        lag_events_exact=state.head_exact,
        lag_seconds=lag_seconds,
        dead_letters=await service.dead_letter_count(session, source),
        consumer=ConsumerStatus(
            state=state.state,
            last_error=state.last_error,
            last_error_cause=state.last_error_cause,
            consecutive_failures=state.consecutive_failures,
            last_poll_at=state.last_poll_at,
        ),
        source_health=source_health(consumer),
    )


def source_health(consumer: ReplicaConsumer | None) -> SourceHealth:
    """Can this process's consumer reach its feed (unknown when it has none or has not polled yet)."""
    state = consumer.state if consumer is not None else None
    if state is None or state.unreachable_since is None:
        known = state is not None and state.last_poll_at is not None
        return SourceHealth(reachable=True if known else None)
    return SourceHealth(
        reachable=False,
        last_error_code=state.last_error_cause or state.last_error,
        since=state.unreachable_since,
    )
