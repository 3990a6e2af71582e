"""Occupation coding: free text → CSCO-2022 codes with probabilities, and the occupations autocomplete."""

from services.matching.occupations.coder import CoderParams, OccupationCoder
from services.matching.occupations.store import default_coder

__all__ = ["CoderParams", "OccupationCoder", "default_coder"]
