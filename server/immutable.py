"""Cache lifetimes on the embedded default for the map's files (as nginx gives them).

Streamlit serves a component's files with ``Cache-Control: public`` and no lifetime or validator, so a browser
need not keep them: the map's script (st_folium's ``main.<hash>.js``, 55 KB) preloaded by nginx's first-visit
script (``server.firstvisit``) was downloaded a second time by the map's iframe. Names with a content hash
never change content: cache them for a year. Leaflet (the app's static ``vendor/``, no hash in its name) gets an
hour, so the copy the page preloads (``server.firstvisit``) is the one the map's iframe uses.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from streamlit_boundary.urls import APP_STATIC

HASHED = re.compile(r"^/component/[^/]+/static/.+\.[0-9a-f]{8}\.(?:js|css)$")
CACHE_CONTROL = "public, max-age=31536000, immutable"
VENDOR = APP_STATIC + "/vendor/"
VENDOR_CACHE_CONTROL = "public, max-age=3600"  # as nginx's location for the app's static files


class ImmutableComponentFiles:
    """Sets the year-long ``Cache-Control`` on 200 answers for ``/component/*/static/*.<hash>.(js|css)``, an
    hour's for the app's static ``vendor/*``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        lifetime = CACHE_CONTROL if HASHED.match(path) else VENDOR_CACHE_CONTROL if path.startswith(VENDOR) else None
        if lifetime is None:
            await self.app(scope, receive, send)
            return

        async def send_with_cache(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                MutableHeaders(scope=message)["cache-control"] = lifetime
            await send(message)

        await self.app(scope, receive, send_with_cache)
