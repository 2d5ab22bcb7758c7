"""The interactive choropleth: folium map with a compact, escaped coverage layer.

Geometry goes to the browser as encoded polylines (see ``encode.py``) and each feature's
figures as a short array; the script turns them into ``L.geoJSON`` layers. Colours and the
marking rule come from ``style.py``: the minority side (below target, or at/above when most
are below) gets a second, non-interactive layer with a dark outline (and hatching when it is
the below side), whose weights follow the areas' on-screen size at every zoom (``pjkInk``).
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass

import folium
import pandas as pd
import xyzservices
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from . import DEFAULT_TARGET, fmt, mapgeo, plan, style
from .assets import use_local_assets
from .classify import BELOW, NO_DATA
from .text import t

BASEMAPS: dict[str, tuple[str, str] | None] = {
    "none": None,
    "light": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> &copy; <a href="https://carto.com/attributions">CARTO</a>',
    ),
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    ),
}
STATUS_CODE = {NO_DATA: 0, BELOW: 1}  # anything else: 2 (at or above)


@dataclass(frozen=True)
class MapOptions:
    level: str
    target: float = DEFAULT_TARGET
    lang: str = "id"
    basemap: str = "light"
    is_sample: bool = False
    title: str | None = None
    subtitle: str | None = None
    selected: str | None = None
    legend_scale: float = 1.0
    source_line: str | None = None
    color: str = style.DEFAULT_COLORING  # "gap" | "coverage" | "change" | "pace" (see style.COLORINGS)
    pace_year: int | None = None  # the target year the pace colouring is against (its legend says it)
    iuran: int = plan.DEFAULT_IURAN  # the cost of each area's gap, in the tap panel on touch screens
    months: int = plan.DEFAULT_MONTHS


def json_for_script(value: object) -> str:
    """JSON that is safe inside <script>: no '<', '>' or '&' can close the tag or start markup."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def encoded_geometries(level: str, overview: bool = False) -> tuple[dict[str, list], float]:
    """Geometry per code and its grid (``mapgeo.encoded``: the display geometry, or the overview's)."""
    return mapgeo.encoded(level, overview)


def is_overview(classified: pd.DataFrame, level: str) -> bool:
    """Desa of more than one kabupaten on one map: drawn with the overview geometry (the province's 2,130
    desa are 593 K characters of geometry at the display grid, 250 K as an overview)."""
    return level == "desa" and "kode" in classified and classified["kode"].astype(str).str[:5].nunique() > 1


def feature_rows(classified: pd.DataFrame, opts: MapOptions) -> list[list]:
    """One short array per area (see the JS property mapping in ``CoverageLayer``).

    Column-wise (no ``iterrows``): this runs on every cache miss of a 2,130-desa map.
    """
    lang = opts.lang
    n = len(classified)

    def col(name: str) -> list:
        return classified[name].tolist() if name in classified else [None] * n

    people = t("map.tooltip_people", lang)
    change = col("change_pp")
    pace_status = col("status_laju")
    coloring = fill_coloring(opts, classified)
    if coloring == "pace":  # the tooltip's second line says the pace (the change's place: one line, escaped)
        change = [
            t(
                "pace.tooltip_value",
                lang,
                now=fmt.number(now, lang),
                need=fmt.number(need, lang),
                status=t(f"pace.status.{ps if isinstance(ps, str) else 'no_data'}", lang),
            )
            for now, need, ps in zip(col("laju_per_bulan"), col("laju_dibutuhkan"), pace_status)
        ]
    if opts.level == "desa":
        kec_word = t("jenis.kecamatan", lang)
        parents = [f"{kec_word} {k or ''}, {b or ''}".strip(", ") for k, b in zip(col("nama_kec"), col("nama_kab"))]
    elif opts.level == "kecamatan":
        parents = [str(b or "") for b in col("nama_kab")]
    else:
        parents = [t("level.provinsi", lang)] * n
    return [
        [
            kode,
            str(nama),
            parent,
            fmt.percent(cov, lang),
            fmt.percent(tgt, lang),
            "–" if fmt.is_missing(gap) else f"{fmt.number(gap, lang)} {people}",
            STATUS_CODE.get(status, 2),
            style.area_fill(coloring, cov, tgt, status, ch, ps),
            1 if opts.selected and kode == opts.selected else 0,
            ch if isinstance(ch, str) else "" if fmt.is_missing(ch) else fmt.points(ch, lang, 1),
        ]
        for kode, nama, parent, cov, tgt, gap, status, ch, ps in zip(
            col("kode"),
            col("nama"),
            parents,
            col("cakupan"),
            col("target_efektif"),
            col("gap"),
            col("status"),
            change,
            pace_status,
        )
    ]


def fill_coloring(opts: MapOptions, classified: pd.DataFrame) -> str:
    """The colouring actually drawn: "change" needs a previous period and "pace" the pace's status
    (``geo.pace``), else distance to target."""
    if opts.color == "change" and "change_pp" not in classified:
        return style.DEFAULT_COLORING
    if opts.color == "pace" and "status_laju" not in classified:
        return style.DEFAULT_COLORING
    return opts.color if opts.color in style.COLORINGS else style.DEFAULT_COLORING


def mark_for(classified: pd.DataFrame, dim: set[str] | None = None) -> str:
    """``style.marking`` over the areas drawn at full strength (filtered-out ones are dimmed, not counted)."""
    shown = classified[~classified["kode"].isin(dim)] if dim else classified
    status = shown["status"]
    return style.marking(int((status == BELOW).sum()), int((status != NO_DATA).sum()))


class _Verbatim(Element):
    """Script text added to the page as is (branca would run it through Jinja a second time)."""

    def __init__(self, text: str):
        super().__init__("")
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class VerbatimScript(MacroElement):
    """A MacroElement whose rendered script may contain '{{' or '{%' (encoded geometry does)."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure)
        figure.script.add_child(_Verbatim(self._template.module.script(self, kwargs)), name=self.get_name())


class CoverageLayer(VerbatimScript):
    """The coverage polygons, below-target overlay and selection outline (``pjkMap.coverage``, geo/map.js)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var D = {{ this.payload }};
pjkMap.coverage({{ this._parent.get_name() }}, D);
{% endmacro %}
"""
    )

    def __init__(self, payload: str):
        super().__init__()
        self._name = "CoverageLayer"
        self.payload = payload


SVG_DEFS = (
    '<defs><pattern id="pjk-hatch" patternUnits="userSpaceOnUse" width="9" height="9" patternTransform="rotate(45)">'
    f'<line x1="4.5" y1="0" x2="4.5" y2="9" stroke="{style.BELOW_HATCH}" '
    'stroke-width="2.2" stroke-opacity="0.85"/></pattern>'
    '<pattern id="pjk-nodata" patternUnits="userSpaceOnUse" width="7" height="7">'
    f'<rect width="7" height="7" fill="{style.NO_DATA_FILL}"/><circle '
    f'cx="3.5" cy="3.5" r="1.1" fill="{style.NO_DATA_DOT}"/></pattern></defs>'
)


def _swatch(kind: str, size: int, coloring: str = style.DEFAULT_COLORING) -> str:
    if kind == "above":  # the outline; filled with the "at or above" colour only where one colour means that
        fill = style.GAP_PALETTE[0] if coloring == "gap" else "#ffffff"
        return (
            f'<svg width="{size}" height="{size}" aria-hidden="true"><rect x="1.5" '
            f'y="1.5" width="{size - 3}" height="{size - 3}" fill="{fill}" '
            f'fill-opacity="0.88" stroke="{style.BELOW_OUTLINE}" stroke-width="3"/></svg>'
        )
    if kind == "below":
        return (
            f'<svg width="{size}" height="{size}" aria-hidden="true"><defs>'
            '<pattern id="pjk-lg-hatch" patternUnits="userSpaceOnUse" '
            'width="7" height="7" patternTransform="rotate(45)"><line '
            'x1="0" y1="0" x2="0" y2="7" stroke="#000" stroke-width="2.2"/>'
            f'</pattern></defs><rect x="1.5" y="1.5" width="{size - 3}" height="{size - 3}" fill="url(#pjk-lg-hatch)" '
            f'stroke="{style.BELOW_OUTLINE}" stroke-width="3"/></svg>'
        )
    if kind == "no_data":
        return (
            f'<svg width="{size}" height="{size}" aria-hidden="true"><rect width="{size}" height="{size}" '
            f'fill="{style.NO_DATA_FILL}" stroke="{style.BORDER}" stroke-width="1"/><circle '
            f'cx="{size / 3}" cy="{size / 3}" r="1.4" fill="{style.NO_DATA_DOT}"/><circle '
            f'cx="{2 * size / 3}" cy="{2 * size / 3}" r="1.4" fill="{style.NO_DATA_DOT}"/></svg>'
        )
    return (
        f'<svg width="{size}" height="{size}" aria-hidden="true"><rect width="{size}" '
        f'height="{size}" fill="{kind}" stroke="{style.BORDER}" stroke-width="1"/></svg>'
    )


def legend_html(opts: MapOptions, own_targets: bool, mark: str = style.MARK_BELOW, coloring: str | None = None) -> str:
    """The legend of exactly what is drawn: the colouring's classes, the marked side, no data."""
    s = opts.legend_scale
    size = int(round(18 * s))
    coloring = coloring or (opts.color if opts.color in style.COLORINGS else style.DEFAULT_COLORING)
    entries = style.legend_rows(coloring, opts.target, opts.lang, own_targets, mark)
    title = style.legend_title(coloring, opts.target, opts.lang, own_targets, opts.pace_year)
    rows = "".join(
        f'<div class="pjk-lg-row" data-kind="{html.escape(kind)}">'
        f"{_swatch(kind, size, coloring)}<span>{html.escape(label)}</span></div>"
        for kind, label in entries
    )
    source = f'<div class="pjk-lg-src">{html.escape(opts.source_line)}</div>' if opts.source_line else ""
    return (
        f'<div class="pjk-legend" style="font-size:{_scaled_font(13 * s)}">'
        f'<div class="pjk-lg-title">{html.escape(title)}</div>{rows}{source}</div>'
    )


def _scaled_font(px: float) -> str:
    """Large (presentation) text shrinks with the map's width below 1882 px (a 1920 px screen), so the
    panels leave the fitted area visible on a 1366 px laptop; normal sizes stay fixed."""
    if px <= 14:
        return f"{px:.0f}px"
    return f"clamp(13px, {px / 1882 * 100:.3f}vw, {px:.0f}px)"


def header_html(opts: MapOptions) -> str:
    parts = []
    if opts.title:
        parts.append(f'<div class="pjk-title">{html.escape(opts.title)}</div>')
    if opts.subtitle:
        parts.append(f'<div class="pjk-subtitle">{html.escape(opts.subtitle)}</div>')
    if opts.is_sample:
        parts.append(f'<div class="pjk-sample">{html.escape(t("sample.banner", opts.lang))}</div>')
    return (
        f'<div class="pjk-header" style="font-size:{opts.legend_scale:.2f}em">{"".join(parts)}</div>' if parts else ""
    )


class FitBesideControls(VerbatimScript):
    """Fit the areas into the part of the map the legend and panels leave free (``pjkMap.fitBeside``)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
pjkMap.fitBeside({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self):
        super().__init__()
        self._name = "FitBesideControls"


class FoldControl(VerbatimScript):
    """On a narrow map the legend, title box and panels fold into one small button (tap to open).

    The folding itself is CSS (``.pjk-unfolded`` under a max-width query, ``mapscript.CSS``): a wide map
    never shows the button and never hides a panel.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
pjkMap.fold({{ this._parent.get_name() }}, {{ this.label }});
{% endmacro %}
"""
    )

    def __init__(self, label: str):
        super().__init__()
        self._name = "FoldControl"
        self.label = json_for_script(label)


class HtmlControl(VerbatimScript):
    """A fixed block of (already escaped) HTML in a map corner (``pjkMap.control``)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
pjkMap.control({{ this._parent.get_name() }}, {{ this.position|tojson }}, {{ this.css_class|tojson }}, \
{{ this.content }});
{% endmacro %}
"""
    )

    def __init__(self, content: str, position: str, css_class: str):
        super().__init__()
        self._name = "HtmlControl"
        self.content = json_for_script(content)
        self.position = position
        self.css_class = css_class


FILL_CSS = "<style>html,body{height:100%;margin:0}#map_div,.folium-map{height:100vh !important}</style>"


SHARED_COLUMNS = (2, 4, 7)  # the parent, the target and the fill: a few values over many areas


def shared_values(rows: list[list]) -> list[list]:
    """Replace the ``SHARED_COLUMNS`` of each row by an index into a list of their distinct values (in place).

    The province's 2,130 desa have ~180 parents, a few targets and a few fills: the map's message shrinks by
    two fifths (the script reads ``D.u``). It matters beyond the wire: a phone's browser parses every
    character, and Chromium's Slow 4G emulation paces a websocket message by its inflated size.
    """
    tables = []
    for c in SHARED_COLUMNS:
        index: dict = {}
        for row in rows:
            row[c] = index.setdefault(row[c], len(index))
        tables.append(list(index))
    return tables


def rows_of(payload: dict) -> list[list]:
    """The payload's feature rows with their shared values put back (what the map's script reads)."""
    shared = payload.get("u")
    if not shared:
        return payload["f"]
    out = []
    for row in payload["f"]:
        row = list(row)
        for c, values in zip(SHARED_COLUMNS, shared, strict=True):
            row[c] = values[row[c]]
        out.append(row)
    return out


def coverage_payload(
    classified: pd.DataFrame, opts: MapOptions, dim: set[str] | None = None, geometry_file: bool = False
) -> str:
    """Script-safe JSON of every feature: the expensive part of a map, worth caching.

    ``geometry_file``: the geometry stays out of the payload; the script fetches it from its file
    (``mapgeo``: ``"G"`` is the URL) and fits the view to ``"b"`` meanwhile. Else it travels inside (``"g"``,
    one entry per feature, on grid ``"p"``): a map that must work on its own (the HTML download).
    """
    return json_for_script(_payload(classified, opts, dim, geometry_file))


def _payload(classified: pd.DataFrame, opts: MapOptions, dim: set[str] | None, geometry_file: bool) -> dict:
    rows = feature_rows(classified, opts)
    gaps = classified["gap"].tolist() if "gap" in classified else [None] * len(rows)
    for row, gap in zip(rows, gaps, strict=True):
        row.append(1 if dim and row[0] in dim else 0)
        # p[11]: what closing this area's gap costs (the tap panel says it; a tooltip has no room)
        row.append("–" if fmt.is_missing(gap) else fmt.rupiah_short(plan.cost(gap, opts.iuran, opts.months), opts.lang))
    shared = shared_values(rows)
    coloring = fill_coloring(opts, classified)
    payload = {
        "s": {
            # the pace colouring's classes are its message: no second mark of the coverage status over them
            "mark": style.MARK_NONE if coloring == "pace" else mark_for(classified, dim),
            "coloring": coloring,
            "border": style.BORDER,
            "ink": style.INK,
            "below_outline": style.BELOW_OUTLINE,
            "selected": style.SELECTED_OUTLINE,
        },
        "f": rows,
        "u": shared,
        "labels": {
            "coverage": t("map.tooltip_coverage", opts.lang),
            "target": t("map.tooltip_target", opts.lang),
            "gap": t("map.tooltip_gap", opts.lang),
            "change": t("pace.tooltip", opts.lang, year=opts.pace_year or "")
            if coloring == "pace"
            else t("col.change", opts.lang),
            "below": t("status.below", opts.lang),
            "ok": t("status.at_or_above", opts.lang),
            "no_data": t("status.no_data", opts.lang),
            "cost": t("phone.panel_cost", opts.lang, months=opts.months),
            "details": t("phone.details", opts.lang),
            "close": t("phone.close", opts.lang),
            "two_fingers": t("phone.two_fingers", opts.lang),
        },
        "defs": SVG_DEFS,
    }
    if geometry_file:
        key = mapgeo.key_for(opts.level, (r[0] for r in rows))
        selected = [r[0] for r in rows if r[8] == 1]
        payload["G"] = mapgeo.url(key)
        payload["b"] = mapgeo.bounds(opts.level, selected or [r[0] for r in rows])
    else:
        geoms, precision = encoded_geometries(opts.level, is_overview(classified, opts.level))
        payload["g"] = [geoms[r[0]] for r in rows]
        payload["p"] = int(precision)
    return payload


def coverage_parts(classified: pd.DataFrame, opts: MapOptions, dim: set[str] | None = None) -> tuple[str, bytes]:
    """(the map's payload, its features file): the payload names both files (``"G"`` geometry, ``"F"``
    features: ``mapgeo``), the bounds to fit, the style and the labels; the caller holds the features file
    (``mapgeo.hold``) so the server can answer for it."""
    payload = _payload(classified, opts, dim, geometry_file=True)
    features = {"f": payload.pop("f"), "u": payload.pop("u")}
    body = json.dumps(features, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    payload["F"] = mapgeo.features_url(body)
    return json_for_script(payload), body


def build_map(
    classified: pd.DataFrame, opts: MapOptions, height: str | int = "100%", dim: set[str] | None = None
) -> folium.Map:
    """A ready folium map of ``classified`` (one row per area, from ``classify.classify``)."""
    own = bool(classified.get("own_target", pd.Series(dtype=bool)).any())
    return map_from_payload(coverage_payload(classified, opts, dim), opts, own, height)


@functools.cache
def _tile_provider(basemap: str) -> xyzservices.TileProvider | None:
    """A basemap as a ready tile provider, made once: given its URL as text, folium searches every xyzservices
    provider by that name first (~3 ms of each new session's script run, for a search that never matches)."""
    entry = BASEMAPS.get(basemap)
    if entry is None:
        return None
    return xyzservices.TileProvider(name=basemap, url=entry[0], attribution=entry[1], max_zoom=18)


def map_from_payload(
    payload: str,
    opts: MapOptions,
    own_targets: bool = False,
    height: str | int = "100%",
    extra_panels: tuple[tuple[str, str], ...] = (),
    fill_frame: bool = False,
) -> folium.Map:
    """The map around a cached payload; ``extra_panels`` are (escaped HTML, corner) blocks."""
    # zoomSnap 0.05: fitBounds may stop at a fractional zoom, so the area shown fills the frame.
    m = folium.Map(
        location=[-0.1, 111.0],
        zoom_start=7,
        tiles=None,
        control_scale=True,
        height=height,
        prefer_canvas=False,
        zoom_snap=0.05,
        zoom_delta=0.5,
    )
    use_local_assets(m, map_script=True)
    tiles = _tile_provider(opts.basemap)
    if tiles is not None:
        folium.TileLayer(tiles=tiles, attr=tiles.attribution, name=opts.basemap, max_zoom=18).add_to(m)
    if fill_frame:  # the map takes the whole frame it is shown in (presentation: the screen height)
        m.get_root().header.add_child(folium.Element(FILL_CSS), name="pjk_fill")
    CoverageLayer(payload).add_to(m)
    FoldControl(t("phone.legend", opts.lang)).add_to(m)  # first in its corner: the top right stays the button's
    mark, coloring = payload_style(payload)
    HtmlControl(legend_html(opts, own_targets, mark, coloring), "bottomright", "pjk-legend-box").add_to(m)
    head = header_html(opts)
    if head:
        HtmlControl(head, "topright", "pjk-header-box").add_to(m)
    for content, corner in extra_panels:
        HtmlControl(content, corner, "pjk-panel-box").add_to(m)
    FitBesideControls().add_to(m)
    return m


_STYLE_RE = re.compile(r'^\{"s":\{"mark":"(\w+)","coloring":"(\w+)"')


def payload_style(payload: str) -> tuple[str, str]:
    """(mark, coloring) of a payload, read from its head (cheap: no parse of the 1.5 MB province payload)."""
    m = _STYLE_RE.match(payload)
    if not m:
        return style.MARK_BELOW, style.DEFAULT_COLORING
    return m.group(1), m.group(2)


def features_in_map(m: folium.Map) -> int:
    """How many area features a built map carries (for tests and benches)."""
    for child in m._children.values():
        if isinstance(child, CoverageLayer):
            return len(json.loads(child.payload)["f"])
    return 0
