"""The map's title (operation, period, data as-of) and legend (classes, KDE bandwidth and cell)."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from fieldkit.codes import CodeBook
from fieldkit.maps.analysis import Analysis
from fieldkit.maps.gistar import CLASSES, RESOLUTION_RULE, HexHotspots
from fieldkit.maps.hotspot_words import meaning, statistics_note
from fieldkit.maps.inputs import MapInput
from fieldkit.maps.kde import BANDWIDTH_RULE
from fieldkit.maps.layers import COUNT_COLOURS, GISTAR_COLOURS
from fieldkit.maps.venues import label, mark_class, mark_css, venue_mark

BACKGROUND = "#eef0eb"

#: The legend's and the marks' colours as classes: the page's policy forbids style attributes.
_COLOUR_CSS = "\n".join(
    [f".fk-g-{klass} {{ background: {c}; }}" for klass, c in GISTAR_COLOURS.items()]
    + [f".fk-n-{i} {{ background: {c}; }}" for i, c in enumerate(COUNT_COLOURS)]
    + [mark_css()]
)

PAGE_CSS = f"""
<style>
  .leaflet-container {{ background: {BACKGROUND}; font: 13px/1.35 system-ui, sans-serif; }}
  .fk-title {{ position: fixed; top: 10px; left: 60px; max-width: calc(100% - 470px); z-index: 1000;
    background: rgba(255,255,255,0.93); padding: 6px 12px; border-radius: 6px;
    box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 14px/1.35 system-ui, sans-serif; }}
  .fk-title h1 {{ font-size: 17px; margin: 0 0 2px 0; }}
  .fk-empty {{ color: #b2182b; font-weight: bold; }}
  .fk-legend {{ position: fixed; bottom: 56px; left: 10px; z-index: 1000; max-width: 330px;
    max-height: 60vh; overflow-y: auto; background: rgba(255,255,255,0.93);
    padding: 8px 10px; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
    font: 12px/1.35 system-ui, sans-serif; }}
  .fk-legend h2 {{ font-size: 13px; margin: 6px 0 2px 0; }}
  .fk-sw {{ display: inline-block; width: 14px; height: 12px; margin-right: 6px;
    border: 1px solid #777; vertical-align: middle; }}
  .fk-ring {{ display: inline-block; width: 12px; height: 12px; border-radius: 50%;
    border: 3px solid; margin-right: 6px; vertical-align: middle; }}
  .fk-mark {{ width: 26px; height: 26px; border-radius: 50%; color: #fff; font-weight: bold;
    font: bold 11px/26px system-ui, sans-serif; text-align: center; border: 2px solid #fff;
    box-shadow: 0 0 3px rgba(0,0,0,0.6); }}
  .fk-legend .fk-mark {{ display: inline-block; width: 20px; height: 20px; line-height: 20px;
    font-size: 9px; margin-right: 6px; vertical-align: middle; }}
  .fk-venue {{ background: none; border: none; }}
  .leaflet-control-layers-expanded {{ max-width: 380px; }}
  .fk-sub {{ color: #555; }}
  .fk-h {{ font-weight: bold; margin-top: 4px; }}
  .fk-tally td {{ padding: 0 8px 0 0; }}
  .leaflet-popup-content ul {{ margin: 2px 0; padding-left: 18px; }}
  .fk-ramp {{ background: linear-gradient(90deg, rgba(255,255,178,0.6), #fd8d3c, #bd0026); }}
  .fk-n {{ margin-right: 0; }}
{_COLOUR_CSS}
</style>
"""


def page_title(map_input: MapInput) -> Markup:
    """The page's <title> element (branca would write a figure title unescaped)."""
    return Markup("<title>{}: hotspots</title>").format(map_input.operation_name)


def title_html(map_input: MapInput, analysis: Analysis) -> str:
    """Operation, period, time zone, data as-of time, and a plain note when there is no data."""
    start, end = map_input.period
    try:
        as_of = map_input.as_of.astimezone(ZoneInfo(map_input.timezone))
    except Exception:  # an unknown zone name: keep the stored offset
        as_of = map_input.as_of
    area = f" · {escape(map_input.area_name)}" if map_input.area_name else ""
    lines = [
        f"<h1>{escape(map_input.operation_name)} ({escape(map_input.operation_id)})</h1>",
        f"<div>{start:%a %d %b %Y} to {end:%a %d %b %Y} ({escape(map_input.timezone)}){area}"
        f" · data as of {as_of:%a %d %b %Y %H:%M %Z}"
        f" · {analysis.n_engagements:,} engagements</div>",
    ]
    if analysis.empty:
        lines.append(
            "<div class='fk-empty'>No engagements recorded for this operation yet: "
            "no density surface or hot spots to show. Venues and the plan are shown.</div>"
        )
    return f"<div class='fk-title' id='fk-title'>{''.join(lines)}</div>"


def _swatch(css_class: str, text: str) -> str:
    return f"<div><span class='fk-sw {css_class}'></span>{escape(text)}</div>"


def legend_html(codes: CodeBook, analysis: Analysis, venue_types: Iterable[str]) -> str:
    """Classes and colours of every layer, the KDE bandwidth and cell size and their rules."""
    parts = ["<div class='fk-legend' id='fk-legend'>"]
    if analysis.surface is not None:
        parts += _density_legend(analysis)
    if analysis.hotspots is not None:
        parts += _hotspot_legend(analysis.hotspots)
    parts += _venue_legend(codes, venue_types)
    parts.append("<h2>Plan coverage</h2>")
    for state, text in (
        ("all", "all planned visits done"),
        ("part", "some planned visits not done"),
        ("none", "no planned visit done"),
    ):
        parts.append(f"<div><span class='fk-ring fk-r-{state}'></span>{text}</div>")
    parts.append("</div>")
    return "".join(parts)


def _density_legend(analysis: Analysis) -> list[str]:
    """The density surface: what it counts, its bandwidth and cell and their rule, its ramp."""
    return [
        "<h2>Density of signs of exploitation (quartic kernel)</h2>",
        f"<div class='fk-sub'>Counts the {analysis.n_signs:,} engagements that recorded at "
        "least one sign; the bandwidth rule uses those inside the area.</div>",
        f"<div>Bandwidth {analysis.bandwidth_m:,.0f} m · cell {analysis.cell_m:,.0f} m</div>"
        f"<div class='fk-sub'>Bandwidth rule: {escape(BANDWIDTH_RULE)}; "
        "cell: bandwidth / 5.</div>",
        "<div><span class='fk-sw fk-ramp'></span>low → high engagements with signs per km²</div>",
    ]


def _hotspot_legend(hs: HexHotspots) -> list[str]:
    """The hot and cold cells in plain words, each class with its count, the statistics behind
    a click; and the colours of the per-day and per-indicator cell layers."""
    fdr = "with Benjamini-Hochberg FDR correction" if hs.fdr else "no FDR correction"
    parts = ["<h2>Hot and cold spots (hex cells)</h2>"]
    counts = hs.by_class()
    for klass in CLASSES:
        if klass == "not_significant":
            continue
        kind = "Hot spot" if klass.startswith("hot") else "Cold spot"
        parts.append(_swatch(f"fk-g-{klass}", f"{kind}: {meaning(klass)} ({counts[klass]})"))
    parts.append(
        "<details><summary>The statistics</summary>"
        f"<div class='fk-sub'>{escape(statistics_note(hs.fdr))}</div>"
        f"<div class='fk-sub'>H3 resolution {hs.resolution} (edge ≈ {hs.edge_m:,.0f} m), "
        f"neighbours: the cell and its 6 adjacent cells; {fdr}. Resolution rule: "
        f"{escape(RESOLUTION_RULE.format(lo=6, hi=10, max_cells='20,000'))}.</div></details>"
    )
    parts.append("<h2>Engagements per cell (day and indicator layers)</h2>")
    parts.append(
        "<div>"
        + "".join(f"<span class='fk-sw fk-n fk-n-{i}'></span>" for i in range(len(COUNT_COLOURS)))
        + " fewer → more</div>"
    )
    return parts


def _venue_legend(codes: CodeBook, venue_types: Iterable[str]) -> list[str]:
    """Each venue type's mark and name."""
    parts = ["<h2>Venues</h2>"]
    for vtype in venue_types:
        mark, _ = venue_mark(vtype)
        parts.append(
            f"<div><span class='fk-mark {mark_class(vtype)}'>{escape(mark)}</span>"
            f"{escape(label(codes, 'venue_types', vtype))}</div>"
        )
    return parts
