"""Streamlit's own JS/CSS bundles gzipped on the embedded default, each compressed once per process.

Streamlit 1.67's ``SelectiveGZipMiddleware`` deliberately leaves ``/static/*`` uncompressed: Starlette's
gzip would re-compress every bundle on every request. Behind nginx the static copy is compressed there
(``deploy/staticfiles``); without nginx a phone fetched ~3 MB of script uncompressed. The bundles are
content-hashed and immutable, so the compressed bytes are cached per path and validator (bounded).
"""

from __future__ import annotations

import gzip

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from geo.lru import LRU

from .buffer import buffered

COMPRESSIBLE = ("application/javascript", "text/javascript", "text/css", "image/svg+xml", "application/json")
MIN_SIZE = 1024
CACHE_ENTRIES = 96  # Streamlit's bundle is ~80 chunks; ~6 MB compressed in all


class StaticGZipMiddleware:
    """gzip for GET ``/static/*`` JS/CSS/SVG/JSON when the client accepts it; 304s and ranges pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cache: LRU[tuple[str, str], bytes] = LRU(CACHE_ENTRIES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        req = Headers(scope=scope) if scope["type"] == "http" else None
        if (
            req is None
            or scope["method"] != "GET"
            or not scope["path"].startswith("/static/")
            or "gzip" not in req.get("accept-encoding", "")
            or "range" in req
        ):
            await self.app(scope, receive, send)
            return
        answer = await buffered(self.app, scope, receive)
        if answer is None:
            return
        status, headers, body = answer
        kind = headers.get("content-type", "").split(";")[0].strip()
        if status == 200 and kind in COMPRESSIBLE and len(body) >= MIN_SIZE and "content-encoding" not in headers:
            key = (scope["path"], headers.get("etag", "") or headers.get("last-modified", ""))
            packed = self.cache.get(key)
            if packed is None:
                packed = self.cache.put(key, await run_in_threadpool(gzip.compress, body, 9))
            body = packed
            headers["content-encoding"] = "gzip"
            headers["content-length"] = str(len(body))
            if "accept-encoding" not in headers.get("vary", "").lower():
                headers.add_vary_header("Accept-Encoding")
        await send({"type": "http.response.start", "status": status, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})
