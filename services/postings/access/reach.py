"""Whether a member of staff reaches a seeker, asked of the matching service, which knows where seekers
are registered and which walk-ins a lookup opened to a station (`seekers/scope.py` there).

Staff act for a seeker here (apply, book) and read a worker's record only when matching says they reach
that seeker: `GET /v1/seekers:reach` with our service token and the staff token's own claims (subject,
station, `county_adcode`). A "reaches" answer is kept for `reach_cache_seconds`; a "does not reach" is
never kept (an exact lookup at the counter may open the seeker a moment later). When matching cannot
answer — down, slow, or an answer we cannot read — the request is refused (`MatchingUnreachable`, 503):
fail closed. Nothing here logs a token or a seeker id.
"""

import logging
import re
from collections import OrderedDict
from datetime import datetime, timedelta

import httpx
from fastapi import FastAPI

from services.kit.auth import Principal, Role
from services.kit.http import client as http_client
from services.kit.service_token import TokenSource, service_token
from services.kit.settings import AuthSettings
from services.postings.access.exceptions import MatchingUnreachable, SeekerNotFound
from services.postings.config import MatchingPeerSettings

log = logging.getLogger("lingong.access.reach")

COUNTY_CLAIM = "county_adcode"  # as matching reads it: the token's claim, nothing else
_ADCODE = re.compile(r"^\d{6}$")
REACH_PATH = "/v1/seekers:reach"
Key = tuple[str, str, str, str]


class SeekerReach:
    """Open once in the lifespan (`app.state.seeker_reach`), close with `aclose`."""

    def __init__(
        self,
        settings: MatchingPeerSettings,
        auth: AuthSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        token: TokenSource | None = None,
    ) -> None:
        self._settings = settings
        self._token = token or service_token(
            auth,
            settings.service_token,
            settings.service_subject,
            settings.token_ttl_seconds,
            "POSTINGS_MATCHING__SERVICE_TOKEN",
        )
        self._yes: OrderedDict[Key, datetime] = OrderedDict()
        self._http = http_client(
            base_url=settings.url,
            transport=transport,
            timeout=httpx.Timeout(settings.read_timeout_seconds, connect=settings.connect_timeout_seconds),
            headers={"Accept": "application/json", "User-Agent": "lingong-postings/0.1"},
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def reaches(self, staff: Principal, seeker_id: str, now: datetime) -> bool:
        """Whether matching says this member of staff reaches the seeker; `MatchingUnreachable` if it
        cannot say."""
        claimed = staff.claims.get(COUNTY_CLAIM)  # read as matching reads it: a malformed claim is none
        county = claimed if isinstance(claimed, str) and _ADCODE.match(claimed) else ""
        key: Key = (staff.sub, staff.station_id or "", county, seeker_id)
        if (until := self._yes.get(key)) is not None and until > now:
            self._yes.move_to_end(key)
            return True
        self._yes.pop(key, None)
        params = {"seeker_id": seeker_id, "staff_sub": staff.sub}
        if staff.station_id:
            params["station_id"] = staff.station_id
        if county:
            params["county_adcode"] = county
        reached = await self._ask(params)
        if reached and self._settings.reach_cache_seconds > 0:
            self._yes[key] = now + timedelta(seconds=self._settings.reach_cache_seconds)
            while len(self._yes) > self._settings.reach_cache_size:
                self._yes.popitem(last=False)
        return reached

    async def _ask(self, params: dict[str, str]) -> bool:
        headers = {"Authorization": f"Bearer {self._token.token()}"}
        try:
            response = await self._http.get(REACH_PATH, params=params, headers=headers)
        except httpx.RequestError as exc:
            log.warning(
                "the matching service did not answer a reach check", extra={"cause": type(exc).__name__}
            )
            raise MatchingUnreachable() from exc
        try:
            reached = response.json().get("reached") if response.status_code == 200 else None
        except (ValueError, AttributeError):
            reached = None
        if not isinstance(reached, bool):
            log.warning("the matching service refused a reach check", extra={"status": response.status_code})
            raise MatchingUnreachable()
        return reached


async def require(reach: SeekerReach | None, principal: Principal, seeker_id: str, now: datetime) -> None:
    """Staff act for (and read) only the seekers they reach: anyone else of theirs is `SeekerNotFound`,
    the matching service's answer. Other roles are not limited here."""
    if principal.role != Role.STAFF:
        return
    if reach is None:
        raise MatchingUnreachable("no matching service is configured")
    if not await reach.reaches(principal, seeker_id, now):
        raise SeekerNotFound()


async def start(app: FastAPI) -> None:
    """Open the reach client (tests may set `app.state.matching_transport`, e.g. an ASGITransport).
    Without a service token in jwks mode there is none: staff acting for a seeker get 503, the rest of
    the service works."""
    settings = app.state.settings
    try:
        app.state.seeker_reach = SeekerReach(
            settings.matching, settings.auth, transport=getattr(app.state, "matching_transport", None)
        )
    except ValueError as exc:
        app.state.seeker_reach = None
        log.error("staff cannot act for seekers: %s", exc)


async def stop(app: FastAPI) -> None:
    reach: SeekerReach | None = getattr(app.state, "seeker_reach", None)
    if reach is not None:
        await reach.aclose()
