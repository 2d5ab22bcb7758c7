"""How far the display geometry is from the source, and whether it stays a clean coverage.

Distances and areas are computed in EPSG:32749 (WGS 84 / UTM zone 49S). Kalbar spans about
108.8–114.2°E, i.e. UTM zone 49 (108–114°E, central meridian 111°E); zone 49N (EPSG:32649)
differs only by the false northing, so distances are identical. The UTM scale error at the
province's edges (~3° from the central meridian, near the equator) is about 0.1%.

Coverage validity (``shapely.coverage_is_valid``) is an exact-noding check, so it is run on
the lon/lat geometry as stored (and as shipped, rounded to 1e-4°): reprojecting moves a vertex
that lies on a neighbour's segment off it by ~1e-9 m, which the check would count as invalid.
"""

from __future__ import annotations

import numpy as np
import shapely

METRIC_CRS = "EPSG:32749"


def _metric(geoms: np.ndarray) -> np.ndarray:
    import geopandas as gpd

    return np.asarray(gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(METRIC_CRS).values)


def _pair_overlaps(geoms_ll: np.ndarray, min_area: float = 0.01) -> tuple[int, float]:
    """(neighbour pairs overlapping by more than ``min_area`` m², summed overlap m²).

    Intersections are computed on the lon/lat geometry (the topology as stored and drawn);
    only their areas are measured in metres.
    """
    tree = shapely.STRtree(geoms_ll)
    i, j = tree.query(geoms_ll, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    if not len(i):
        return 0, 0.0
    inter = shapely.intersection(geoms_ll[i], geoms_ll[j])
    inter = np.asarray(
        [shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]) for g in inter], dtype=object
    )
    areas = shapely.area(_metric(inter))
    return int((areas > min_area).sum()), float(areas.sum())


def _holes(geoms_ll: np.ndarray) -> np.ndarray:
    """Holes enclosed by the union of the coverage (lon/lat polygons): gaps between neighbours."""
    holes = []
    for poly in shapely.get_parts(shapely.union_all(geoms_ll)):
        holes.extend(shapely.Polygon(ring) for ring in poly.interiors)
    return np.asarray(holes, dtype=object)


def _new_holes(holes: np.ndarray, before: np.ndarray, min_area: float = 1.0) -> tuple[int, float]:
    """Holes that are new: less than half of their area was already a hole ``before`` (count, m²)."""
    if not len(holes):
        return 0, 0.0
    old = shapely.union_all(before) if len(before) else shapely.Polygon()
    shared = shapely.area(shapely.intersection(holes, old))
    new = holes[shared < 0.5 * shapely.area(holes)]
    areas = shapely.area(_metric(new)) if len(new) else np.array([])
    return int((areas > min_area).sum()), float(areas.sum())


def _count_area(geom_ll, min_area: float = 1.0) -> tuple[int, float]:
    parts = _metric(np.asarray(shapely.get_parts(geom_ll), dtype=object)) if not geom_ll.is_empty else np.array([])
    areas = shapely.area(parts) if len(parts) else np.array([0.0])
    return int((areas > min_area).sum()), float(areas.sum())


def shipped(level: str, gdf) -> tuple[np.ndarray, int]:
    """The display geometry as the browser decodes it (1e-4° polyline rounding), and how many came
    out invalid. Rounding can pinch a ring narrower than the grid (~11 m) into a self-touch; those are
    repaired (make_valid, as the browser's fill rule draws them) so overlaps and gaps can be measured."""
    from geo.encode import decode_ring, encode_geometry

    out = []
    for geom in gdf["display"].values:
        polys = []
        for rings in encode_geometry(geom):
            lnglat = [[(lng, lat) for lat, lng in decode_ring(r)] for r in rings]
            polys.append(shapely.Polygon(lnglat[0], lnglat[1:]))
        out.append(polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys))
    arr = np.asarray(out, dtype=object)
    invalid = ~shapely.is_valid(arr)
    for i in np.where(invalid)[0]:  # make_valid may add the pinched point as a line: keep the polygons
        parts = [g for g in shapely.get_parts(shapely.make_valid(arr[i])) if g.geom_type in ("Polygon", "MultiPolygon")]
        arr[i] = shapely.union_all(parts)
    return arr, int(invalid.sum())


def level_fidelity(level: str) -> dict:
    from geo import boundaries

    gdf = boundaries.load(level)
    src_ll = np.asarray(gdf.geometry.values)
    disp_ll = np.asarray(gdf["display"].values)
    ship_ll, ship_invalid = shipped(level, gdf)
    src, disp, ship = _metric(src_ll), _metric(disp_ll), _metric(ship_ll)

    haus = shapely.hausdorff_distance(shapely.boundary(disp), shapely.boundary(src), densify=0.25)
    haus_ship = shapely.hausdorff_distance(shapely.boundary(ship), shapely.boundary(src), densify=0.25)
    worst = np.argsort(haus)[::-1][:5]

    ov_src, ov_disp, ov_ship = _pair_overlaps(src_ll), _pair_overlaps(disp_ll), _pair_overlaps(ship_ll)
    h_src, h_disp, h_ship = _holes(src_ll), _holes(disp_ll), _holes(ship_ll)
    holes_src, holes_disp, holes_ship = (_count_area(shapely.union_all(h)) for h in (h_src, h_disp, h_ship))
    new_disp, new_ship = _new_holes(h_disp, h_src), _new_holes(h_ship, h_src)
    u_src, u_disp = shapely.union_all(src), shapely.union_all(disp)
    a_src, a_disp = shapely.area(src), shapely.area(disp)
    rel = np.abs(a_disp - a_src) / np.where(a_src > 0, a_src, np.nan)
    return {
        "level": level,
        "areas": int(len(gdf)),
        "vertices_source": int(shapely.get_num_coordinates(src_ll).sum()),
        "vertices_display": int(shapely.get_num_coordinates(disp_ll).sum()),
        "hausdorff_max_m": float(haus.max()),
        "hausdorff_p99_m": float(np.percentile(haus, 99)),
        "hausdorff_p50_m": float(np.percentile(haus, 50)),
        "areas_over_100m": int((haus > 100).sum()),
        "hausdorff_shipped_max_m": float(haus_ship.max()),
        "worst": [
            {"kode": str(gdf["kode"].iloc[k]), "nama": str(gdf["nama"].iloc[k]), "m": float(haus[k])} for k in worst
        ],
        "coverage_valid_source": bool(shapely.coverage_is_valid(src_ll)),
        "coverage_valid_display": bool(shapely.coverage_is_valid(disp_ll)),
        "coverage_valid_shipped": bool(shapely.coverage_is_valid(ship_ll)),
        "invalid_shipped": ship_invalid,
        "invalid_edge_areas_display": int((~shapely.is_empty(shapely.coverage_invalid_edges(disp_ll))).sum()),
        "geoms_valid_display": bool(shapely.is_valid(disp_ll).all()),
        "empty_display": int(shapely.is_empty(disp_ll).sum()),
        "overlap_pairs_source": ov_src[0],
        "overlap_m2_source": ov_src[1],
        "overlap_pairs_display": ov_disp[0],
        "overlap_m2_display": ov_disp[1],
        "overlap_pairs_shipped": ov_ship[0],
        "overlap_m2_shipped": ov_ship[1],
        "gap_holes_source": holes_src[0],
        "gap_m2_source": holes_src[1],
        "gap_holes_display": holes_disp[0],
        "gap_m2_display": holes_disp[1],
        "gap_holes_shipped": holes_ship[0],
        "gap_m2_shipped": holes_ship[1],
        "new_gap_parts_display": new_disp[0],
        "new_gap_m2_display": new_disp[1],
        "new_gap_parts_shipped": new_ship[0],
        "new_gap_m2_shipped": new_ship[1],
        "union_km2_source": float(u_src.area / 1e6),
        "union_km2_display": float(u_disp.area / 1e6),
        "union_symdiff_km2": float(shapely.symmetric_difference(u_src, u_disp).area / 1e6),
        "sum_km2_source": float(a_src.sum() / 1e6),
        "sum_km2_display": float(a_disp.sum() / 1e6),
        "area_change_max_pct": float(np.nanmax(rel) * 100),
        "area_change_p99_pct": float(np.nanpercentile(rel, 99) * 100),
    }


OVERVIEW_TARGET_M = 500.0  # the province's desa map: 2,130 desa on a phone's width, one pixel is ~600 m there


def overview_fidelity(level: str = "desa") -> dict:
    """The overview geometry the province's desa map draws (``boundaries.overview``, not the display
    geometry the kabupaten maps draw) against the source: Hausdorff max and p99, and how many areas exceed
    the overview's goal."""
    from geo import boundaries

    gdf = boundaries.load(level)
    src = _metric(np.asarray(gdf.geometry.values))
    over = _metric(np.asarray(boundaries.overview(level).values, dtype=object))
    haus = shapely.hausdorff_distance(shapely.boundary(over), shapely.boundary(src), densify=0.25)
    worst = np.argsort(haus)[::-1][:3]
    return {
        "hausdorff_max_m": float(np.nanmax(haus)),
        "hausdorff_p99_m": float(np.nanpercentile(haus, 99)),
        "areas_over_target": int((haus > OVERVIEW_TARGET_M).sum()),
        "target_m": OVERVIEW_TARGET_M,
        "vertices": int(shapely.get_num_coordinates(over).sum()),
        "worst": [{"kode": gdf["kode"].iloc[i], "nama": gdf["nama"].iloc[i], "m": float(haus[i])} for i in worst],
    }


def run(levels=("kabupaten", "kecamatan", "desa")) -> dict:
    out = {level: level_fidelity(level) for level in levels}
    if "desa" in levels:
        out["desa_overview"] = overview_fidelity("desa")
    return out
