"""The Citus plan of the postings schema as data (docs/postgresql.md, "Citus: the plan"); the judge of
statements against it is `tests/citus_judge.py`.

Every distributed table is distributed by `county_adcode` and co-located with `postings`.
"""

from tests import citus_judge
from tests.citus_judge import Verdict

KEY = "county_adcode"

DISTRIBUTED = frozenset(
    {
        "postings",
        "shifts",
        "posting_flags",
        "applications",
        "engagements",
        "checkin_code_failures",
        "disputes",
        "appeals",
        "ratings",
    }
)
REFERENCE = frozenset({"employers"})
LOCAL = frozenset(
    {
        "outbox",
        "outbox_default",
        "idempotency_keys",
        "notifications",
        "import_runs",
        "posting_external_ids",  # an import's (source, external_id) → its posting's id and county
        "seeker_erasures",  # seekers being erased (docs/privacy.md §7.1), read by the feed's writes
        "alembic_version_postings",
    }
)

# fingerprint → why this statement reads or writes every shard on purpose. The shape is in the comment;
# `CITUS_PLAN_REPORT=FILE pytest tests/postings/test_citus_plan.py` writes every shape with its fingerprint.
_WORKER = "a worker's record spans every county they worked in"
_EMPLOYER = "an employer may have sites in several counties"
_SWEEP = "deadline sweep: a background scan of every county in batches; each row is then handled on its shard"
ALLOWED: dict[str, str] = {
    # reliability records (GET …/reliability, and after each rating, cancellation, dispute)
    "464ed5abc96f": _EMPLOYER,  # engagements by employer_id, grouped by status and mark
    "79cbf4088d8a": _EMPLOYER,  # disputes by employer_id, grouped
    "ff84d1953e59": _EMPLOYER,  # avg(stars) of ratings by employer_id
    "cf804dd14920": _WORKER,  # engagements by seeker_id, grouped by status and mark
    "5fb65c2bbed1": _WORKER,  # appeals by seeker_id, grouped
    "1f3b3507176e": _WORKER,  # avg(stars) of ratings by seeker_id
    # a worker's own engagements
    "d695a7e4a97f": "booking: a worker's active engagements overlapping the shift, in any county "
    "(nobody works in two places at once)",
    "2ce7c7cabcd2": "GET /v1/engagements by a seeker: their own engagements in every county",
    # lists that are province-wide on purpose
    "34708cb89383": "GET /v1/postings without a county: the province-wide browse (drafts of one's own)",
    "0fcf23e3e821": "the shifts of a page of postings from several counties (one shard per posting's county)",
    "19d1510144db": "staff's appeal queue: their county, or referrals of their station in any county",
    "7d3d66b3e661": "staff's dispute list: their county, or referrals of their station in any county",
    # background sweeps
    "5722bc30e0e5": _SWEEP + " (no-shows: check-in deadline passed)",
    "c9b28b09981c": _SWEEP + " (automatic check-out at the shift's end)",
    "94b7cf15bd43": _SWEEP + " (confirmation due)",
    "1f755cd4ac5e": _SWEEP + " (payment overdue after a not-paid report)",
    "819e11773092": _SWEEP + " (payment check)",
    "fe067e27c375": _SWEEP + " (reminder a day ahead)",
    "8108f708ef6d": _SWEEP + " (reminder two hours ahead)",
    "6688f4422e1e": _SWEEP + " (ended shifts with pending requests; the EXISTS joins on the key)",
    "9fbf979ff321": "purge of expired wrong check-in codes in every county (a background DELETE by age)",
    "2adcfe3d88ea": "expiry sweep: postings past valid_until in every county (background, in batches)",
}


PLAN = citus_judge.Plan(
    distributed={table: (KEY, "county") for table in DISTRIBUTED},
    reference=REFERENCE,
    local=LOCAL,
    allowed=ALLOWED,
    local_prefixes=("pg_", "outbox_"),
)

__all__ = ["ALLOWED", "DISTRIBUTED", "KEY", "LOCAL", "PLAN", "REFERENCE", "Verdict", "judge", "report"]


def judge(sql: str, dialect: str) -> Verdict:
    """Where Citus would send this statement under the postings plan."""
    return citus_judge.judge(PLAN, sql, dialect)


def report(verdicts: list[Verdict], dialect: str) -> str:
    return citus_judge.report(PLAN, verdicts, dialect)
