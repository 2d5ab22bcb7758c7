"""Shared set-up for the benches: paths, the sample classification, our map and targets."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support.sample import PERIOD, classified, sample_rows, scoped  # noqa: F401 (bench modules import them from here)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "wilayah_boundaries"

KETAPANG = "61.04"

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


def our_map(level: str, kab: str | None = None, target: float | None = None):
    """Our folium map for a scenario, built the way the pages build it (basemap none, sample data)."""
    from geo import DEFAULT_TARGET, maps
    from geo.text import t

    target = DEFAULT_TARGET if target is None else target
    frame, how = classified(level, target)
    frame = scoped(frame, kab)
    opts = maps.MapOptions(
        level=level,
        target=target,
        lang="id",
        basemap="none",
        is_sample=True,
        title=f"{'Ketapang' if kab else 'Provinsi'} — {level}",
        subtitle=PERIOD,
        source_line=t("map.source_line", "id") + f" · {t('sample.banner', 'id')}",
    )
    return maps.build_map(frame, opts), len(frame), how
