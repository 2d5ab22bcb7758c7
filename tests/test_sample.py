"""The illustrative sample tables agree with the public province figures and are deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import boundaries, sample, targets
from geo.join import join
from geo.sample import BANTUAN_TOTAL, PROVINCE_COVERAGE, _largest_remainder
from geo.table import read_table
from geo.text import t
from geo.view import inforce


@pytest.fixture(scope="module")
def kab_history() -> pd.DataFrame:
    return sample.kabupaten_table()


@pytest.fixture(scope="module")
def desa_history(kab_history) -> pd.DataFrame:
    return sample.desa_table(kab_history)


@pytest.fixture(scope="module")
def kab(kab_history) -> pd.DataFrame:
    """December 2024: the latest period, pinned to the public facts."""
    return kab_history[kab_history.periode == sample.LATEST].reset_index(drop=True)


@pytest.fixture(scope="module")
def desa(desa_history) -> pd.DataFrame:
    return desa_history[desa_history.periode == sample.LATEST].reset_index(drop=True)


def _coverage(df: pd.DataFrame) -> float:
    return df.peserta_aktif.sum() / df.tenaga_kerja.sum() * 100


def test_public_facts():
    assert PROVINCE_COVERAGE == 35.35
    assert BANTUAN_TOTAL == 26_373


def test_kabupaten_table(kab):
    assert list(kab.columns) == sample.COLUMNS
    assert len(kab) == 14
    assert set(kab.kode) == set(boundaries.load("kabupaten").kode)
    assert _coverage(kab) == pytest.approx(35.35, abs=0.01)
    assert kab.penerima_bantuan_iuran.sum() == 26_373
    assert (kab.peserta_aktif <= kab.tenaga_kerja).all()
    assert (kab.peserta_aktif >= kab.penerima_bantuan_iuran).all()  # recipients are participants
    assert (kab.penerima_bantuan_iuran >= 0).all() and (kab.tenaga_kerja > 0).all()
    # below the national target overall, as reported; but not uniformly so (a map worth drawing)
    cov = kab.peserta_aktif / kab.tenaga_kerja * 100
    assert cov.min() < 50.24 and cov.nunique() > 10


def test_desa_table(desa):
    assert list(desa.columns) == sample.COLUMNS
    assert len(desa) == 2130
    assert desa.kode.is_unique
    assert set(desa.kode) == set(boundaries.load("desa").kode)
    assert desa.penerima_bantuan_iuran.sum() == 26_373
    assert _coverage(desa) == pytest.approx(35.35, abs=0.01)
    assert (desa.peserta_aktif <= desa.tenaga_kerja).all()
    assert (desa.peserta_aktif >= desa.penerima_bantuan_iuran).all()
    assert (desa.tenaga_kerja > 0).all() and (desa.peserta_aktif >= 0).all()
    assert desa.desa.ne("").all() and desa.kecamatan.ne("").all() and desa.kabupaten.ne("").all()


def test_desa_bantuan_per_kabupaten_matches_kabupaten_table(kab, desa):
    per_kab = desa.groupby(desa.kode.str[:5])["penerima_bantuan_iuran"].sum()
    assert per_kab.to_dict() == kab.set_index("kode")["penerima_bantuan_iuran"].to_dict()


def test_deterministic(kab_history, desa_history):
    pd.testing.assert_frame_equal(sample.kabupaten_table(), kab_history)
    pd.testing.assert_frame_equal(sample.desa_table(), desa_history)


def test_written_files_are_byte_identical_and_readable(tmp_path, monkeypatch):
    monkeypatch.setattr(sample, "sample_dir", lambda: tmp_path / "sample")
    first = sample.write_samples()
    data = {lvl: p.read_bytes() for lvl, p in first.items()}
    again = sample.write_samples()
    assert {lvl: p.read_bytes() for lvl, p in again.items()} == data
    assert sorted(p.name for p in (tmp_path / "sample").iterdir()) == [
        "contoh_desa_2024-01_2024-12.csv",
        "contoh_kabupaten_2024-01_2024-12.csv",
    ]
    back = pd.read_csv(first["kabupaten"], dtype={"kode": str, "periode": str})
    assert back.kode.tolist() == sample.kabupaten_table().kode.tolist()
    assert back[back.periode == "2024-12"].penerima_bantuan_iuran.sum() == 26_373


def test_shipped_sample_files_match_generator():
    """The CSVs written at set-up (the ones the app reads) are the generator's tables."""
    for level, frame in (("kabupaten", sample.kabupaten_table()), ("desa", sample.desa_table())):
        on_disk = pd.read_csv(sample.sample_path(level), dtype=str, keep_default_na=False)
        expected = frame.astype(object).where(frame.notna(), "").astype(str)
        pd.testing.assert_frame_equal(on_disk, expected, check_dtype=False)


def test_history_is_every_month_of_2024_with_a_few_gaps(kab_history, desa_history):
    for frame, areas, gaps in ((kab_history, 14, (1, 1)), (desa_history, 2130, (20, 80))):
        assert sorted(frame.periode.unique()) == list(sample.PERIODS) == [f"2024-{m:02d}" for m in range(1, 13)]
        assert sample.LATEST == "2024-12"
        assert not frame.duplicated(["kode", "periode"]).any()
        per_area = frame.groupby("kode").periode.nunique()
        assert len(per_area) == areas and per_area.min() >= 11
        missing = per_area[per_area < 12]
        assert gaps[0] <= len(missing) <= gaps[1]  # a few areas miss one month, as real recaps do
        assert (frame.periode == sample.LATEST).sum() == areas  # never the latest month
        assert frame[frame.periode == sample.PERIODS[0]].shape[0] >= areas - gaps[1]


def test_history_keeps_workers_and_recipients_and_stays_within_them(kab_history, desa_history):
    for frame in (kab_history, desa_history):
        per_area = frame.groupby("kode")
        assert (per_area.tenaga_kerja.nunique() == 1).all()
        assert (per_area.penerima_bantuan_iuran.nunique() == 1).all()
        assert (frame.peserta_aktif >= frame.penerima_bantuan_iuran).all()
        assert (frame.peserta_aktif <= frame.tenaga_kerja).all()
        months = frame.groupby("periode")[["peserta_aktif", "tenaga_kerja"]].sum()
        cov = months.peserta_aktif / months.tenaga_kerja * 100
        assert cov.iloc[-1] == pytest.approx(35.35, abs=0.01)
        assert 20 < cov.iloc[0] < cov.iloc[-1] - 2  # the province grew over the year, from a plausible start


def _statuses(frame: pd.DataFrame, target: float, months_left: int) -> pd.Series:
    """Each area's status against ``target`` at the pace of the last six months (a least-squares slope, worked
    out here independently of the app): met, on track, behind, never at this pace."""
    month = frame.periode.map({p: i for i, p in enumerate(sample.PERIODS)})
    window = frame[month >= len(sample.PERIODS) - 6].assign(m=month)
    slope = window.groupby("kode").apply(
        lambda g: np.polyfit(g.m.to_numpy(float), g.peserta_aktif.to_numpy(float), 1)[0], include_groups=False
    )
    last = frame[frame.periode == sample.LATEST].set_index("kode")
    need = np.ceil(target / 100 * last.tenaga_kerja) - last.peserta_aktif
    status = pd.Series("behind", index=last.index)
    status[need <= 0] = "met"
    status[(need > 0) & (slope >= need / months_left)] = "on track"
    status[(need > 0) & (slope <= 0)] = "never"
    return status


def test_history_shows_every_pace_status(kab_history, desa_history):
    """Against the sample's 2025 target (12 months after December 2024) and its 2029 one (60 months)."""
    rows = sample.SCHEDULE.set_index("periode").target_persen
    # no kabupaten/kota is at 2029's 65% yet: that would not be plausible
    for frame, least, years in ((kab_history, 1, ("2025",)), (desa_history, 100, ("2025", "2029"))):
        for year in years:
            months_left = 12 * (int(year) - 2024)
            counts = _statuses(frame, float(rows[year]), months_left).value_counts()
            assert set(counts.index) == {"met", "on track", "behind", "never"}, (year, counts)
            assert counts.min() >= least, (year, counts)
    # most areas below target grow; only some stand still or fall
    never = (_statuses(desa_history, float(rows["2025"]), 12) == "never").mean()
    assert 0.03 < never < 0.2


def test_illustrative_schedule_is_for_the_sample_only():
    rows = sample.SCHEDULE
    assert rows.periode.tolist() == [str(y) for y in range(2024, 2030)]
    assert (rows.kode == "61").all()
    first = rows.iloc[0]
    assert (first.target_persen, first.keterangan) == (50.24, "RPJMN 2024")  # the public value
    assert rows.target_persen.diff().dropna().gt(0).all()  # rising every year
    assert (rows.keterangan.iloc[1:] == t("sample.banner", "id")).all()  # labelled as sample wherever shown
    assert rows.target_persen.iloc[-1] < 99.5  # below the RPJPN 2045 aim
    # published data keeps the shipped schedule: 2024 alone
    assert targets.shipped().rows.to_dict("records") == [
        {"periode": "2024", "kode": "61", "target_persen": 50.24, "keterangan": "RPJMN 2024"}
    ]
    assert sample.schedule_for_sample(targets.shipped()).origin == "sample"
    published = targets.merged(
        pd.DataFrame([{"periode": "2025", "kode": "61", "target_persen": 60.0, "keterangan": "x"}])
    )
    assert sample.schedule_for_sample(published) is published  # an editor's schedule wins


def test_kept_read_and_join_equals_reading_and_joining_again():
    """The sample read and joined once and kept next to the tables is what reading and joining gives."""
    kept = inforce.sample_tables()
    for level, path in sample.ensure_samples().items():
        table = read_table(path)
        fresh = join(table, level, inforce.areas(level))
        pd.testing.assert_frame_equal(kept[level][1].matched, fresh.matched)
        pd.testing.assert_frame_equal(kept[level][1].report, fresh.report)
        pd.testing.assert_frame_equal(kept[level][0].data, table.data)
        assert kept[level][1].summary() == fresh.summary()
        assert fresh.summary()["matched"] == len(pd.read_csv(path))


@settings(max_examples=200, deadline=None)
@given(
    weights=st.lists(st.floats(0.01, 1000), min_size=1, max_size=30),
    total=st.integers(0, 5000),
)
def test_largest_remainder_sums_exactly(weights, total):
    w = np.array(weights)
    out = _largest_remainder(w, total)
    assert out.sum() == total
    assert (out >= 0).all()
    # roughly proportional: the leftover after the first flooring is below n, so no share is off by n
    quota = w / w.sum() * total
    assert (np.abs(out - quota) < len(w)).all()


def test_largest_remainder_is_within_one_of_quota():
    w = np.array([1.0, 1.0, 1.0, 2.0])
    out = _largest_remainder(w, 4)
    quota = w / w.sum() * 4
    assert (np.abs(out - quota) < 1).all()


@settings(max_examples=100, deadline=None)
@given(caps=st.lists(st.integers(0, 50), min_size=1, max_size=20), data=st.data())
def test_largest_remainder_respects_caps(caps, data):
    caps_arr = np.array(caps)
    total = data.draw(st.integers(0, int(caps_arr.sum())))
    w = np.array(data.draw(st.lists(st.floats(0.1, 10), min_size=len(caps), max_size=len(caps))))
    out = _largest_remainder(w, total, caps=caps_arr)
    assert out.sum() == total
    assert (out <= caps_arr).all() and (out >= 0).all()


def test_largest_remainder_impossible_caps():
    with pytest.raises(ValueError):
        _largest_remainder(np.array([1.0, 1.0]), 10, caps=np.array([2, 2]))


def test_the_pages_show_the_samples_schedule_labelled():
    """Sample mode: the sidebar's schedule is the illustrative path to 2029, said to be the sample's and labelled."""
    from tests.support.apptest import open_app

    at = open_app("screens/kabupaten.py")
    origin = t("targets.show_origin", "id", origin=t("targets.origin_sample", "id"), version="–")
    assert origin in [c.value for c in at.caption]
    (shown,) = [d.value for d in at.dataframe if t("targets.col_note", "id") in d.value.columns]
    assert shown[t("col.periode", "id")].astype(str).tolist() == [str(y) for y in range(2024, 2030)]
    assert (shown[t("targets.col_note", "id")].iloc[1:] == t("sample.banner", "id")).all()
