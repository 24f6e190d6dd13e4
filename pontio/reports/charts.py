"""Simple bar charts drawn on the server as accessible SVG.

The page's policy forbids scripts and inline styles, so a chart is plain SVG
with presentation attributes: ``role="img"``, a ``<title>`` and a ``<desc>``
that states every figure in words, and the report's table beside it as the
full text alternative. Colours are the GOV.UK palette's blue, orange and green,
which keep their contrast against white.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH = 720
HEIGHT = 320
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 40
MARGIN_BOTTOM = 64
TICKS = 4
MAX_LABELS = 24
COLOURS = ("#1d70b8", "#f47738", "#00703c")
FONT_SIZE = 12


@dataclass(frozen=True)
class Series:
    """One set of bars, named in the legend."""

    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class BarChart:
    """Bars grouped by label (a month, an LA, an age), one bar per series."""

    key: str
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(any(s.values) for s in self.series)

    def description(self) -> str:
        """Every figure of the chart in words: its text alternative."""
        parts = [
            "; ".join(
                [label]
                + [
                    gettext("%(series)s %(value)s")
                    % {"series": series.name, "value": series.values[index]}
                    for series in self.series
                ]
            )
            for index, label in enumerate(self.labels)
        ]
        return ". ".join(parts)


def render(chart: BarChart) -> SafeString:
    """Return the chart as an SVG element, every text escaped."""
    title_id = f"chart-{chart.key}-title"
    desc_id = f"chart-{chart.key}-desc"
    top = _nice_maximum(
        max((max(s.values, default=0) for s in chart.series), default=0)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pontio-chart" role="img" '
        f'width="100%" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description())}</desc>',
        *_legend(chart),
        *_axis(top),
        *_bars(chart, top),
        *_labels(chart),
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def _nice_maximum(value: int) -> int:
    """The axis top: the value rounded up to 1, 2 or 5 times a power of ten,
    divisible by the number of ticks."""
    if value <= TICKS:
        return TICKS
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        top = step * power
        if top >= value:
            return int(math.ceil(top / TICKS) * TICKS)
    return value


def _plot_height() -> int:
    return HEIGHT - MARGIN_TOP - MARGIN_BOTTOM


def _y(value: int, top: int) -> float:
    return MARGIN_TOP + _plot_height() * (1 - value / top)


def _legend(chart: BarChart) -> list[str]:
    parts = []
    x = MARGIN_LEFT
    for colour, series in zip(COLOURS, chart.series, strict=False):
        parts.append(f'<rect x="{x}" y="12" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="22">{escape(series.name)}</text>')
        x += 30 + 8 * len(series.name)
    return parts


def _axis(top: int) -> list[str]:
    parts = []
    right = WIDTH - MARGIN_RIGHT
    for tick in range(TICKS + 1):
        value = top * tick // TICKS
        y = round(_y(value, top), 1)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{right}" y1="{y}" y2="{y}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4}" text-anchor="end">{value}</text>'
        )
    return parts


def _group_width(chart: BarChart) -> float:
    return (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / max(len(chart.labels), 1)


def _bars(chart: BarChart, top: int) -> list[str]:
    group = _group_width(chart)
    bar = group * 0.8 / max(len(chart.series), 1)
    baseline = _y(0, top)
    parts = []
    for index, label in enumerate(chart.labels):
        left = MARGIN_LEFT + index * group + group * 0.1
        for number, series in enumerate(chart.series):
            value = series.values[index]
            y = _y(value, top)
            colour = COLOURS[number % len(COLOURS)]
            parts.append(
                f'<rect x="{round(left + number * bar, 1)}" y="{round(y, 1)}" '
                f'width="{round(bar, 1)}" height="{round(baseline - y, 1)}" '
                f'fill="{colour}"><title>{escape(label)}: '
                f"{escape(series.name)} {value}</title></rect>"
            )
    return parts


def _labels(chart: BarChart) -> list[str]:
    group = _group_width(chart)
    every = math.ceil(len(chart.labels) / MAX_LABELS) or 1
    y = HEIGHT - MARGIN_BOTTOM + 16
    parts = []
    for index, label in enumerate(chart.labels):
        if index % every:
            continue
        x = round(MARGIN_LEFT + (index + 0.5) * group, 1)
        parts.append(
            f'<text x="{x}" y="{y}" text-anchor="end" '
            f'transform="rotate(-40 {x} {y})">{escape(label)}</text>'
        )
    return parts
