"""Coverage, status, gap (ceil semantics), per-row targets, totals and roll-ups."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import DEFAULT_TARGET
from geo.classify import (
    AT_OR_ABOVE,
    BELOW,
    NO_DATA,
    aggregate,
    classify,
    coverage_pct,
    gap_people,
    reported_note,
    totals,
)


def _areas(codes: list[str], parents: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode": codes,
            "nama": [f"Area {c}" for c in codes],
            "kode_kab": parents if parents is not None else codes,
        }
    )


def _rows(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols)


# --- gap arithmetic ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, tk, peserta, gap",
    [
        (50.24, 1000, 350, 153),  # ceil(502.4) = 503 - 350
        (50, 3, 0, 2),  # ceil(1.5)
        (50, 3, 1, 1),
        (50, 3, 2, 0),
        (50.24, 1000, 502, 1),
        (50.24, 1000, 503, 0),
        (50.24, 1000, 900, 0),  # never negative
        (50.24, 625, 314, 0),  # 50.24% of 625 is exactly 314
        (50.24, 625, 313, 1),
        (0, 1000, 0, 0),
        (100, 7, 3, 4),
    ],
)
def test_gap_examples(target, tk, peserta, gap):
    assert float(gap_people(target, tk, peserta)) == gap


def test_gap_is_vectorised():
    out = gap_people(np.array([50.24, 50.0]), np.array([1000, 3]), np.array([350, 0]))
    assert list(out) == [153, 2]


@settings(max_examples=300, deadline=None)
@given(
    target_hundredths=st.integers(0, 10_000),
    tk=st.integers(0, 10_000_000),
    peserta_share=st.floats(0, 1.2),
)
def test_gap_matches_exact_integer_ceil(target_hundredths, tk, peserta_share):
    """gap = ceil(target% × tk) − peserta floored at 0, checked in exact integer arithmetic."""
    peserta = int(tk * peserta_share)
    target = target_hundredths / 100
    needed = -(-target_hundredths * tk // 10_000)  # exact ceil
    gap = float(gap_people(target, tk, peserta))
    assert gap >= 0
    assert gap == max(needed - peserta, 0)
    assert (gap == 0) == (peserta >= needed)


def test_coverage_pct():
    assert float(coverage_pct(350, 1000)) == pytest.approx(35.0)
    assert math.isnan(float(coverage_pct(5, 0)))
    out = coverage_pct(np.array([1, 2]), np.array([4, 0]))
    assert out[0] == pytest.approx(25.0) and math.isnan(out[1])


# --- classify ----------------------------------------------------------------------------


def test_classify_statuses_and_no_data():
    areas = _areas(["61.01", "61.02", "61.03", "61.04"])
    matched = _rows(
        kode=["61.01", "61.02", "61.04"],
        tenaga_kerja=[1000, 1000, 0],
        peserta_aktif=[350, 600, 0],
    )
    out = classify(matched, areas).set_index("kode")
    assert len(out) == 4  # every area stays
    assert out.loc["61.01", "status"] == BELOW
    assert out.loc["61.01", "gap"] == 153
    assert out.loc["61.01", "cakupan"] == pytest.approx(35.0)
    assert out.loc["61.02", "status"] == AT_OR_ABOVE
    assert out.loc["61.02", "gap"] == 0
    # no row: no data, never 0% coverage
    assert out.loc["61.03", "status"] == NO_DATA
    assert not out.loc["61.03", "has_data"]
    assert math.isnan(out.loc["61.03", "cakupan"])
    assert math.isnan(out.loc["61.03", "gap"])
    # zero workers: coverage undefined, not 0%
    assert out.loc["61.04", "status"] == NO_DATA
    assert math.isnan(out.loc["61.04", "cakupan"])
    assert (out["target_efektif"] == DEFAULT_TARGET).all()


def test_missing_peserta_is_no_data():
    out = classify(_rows(kode=["61.01"], tenaga_kerja=[100], peserta_aktif=[np.nan]), _areas(["61.01"]))
    assert out.loc[0, "status"] == NO_DATA and not out.loc[0, "has_data"]


def test_row_target_overrides_global():
    areas = _areas(["61.71", "61.72"])
    matched = _rows(
        kode=["61.71", "61.72"],
        tenaga_kerja=[1000, 1000],
        peserta_aktif=[460, 460],
        target_persen=[45.0, np.nan],
    )
    out = classify(matched, areas, target=50.24).set_index("kode")
    assert out.loc["61.71", "target_efektif"] == 45.0
    assert out.loc["61.71", "own_target"]
    assert out.loc["61.71", "status"] == AT_OR_ABOVE  # 46% against its own 45%
    assert out.loc["61.71", "gap"] == 0
    assert out.loc["61.72", "target_efektif"] == 50.24
    assert not out.loc["61.72", "own_target"]
    assert out.loc["61.72", "status"] == BELOW
    assert out.loc["61.72", "gap"] == 503 - 460
    # the global target changes rows without their own target only
    out40 = classify(matched, areas, target=40).set_index("kode")
    assert out40.loc["61.72", "status"] == AT_OR_ABOVE
    assert out40.loc["61.71", "target_efektif"] == 45.0


def test_period_selection():
    areas = _areas(["61.01"])
    matched = _rows(
        kode=["61.01", "61.01"],
        periode=["2024", "2025"],
        tenaga_kerja=[1000, 1000],
        peserta_aktif=[300, 600],
    )
    a = classify(matched, areas, period="2024")
    b = classify(matched, areas, period="2025")
    assert a.loc[0, "peserta_aktif"] == 300 and a.loc[0, "periode"] == "2024"
    assert b.loc[0, "peserta_aktif"] == 600 and b.loc[0, "status"] == AT_OR_ABOVE
    none = classify(matched, areas, period="2023")
    assert none.loc[0, "status"] == NO_DATA


@settings(max_examples=200, deadline=None)
@given(
    tk=st.integers(1, 2_000_000),
    target_hundredths=st.integers(1, 10_000),
    delta=st.integers(-3, 3),
)
def test_status_agrees_with_gap(tk, target_hundredths, delta):
    """Below target exactly when people are still missing: status and gap never contradict."""
    needed = -(-target_hundredths * tk // 10_000)
    peserta = min(max(needed + delta, 0), tk)
    out = classify(
        _rows(kode=["61.01"], tenaga_kerja=[tk], peserta_aktif=[peserta]),
        _areas(["61.01"]),
        target=target_hundredths / 100,
    )
    gap, status = out.loc[0, "gap"], out.loc[0, "status"]
    assert (status == BELOW) == (gap > 0)
    assert (status == AT_OR_ABOVE) == (peserta >= needed)


def test_exact_target_is_not_below():
    """314 of 625 is exactly 50.24%; float division gives 50.239999999999995."""
    out = classify(_rows(kode=["61.01"], tenaga_kerja=[625], peserta_aktif=[314]), _areas(["61.01"]))
    assert out.loc[0, "gap"] == 0
    assert out.loc[0, "status"] == AT_OR_ABOVE


# --- totals and roll-up ------------------------------------------------------------------


def _hand_classified() -> pd.DataFrame:
    areas = _areas(
        ["61.01.01.2001", "61.01.01.2002", "61.02.01.2001", "61.02.01.2002", "61.03.01.2001"],
        parents=["61.01", "61.01", "61.02", "61.02", "61.03"],
    )
    matched = _rows(
        kode=["61.01.01.2001", "61.01.01.2002", "61.02.01.2001", "61.02.01.2002"],
        tenaga_kerja=[100, 300, 200, 50],
        peserta_aktif=[20, 200, 150, 10],
        target_persen=[np.nan, np.nan, 45.0, np.nan],
        penerima_bantuan_iuran=[5, 7, 11, 2],
    )
    return classify(matched, areas)


def test_totals_by_hand():
    c = _hand_classified()
    tot = totals(c)
    assert tot.areas == 5
    assert tot.areas_with_data == 4
    assert tot.tenaga_kerja == 650
    assert tot.peserta_aktif == 380
    assert tot.bantuan == 25
    assert tot.coverage == pytest.approx(380 / 650 * 100)
    weighted_target = (100 * 50.24 + 300 * 50.24 + 200 * 45 + 50 * 50.24) / 650
    assert tot.target == pytest.approx(weighted_target)
    assert tot.gap_to_target == 0  # 58.5% against about 48.6%
    low = totals(c.assign(peserta_aktif=c["peserta_aktif"] / 10))
    assert low.gap_to_target == math.ceil(round(weighted_target * 650 / 100, 6)) - 38
    # own gaps: 61.01.01.2001 ceil(50.24)=51-20=31; .2002 ceil(150.72)=151-200<0 -> 0;
    # 61.02.01.2001 ceil(90)=90-150<0 -> 0; .2002 ceil(25.12)=26-10=16
    assert tot.gap_sum == 31 + 16
    assert tot.below == 2


def test_totals_without_data():
    c = classify(_rows(kode=["x"], tenaga_kerja=[1], peserta_aktif=[1]), _areas(["61.01"]))
    tot = totals(c, target=40)
    assert tot.areas == 1 and tot.areas_with_data == 0
    assert tot.target == 40
    assert math.isnan(tot.coverage)


def test_aggregate_desa_to_kabupaten_by_hand():
    c = _hand_classified()
    parents = _areas(["61.01", "61.02", "61.03"])
    out = aggregate(c, parents, "kode_kab").set_index("kode")
    assert len(out) == 3
    assert out.loc["61.01", "tenaga_kerja"] == 400
    assert out.loc["61.01", "peserta_aktif"] == 220
    assert out.loc["61.01", "penerima_bantuan_iuran"] == 12
    assert out.loc["61.01", "cakupan"] == pytest.approx(55.0)
    assert out.loc["61.01", "status"] == AT_OR_ABOVE
    # all children on the default target: the parent has no target of its own
    assert not out.loc["61.01", "own_target"]
    assert out.loc["61.01", "target_efektif"] == pytest.approx(50.24)
    # 61.02: 160/250 = 64%; target carries up workers-weighted: (200*45 + 50*50.24)/250
    assert out.loc["61.02", "tenaga_kerja"] == 250
    assert out.loc["61.02", "peserta_aktif"] == 160
    assert out.loc["61.02", "target_efektif"] == pytest.approx((200 * 45 + 50 * 50.24) / 250)
    assert out.loc["61.02", "own_target"]
    # the parent's gap comes from its sums, not the sum of children's gaps (16 here)
    assert out.loc["61.02", "gap"] == 0
    # a parent whose children have no data stays no_data
    assert out.loc["61.03", "status"] == NO_DATA


def test_aggregate_parent_gap_from_sums():
    areas = _areas(["61.01.01.2001", "61.01.01.2002"], parents=["61.01", "61.01"])
    c = classify(
        _rows(kode=["61.01.01.2001", "61.01.01.2002"], tenaga_kerja=[3, 3], peserta_aktif=[0, 0]), areas, target=50
    )
    assert c["gap"].sum() == 4  # ceil(1.5) twice
    out = aggregate(c, _areas(["61.01"]), "kode_kab", target=50)
    assert out.loc[0, "gap"] == 3  # ceil(50% of 6)


def test_aggregate_sample_desa_matches_groupby(areas):
    from geo.sample import LATEST, desa_table

    desa = desa_table()
    desa = desa[desa.periode == LATEST]  # the month a view without a period shows
    matched = desa.drop(columns=["target_persen"])
    c = classify(matched, areas("desa"))
    assert c["has_data"].all()
    kab = aggregate(c, areas("kabupaten"), "kode_kab").set_index("kode")
    by_hand = (
        desa.assign(kode_kab=desa.kode.str[:5])
        .groupby("kode_kab")[["tenaga_kerja", "peserta_aktif", "penerima_bantuan_iuran"]]
        .sum()
    )
    assert len(kab) == 14
    for col in by_hand:
        assert (kab[col] == by_hand[col]).all(), col
    tot = totals(kab)
    assert tot.coverage == pytest.approx(35.35, abs=0.01)
    assert tot.bantuan == 26_373


def test_a_partial_table_keeps_its_figure_and_says_how_many_areas_reported():
    """The decision, made once: the province figure of a partial table is shown, from the reported areas only,
    with "n dari N … dilaporkan" beside it; a complete table carries no such note."""
    areas = _areas(["61.01", "61.02", "61.03", "61.04"])
    partial = classify(_rows(kode=["61.01", "61.02"], tenaga_kerja=[1000, 3000], peserta_aktif=[350, 600]), areas)
    tot = totals(partial)
    assert tot.coverage == pytest.approx(950 / 4000 * 100)  # the reported areas only, weighted by workers
    assert reported_note(tot, "kabupaten", "id") == (
        "2 dari 4 kabupaten/kota dilaporkan (angka hanya dari wilayah yang dilaporkan)"
    )
    assert reported_note(tot, "desa", "en").startswith("2 of 4 villages reported")
    full = classify(
        _rows(kode=["61.01", "61.02", "61.03", "61.04"], tenaga_kerja=[1] * 4, peserta_aktif=[1] * 4), areas
    )
    assert reported_note(totals(full), "kabupaten", "id") is None
