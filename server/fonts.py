"""Streamlit's two first-visit fonts, trimmed, on the embedded default (what nginx serves from its copy).

Streamlit serves Material Symbols (375 KB) and Source Sans (170 KB) in full; on Slow 4G that is ~2.7 s of
a phone's line before the map. Set-up (``python -m deploy fonts``, run by ``run.py``) writes the trimmed
files, same names, to ``.cache/fonts`` (deploy/fontsubset.py says what is kept). This middleware answers those
URLs from there, with the long cache their hashed names allow. Without the folder (a set-up that did not
run it) the request goes on to Streamlit: the full fonts, nothing breaks.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from geo.paths import fonts_dir

PREFIX = "/static/media/"
CACHE_CONTROL = "public, max-age=31536000, immutable"


class SlimFontsMiddleware:
    """GET/HEAD ``/static/media/<font>.woff2`` from the trimmed copy when there is one (read once per process)."""

    def __init__(self, app: ASGIApp, folder: Path | None = None) -> None:
        self.app = app
        self.folder = folder or fonts_dir()
        self.files: dict[str, tuple[bytes, str]] = {}
        if self.folder.is_dir():  # three files, ~150 KB in all: held in memory
            for f in sorted(self.folder.glob("*.woff2")):
                data = f.read_bytes()
                self.files[f.name] = (data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"')

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        hit = self.files.get(path[len(PREFIX) :]) if path.startswith(PREFIX) else None
        if hit is None or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        data, etag = hit
        headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag, "Access-Control-Allow-Origin": "*"}
        if Headers(scope=scope).get("if-none-match") == etag:
            response = Response(status_code=304, headers=headers)
        else:
            response = Response(b"" if scope["method"] == "HEAD" else data, media_type="font/woff2", headers=headers)
            if scope["method"] == "HEAD":
                response.headers["content-length"] = str(len(data))
        await response(scope, receive, send)
