"""One visual language for the interactive map and the static exports.

Coverage uses ColorBrewer YlGnBu (sequential, colour-blind safe); lighter = lower. Below
target is shown twice over so it survives greyscale projectors and colour blindness: a
heavy dark outline and black diagonal hatching. No data is a dotted light grey, never a
colour of the scale.
"""

from __future__ import annotations

import math

from . import fmt
from .text import t

BREAKS: tuple[float, ...] = (0, 20, 30, 40, 50, 60, 70, 100)
PALETTE: tuple[str, ...] = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
NO_DATA_FILL = "#e6e6e6"
NO_DATA_DOT = "#8c8c8c"
BORDER = "#4d4d4d"
BELOW_OUTLINE = "#1a1a1a"
BELOW_HATCH = "#000000"
SELECTED_OUTLINE = "#e7298a"
BELOW_WEIGHT = 3.0


def class_index(coverage: float | None) -> int | None:
    """Index into PALETTE; None for no data. Values above 100 fall in the last class."""
    if coverage is None or (isinstance(coverage, float) and math.isnan(coverage)):
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
    """(kind, label) rows; kind is a palette colour, 'below' or 'no_data'."""
    rows: list[tuple[str, str]] = [(c, label) for c, label in zip(PALETTE, class_labels(lang))]
    below = t("map.legend_below", lang, target=fmt.percent(target, lang))
    if own_targets:
        below += " / " + t("map.legend_below_own", lang).lower()
    rows.append(("below", below))
    rows.append(("no_data", t("map.legend_no_data", lang)))
    return rows


# --- change since the previous period (percentage points) ----------------------------------
# ColorBrewer PuOr, diverging and colour-blind safe: orange = coverage fell, purple = rose.
CHANGE_BREAKS: tuple[float, ...] = (-math.inf, -5, -2, -0.5, 0.5, 2, 5, math.inf)
CHANGE_PALETTE: tuple[str, ...] = ("#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788")


def change_color(change_pp: float | None) -> str:
    """Fill for a change in pp; no previous figure means no colour of the scale."""
    if change_pp is None or (isinstance(change_pp, float) and math.isnan(change_pp)):
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
    return rows + legend_entries(target, lang, own_targets)[len(PALETTE):]
