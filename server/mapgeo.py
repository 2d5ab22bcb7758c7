"""``/mapgeo/{key}.{hash}.json``: the map's geometry files (``geo.mapgeo``), kept by browsers for a year.

Each file is built and compressed once per process (brotli, else gzip: the geometry is short polylines,
so the encoding matters: the province's desa are 298 KB, 159 KB gzipped, 140 KB with brotli). The name
carries the content hash: a file never changes under its name, and a link made before new boundaries
asks for a name that no longer exists (404; the page it came from gets the new name on its next run).
Behind nginx the answer passes through compressed as it is (nginx does not compress it again).
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache

import brotli
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from geo import mapgeo

from .data import View

CACHE_CONTROL = "public, max-age=31536000, immutable"
_NAME = re.compile(r"^([a-z]+(?:-\d{2}\.\d{2})?)\.([0-9a-f]{16})\.json$")


def file_for(v: View) -> str:
    """The URL of the geometry file a view's map fetches (the rule of ``geo.maps.coverage_payload``)."""
    return mapgeo.url(mapgeo.key_for(v.level, v.frame["kode"]))


@lru_cache(maxsize=40)
def _packed(key: str, encoding: str) -> bytes:
    raw = mapgeo.body(key)
    if encoding == "br":
        return brotli.compress(raw, quality=11)
    if encoding == "gzip":
        return gzip.compress(raw, compresslevel=9)
    return raw


def _encoding(accept: str) -> str:
    tokens = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return "br" if "br" in tokens else "gzip" if "gzip" in tokens else "identity"


def _answer(name: str, accept: str) -> tuple[int, bytes, dict[str, str]]:
    m = _NAME.match(name)
    if m is None or mapgeo.parse_key(m.group(1)) is None or mapgeo.digest(m.group(1)) != m.group(2):
        return 404, b"not found", {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache"}
    key, encoding = m.group(1), _encoding(accept)
    headers = {
        "Content-Type": "application/json",
        "Cache-Control": CACHE_CONTROL,
        "ETag": f'"{m.group(2)}"',
        "Vary": "Accept-Encoding",
    }
    if encoding != "identity":
        headers["Content-Encoding"] = encoding
    return 200, _packed(key, encoding), headers


async def endpoint(request: Request) -> Response:
    """GET/HEAD one geometry file: 200 (compressed as the client accepts), 304 when it has it, else 404."""
    name = request.path_params["name"]
    status, body, headers = await run_in_threadpool(_answer, name, request.headers.get("accept-encoding", ""))
    if status == 200 and request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Encoding"})
    return Response(body, status_code=status, headers=headers)  # HEAD: the server sends the headers only
