"""The authorization policy: one row per route (service, method, path template) — who may call it,
with what success status, and what everyone else gets. `test_authorization_matrix.py` calls every
route as every principal and compares each answer with its row; a route without a row (or a row
without a route) fails the test. How to read and add a row: docs/security.md, "Authorization matrix".
"""

from collections.abc import Mapping
from dataclasses import dataclass

from tests.security.world import PRINCIPALS

SIGNED_IN = " ".join(p for p in PRINCIPALS if p != "anonymous")
EVERYONE = " ".join(PRINCIPALS)


@dataclass(frozen=True)
class Rule:
    ok: int  # the success status of those who may
    may: frozenset[str]  # the principals who get `ok`
    hidden: frozenset[str]  # the principals who get 404: the resource's existence must not leak to them
    refused: int  # everyone else who is signed in (403; on console pages 303, to the sign-in page)
    anonymous: int  # no token (401; console pages 303)
    sees: frozenset[str] | None  # list routes: who finds the owner's `item` in the answer (others must not)
    item: str | None  # the world's id a list is checked for
    but: Mapping[str, int]  # a principal whose answer differs from what the rest of its group gets

    def expected(self, principal: str) -> int:
        if principal in self.but:
            return self.but[principal]
        if principal in self.may:
            return self.ok
        if principal in self.hidden:
            return 404
        return self.anonymous if principal == "anonymous" else self.refused


def _names(spec: str) -> frozenset[str]:
    names = frozenset(spec.split())
    unknown = names - set(PRINCIPALS)
    assert not unknown, f"unknown principals {sorted(unknown)}"
    return names


def rule(
    ok: int,
    may: str,
    *,
    hidden: str = "",
    refused: int = 403,
    anonymous: int = 401,
    sees: str | None = None,
    item: str | None = None,
    but: Mapping[str, int] | None = None,
) -> Rule:
    _names(" ".join(but or {}))
    seen = _names(sees) if sees is not None else None
    return Rule(ok, _names(may), _names(hidden), refused, anonymous, seen, item, dict(but or {}))


POLICY: dict[str, Rule] = {}

# Who is who (tests/security/world.py): the owner seeker registered at station S1 of county C1 (历下区);
# employer A owns the postings; "staff" is S1's, "staff_station2" another station of C1, "staff_far"
# a station of C2 (市南区); "service" is the matching service's token.
PUBLIC = EVERYONE
REACH = "seeker staff staff_station2 admin"  # a seeker's own records: themself and the staff who reach them
STAFF_REACH = "staff staff_station2 admin"  # the same, staff side only
ALL_STAFF = "staff staff_station2 staff_far admin"
DESK = "staff staff_station2 staff_far admin"  # county-scoped desks: each staff member gets their own area
CONSOLE = {"refused": 401, "anonymous": 401}  # console pages send anyone not signed in as staff to sign in
LIFECYCLE = "seeker employer staff staff_station2 admin service"  # parties to an application or engagement
SEEKER_SIDE = "seeker staff staff_station2 admin service"  # the worker, or someone acting for them
PRIVILEGED = "employer staff staff_station2 admin service"  # postings: the owner, or acting for it

POLICY.update(
    {
        # --- postings: operations ---------------------------------------------------------------
        "postings GET /healthz": rule(200, PUBLIC),
        "postings GET /readyz": rule(200, PUBLIC),
        "postings GET /v1/feed": rule(200, "admin service"),
        "postings POST /v1/imports": rule(200, "staff staff_station2 staff_far admin service"),
        # a seeker's erasure passed on by the matching service (docs/privacy.md §7): its token only
        "postings POST /v1/seekers/{seeker_id}/erasure": rule(200, "service"),
        # --- postings: employers (a public directory; changes by the owner or staff) ------------
        "postings POST /v1/employers": rule(
            201, "employer employer_other staff staff_station2 staff_far admin"
        ),
        "postings GET /v1/employers": rule(
            200, SIGNED_IN, sees=EVERYONE.replace("employer_other", ""), item="employer_id"
        ),
        "postings GET /v1/employers/{employer_id}": rule(200, SIGNED_IN),
        "postings PATCH /v1/employers/{employer_id}": rule(
            200, "employer staff staff_station2 admin", hidden="employer_other"
        ),
        "postings POST /v1/employers/{employer_id}/verify": rule(200, STAFF_REACH),
        "postings GET /v1/employers/{employer_id}/reliability": rule(200, SIGNED_IN),
        # the worker, staff who reach them, an employer they applied to or worked for
        "postings GET /v1/workers/{sub}/reliability": rule(
            200,
            "seeker employer staff staff_station2 admin service",
            hidden="seeker_other employer_other staff_far",
        ),
        # --- postings: postings and shifts (drafts: the owner and those acting for employers) ---
        "postings POST /v1/postings": rule(201, PRIVILEGED, hidden="employer_other"),  # for employer A
        "postings POST /v1/postings:check": rule(200, SIGNED_IN),
        "postings GET /v1/postings": rule(200, SIGNED_IN, sees=PRIVILEGED, item="draft_id"),
        "postings GET /v1/postings/{posting_id}": rule(200, SIGNED_IN),
        "postings GET /v1/postings/{posting_id} [draft]": rule(
            200, PRIVILEGED, hidden="seeker seeker_other employer_other staff_far"
        ),
        "postings PATCH /v1/postings/{posting_id}": rule(200, PRIVILEGED, hidden="employer_other staff_far"),
        "postings POST /v1/postings/{posting_id}/publish": rule(
            200, PRIVILEGED, hidden="employer_other staff_far"
        ),
        "postings POST /v1/postings/{posting_id}/pause": rule(
            200, PRIVILEGED, hidden="employer_other staff_far"
        ),
        "postings POST /v1/postings/{posting_id}/close": rule(
            200, PRIVILEGED, hidden="employer_other staff_far"
        ),
        "postings POST /v1/postings/{posting_id}/shifts": rule(
            201, PRIVILEGED, hidden="employer_other staff_far"
        ),
        "postings GET /v1/postings/{posting_id}/shifts": rule(200, SIGNED_IN),
        "postings GET /v1/shifts/{shift_id}/checkin-code": rule(
            200, "employer admin", hidden="employer_other"
        ),
        "postings POST /v1/shifts/{shift_id}/cancel": rule(200, "employer admin", hidden="employer_other"),
        # --- postings: applications -------------------------------------------------------------
        # staff act for the seekers they reach (the matching service says whom), others' are 404
        "postings POST /v1/postings/{posting_id}/applications": rule(
            201, "seeker staff staff_station2 admin service", hidden="staff_far"
        ),
        "postings GET /v1/postings/{posting_id}/applications": rule(
            200, SIGNED_IN, sees=LIFECYCLE, item="application_id"
        ),
        "postings GET /v1/applications": rule(200, SIGNED_IN, sees=LIFECYCLE, item="application_id"),
        "postings GET /v1/applications/{application_id}": rule(
            200, LIFECYCLE, hidden="seeker_other employer_other staff_far"
        ),
        "postings POST /v1/applications/{application_id}/accept": rule(
            200, "employer admin", hidden="employer_other"
        ),
        "postings POST /v1/applications/{application_id}/reject": rule(
            200, "employer admin", hidden="employer_other"
        ),
        "postings POST /v1/applications/{application_id}/withdraw": rule(
            200, SEEKER_SIDE, hidden="seeker_other staff_far"
        ),
        # --- postings: bookings and engagements -------------------------------------------------
        "postings POST /v1/shifts/{shift_id}/bookings": rule(
            201, "seeker staff staff_station2 admin service", hidden="staff_far"
        ),
        "postings GET /v1/shifts/{shift_id}/engagements": rule(
            200, SIGNED_IN, sees=LIFECYCLE, item="engagement_id"
        ),
        "postings GET /v1/engagements": rule(200, SIGNED_IN, sees=LIFECYCLE, item="engagement_id"),
        "postings GET /v1/engagements/{engagement_id}": rule(
            200, LIFECYCLE, hidden="seeker_other employer_other staff_far"
        ),
        "postings POST /v1/engagements/{engagement_id}/check-in": rule(
            200, "seeker admin", hidden="seeker_other"
        ),
        "postings POST /v1/engagements/{engagement_id}/check-out": rule(
            200, "seeker admin", hidden="seeker_other"
        ),
        "postings POST /v1/engagements/{engagement_id}/confirm": rule(
            200, "employer admin", hidden="employer_other"
        ),
        "postings POST /v1/engagements/{engagement_id}/paid": rule(
            200, SEEKER_SIDE, hidden="seeker_other staff_far"
        ),
        "postings POST /v1/engagements/{engagement_id}/not-paid": rule(
            200, SEEKER_SIDE, hidden="seeker_other staff_far"
        ),
        "postings POST /v1/engagements/{engagement_id}/cancel": rule(
            200, LIFECYCLE, hidden="seeker_other employer_other staff_far"
        ),
        "postings POST /v1/engagements/{engagement_id}/ratings": rule(
            201, "seeker employer", hidden="seeker_other employer_other"
        ),
        "postings GET /v1/engagements/{engagement_id}/ratings": rule(
            200, LIFECYCLE, hidden="seeker_other employer_other staff_far"
        ),
        "postings GET /v1/notifications": rule(
            200, SIGNED_IN, sees="seeker employer admin service", item="engagement_id"
        ),
        # --- postings: appeals and disputes (the worker's side and the staff of the posting's county)
        "postings POST /v1/engagements/{engagement_id}/appeal": rule(
            201, SEEKER_SIDE, hidden="seeker_other staff_far"
        ),
        "postings GET /v1/appeals": rule(
            200,
            "seeker seeker_other staff staff_station2 staff_far admin service",
            sees=SEEKER_SIDE,
            item="appeal_id",
        ),
        "postings GET /v1/appeals/{appeal_id}": rule(
            200, SEEKER_SIDE, hidden="seeker_other employer employer_other staff_far"
        ),
        "postings POST /v1/appeals/{appeal_id}/uphold": rule(200, STAFF_REACH, hidden="staff_far"),
        "postings POST /v1/appeals/{appeal_id}/reject": rule(200, STAFF_REACH, hidden="staff_far"),
        "postings GET /v1/disputes": rule(200, SIGNED_IN, sees=LIFECYCLE, item="dispute_id"),
        "postings GET /v1/disputes/{dispute_id}": rule(
            200, LIFECYCLE, hidden="seeker_other employer_other staff_far"
        ),
        "postings POST /v1/disputes/{dispute_id}/resolve": rule(200, STAFF_REACH, hidden="staff_far"),
        # --- matching: operations and reference data --------------------------------------------
        "matching GET /healthz": rule(200, PUBLIC),
        "matching GET /readyz": rule(200, PUBLIC),
        "matching GET /v1/occupations": rule(200, PUBLIC),
        "matching GET /v1/matching/status": rule(200, "staff staff_station2 staff_far admin service"),
        "matching GET /v1/replica/status": rule(200, "staff staff_station2 staff_far admin service"),
        # --- matching: seekers (staff reach their station's and county's; others get 404) -------
        "matching POST /v1/seekers": rule(201, "seeker staff staff_station2 staff_far admin"),
        "matching GET /v1/seekers": rule(200, DESK, sees=STAFF_REACH, item="seeker_id"),
        "matching POST /v1/seekers/lookup": rule(200, DESK),  # exact lookups reach anyone, audited
        "matching GET /v1/seekers:reach": rule(200, "service"),  # asked by postings before staff act
        "matching GET /v1/seekers/me": rule(200, "seeker seeker_other"),
        "matching GET /v1/seekers/{seeker_id}": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching PATCH /v1/seekers/{seeker_id}": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching DELETE /v1/seekers/{seeker_id}": rule(204, "seeker admin", hidden="seeker_other"),
        "matching GET /v1/seekers/{seeker_id}/contact": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching GET /v1/seekers/{seeker_id}/sensitive": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching PUT /v1/seekers/{seeker_id}/sensitive": rule(201, REACH, hidden="seeker_other staff_far"),
        "matching DELETE /v1/seekers/{seeker_id}/sensitive": rule(204, "seeker admin", hidden="seeker_other"),
        "matching GET /v1/seekers/{seeker_id}/consents": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching POST /v1/seekers/{seeker_id}/consents": rule(201, REACH, hidden="seeker_other staff_far"),
        "matching DELETE /v1/seekers/{seeker_id}/consents/{purpose}": rule(
            204, REACH, hidden="seeker_other staff_far"
        ),
        "matching GET /v1/seekers/{seeker_id}/audit": rule(200, "seeker admin", hidden="seeker_other"),
        # --- matching: matches, candidates, overrides, referrals --------------------------------
        "matching GET /v1/seekers/{seeker_id}/matches": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching GET /v1/seekers/{seeker_id}/export": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching GET /v1/seekers/{seeker_id}/notices": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching POST /v1/seekers/{seeker_id}/notices/{notice_id}/keep": rule(
            200, REACH, hidden="seeker_other staff_far"
        ),
        "matching GET /v1/matches/explain": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching GET /v1/postings/{posting_id}/candidates": rule(
            200,
            "employer staff staff_station2 staff_far admin",
            hidden="employer_other",
            sees=STAFF_REACH,
            item="seeker_id",
        ),
        "matching GET /v1/seekers/{seeker_id}/overrides": rule(200, REACH, hidden="seeker_other staff_far"),
        "matching POST /v1/seekers/{seeker_id}/overrides": rule(
            201, "staff staff_station2", hidden="staff_far"
        ),
        "matching DELETE /v1/seekers/{seeker_id}/overrides/{override_id}": rule(
            204, "staff staff_station2", hidden="staff_far"
        ),
        "matching POST /v1/seekers/{seeker_id}/referrals": rule(201, STAFF_REACH, hidden="staff_far"),
        "matching GET /v1/seekers/{seeker_id}/referrals": rule(200, STAFF_REACH, hidden="staff_far"),
        # --- matching: cases, households, placements (staff of the record's county or station) --
        "matching POST /v1/cases": rule(201, STAFF_REACH, hidden="staff_far"),
        "matching GET /v1/cases": rule(200, DESK, sees=STAFF_REACH, item="case_id"),
        "matching GET /v1/cases/{case_id}": rule(200, STAFF_REACH, hidden="staff_far"),
        "matching PATCH /v1/cases/{case_id}": rule(200, STAFF_REACH, hidden="staff_far"),
        "matching POST /v1/cases/{case_id}/certify": rule(200, STAFF_REACH, hidden="staff_far"),
        "matching POST /v1/cases/{case_id}/actions": rule(201, STAFF_REACH, hidden="staff_far"),
        "matching POST /v1/cases/{case_id}/contacts": rule(201, STAFF_REACH, hidden="staff_far"),
        "matching POST /v1/cases/{case_id}/close": rule(200, STAFF_REACH, hidden="staff_far"),
        "matching GET /v1/seekers/{seeker_id}/case": rule(200, REACH, hidden="seeker_other staff_far"),
        # a household is created in the county given, at the creator's own station (so theirs to see)
        "matching POST /v1/households": rule(201, DESK),
        "matching GET /v1/households": rule(200, DESK, sees=STAFF_REACH, item="household_id"),
        "matching GET /v1/households/{household_id}": rule(200, STAFF_REACH, hidden="staff_far"),
        "matching POST /v1/households/{household_id}/members": rule(201, STAFF_REACH, hidden="staff_far"),
        "matching GET /v1/households/alerts": rule(200, DESK, sees=STAFF_REACH, item="alert_id"),
        "matching POST /v1/households/alerts/{alert_id}/ack": rule(200, STAFF_REACH, hidden="staff_far"),
        "matching GET /v1/seekers/{seeker_id}/placements": rule(
            200, DESK, sees=STAFF_REACH, item="placement_id"
        ),
        "matching POST /v1/placements/{placement_id}/end": rule(200, STAFF_REACH, hidden="staff_far"),
        # --- matching: the morning dispatch (station staff only: admins have no station) --------
        "matching POST /v1/dispatch/checkins": rule(201, "staff staff_station2", hidden="staff_far"),
        "matching GET /v1/dispatch/checkins": rule(
            200, "staff staff_station2 staff_far", sees="staff", item="seeker_id"
        ),
        "matching POST /v1/dispatch/stations/{station_id}/checkins": rule(204, "seeker seeker_other"),
        "matching GET /v1/dispatch/checkin-code": rule(200, "staff staff_station2 staff_far"),
        "matching GET /v1/dispatch/board": rule(200, "staff staff_station2 staff_far"),
        "matching POST /v1/dispatch/plans": rule(201, "staff staff_station2 staff_far"),
        "matching GET /v1/dispatch/plans/{plan_id}": rule(200, "staff", hidden="staff_station2 staff_far"),
        "matching POST /v1/dispatch/plans/{plan_id}/swaps": rule(
            200, "staff", hidden="staff_station2 staff_far"
        ),
        "matching POST /v1/dispatch/plans/{plan_id}/confirm": rule(
            200, "staff", hidden="staff_station2 staff_far"
        ),
        # --- matching: statistics (each staff member's own county; admins any) ------------------
        "matching GET /v1/statistics/supply-demand": rule(200, DESK),
        "matching GET /v1/statistics/shortages": rule(200, DESK),
        "matching GET /v1/statistics/outcomes": rule(200, DESK),
        "matching GET /v1/alerts": rule(200, DESK),
        # --- the station console (HTML; not in the OpenAPI document) ----------------------------
        "matching GET /console/login": rule(
            200, "anonymous seeker seeker_other employer employer_other service", refused=303
        ),
        "matching POST /console/login": rule(303, ALL_STAFF, refused=422, anonymous=422),
        "matching POST /console/login/demo": rule(303, PUBLIC),
        "matching POST /console/logout": rule(303, PUBLIC),
        "matching POST /console/preferences": rule(303, PUBLIC),
        "matching GET /console/static/shandong-map.svg": rule(200, PUBLIC),
        "matching GET /console/static/{name}": rule(200, PUBLIC),
        "matching GET /console/": rule(200, ALL_STAFF, **CONSOLE),
        "matching GET /console/seekers": rule(200, ALL_STAFF, sees=STAFF_REACH, item="seeker_id", **CONSOLE),
        "matching GET /console/seekers/new": rule(200, ALL_STAFF, **CONSOLE),
        "matching POST /console/seekers/new": rule(303, ALL_STAFF, **CONSOLE),  # PRG: on to the next screen
        "matching GET /console/seekers/{seeker_id}": rule(200, STAFF_REACH, hidden="staff_far", **CONSOLE),
        "matching GET /console/seekers/{seeker_id}/export": rule(
            200, STAFF_REACH, hidden="staff_far", **CONSOLE
        ),
        "matching GET /console/seekers/{seeker_id}/slip": rule(
            200, STAFF_REACH, hidden="staff_far", **CONSOLE
        ),
        "matching GET /console/seekers/{seeker_id}/consent-slip": rule(
            200, STAFF_REACH, hidden="staff_far", **CONSOLE
        ),
        "matching GET /console/seekers/{seeker_id}/sensitive": rule(
            200, STAFF_REACH, hidden="staff_far", **CONSOLE
        ),
        "matching POST /console/seekers/{seeker_id}/sensitive": rule(
            303, STAFF_REACH, hidden="staff_far", **CONSOLE
        ),
        "matching POST /console/seekers/{seeker_id}/refer": rule(
            303, STAFF_REACH, hidden="staff_far", **CONSOLE
        ),
        # station staff pin, hide and revoke, as in the API; an admin gets the API's 403
        "matching POST /console/seekers/{seeker_id}/overrides": rule(
            303, "staff staff_station2", hidden="staff_far", **CONSOLE, but={"admin": 403}
        ),
        "matching POST /console/seekers/{seeker_id}/overrides/{override_id}/revoke": rule(
            303, "staff staff_station2", hidden="staff_far", **CONSOLE, but={"admin": 403}
        ),
        "matching GET /console/postings/{posting_id}/poster": rule(200, ALL_STAFF, **CONSOLE),
        "matching GET /console/dispatch": rule(
            200, "staff staff_station2 staff_far", **CONSOLE, but={"admin": 403}
        ),
        "matching POST /console/dispatch/checkins": rule(
            303, "staff staff_station2", hidden="staff_far", **CONSOLE, but={"admin": 403}
        ),
        "matching POST /console/dispatch/plans": rule(
            303, "staff staff_station2 staff_far", **CONSOLE, but={"admin": 403}
        ),
        "matching GET /console/dispatch/plans/{plan_id}": rule(
            200, "staff", hidden="staff_station2 staff_far", **CONSOLE, but={"admin": 403}
        ),
        "matching POST /console/dispatch/plans/{plan_id}/swaps": rule(
            303, "staff", hidden="staff_station2 staff_far", **CONSOLE, but={"admin": 403}
        ),
        "matching POST /console/dispatch/plans/{plan_id}/confirm": rule(
            303, "staff", hidden="staff_station2 staff_far", **CONSOLE, but={"admin": 403}
        ),
        "matching GET /console/cases": rule(200, ALL_STAFF, sees=STAFF_REACH, item="case_id", **CONSOLE),
        "matching GET /console/cases/{case_id}": rule(200, STAFF_REACH, hidden="staff_far", **CONSOLE),
        "matching POST /console/cases/{case_id}/close": rule(303, STAFF_REACH, hidden="staff_far", **CONSOLE),
        "matching GET /console/statistics": rule(200, ALL_STAFF, **CONSOLE),
        "matching GET /console/statistics/download": rule(200, ALL_STAFF, **CONSOLE),
    }
)
