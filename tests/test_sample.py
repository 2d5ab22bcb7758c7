"""The illustrative sample tables agree with the public province figures and are deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import boundaries, sample
from geo.sample import BANTUAN_TOTAL, PROVINCE_COVERAGE, _largest_remainder


@pytest.fixture(scope="module")
def kab() -> pd.DataFrame:
    return sample.kabupaten_table()


@pytest.fixture(scope="module")
def desa(kab) -> pd.DataFrame:
    return sample.desa_table(kab)


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
    assert (kab.periode == "2024").all()
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


def test_deterministic(kab, desa):
    pd.testing.assert_frame_equal(sample.kabupaten_table(), kab)
    pd.testing.assert_frame_equal(sample.desa_table(), desa)


def test_written_files_are_byte_identical_and_readable(tmp_path, monkeypatch):
    monkeypatch.setattr(sample, "sample_dir", lambda: tmp_path / "sample")
    first = sample.write_samples()
    data = {lvl: p.read_bytes() for lvl, p in first.items()}
    again = sample.write_samples()
    assert {lvl: p.read_bytes() for lvl, p in again.items()} == data
    assert sorted(p.name for p in (tmp_path / "sample").iterdir()) == [
        "contoh_desa_2024.csv",
        "contoh_kabupaten_2024.csv",
    ]
    back = pd.read_csv(first["kabupaten"], dtype={"kode": str, "periode": str})
    assert back.kode.tolist() == sample.kabupaten_table().kode.tolist()
    assert back.penerima_bantuan_iuran.sum() == 26_373


def test_shipped_sample_files_match_generator():
    """The CSVs written at set-up (the ones the app reads) are the generator's tables."""
    for level, frame in (("kabupaten", sample.kabupaten_table()), ("desa", sample.desa_table())):
        on_disk = pd.read_csv(sample.sample_path(level), dtype=str, keep_default_na=False)
        expected = frame.astype(object).where(frame.notna(), "").astype(str)
        pd.testing.assert_frame_equal(on_disk, expected, check_dtype=False)


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
