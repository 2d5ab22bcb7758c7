"""The map's files (``geo.mapgeo``): ``/mapgeo/{key}.{hash}.json`` (geometry) and ``/mapfeat/{hash}.json``
(features), both named by content and kept by browsers for a year.

The page's first HTML asks for both (``server.preview``): :func:`features_for` holds the features a view's
map draws, worked out by the same core as the page's script run (``geo.view.shown.map_parts``), so the file
the first HTML names is the file the map asks for.

Each file is built and compressed once per process (brotli, else gzip: the geometry is short polylines,
so the encoding matters: the province's desa are 298 KB, 159 KB gzipped, 140 KB with brotli). The name
carries the content hash: a file never changes under its name, and a link made before new boundaries
asks for a name that no longer exists (404; the page it came from gets the new name on its next run).
Behind nginx the answer passes through compressed as it is (nginx does not compress it again).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from functools import lru_cache

import brotli
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from geo import mapgeo
from geo.lru import LRU
from geo.view.shown import Shown, map_parts

from .sessioncookie import refusal

CACHE_CONTROL = "public, max-age=31536000, immutable"
FEATURES_CACHE_CONTROL = "private, max-age=31536000, immutable"  # a visitor's upload may be in one: no shared cache
_NAME = re.compile(r"^([a-z]+(?:-\d{2}\.\d{2})?)\.([0-9a-f]{16})\.json$")
_FEATURES_NAME = re.compile(r"^([0-9a-f]{24})\.json$")
_packed_features: LRU[tuple[str, str], bytes] = LRU(64)


def file_for(v: Shown) -> str:
    """The URL of the geometry file a view's map fetches (the rule of ``geo.maps.coverage_payload``)."""
    return mapgeo.url(mapgeo.key_for(v.level, v.frame["kode"]))


def features_for(v: Shown) -> str:
    """The URL of the features file a view's map draws, held for this process (as the page's run holds it)."""
    return mapgeo.hold(map_parts(v)[1])


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


Answer = tuple[int, bytes, dict[str, str]]


def _not_found(cache_control: str) -> Answer:
    return 404, b"not found", {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": cache_control}


def _found(body: bytes, digest: str, media_type: str, cache_control: str, encoding: str) -> Answer:
    """200 with the file's headers (its hash as ETag); ``body`` already compressed as ``encoding`` says."""
    headers = {
        "Content-Type": media_type,
        "Cache-Control": cache_control,
        "ETag": f'"{digest}"',
        "Vary": "Accept-Encoding",
    }
    if encoding != "identity":
        headers["Content-Encoding"] = encoding
    return 200, body, headers


def _answer(name: str, accept: str) -> Answer:
    m = _NAME.match(name)
    if m is None or mapgeo.parse_key(m.group(1)) is None or mapgeo.digest(m.group(1)) != m.group(2):
        return _not_found("no-cache")
    encoding = _encoding(accept)
    return _found(_packed(m.group(1), encoding), m.group(2), "application/json", CACHE_CONTROL, encoding)


def _features_answer(name: str, accept: str) -> Answer:
    m = _FEATURES_NAME.match(name)
    body = mapgeo.held(m.group(1)) if m else None
    if body is None:
        return _not_found("no-store")
    encoding = _encoding(accept)
    if encoding != "identity":
        key = (m.group(1), encoding)
        packed = _packed_features.get(key)
        if packed is None:  # a few ms: one view's features, compressed once per process
            fast = brotli.compress(body, quality=5) if encoding == "br" else gzip.compress(body, compresslevel=6)
            packed = _packed_features.put(key, fast)
        body = packed
    return _found(body, m.group(1), "application/json; charset=utf-8", FEATURES_CACHE_CONTROL, encoding)


async def _respond(request: Request, answer: Callable[[str, str], Answer]) -> Response:
    """GET/HEAD one file: 200 (compressed as the client accepts), 304 when it has it, else 404."""
    name, accept = request.path_params["name"], request.headers.get("accept-encoding", "")
    status, body, headers = await run_in_threadpool(answer, name, accept)
    if status == 200 and request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Encoding"})
    return Response(body, status_code=status, headers=headers)  # HEAD: the server sends the headers only


async def endpoint(request: Request) -> Response:
    """A geometry file (always answerable: built from the pinned boundaries); 401 while viewing needs sign-in."""
    if (refused := await refusal(request)) is not None:
        return refused
    return await _respond(request, _answer)


async def features_endpoint(request: Request) -> Response:
    """A features file, while this process holds it; 401 while viewing needs sign-in."""
    if (refused := await refusal(request)) is not None:
        return refused
    return await _respond(request, _features_answer)
