"""One visual language for the interactive map and the static exports.

Four colourings (``COLORINGS``), chosen in the sidebar and the URL (``color=``):

``gap`` (default) — distance to target, a diverging scheme whose middle is the target. Colours
are ColorBrewer PuOr (Brewer & Harrower; marked colour-blind safe, print and photocopy friendly):
its dark purple end for "at or above target" and its four orange-brown steps, lightest nearest
the target, for 0–5, 5–10, 10–20 and more than 20 points below. Why PuOr: purple against orange
stays apart under deuteranopia and protanopia (the two sides differ in blue–yellow, which those
readers keep), it is the pair the change colouring already uses (orange = bad), and its lightness
is monotone along the below side, so "further below" is "darker" in greyscale too, while "at or
above" is darker than every below class (L* 27 against 48…91) and never mistaken for one of them
on a greyscale projector. tests/test_style.py checks ΔE (CAM02-UCS) between neighbours for normal
and simulated colour-deficient vision and the luminance contrast of above against below.

``coverage`` — the sequential coverage scale of earlier versions (ColorBrewer YlGnBu; lighter =
lower). Its classes are fixed (0–20, 20–30, …) and do not meet the target, so the marking below
carries above/below there.

``change`` — change since the previous period in pp (ColorBrewer PuOr, orange = fell).

``pace`` — "laju terhadap kebutuhan": each area's status for this year's target at today's pace
(``geo.pace``), in the same PuOr: purple = met / on track, orange = behind / not at this pace, a near-white
for "not enough data" (its own class, never a colour of the scale), no data dotted grey.

Marking (all colourings): the *minority* side is marked so the mark stays a highlight. When at
most half the areas with data are below target, below-target areas get dark hatching and a dark
outline; when most are below, the areas at or above target get the dark outline instead (their
fill already is the darkest class of ``gap``). Outline weight, hatch spacing/width and border
weight follow the median on-screen size of the areas drawn (``ink``), so a province of 2,130 small
desa is not drowned in ink and a map of 14 kabupaten still gets a heavy mark. No data is a dotted
light grey, never a colour of a scale.
"""

from __future__ import annotations

import math

from . import fmt
from .text import t

COLORINGS: tuple[str, ...] = ("gap", "coverage", "change", "pace")
DEFAULT_COLORING = "gap"

BREAKS: tuple[float, ...] = (0, 20, 30, 40, 50, 60, 70, 100)
PALETTE: tuple[str, ...] = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
NO_DATA_FILL = "#e6e6e6"
NO_DATA_DOT = "#8c8c8c"
BORDER = "#4d4d4d"
BELOW_OUTLINE = "#1a1a1a"
BELOW_HATCH = "#000000"
SELECTED_OUTLINE = "#e7298a"
BELOW_WEIGHT = 3.0


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def class_index(coverage: float | None) -> int | None:
    """Index into PALETTE; None for no data. Values above 100 fall in the last class."""
    if _missing(coverage):
        return None
    for i, upper in enumerate(BREAKS[1:]):
        if coverage < upper:
            return i
    return len(PALETTE) - 1


def fill_color(coverage: float | None) -> str:
    idx = class_index(coverage)
    return NO_DATA_FILL if idx is None else PALETTE[idx]


def class_labels(lang: str = "id") -> list[str]:
    labels = []
    for lo, hi in zip(BREAKS[:-1], BREAKS[1:]):
        if hi == BREAKS[-1]:
            labels.append(f"≥ {fmt.number(lo, lang)}")
        else:
            labels.append(f"{fmt.number(lo, lang)} – < {fmt.number(hi, lang)}")
    return labels


def legend_entries(target: float, lang: str = "id", own_targets: bool = False) -> list[tuple[str, str]]:
    """(kind, label) rows of the sequential scale; kind is a palette colour, 'below' or 'no_data'."""
    rows: list[tuple[str, str]] = [(c, label) for c, label in zip(PALETTE, class_labels(lang))]
    below = t("map.legend_below", lang, target=fmt.percent(target, lang))
    if own_targets:
        below += " / " + t("map.legend_below_own", lang).lower()
    rows.append(("below", below))
    rows.append(("no_data", t("map.legend_no_data", lang)))
    return rows


# --- distance to target (percentage points below each area's own effective target) ------------
GAP_STEPS: tuple[float, ...] = (5, 10, 20)  # pp below target: class edges
GAP_PALETTE: tuple[str, ...] = (
    "#542788",
    "#fee0b6",
    "#fdb863",
    "#e08214",
    "#b35806",
)  # [0] at/above, then 0–5 … > 20 below


def gap_class(coverage: float | None, target: float) -> int | None:
    """0 at or above target; 1 for 0–5 pp below, 2 for 5–10, 3 for 10–20, 4 for more than 20; None without data.

    Edges belong to the class nearer the target (45,24% with target 50,24% is "0–5 below"). The
    difference is rounded to 1e-9 pp so 314/625 (50.239999…%) is at a 50.24% target, as ``classify``
    says with its whole-people gap.
    """
    if _missing(coverage):
        return None
    below = round(float(target) - float(coverage), 9)
    if below <= 0:
        return 0
    for i, step in enumerate(GAP_STEPS, 1):
        if below <= step:
            return i
    return len(GAP_STEPS) + 1


def gap_color(coverage: float | None, target: float, at_or_above: bool | None = None) -> str:
    """Fill of the distance-to-target scale; ``at_or_above`` (the status from ``classify``) wins at the edge."""
    idx = gap_class(coverage, target)
    if idx is None:
        return NO_DATA_FILL
    if at_or_above is not None:
        idx = 0 if at_or_above else max(idx, 1)
    return GAP_PALETTE[idx]


def gap_labels(target: float, lang: str = "id", own_targets: bool = False) -> list[str]:
    """Legend labels in pp and, with one target for every area, in % as well."""
    pct = lambda v: fmt.number(max(v, 0.0), lang, 2)  # noqa: E731
    edges = (0.0, *GAP_STEPS)
    if own_targets:
        labels = [t("legend.gap_at_own", lang)]
        labels += [
            t("legend.gap_step_own", lang, lo=fmt.number(lo, lang), hi=fmt.number(hi, lang))
            for lo, hi in zip(edges, edges[1:])
        ]
        labels.append(t("legend.gap_beyond_own", lang, lo=fmt.number(edges[-1], lang)))
        return labels
    labels = [t("legend.gap_at", lang, target=fmt.percent(target, lang))]
    for lo, hi in zip(edges, edges[1:]):
        rng = "" if target - lo <= 0 else f" ({pct(target - hi)}–{pct(target - lo)}%)"
        labels.append(t("legend.gap_step", lang, lo=fmt.number(lo, lang), hi=fmt.number(hi, lang)) + rng)
    beyond = "" if target - edges[-1] <= 0 else f" (< {pct(target - edges[-1])}%)"
    labels.append(t("legend.gap_beyond", lang, lo=fmt.number(edges[-1], lang)) + beyond)
    return labels


# --- change since the previous period (percentage points) ----------------------------------
# ColorBrewer PuOr, diverging and colour-blind safe: orange = coverage fell, purple = rose.
CHANGE_BREAKS: tuple[float, ...] = (-math.inf, -5, -2, -0.5, 0.5, 2, 5, math.inf)
CHANGE_PALETTE: tuple[str, ...] = ("#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788")


def change_color(change_pp: float | None) -> str:
    """Fill for a change in pp; no previous figure means no colour of the scale."""
    if _missing(change_pp):
        return NO_DATA_FILL
    for colour, upper in zip(CHANGE_PALETTE, CHANGE_BREAKS[1:]):
        if change_pp < upper:
            return colour
    return CHANGE_PALETTE[-1]


def change_labels(lang: str = "id") -> list[str]:
    inner = CHANGE_BREAKS[1:-1]
    labels = [f"< {fmt.points(inner[0], lang, 1)}"]
    labels += [f"{fmt.points(lo, lang, 1)} – < {fmt.points(hi, lang, 1)}" for lo, hi in zip(inner[:-1], inner[1:])]
    labels.append(f"≥ {fmt.points(inner[-1], lang, 1)}")
    return labels


def change_legend_entries(target: float, lang: str = "id", own_targets: bool = False) -> list[tuple[str, str]]:
    """Legend rows of the change colouring; the below-target and no-data rows stay."""
    rows = list(zip(CHANGE_PALETTE, change_labels(lang)))
    return rows + legend_entries(target, lang, own_targets)[len(PALETTE) :]


# --- pace against the pace needed (geo.pace's status for this year's target) ----------------------
PACE_STATUSES: tuple[str, ...] = ("met", "on_track", "behind", "never", "few")  # geo.pace.STATUSES less no_data
PACE_PALETTE: tuple[str, ...] = ("#542788", "#998ec3", "#f1a340", "#b35806", "#f7f7f7")


def pace_color(pace_status: str | None) -> str:
    """Fill of a pace status; an area without figures is no data."""
    if pace_status in PACE_STATUSES:
        return PACE_PALETTE[PACE_STATUSES.index(pace_status)]
    return NO_DATA_FILL


def pace_labels(lang: str = "id") -> list[str]:
    return [t(f"pace.status.{s}", lang) for s in PACE_STATUSES]


# --- one fill for any colouring -----------------------------------------------------------------


def area_fill(
    coloring: str,
    coverage: float | None,
    target: float,
    status: str | None = None,
    change_pp: float | None = None,
    pace_status: str | None = None,
) -> str:
    """The fill of one area under ``coloring``; ``status`` is ``classify``'s (below / at_or_above / no_data),
    ``pace_status`` ``geo.pace``'s for this year's target."""
    if coloring == "pace":
        return pace_color(pace_status)
    if coloring == "change":
        return change_color(change_pp)
    if coloring == "coverage":
        return fill_color(coverage)
    at = None if status in (None, "no_data") else status == "at_or_above"
    return gap_color(coverage, target, at)


# --- marking: the minority side, ink scaled to the areas' on-screen size ------------------------
MARK_BELOW, MARK_ABOVE, MARK_NONE = "below", "above", "none"


def marking(n_below: int, n_with_data: int) -> str:
    """Which side gets the dark mark: below-target areas unless they are the majority; none if one side is empty."""
    if n_with_data <= 0 or n_below <= 0 or n_below >= n_with_data:
        return MARK_NONE
    return MARK_ABOVE if 2 * n_below > n_with_data else MARK_BELOW


# value = clamp(a + b × median on-screen diameter of the areas in px, lo, hi); JS twin in maps.py
INK: dict[str, tuple[float, float, float, float]] = {
    "outline": (0.4, 1 / 30, 0.8, 3.0),  # px: 0.8 for province-wide desa, 3 for kabupaten
    "hatch_gap": (5.0, 1 / 12, 6.0, 12.0),  # px between hatch lines
    "hatch_width": (0.4, 1 / 50, 0.7, 2.2),  # px hatch line width
    "border": (0.15, 1 / 100, 0.3, 1.2),  # px: ordinary area border
}


def ink(median_px: float) -> dict[str, float]:
    """Outline weight, hatch spacing and width, border weight for areas of ``median_px`` on-screen diameter."""
    return {k: min(hi, max(lo, a + b * median_px)) for k, (a, b, lo, hi) in INK.items()}


def legend_rows(
    coloring: str, target: float, lang: str = "id", own_targets: bool = False, mark: str = MARK_BELOW
) -> list[tuple[str, str]]:
    """(kind, label) rows for the map and the exports alike: kind is a colour, 'below', 'above' or 'no_data'."""
    if coloring == "change":
        rows = list(zip(CHANGE_PALETTE, change_labels(lang)))
    elif coloring == "pace":
        rows = list(zip(PACE_PALETTE, pace_labels(lang)))
    elif coloring == "coverage":
        rows = list(zip(PALETTE, class_labels(lang)))
    else:
        rows = list(zip(GAP_PALETTE, gap_labels(target, lang, own_targets)))
    target_txt = fmt.percent(target, lang)
    if mark == MARK_BELOW:
        label = t("map.legend_below", lang, target=target_txt)
        if own_targets:
            label += " / " + t("map.legend_below_own", lang).lower()
        rows.append(("below", label + " — " + t("legend.mark_hatch", lang)))
    elif mark == MARK_ABOVE:
        label = t("legend.mark_above_own" if own_targets else "legend.mark_above", lang, target=target_txt)
        rows.append(("above", label))
    rows.append(("no_data", t("map.legend_no_data", lang)))
    return rows


def legend_title(
    coloring: str, target: float, lang: str = "id", own_targets: bool = False, year: int | None = None
) -> str:
    """The legend's title; ``year``: the target year the pace colouring is against."""
    if coloring == "pace":
        return t("pace.legend_title", lang) + (f" — {t('pace.legend_year', lang, year=year)}" if year else "")
    if coloring == "change":
        return t("color.change_legend", lang)
    if coloring == "coverage":
        return t("map.legend_title", lang)
    return (
        t("legend.gap_title_own", lang)
        if own_targets
        else t("legend.gap_title", lang, target=fmt.percent(target, lang))
    )
