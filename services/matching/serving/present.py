"""Ranking results → API shapes: matches with the replica's display fields, candidates masked for an
employer (a handle instead of the id, a distance band instead of the distance, no scores)."""

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, cast

from services.matching.contracts import Match
from services.matching.ranking.candidates import Candidate, employer_view
from services.matching.ranking.related import fit_notice
from services.matching.seekers.crypto import FieldCipher
from services.matching.serving.models import MatchOverride
from services.matching.serving.reads import StoredPosting
from services.matching.serving.schemas import (
    AvailabilityFit,
    CandidateRead,
    CertificateRead,
    DistanceBand,
    FitRead,
    MatchRead,
    OverrideNote,
    PayRead,
    ReasonRead,
)
from services.reference.certificates import certificate

# (upper bound in km, zh, en); the last band has no bound.
BANDS: tuple[tuple[float | None, str, str], ...] = (
    (1.0, "1公里以内", "within 1 km"),
    (3.0, "1-3公里", "1-3 km"),
    (5.0, "3-5公里", "3-5 km"),
    (10.0, "5-10公里", "5-10 km"),
    (20.0, "10-20公里", "10-20 km"),
    (None, "20公里以上", "more than 20 km"),
)
HANDLE_FIELD = "candidate_handle"
EXACT_DISTANCE_EN = "Lives about"  # ranking's first candidate reason; replaced by the band


def distance_band(km: float) -> DistanceBand:
    for bound, zh, en in BANDS:
        if bound is None or km <= bound:
            return DistanceBand(max_km=bound, zh=zh, en=en)
    raise AssertionError("the last band has no bound")


def candidate_handle(cipher: FieldCipher, posting_id: str, seeker_id: str) -> str:
    """A keyed hash of (posting, seeker): the same seeker looks different on every posting's list."""
    return "c-" + cipher.lookup_hash(f"{posting_id}\x00{seeker_id}", field=HANDLE_FIELD)[:12]


def override_note(row: MatchOverride, staff: bool) -> OverrideNote:
    return OverrideNote(
        action="pin" if row.action == "pin" else "hide",
        reason=row.reason,
        at=row.created_at,
        station_id=row.station_id,
        staff_sub=row.staff_sub if staff else None,
    )


def _pay(snapshot: Mapping[str, Any]) -> PayRead | None:
    pay = snapshot.get("pay")
    return PayRead.model_validate(pay) if isinstance(pay, Mapping) else None


def match_read(
    m: Match, stored: StoredPosting | None, overrides: Mapping[str, MatchOverride], staff: bool
) -> MatchRead:
    snapshot = stored.snapshot if stored is not None else {}
    location = snapshot.get("location") or {}
    row = overrides.get(m.posting_id) if "override" in m.extra else None
    return MatchRead(
        posting_id=uuid.UUID(m.posting_id),
        score=m.score,
        contributions={c.factor: c.value for c in m.contributions},
        reasons=[ReasonRead(zh=r.zh, en=r.en) for r in m.reasons],
        shift_ids=list(m.shift_ids),
        title=snapshot.get("title"),
        kind="gig" if m.extra.get("kind", snapshot.get("kind")) == "gig" else "job",
        pay=_pay(snapshot),
        employer_name=stored.employer_name if stored is not None else None,
        county_adcode=location.get("county_adcode"),
        distance_km=_number(m.extra.get("distance_km")),
        travel_minutes=_number(m.extra.get("travel_minutes")),
        override=override_note(row, staff) if row is not None else None,
        fit=fit_read(m.extra.get("fit")),
    )


def fit_read(fit: object) -> FitRead | None:
    return FitRead.model_validate(fit) if isinstance(fit, dict) else None


def notice(matches: Sequence[Match]) -> ReasonRead | None:
    """The list's notice when nothing shown is the wished work (related.fit_notice)."""
    said = fit_notice([m.extra.get("fit") for m in matches])
    return ReasonRead(zh=said.zh, en=said.en) if said is not None else None


def candidates_read(
    candidates: Sequence[Candidate], posting_id: str, cipher: FieldCipher, staff: bool
) -> list[CandidateRead]:
    """Built on `employer_view` (rank and reasons; no scores), with display details added and the exact
    distance reason replaced by a band. Staff also get the seeker's id, to refer them."""
    out = []
    for view, c in zip(employer_view(candidates), candidates, strict=True):
        band = distance_band(_number(c.extra.get("distance_km")) or 0.0)
        reasons = cast(list[dict[str, str]], view["reasons"])
        if reasons and reasons[0]["en"].startswith(EXACT_DISTANCE_EN):
            reasons = reasons[1:]
        occupation = c.extra.get("occupation_name")
        codes = c.extra.get("certificates")
        fitting, open_ = c.extra.get("shifts_fitting"), c.extra.get("shifts_open")
        out.append(
            CandidateRead(
                rank=cast(int, view["rank"]),
                handle=candidate_handle(cipher, posting_id, c.seeker_id),
                seeker_id=c.seeker_id if staff else None,
                distance=band,
                occupation=occupation if isinstance(occupation, str) else None,
                fit=fit_read(c.extra.get("fit")),
                certificates=[_certificate(str(code)) for code in codes] if isinstance(codes, list) else [],
                availability=(
                    AvailabilityFit(shifts_fitting=fitting, shifts_open=open_)
                    if isinstance(fitting, int) and isinstance(open_, int)
                    else None
                ),
                reasons=[
                    ReasonRead(zh=f"住处距岗位{band.zh}", en=_lives(band)),
                    *(ReasonRead.model_validate(r) for r in reasons),
                ],
            )
        )
    return out


def _lives(band: DistanceBand) -> str:
    return f"Lives {band.en}" if band.en.startswith("within") else f"Lives {band.en} away"


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _certificate(code: str) -> CertificateRead:
    found = certificate(code)
    return CertificateRead(code=found.code, zh=found.zh, en=found.en)
