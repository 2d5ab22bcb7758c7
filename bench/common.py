"""Shared set-up for the benches: paths, the sample classification, our map and targets."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "wilayah_boundaries"

KETAPANG = "61.04"
PERIOD = "2024"

# name -> (level, kabupaten scope)
SCENARIOS: dict[str, tuple[str, str | None]] = {
    "kabupaten": ("kabupaten", None),
    "desa_province": ("desa", None),
    "desa_ketapang": ("desa", KETAPANG),
}
SCENARIO_LABEL = {
    "kabupaten": "kabupaten map (14)",
    "desa_province": "desa map, province (2,130)",
    "desa_ketapang": "desa map, Ketapang 61.04 (262)",
}
# bytes targets (None: no target, reported only)
BYTES_TARGET = {"kabupaten": None, "desa_province": 1_500_000, "desa_ketapang": 400_000}
RERUN_TARGET_S = 0.3
SPEEDUP_TARGET = 5.0
FIDELITY_TARGET_M = 100.0


def setup_env() -> None:
    """Point the project at the boundary source when the caller did not."""
    if not os.environ.get("KALBAR_BOUNDARY_SOURCE") and DEFAULT_SOURCE.is_dir():
        os.environ["KALBAR_BOUNDARY_SOURCE"] = str(DEFAULT_SOURCE)
    OUT.mkdir(parents=True, exist_ok=True)


def ensure_ready() -> None:
    """Boundary cache, sample tables and local Leaflet, as run.py set-up would leave them."""
    from geo.assets import ensure_static
    from geo.boundaries import cache_ready, ensure_cache
    from geo.sample import ensure_samples

    if not cache_ready():
        ensure_cache(os.environ.get("KALBAR_BOUNDARY_SOURCE"), progress=lambda _m: None)
    ensure_samples()
    ensure_static()


@contextmanager
def timer():
    box = {}
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box["s"] = time.perf_counter() - t0


def app_modules_present() -> bool:
    return (ROOT / "geo" / "table.py").is_file() and (ROOT / "geo" / "join.py").is_file()


def sample_rows(level: str) -> pd.DataFrame:
    """The sample table for ``level`` read plainly by code (what a join by kode yields)."""
    from geo.sample import ensure_samples

    path = ensure_samples()[level]
    df = pd.read_csv(path, dtype={"kode": str, "periode": str, "target_persen": str})
    df["target_persen"] = pd.to_numeric(df["target_persen"], errors="coerce")
    return df


def classified(level: str, target: float | None = None, period: str | None = PERIOD) -> tuple[pd.DataFrame, str]:
    """The sample classification of ``level``; via the app's own table reader and join when present.

    Returns (frame, how) where ``how`` says which path produced it.
    """
    from geo import DEFAULT_TARGET, boundaries, classify

    target = DEFAULT_TARGET if target is None else target
    areas = boundaries.areas(level)
    table_level = level if level in ("kabupaten", "desa") else "desa"
    if app_modules_present():
        try:
            from geo.join import join
            from geo.sample import ensure_samples
            from geo.table import read_table

            table = read_table(ensure_samples()[table_level])
            matched = join(table, table_level, boundaries.areas(table_level)).matched
            how = "geo.table.read_table + geo.join.join"
        except Exception as exc:  # the app's join is new: fall back, but say so
            matched = sample_rows(table_level)
            how = f"plain CSV by kode (app join failed: {type(exc).__name__}: {exc})"
    else:
        matched = sample_rows(table_level)
        how = "plain CSV by kode (geo.table/geo.join not present)"
    if table_level == level:
        return classify.classify(matched, areas, target, period), how
    base = classify.classify(matched, boundaries.areas(table_level), target, period)
    return classify.aggregate(base, areas, "kode_kec", target), how


def scoped(frame: pd.DataFrame, kab: str | None) -> pd.DataFrame:
    """The same scope filter screens/desa.py applies."""
    if not kab:
        return frame
    return frame[frame["kode"].str.startswith(kab + ".") | (frame["kode"] == kab)]


def our_map(level: str, kab: str | None = None, target: float | None = None):
    """Our folium map for a scenario, built the way the pages build it (basemap none, sample data)."""
    from geo import DEFAULT_TARGET, maps
    from geo.text import t

    target = DEFAULT_TARGET if target is None else target
    frame, how = classified(level, target)
    frame = scoped(frame, kab)
    opts = maps.MapOptions(
        level=level, target=target, lang="id", basemap="none",
        is_sample=True, title=f"{'Ketapang' if kab else 'Provinsi'} — {level}", subtitle=PERIOD,
        source_line=t("map.source_line", "id") + f" · {t('sample.banner', 'id')}",
    )
    return maps.build_map(frame, opts), len(frame), how
