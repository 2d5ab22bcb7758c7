"""Read the upstream MySQL dumps (``INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES ...``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

# One value tuple: ('kode','nama',lat,lng,'[[...]]'); names escape quotes SQL-style ('').
_ROW = re.compile(
    r"\(\s*'((?:[^']|'')*)'\s*,\s*'((?:[^']|'')*)'\s*,\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*,\s*'([^']*)'\s*\)"
)


@dataclass(frozen=True)
class Record:
    kode: str
    nama: str
    lat: float
    lng: float
    path: list  # nested JSON of [lat, lng] pairs, depth 3 (polygon) or 4 (multipolygon)


def parse_dump(text: str) -> Iterator[Record]:
    body = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # the licence header
    for m in _ROW.finditer(body):
        kode, nama, lat, lng, path = m.groups()
        yield Record(kode, nama.replace("''", "'"), float(lat), float(lng), json.loads(path))


def path_depth(path: list) -> int:
    depth = 0
    node = path
    while isinstance(node, list) and node:
        depth += 1
        node = node[0]
    return depth
