"""The map's bulk as files of their own, instead of inside every map message: its geometry and its features.

Why: the geometry is the bulk of a map (the province's 2,130 desa: ~250 K of ~615 K characters, and
nearly all of the bytes after compression), yet it changes only with the pinned boundaries, never with
the data, the language or the viewer. As a file it is

- named by its content (``/mapgeo/desa-61.04.<hash>.json``), so a browser keeps it a year and a second
  visit, a second page or a second month of data downloads none of it;
- compressed once per process (a websocket message is compressed for every session, with a 4 KB window);
- asked for by the page's first HTML (``server.preview``), so it downloads while Streamlit's bundle loads
  and the script runs, not after them.

One geometry file per map's extent: a kabupaten's desa or kecamatan (display geometry), or a whole level
(the desa of the province use ``boundaries.overview``, as ``maps.is_overview`` says).

The features (each area's name, figures and fill: the province's desa are ~180 K characters) depend on the
data and the view, so they are named by their content hash and held in memory (:func:`hold`, bounded):
by the script run that draws the map, and by the page's first HTML, which computes the same file for its
view and asks for it at once (``server/mapfiles``). Chromium paces a websocket message by its inflated size;
as a file they travel compressed, and alongside Streamlit's bundle.

The map's message keeps the view: the files' URLs, the bounds to fit, the style and the labels
(``maps.coverage_parts``); ``server/mapfiles`` serves the files.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache

from . import boundaries
from .encode import OVERVIEW_PRECISION, PRECISION, encode_geometry
from .lru import LRU

LEVELS = ("kabupaten", "kecamatan", "desa")
URL_PREFIX = "/mapgeo/"
FEATURES_PREFIX = "/mapfeat/"
HELD_ENTRIES = 96  # more than ui/cache keeps map payloads (32): a map on screen keeps its file
HELD_BYTES = 64_000_000  # the province's desa are ~180 KB: hundreds of views
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


# features files by content hash, shared by the process's threads
_HELD: LRU[str, bytes] = LRU(HELD_ENTRIES, HELD_BYTES, size_of=len)


def features_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:24]


def features_url(body: bytes) -> str:
    """Where a features file is served (its name is its content hash: private data stays unguessable)."""
    return f"{FEATURES_PREFIX}{features_digest(body)}.json"


def hold(body: bytes) -> str:
    """Keep a features file for the process's sessions (again on every run that draws it); its URL."""
    _HELD.put(features_digest(body), body)
    return features_url(body)


def held(digest: str) -> bytes | None:
    return _HELD.get(digest)
