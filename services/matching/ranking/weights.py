"""Stage 2's weights and curves: the one place they are set (docs/ranking.md gives the reasons).

A match's score is the sum of its contributions, one per factor: `weight × value`, where each value lies
in 0..1 (congestion's weight is negative: a flooded posting is shown less).
"""

from dataclasses import dataclass

FACTORS = (
    "occupation_fit",
    "meaning",
    "distance",
    "schedule",
    "pay",
    "accommodations",
    "experience",
    "reliability",
    "freshness",
    "congestion",
)

# The factors that describe the pair (seeker, posting) and not the posting alone; an employer's candidate
# list is ranked by these. Accommodations stay out of it: a request for step-free access is the seeker's
# business and must neither help nor hurt, nor show, on an employer's list.
CANDIDATE_FACTORS = ("occupation_fit", "distance", "schedule", "pay", "experience")


@dataclass(frozen=True, slots=True)
class Weights:
    occupation_fit: float = 0.45
    # The model of meaning (MATCHING_MEANING): 0.45 × 0.30, the lexical cosine's share of occupation_fit,
    # fixed before it was measured (docs/ranking.md). Its value is 0 when the model is off.
    meaning: float = 0.135
    distance: float = 0.15
    schedule: float = 0.08
    pay: float = 0.10
    accommodations: float = 0.06
    experience: float = 0.05
    reliability: float = 0.05
    freshness: float = 0.03
    congestion: float = -0.06

    def of(self, factor: str) -> float:
        value: float = getattr(self, factor)
        return value


WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Curves:
    """Shapes of the factor values."""

    # occupation_fit mixes three similarities, floored by the closeness to the wish; `exact` only counts
    # for seekers who picked codes.
    fit_occupation: float = 0.45  # cosine of the coder's occupation distributions
    fit_minor_group: float = 0.25  # cosine of the same, summed up to CSCO minor groups
    fit_text: float = 0.30  # cosine of hashed character n-gram TF-IDF
    fit_exact: float = 0.40  # a code the seeker picked: 1 for the same code, 0.5 for its minor group
    fit_related: float = 0.6  # fit is at least this × the closeness of the posting's code to the wish
    distance_minutes: float = 30.0  # value = exp(-travel minutes / this)
    schedule_full_shifts: int = 3  # a gig with this many fitting shifts scores 1
    schedule_job_unknown_hours: float = 0.5  # a job whose hours we do not know, for a seeker with windows
    pay_zero_at: float = 0.7  # ratio offered / expected at which pay scores 0 ...
    pay_full_at: float = 1.3  # ... and 1 (linear between)
    pay_unknown: float = 0.5  # no expectation, or a piece rate
    freshness_days: float = 14.0  # value = exp(-days since published / this)
    congestion_full: float = 5.0  # applicants per free slot at which congestion is 1
    # meaning: the sentence-vector cosine of the titles, rescaled within the seeker's eligible list to
    # (cos − median) / (best − median), clipped to 0..1


CURVES = Curves()
