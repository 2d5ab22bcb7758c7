"""A long cache for the map component's content-hashed files on the embedded default (as nginx gives them).

Streamlit serves a component's files with ``Cache-Control: public`` and no lifetime or validator, so a browser
need not keep them: the map's script (st_folium's ``main.<hash>.js``, 55 KB) preloaded by nginx's first-visit
script (``server.firstvisit``) was downloaded a second time by the map's iframe. Names with a content hash
never change content: cache them for a year.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HASHED = re.compile(r"^/component/[^/]+/static/.+\.[0-9a-f]{8}\.(?:js|css)$")
CACHE_CONTROL = "public, max-age=31536000, immutable"


class ImmutableComponentFiles:
    """Sets the year-long ``Cache-Control`` on 200 answers for ``/component/*/static/*.<hash>.(js|css)``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not HASHED.match(scope.get("path", "")):
            await self.app(scope, receive, send)
            return

        async def send_with_cache(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                MutableHeaders(scope=message)["cache-control"] = CACHE_CONTROL
            await send(message)

        await self.app(scope, receive, send_with_cache)
