"""A whole HTTP response from the app, held back so a middleware can rewrite it before it is sent.

Both rewriting middlewares (the page preview, the static gzip) need the complete body: Streamlit sends
its pages and bundles in one piece, so holding them costs no streaming.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope


async def buffered(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[int, MutableHeaders, bytes] | None:
    """(status, headers, body) of ``app``'s answer to ``scope``; None when it sent no response start."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    if start is None:
        return None
    return start["status"], MutableHeaders(raw=list(start["headers"])), b"".join(chunks)
