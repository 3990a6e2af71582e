"""Every table of the postings service, imported so the metadata is complete (alembic, tests)."""

from services.postings.appeals.models import Appeal
from services.postings.applications.models import Application
from services.postings.database import Base, IdempotencyKey
from services.postings.disputes.models import Dispute
from services.postings.employers.models import Employer
from services.postings.engagements.models import CodeAttempt, Engagement
from services.postings.erasure.models import SeekerErasure
from services.postings.feed.models import OutboxEvent
from services.postings.imports.models import ImportRun
from services.postings.notifications.models import Notification
from services.postings.postings.models import Posting, PostingFlag
from services.postings.ratings.models import Rating
from services.postings.shifts.models import Shift

__all__ = [
    "Appeal",
    "Application",
    "Base",
    "CodeAttempt",
    "Dispute",
    "Employer",
    "Engagement",
    "IdempotencyKey",
    "ImportRun",
    "Notification",
    "OutboxEvent",
    "Posting",
    "PostingFlag",
    "Rating",
    "SeekerErasure",
    "Shift",
]
