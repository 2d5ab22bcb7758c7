"""Compact geometry for the browser: polygons as Google encoded polylines, at 1e-4 degrees.

About 3–4 bytes a vertex instead of ~20 for GeoJSON text; the decoder in the map's script
is a dozen lines. Encoding is vectorised with numpy and cached per level by the callers.

Why 1e-4° (≈ 11 m grid, a vertex moves ≤ 8 m) and not Google's 1e-5°: the display geometry is
already simplified at 0.0004° (≈ 44 m) for desa and more for coarser levels, so the fifth decimal
carried no shape; dropping it makes the province's 2,130 desa 31% shorter (887 → 612 K characters,
636 → 419 KB on the wire), about half a second of a first visit on 4 Mbit/s. Neighbours share
their vertices exactly, and equal inputs round equally, so shared edges stay shared.
"""

from __future__ import annotations

import numpy as np
import shapely

PRECISION = 1e4  # the map's grid (see above); Google's format is 1e5
# The overview's grid (``boundaries.OVERVIEW_TOLERANCE``, borders already ~400 m coarse): 1e-3° moves a
# vertex ≤ 80 m and makes each delta a byte or two.
OVERVIEW_PRECISION = 1e3


def encode_values(values: np.ndarray) -> str:
    """Encode a flat int64 sequence of already-delta'd values (the polyline algorithm)."""
    v = values.astype(np.int64)
    v = np.where(v < 0, ~(v << 1), v << 1)
    chunks = np.zeros((len(v), 7), dtype=np.int64)
    count = np.ones(len(v), dtype=np.int64)
    rest = v.copy()
    for j in range(7):
        chunks[:, j] = rest & 0x1F
        rest = rest >> 5
        more = rest > 0
        if j < 6:
            count += more
        chunks[:, j] |= np.where(more, 0x20, 0)
    mask = np.arange(7)[None, :] < count[:, None]
    return (chunks[mask] + 63).astype(np.uint8).tobytes().decode("ascii")


def encode_ring(coords: np.ndarray, precision: float = PRECISION) -> str:
    """A ring of (lon, lat) to an encoded polyline of (lat, lng) pairs, closing point dropped."""
    pts = np.round((coords[:-1] if len(coords) > 3 else coords)[:, ::-1] * precision).astype(np.int64)
    deltas = np.diff(pts, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return encode_values(deltas.reshape(-1))


def encode_geometry(geom, precision: float = PRECISION) -> list[list[str]]:
    """Polygon/MultiPolygon -> [[exterior, hole, ...], ...] of encoded rings."""
    polys = shapely.get_parts(geom)
    out = []
    for poly in polys:
        rings = [poly.exterior, *poly.interiors]
        out.append([encode_ring(np.asarray(r.coords), precision) for r in rings])
    return out


def decode_ring(text: str, precision: float = PRECISION) -> list[tuple[float, float]]:
    """Python twin of the JS decoder, for tests: returns (lat, lng) pairs."""
    values, shift, result = [], 0, 0
    for ch in text.encode("ascii"):
        b = ch - 63
        result |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift, result = 0, 0
    pts = np.cumsum(np.array(values, dtype=np.int64).reshape(-1, 2), axis=0) / precision
    return [tuple(p) for p in pts]


# ``pjkGeometry(g, precision)``: the precision travels with the payload (the display grid or the overview's).
JS_DECODER = """
function pjkDecodeRing(s,P){var pts=[],i=0,lat=0,lng=0;while(i<s.length){var b,sh=0,r=0;
do{b=s.charCodeAt(i++)-63;r|=(b&31)<<sh;sh+=5;}while(b>=32);lat+=(r&1)?~(r>>1):(r>>1);
sh=0;r=0;do{b=s.charCodeAt(i++)-63;r|=(b&31)<<sh;sh+=5;}while(b>=32);lng+=(r&1)?~(r>>1):(r>>1);
pts.push([lng/P,lat/P]);}if(pts.length){pts.push(pts[0]);}return pts;}
function pjkGeometry(g,P){var polys=g.map(function(p){return p.map(function(s){return pjkDecodeRing(s,P);});});
return polys.length===1?{type:"Polygon",coordinates:polys[0]}:{type:"MultiPolygon",coordinates:polys};}
"""
