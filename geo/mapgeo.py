"""The map's geometry as a file of its own, instead of inside every map message.

Why: the geometry is the bulk of a map (the province's 2,130 desa: ~250 K of ~615 K characters, and
nearly all of the bytes after compression), yet it changes only with the pinned boundaries, never with
the data, the language or the viewer. As a file it is

- named by its content (``/mapgeo/desa-61.04.<hash>.json``), so a browser keeps it a year and a second
  visit, a second page or a second month of data downloads none of it;
- compressed once per process (a websocket message is compressed for every session, with a 4 KB window);
- asked for by the page's first HTML (``server.preview``), so it downloads while Streamlit's bundle loads
  and the script runs, not after them.

One file per map's extent: a kabupaten's desa or kecamatan (display geometry), or a whole level (the
desa of the province use ``boundaries.overview``, as ``maps.is_overview`` says). The map's script gets
the file's URL and the bounds to fit (``maps.coverage_payload``); ``server/mapgeo`` serves the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache

from . import boundaries
from .encode import OVERVIEW_PRECISION, PRECISION, encode_geometry

LEVELS = ("kabupaten", "kecamatan", "desa")
URL_PREFIX = "/mapgeo/"
_KEY = re.compile(r"^(kabupaten|kecamatan|desa)(?:-(\d{2}\.\d{2}))?$")


def key_for(level: str, kodes: Iterable[str]) -> str:
    """The file a map of these areas draws from: its one kabupaten's, else the whole level's."""
    kabs = {str(k)[:5] for k in kodes}
    if level == "kabupaten" or len(kabs) != 1:
        return level
    return f"{level}-{kabs.pop()}"


def parse_key(key: str) -> tuple[str, str | None] | None:
    """(level, kabupaten code or None) of a key, or None for anything that is not one of the files."""
    m = _KEY.match(key)
    if m is None:
        return None
    level, kab = m.group(1), m.group(2)
    if kab is not None and (level == "kabupaten" or kab not in set(boundaries.areas("kabupaten")["kode"])):
        return None
    return level, kab


def is_overview(level: str, kab: str | None) -> bool:
    """The province's desa (more than one kabupaten's) are drawn from the overview geometry."""
    return level == "desa" and kab is None


@lru_cache(maxsize=4)
def _encoded(level: str, overview: bool) -> dict[str, list]:
    gdf = boundaries.load(level)
    geoms, precision = (boundaries.overview(level), OVERVIEW_PRECISION) if overview else (gdf["display"], PRECISION)
    return {kode: encode_geometry(geom, precision) for kode, geom in zip(gdf["kode"], geoms.values)}


def encoded(level: str, overview: bool = False) -> tuple[dict[str, list], float]:
    """Geometry per code and its grid, encoded once per (level, kind) and process."""
    return _encoded(level, overview), OVERVIEW_PRECISION if overview else PRECISION


@lru_cache(maxsize=40)  # every key there is: two per kabupaten/kota (14 today) and three whole levels
def body(key: str) -> bytes:
    """The file: ``{"p": grid, "g": {kode: encoded polygons}}`` as compact JSON (ASCII)."""
    parsed = parse_key(key)
    if parsed is None:
        raise KeyError(key)
    level, kab = parsed
    geoms, precision = encoded(level, is_overview(level, kab))
    if kab is not None:
        geoms = {k: g for k, g in geoms.items() if k.startswith(kab + ".")}
    return json.dumps({"p": int(precision), "g": geoms}, separators=(",", ":"), ensure_ascii=True).encode("ascii")


@lru_cache(maxsize=40)
def digest(key: str) -> str:
    """The file's content hash (its URL changes when the boundaries do)."""
    return hashlib.sha256(body(key)).hexdigest()[:16]


def url(key: str) -> str:
    return f"{URL_PREFIX}{key}.{digest(key)}.json"


@lru_cache(maxsize=3)
def _bounds(level: str) -> dict[str, tuple[float, float, float, float]]:
    gdf = boundaries.load(level)
    return dict(zip(gdf["kode"], map(tuple, gdf["display"].bounds.to_numpy())))


def bounds(level: str, kodes: Iterable[str]) -> list[list[float]] | None:
    """[[south, west], [north, east]] around these areas (Leaflet's order), None when there are none."""
    table = _bounds(level)
    boxes = [table[k] for k in kodes if k in table]
    if not boxes:
        return None
    return [
        [round(float(min(b[1] for b in boxes)), 5), round(float(min(b[0] for b in boxes)), 5)],
        [round(float(max(b[3] for b in boxes)), 5), round(float(max(b[2] for b in boxes)), 5)],
    ]
