"""The illustrative sample tables ("Data contoh, bukan data resmi"), made deterministically.

Per-area coverage is not public, so the app ships a generator instead of figures. It is
pinned to the public province facts in PRODUCT.md: workers-weighted coverage 35.35% and
26,373 bantuan iuran recipients, at kabupaten level and again at desa level, where the
denominator is the village ecosystem (aparat desa, BPD, LKD, pekerja rentan). The tables
are written next to the boundary cache (they list official codes and names, so they are
rebuilt at set-up rather than committed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .boundaries import load
from .paths import cache_dir

SEED = 6124
PERIOD = "2024"
PROVINCE_COVERAGE = 35.35
BANTUAN_TOTAL = 26_373
COLUMNS = [
    "kode",
    "kabupaten",
    "kecamatan",
    "desa",
    "periode",
    "tenaga_kerja",
    "peserta_aktif",
    "target_persen",
    "penerima_bantuan_iuran",
]

# Illustrative worker counts (thousands) per kabupaten/kota, roughly the size of each labour market.
_WORKERS_K = {
    "61.01": 300,
    "61.02": 140,
    "61.03": 250,
    "61.04": 270,
    "61.05": 210,
    "61.06": 130,
    "61.07": 140,
    "61.08": 200,
    "61.09": 100,
    "61.10": 110,
    "61.11": 55,
    "61.12": 290,
    "61.71": 300,
    "61.72": 110,
}


def _largest_remainder(weights: np.ndarray, total: int, caps: np.ndarray | None = None) -> np.ndarray:
    """Integers proportional to ``weights`` that sum exactly to ``total`` (Hamilton's method).

    Each area gets the floor of its quota, the leftover goes one by one to the largest
    remainders; an area at its cap drops out and the rest is shared again.
    """
    caps = np.full(len(weights), np.iinfo(np.int64).max) if caps is None else caps.astype(np.int64)
    out = np.zeros(len(weights), dtype=np.int64)
    remaining = int(total)
    while remaining > 0:
        w = np.where(out >= caps, 0.0, weights.astype(float))
        if w.sum() <= 0:
            raise ValueError("caps too small for total")
        quota = w / w.sum() * remaining
        base = np.minimum(np.floor(quota).astype(np.int64), caps - out)
        out += base
        remaining -= int(base.sum())
        for i in np.argsort(-(quota - np.floor(quota)), kind="stable"):
            if remaining == 0:
                break
            if w[i] > 0 and out[i] < caps[i]:
                out[i] += 1
                remaining -= 1
    return out


def _participants(
    rng: np.random.Generator, workers: np.ndarray, rough_cov: np.ndarray, bantuan: np.ndarray
) -> np.ndarray:
    """Participants so that the weighted coverage is exactly 35.35% (to rounding) and ≥ bantuan."""
    target_total = int(round(PROVINCE_COVERAGE / 100 * workers.sum()))
    raw = rough_cov * workers
    peserta = _largest_remainder(raw, target_total, caps=workers)
    # Every area keeps at least its bantuan recipients (they are participants too).
    short = np.maximum(bantuan - peserta, 0)
    if short.any():
        peserta += short
        excess = int(short.sum())
        spare = peserta - np.maximum(bantuan, 0)
        take = _largest_remainder(spare.astype(float), excess, caps=spare)
        peserta -= take
    return peserta


def kabupaten_table() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    kab = load("kabupaten")[["kode", "nama", "jenis"]]
    workers = np.array([_WORKERS_K[k] * 1000 for k in kab.kode]) + rng.integers(-4000, 4000, len(kab))
    is_kota = (kab.jenis == "kota").to_numpy()
    rough = np.clip(rng.normal(0.33, 0.09, len(kab)) + np.where(is_kota, 0.16, 0.0), 0.12, 0.80)
    # Bantuan iuran goes mostly to rural vulnerable workers and smallholders.
    bantuan = _largest_remainder(workers * np.where(is_kota, 0.3, 1.0) * rng.uniform(0.7, 1.3, len(kab)), BANTUAN_TOTAL)
    peserta = _participants(rng, workers, rough, bantuan)
    return pd.DataFrame(
        {
            "kode": kab.kode,
            "kabupaten": kab.nama,
            "kecamatan": "",
            "desa": "",
            "periode": PERIOD,
            "tenaga_kerja": workers,
            "peserta_aktif": peserta,
            "target_persen": np.nan,
            "penerima_bantuan_iuran": bantuan,
        }
    )[COLUMNS]


def desa_table(kabupaten: pd.DataFrame | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(SEED + 1)
    kabupaten = kabupaten if kabupaten is not None else kabupaten_table()
    desa = load("desa")[["kode", "nama", "jenis", "kode_kab", "nama_kab", "nama_kec"]]
    n = len(desa)
    kel = (desa.jenis == "kelurahan").to_numpy()
    aparat = rng.integers(8, 16, n)
    bpd = np.where(kel, 0, rng.integers(5, 10, n))  # kelurahan have no BPD
    lkd = rng.integers(12, 41, n)
    rentan = np.round(rng.lognormal(np.log(110), 0.55, n)).astype(int) + 20
    workers = aparat + bpd + lkd + rentan
    kab_cov = (kabupaten.set_index("kode")["peserta_aktif"] / kabupaten.set_index("kode")["tenaga_kerja"]).to_dict()
    base = desa.kode_kab.map(kab_cov).to_numpy()
    rough = np.clip(base * rng.lognormal(0, 0.35, n), 0.03, 0.95)
    # Each kabupaten's bantuan recipients are spread over its desa in proportion to pekerja rentan.
    kab_bantuan = kabupaten.set_index("kode")["penerima_bantuan_iuran"]
    bantuan = np.zeros(n, dtype=np.int64)
    for kode, total in kab_bantuan.items():
        idx = np.flatnonzero(desa.kode_kab.to_numpy() == kode)
        bantuan[idx] = _largest_remainder(rentan[idx].astype(float), int(total), caps=(workers[idx] * 0.6).astype(int))
    peserta = _participants(rng, workers, rough, bantuan)
    return pd.DataFrame(
        {
            "kode": desa.kode,
            "kabupaten": desa.nama_kab,
            "kecamatan": desa.nama_kec,
            "desa": desa.nama,
            "periode": PERIOD,
            "tenaga_kerja": workers,
            "peserta_aktif": peserta,
            "target_persen": np.nan,
            "penerima_bantuan_iuran": bantuan,
        }
    )[COLUMNS]


def sample_dir() -> Path:
    return cache_dir().parent / "sample"


def sample_path(level: str) -> Path:
    return sample_dir() / f"contoh_{level}_{PERIOD}.csv"


def write_samples() -> dict[str, Path]:
    """(Re)write both sample tables; byte-identical on every run."""
    sample_dir().mkdir(parents=True, exist_ok=True)
    kab = kabupaten_table()
    out = {}
    for level, frame in (("kabupaten", kab), ("desa", desa_table(kab))):
        path = sample_path(level)
        tmp = path.with_suffix(".tmp")
        frame.to_csv(tmp, index=False, lineterminator="\n")
        tmp.replace(path)
        out[level] = path
    return out


def ensure_samples() -> dict[str, Path]:
    paths = {lvl: sample_path(lvl) for lvl in ("kabupaten", "desa")}
    return paths if all(p.is_file() for p in paths.values()) else write_samples()
