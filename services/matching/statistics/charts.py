"""Server-rendered SVG bar charts for the console (no script, no CDN): labelled, titled, and readable
by a screen reader (role="img" with a title and a description listing every bar)."""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
BAR_WIDTH = 360
VALUE_WIDTH = 70


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # None: suppressed or undefined, no bar drawn
    shown: str  # the figure written beside the bar ("<5" when suppressed)


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> str:
    """A horizontal bar chart; bars scale to the largest value."""
    top = max((b.value for b in bars if b.value is not None and b.value > 0), default=1.0)
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    described = "；".join(f"{b.label} {b.shown}" for b in bars) or "—"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(described)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = GAP + i * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT * 0.72
        length = 0.0 if bar.value is None or bar.value <= 0 else max(2.0, bar.value / top * BAR_WIDTH)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" class="chart-label">'
            f"{escape(bar.label)}</text>"
        )
        if length:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                'class="chart-bar"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{middle:.1f}" class="chart-value">'
            f"{escape(bar.shown)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
