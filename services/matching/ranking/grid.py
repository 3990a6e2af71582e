"""A fixed latitude/longitude grid: which cells a circle can touch, as contiguous ranges of cell ids.

Rows sorted by cell id are then read as a few contiguous slices (one per grid row of the bounding box).
The box is the exact spherical bounding box of the circle plus a margin, so no point inside the circle is
ever left out: pruning with it gives the same results as scanning everything.
"""

import math

import numpy as np
import numpy.typing as npt

from services.reference.geo import EARTH_RADIUS_KM

CELL_DEG = 0.05  # ~5.6 km north-south, ~4.5 km east-west in Shandong
N_COLS = int(round(360 / CELL_DEG))
_MARGIN = 1.01

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def cells(lat_deg: F64, lng_deg: F64) -> I64:
    rows = np.floor((lat_deg + 90.0) / CELL_DEG).astype(np.int64)
    cols = np.floor((lng_deg + 180.0) / CELL_DEG).astype(np.int64) % N_COLS
    return rows * N_COLS + cols


def cell_ranges(lat_deg: float, lng_deg: float, radius_km: float) -> tuple[I64, I64]:
    """Inclusive (first, last) cell ids per grid row of the circle's bounding box."""
    angle = radius_km / EARTH_RADIUS_KM * _MARGIN
    dlat = math.degrees(angle)
    lat_lo, lat_hi = max(-90.0, lat_deg - dlat), min(90.0, lat_deg + dlat)
    cos_lat = math.cos(math.radians(lat_deg))
    if lat_hi >= 90.0 or lat_lo <= -90.0 or math.sin(angle) >= cos_lat:
        dlng = 180.0
    else:
        dlng = math.degrees(math.asin(math.sin(angle) / cos_lat)) * _MARGIN
    row_lo = int(math.floor((lat_lo + 90.0) / CELL_DEG))
    row_hi = int(math.floor((lat_hi + 90.0) / CELL_DEG))
    col_lo = int(math.floor((max(-180.0, lng_deg - dlng) + 180.0) / CELL_DEG))
    col_hi = min(N_COLS - 1, int(math.floor((min(180.0, lng_deg + dlng) + 180.0) / CELL_DEG)))
    rows = np.arange(row_lo, row_hi + 1, dtype=np.int64) * N_COLS
    return rows + col_lo, rows + col_hi


def concat_ranges(starts: I64, stops: I64) -> I64:
    """np.concatenate([np.arange(a, b) for a, b in zip(starts, stops)]) without the Python loop."""
    lengths = stops - starts
    keep = lengths > 0
    starts, lengths = starts[keep], lengths[keep]
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    out: I64 = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)
    return out


def rows_in_box(sorted_cells: I64, lat_deg: float, lng_deg: float, radius_km: float) -> I64:
    """Positions in `sorted_cells` (ascending) whose cell the circle's bounding box touches."""
    lo, hi = cell_ranges(lat_deg, lng_deg, radius_km)
    bounds = np.searchsorted(sorted_cells, np.concatenate([lo, hi + 1]))
    return concat_ranges(bounds[: len(lo)], bounds[len(lo) :])


Point = tuple[float, float, float]


def unit_xyz(lat_deg: F64, lng_deg: F64) -> tuple[F64, F64, F64]:
    """Points on the unit sphere: distances become chords, with no trigonometry per query."""
    lat, lng = np.radians(lat_deg), np.radians(lng_deg)
    cos_lat = np.cos(lat)
    return cos_lat * np.cos(lng), cos_lat * np.sin(lng), np.sin(lat)


def point_xyz(lat_deg: float, lng_deg: float) -> Point:
    lat, lng = math.radians(lat_deg), math.radians(lng_deg)
    return math.cos(lat) * math.cos(lng), math.cos(lat) * math.sin(lng), math.sin(lat)


def chord2_limit(radius_km: float) -> float:
    """The squared unit-sphere chord of a great-circle distance: distance ≤ r ⟺ chord² ≤ this."""
    return (2.0 * math.sin(min(math.pi, radius_km / EARTH_RADIUS_KM) / 2.0)) ** 2


def chord2_rows(p: Point, xs: F64, ys: F64, zs: F64) -> F64:
    out: F64 = (xs - p[0]) ** 2 + (ys - p[1]) ** 2 + (zs - p[2]) ** 2
    return out


def km_of_chord2(chord2: F64) -> F64:
    """Great-circle km (the haversine distance) of squared unit-sphere chords."""
    out: F64 = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(chord2) / 2.0))
    return out
