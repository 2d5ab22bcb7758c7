"""The visual language: class breaks, colours, legend rows."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import style

HEX = re.compile(r"^#[0-9a-f]{6}$")


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_palette_shape():
    assert len(style.PALETTE) == len(style.BREAKS) - 1 == 7
    assert list(style.BREAKS) == sorted(style.BREAKS)
    assert len(set(style.PALETTE)) == len(style.PALETTE)
    for colour in (
        *style.PALETTE,
        style.NO_DATA_FILL,
        style.NO_DATA_DOT,
        style.BORDER,
        style.BELOW_OUTLINE,
        style.BELOW_HATCH,
        style.SELECTED_OUTLINE,
    ):
        assert HEX.match(colour), colour


def test_sequential_lighter_is_lower():
    lum = [_luminance(c) for c in style.PALETTE]
    assert lum == sorted(lum, reverse=True)


def test_no_data_is_not_a_colour_of_the_scale():
    assert style.NO_DATA_FILL not in style.PALETTE
    assert style.fill_color(None) == style.NO_DATA_FILL
    assert style.fill_color(float("nan")) == style.NO_DATA_FILL
    assert style.fill_color(0.0) != style.NO_DATA_FILL  # 0% is data, not missing


def test_below_outline_is_dark():
    assert _luminance(style.BELOW_OUTLINE) < 0.15
    assert style.BELOW_WEIGHT >= 2


@pytest.mark.parametrize(
    "coverage, index",
    [
        (0, 0),
        (19.99, 0),
        (20, 1),
        (29.9, 1),
        (30, 2),
        (35.35, 2),
        (40, 3),
        (50, 4),
        (50.24, 4),
        (59.9, 4),
        (60, 5),
        (70, 6),
        (99, 6),
        (100, 6),
        (130, 6),
    ],
)
def test_class_index(coverage, index):
    assert style.class_index(coverage) == index
    assert style.fill_color(coverage) == style.PALETTE[index]


def test_class_index_missing():
    assert style.class_index(None) is None
    assert style.class_index(float("nan")) is None


@given(st.floats(0, 200, allow_nan=False), st.floats(0, 200, allow_nan=False))
def test_class_index_monotonic(a, b):
    lo, hi = sorted((a, b))
    assert style.class_index(lo) <= style.class_index(hi)


def test_class_labels():
    ids = style.class_labels("id")
    en = style.class_labels("en")
    assert len(ids) == len(en) == len(style.PALETTE)
    assert ids[0] == "0 – < 20"
    assert ids[-1] == "≥ 70"
    assert en[-1] == "≥ 70"


def test_legend_entries():
    rows = style.legend_entries(50.24, "id")
    kinds = [k for k, _ in rows]
    assert kinds[: len(style.PALETTE)] == list(style.PALETTE)
    assert kinds[-2:] == ["below", "no_data"]
    labels = dict(rows)
    assert "50,24%" in labels["below"] and "bawah target" in labels["below"]
    assert labels["no_data"] == "Tidak dilaporkan"
    en = dict(style.legend_entries(45, "en"))
    assert "45.00%" in en["below"] and en["no_data"] == "Not reported"


def test_legend_mentions_own_targets():
    plain = dict(style.legend_entries(50.24, "en"))["below"]
    own = dict(style.legend_entries(50.24, "en", own_targets=True))["below"]
    assert own.startswith(plain) and own != plain
    assert "own target" in own


# --- distance to target -------------------------------------------------------------------------

from colorspacious import cspace_convert, deltaE  # noqa: E402
from hypothesis import assume, settings  # noqa: E402

from geo.classify import AT_OR_ABOVE, BELOW  # noqa: E402

# Measured (colorspacious 1.1, CAM02-UCS ΔE): neighbours 15.0 / 14.1 / 14.98 minimum for normal vision /
# deuteranopia / protanopia (all at 0–5 vs 5–10 pp below or next to it); "at or above" vs its neighbour ≥ 73.
MIN_DELTA_E = 12.0
MIN_GREY_DL = 20.0  # CIE L*: "at or above" 27.1 against 47.7 … 90.7 for the below classes (min 20.7)
MIN_GREY_RATIO = 2.0  # WCAG contrast ratio of the same pairs: 2.13 (> 20 below) … 8.18 (0–5 below)
MIN_BELOW_STEP_DL = 10.0  # L* between neighbouring below classes: 11.0, 16.4, 15.5
VISIONS = [None, "deuteranomaly", "protanomaly"]  # severity 100: deuteranopia, protanopia


def _srgb(hex_colour: str) -> list[float]:
    return [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]


def _seen(hex_colour: str, cvd: str | None):
    import numpy as np

    rgb = _srgb(hex_colour)
    if cvd is None:
        return rgb
    return np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}, "sRGB1"), 0, 1)


def _lightness(hex_colour: str) -> float:
    return float(cspace_convert(_srgb(hex_colour), "sRGB1", "CIELab")[0])


def _rel_luminance(hex_colour: str) -> float:
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _srgb(hex_colour)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _wcag_ratio(a: str, b: str) -> float:
    la, lb = sorted((_rel_luminance(a), _rel_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


targets = st.floats(0, 100, allow_nan=False)


@given(targets)
def test_gap_classes_are_anchored_at_the_target(target):
    """The edges sit at target, target − 5, − 10, − 20 whatever the target (edges go to the class nearer it)."""
    eps = 1e-6
    assert style.gap_class(target, target) == 0
    assert style.gap_class(target + 0.01, target) == 0
    assert style.gap_class(target - eps, target) == 1
    for i, step in enumerate(style.GAP_STEPS, 1):
        assert style.gap_class(target - step, target) == i
        assert style.gap_class(target - step - eps, target) == i + 1
    assert style.gap_class(target - 100 - eps, target) == len(style.GAP_STEPS) + 1


@given(targets, st.floats(-50, 150, allow_nan=False), st.floats(-50, 150, allow_nan=False))
def test_gap_class_never_rises_with_distance_below(target, a, b):
    lo, hi = sorted((a, b))
    assert style.gap_class(lo, target) >= style.gap_class(hi, target)


@given(targets, st.floats(0, 100, allow_nan=False))
def test_gap_class_is_the_distance_in_points(target, coverage):
    below = target - coverage
    assume(all(abs(below - e) > 1e-6 for e in (0, *style.GAP_STEPS)))  # off the edges
    expected = 0 if below < 0 else 1 + sum(below > e for e in style.GAP_STEPS)
    assert style.gap_class(coverage, target) == expected


def test_gap_class_agrees_with_classify_at_the_edge():
    """314 of 625 is exactly 50.24%, though 314 / 625 * 100 = 50.239999999999995."""
    cov = 314 / 625 * 100
    assert cov < 50.24
    assert style.gap_class(cov, 50.24) == 0
    assert style.gap_color(cov, 50.24, at_or_above=True) == style.GAP_PALETTE[0]
    assert style.area_fill("gap", 50.3, 50.24, BELOW) == style.GAP_PALETTE[1]  # status says below: never "at"
    assert style.area_fill("gap", 30.0, 50.24, AT_OR_ABOVE) == style.GAP_PALETTE[0]
    assert style.area_fill("gap", None, 50.24, "no_data") == style.NO_DATA_FILL
    assert style.area_fill("coverage", 35.0, 50.24, BELOW) == style.fill_color(35.0)
    assert style.area_fill("change", 35.0, 50.24, BELOW, -6.0) == style.change_color(-6.0)


@settings(max_examples=60)
@given(st.floats(20.01, 100, allow_nan=False).map(lambda v: round(v, 2)))
def test_gap_labels_in_points_and_percent(target):
    from geo import fmt

    labels = style.gap_labels(target, "id")
    assert len(labels) == len(style.GAP_PALETTE)
    assert fmt.percent(target, "id") in labels[0]
    edges = (0, *style.GAP_STEPS)
    for label, lo, hi in zip(labels[1:], edges, edges[1:]):
        assert f"{lo}–{hi} poin di bawah target" in label
        assert f"({fmt.number(target - hi, 'id', 2)}–{fmt.number(target - lo, 'id', 2)}%)" in label
    assert labels[-1].startswith("> 20 poin di bawah target")
    assert f"< {fmt.number(target - 20, 'id', 2)}%" in labels[-1]


def test_gap_labels_example_and_own_targets():
    labels = style.gap_labels(50.24, "id")
    assert labels[2] == "5–10 poin di bawah target (40,24–45,24%)"
    assert style.gap_labels(50.24, "en")[2] == "5–10 points below target (40.24–45.24%)"
    own = style.gap_labels(50.24, "id", own_targets=True)
    assert own[2] == "5–10 poin di bawah target masing-masing" and "%" not in " ".join(own)
    assert "masing-masing" in style.legend_title("gap", 50.24, "id", own_targets=True)
    low = style.gap_labels(8.0, "id")  # a class below 0% cannot happen: no % range for it
    assert low[-1] == "> 20 poin di bawah target" and low[-2] == "10–20 poin di bawah target"


def _gap_sequence() -> list[str]:
    """From furthest below to at/above: neighbours on the scale."""
    return [*reversed(style.GAP_PALETTE[1:]), style.GAP_PALETTE[0]]


@pytest.mark.parametrize("cvd", VISIONS)
def test_gap_neighbours_distinguishable_for_normal_and_colour_deficient_vision(cvd):
    seq = _gap_sequence()
    for a, b in zip(seq, seq[1:]):
        d = float(deltaE(_seen(a, cvd), _seen(b, cvd), input_space="sRGB1"))
        assert d >= MIN_DELTA_E, f"{a} vs {b} under {cvd or 'normal vision'}: ΔE {d:.1f}"
    # and "at or above" against every below class, not only its neighbour
    for b in style.GAP_PALETTE[1:]:
        assert float(deltaE(_seen(style.GAP_PALETTE[0], cvd), _seen(b, cvd), input_space="sRGB1")) >= 3 * MIN_DELTA_E


def test_below_and_above_apart_in_greyscale():
    above = style.GAP_PALETTE[0]
    for below in style.GAP_PALETTE[1:]:
        assert _lightness(below) - _lightness(above) >= MIN_GREY_DL, below
        assert _wcag_ratio(above, below) >= MIN_GREY_RATIO, below
    # further below is darker, in visible steps
    ls = [_lightness(c) for c in style.GAP_PALETTE[1:]]
    assert all(a - b >= MIN_BELOW_STEP_DL for a, b in zip(ls, ls[1:])), ls
    # and no class can pass for "no data" (light grey)
    for c in style.GAP_PALETTE:
        assert float(deltaE(_srgb(c), _srgb(style.NO_DATA_FILL), input_space="sRGB1")) >= MIN_DELTA_E


def test_gap_palette_is_colorbrewer_puor():
    """The documented source: ColorBrewer PuOr (11-class) entries, so the safety claims are Brewer's too."""
    puor11 = {
        "#2d004b",
        "#542788",
        "#8073ac",
        "#b2abd2",
        "#d8daeb",
        "#f7f7f7",
        "#fee0b6",
        "#fdb863",
        "#e08214",
        "#b35806",
        "#7f3b08",
    }
    assert set(style.GAP_PALETTE) <= puor11


# --- marking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "below, data, mark",
    [
        (12, 14, "above"),
        (1770, 2130, "above"),
        (3, 14, "below"),
        (7, 14, "below"),
        (8, 14, "above"),
        (0, 14, "none"),
        (14, 14, "none"),
        (0, 0, "none"),
    ],
)
def test_marking_marks_the_minority(below, data, mark):
    assert style.marking(below, data) == mark


@given(st.floats(0, 5000, allow_nan=False), st.floats(0, 5000, allow_nan=False))
def test_ink_grows_with_area_size_and_stays_in_bounds(a, b):
    lo, hi = sorted((a, b))
    small, big = style.ink(lo), style.ink(hi)
    for key, (_a, _b, mn, mx) in style.INK.items():
        assert mn <= small[key] <= big[key] <= mx


def test_ink_for_many_small_areas_is_light():
    tiny = style.ink(8)  # the province-wide desa map: median desa about 8 px across
    big = style.ink(150)  # 14 kabupaten
    assert tiny["outline"] <= 1 and tiny["hatch_width"] / tiny["hatch_gap"] <= 0.12
    assert big["outline"] >= 2.5


@pytest.mark.parametrize("coloring", style.COLORINGS)
@pytest.mark.parametrize("mark", ["below", "above", "none"])
def test_legend_rows_explain_what_is_drawn(coloring, mark):
    rows = style.legend_rows(coloring, 50.24, "id", False, mark)
    kinds = [k for k, _ in rows]
    assert kinds[-1] == "no_data"
    assert ("below" in kinds) == (mark == "below") and ("above" in kinds) == (mark == "above")
    colours = {
        "gap": style.GAP_PALETTE,
        "coverage": style.PALETTE,
        "change": style.CHANGE_PALETTE,
        "pace": style.PACE_PALETTE,
    }[coloring]
    assert kinds[: len(colours)] == list(colours)
    if mark == "above":
        assert dict(rows)["above"] == "Garis tebal: mencapai target (50,24%)"
