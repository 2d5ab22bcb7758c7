"""The illustrative sample tables ("Data contoh, bukan data resmi"), made deterministically.

Per-area coverage is not public, so the app ships a generator instead of figures. Its latest period
(December 2024, ``LATEST``) is pinned to the public province facts in PRODUCT.md: workers-weighted
coverage 35.35% and 26,373 bantuan iuran recipients, at kabupaten level and again at desa level, where
the denominator is the village ecosystem (aparat desa, BPD, LKD, pekerja rentan). The tables are
written next to the boundary cache (they list official codes and names, so they are rebuilt at set-up
rather than committed).

Each table is a monthly history, January to December 2024 (``PERIODS``), so the trend and the pace
(new participants per month over the last six months) have something to show. It is drawn backwards
from December: every area gets a pace for the second half of the year (the window a pace reads) and a
slower one before. Below the 2025 target of ``SCHEDULE`` some areas grow fast enough to reach it by
December 2025, most grow too slowly, a few stand still and a few lose participants; areas above it grow
a little. Workers and bantuan iuran recipients stay at their December figures (the province's 2024
budget pays for the year); a few desa and one kabupaten miss one month's row, as real monthly recaps
do. Participants never fall below the recipients nor exceed the workers.

``SCHEDULE`` is an illustrative target path to 2029 for sample mode only: 2024 is the public RPJMN
2024 value (50.24%); 2025-2029 rise 3 points a year (53, 56, 59, 62, 65%), a plausible climb towards
the RPJPN's 99.5% by 2045 but not an official figure (their note says "Data contoh, bukan data resmi").
Published data uses the schedule editors publish (``geo.targets``), never this one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import PROVINCE_CODE, targets
from .boundaries import load
from .paths import cache_dir
from .table import SCHEMA_COLUMNS

SEED = 6124
PERIODS = tuple(f"2024-{m:02d}" for m in range(1, 13))
LATEST = PERIODS[-1]
LABEL = "Data contoh, bukan data resmi"  # the sample label (geo.text "sample.banner"), carried by its data too
PROVINCE_COVERAGE = 35.35
BANTUAN_TOTAL = 26_373
COLUMNS = SCHEMA_COLUMNS

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


def _kabupaten_latest() -> pd.DataFrame:
    """December 2024: the figures pinned to the public province facts."""
    rng = np.random.default_rng(SEED)
    kab = load("kabupaten")[["kode", "nama", "jenis"]]
    workers = np.array([_WORKERS_K[k] * 1000 for k in kab.kode]) + rng.integers(-4000, 4000, len(kab))
    is_kota = (kab.jenis == "kota").to_numpy()
    rough = np.clip(rng.normal(0.33, 0.09, len(kab)) + np.where(is_kota, 0.16, 0.0), 0.12, 0.80)
    # Bantuan iuran goes mostly to rural vulnerable workers and smallholders.
    bantuan = _largest_remainder(workers * np.where(is_kota, 0.3, 1.0) * rng.uniform(0.7, 1.3, len(kab)), BANTUAN_TOTAL)
    peserta = _participants(rng, workers, rough, bantuan)
    return _rows(kab.kode, kab.nama, "", "", workers, peserta, bantuan)


def _desa_latest(kabupaten: pd.DataFrame) -> pd.DataFrame:
    """December 2024 at desa level; each kabupaten's recipients as in ``kabupaten`` (its latest rows)."""
    rng = np.random.default_rng(SEED + 1)
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
    return _rows(desa.kode, desa.nama_kab, desa.nama_kec, desa.nama, workers, peserta, bantuan)


def _rows(kode, kabupaten, kecamatan, desa, workers, peserta, bantuan) -> pd.DataFrame:  # noqa: ANN001, PLR0913
    """The latest month's rows in the table schema (no target of their own: the schedule's applies)."""
    return pd.DataFrame(
        {
            "kode": kode,
            "kabupaten": kabupaten,
            "kecamatan": kecamatan,
            "desa": desa,
            "periode": LATEST,
            "tenaga_kerja": workers,
            "peserta_aktif": peserta,
            "target_persen": np.nan,
            "penerima_bantuan_iuran": bantuan,
        }
    )[COLUMNS]


# --- the monthly history ---------------------------------------------------------------------------

SCHEDULE = pd.DataFrame(
    [{"periode": "2024", "kode": PROVINCE_CODE, "target_persen": 50.24, "keterangan": "RPJMN 2024"}]
    + [
        {"periode": str(year), "kode": PROVINCE_CODE, "target_persen": pct, "keterangan": LABEL}
        for year, pct in ((2025, 53.0), (2026, 56.0), (2027, 59.0), (2028, 62.0), (2029, 65.0))
    ]
)
NEXT_TARGET = float(SCHEDULE.loc[SCHEDULE["periode"] == "2025", "target_persen"].iloc[0])
WINDOW = 6  # the months a pace reads (the second half of the year)


def schedule() -> targets.Schedule:
    """The illustrative target path to 2029 that sample mode uses (labelled in its notes)."""
    return targets.Schedule(SCHEDULE.copy(), origin="sample")  # its rows carry the label (keterangan)


def schedule_for_sample(in_force: targets.Schedule) -> targets.Schedule:
    """The schedule the sample is shown with: one an editor or admin set (published, file), else the
    illustrative one; the shipped one (2024 alone) would leave the sample's path without a target."""
    return schedule() if in_force.origin == "shipped" else in_force


def _kinds(rng: np.random.Generator, latest: np.ndarray, workers: np.ndarray, bantuan: np.ndarray) -> np.ndarray:
    """Each area's kind of path: "met" (at the 2025 target already), "fast" (reaches it by December 2025),
    "slow" (reaches it later), "flat" or "falling" (not at this pace); at least one of each below target."""
    need = np.ceil(NEXT_TARGET / 100 * workers) - latest
    kinds = np.where(need <= 0, "met", "slow").astype(object)
    below = np.flatnonzero(need > 0)
    order = below[rng.permutation(len(below))]
    # a fast path back in time must stay above the recipients: only areas with room for it
    room = latest - bantuan - WINDOW * 2.0 * need / 12
    fast_ok = [i for i in order if room[i] > 0]
    n = len(below)
    n_fast, n_flat, n_fall = max(1, round(0.22 * n)), max(1, round(0.08 * n)), max(1, round(0.05 * n))
    fast = fast_ok[:n_fast]
    rest = [i for i in order if i not in set(fast)]
    kinds[fast] = "fast"
    kinds[rest[:n_flat]] = "flat"
    kinds[rest[n_flat : n_flat + n_fall]] = "falling"
    return kinds


def _paths(rng: np.random.Generator, latest: np.ndarray, workers: np.ndarray, bantuan: np.ndarray) -> np.ndarray:
    """Participants per area (rows) and month (columns), December = ``latest``, drawn backwards."""
    n, months = len(latest), len(PERIODS)
    kinds = _kinds(rng, latest, workers, bantuan)
    need_pm = np.maximum(np.ceil(NEXT_TARGET / 100 * workers) - latest, 0) / 12
    late = np.select(
        [kinds == "fast", kinds == "slow", kinds == "flat", kinds == "falling"],
        [
            need_pm * rng.uniform(1.25, 2.0, n),
            need_pm * rng.uniform(0.15, 0.7, n),
            -np.maximum(latest * rng.uniform(0.0005, 0.002, n), 0.25),  # all but still: a pace of zero or less
            -latest * rng.uniform(0.004, 0.012, n),
        ],
        default=latest * rng.uniform(0.0, 0.012, n),  # met: a little growth
    )
    # before the window: slower growth for growing areas; the stalled ones grew a little earlier
    early = np.where(late > 0, late * rng.uniform(0.3, 1.0, n), latest * rng.uniform(0.0, 0.01, n))
    back = np.arange(months - 1, -1, -1)  # months before December
    in_window = np.minimum(back, WINDOW - 1)
    before = np.maximum(back - (WINDOW - 1), 0)
    path = latest[:, None] - late[:, None] * in_window - early[:, None] * before
    noisy = (kinds != "flat") & (kinds != "falling")
    noise = rng.normal(0, 1, (n, months)) * (0.12 * np.abs(late) + 0.002 * latest)[:, None] * noisy[:, None]
    noise[:, -1] = 0  # December is the pinned figure
    path = np.round(path + noise).astype(np.int64)
    return np.clip(path, bantuan[:, None], workers[:, None])


def _history(latest: pd.DataFrame, rng: np.random.Generator, missing: int) -> pd.DataFrame:
    """The monthly table of ``latest``'s areas; ``missing`` of them lack one month (never December)."""
    workers = latest["tenaga_kerja"].to_numpy(dtype=np.int64)
    bantuan = latest["penerima_bantuan_iuran"].to_numpy(dtype=np.int64)
    paths = _paths(rng, latest["peserta_aktif"].to_numpy(dtype=np.int64), workers, bantuan)
    parts = []
    for m, period in enumerate(PERIODS):
        parts.append(latest.assign(periode=period, peserta_aktif=paths[:, m]))
    frame = pd.concat(parts, ignore_index=True)
    gone = rng.choice(len(latest), size=missing, replace=False)
    month = rng.integers(1, len(PERIODS) - 1, size=missing)  # February to November
    drop = {(latest["kode"].iat[i], PERIODS[m]) for i, m in zip(gone, month, strict=True)}
    keep = [(k, p) not in drop for k, p in zip(frame["kode"], frame["periode"], strict=True)]
    return frame[keep].reset_index(drop=True)[COLUMNS]


def kabupaten_table() -> pd.DataFrame:
    """Every kabupaten/kota, January to December 2024 (December pinned to the public facts)."""
    return _history(_kabupaten_latest(), np.random.default_rng(SEED + 2), missing=1)


def desa_table(kabupaten: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every desa/kelurahan, January to December 2024 (December pinned to the public facts)."""
    kab = _kabupaten_latest() if kabupaten is None else kabupaten[kabupaten["periode"] == LATEST]
    latest = _desa_latest(kab)
    return _history(latest, np.random.default_rng(SEED + 3), missing=round(0.02 * len(latest)))


def sample_dir() -> Path:
    return cache_dir().parent / "sample"


def sample_path(level: str) -> Path:
    return sample_dir() / f"contoh_{level}_{PERIODS[0]}_{LATEST}.csv"


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
