"""Number formats: Indonesian 26.373 / 35,35% against English 26,373 / 35.35%."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import fmt


def test_province_figures():
    assert fmt.number(26_373, "id") == "26.373"
    assert fmt.number(26_373, "en") == "26,373"
    assert fmt.percent(35.35, "id") == "35,35%"
    assert fmt.percent(35.35, "en") == "35.35%"
    assert fmt.percent(50.24, "id") == "50,24%"


def test_default_language_is_indonesian():
    assert fmt.number(26_373) == "26.373"
    assert fmt.percent(35.35) == "35,35%"
    assert fmt.number(26_373, "xx") == "26.373"


def test_big_numbers_and_digits():
    assert fmt.number(1_234_567.891, "id", 2) == "1.234.567,89"
    assert fmt.number(1_234_567.891, "en", 2) == "1,234,567.89"
    assert fmt.number(999.7, "id") == "1.000"
    assert fmt.number(0, "id") == "0"
    assert fmt.number(-1234, "id") == "-1.234"
    assert fmt.number(np.int64(26_373), "id") == "26.373"
    assert fmt.percent(7, "en", 0) == "7%"
    assert fmt.percent(100, "id") == "100,00%"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, np.float64("nan")])
def test_missing_values_show_a_dash(missing):
    assert fmt.is_missing(missing)
    assert fmt.number(missing) == "–"
    assert fmt.percent(missing, "en") == "–"
    assert fmt.points(missing) == "–"


@pytest.mark.parametrize("value", [0, 0.0, 12, -3.5, np.int64(4)])
def test_present_values_are_not_missing(value):
    assert not fmt.is_missing(value)


def test_points_are_signed():
    assert fmt.points(1.5, "id") == "+1,50 pp"
    assert fmt.points(1.5, "en") == "+1.50 pp"
    assert fmt.points(-2.26, "id", 1) == "−2,3 pp"  # a real minus sign, not a hyphen
    assert fmt.points(0, "en") == "±0.00 pp"


@given(st.integers(-(10**12), 10**12))
def test_integers_read_back(n):
    ids = fmt.number(n, "id")
    en = fmt.number(n, "en")
    assert int(ids.replace(".", "")) == n
    assert int(en.replace(",", "")) == n
    assert "," not in ids and "." not in en
    # thousands groups of three digits
    assert all(len(g) == 3 for g in ids.lstrip("-").split(".")[1:])


@given(st.floats(0, 1e7, allow_nan=False))
def test_percent_read_back(x):
    ids = fmt.percent(x, "id")
    en = fmt.percent(x, "en")
    assert ids.endswith("%") and en.endswith("%")
    assert float(ids[:-1].replace(".", "").replace(",", ".")) == pytest.approx(x, abs=0.005 + 1e-9 * x)
    assert float(en[:-1].replace(",", "")) == pytest.approx(x, abs=0.005 + 1e-9 * x)
    assert math.isfinite(float(en[:-1].replace(",", "")))
