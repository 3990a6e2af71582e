"""Where notifications go: a `Sender` delivers one message. The log sender is the default; an SMS
gateway adapter implements the same protocol (see `SmsSender`)."""

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger("lingong.postings.notifications")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message as the sender sees it: who (by id), what kind, about what; never a phone number."""

    id: uuid.UUID
    recipient_kind: str  # seeker | employer | station | county
    recipient_id: str
    type: str
    subject_id: str | None
    data: dict[str, Any] = field(default_factory=dict)


class DeliveryFailed(Exception):
    """The message could not be delivered now; the dispatcher retries it later with backoff."""


class Sender(Protocol):
    async def send(self, message: Outgoing) -> None:
        """Deliver one message or raise (DeliveryFailed for a retryable failure)."""
        ...


class LogSender:
    """Logs that a message went out: its type and recipient id only, no body and no personal data."""

    async def send(self, message: Outgoing) -> None:
        log.info(
            "notification",
            extra={
                "notification_type": message.type,
                "recipient_kind": message.recipient_kind,
                "recipient_id": message.recipient_id,
            },
        )


class SmsSender:
    """The interface an SMS gateway adapter implements (a stub: production provides the adapter).

    An adapter:
    - resolves the recipient's phone number itself, at send time, from the system that holds contacts
      (the matching service's seeker profile with the seeker's consent, the employer's registered
      contact, the station's duty phone); this service never stores or logs phone numbers;
    - maps `message.type` to a template registered with the carrier (China's SMS rules require
      pre-approved templates and a signature such as 【零工市场】) and fills it from `message.data`,
      which holds only ids, times and amounts;
    - sends with a short timeout (a few seconds) and raises `DeliveryFailed` on a timeout, a 5xx or a
      carrier throttle, so the dispatcher retries with backoff; any other exception counts as failed too;
    - is idempotent on `message.id` where the gateway supports a client reference, since delivery is
      at least once (a crash between sending and recording retries the message).
    """

    async def send(self, message: Outgoing) -> None:
        raise NotImplementedError("configure an SMS gateway adapter")


def outgoing(row: Any) -> Outgoing:
    return Outgoing(
        id=row.id,
        recipient_kind=row.recipient_kind,
        recipient_id=row.recipient_id,
        type=row.type,
        subject_id=row.subject_id,
        data=dict(row.data or {}),
    )
