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
    for colour in (*style.PALETTE, style.NO_DATA_FILL, style.NO_DATA_DOT, style.BORDER, style.BELOW_OUTLINE, style.BELOW_HATCH, style.SELECTED_OUTLINE):
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
    [(0, 0), (19.99, 0), (20, 1), (29.9, 1), (30, 2), (35.35, 2), (40, 3), (50, 4), (50.24, 4), (59.9, 4), (60, 5), (70, 6), (99, 6), (100, 6), (130, 6)],
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
    assert labels["no_data"] == "Tidak ada data"
    en = dict(style.legend_entries(45, "en"))
    assert "45.00%" in en["below"] and en["no_data"] == "No data"


def test_legend_mentions_own_targets():
    plain = dict(style.legend_entries(50.24, "en"))["below"]
    own = dict(style.legend_entries(50.24, "en", own_targets=True))["below"]
    assert own.startswith(plain) and own != plain
    assert "own target" in own
