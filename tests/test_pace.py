"""The pace: the slope over the window, the pace needed per target year, the month reached and the status."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import pace, targetpath
from geo.targets import read_schedule
from geo.text import t

SCHEDULE = read_schedule(
    "periode,kode,target_persen,keterangan\n"
    "2024,61,50.24,RPJMN 2024\n2025,61,55,\n2027,61,60,\n2029,61,70,RPJMN 2029\n2026,61.04,65,Ketapang\n"
)


def frames_of(points: dict[str, list[tuple[str, float, float]]]) -> dict[str, pd.DataFrame]:
    """period -> rows (kode, tenaga_kerja, peserta_aktif)."""
    return {p: pd.DataFrame(rows, columns=["kode", "tenaga_kerja", "peserta_aktif"]) for p, rows in points.items()}


def months(year: int, first: int, last: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(first, last + 1)]


@settings(max_examples=40)  # each example builds the whole path (pandas: ~50 ms)
@given(
    start=st.integers(0, 400_000),
    slope=st.integers(1, 5_000),
    tk=st.integers(10_000, 2_000_000),
    n=st.integers(2, 12),
)
def test_linear_series_gives_its_slope_and_the_solved_month(start, slope, tk, n):
    keys = [pace.month_key(2025 * 12 + i) for i in range(n)]  # January 2025 on
    frames = frames_of({k: [("61.01", tk, start + slope * i)] for i, k in enumerate(keys)})
    row = pace.by_area(frames, SCHEDULE).iloc[0]
    used = min(n, pace.WINDOW["month"])
    assert row["titik"] == used
    assert row["laju_per_bulan"] == pytest.approx(slope, rel=1e-9)
    peserta = start + slope * (n - 1)
    assert row["peserta_aktif"] == peserta and row["periode_terakhir"] == keys[-1]
    this_year = 2025 if n < 12 else 2026  # data of December 2025: 2025's target is past, 2026's is coming
    assert row["tahun"] == this_year
    for suffix, year in (("", this_year), (pace.LAST_SUFFIX, 2029)):
        target_people = float(targetpath.target_people(SCHEDULE_TARGET[year], tk))
        assert row["target_orang" + suffix] == target_people
        if peserta >= target_people:
            assert row["status" + suffix] == pace.MET
            continue
        solved = math.ceil((target_people - peserta) / slope)  # peserta + slope * solved >= target, first such
        assert peserta + slope * solved >= target_people > peserta + slope * (solved - 1)
        expected = 2025 * 12 + n - 1 + solved
        within = expected <= pace.HORIZON  # December 2100
        assert row["bulan_tercapai" + suffix] == (pace.month_key(expected) if within else None)
        deadline = year * 12 + 11
        assert row["status" + suffix] == (pace.ON_TRACK if expected <= deadline else pace.BEHIND)
        left = deadline - (2025 * 12 + n - 1)
        assert row["laju_dibutuhkan" + suffix] == pytest.approx((target_people - peserta) / max(left, 1))


SCHEDULE_TARGET = {2025: 55.0, 2026: 55.0, 2029: 70.0}  # 2026 has no row: 2025's holds


@settings(max_examples=40)  # each example builds the whole path (pandas: ~50 ms)
@given(
    level=st.integers(0, 4_000),
    fall=st.integers(0, 50),
    gap=st.integers(0, 5),
    n=st.integers(3, 8),
)
def test_flat_or_falling_series_with_a_gap_will_not_be_reached(level, fall, gap, n):
    keys = [pace.month_key(2025 * 12 + i) for i in range(n)]
    rows = {k: [("61.01", 10_000, level - fall * i)] for i, k in enumerate(keys) if i != gap % (n - 1)}
    row = pace.by_area(frames_of(rows), SCHEDULE).iloc[0]
    assert row["laju_per_bulan"] <= 1e-9
    assert row["status"] == pace.NEVER and row["status_akhir"] == pace.NEVER  # 4,000 of 10,000 is below 55%
    assert pd.isna(row["bulan_tercapai"]) and pd.isna(row["bulan_tercapai_akhir"])


def test_messy_monthly_series_skips_the_missing_month_and_uses_the_latest_six():
    points = {k: [("61.04", 10_000, 1_000 + 100 * i), ("61.01", 1_000, 500)] for i, k in enumerate(months(2024, 1, 12))}
    points["2024-09"] = [("61.01", 1_000, 500)]  # Ketapang missing in September
    points["2024-10"] = [("61.04", 10_000, float("nan")), ("61.01", 1_000, 500)]  # a blank cell
    out = pace.by_area(frames_of(points), SCHEDULE).set_index("kode")
    ketapang = out.loc["61.04"]
    assert ketapang["jendela"] == "2024-07/2024-12"
    assert ketapang["titik"] == 4  # July, August, November, December
    assert ketapang["laju_per_bulan"] == pytest.approx(100)
    # December data: 2024's target is past, the coming one is 2025's
    assert ketapang["tahun"] == 2025 and ketapang["tahun_akhir"] == 2029
    # 2025: 55% of 10,000 = 5,500; 2,100 now; twelve months to December 2025
    assert ketapang["perlu_orang"] == 5_500 - 2_100
    assert ketapang["laju_dibutuhkan"] == pytest.approx(3_400 / 12)
    assert ketapang["status"] == pace.BEHIND
    assert ketapang["bulan_tercapai"] == pace.month_key(2024 * 12 + 11 + 34)  # 3,400 / 100 -> 34 months
    flat = out.loc["61.01"]
    assert flat["laju_per_bulan"] == 0 and flat["titik"] == 6
    assert flat["perlu_orang"] == 50  # 55% of 1,000 is 550 people
    assert flat["status"] == pace.NEVER and pd.isna(flat["bulan_tercapai"])


def test_a_yearly_series_takes_two_years_and_its_slope_per_month():
    points = {str(y): [("61.01", 12_000, 1_200 * (y - 2021))] for y in (2022, 2023, 2024)}
    row = pace.by_area(frames_of(points), SCHEDULE).iloc[0]
    assert row["jendela"] == "2023/2024" and row["titik"] == 2
    assert row["laju_per_bulan"] == pytest.approx(100)  # 1,200 a year
    assert row["periode_terakhir"] == "2024"
    assert pace.window(list(points)).label("id") == "2 tahun terakhir (2023 – 2024)"


def test_one_point_is_not_enough_data():
    row = pace.by_area(frames_of({"2025-03": [("61.01", 1_000, 100)]}), SCHEDULE).iloc[0]
    assert row["titik"] == 1 and pd.isna(row["laju_per_bulan"])
    assert row["status"] == pace.FEW and pd.isna(row["bulan_tercapai"])
    assert row["perlu_orang"] == 450  # the need is known without a pace
    assert t(f"pace.status.{pace.FEW}", "id").startswith("Belum cukup data")


def test_an_area_that_stopped_reporting_has_no_points_in_the_window():
    points = {k: [("61.01", 1_000, 100 + i), ("61.02", 1_000, 100)] for i, k in enumerate(months(2025, 1, 8))}
    for k in months(2025, 3, 8):
        points[k] = [("61.02", 1_000, 100)]
    row = pace.by_area(frames_of(points), SCHEDULE).set_index("kode").loc["61.01"]
    assert row["titik"] == 0 and row["periode_terakhir"] == "2025-02" and row["status"] == pace.FEW


def test_the_province_sums_its_areas_and_a_scope_its_own():
    points = {
        k: [("61.04.01.2001", 1_000, 100 + 10 * i), ("61.04.01.2002", 1_000, 100 + 5 * i), ("61.01.01.2001", 500, 0)]
        for i, k in enumerate(months(2025, 1, 6))
    }
    frames = frames_of(points)
    province = pace.total(frames, SCHEDULE)
    assert province["kode"] == "61" and province["laju_per_bulan"] == pytest.approx(15)
    assert province["tenaga_kerja"] == 2_500 and province["peserta_aktif"] == 200 + 75
    ketapang = pace.total(frames, SCHEDULE, "61.04")
    assert ketapang["perlu_orang_akhir"] == math.ceil(0.70 * 2_000) - 275  # the 2029 target
    # 2026 is the regional override year, but this year is 2025: the province default of 55%
    assert ketapang["perlu_orang"] == math.ceil(0.55 * 2_000) - 275
    assert pace.total({}, SCHEDULE) is None


def test_reach_month_and_ranking():
    assert pace.reach_month(90, 10, 100, 5) == 6
    assert pace.reach_month(100, 0, 100, 5) == 5
    assert pace.reach_month(90, 0, 100, 5) is None and pace.reach_month(90, float("nan"), 100, 5) is None
    assert pace.reach_month(0, 1e-6, 1e9, 2025 * 12) is None  # past December 2100
    frame = pd.DataFrame(
        {
            "kode": ["a", "b", "c", "d", "e"],
            "kekurangan_laju": [5.0, 50.0, -3.0, float("nan"), 7.0],
            "status": [pace.BEHIND, pace.NEVER, pace.ON_TRACK, pace.FEW, pace.MET],  # e: met, falling
        }
    )
    assert pace.shortfall_ranking(frame)["kode"].tolist() == ["b", "a"]
    joined = frame.rename(columns={"status": "status_laju"}).assign(status="below")  # the coverage status beside
    assert pace.shortfall_ranking(joined)["kode"].tolist() == ["b", "a"]


@settings(max_examples=40)  # each example builds the whole path (pandas: ~50 ms)
@given(st.lists(st.integers(0, 10_000), min_size=2, max_size=8))
def test_status_follows_the_month_reached(values):
    keys = [pace.month_key(2025 * 12 + i) for i in range(len(values))]
    row = pace.by_area(frames_of({k: [("61.01", 10_000, v)] for k, v in zip(keys, values)}), SCHEDULE).iloc[0]
    reached = row["bulan_tercapai"]
    if row["status"] == pace.ON_TRACK:
        assert reached <= "2025-12"
    elif row["status"] == pace.BEHIND:
        assert pd.isna(reached) or reached > "2025-12"
    elif row["status"] == pace.NEVER:
        assert row["laju_per_bulan"] <= 0 and pd.isna(reached)
    else:
        assert row["status"] == pace.MET and values[-1] >= 5_500


def test_the_path_chart_lines_and_the_sentence():
    keys = months(2025, 1, 6)
    frames = frames_of({k: [("61.04.01.2001", 10_000, 3_000 + 100 * i)] for i, k in enumerate(keys)})
    lines = pace.path_lines(frames, SCHEDULE, "61.04")
    by = {s: g.reset_index(drop=True) for s, g in lines.groupby("seri")}
    assert by["published"]["orang"].tolist() == [3_000 + 100 * i for i in range(6)]
    assert by["published"]["bulan"].iloc[-1] == pd.Timestamp("2025-06-01")
    steps = by["target"]  # each year's target people from its January to its December
    assert steps["orang"].iloc[0] == 5_500 and steps["orang"].iloc[-1] == 7_000  # 55% in 2025, 70% in 2029
    assert steps["bulan"].iloc[0] == pd.Timestamp("2025-01-01") and steps["bulan"].iloc[-1] == pd.Timestamp(
        "2029-12-01"
    )
    end = (2029 * 12 + 11) - (2025 * 12 + 5)
    assert by["pace"]["orang"].tolist() == pytest.approx([3_500, 3_500 + 100 * end])
    assert by["needed"]["orang"].tolist() == [3_500, 5_500, 7_000]
    assert by["needed"]["bulan"].tolist() == [pd.Timestamp(x) for x in ("2025-06-01", "2025-12-01", "2029-12-01")]
    row = pace.total(frames, SCHEDULE, "61.04")
    assert (
        pace.sentence(row, "Ketapang", "id")
        == "Ketapang butuh 334 peserta baru per bulan untuk target 2025; laju sekarang 100."
    )
    assert pace.sentence(row, "Ketapang", "en").startswith("Ketapang needs 334 new participants a month for the 2025")
    one = pace.total(frames_of({"2025-06": [("61.01", 1_000, 100)]}), SCHEDULE)
    assert "belum dapat dihitung (1 titik data" in pace.sentence(one, "Provinsi", "id")
    met = pace.total(frames_of({k: [("61.01", 1_000, 900)] for k in keys}), SCHEDULE)
    assert (
        pace.sentence(met, "Provinsi", "id")
        == "Provinsi sudah mencapai target 2025; laju sekarang 0 peserta baru per bulan."
    )
    assert pace.sentence(None, "Provinsi", "id") == t("pace.sentence_no_data", "id", area="Provinsi")


@given(
    st.lists(
        st.tuples(
            st.floats(0, 1e6, allow_nan=False),
            st.one_of(st.just(float("nan")), st.floats(-1e3, 1e4, allow_nan=False)),
            st.floats(0, 2e6, allow_nan=False),
            st.integers(2020 * 12, 2030 * 12),
            st.floats(0, 1e5, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_every_row_at_once_is_each_row_alone(rows):
    """The vectorised month reached and status (thousands of areas × years) are the one-row rules."""
    p, v, g, s0, perlu = (pd.Series([r[i] for r in rows], dtype=float) for i in range(5))
    reached = pace._reach_months(p, v, g, s0)
    deadline = (s0 // 12 * 12 + 11).to_numpy()
    statuses = pace._statuses(perlu.to_numpy(), v.to_numpy(), reached, deadline)
    for i, r in enumerate(rows):
        one = pace.reach_month(r[0], r[1], r[2], r[3])
        assert (None if reached[i] < 0 else int(reached[i])) == one, r
        assert statuses[i] == pace.status_of(r[4], r[1], one, int(deadline[i])), r
