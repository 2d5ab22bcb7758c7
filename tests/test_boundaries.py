"""Boundary conversion (lat/lng order, depth, repair) and the real cache's invariants."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from geo import LEVELS, boundaries
from geo.boundaries import AREA_CRS, CacheMissing, frame_from_records, jenis_of, level_of, repair, to_geometry
from geo.paths import cache_dir
from geo.sqldump import Record, parse_dump, path_depth

SOURCE = Path(
    os.environ.get("KALBAR_BOUNDARY_SOURCE")
    or Path(__file__).resolve().parents[2] / "shared" / "data" / "wilayah_boundaries"
)
PROVINCE_KM2 = 146_990
INVALID_UPSTREAM = {"kabupaten": {"61.01", "61.11"}, "kecamatan": {"61.01.16", "61.11.04"}, "desa": set()}
LEVEL_FILES = {"kabupaten": "db/kab/*.sql", "kecamatan": "db/kec/*.sql", "desa": "db/kel/61/*.sql"}


def _records(level: str) -> list[Record]:
    return [r for f in sorted(SOURCE.glob(LEVEL_FILES[level])) for r in parse_dump(f.read_text(encoding="utf-8"))]


# --- hand-made geometry ------------------------------------------------------------------


def test_lat_lng_are_swapped_to_lon_lat():
    # upstream [lat, lng]: a triangle near Pontianak
    path = [[[-0.03, 109.3], [-0.03, 109.4], [0.05, 109.4], [-0.03, 109.3]]]
    geom = to_geometry(path)
    assert isinstance(geom, Polygon)
    assert list(geom.exterior.coords)[0] == (109.3, -0.03)
    assert (109.4, 0.05) in list(geom.exterior.coords)
    assert geom.contains(Point(109.38, -0.01))
    assert not geom.contains(Point(-0.01, 109.38))


def test_depth_3_polygon_with_hole():
    outer = [[0.0, 100.0], [0.0, 101.0], [1.0, 101.0], [1.0, 100.0], [0.0, 100.0]]
    hole = [[0.4, 100.4], [0.4, 100.6], [0.6, 100.6], [0.6, 100.4], [0.4, 100.4]]
    geom = to_geometry([outer, hole])
    assert isinstance(geom, Polygon)
    assert len(geom.interiors) == 1
    assert geom.area == pytest.approx(1.0 - 0.04)
    assert not geom.contains(Point(100.5, 0.5))
    assert geom.contains(Point(100.1, 0.1))


def test_depth_4_multipolygon():
    a = [[[1.0, 109.0], [1.0, 109.1], [1.1, 109.1], [1.0, 109.0]]]
    b = [[[2.0, 110.0], [2.0, 110.1], [2.1, 110.1], [2.0, 110.0]]]
    geom = to_geometry([a, b])
    assert isinstance(geom, MultiPolygon)
    assert len(geom.geoms) == 2
    minx, miny, maxx, maxy = geom.bounds
    assert (minx, miny, maxx, maxy) == pytest.approx((109.0, 1.0, 110.1, 2.1))


def test_bad_depth_is_rejected():
    with pytest.raises(ValueError):
        to_geometry([[1.0, 109.0], [1.1, 109.1]])


def test_repair_nested_shells_keeps_area():
    """Upstream's invalid cases are 'Nested shells': a multipolygon with a part inside another."""
    big = [[[0.0, 100.0], [0.0, 101.0], [1.0, 101.0], [1.0, 100.0], [0.0, 100.0]]]
    small = [[[0.2, 100.2], [0.2, 100.3], [0.3, 100.3], [0.3, 100.2], [0.2, 100.2]]]
    other = [[[2.0, 100.0], [2.0, 100.5], [2.5, 100.5], [2.5, 100.0], [2.0, 100.0]]]
    geom = to_geometry([big, small, other])
    assert not geom.is_valid
    fixed = repair(geom)
    assert fixed.is_valid
    assert fixed.geom_type in ("Polygon", "MultiPolygon")
    assert fixed.area == pytest.approx(1.0 + 0.25, rel=1e-9)  # covered area, nested part counted once


def test_repair_bowtie_is_polygonal_and_valid():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    assert not bowtie.is_valid
    fixed = repair(bowtie)
    assert fixed.is_valid and fixed.geom_type in ("Polygon", "MultiPolygon")
    assert fixed.area == pytest.approx(0.5)


def test_repair_leaves_valid_geometry_alone():
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    assert repair(square) is square


def test_jenis_and_level_helpers():
    assert jenis_of("61.12", "kabupaten") == "kabupaten"
    assert jenis_of("61.71", "kabupaten") == "kota"
    assert jenis_of("61.72", "kabupaten") == "kota"
    assert jenis_of("61.71.01.1002", "desa") == "kelurahan"
    assert jenis_of("61.12.01.2001", "desa") == "desa"
    assert jenis_of("61.12.01", "kecamatan") == "kecamatan"
    assert level_of("db/kab/wilayah_boundaries_kab_61.sql") == "kabupaten"
    assert level_of("db/kec/wilayah_boundaries_kec_61.sql") == "kecamatan"
    assert level_of("db/kel/61/wilayah_boundaries_kel_61.01.sql") == "desa"


def test_frame_from_hand_made_records():
    sq = [[[0.0, 109.0], [0.0, 109.1], [0.1, 109.1], [0.1, 109.0], [0.0, 109.0]]]
    recs = [
        Record("61.71.01.2003", "  Desa B ", 0.05, 109.05, sq),
        Record("61.71.01.1002", "Kel'A", 0.05, 109.05, sq),
    ]
    gdf = frame_from_records(recs, "desa")
    assert list(gdf.kode) == ["61.71.01.1002", "61.71.01.2003"]  # sorted by code
    assert list(gdf.nama) == ["Kel'A", "Desa B"]  # stripped
    assert list(gdf.jenis) == ["kelurahan", "desa"]
    assert list(gdf.kode_kab) == ["61.71", "61.71"]
    assert list(gdf.kode_kec) == ["61.71.01", "61.71.01"]
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.iloc[0].bounds == pytest.approx((109.0, 0.0, 109.1, 0.1))
    kab = frame_from_records([Record("61.02", "Kabupaten Mempawah", 0.3, 109.0, sq)], "kabupaten")
    assert kab.kode_kec.iloc[0] is None and kab.kode_kab.iloc[0] == "61.02"


# --- the real upstream geometry ----------------------------------------------------------


@pytest.mark.parametrize("level", ["kabupaten", "kecamatan"])
def test_upstream_invalid_geometries_are_repaired_keeping_area(level):
    raw = {r.kode: to_geometry(r.path) for r in _records(level)}
    invalid = {k for k, g in raw.items() if not g.is_valid}
    assert invalid == INVALID_UPSTREAM[level]
    cached = boundaries.load(level).set_index("kode")
    for kode in invalid:
        fixed = repair(raw[kode])
        assert fixed.is_valid
        assert fixed.area == pytest.approx(raw[kode].area, rel=1e-4)
        assert cached.geometry[kode].is_valid
        assert cached.geometry[kode].area == pytest.approx(raw[kode].area, rel=1e-4)


def test_upstream_desa_are_all_valid():
    assert all(to_geometry(r.path).is_valid for r in _records("desa"))


def test_cache_matches_upstream_points_in_lon_lat():
    """A vertex of the upstream path, read [lat, lng], lies on the cached (lon, lat) boundary."""
    rec = next(r for r in _records("kabupaten") if r.kode == "61.71")
    exterior = rec.path[0] if path_depth(rec.path) == 3 else rec.path[0][0]
    lat, lng = exterior[0]
    assert -1 < lat < 1 and 109 < lng < 110  # upstream order really is [lat, lng]
    geom = boundaries.load("kabupaten").set_index("kode").geometry["61.71"]
    assert geom.boundary.distance(Point(lng, lat)) < 1e-9
    assert geom.boundary.distance(Point(lat, lng)) > 1


def test_pontianak_centroid():
    geom = boundaries.load("kabupaten").set_index("kode").geometry["61.71"]
    c = geom.centroid
    assert c.x == pytest.approx(109.3, abs=0.1)
    assert c.y == pytest.approx(-0.03, abs=0.1)


@pytest.mark.parametrize("level, count", [("kabupaten", 14), ("kecamatan", 174), ("desa", 2130)])
def test_level_counts_validity_and_area(level, count):
    gdf = boundaries.load(level)
    assert len(gdf) == count
    assert gdf.kode.is_unique
    assert gdf.geometry.is_valid.all()
    assert gdf["display"].is_valid.all()
    assert not gdf["display"].is_empty.any()
    assert set(gdf.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert set(gdf["display"].geom_type) <= {"Polygon", "MultiPolygon"}
    km2 = gdf.geometry.to_crs(AREA_CRS).area.sum() / 1e6
    assert km2 == pytest.approx(PROVINCE_KM2, rel=0.005)
    display_km2 = gdf["display"].to_crs(AREA_CRS).area.sum() / 1e6
    assert display_km2 == pytest.approx(PROVINCE_KM2, rel=0.005)
    # all of Kalbar: lon ~108-115, lat ~-3.1..2.1
    minx, miny, maxx, maxy = gdf.total_bounds
    assert 108 < minx < maxx < 115 and -3.5 < miny < maxy < 2.5


@pytest.mark.parametrize("level", LEVELS)
def test_display_is_a_valid_coverage(level):
    gdf = boundaries.load(level)
    assert shapely.coverage_is_valid(np.asarray(gdf["display"].values))


def test_desa_display_has_fewer_vertices_than_source():
    gdf = boundaries.load("desa")
    display = shapely.get_num_coordinates(np.asarray(gdf["display"].values)).sum()
    source = shapely.get_num_coordinates(np.asarray(gdf.geometry.values)).sum()
    assert display < 0.9 * source


def test_display_stays_close_to_source_per_area():
    gdf = boundaries.load("kecamatan").to_crs(AREA_CRS)
    display = gdf["display"].to_crs(AREA_CRS)
    ratio = display.area / gdf.area
    assert ratio.between(0.9, 1.1).all()


def test_parent_codes_consistent():
    kab = boundaries.load("kabupaten")
    kec = boundaries.load("kecamatan")
    desa = boundaries.load("desa")
    kab_names = dict(zip(kab.kode, kab.nama))
    kec_names = dict(zip(kec.kode, kec.nama))
    assert (kab.kode_kab == kab.kode).all()
    assert all(k.startswith(p + ".") for k, p in zip(kec.kode, kec.kode_kab))
    assert set(kec.kode_kab) == set(kab.kode)  # every kabupaten has kecamatan
    assert all(k.startswith(p + ".") for k, p in zip(desa.kode, desa.kode_kec))
    assert all(k.startswith(p + ".") for k, p in zip(desa.kode, desa.kode_kab))
    assert set(desa.kode_kec) <= set(kec.kode)
    assert (kec.nama_kab == kec.kode_kab.map(kab_names)).all()
    assert (desa.nama_kab == desa.kode_kab.map(kab_names)).all()
    assert (desa.nama_kec == desa.kode_kec.map(kec_names)).all()
    assert desa.nama_kec.notna().all() and desa.nama_kab.notna().all()


def test_jenis_counts():
    kab = boundaries.load("kabupaten")
    assert (kab.jenis == "kabupaten").sum() == 12
    assert set(kab.loc[kab.jenis == "kota", "kode"]) == {"61.71", "61.72"}
    desa = boundaries.load("desa")
    assert (desa.jenis == "kelurahan").sum() == 99
    assert (desa.jenis == "desa").sum() == 2031
    fourth = desa.kode.str.split(".").str[3]
    assert (fourth.str.startswith("1") == (desa.jenis == "kelurahan")).all()
    assert fourth.str[0].isin(["1", "2"]).all()


def test_names_with_apostrophe_survive_the_cache():
    desa = boundaries.load("desa")
    assert "Kaliau'" in set(desa.nama)
    assert not desa.nama.str.contains("''", regex=False).any()


def test_cache_meta_records_repairs():
    meta = json.loads((cache_dir() / "meta.json").read_text(encoding="utf-8"))
    assert meta["version"] == boundaries.CACHE_VERSION
    assert meta["counts"] == {"kabupaten": 14, "kecamatan": 174, "desa": 2130}
    assert meta["repaired"] == {"kabupaten": 2, "kecamatan": 2, "desa": 0}


# --- loading -----------------------------------------------------------------------------


def test_load_unknown_level():
    with pytest.raises(ValueError):
        boundaries.load("provinsi")


def test_load_missing_cache_names_the_fix(tmp_path):
    with pytest.raises(CacheMissing) as err:
        boundaries.load("kabupaten", str(tmp_path))
    assert "python -m geo fetch" in str(err.value)
    assert "KALBAR_BOUNDARY_SOURCE" in str(err.value)


def test_cache_ready(tmp_path):
    assert boundaries.cache_ready()
    assert not boundaries.cache_ready(tmp_path)
    for lvl in LEVELS:
        (tmp_path / f"{lvl}.parquet").write_bytes(b"x")
    (tmp_path / "meta.json").write_text(json.dumps({"version": boundaries.CACHE_VERSION - 1}))
    assert not boundaries.cache_ready(tmp_path)  # stale version
    (tmp_path / "meta.json").write_text(json.dumps({"version": boundaries.CACHE_VERSION}))
    assert boundaries.cache_ready(tmp_path)
    (tmp_path / "desa.parquet").unlink()
    assert not boundaries.cache_ready(tmp_path)
    (tmp_path / "meta.json").write_text("{not json")
    assert not boundaries.cache_ready(tmp_path)


def test_desa_overview_is_a_coarser_valid_coverage_close_to_the_display():
    """The overview (a map of many kabupaten's desa) keeps every desa, drawable, without gaps or overlaps,
    and within 500 m of the display geometry (under a pixel at the zoom that fits the province)."""
    gdf = boundaries.load("desa")
    overview = np.asarray(boundaries.overview("desa").values)
    display = np.asarray(gdf["display"].values)
    assert len(overview) == len(display) == 2130
    assert shapely.is_valid(overview).all() and not shapely.is_empty(overview).any()
    assert shapely.coverage_is_valid(overview)
    assert shapely.get_num_coordinates(overview).sum() < 0.6 * shapely.get_num_coordinates(display).sum()
    assert max(shapely.hausdorff_distance(overview, display)) * 111_000 < 500
