"""Every table of the postings service, imported so the metadata is complete (alembic, tests)."""

from services.postings.database import Base, IdempotencyKey
from services.postings.employers.models import Employer
from services.postings.feed.models import OutboxEvent
from services.postings.imports.models import ImportRun
from services.postings.postings.models import Posting, PostingFlag
from services.postings.shifts.models import Shift

__all__ = [
    "Base",
    "Employer",
    "IdempotencyKey",
    "ImportRun",
    "OutboxEvent",
    "Posting",
    "PostingFlag",
    "Shift",
]
