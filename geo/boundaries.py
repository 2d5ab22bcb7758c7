"""Official Kalbar boundaries: build the GeoParquet cache from upstream, and load it.

The cache holds, per level, the source geometry (made valid, lon/lat) and a display
geometry simplified as a coverage so neighbours keep sharing their edges.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon

from . import LEVELS
from .paths import cache_dir
from .source import Progress, load_upstream, obtain
from .sqldump import Record, parse_dump, path_depth

CRS = "EPSG:4326"
AREA_CRS = "EPSG:32749"  # UTM 49S: metres for areas and distances in Kalbar
CACHE_VERSION = 4
# Display simplification tolerance in degrees per level (~1 degree = 111 km).
# Degrees. Desa: 0.0004° keeps every display boundary within 100 m of the source (bench: max ≈ 94 m).
DISPLAY_TOLERANCE = {"kabupaten": 0.002, "kecamatan": 0.0012, "desa": 0.0004}
# The overview: every desa of more than one kabupaten on one map (the province's 2,130 on a phone's first
# visit). Simplified again from the display geometry, as a coverage: 0.0015° moves a border at most ~430 m,
# under one pixel at the zoom that fits the province (~600 m a pixel on a desktop, ~1.4 km on a phone),
# and takes the map's geometry from 593 K to 250 K characters with the grid of ``encode.OVERVIEW_PRECISION``.
# A click drills down to one kabupaten, drawn with the display geometry.
OVERVIEW_TOLERANCE = 0.0015


class CacheMissing(RuntimeError):
    """The boundary cache has not been built yet."""


def level_of(rel_path: str) -> str:
    part = rel_path.split("/")[1]
    return {"kab": "kabupaten", "kec": "kecamatan", "kel": "desa"}[part]


def _ring(coords: list) -> list[tuple[float, float]]:
    return [(float(lng), float(lat)) for lat, lng in coords]  # upstream is [lat, lng]


def to_geometry(path: list) -> Polygon | MultiPolygon:
    """Upstream ``path`` ([lat, lng] nested lists) to a lon/lat shapely geometry."""
    depth = path_depth(path)
    if depth == 3:
        polys = [path]
    elif depth == 4:
        polys = path
    else:
        raise ValueError(f"unexpected path depth {depth}")
    parts = [Polygon(_ring(p[0]), [_ring(h) for h in p[1:]]) for p in polys if p and len(p[0]) >= 3]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def repair(geom):
    """Valid polygonal geometry; collapsed slivers (lines, points) from repair are dropped."""
    if geom.is_valid:
        return geom
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    polys = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if len(polys) > 1 else polys[0]


def jenis_of(kode: str, level: str) -> str:
    if level == "kabupaten":
        return "kota" if kode.split(".")[1] >= "70" else "kabupaten"
    if level == "desa":
        return "kelurahan" if kode.split(".")[3].startswith("1") else "desa"
    return "kecamatan"


def frame_from_records(records: list[Record], level: str) -> gpd.GeoDataFrame:
    rows = []
    for r in records:
        parts = r.kode.split(".")
        rows.append(
            {
                "kode": r.kode,
                "nama": r.nama.strip(),
                "jenis": jenis_of(r.kode, level),
                "kode_kab": ".".join(parts[:2]),
                "kode_kec": ".".join(parts[:3]) if len(parts) >= 3 else None,
                "geometry": repair(to_geometry(r.path)),
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    return gdf.sort_values("kode").reset_index(drop=True)


def display_geometry(geoms: gpd.GeoSeries, level: str) -> gpd.GeoSeries:
    """Simplify as a coverage: shared edges are simplified once, so no gaps or overlaps appear."""
    arr = np.asarray(geoms.values, dtype=object)
    # Upstream neighbours have tiny gaps/overlaps; cleaning first gives every shared edge one
    # line, which coverage_simplify then simplifies once for both sides.
    cleaned = shapely.coverage_clean(arr)
    cleaned = np.where(shapely.is_empty(cleaned), arr, cleaned)
    simplified = shapely.coverage_simplify(cleaned, DISPLAY_TOLERANCE[level], simplify_boundary=True)
    simplified = np.array([repair(g) if not g.is_empty else o for g, o in zip(simplified, arr)], dtype=object)
    return gpd.GeoSeries(fill_new_gaps(simplified, arr), index=geoms.index, crs=geoms.crs)


def _enclosed_gaps(geoms: np.ndarray) -> list[shapely.Polygon]:
    """Holes of the union: places no area covers but areas surround."""
    return [shapely.Polygon(ring) for part in shapely.get_parts(shapely.union_all(geoms)) for ring in part.interiors]


def fill_new_gaps(display: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Give each gap the simplification opened (not, mostly, a gap of the source) to its neighbour.

    The source has thousands of sliver gaps between desa; simplifying both sides of a sliver can
    move it so that a few new, small holes appear. Each is merged into the neighbour that shares
    the longest border with it, so the display stays a clean coverage with no new gap.
    """
    holes = _enclosed_gaps(display)
    if not holes:
        return display
    source_gaps = shapely.union_all(_enclosed_gaps(source))
    out = display.copy()
    tree = shapely.STRtree(out)
    for hole in holes:
        if shapely.area(shapely.intersection(hole, source_gaps)) >= 0.5 * hole.area:
            continue  # an upstream gap, kept as it is
        near = tree.query(hole, predicate="intersects")
        if not len(near):
            continue
        ring = shapely.boundary(hole)
        best = max(near, key=lambda i: shapely.length(shapely.intersection(shapely.boundary(out[i]), ring)))
        out[best] = repair(shapely.union(out[best], hole))
    return out


@dataclass
class BuildSummary:
    counts: dict[str, int]
    invalid_repaired: dict[str, int]
    all_valid: bool
    area_km2: dict[str, float]
    cache: Path


def build_cache(
    source: str | os.PathLike[str] | None = None, target: Path | None = None, progress: Progress = print
) -> BuildSummary:
    """Obtain, verify, convert and write every level; the cache is swapped in only when complete."""
    target = target or cache_dir()
    upstream = load_upstream()
    files = obtain(target.parent, source, progress, upstream)
    by_level: dict[str, list[Record]] = {lvl: [] for lvl in LEVELS}
    for rel, path in sorted(files.items()):
        by_level[level_of(rel)].extend(parse_dump(path.read_text(encoding="utf-8")))

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".build-"))
    try:
        counts, repaired, area = {}, {}, {}
        kab_names: dict[str, str] = {}
        kec_names: dict[str, str] = {}
        all_valid = True
        for level in LEVELS:
            progress(f"konversi / convert {level} ...")
            raw_invalid = sum(not to_geometry(r.path).is_valid for r in by_level[level])
            gdf = frame_from_records(by_level[level], level)
            if level == "kabupaten":
                kab_names = dict(zip(gdf.kode, gdf.nama))
            if level == "kecamatan":
                kec_names = dict(zip(gdf.kode, gdf.nama))
            gdf["nama_kab"] = gdf["kode_kab"].map(kab_names)
            gdf["nama_kec"] = gdf["kode_kec"].map(kec_names) if level == "desa" else None
            gdf["display"] = display_geometry(gdf.geometry, level)
            valid = bool(gdf.geometry.is_valid.all() and gdf["display"].is_valid.all())
            all_valid &= valid
            counts[level] = len(gdf)
            repaired[level] = int(raw_invalid)
            area[level] = float(gdf.to_crs(AREA_CRS).area.sum() / 1e6)
            gdf.to_parquet(staging / f"{level}.parquet", index=False)
        meta = {
            "version": CACHE_VERSION,
            "commit": upstream.commit,
            "counts": counts,
            "repaired": repaired,
            "area_km2": area,
            "tolerance_deg": DISPLAY_TOLERANCE,
        }
        (staging / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    load.cache_clear()
    return BuildSummary(counts, repaired, all_valid, area, target)


def cache_ready(target: Path | None = None) -> bool:
    target = target or cache_dir()
    try:
        meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("version") == CACHE_VERSION and all((target / f"{lvl}.parquet").is_file() for lvl in LEVELS)


def ensure_cache(source: str | os.PathLike[str] | None = None, progress: Progress = print) -> Path:
    if not cache_ready():
        build_cache(source, progress=progress)
    return cache_dir()


@lru_cache(maxsize=8)
def load(level: str, cache: str | None = None) -> gpd.GeoDataFrame:
    """One level from the cache: source geometry in ``geometry``, simplified in ``display``."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    target = Path(cache) if cache else cache_dir()
    path = target / f"{level}.parquet"
    if not path.is_file():
        raise CacheMissing(
            f"Cache batas wilayah belum dibuat / boundary cache missing ({path}). "
            "Jalankan / run: python -m geo fetch --source <folder>  (atau/or set KALBAR_BOUNDARY_SOURCE)"
        )
    gdf = gpd.read_parquet(path)
    gdf["display"] = (
        gpd.GeoSeries.from_wkb(gdf["display"], crs=CRS)
        if not isinstance(gdf["display"].dtype, gpd.array.GeometryDtype)
        else gdf["display"]
    )
    return gdf


@lru_cache(maxsize=2)
def overview(level: str) -> gpd.GeoSeries:
    """The display geometry simplified again for a map of many kabupaten (see ``OVERVIEW_TOLERANCE``);
    computed once per process (~0.3 s for the desa), not cached on disk."""
    gdf = load(level)
    arr = np.asarray(gdf["display"].values, dtype=object)
    simplified = shapely.coverage_simplify(arr, OVERVIEW_TOLERANCE, simplify_boundary=True)
    kept = np.where(shapely.is_valid(simplified) & ~shapely.is_empty(simplified), simplified, arr)
    return gpd.GeoSeries(kept, index=gdf.index, crs=CRS)


def areas(level: str) -> pd.DataFrame:
    """One level's areas as a plain attribute table (kode, nama, jenis, parents; no geometry), as the
    join, the classifier and the reports take them.

    Built from ``load``'s per-process cache on every call (no second cache that could outlive
    ``load.cache_clear()``); a fresh frame, so callers may add or change columns.
    """
    return pd.DataFrame(load(level).drop(columns=["geometry", "display"]))
