"""Encoded polylines: the documented example, round trips, structure, and the browser decoder."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon

from geo import boundaries
from geo.encode import (
    JS_DECODER,
    OVERVIEW_PRECISION,
    PRECISION,
    decode_ring,
    encode_geometry,
    encode_ring,
    encode_values,
)

TOL = 1 / PRECISION


def test_google_documented_example():
    """developers.google.com polyline example: (38.5,-120.2),(40.7,-120.95),(43.252,-126.453)."""
    coords = np.array([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)])  # (lon, lat), not closed
    assert encode_ring(coords, precision=1e5) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert decode_ring("_p~iF~ps|U_ulLnnqC_mqNvxq`@", precision=1e5) == [
        (38.5, -120.2),
        (40.7, -120.95),
        (43.252, -126.453),
    ]


def test_map_grid_is_1e4_degrees_and_the_payload_names_its_grid():
    """The map ships 1e-4° (see geo/encode.py): 11 m, below the 44 m display simplification; the overview
    1e-3°. The JS decoder takes the grid from the payload (``pjkGeometry(g, P)``), not a constant."""
    assert PRECISION == 1e4 and OVERVIEW_PRECISION == 1e3 and "lng/P,lat/P" in JS_DECODER
    assert decode_ring(encode_ring(np.array([(109.34567, -0.02345), (109.4, -0.03), (109.41, 0.0)]))) == [
        (-0.0234, 109.3457),
        (-0.03, 109.4),
        (0.0, 109.41),
    ]


def test_closing_point_is_dropped_and_order_is_lat_lng():
    ring = np.array([(109.3, -0.03), (109.4, -0.03), (109.4, 0.05), (109.3, -0.03)])
    pts = decode_ring(encode_ring(ring))
    assert len(pts) == 3
    assert pts[0] == pytest.approx((-0.03, 109.3))
    assert pts[2] == pytest.approx((0.05, 109.4))


def test_single_values():
    # each value alone: 0 -> '?', 1 -> 'A', -1 -> '@'
    assert encode_values(np.array([0])) == "?"
    assert encode_values(np.array([1])) == "A"
    assert encode_values(np.array([-1])) == "@"
    assert encode_values(np.array([], dtype=np.int64)) == ""


coord = st.tuples(st.floats(-180, 180, allow_nan=False), st.floats(-90, 90, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(st.lists(coord, min_size=3, max_size=60))
def test_ring_round_trip(points):
    ring = np.array(points + [points[0]])  # closed, as shapely gives it
    text = encode_ring(ring)
    assert all(63 <= ord(c) <= 126 for c in text)
    back = np.array(decode_ring(text))
    assert back.shape == (len(points), 2)
    assert np.abs(back - ring[:-1, ::-1]).max() <= TOL / 2 + 1e-9


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-(2**30), 2**30), st.integers(-(2**30), 2**30)), max_size=20))
def test_values_round_trip(pairs):
    v = np.array(pairs, dtype=np.int64).reshape(-1)
    back = np.array(decode_ring(encode_values(v)), dtype=float).reshape(-1, 2)
    expected = np.cumsum(v.reshape(-1, 2), axis=0) / PRECISION
    assert back.shape == expected.shape
    assert np.allclose(back, expected, rtol=0, atol=1e-9)


def test_no_drift_over_many_points():
    """Rounding each point (not each delta) keeps long rings exact to the grid everywhere."""
    rng = np.random.default_rng(1)
    pts = np.cumsum(rng.normal(0, 0.3 / PRECISION, size=(5000, 2)), axis=0) + [109.3, -0.03]
    ring = np.vstack([pts, pts[:1]])
    back = np.array(decode_ring(encode_ring(ring)))
    assert np.abs(back - ring[:-1, ::-1]).max() <= TOL / 2 + 1e-9


def test_geometry_structure_polygon_hole_multipolygon():
    outer = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
    hole = [(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6), (0.4, 0.4)]
    poly = Polygon(outer, [hole])
    enc = encode_geometry(poly)
    assert len(enc) == 1 and len(enc[0]) == 2
    assert decode_ring(enc[0][1])[0] == pytest.approx((0.4, 0.4))
    multi = MultiPolygon([poly, Polygon([(5, 5), (6, 5), (6, 6), (5, 5)])])
    enc = encode_geometry(multi)
    assert [len(p) for p in enc] == [2, 1]
    assert np.allclose(decode_ring(enc[1][0]), [(5, 5), (5, 6), (6, 6)])


def _decode_geometry(enc: list[list[str]]):
    polys = []
    for rings in enc:
        lonlat = [[(lng, lat) for lat, lng in decode_ring(r)] for r in rings]
        polys.append(Polygon(lonlat[0], lonlat[1:]))
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def test_real_display_geometry_round_trip():
    gdf = boundaries.load("kecamatan")
    for geom in gdf["display"].values[:40]:
        back = _decode_geometry(encode_geometry(geom))
        assert shapely.get_num_geometries(back) == shapely.get_num_geometries(geom)
        assert back.area == pytest.approx(geom.area, rel=1e-3)
        assert (
            shapely.hausdorff_distance(back, geom) < 0.75 / PRECISION
        )  # a vertex moves at most half a grid step each way


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
@pytest.mark.parametrize("precision", [PRECISION, OVERVIEW_PRECISION])
def test_js_decoder_matches_python(precision):
    """The decoder the browser runs gives the same closed lon/lat rings as the Python twin, on the display
    grid and on the overview's (the payload says which)."""
    geom = boundaries.load("kabupaten").set_index("kode")["display"]["61.71"]
    enc = encode_geometry(geom, precision)
    script = JS_DECODER + f"\nprocess.stdout.write(JSON.stringify(pjkGeometry({json.dumps(enc)}, {int(precision)})));"
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30, check=True)
    gj = json.loads(out.stdout)
    rings = gj["coordinates"] if gj["type"] == "Polygon" else gj["coordinates"][0]
    assert gj["type"] == ("Polygon" if len(enc) == 1 else "MultiPolygon")
    first = rings[0]
    assert first[0] == first[-1]  # closed again in the browser
    py = [(lng, lat) for lat, lng in decode_ring(enc[0][0], precision)]
    assert np.allclose(np.array(first[:-1]), np.array(py), atol=1e-9)
    assert shapely.hausdorff_distance(shapely.geometry.shape(gj), geom) < 0.75 / precision
