"""The relay's settings: `PostingsSettings.relay`, read from POSTINGS_RELAY__… (off by default)."""

from pydantic import BaseModel, Field


class RelaySettings(BaseModel):
    """Where the outbox is relayed to: a NATS JetStream stream holding subjects `lingong.feed.>`."""

    enabled: bool = False  # start the relay with the postings service
    url: str = Field(default="nats://127.0.0.1:4222", min_length=1, max_length=500)
    stream: str = Field(default="LINGONG_FEED", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    # Subjects are `<prefix>.<event type>.<county>`; two streams cannot share subjects.
    subject_prefix: str = Field(default="lingong.feed", pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
    batch_size: int = Field(default=500, ge=1, le=10000)
    # JetStream drops a re-sent `Nats-Msg-Id` within this window (a relay resumes well inside it).
    duplicate_window_seconds: float = Field(default=120.0, ge=1, le=24 * 3600)
    idle_seconds: float = Field(default=0.5, gt=0, le=60)  # between outbox reads when there is no news
    ack_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    backoff_base_seconds: float = Field(default=0.2, gt=0, le=10)
    backoff_max_seconds: float = Field(default=30.0, gt=0, le=600)
