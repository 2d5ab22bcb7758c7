"""The target path: each coming year's target and the people still to enrol, per area."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from geo import targetpath
from geo.targets import read_schedule

SCHEDULE = read_schedule(
    "periode,kode,target_persen,keterangan\n"
    "2024,61,50.24,RPJMN 2024\n2025,61,55,\n2027,61,60,\n2029,61,70,RPJMN 2029\n2026,61.04,65,Ketapang\n"
)


def frame(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kode", "tenaga_kerja", "peserta_aktif"])


def test_years_run_from_the_datas_year_to_the_schedules_last():
    assert targetpath.years(SCHEDULE, "2025-06") == [2025, 2026, 2027, 2028, 2029]
    assert targetpath.years(SCHEDULE, "2031") == [2031]
    assert targetpath.years(SCHEDULE, "2024-12") == [2025, 2026, 2027, 2028, 2029]  # December: its year has ended
    assert targetpath.years(SCHEDULE, "2024-11") == [2024, 2025, 2026, 2027, 2028, 2029]
    assert targetpath.years(SCHEDULE, "2029-12") == [2030]  # past the schedule: its last target holds


def test_each_year_takes_the_schedules_target_for_the_area():
    out = targetpath.needed(frame([("61.04", 1000, 500), ("61.01", 1000, 500)]), SCHEDULE, "2025-03")
    by = out.set_index(["kode", "tahun"])
    assert by.loc[("61.01", 2025), "target_persen"] == 55
    assert by.loc[("61.01", 2026), "target_persen"] == 55  # no 2026 default: the latest earlier one
    assert by.loc[("61.04", 2026), "target_persen"] == 65  # the regional override
    assert by.loc[("61.04", 2027), "target_persen"] == 60
    assert by.loc[("61.01", 2029), "target_orang"] == 700
    assert by.loc[("61.01", 2029), "perlu_orang"] == 200
    assert by.loc[("61.01", 2025), "perlu_orang"] == 50


def test_areas_with_no_workers_have_no_need():
    out = targetpath.needed(frame([("61.04", 0, 0), ("61.01", float("nan"), 3)]), SCHEDULE, "2025")
    assert out.empty and list(out.columns) == targetpath.COLUMNS


@given(
    tk=st.integers(1, 5_000_000),
    share=st.floats(0, 1.2, allow_nan=False),
)
def test_need_is_target_people_less_participants_never_below_zero(tk, share):
    peserta = int(tk * share)
    out = targetpath.needed(frame([("61.01", tk, peserta)]), SCHEDULE, "2024")
    assert (out["perlu_orang"] >= 0).all()
    expected = (out["target_orang"] - peserta).clip(lower=0)
    assert (out["perlu_orang"] == expected).all()
