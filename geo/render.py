"""Static briefing exports: the current map as a 1920×1080 PNG or a one-page PDF, offline.

Same colouring, classes, colours and marking rule as the interactive map (``style.py``): the
class fill of the chosen colouring (distance to target by default) for every area with data;
the minority side marked with a ``BELOW_OUTLINE`` outline (plus hatching when it is the below
side), its weights from ``style.ink`` for the areas' median size on the figure; dotted
``NO_DATA_FILL`` (its own legend entry, never 0%) for areas without data. Drawn with matplotlib's
Agg/PDF backends only (no pyplot, no tiles, no network), in UTM 49S so the scale bar is true.
"""

from __future__ import annotations

import io
import os
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from PIL import Image as PILImage
from pyproj import Transformer
from shapely.ops import polylabel

from . import DEFAULT_TARGET, LEVELS, boundaries, plan, style
from . import fmt as numfmt
from .boundaries import AREA_CRS, CRS
from .classify import AT_OR_ABOVE, BELOW, NO_DATA, totals
from .period import label as period_label
from .ranking import area_table, priorities
from .source import load_upstream
from .targets import legend_label
from .text import t

MAP_CRS = AREA_CRS  # UTM 49S, metres
WIDTH_IN, HEIGHT_IN, DPI = 19.2, 10.8, 100  # 1920 × 1080 px
FORMATS = ("png", "pdf")

INK = "#222222"
MUTED = "#555555"
ALERT = "#8b0000"
GOOD = "#1a6b2f"
CONTEXT_FILL = "#f7f7f7"
CONTEXT_EDGE = "#c8c8c8"
PARENT_EDGE = "#8f8f8f"  # mid grey: a band either side of the (near-black) below-target outlines
SAMPLE_BG, SAMPLE_EDGE, SAMPLE_INK = "#fff3cd", "#b8860b", "#5c4400"  # as the web banner

# Figure-fraction layout: header band, map on the left, legend/figures panel on the right, source line.
MAP_BOX = (0.008, 0.07, 0.555, 0.79)  # left, bottom, width, height
PANEL_X0, PANEL_X1 = 0.578, 0.992
PANEL_TOP = 0.855
LEGEND_COL_W = 0.19

BORDER_WIDTH = {"kabupaten": 1.2, "kecamatan": 0.8, "desa": 0.45}
HATCH = "//"
HATCH_WIDTH = 1.6
PT_PER_PX = 72 / DPI  # style.ink speaks screen pixels; matplotlib line widths are points


class RenderError(ValueError):
    """A request the renderer cannot honour (bad level, unknown kabupaten code, ...)."""


@dataclass
class RenderInfo:
    """What a figure shows; kept on the figure (``fig.pjk``) for tests and callers."""

    level: str
    lang: str
    kab: str | None
    is_sample: bool
    map_crs: str
    keys: set[str]
    codes: list[str]


class _Text:
    """``t()`` that remembers which catalogue keys a figure used."""

    def __init__(self, lang: str):
        self.lang = lang
        self.keys: set[str] = set()

    def __call__(self, key: str, **params: object) -> str:
        self.keys.add(key)
        return t(key, self.lang, **params)


# --- geometry ---------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _boundary_frame(level: str) -> gpd.GeoDataFrame:
    """The level's display geometry in the map CRS, with its attributes (cached per process)."""
    gdf = boundaries.load(level)
    out = gpd.GeoDataFrame(gdf.drop(columns=["geometry", "display"]), geometry=gdf["display"].values, crs=CRS)
    return out.to_crs(MAP_CRS)


def _geometries(classified: pd.DataFrame, level: str) -> gpd.GeoSeries:
    """Projected geometry aligned with ``classified``: its own ``display``/geometry, else the cache's."""
    if "display" in classified.columns:
        geoms = gpd.GeoSeries(classified["display"].values, index=classified.index)
    elif isinstance(classified, gpd.GeoDataFrame) and classified.geometry.name in classified:
        geoms = classified.geometry
    else:
        lookup = _boundary_frame(level).set_index("kode").geometry
        missing = set(classified["kode"]) - set(lookup.index)
        if missing:
            raise RenderError(f"unknown {level} codes: {sorted(missing)[:5]}")
        return gpd.GeoSeries(lookup.loc[classified["kode"]].values, index=classified.index, crs=MAP_CRS)
    if geoms.crs is None:
        geoms = geoms.set_crs(CRS)
    return geoms.to_crs(MAP_CRS)


def _polygons(geom) -> list:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    return [p for g in getattr(geom, "geoms", []) for p in _polygons(g)]


def _path(geom) -> MplPath:
    verts, codes = [], []
    for poly in _polygons(geom):
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 4:
                continue
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _collection(geoms, **kw) -> PathCollection:
    hatch_color = kw.pop("hatchcolor", None)
    hatch_width = kw.pop("hatch_linewidth", None)
    coll = PathCollection([_path(g) for g in geoms], **kw)
    if hatch_color is not None:
        coll.set_hatchcolor(hatch_color)
    if hatch_width is not None:
        coll.set_hatch_linewidth(hatch_width)
    return coll


def _lines(geoms, **kw) -> LineCollection:
    segs = []
    for g in geoms:
        for poly in _polygons(g):
            for ring in (poly.exterior, *poly.interiors):
                segs.append(np.asarray(ring.coords)[:, :2])
    return LineCollection(segs, **kw)


@lru_cache(maxsize=32)
def _inner_boundaries(level: str, kab: str | None = None) -> tuple[np.ndarray, ...]:
    """Segments of the boundaries that areas of ``level`` (within ``kab``) share with each other, not
    their outer edge. Display geometry is coverage-simplified, so shared edges are identical."""
    frame = _boundary_frame(level)
    if kab:
        frame = frame[frame["kode_kab"] == kab]
    parts = np.asarray(frame.geometry.values, dtype=object)
    outer = shapely.coverage_union_all(parts).boundary
    inner = shapely.union_all([p.boundary for p in parts]).difference(outer)
    lines = [g for g in getattr(inner, "geoms", [inner]) if not g.is_empty and g.geom_type == "LineString"]
    return tuple(np.asarray(g.coords)[:, :2] for g in lines)


def _label_point(geom):
    """A visual centre inside the largest part (pole of inaccessibility)."""
    parts = _polygons(geom)
    if not parts:
        return None
    big = max(parts, key=lambda p: p.area)
    try:
        return polylabel(big, tolerance=max(big.length / 2000, 50.0))
    except Exception:  # noqa: BLE001 - degenerate ring: any interior point will do
        return big.representative_point()


def _set_extent(ax, bounds, pad: float = 0.03, west: bool = True) -> None:
    """Limits around ``bounds`` with the same aspect as the map box, so 'equal' changes nothing.

    With ``west``, spare width goes to the west (the sea, in Kalbar): room for labels of small coastal kota.
    """
    xmin, ymin, xmax, ymax = bounds
    w0, h0 = (xmax - xmin) * (1 + 2 * pad), (ymax - ymin) * (1 + 2 * pad)
    box = (MAP_BOX[2] * WIDTH_IN) / (MAP_BOX[3] * HEIGHT_IN)
    w, h = (w0, w0 / box) if w0 / h0 > box else (h0 * box, h0)
    cx = xmax + (xmax - xmin) * pad - w / 2 if west else (xmin + xmax) / 2
    cy = (ymin + ymax) / 2
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)


class _Labels:
    """Map labels that never overlap each other: nudged inside their area, else (small areas) moved
    out with a leader line, else dropped."""

    INSIDE = [(0, 0), (0, 18), (0, -18), (0, 34), (0, -34), (28, 0), (-28, 0)]

    @staticmethod
    def outside(w: float, h: float) -> list[tuple[float, float]]:
        """Offsets clear of the area: westward (the sea, in Kalbar) first, then east, then above/below."""
        out = []
        for gap in (30, 60, 95):
            for dy in (0, h * 0.9, -h * 0.9, h * 1.8, -h * 1.8):
                out.append((-(w / 2 + gap), dy))
        for gap in (30, 60):
            for dy in (0, h * 0.9, -h * 0.9):
                out.append((w / 2 + gap, dy))
        for gap in (25, 50):
            out += [(0, h / 2 + gap), (0, -(h / 2 + gap))]
        return out

    def __init__(self, fig: Figure, ax):
        self.fig, self.ax = fig, ax
        self.renderer = _renderer(fig)
        self.boxes: list = []
        self.frame = ax.get_window_extent(self.renderer).shrunk(0.98, 0.98)

    def _free(self, bb) -> bool:
        inside = bb.x0 >= self.frame.x0 and bb.x1 <= self.frame.x1 and bb.y0 >= self.frame.y0 and bb.y1 <= self.frame.y1
        return inside and not any(bb.overlaps(b) for b in self.boxes)

    def place(self, geom, text: str, outside_ok: bool = False, **kw):
        p = _label_point(geom)
        if p is None:
            return None
        kw.setdefault("zorder", 6)
        ann = self.ax.annotate(
            text,
            xy=(p.x, p.y),
            xytext=(0, 0),
            textcoords="offset pixels",
            ha="center",
            va="center",
            annotation_clip=False,
            **kw,
        )
        # An area smaller than its label gets the label outside, with a leader line.
        gx0, gy0, gx1, gy1 = geom.bounds
        (px0, py0), (px1, py1) = self.ax.transData.transform([(gx0, gy0), (gx1, gy1)])
        tb = ann.get_window_extent(self.renderer)
        small = (px1 - px0) < tb.width * 0.8 and (py1 - py0) < tb.height * 1.5
        candidates = self.outside(tb.width, tb.height) if (small and outside_ok) else self.INSIDE
        for dx, dy in candidates:
            ann.xyann = (dx, dy)
            bb = ann.get_window_extent(self.renderer).expanded(1.04, 1.08)
            if self._free(bb):
                self.boxes.append(bb)
                if (dx, dy) not in self.INSIDE:
                    ann.arrow_patch = None
                    ann.remove()
                    ann = self.ax.annotate(
                        text,
                        xy=(p.x, p.y),
                        xytext=(dx, dy),
                        textcoords="offset pixels",
                        ha="center",
                        va="center",
                        arrowprops=dict(arrowstyle="-", color=INK, linewidth=1.4, shrinkA=2, shrinkB=0),
                        annotation_clip=False,
                        **kw,
                    )
                return ann
        ann.remove()
        return None


def _nice_length(span_m: float) -> float:
    """A round scale-bar length near a fifth of the map width."""
    for km in (500, 200, 100, 50, 25, 20, 10, 5, 2, 1, 0.5):
        if km * 1000 <= span_m * 0.22:
            return km * 1000
    return 250.0


# --- text helpers -----------------------------------------------------------------------------


def _renderer(fig: Figure):
    return fig.canvas.get_renderer()


def _fit(fig: Figure, text, max_px: float, min_size: float) -> None:
    """Shrink a text artist until it is at most ``max_px`` wide."""
    r = _renderer(fig)
    while text.get_window_extent(r).width > max_px and text.get_fontsize() > min_size:
        text.set_fontsize(text.get_fontsize() - 1)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def _short_name(row: pd.Series, level: str) -> str:
    name = str(row["nama"])
    if level == "kabupaten" and name.startswith("Kabupaten "):
        return name[len("Kabupaten ") :]
    return name


def _area_name(kab: str | None, kab_names: dict[str, str], tx: _Text) -> str:
    return kab_names.get(kab, kab) if kab else tx("level.provinsi")


def source_line(data_source: str, is_sample: bool, lang: str = "id", tx: _Text | None = None) -> str:
    """'Boundaries: … commit …  ·  Data: …' for the foot of every export."""
    tx = tx or _Text(lang)
    up = load_upstream()
    boundaries_txt = tx("render.source_boundaries", repo=up.repository, commit=up.commit[:10])
    name = data_source or ""
    stamped = name.startswith(t("stamp.line", tx.lang).split("{")[0])  # published: the stamp says "Data per …" itself
    data_txt = (
        tx("render.source_sample", name=name).replace("  ", " ")
        if is_sample
        else name
        if stamped
        else tx("render.source_data", name=name or "–")
    )
    return f"{boundaries_txt}   ·   {data_txt}"


# --- the figure -------------------------------------------------------------------------------


def build_figure(
    classified: pd.DataFrame,
    level: str,
    *,
    lang: str = "id",
    title: str | None = None,
    subtitle: str | None = None,
    period: str | None = None,
    target: float = DEFAULT_TARGET,
    is_sample: bool = False,
    data_source: str = "",
    kab: str | None = None,
    color: str = style.DEFAULT_COLORING,
    iuran: int | None = None,
    months: int | None = None,
    workers_note: str | None = None,
    height_in: float = HEIGHT_IN,
) -> Figure:
    """The briefing map as a matplotlib Figure of exactly 19.2×10.8 in at 100 dpi (1920×1080 px).

    ``height_in``: a shorter page for the link-preview snapshot (1.91:1); the layout is in figure
    fractions and text in points, so it only tightens vertically.
    """
    if level not in LEVELS:
        raise RenderError(f"unknown level {level!r}; expected one of {LEVELS}")
    tx = _Text(lang)
    df = classified.reset_index(drop=True)
    if kab:
        if level == "kabupaten":
            raise RenderError("--kab / kab applies to the kecamatan and desa levels only")
        kab_col = df["kode_kab"] if "kode_kab" in df else df["kode"].str.slice(0, 5)
        df = df[kab_col == kab].reset_index(drop=True)
        if df.empty:
            raise RenderError(f"no {level} areas for kabupaten/kota {kab!r}")
    geoms = _geometries(df, level)
    kab_frame = _boundary_frame("kabupaten")
    kab_names = dict(zip(kab_frame["kode"], kab_frame["nama"]))

    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    fig.pjk = RenderInfo(level, lang, kab, is_sample, MAP_CRS, tx.keys, list(df["kode"]))

    if period is None and "periode" in df and df["periode"].notna().any():
        period = str(df["periode"].dropna().iloc[0])

    # Header ---------------------------------------------------------------------------------
    area = _area_name(kab, kab_names, tx)
    level_name = tx(f"level.{level}")
    if title is None:
        title = (
            tx("map.title", area=area, level=level_name, period=period_label(period, lang))
            if period
            else tx("render.title_no_period", area=area, level=level_name)
        )
    if subtitle is None:
        subtitle = tx("render.subtitle", target=numfmt.percent(target, lang))
    tot = totals(df, target)
    if tot.areas_with_data < tot.areas:  # a partial table says so beside its figures (geo.classify.reported_note)
        subtitle += " · " + tx(
            "partial.reported_short",
            n=numfmt.number(tot.areas_with_data, lang),
            total=numfmt.number(tot.areas, lang),
            level=tx(f"partial.level.{level}"),
        )
    if workers_note:  # desa-level workers are the village ecosystem: never read as the kabupaten's population
        subtitle = f"{subtitle}\n{workers_note}"
    title_txt = fig.text(0.008, 0.975, title, fontsize=34, fontweight="bold", color=INK, va="top", ha="left")
    _fit(fig, title_txt, 1900, 20)
    sub_txt = fig.text(
        0.008,
        0.906,
        subtitle,
        fontsize=20,
        color=ALERT if tot.areas_with_data < tot.areas else MUTED,
        va="top",
        ha="left",
    )
    sub_max = 1900
    if is_sample:
        banner = fig.text(
            0.992,
            0.906,
            tx("sample.banner"),
            fontsize=21,
            fontweight="bold",
            color=SAMPLE_INK,
            va="top",
            ha="right",
            bbox=dict(boxstyle="round,pad=0.35", facecolor=SAMPLE_BG, edgecolor=SAMPLE_EDGE, linewidth=2),
        )
        sub_max = 1900 - banner.get_window_extent(_renderer(fig)).width - 40
    _fit(fig, sub_txt, sub_max, 12)

    # Map ------------------------------------------------------------------------------------
    ax = fig.add_axes(MAP_BOX, label="map")
    ax.set_axis_off()
    _set_extent(ax, geoms.total_bounds, west=not kab)
    ax.set_aspect("equal", adjustable="box")
    labels = _Labels(fig, ax)

    if kab:  # neighbouring kabupaten, faint, for orientation
        others = kab_frame[kab_frame["kode"] != kab]
        ax.add_collection(
            _collection(others.geometry, facecolors=CONTEXT_FILL, edgecolors=CONTEXT_EDGE, linewidths=0.8, zorder=0)
        )

    needs = {"change": "change_pp", "pace": "status_laju"}  # a colouring drawn only with its figures
    coloring = color if color in style.COLORINGS and needs.get(color, "kode") in df else style.DEFAULT_COLORING
    ink = _ink(ax, geoms)
    _draw_fills(ax, df, geoms, coloring, ink)
    # Parent boundaries for orientation (kecamatan inside one kabupaten, else kabupaten): only the inner
    # ones, drawn under the below-target outlines and wider, so they show as a grey band either side.
    parent_level = None
    if level != "kabupaten":
        parent_level = "kecamatan" if (kab and level == "desa") else "kabupaten"
        ax.add_collection(
            LineCollection(
                _inner_boundaries(parent_level, kab if parent_level == "kecamatan" else None),
                colors=PARENT_EDGE,
                linewidths=7.0 if parent_level == "kabupaten" else 5.0,
                zorder=2,
                capstyle="round",
                joinstyle="round",
            )
        )
    mark = style.marking(int((df["status"] == BELOW).sum()), int((df["status"] != NO_DATA).sum()))
    if coloring == "pace":  # its classes are its message (as the web map)
        mark = style.MARK_NONE
    _draw_marking(ax, df, geoms, mark, ink)

    # Names: kabupaten with their coverage; kecamatan names inside a zoomed kabupaten; neighbours faintly.
    halo = [patheffects.withStroke(linewidth=4, foreground="white")]
    if level == "kabupaten":
        order = geoms.area.sort_values(ascending=False).index
        for i in order:
            row = df.loc[i]
            text = f"{_short_name(row, level)}\n{numfmt.percent(row['cakupan'], lang, 1)}"
            labels.place(
                geoms.loc[i],
                text,
                fontsize=14,
                fontweight="bold",
                color=INK,
                linespacing=1.05,
                path_effects=halo,
                outside_ok=True,
            )
    elif parent_level is not None:
        parents = _boundary_frame(parent_level)
        if parent_level == "kecamatan":
            parents = parents[parents["kode_kab"] == kab]
        for _, row in parents.assign(_a=parents.area).sort_values("_a", ascending=False).iterrows():
            if parent_level == "kecamatan":
                labels.place(row.geometry, str(row["nama"]), fontsize=12, color=INK, style="italic", path_effects=halo)
            else:
                labels.place(
                    row.geometry,
                    _short_name(row, "kabupaten"),
                    fontsize=14,
                    fontweight="bold",
                    color=INK,
                    path_effects=halo,
                    outside_ok=True,
                )
    if kab:
        for _, row in kab_frame[kab_frame["kode"] != kab].iterrows():
            labels.place(
                row.geometry, _short_name(row, "kabupaten"), fontsize=13, color="#8a8a8a", zorder=0.5, clip_on=True
            )

    _scale_and_north(fig, ax, tx)

    # Panel: legend, key figures, priorities --------------------------------------------------
    own = bool(df.get("own_target", pd.Series(dtype=bool)).fillna(False).any())
    pace_year = pd.to_numeric(df["tahun"], errors="coerce").dropna() if "tahun" in df else pd.Series(dtype=float)
    _legend(fig, tx, target, own, coloring, mark, int(pace_year.iloc[0]) if len(pace_year) else None)
    below_figures = _figures(fig, tx, df, level, target)
    _cost_and_targets(fig, tx, df, target, iuran, months, below_figures)
    _priorities(fig, tx, df, level)

    # Foot -----------------------------------------------------------------------------------
    foot = fig.text(
        0.008, 0.018, source_line(data_source, is_sample, lang, tx), fontsize=13, color=MUTED, ha="left", va="bottom"
    )
    _fit(fig, foot, 1900, 9)
    return fig


def _ink(ax, geoms: gpd.GeoSeries) -> dict[str, float]:
    """``style.ink`` for the median diameter (in figure pixels) of the areas drawn, as the web map does on screen."""
    ax.apply_aspect()
    x0, x1 = ax.get_xlim()
    px_per_m = ax.get_window_extent().width / (x1 - x0)
    b = geoms.bounds
    diam = np.sqrt(np.abs((b["maxx"] - b["minx"]) * (b["maxy"] - b["miny"]))) * px_per_m
    return style.ink(float(np.median(diam)) if len(diam) else 100.0)


def _draw_fills(ax, df: pd.DataFrame, geoms: gpd.GeoSeries, coloring: str, ink: dict[str, float]) -> None:
    """Every area in its class colour (``style.area_fill``); no data dotted grey."""
    status = df["status"].to_numpy()
    has = status != NO_DATA
    change = df["change_pp"] if "change_pp" in df else pd.Series(np.nan, index=df.index)
    pace = df["status_laju"] if "status_laju" in df else pd.Series(None, index=df.index, dtype=object)
    fills = [
        style.area_fill(coloring, c, tg, st, ch, ps)
        for c, tg, st, ch, ps in zip(df["cakupan"], df["target_efektif"], df["status"], change, pace)
    ]
    bw = ink["border"] * PT_PER_PX
    if has.any():
        ax.add_collection(
            _collection(
                geoms[has],
                facecolors=[f for f, h in zip(fills, has) if h],
                edgecolors=style.BORDER,
                linewidths=bw,
                zorder=1,
            )
        )
    if (~has).any():
        ax.add_collection(
            _collection(
                geoms[~has],
                facecolors=style.NO_DATA_FILL,
                edgecolors=style.BORDER,
                linewidths=bw,
                hatch="..",
                hatchcolor=style.NO_DATA_DOT,
                hatch_linewidth=1.0,
                zorder=1,
            )
        )


def _draw_marking(ax, df: pd.DataFrame, geoms: gpd.GeoSeries, mark: str, ink: dict[str, float]) -> None:
    """The minority side (``style.marking``): below target hatched and outlined, or at/above outlined."""
    if mark == style.MARK_NONE:
        return
    side = (df["status"] == BELOW) if mark == style.MARK_BELOW else (df["status"] == AT_OR_ABOVE)
    marked = geoms[side.to_numpy()]
    if mark == style.MARK_BELOW:
        hatch = HATCH if ink["hatch_gap"] < 9 else "/"
        ax.add_collection(
            _collection(
                marked,
                facecolors="none",
                edgecolors="none",
                linewidths=0,
                hatch=hatch,
                hatchcolor=style.BELOW_OUTLINE,
                hatch_linewidth=ink["hatch_width"] * PT_PER_PX,
                zorder=3,
            )
        )
    outline = _collection(
        marked, facecolors="none", edgecolors=style.BELOW_OUTLINE, linewidths=ink["outline"] * PT_PER_PX, zorder=4
    )
    outline.set_joinstyle("round")
    ax.add_collection(outline)


def _scale_and_north(fig: Figure, ax, tx: _Text) -> None:
    ax.apply_aspect()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    km = length / 1000
    label = f"{numfmt.number(km, tx.lang, 0 if km >= 1 else 1)} km"
    bx, by = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.04
    h = (y1 - y0) * 0.008
    ax.add_patch(
        FancyBboxPatch(
            (bx - (x1 - x0) * 0.012, by - (y1 - y0) * 0.02),
            length + (x1 - x0) * 0.024,
            (y1 - y0) * 0.075,
            boxstyle="round,pad=0",
            facecolor="white",
            edgecolor="#bbbbbb",
            alpha=0.9,
            zorder=7,
        )
    )
    half = length / 2
    ax.add_patch(Rectangle((bx, by), half, h, facecolor=INK, edgecolor=INK, zorder=8))
    ax.add_patch(Rectangle((bx + half, by), half, h, facecolor="white", edgecolor=INK, zorder=8))
    ax.text(bx, by + h * 1.8, "0", fontsize=14, color=INK, ha="center", va="bottom", zorder=8)
    ax.text(bx + length, by + h * 1.8, label, fontsize=14, color=INK, ha="center", va="bottom", zorder=8)
    # North arrow (UTM grid north; convergence in Kalbar is under 0.2°).
    ax.annotate(
        "",
        xy=(0.045, 0.955),
        xytext=(0.045, 0.855),
        xycoords="axes fraction",
        arrowprops=dict(arrowstyle="-|>,head_length=1.2,head_width=0.6", color=INK, linewidth=4),
        zorder=8,
    )
    ax.text(
        0.045,
        0.84,
        tx("render.north"),
        transform=ax.transAxes,
        fontsize=22,
        fontweight="bold",
        color=INK,
        ha="center",
        va="top",
        zorder=8,
        path_effects=[patheffects.withStroke(linewidth=4, foreground="white")],
    )


def _swatch(
    fig: Figure, x: float, y: float, w: float, h: float, kind: str, coloring: str = style.DEFAULT_COLORING
) -> None:
    if kind == "above":  # as the web legend: the "at or above" colour only where one colour means that
        face = style.GAP_PALETTE[0] if coloring == "gap" else "white"
        r = Rectangle(
            (x, y), w, h, transform=fig.transFigure, facecolor=face, edgecolor=style.BELOW_OUTLINE, linewidth=3
        )
    elif kind == "below":
        r = Rectangle(
            (x, y),
            w,
            h,
            transform=fig.transFigure,
            facecolor="white",
            edgecolor=style.BELOW_OUTLINE,
            linewidth=3,
            hatch=HATCH,
        )
        r.set_hatchcolor(style.BELOW_OUTLINE)
        r.set_hatch_linewidth(HATCH_WIDTH)
    elif kind == "no_data":
        r = Rectangle(
            (x, y),
            w,
            h,
            transform=fig.transFigure,
            facecolor=style.NO_DATA_FILL,
            edgecolor=style.BORDER,
            linewidth=1,
            hatch="..",
        )
        r.set_hatchcolor(style.NO_DATA_DOT)
    else:
        r = Rectangle((x, y), w, h, transform=fig.transFigure, facecolor=kind, edgecolor=style.BORDER, linewidth=1)
    fig.add_artist(r)


def _legend(
    fig: Figure,
    tx: _Text,
    target: float,
    own: bool,
    coloring: str = style.DEFAULT_COLORING,
    mark: str = style.MARK_BELOW,
    pace_year: int | None = None,
) -> None:
    """The same rows as the web legend (``style.legend_rows``), wrapped to the panel's column."""
    x = PANEL_X0
    y = PANEL_TOP
    title = fig.text(
        x,
        y,
        _wrap(style.legend_title(coloring, target, tx.lang, own, pace_year), 20),
        fontsize=21,
        fontweight="bold",
        color=INK,
        va="top",
        linespacing=1.05,
    )
    y -= 0.052 + 0.034 * title.get_text().count("\n")
    rows = style.legend_rows(coloring, target, tx.lang, own, mark)
    sfx = "_own" if own else ""
    tx.keys.update(
        {
            "map.legend_below",
            "map.legend_no_data",
            "map.legend_title",
            "color.change_legend",
            "legend.mark_hatch",
            f"legend.mark_above{sfx}",
            f"legend.gap_title{sfx}",
            f"legend.gap_at{sfx}",
            f"legend.gap_step{sfx}",
            f"legend.gap_beyond{sfx}",
        }
        | ({"map.legend_below_own"} if own else set())
        | (
            {"pace.legend_title", "pace.legend_year", *(f"pace.status.{s}" for s in style.PACE_STATUSES)}
            if coloring == "pace"
            else set()
        )
    )
    sw_w, sw_h = 0.026, 0.029
    for kind, label in rows:
        special = kind in ("below", "above", "no_data")
        if kind in ("below", "above"):
            y -= 0.012
        text = _wrap(label, 24) if special else _wrap(label, 27)
        lines = text.count("\n") + 1
        _swatch(fig, x, y - sw_h, sw_w, sw_h, kind, coloring)
        fig.text(
            x + sw_w + 0.008,
            y - sw_h / 2 + (0.0 if lines == 1 else -0.0105 * (lines - 1)),
            text,
            fontsize=16,
            fontweight="bold" if kind in ("below", "above") else "normal",
            color=INK,
            va="center",
            linespacing=1.05,
        )
        y -= sw_h + 0.008 + 0.021 * (lines - 1)


def _bullet(fig: Figure, x: float, y: float, w: float, coverage: float, target: float) -> None:
    """A coverage bar from 0 to 100% with a tick at the target."""
    h = 0.018
    fig.add_artist(
        Rectangle((x, y), w, h, transform=fig.transFigure, facecolor="#eeeeee", edgecolor="#999999", linewidth=1)
    )
    if not numfmt.is_missing(coverage):
        fig.add_artist(
            Rectangle(
                (x, y),
                w * min(max(coverage, 0), 100) / 100,
                h,
                transform=fig.transFigure,
                facecolor=style.gap_color(coverage, target),
                edgecolor=INK,
                linewidth=1,
            )
        )
    tx_ = x + w * min(max(target, 0), 100) / 100
    fig.add_artist(
        Rectangle(
            (tx_ - 0.0012, y - 0.008), 0.0024, h + 0.016, transform=fig.transFigure, facecolor=ALERT, edgecolor="none"
        )
    )


def _figures(fig: Figure, tx: _Text, df: pd.DataFrame, level: str, target: float) -> float:
    """Key figures in the panel's right column; returns the y under the last one (for the cost line)."""
    lang = tx.lang
    tot = totals(df, target)
    x = PANEL_X0 + LEGEND_COL_W + 0.012
    w = PANEL_X1 - x
    y = PANEL_TOP
    wrap = 34
    has_data = tot.areas_with_data > 0
    # Coverage against target: figure, bar with the target tick, difference.
    fig.text(x, y, tx("metric.coverage_of"), fontsize=18, color=MUTED, va="top")
    y -= 0.03
    px_w = w * WIDTH_IN * DPI
    _fit(
        fig,
        fig.text(x, y, numfmt.percent(tot.coverage, lang), fontsize=40, fontweight="bold", color=INK, va="top"),
        px_w,
        20,
    )
    y -= 0.075
    # The target sits above the right end of the bar, the difference under it: never on the big figure.
    fig.text(
        x + w,
        y + 0.004,
        f"{tx('metric.target')} {numfmt.percent(tot.target, lang)}",
        fontsize=16,
        color=ALERT,
        va="bottom",
        ha="right",
    )
    _bullet(fig, x, y - 0.018, w, tot.coverage if has_data else float("nan"), tot.target)
    y -= 0.032
    if has_data:
        diff = tot.coverage - tot.target
        fig.text(
            x,
            y,
            tx("metric.vs_target", diff=numfmt.points(diff, lang)),
            fontsize=16,
            fontweight="bold",
            color=ALERT if diff < 0 else GOOD,
            va="top",
        )
    y -= 0.058
    # Areas below target.
    fig.text(
        x, y, _wrap(tx("metric.below_count", level=tx(f"level.{level}")), wrap), fontsize=18, color=MUTED, va="top"
    )
    y -= 0.03
    value = (
        tx("metric.below_value", n=numfmt.number(tot.below, lang), total=numfmt.number(tot.areas_with_data, lang))
        if has_data
        else "–"
    )
    _fit(
        fig,
        fig.text(x, y, value, fontsize=34, fontweight="bold", color=ALERT if tot.below else INK, va="top"),
        px_w,
        18,
    )
    y -= 0.07
    # Gap in people.
    gap_label = _wrap(tx("metric.gap"), wrap)
    fig.text(x, y, gap_label, fontsize=18, color=MUTED, va="top", linespacing=1.1)
    y -= 0.03 * (gap_label.count("\n") + 1)
    gap = tot.gap_sum if has_data else float("nan")  # every area below target to its target (as the page)
    gap_txt = f"{numfmt.number(gap, lang)} {tx('map.tooltip_people')}" if has_data else "–"
    _fit(fig, fig.text(x, y, gap_txt, fontsize=34, fontweight="bold", color=INK, va="top"), px_w, 18)
    y -= 0.058
    return y


def _cost_and_targets(
    fig: Figure, tx: _Text, df: pd.DataFrame, target: float, iuran: int | None, months: int | None, y: float
) -> None:
    """The cost of reaching target under the gap figure; its basis and where the targets came from above the foot."""
    iuran = plan.DEFAULT_IURAN if iuran is None else int(iuran)
    months = plan.DEFAULT_MONTHS if months is None else int(months)
    tot = totals(df, target)
    r = _renderer(fig)
    x = PANEL_X0 + LEGEND_COL_W + 0.012
    if tot.areas_with_data:
        period_word = tx("cost.per_year") if months == 12 else tx("cost.per_months", months=months)
        money = numfmt.rupiah_short(plan.cost(tot.gap_sum, iuran, months), tx.lang)
        line = _wrap(tx("cost.figure", cost=money, period=period_word), 30)
        _fit(
            fig,
            fig.text(x, y + 0.008, line, fontsize=17, fontweight="bold", color=INK, va="top", linespacing=1.1),
            (PANEL_X1 - x) * WIDTH_IN * DPI,
            11,
        )
    note = legend_label(df, tx.lang)
    basis = f"{tx('cost.figure_label')}: {tx('cost.basis', iuran=numfmt.rupiah(iuran, tx.lang), months=months)}"
    foot = fig.text(
        0.008, 0.046, basis + (f"   ·   {note}" if note else ""), fontsize=13, color=MUTED, ha="left", va="bottom"
    )
    _fitted(foot, r, 1900)


def _priorities(fig: Figure, tx: _Text, df: pd.DataFrame, level: str, n: int = 5) -> None:
    lang = tx.lang
    if not (df["status"] == BELOW).any():
        return
    top, _share = priorities(area_table(df, level), n)
    if top.empty:
        return
    x = PANEL_X0
    y = 0.352
    two_lines = level != "kabupaten"
    fig.add_artist(
        Rectangle(
            (x, y + 0.014), PANEL_X1 - x, 0.0015, transform=fig.transFigure, facecolor="#bbbbbb", edgecolor="none"
        )
    )
    fig.text(x, y, tx("priority.title", n=len(top)), fontsize=19, fontweight="bold", color=INK, va="top")
    y -= 0.047
    cov_x = PANEL_X1 - 0.13
    fig.text(cov_x, y + 0.004, tx("col.cakupan"), fontsize=14, color=MUTED, va="bottom", ha="right")
    fig.text(PANEL_X1, y + 0.004, tx("col.gap"), fontsize=14, color=MUTED, va="bottom", ha="right")
    r = _renderer(fig)
    max_px = (cov_x - 0.085 - x) * WIDTH_IN * DPI
    for i, row in enumerate(top.itertuples(index=False), 1):
        _fitted(fig.text(x, y, f"{i}. {row.nama}", fontsize=17, color=INK, va="top"), r, max_px)
        fig.text(cov_x, y, numfmt.percent(row.cakupan, lang, 1), fontsize=17, color=INK, va="top", ha="right")
        fig.text(
            PANEL_X1, y, numfmt.number(row.gap, lang), fontsize=17, fontweight="bold", color=ALERT, va="top", ha="right"
        )
        if two_lines:
            parent = str(row.parent)
            if level == "desa":
                kec, _, kabn = parent.partition(", ")
                parent = f"{tx('jenis.kecamatan')} {kec}" + ("" if fig.pjk.kab else f", {kabn}")
            _fitted(
                fig.text(x + 0.012, y - 0.025, parent, fontsize=13, color=MUTED, va="top"),
                r,
                max_px + 0.08 * WIDTH_IN * DPI,
            )
        y -= 0.05 if two_lines else 0.038


def _fitted(text, renderer, max_px: float) -> None:
    """Truncate a text artist with an ellipsis until it fits ``max_px``."""
    full = text.get_text()
    cut = len(full)
    while text.get_window_extent(renderer).width > max_px and cut > 6:
        cut -= 1
        text.set_text(full[:cut].rstrip() + "…")


# --- output -----------------------------------------------------------------------------------


def save_figure(fig: Figure, fmt: str = "png", out: str | os.PathLike[str] | BinaryIO | None = None) -> bytes:
    """PNG (exactly 1920×1080) or one-page PDF bytes; also written to ``out`` when given."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    buf = io.BytesIO()
    # No bbox_inches="tight": it would change the pixel size.
    metadata = (
        {"Software": None}
        if fmt == "png"
        else {"Creator": "Peta Cakupan Jamsostek Kalbar", "Producer": None, "CreationDate": None}
    )
    fig.savefig(buf, format=fmt, dpi=DPI, facecolor="white", metadata=metadata)
    data = buf.getvalue()
    if out is not None:
        if hasattr(out, "write"):
            out.write(data)  # type: ignore[union-attr]
        else:
            Path(out).write_bytes(data)
    return data


def render_map(
    classified: pd.DataFrame,
    level: str,
    *,
    lang: str = "id",
    title: str | None = None,
    subtitle: str | None = None,
    period: str | None = None,
    target: float = DEFAULT_TARGET,
    is_sample: bool = False,
    data_source: str = "",
    kab: str | None = None,
    fmt: str = "png",
    out: str | os.PathLike[str] | BinaryIO | None = None,
    color: str = style.DEFAULT_COLORING,
    iuran: int | None = None,
    months: int | None = None,
    workers_note: str | None = None,
) -> bytes:
    """Render ``classified`` (``classify.classify`` output) to PNG/PDF bytes, optionally writing ``out``."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    # Titles and source lines carry file names, periods and names from the table: a '$' in them
    # must print as a dollar sign, not start matplotlib's math parser (which raises on '$\\frac$').
    with rc_context({"text.parse_math": False}):
        fig = build_figure(
            classified,
            level,
            lang=lang,
            title=title,
            subtitle=subtitle,
            period=period,
            target=target,
            is_sample=is_sample,
            data_source=data_source,
            kab=kab,
            color=color,
            iuran=iuran,
            months=months,
            workers_note=workers_note,
        )
        return save_figure(fig, fmt, out)


SNAPSHOT_PX = (1200, 630)  # what chat apps show as a large preview card (og:image), also the page's instant picture
SNAPSHOT_DPI = DPI * SNAPSHOT_PX[0] / (WIDTH_IN * DPI)  # 62.5: the same figure, scaled down whole


def snapshot_figure(classified: pd.DataFrame, level: str, **kw) -> Figure:
    """The export's figure (same classes, colours, legend, figures and label) at the snapshot's 1.91:1 shape."""
    with rc_context({"text.parse_math": False}):  # titles carry names and periods from the table
        return build_figure(classified, level, height_in=WIDTH_IN * SNAPSHOT_PX[1] / SNAPSHOT_PX[0], **kw)


def render_snapshot(classified: pd.DataFrame, level: str, **kw) -> bytes:
    """The snapshot as a 1200×630 PNG, palette-reduced so a chat app accepts it (≤ 300 KB).

    ``kw`` are :func:`build_figure`'s (title, period, target, is_sample, data_source, kab, color, ...).
    A 256-colour palette keeps the few flat class colours exact; only anti-aliased edges and text lose shades.
    """
    fig = snapshot_figure(classified, level, **kw)
    buf = io.BytesIO()
    with rc_context({"text.parse_math": False}):
        fig.savefig(buf, format="png", dpi=SNAPSHOT_DPI, facecolor="white", metadata={"Software": None})
    image = PILImage.open(io.BytesIO(buf.getvalue())).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=PILImage.Quantize.MEDIANCUT).save(out, format="PNG", optimize=True)
    return out.getvalue()


INLINE_WIDTH = 800  # px: sharp on a phone (390 CSS px at 2-3x), a first glance on a desktop until the live map
INLINE_QUALITY = 70


def inline_picture(png: bytes, width: int = INLINE_WIDTH) -> bytes:
    """The snapshot as a small WebP (~40 KB for 1200×630 → 800×420) to carry inside the first HTML response.

    On a weak signal a separate image request queues behind Streamlit's ~60 scripts (it finished at ~5 s on
    Slow 4G); inside the HTML it arrives with the figures. The ``og:image`` stays the full PNG.
    """
    image = PILImage.open(io.BytesIO(png)).convert("RGB")
    height = round(image.height * width / image.width)
    out = io.BytesIO()
    small = image.resize((width, height), PILImage.Resampling.LANCZOS)
    small.save(out, format="WEBP", quality=INLINE_QUALITY, method=4)
    return out.getvalue()


def snapshot_pixels(fig: Figure, lon, lat) -> np.ndarray:
    """Pixel (column, row) of lon/lat points on the saved snapshot of ``fig`` (see :func:`to_pixels`)."""
    return to_pixels(fig, lon, lat) * (SNAPSHOT_DPI / fig.dpi)


# --- inspecting a figure (tests) ------------------------------------------------------------------


def figure_texts(fig: Figure) -> list[str]:
    """Every visible text of a figure (for tests: language and sample-label checks)."""
    return [a.get_text() for a in fig.findobj(Text) if a.get_text() and a.get_visible()]


def map_axes(fig: Figure):
    return next(ax for ax in fig.axes if ax.get_label() == "map")


def to_pixels(fig: Figure, lon, lat) -> np.ndarray:
    """Image pixel (column, row) of lon/lat points on the figure's map; row 0 is the top of the PNG."""
    x, y = Transformer.from_crs(CRS, MAP_CRS, always_xy=True).transform(np.asarray(lon, float), np.asarray(lat, float))
    disp = map_axes(fig).transData.transform(np.column_stack([np.atleast_1d(x), np.atleast_1d(y)]))
    height = fig.get_size_inches()[1] * fig.dpi
    return np.column_stack([disp[:, 0], height - disp[:, 1]])


# --- a map among other parts of a page (the budget sheets) ----------------------------------------------


def draw_area_map(ax, classified: pd.DataFrame, level: str, kab: str | None = None) -> str:
    """The briefing map's areas drawn on ``ax`` (same fills, parent boundaries and marking as ``build_figure``),
    for a page that holds a map among tables (``geo.sheets``). ``kab`` keeps its areas and draws the
    neighbouring kabupaten faintly. Returns the side marked (``style.marking``), for the page's legend."""
    df = classified.reset_index(drop=True)
    if kab:
        kab_col = df["kode_kab"] if "kode_kab" in df else df["kode"].str.slice(0, 5)
        df = df[kab_col == kab].reset_index(drop=True)
    if df.empty:
        raise RenderError(f"no {level} areas for kabupaten/kota {kab!r}")
    geoms = _geometries(df, level)
    ax.set_axis_off()
    xmin, ymin, xmax, ymax = geoms.total_bounds
    pad = 0.03 * max(xmax - xmin, ymax - ymin)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal", adjustable="box")
    if kab:
        kab_frame = _boundary_frame("kabupaten")
        others = kab_frame[kab_frame["kode"] != kab]
        ax.add_collection(
            _collection(others.geometry, facecolors=CONTEXT_FILL, edgecolors=CONTEXT_EDGE, linewidths=0.5, zorder=0)
        )
    ink = _ink(ax, geoms)
    ink = {k: v * 0.5 for k, v in ink.items()}  # a page, not a 1920-pixel screen: finer lines
    _draw_fills(ax, df, geoms, style.DEFAULT_COLORING, ink)
    if level != "kabupaten":
        parent = "kecamatan" if (kab and level == "desa") else "kabupaten"
        ax.add_collection(
            LineCollection(
                _inner_boundaries(parent, kab if parent == "kecamatan" else None),
                colors=PARENT_EDGE,
                linewidths=1.6,
                zorder=2,
                capstyle="round",
                joinstyle="round",
            )
        )
    mark = style.marking(int((df["status"] == BELOW).sum()), int((df["status"] != NO_DATA).sum()))
    _draw_marking(ax, df, geoms, mark, ink)
    return mark
