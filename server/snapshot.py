"""The snapshot images: ``/snapshot/{page}.png?<the view's query>``, 1200×630, cached per (view, data version).

A picture of exactly the view the same query opens on the page (``geo.view.shown.view``), drawn by the
PNG export's renderer (``geo.render.render_snapshot``). Renders are serialised (one at a time per
process, so the live sessions keep a core) and kept in a bounded LRU; the common links (the province
and each kabupaten/kota's desa page) are rendered ahead in a background thread at start-up and
whenever the data in force changes, so a link shared in a chat never waits for matplotlib.
While viewing needs an account, every snapshot answers 401 (a picture of the map shows its figures).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from geo.lru import LRU
from geo.render import RenderError, inline_picture, render_snapshot
from geo.view.inforce import data_in_force
from geo.view.shown import PAGE_PATHS, view, views_to_render_ahead
from geo.view.shown import Shown as View

from .httpapi import sign_in_required
from .mapgeo import features_for, file_for

log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store"}
CACHE_ENTRIES = 48  # ~100 KB each: the 15 rendered ahead plus the links people actually open
CACHE_CONTROL = "public, max-age=60"  # short: a new version must show soon; the ETag makes a revalidation cheap
WATCH_S = 5.0
IMAGE_PARAMS = (
    "level",
    "kab",
    "kec",
    "period",
    "target",
    "color",
    "lang",
    "iuran",
    "bulan",
    "v",
)  # what it draws  # how often the render-ahead thread looks at the data in force


@dataclass(frozen=True)
class Image:
    png: bytes
    etag: str
    render_s: float  # how long the cold render took (stated in the report, logged)
    inline: str  # the small WebP as a data: URI, for the first HTML response (server/preview.py)


_images: LRU[tuple, Image] = LRU(CACHE_ENTRIES)
_render_lock = threading.Lock()


def image(v: View) -> Image:
    """The view's snapshot, from the cache or rendered now (under the one render lock)."""
    key = v.image_key
    if (hit := _images.get(key)) is not None:
        return hit
    with _render_lock:
        if (hit := _images.get(key)) is not None:  # rendered while this request waited
            return hit
        start = time.perf_counter()
        png = render_snapshot(v.frame, v.level, **v.render_args())
        inline = "data:image/webp;base64," + base64.b64encode(inline_picture(png)).decode("ascii")
        took = time.perf_counter() - start
    etag = '"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'
    log.info("snapshot %s %s rendered in %.2f s (%d bytes)", v.level, v.state.kab or "61", took, len(png))
    return _images.put(key, Image(png, etag, took, inline))


def cached(v: View) -> Image | None:
    return _images.get(v.image_key)


def image_path(v: View) -> str:
    """The snapshot's path and query for a view (the query normalised, so equal views share one URL)."""
    query = urlencode({k: val for k, val in v.query.items() if k in IMAGE_PARAMS})
    return f"/snapshot/{v.page}.png" + (f"?{query}" if query else "")


async def endpoint(request: Request) -> Response:
    """GET /snapshot/{page}.png: the image, 304 when the client has it, 404 for an unknown page; 401 while
    viewing needs an account (a picture of the map shows its figures)."""
    if sign_in_required():
        return Response("sign in required", status_code=401, media_type="text/plain", headers=NO_STORE)
    page = request.path_params["page"]
    path = PAGE_PATHS.get(page)
    if path is None:
        return Response("not found", status_code=404, media_type="text/plain")
    v = await run_in_threadpool(view, path, _multi(request))
    if v is None:
        return Response("not found", status_code=404, media_type="text/plain")
    img = cached(v)
    if img is None:
        try:
            img = await run_in_threadpool(image, v)
        except RenderError:
            return Response("not found", status_code=404, media_type="text/plain")
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": img.etag}
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
