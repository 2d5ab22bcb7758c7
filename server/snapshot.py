"""The snapshot images: ``/snapshot/{page}.png?<the view's query>``, 1200×630, cached per (view, data version).

A picture of exactly the view the same query opens on the page (``geo.view.shown.view``), drawn by the
PNG export's renderer (``geo.render.render_snapshot``). On the open internet a render (~1.2 s of CPU)
must not be a thing anyone can ask for at will:

- only canonical queries are drawn: the parameters the picture shows, each normalised (the target to
  the 0.01 the legend prints, codes and periods known, planning numbers in range, the page's own
  defaults left out); any other query is answered 308 to its canonical one, so equivalent links share
  one render and one cache entry (the picture's key is the canonical view's ``View.image_key``);
- renders run on one worker thread of their own with a bounded queue, never on the server's request
  threads or its event loop: a picture the worker can start at once is awaited; otherwise the request
  gets the last picture drawn for the same view (an older data version, with a short Cache-Control) or
  a quick 503 with Retry-After, while the render waits in the queue (when it has room);
- a client (its address, behind a trusted proxy the forwarded one) may cause only so many renders: the
  API's token bucket, its own table (``KALBAR_SNAPSHOT_RATE``); pictures already drawn cost no token;
- the pictures are kept in LRU caches bounded by entries and bytes.

The common links (the province and each kabupaten/kota's desa page) are rendered ahead in a background
thread at start-up and whenever the data in force changes, so a link shared in a chat never waits for
matplotlib. While viewing needs an account, every snapshot answers 401 (a picture shows the figures).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TypeVar
from urllib.parse import urlencode

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from geo import settings, viewstate
from geo.lru import LRU
from geo.ratelimit import RateLimit, rate_from_env
from geo.render import RenderError, inline_picture, render_snapshot
from geo.view.inforce import data_in_force
from geo.view.shown import PAGE_PATHS, view, views_to_render_ahead
from geo.view.shown import Shown as View
from geo.view.shown import default as default_for

from .httpapi import client_of, sign_in_required
from .mapfiles import features_for, file_for

log = logging.getLogger(__name__)
T = TypeVar("T")
NO_STORE = {"Cache-Control": "no-store"}
CACHE_ENTRIES = 48  # ~100 KB each: the 17 rendered ahead plus the links people actually open
CACHE_BYTES = 16 * 1024 * 1024  # PNG + inline WebP; with the stale pictures below, the snapshots' memory bound
STALE_ENTRIES, STALE_BYTES = 64, 8 * 1024 * 1024
CACHE_CONTROL = "public, max-age=60"  # short: a new version must show soon; the ETag makes a revalidation cheap
STALE_CACHE_CONTROL = "public, max-age=10"  # an older version's picture while the new one waits in the queue
REDIRECT_CACHE_CONTROL = "public, max-age=60"  # the canonical query depends on the data (periods, a pinned version)
WATCH_S = 5.0  # how often the render-ahead thread looks at the data in force
WORKERS = 1  # render threads (the live sessions keep the other core)
QUEUE = 4  # renders waiting for the worker, at most; beyond, a request is answered stale or 503 at once
WAIT_S = 20.0  # how long a request awaits a render the worker took at once (then 503)
RETRY_AFTER_S = 5
PREVIEW_THREADS = 4  # request threads the snapshots' and the previews' view work may hold at once (of anyio's 40)
RATE_ENV = "KALBAR_SNAPSHOT_RATE"  # "per_minute[,burst]" of renders one client may cause; "0": no limit
DEFAULT_RATE = (20.0, 10.0)
IMAGE_PARAMS = ("level", "kab", "kec", "period", "target", "color", "lang", "iuran", "bulan", "v")  # what it draws
TARGET_DIGITS = 2  # the legend and the figures print the target with two decimals


@dataclass(frozen=True)
class Image:
    png: bytes
    etag: str
    render_s: float  # how long the cold render took (stated in the report, logged)
    inline: str  # the small WebP as a data: URI, for the first HTML response (server/preview.py)

    @property
    def size(self) -> int:
        return len(self.png) + len(self.inline)


_images: LRU[tuple, Image] = LRU(CACHE_ENTRIES, CACHE_BYTES, size_of=lambda i: i.size)
_stale: LRU[tuple, Image] = LRU(STALE_ENTRIES, STALE_BYTES, size_of=lambda i: i.size)  # view (no data key) -> last
_render_lock = threading.Lock()
limiter = RateLimit(*rate_from_env(settings.env(RATE_ENV), DEFAULT_RATE))
# Shared with server/preview.py: a burst of new queries waits here, on the event loop, instead of taking every
# worker thread (the API, the static files and the live app's own requests need them too).
view_threads = anyio.CapacityLimiter(PREVIEW_THREADS)


async def in_thread(fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` on a worker thread, at most ``PREVIEW_THREADS`` of them for this work."""
    return await anyio.to_thread.run_sync(fn, *args, limiter=view_threads)


# --- the canonical view ---------------------------------------------------------------------------------


def round_target(raw: str) -> str:
    """A ``target`` parameter rounded to what the picture prints (unreadable values pass: the parser drops them)."""
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return raw
    return f"{round(number, TARGET_DIGITS):g}" if math.isfinite(number) else raw


def drawn_params(query: Mapping[str, str | list[str]]) -> dict[str, str]:
    """The parameters a picture can depend on, their last value, the target rounded: what to ask ``view`` for."""
    out: dict[str, str] = {}
    for name in IMAGE_PARAMS:
        raw = query.get(name)
        value = raw[-1] if isinstance(raw, list) and raw else raw if isinstance(raw, str) else None
        if value is not None:
            out[name] = round_target(value.strip()) if name == "target" else value
    return out


def canonical_query(v: View) -> dict[str, str]:
    """The snapshot query of a view: what its picture draws, each value normalised, the page's defaults left
    out. Asking ``view`` for it gives the same query back (a fixed point), so it names one picture."""
    s, default = v.state, default_for(v.page)
    desa = v.page == "desa"  # the summary and the Kabupaten page always draw the province's kabupaten/kota
    state = replace(
        default,
        level=s.level if desa else default.level,
        kab=s.kab if desa else None,
        kec=s.kec if desa else None,
        period=s.period if s.period in v.data.periods else None,
        target=None if s.target is None else round(float(s.target), TARGET_DIGITS),
        color=s.color,
        lang=s.lang,
        iuran=s.iuran,
        bulan=s.bulan,
        version=v.data.pinned,
    )
    return viewstate.to_query(state, default)


def snapshot_view(v: View) -> View:
    """The view whose picture a page shows: its canonical query's (the same view when it is canonical already)."""
    query = canonical_query(v)
    same = {k: val for k, val in v.query.items() if k in IMAGE_PARAMS} == query
    if same and v.state.target == (None if "target" not in query else float(query["target"])):
        return v
    return view(v.path, query) or v


def image_path(v: View) -> str:
    """The snapshot's path and canonical query for a view (equal views share one URL, no redirect)."""
    query = urlencode(canonical_query(v))
    return f"/snapshot/{v.page}.png" + (f"?{query}" if query else "")


# --- rendering ------------------------------------------------------------------------------------------


def _stale_key(key: tuple) -> tuple:
    return key[1:]  # the view without the data version: its last picture, drawn from older data


def image(v: View) -> Image:
    """The view's snapshot, from the cache or rendered now (under the one render lock: the render-ahead thread
    and the render worker never draw at the same time)."""
    key = v.image_key
    if (hit := _images.get(key)) is not None:
        return hit
    with _render_lock:
        if (hit := _images.get(key)) is not None:  # rendered while this thread waited
            return hit
        start = time.perf_counter()
        png = render_snapshot(v.frame, v.level, **v.render_args())
        inline = "data:image/webp;base64," + base64.b64encode(inline_picture(png)).decode("ascii")
        took = time.perf_counter() - start
    etag = '"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'
    log.info("snapshot %s %s rendered in %.2f s (%d bytes)", v.level, v.state.kab or "61", took, len(png))
    img = Image(png, etag, took, inline)
    _stale.put(_stale_key(key), img)
    return _images.put(key, img)


def cached(v: View) -> Image | None:
    """The picture of ``v``'s canonical view, if drawn already."""
    return _images.get(snapshot_view(v).image_key)


class Renderer:
    """Renders on ``workers`` threads of its own, with at most ``queue`` renders waiting; one render per key."""

    def __init__(self, workers: int = WORKERS, queue: int = QUEUE) -> None:
        self.workers, self.queue = workers, queue
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="snapshot-render")
        self._pending: dict[tuple, Future] = {}
        self._lock = threading.Lock()

    def submit(self, v: View) -> tuple[Future | None, bool]:
        """(the render's future, whether a worker takes it at once); (None, False) when the queue is full."""
        key = v.image_key
        with self._lock:
            if (fut := self._pending.get(key)) is not None:
                return fut, fut.running()
            if len(self._pending) >= self.workers + self.queue:
                return None, False
            at_once = len(self._pending) < self.workers
            fut = self._pool.submit(image, v)
            self._pending[key] = fut
        fut.add_done_callback(lambda _f: self._done(key))
        return fut, at_once

    def _done(self, key: tuple) -> None:
        with self._lock:
            self._pending.pop(key, None)

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)


renderer = Renderer()


def _plain(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return Response(text, status_code=status, media_type="text/plain", headers={**NO_STORE, **(headers or {})})


async def endpoint(request: Request) -> Response:
    """GET /snapshot/{page}.png: the image (304 when the client has it); 308 to the canonical query; a stale
    picture or 503 while the render waits; 429 past the client's renders; 404 for an unknown page; 401 while
    viewing needs an account (a picture of the map shows its figures)."""
    if sign_in_required():
        return _plain(401, "sign in required")
    page = request.path_params["page"]
    path = PAGE_PATHS.get(page)
    if path is None:
        return _plain(404, "not found")
    v = await in_thread(view, path, drawn_params(_multi(request)))
    if v is None:
        return _plain(404, "not found")
    query = canonical_query(v)
    if request.query_params.multi_items() != list(query.items()):
        target = f"/snapshot/{page}.png" + (f"?{urlencode(query)}" if query else "")
        return RedirectResponse(target, status_code=308, headers={"Cache-Control": REDIRECT_CACHE_CONTROL})
    img = _images.get(v.image_key)
    if img is None:
        if (wait := limiter.take(client_of(request))) > 0:
            return _plain(429, "too many new pictures", {"Retry-After": str(max(1, math.ceil(wait)))})
        try:
            img = await _render(v)
        except RenderError:
            return _plain(404, "not found")
        if img is None:
            if (old := _stale.get(_stale_key(v.image_key))) is not None:
                return _png(request, old, STALE_CACHE_CONTROL, etag=False)
            return _plain(503, "the picture is being drawn", {"Retry-After": str(RETRY_AFTER_S)})
    return _png(request, img, CACHE_CONTROL)


async def _render(v: View) -> Image | None:
    """The picture, when the worker can draw it at once (awaited without holding a thread); else None (queued
    when the queue has room)."""
    fut, at_once = renderer.submit(v)
    if fut is None or not at_once:
        return None
    try:
        return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), WAIT_S)
    except TimeoutError:
        return None


def _png(request: Request, img: Image, cache_control: str, etag: bool = True) -> Response:
    headers = {"Cache-Control": cache_control}
    if etag:
        headers["ETag"] = img.etag
        if request.headers.get("if-none-match") == img.etag:
            return Response(status_code=304, headers=headers)
    return Response(img.png, media_type="image/png", headers=headers)


def _multi(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        out.setdefault(name, []).append(value)
    return out


class RenderAhead:
    """A daemon thread: renders the common links for the data in force, again whenever that changes."""

    def __init__(self, every_s: float = WATCH_S) -> None:
        self.every_s = every_s
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="snapshot-render-ahead", daemon=True)
        self.done_for: str | None = None  # the data key last rendered ahead (tests and logs read it)

    def start(self) -> RenderAhead:
        self.thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                key = data_in_force(None).key
                if key != self.done_for:
                    start = time.perf_counter()
                    for path, query in views_to_render_ahead():
                        if self.stop.is_set():
                            return
                        v = view(path, query)
                        if v is not None:
                            image(v)
                            file_for(v)  # the map's files: the geometry built and hashed once per process,
                            features_for(v)  # the features held
                    self.done_for = key
                    log.info("snapshots rendered ahead for %s in %.1f s", key, time.perf_counter() - start)
            except Exception:  # never let a bad table stop the thread: the next request renders on demand
                log.exception("rendering snapshots ahead failed")
            self.stop.wait(self.every_s)
