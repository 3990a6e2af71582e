"""The occupation coder (services/matching/occupations) as the ranking's OccupationPredictor."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from services.matching.ranking.text import OccupationPredictor, TextEncoder

TOP_CODES = 20  # the ranking keeps the best 8 codes, and sums these 20 up to minor groups


def _pair(item: Any) -> tuple[str, float]:
    """One predicted code in whichever shape the coder gives it: (code, p), {"code", "p"} or an object."""
    if isinstance(item, tuple | list):
        return str(item[0]), float(item[1])
    if isinstance(item, dict):
        return str(item["code"]), float(item.get("p") or item.get("probability") or 0.0)
    return str(item.code), float(getattr(item, "p", getattr(item, "probability", 0.0)))


def predictor_of(coder: Any, top: int = TOP_CODES) -> OccupationPredictor:
    """Wrap an OccupationCoder (anything with predict(texts, k) → per text, codes with probabilities)."""
    predict: Callable[..., Iterable[Iterable[Any]]] = coder.predict

    def run(texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        return [[_pair(item) for item in row][:top] for row in predict(list(texts), top)]

    return run


def default_encoder() -> TextEncoder:
    """A TextEncoder over the coder shipped with the service (trained as its README says), with the
    model of meaning's store when `MATCHING_MEANING` is on."""
    from services.matching.occupations import default_coder
    from services.matching.occupations.meaning import default_embeddings, meaning_enabled, projected_dims

    meaning = default_embeddings() if meaning_enabled() else None
    return TextEncoder(predictor_of(default_coder()), meaning=meaning, meaning_dims=projected_dims())
