"""The Citus plan of the matching schema as data (docs/postgresql.md, "Citus: the plan", the matching
service); the judge of statements against it is `tests/citus_judge.py`.

A seeker's rows go together: the seeker-owned tables are distributed by the seeker's id (`seekers.id`,
elsewhere `seeker_id`) and co-located with `seekers`.
"""

from tests import citus_judge
from tests.citus_judge import Verdict

SEEKER = "seeker"  # the co-location group

DISTRIBUTED: dict[str, tuple[str, str]] = {
    "seekers": ("id", SEEKER),
    "seeker_sensitive": ("seeker_id", SEEKER),
    "seeker_consents": ("seeker_id", SEEKER),
    "seeker_audit": ("seeker_id", SEEKER),
    "seeker_access_grants": ("seeker_id", SEEKER),
    "match_overrides": ("seeker_id", SEEKER),
    "match_impressions": ("seeker_id", SEEKER),
    "referrals": ("seeker_id", SEEKER),
    "outcome_applications": ("seeker_id", SEEKER),
    "outcome_engagements": ("seeker_id", SEEKER),
    "outcome_placements": ("seeker_id", SEEKER),
    "retention_notices": ("seeker_id", SEEKER),
}
REFERENCE = frozenset({"replica_postings", "replica_employers"})
LOCAL = frozenset(
    {
        "seeker_changes",
        "seeker_id_numbers",
        "cases",
        "case_actions",
        "case_contacts",
        "case_events",
        "households",
        "household_members",
        "household_spells",
        "household_alerts",
        "dispatch_checkins",
        "dispatch_plans",
        "dispatch_pairs",
        "dispatch_swaps",
        "stat_postings",
        "stat_seekers",
        "stat_cursors",
        "stat_weekly",
        "stat_disputes",
        "console_preferences",
        "console_registration_drafts",
        "replica_cursors",
        "replica_dead_letters",
        "postings_erasures",
        "idempotency_keys",
        "alembic_version_matching",
    }
)

# fingerprint → why this statement reads or writes several shards on purpose. The shape is in the comment;
# `CITUS_PLAN_REPORT=FILE pytest tests/matching/test_citus_plan.py -k workload` writes every shape.
_POOL = (
    "the candidate pool: many seekers by id at once (an employer's candidates, the pool catching up on "
    "seeker_changes); Citus prunes an IN list of the distribution column to the shards it names"
)
_STATS = "statistics over every seeker of the province or a county (a report, not a request path)"
_FEED = (
    "the feed's fold: a page of application / engagement events names rows of many seekers by their "
    "postings id (pinned writes follow by the mapper key)"
)
_SWEEP = (
    "the retention sweep (a background task on its period; the workload runs one round): rows past "
    "their retention date of every seeker, in batches; each shard deletes its own"
)
_TODAY = (
    "the console's home page (今日概况): the station's day so far, by station (an index on each shard; "
    "a few rows each)"
)
_LTR = (
    "the learning-to-rank dataset (`lingong ltr dataset`: an operator's export, not a request path): every "
    "seeker's rows since a date"
)
_ROTATION = (
    "the data-key rotation (`python -m services.matching.keyring`: an operator's job, not a request path): "
    "values not yet under the current key, a batch at a time in key order (each UPDATE that follows names "
    "the seeker)"
)
ALLOWED: dict[str, str] = {
    # staff reach seekers by county and station, not by seeker: their lists ask every shard
    "f8328b203f10": "staff's seeker list: their county, their station's registrations and their grants",
    "cbb04bd8df7f": "staff's exact lookup by phone (keyed hash): the person at the counter may be anyone",
    "01f70be251e6": "a station's morning roll: the seekers who ticked in today (a local table joined to "
    "seekers; a few dozen rows)",
    "b20307209eca": "staff's search by exact name (keyed hash), within their reach: as the seeker list",
    # the console's home page: what the clerk's own station did today, by station rather than by seeker
    "00bc6f428b91": _TODAY + ": referrals by outcome",
    "8740ff5cd954": _TODAY + ": seekers registered and referred",
    "df7d3dccd4ed": _TODAY + ": seekers registered",
    # batches of seekers by id
    "8bbc9292250c": _POOL,  # seekers by id IN
    "3d8226f3766b": _POOL,  # seeker_sensitive by seeker_id IN
    "e46b13614704": _POOL,  # live consents by seeker_id IN
    # the feed's fold of outcomes
    "ecad261f33d4": _FEED,  # outcome_applications by id IN
    "95775fd9da5f": _FEED,  # outcome_engagements by id IN
    "eb40b316b2c4": _FEED,  # outcome_placements by source_id IN
    "b2e6a1608ff7": "POST /v1/placements/{id}/end: a placement named by its id alone (a rare staff action; "
    "the UPDATE that follows names the seeker)",
    # statistics (GET /v1/statistics/*, /v1/alerts and the weekly snapshot)
    "bcc616b63dc2": _STATS + ": the layoff signal (seekers naming a former employer, by county)",
    "e810e8ee2786": _STATS + ": seekers registered before the week, by county",
    "ee79b5af36c4": _STATS + ": priority groups of seekers with the sensitive-data consent",
    "32755663a098": _STATS + ": referred applications by county and station",
    "74fc86664b71": _STATS + ": referred bookings by county and station",
    "525aa5677d73": _STATS + ": applications by county and station",
    "e2938567b082": _STATS + ": accepted applications by county and station",
    "99fef4f494b2": _STATS + ": bookings by county and station",
    "956cd50a8e0f": _STATS + ": completed work by county and station",
    "2f2e01b24d86": _STATS + ": paid work by county and station",
    "16022248c2f9": _STATS + ": placements of the period",
    # background sweeps by date
    "05cc3e84e8fe": _SWEEP + ": retention notices resolved before the cut-off",
    "5eecaa803939": _SWEEP + ": match impressions older than their retention",
    "83d5f9568b37": _SWEEP + ": seeker audit entries older than their retention",
    "b298b07fcbe0": _SWEEP + ": withdrawn consents of seekers who are gone",
    "bf4e921b33b7": _SWEEP + ": access grants past their expiry",
    "7ac9cf93e13d": _SWEEP + ": every seeker, a batch at a time by id, for the last activity of each",
    "e77d667b8f90": _SWEEP + ": pending retention notices, a batch at a time",
    # operators' jobs on the database
    "4752102d5024": _LTR + ": the personalised matches shown",
    "5dd1737a8bd0": _LTR + ": applications (labels)",
    "77087829a9c6": _LTR + ": bookings (labels)",
    "9c53bc56b346": _LTR + ": staff's overrides (labels)",
    "6e3bcce52956": _ROTATION + ": phones, the first batch",
    "7e8c0527dc67": _ROTATION + ": phones, the next batches",
    "bcc73413cf24": _ROTATION + ": names, the first batch",
    "709fce37b85c": _ROTATION + ": ID numbers, the first batch",
    "f83b345b7617": _ROTATION + ": ID numbers, the next batches",
    "c3395a9b5ae0": "the lapse sweep (a background task on its period; the workload runs one round): open "
    "placements past their end date, of every seeker, a batch at a time",
}

PLAN = citus_judge.Plan(distributed=DISTRIBUTED, reference=REFERENCE, local=LOCAL, allowed=ALLOWED)


def judge(sql: str, dialect: str) -> Verdict:
    """Where Citus would send this statement under the matching plan."""
    return citus_judge.judge(PLAN, sql, dialect)
