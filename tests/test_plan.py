"""geo/plan.py: cost of the gap, and the exact allocation of new bantuan iuran slots."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import DEFAULT_TARGET, fmt, plan
from geo.classify import classify

gaps_st = st.lists(st.integers(min_value=0, max_value=8), min_size=0, max_size=6)


def brute_force_count(gaps: list[int], n: int) -> int:
    """Most areas that can reach target with n slots: every subset of positive gaps."""
    pos = [g for g in gaps if g > 0]
    best = 0
    for k in range(len(pos) + 1):
        for combo in itertools.combinations(pos, k):
            if sum(combo) <= n:
                best = max(best, k)
    return best


def brute_force_allocations(gaps: list[int], n: int) -> int:
    """The same optimum over every integer allocation 0 ≤ s_i ≤ g_i with Σ s ≤ n (not only whole gaps)."""
    best = 0
    for alloc in itertools.product(*[range(g + 1) for g in gaps]):
        if sum(alloc) <= n:
            best = max(best, sum(1 for s, g in zip(alloc, gaps) if g > 0 and s == g))
    return best


def test_default_contribution_derivation():
    assert plan.JKK_RUPIAH == 10_000
    assert plan.DEFAULT_IURAN == plan.JKK_RUPIAH + plan.JKM_RUPIAH == 16_800
    assert plan.DEFAULT_MONTHS == 12
    assert plan.cost(1000) == 1000 * 16_800 * 12


@settings(max_examples=300, deadline=None)
@given(gaps=gaps_st, n=st.integers(min_value=0, max_value=40))
def test_allocation_bounds_and_sums(gaps, n):
    s = plan.allocate_slots(gaps, n)
    g = np.array(gaps, dtype=np.int64)
    assert len(s) == len(gaps)
    assert (s >= 0).all()
    assert (s <= np.maximum(g, 0)).all(), "never more than an area's gap"
    assert int(s.sum()) <= n, "never more than N"
    # All of N is used unless every gap is closed.
    assert int(s.sum()) == min(n, int(g[g > 0].sum()))
    # Areas with no gap take nothing.
    assert (s[g <= 0] == 0).all()


@settings(max_examples=300, deadline=None)
@given(gaps=gaps_st, n=st.integers(min_value=0, max_value=30))
def test_allocation_is_optimal_against_subsets(gaps, n):
    s = plan.allocate_slots(gaps, n)
    reached = sum(1 for si, gi in zip(s, gaps) if gi > 0 and si == gi)
    assert reached == brute_force_count(gaps, n)


@settings(max_examples=120, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=4), min_size=0, max_size=5),
    n=st.integers(min_value=0, max_value=14),
)
def test_allocation_is_optimal_against_every_allocation(gaps, n):
    s = plan.allocate_slots(gaps, n)
    reached = sum(1 for si, gi in zip(s, gaps) if gi > 0 and si == gi)
    assert reached == brute_force_allocations(gaps, n)


@settings(max_examples=200, deadline=None)
@given(gaps=gaps_st, n=st.integers(min_value=0, max_value=40))
def test_allocation_deterministic_and_order_free(gaps, n):
    """Same areas in another order (same codes): the same slots per area."""
    codes = [f"61.{i:02d}" for i in range(len(gaps))]
    s1 = plan.allocate_slots(gaps, n, codes=codes)
    perm = list(reversed(range(len(gaps))))
    s2 = plan.allocate_slots([gaps[i] for i in perm], n, codes=[codes[i] for i in perm])
    assert [int(s1[i]) for i in perm] == [int(x) for x in s2]


def test_tie_break_lower_coverage_then_kode():
    gaps = [5, 5, 5]
    cov = [40.0, 30.0, 30.0]
    s = plan.allocate_slots(gaps, 5, coverage=np.array(cov), codes=["61.03", "61.02", "61.01"])
    # The two at 30% tie on coverage too: 61.01 comes before 61.02 by kode.
    assert list(s) == [0, 0, 5]
    s = plan.allocate_slots(gaps, 5, coverage=np.array([40.0, 30.0, 35.0]), codes=["61.01", "61.02", "61.03"])
    assert list(s) == [0, 5, 0]


def test_remainder_spread_by_gap():
    # 2 + 3 close with 5; 10 left over split 20:40 -> 3.33 / 6.67 -> 3 and 7 (largest remainder).
    s = plan.allocate_slots([2, 3, 20, 40], 15)
    assert list(s) == [2, 3, 3, 7]


def _frame(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    areas = pd.DataFrame({"kode": [r[0] for r in rows], "nama": [f"Wilayah {r[0]}" for r in rows]})
    matched = pd.DataFrame(
        {
            "kode": [r[0] for r in rows],
            "tenaga_kerja": [r[1] for r in rows],
            "peserta_aktif": [r[2] for r in rows],
            "periode": "2024",
        }
    )
    return classify(matched, areas, DEFAULT_TARGET, "2024")


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(min_value=1, max_value=3000), st.floats(min_value=0, max_value=1)), min_size=1, max_size=8
    ),
    n=st.integers(min_value=0, max_value=3000),
    iuran=st.integers(min_value=1, max_value=100_000),
    months=st.integers(min_value=1, max_value=24),
)
def test_plan_figures_add_up(rows, n, iuran, months):
    frame = _frame([(f"61.{i + 1:02d}", tk, int(tk * share)) for i, (tk, share) in enumerate(rows)])
    r = plan.plan(frame, n, iuran, months)
    items = r.items
    assert int(items["slots"].sum()) == r.slots_used <= n
    assert r.cost_rupiah == r.slots_used * iuran * months
    assert (items["biaya"] == items["slots"] * iuran * months).all()
    assert (items["slots"] <= items["gap"]).all()
    assert (items["reaches_target"] == ((items["slots"] == items["gap"]) & (items["gap"] > 0))).all()
    assert r.areas_reaching_target == int(items["reaches_target"].sum())
    assert r.areas_reaching_target == brute_force_count(items["gap"].tolist(), n) if len(items) <= 6 else True
    tk = items["tenaga_kerja"].sum()
    assert math.isclose(r.coverage_after, (items["peserta_aktif"].sum() + r.slots_used) / tk * 100)
    # After the scenario, exactly the areas that reach target are no longer below it.
    after = plan.scenario_frame(frame, r)
    was_below = frame.set_index("kode")["status"].eq("below")
    now_below = after.set_index("kode")["status"].eq("below")
    crossed = set(was_below[was_below & ~now_below].index)
    assert crossed == set(items.loc[items["reaches_target"], "kode"])
    assert set(after.loc[after["crosses"], "kode"]) == crossed


def test_plan_on_sample_kabupaten(areas):
    """The province's 26,373 sample slots: a handful of kabupaten/kota close their gap, cost = slots × Rp16,800 × 12."""
    from geo import boundaries, targets
    from geo.cli.common import matched_tables as _matched_tables

    tables, _names, _s = _matched_tables(None, "id")
    frame = targets.classify_level(tables, boundaries.areas, "kabupaten", None, DEFAULT_TARGET, None)
    r = plan.plan(frame, 26_373)
    gaps = frame.loc[frame["gap"] > 0, "gap"].sort_values().to_numpy()
    expected = int((np.cumsum(gaps) <= 26_373).sum())
    assert r.areas_reaching_target == expected > 0
    assert r.slots_used == 26_373
    assert r.cost_rupiah == 26_373 * 16_800 * 12
    assert r.coverage_after > r.coverage_before


def test_plan_ignores_areas_without_data():
    frame = _frame([("61.01", 1000, 100), ("61.02", 1000, 600)])
    extra = pd.DataFrame({"kode": ["61.03"], "nama": ["Tanpa data"]})
    frame = classify(
        frame[["kode", "tenaga_kerja", "peserta_aktif"]].assign(periode="2024"),
        pd.concat([frame[["kode", "nama"]], extra]),
        DEFAULT_TARGET,
        "2024",
    )
    r = plan.plan(frame, 10_000)
    assert set(r.items["kode"]) == {"61.01", "61.02"}
    assert r.slots_used == 403  # ceil(502.4) - 100; 61.02 is already above target
    assert r.areas_reaching_target == 1 and r.areas_at_target_after == 2


def test_with_cost_column():
    frame = _frame([("61.01", 1000, 100)])
    out = plan.with_cost(frame, 20_000, 6)
    assert out["biaya"].iloc[0] == 403 * 20_000 * 6


@pytest.mark.parametrize(
    "value, lang, exact, short",
    [
        (5_316_796_800, "id", "Rp5.316.796.800", "Rp 5,3 miliar"),
        (5_316_796_800, "en", "Rp5,316,796,800", "Rp 5.3 billion"),
        (1_234_567, "id", "Rp1.234.567", "Rp 1,2 juta"),
        (201_600, "en", "Rp201,600", "Rp201,600"),
    ],
)
def test_money_formats(value, lang, exact, short):
    assert fmt.rupiah(value, lang) == exact
    assert fmt.rupiah_short(value, lang) == short
    assert fmt.rupiah(float("nan"), lang) == "–"


def test_gap_costs_never_price_zero_people():
    """The cost line: a figure only for a positive gap, and the people it counts beside it."""
    assert plan.gap_costs(0, 0, 16_800, 12) is None
    assert plan.gap_costs(float("nan"), 0, 16_800, 12) is None
    whole, each = plan.gap_costs(0, 7, 16_800, 12)
    assert whole is None and each == (7.0, 7 * 16_800 * 12)
    assert plan.gap_costs(10, 12, 1_000, 2) == ((10.0, 20_000.0), (12.0, 24_000.0))
