"""HTTP done once for the open-data routes (``/api/v1``, ``/ogc``): cached bodies with ETags, 304s, gzip,
CORS, JSON errors (never a traceback) and a per-client rate limit.

Every answer is built once per (data version, query) in a worker thread, one build at a time (the live
sessions keep a core), and kept in a cache bounded by entries and bytes: its ETag is the body's hash
and its gzip is compressed once. Streamlit's own gzip middleware passes an already compressed body
through, so nothing is compressed per request. A client is its address: the connection's peer, or behind a
trusted proxy (``KALBAR_TRUSTED_PROXIES``, 127.0.0.1 by default) its ``X-Forwarded-For`` (``geo.signin``).
The same token bucket (``geo.ratelimit``) guards the snapshots and the link-preview work (server/snapshot.py,
server/preview.py), each with its own bucket table.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from functools import wraps

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from geo import settings
from geo.access import SECRETS_SECTION, AccessSettings
from geo.lru import LRU
from geo.opendata import dumps
from geo.ratelimit import RateLimit, rate_from_env
from geo.signin import client_address
from geo.text import t

log = logging.getLogger(__name__)

CACHE_CONTROL = "public, max-age=60"  # short: a new version must show soon; the ETag makes revalidation cheap
PINNED_CACHE_CONTROL = "public, max-age=3600"  # ?v=N: a pinned version's figures only change if one is retracted
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Retry-After, Content-Disposition",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, Cache-Control",
    "Access-Control-Max-Age": "86400",
}
GZIP_MIN = 1024
CACHE_ENTRIES = 256
CACHE_BYTES = 96 * 1024 * 1024  # the province's desa GeoJSON is ~4 MB (~1 MB gzipped)
RATE_ENV = "KALBAR_API_RATE"  # "per_minute[,burst]"; "0" turns the limit off (the bench measures capacity)
DEFAULT_RATE = (600.0, 120.0)  # 10 a second sustained, 120 at once (a GIS client paging a layer)


class ApiError(Exception):
    """An answer that is an error: its status, message key and the parameter it names."""

    def __init__(
        self, status: int, key: str, param: str | None = None, headers: dict[str, str] | None = None, **params: object
    ) -> None:
        super().__init__(key)
        self.status, self.key, self.param, self.headers, self.params = status, key, param, headers or {}, params

    def response(self, lang: str = "id") -> Response:
        return error(self.status, self.key, lang, self.param, self.headers, **self.params)


def error(
    status: int,
    key: str,
    lang: str = "id",
    param: str | None = None,
    headers: dict[str, str] | None = None,
    **params: object,
) -> Response:
    """``{"error": {"status", "parameter"?, "message", "message_en"}}``; messages in Indonesian and English."""
    body: dict[str, object] = {"status": status}
    if param is not None:
        body["parameter"] = param
    texts = {"param": param, **params}
    body["message"] = t(key, "id", **texts)
    body["message_en"] = t(key, "en", **texts)
    return Response(
        dumps({"error": body}),
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


# --- bodies: built once, cached, answered with ETag and gzip ------------------------------------------


@dataclass(frozen=True)
class Body:
    content: bytes
    media_type: str
    etag: str
    gzipped: bytes | None
    filename: str | None = None

    @property
    def size(self) -> int:
        return len(self.content) + len(self.gzipped or b"")


def body(content: bytes, media_type: str, filename: str | None = None) -> Body:
    """A body with its ETag (its hash: the same bytes, the same tag) and, when worth it, its gzip."""
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    packed = gzip.compress(content, compresslevel=6, mtime=0) if len(content) >= GZIP_MIN else None
    return Body(content, media_type, etag, packed, filename)


_bodies: LRU[Hashable, Body] = LRU(CACHE_ENTRIES, CACHE_BYTES, size_of=lambda b: b.size)
_build_lock = threading.Lock()


def _build(key: Hashable, build: Callable[[], Body]) -> Body:
    with _build_lock:
        if (hit := _bodies.get(key)) is not None:  # built while this request waited
            return hit
        return _bodies.put(key, build())


async def answer(
    request: Request, key: Hashable, build: Callable[[], Body], cache_control: str = CACHE_CONTROL
) -> Response:
    """The cached body for ``key`` (built in a worker thread when missing), as ``send`` answers it."""
    hit = _bodies.get(key)
    if hit is None:
        hit = await run_in_threadpool(_build, key, build)
    return send(request, hit, cache_control)


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        name, _, q = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return q.strip().replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def send(request: Request, b: Body, cache_control: str = CACHE_CONTROL) -> Response:
    """200 with the body (gzipped when the client takes it), or 304 when ``If-None-Match`` has its ETag."""
    headers = {"ETag": b.etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if b.filename:
        headers["Content-Disposition"] = f'inline; filename="{b.filename}"'
    seen = request.headers.get("if-none-match")
    if seen is not None and (seen.strip() == "*" or b.etag in _tags(seen)):
        return Response(status_code=304, headers=headers)
    if b.gzipped is not None and accepts_gzip(request):
        return Response(b.gzipped, media_type=b.media_type, headers={**headers, "Content-Encoding": "gzip"})
    return Response(b.content, media_type=b.media_type, headers=headers)


# --- who may ask, and how often -----------------------------------------------------------------------


limiter = RateLimit(*rate_from_env(settings.env(RATE_ENV), DEFAULT_RATE))


def client_of(request: Request) -> str:
    """The client a rate limit counts: the peer, or behind a trusted proxy the address it forwarded (as the
    sign-in counts failures: ``geo.signin.client_address``), so one visitor behind nginx is not everyone."""
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers, access_settings().trusted_proxies)


_settings: tuple[float, AccessSettings] = (-1e9, AccessSettings())
SIGN_IN_TTL_S = 10.0


def access_settings() -> AccessSettings:
    """The access settings (environment and ``[access]`` in secrets.toml, read as Streamlit finds it), read at
    most every ten seconds."""
    global _settings
    at, value = _settings
    if time.monotonic() - at < SIGN_IN_TTL_S:
        return value
    value = AccessSettings.read(settings.environ(), settings.secrets_section(SECRETS_SECTION))
    _settings = (time.monotonic(), value)
    return value


def sign_in_required() -> bool:
    """Whether viewing needs an account (``KALBAR_REQUIRE_SIGN_IN`` or ``[access]`` in secrets.toml); then the
    open API answers 401."""
    return access_settings().require_sign_in


def request_lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "id"


Handler = Callable[[Request], Awaitable[Response]]


def endpoint(handler: Handler) -> Handler:
    """An open-data route: CORS on every answer, OPTIONS preflight, the rate limit, sign-in when viewing
    needs it, and any failure as a JSON error (an unexpected one is logged, never shown as a traceback)."""

    @wraps(handler)
    async def run(request: Request) -> Response:
        lang = request_lang(request)
        if request.method == "OPTIONS":
            response = Response(status_code=204, headers=PREFLIGHT)
        elif (wait := limiter.take(client_of(request))) > 0:
            seconds = max(1, math.ceil(wait))
            response = error(
                429, "api.error.rate_limited", lang, headers={"Retry-After": str(seconds)}, seconds=seconds
            )
        elif sign_in_required():
            response = error(401, "api.error.sign_in", lang)
        else:
            try:
                response = await handler(request)
            except ApiError as exc:
                response = exc.response(lang)
            except Exception:  # noqa: BLE001 - a visitor gets a JSON error; the log gets the traceback
                log.exception("open-data request failed: %s", request.url.path)
                response = error(500, "api.error.server", lang)
        response.headers.update(CORS)
        return response

    return run
