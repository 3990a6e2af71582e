"""An offline map of Shandong for choosing where a seeker lives: an SVG drawn from the county
centroids, used as the form's `<input type="image">`, so a click posts its x and y with no script
and no map tiles; the server turns them back into a point."""

from dataclasses import dataclass
from functools import cache
from math import cos, radians
from statistics import fmean

from services.reference.geo import counties, nearest_county

WIDTH = 600
MARGIN_DEG = 0.3


@dataclass(frozen=True, slots=True)
class Frame:
    west: float
    east: float
    south: float
    north: float
    height: int

    def xy(self, lat: float, lng: float) -> tuple[float, float]:
        x = (lng - self.west) / (self.east - self.west) * WIDTH
        y = (self.north - lat) / (self.north - self.south) * self.height
        return round(x, 1), round(y, 1)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """The (lat, lng) under a click at (x, y) on the drawn map."""
        lng = self.west + min(max(x, 0.0), WIDTH) / WIDTH * (self.east - self.west)
        lat = self.north - min(max(y, 0.0), self.height) / self.height * (self.north - self.south)
        return round(lat, 5), round(lng, 5)


@cache
def frame() -> Frame:
    rows = counties().values()
    south, north = min(c.lat for c in rows) - MARGIN_DEG, max(c.lat for c in rows) + MARGIN_DEG
    west, east = min(c.lng for c in rows) - MARGIN_DEG, max(c.lng for c in rows) + MARGIN_DEG
    ratio = (north - south) / ((east - west) * cos(radians((north + south) / 2)))
    return Frame(west, east, south, north, round(WIDTH * ratio))


def click_to_home(x: str, y: str) -> tuple[str, str, str] | None:
    """(lat, lng, county adcode) for the clicked spot, or None for coordinates that are not numbers."""
    try:
        lat, lng = frame().point(float(x), float(y))
    except ValueError:
        return None
    county, _ = nearest_county(lat, lng)
    return f"{lat}", f"{lng}", county.adcode


@cache
def svg() -> str:
    """County seats as dots, each city's name at the middle of its counties."""
    f = frame()
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="3"/>' for x, y in (f.xy(c.lat, c.lng) for c in counties().values())
    )
    cities: dict[str, list[tuple[float, float]]] = {}
    for c in counties().values():
        cities.setdefault(c.city, []).append((c.lat, c.lng))
    labels = "".join(
        '<text x="{}" y="{}">{}</text>'.format(
            *f.xy(fmean(p[0] for p in pts), fmean(p[1] for p in pts)), name
        )
        for name, pts in cities.items()
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {f.height}" width="{WIDTH}" '
        f'height="{f.height}"><rect width="100%" height="100%" fill="#e8eef4"/>'
        f'<g fill="#0b4f8a">{dots}</g>'
        f'<g font-size="15" font-weight="700" fill="#1b1b1b" text-anchor="middle">{labels}</g></svg>'
    )
