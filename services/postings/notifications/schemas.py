import uuid
from typing import Any

from services.kit.schemas import OutputModel, UtcDatetime


class NotificationRead(OutputModel):
    id: uuid.UUID
    recipient_kind: str
    recipient_id: str
    type: str
    subject_id: str | None
    data: dict[str, Any]
    status: str
    not_before: UtcDatetime
    sent_at: UtcDatetime | None
    attempts: int
    created_at: UtcDatetime
