"""What the console keeps per staff member."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from services.matching.database import Base


class ConsolePreference(Base):
    """大字模式 and the language, per staff member (the token's subject)."""

    __tablename__ = "console_preferences"

    staff_sub: Mapped[str] = mapped_column(String(200), primary_key=True)
    large_text: Mapped[bool] = mapped_column(Boolean)
    lang: Mapped[str] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
