"""What the console keeps per staff member."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base


class ConsolePreference(Base):
    """大字模式 and the language, per staff member (the token's subject)."""

    __tablename__ = "console_preferences"

    staff_sub: Mapped[str] = mapped_column(String(200), primary_key=True)
    large_text: Mapped[bool] = mapped_column(Boolean)
    lang: Mapped[str] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


DRAFT_FIELD = "registration_draft"


class RegistrationDraft(Base):
    """A walk-in's registration between its screens (so each screen's POST can redirect): the fields
    typed so far, sealed with the seekers' data key (`DRAFT_FIELD`, bound to the draft id), for one
    staff member, until `expires_at`. Once registered, the fields are dropped and `seeker_id` kept, so a
    reload or a second submit of the last screen goes to the seeker instead of registering twice."""

    __tablename__ = "console_registration_drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_sub: Mapped[str] = mapped_column(String(200))
    step: Mapped[int] = mapped_column(Integer)
    data_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    seeker_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
