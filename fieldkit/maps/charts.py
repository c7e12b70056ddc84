"""Bar charts as inline SVG for report.html: no scripts, every label escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR = "#2b8cbe"
DONE, MISSED = "#1a9641", "#d7191c"


def bar_chart(
    rows: Sequence[tuple[str, float]], unit: str = "", colour: str = BAR, width: int = 640
) -> str:
    """A horizontal bar chart as inline SVG: one labelled bar per (label, value)."""
    if not rows:
        return "<p class='sub'>Nothing to show.</p>"
    label_w, bar_h, gap = 250, 18, 6
    top = max((v for _, v in rows), default=0) or 1
    span = width - label_w - 60
    height = len(rows) * (bar_h + gap)
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' viewBox='0 0 {width} {height}'>"
    ]
    for i, (name, value) in enumerate(rows):
        y = i * (bar_h + gap)
        w = span * value / top
        short = name if len(name) <= 34 else name[:33] + "…"
        parts.append(
            f"<text x='{label_w - 6}' y='{y + 13}' text-anchor='end'>{escape(short)}</text>"
            f"<rect x='{label_w}' y='{y}' width='{w:.1f}' height='{bar_h}' fill='{colour}'>"
            f"<title>{escape(name)}: {value:g}{unit}</title></rect>"
            f"<text x='{label_w + w + 4:.1f}' y='{y + 13}'>{value:g}{unit}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_chart(rows: Sequence[tuple[str, int, int]], width: int = 640) -> str:
    """Done vs not done per row, as inline SVG (green done, red not done)."""
    if not rows:
        return "<p class='sub'>No planned visits.</p>"
    label_w, bar_h, gap = 250, 18, 6
    top = max(d + m for _, d, m in rows) or 1
    span = width - label_w - 80
    height = len(rows) * (bar_h + gap)
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' viewBox='0 0 {width} {height}'>"
    ]
    for i, (name, done, missed) in enumerate(rows):
        y = i * (bar_h + gap)
        wd, wm = span * done / top, span * missed / top
        parts.append(
            f"<text x='{label_w - 6}' y='{y + 13}' text-anchor='end'>{escape(name[:34])}</text>"
            f"<rect x='{label_w}' y='{y}' width='{wd:.1f}' height='{bar_h}' fill='{DONE}'>"
            f"<title>done: {done}</title></rect>"
            f"<rect x='{label_w + wd:.1f}' y='{y}' width='{wm:.1f}' height='{bar_h}' "
            f"fill='{MISSED}'><title>not done: {missed}</title></rect>"
            f"<text x='{label_w + wd + wm + 4:.1f}' y='{y + 13}'>{done} of {done + missed}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
