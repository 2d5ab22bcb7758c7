"""The first HTML response of a view URL: link-preview tags and the instant picture, put into Streamlit's page.

Streamlit answers every page path with the same single page (``streamlit_boundary.frontend``); a chat
app's robot (which runs no JavaScript) and a phone on a weak signal see nothing until its scripts have loaded
and a session has run. This middleware adds, to the HTML of the three map pages only:

- in ``<head>``: ``<title>``, ``description``, ``og:*`` and ``twitter:card`` for exactly that view
  (area and level, coverage against target, areas below target, the stamp or the sample label,
  the snapshot as ``og:image``);
- at the end of ``<body>``: a block with the same figures and the snapshot image, shown at once and hidden
  by CSS (no script) as soon as the live app has drawn its figures or its map.

Everything a user or a link controls goes through ``html.escape``; the block carries no script.
While viewing needs an account (``KALBAR_REQUIRE_SIGN_IN``) the page gets only the app's name and "sign in
to see this map": no figures, no picture, no map files (the snapshots and the open data answer 401 then).

On the open internet anyone can vary a page's query, so the work behind these tags is bounded: the view is
worked out from the normalised query (the parameters a page reads, their last value, the target rounded as
the snapshot rounds it) on at most a few worker threads, so equivalent queries share one view; the only
part that depends on a search (``q``) is which areas the map greys, and the features file is keyed on those
areas, so ``?q=x1`` and ``?q=x2`` share it. A features file not made yet is made by one thread at a time (a
busy slot: no preload, the map fetches its own) and takes a token from the client's bucket (the API's
token bucket, ``KALBAR_PREVIEW_RATE``): past it, the page comes without the features preload.
"""

from __future__ import annotations

import gzip
import html
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import fields
from urllib.parse import urlencode

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from geo import fmt, settings
from geo.lru import LRU
from geo.origin import public_origin
from geo.ratelimit import RateLimit, rate_from_env
from geo.render import SNAPSHOT_PX
from geo.text import t
from geo.view.shown import PATHS, view
from geo.view.shown import Shown as View
from geo.viewstate import URL_NAMES, ViewState
from streamlit_boundary import dom

from . import firstvisit
from .buffer import buffered
from .httpapi import client_of, sign_in_required
from .mapfiles import features_for, file_for
from .snapshot import cached, image_path, in_thread, round_target

# The inner app must send plain, complete HTML: no gzip (we change the body) and no 304 (we change the ETag's meaning).
_DROP_REQUEST_HEADERS = {b"accept-encoding", b"if-none-match", b"if-modified-since"}
_DROP_RESPONSE_HEADERS = {"content-length", "etag", "last-modified", "content-encoding"}
GZIP_MIN = 1000
# Streamlit's bundle (its module script, ~60 modulepreloads, the text font's preload): moved from <head> to after the
# instant block, so on a weak signal the HTML with the picture inside arrives before ~1.7 MB of script start to
# share the line. Module scripts run after parsing either way: nothing changes in the order they run.
_BUNDLE = re.compile(r'\s*<script type="module"[^>]*></script>|\s*<link\b[^>]*\brel="(?:modulepreload|preload)"[^>]*>')

# Hidden once the live app shows its figures, its map, a form, an error or a message: CSS only, no script.
# (Streamlit's own elements, by their test ids: streamlit_boundary.dom; the block is a fixed layer above #root.)
CSS = dom.css("""<style>
#pjk-instant{position:fixed;inset:0;z-index:999990;overflow:auto;background:#fff;color:#262730;
font-family:"Source Sans",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:.75rem 1rem}
#pjk-instant .pjk-in{max-width:1200px;margin:0 auto}
#pjk-instant .pjk-title{font-size:1.35rem;font-weight:700;line-height:1.25;margin:.25rem 0 .4rem}
#pjk-instant p{margin:.2rem 0;font-size:1rem;line-height:1.4}
#pjk-instant .pjk-label{display:inline-block;font-size:.875rem;padding:.1rem .5rem;border-radius:.3rem;color:#444}
#pjk-instant .pjk-sample{background:#fff3cd;border:1px solid #b8860b;color:#5c4400;font-weight:600}
#pjk-instant .pjk-fig{font-size:1.15rem}
#pjk-instant img{display:block;width:100%;height:auto;margin:.5rem 0;border:1px solid #ddd}
#pjk-instant .pjk-note{font-size:.875rem;color:#555}
body:has([testid=stMetric],[testid=stIFrame],iframe,[testid=stException],
[testid=stForm],[testid=stAlert]) #pjk-instant{display:none}
</style>""")

log = logging.getLogger(__name__)
RATE_ENV = "KALBAR_PREVIEW_RATE"  # "per_minute[,burst]" of new page queries a client may ask; "0": no limit
DEFAULT_RATE = (60.0, 30.0)
limiter = RateLimit(*rate_from_env(settings.env(RATE_ENV), DEFAULT_RATE))
SEEN_ENTRIES = 1024  # the features files made lately (one asked again costs no token)
FEATURES_WAIT_S = 0.05  # how long a page waits for the features slot (a hit takes milliseconds)
_seen: LRU[tuple, bool] = LRU(SEEN_ENTRIES)
_features_slot = threading.Semaphore(1)
PAGE_PARAMS = tuple(URL_NAMES.get(f.name, f.name) for f in fields(ViewState))


def page_params(query: Mapping[str, list[str]]) -> dict[str, str]:
    """What a page reads from its query: the view's parameters, their last value, the target rounded."""
    out: dict[str, str] = {}
    for name in PAGE_PARAMS:
        if values := query.get(name):
            out[name] = round_target(values[-1].strip()) if name == "target" else values[-1]
    return out


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def figures(v: View) -> tuple[str, str]:
    """(coverage against target, areas below target) as plain text in the view's language."""
    lang, tot = v.lang, v.tot
    if not tot.areas_with_data:
        return t("preview.no_data", lang), ""
    coverage = t(
        "preview.coverage",
        lang,
        coverage=fmt.percent(tot.coverage, lang),
        target=fmt.percent(tot.target, lang),
        diff=fmt.points(tot.coverage - tot.target, lang),
    )
    below = t(
        "preview.below",
        lang,
        n=fmt.number(tot.below, lang),
        total=fmt.number(tot.areas_with_data, lang),
        level=t(f"level.{v.level}", lang),
    )
    return coverage, below


def description(v: View) -> str:
    coverage, below = figures(v)
    return " · ".join(part for part in (coverage, below, v.label) if part)


def head_tags(v: View, page_url: str, image_url: str) -> str:
    """``<title>``, description, Open Graph and Twitter card tags; every value escaped."""
    desc = description(v)
    width, height = SNAPSHOT_PX
    tags = [
        f"<title>{_e(v.preview_title)}</title>",
        f'<meta name="description" content="{_e(desc)}" />',
        '<meta property="og:type" content="website" />',
        f'<meta property="og:site_name" content="{_e(t("app.title", v.lang))}" />',
        f'<meta property="og:locale" content="{"en_US" if v.lang == "en" else "id_ID"}" />',
        f'<meta property="og:title" content="{_e(v.preview_title)}" />',
        f'<meta property="og:description" content="{_e(desc)}" />',
        f'<meta property="og:url" content="{_e(page_url)}" />',
        f'<meta property="og:image" content="{_e(image_url)}" />',
        '<meta property="og:image:type" content="image/png" />',
        f'<meta property="og:image:width" content="{width}" />',
        f'<meta property="og:image:height" content="{height}" />',
        f'<meta property="og:image:alt" content="{_e(t("preview.alt", v.lang, title=v.preview_title))}" />',
        '<meta name="twitter:card" content="summary_large_image" />',
        f'<meta name="twitter:title" content="{_e(v.preview_title)}" />',
        f'<meta name="twitter:description" content="{_e(desc)}" />',
        f'<meta name="twitter:image" content="{_e(image_url)}" />',
    ]
    return "\n    ".join(tags)


def private_tags(lang: str) -> str:
    """While viewing needs an account: the app's name and that one must sign in; no figures, no picture."""
    name, note = _e(t("app.title", lang)), _e(t("preview.private", lang))
    return "\n    ".join(
        [
            f"<title>{name}</title>",
            f'<meta name="description" content="{note}" />',
            f'<meta property="og:title" content="{name}" />',
            f'<meta property="og:description" content="{note}" />',
            '<meta name="twitter:card" content="summary" />',
        ]
    )


def map_preloads(v: View, client: str = "-") -> str:
    """Asks for the map's files with the page (its geometry; its features unless viewing needs an account),
    so they download while Streamlit's bundle loads and the script runs; the map's iframe then finds them in
    the HTTP cache (a year's lifetime, named by content). The geometry at low priority: Streamlit's bundle,
    which opens the websocket, goes first; the line has room for it afterwards (phone bench, the province
    behind ``serve``: 7.46 → 7.31 s)."""
    try:
        geometry, features = file_for(v), None if sign_in_required() else _features(v, client)
    except Exception:  # noqa: BLE001 - a page without preloads still loads; its map fetches its own files
        log.exception("working out the map's files for %s failed", v.path)
        return ""
    tags = f'<link rel="preload" href="{_e(geometry)}" as="fetch" crossorigin="anonymous" fetchpriority="low" />'
    if features:
        tags += f'<link rel="preload" href="{_e(features)}" as="fetch" crossorigin="anonymous" />'
    return tags


def features_key(v: View) -> tuple:
    """What the view's features file depends on (the core's key: the areas a search greys, not its text)."""
    return v.frame_key + (v.opts,)


def _features(v: View, client: str) -> str | None:
    """The features file to preload. One not made lately takes a token from ``client``'s bucket and the one
    slot (no token or a busy slot: no preload; it is only an early download, the map fetches its own)."""
    key = features_key(v)
    if _seen.get(key) is None and limiter.take(client) > 0:
        return None
    if not _features_slot.acquire(timeout=FEATURES_WAIT_S):
        return None
    try:
        url = features_for(v)
    finally:
        _features_slot.release()
    _seen.put(key, True)
    return url


def instant_block(v: View, image_src: str, inline: str | None = None) -> str:
    """The picture and the figures, a fixed layer at the end of ``<body>``; plain text and one image, no script.

    ``inline``: the picture inside the page (a ``data:`` URI of the small WebP) when it is rendered already;
    else the snapshot's URL, asked for first (``fetchpriority``). ``data-snapshot`` names the full PNG either way.
    """
    coverage, below = figures(v)
    width, height = SNAPSHOT_PX
    label_class = "pjk-label pjk-sample" if v.data.is_sample else "pjk-label"
    parts = [
        CSS,
        f'<div id="pjk-instant" data-pjk="pjk-instant" lang="{_e(v.lang)}"><div class="pjk-in">',
        f'<p class="{label_class}" data-pjk="pjk-instant-label">{_e(v.label)}</p>' if v.label else "",
        # not an <h1>: the live page's own title stays the page's one heading level 1 (screen readers, tests)
        f'<p class="pjk-title" data-pjk="pjk-instant-title">{_e(v.preview_title)}</p>',
        f'<p class="pjk-fig" data-pjk="pjk-instant-coverage"><strong>{_e(coverage)}</strong></p>',
        f'<p data-pjk="pjk-instant-below">{_e(below)}</p>' if below else "",
        f'<img src="{_e(inline or image_src)}" width="{width}" height="{height}" data-snapshot="{_e(image_src)}" '
        + ("" if inline else 'fetchpriority="high" ')
        + f'alt="{_e(t("preview.alt", v.lang, title=v.preview_title))}" data-pjk="pjk-instant-image" />',
        f'<p class="pjk-note">{_e(t("preview.loading", v.lang))}</p>',
        "</div></div>",
    ]
    return "".join(parts)


def inject(
    page: str, v: View, base_url: str, inline: str | None = None, first_visit: bool = False, client: str = "-"
) -> str:
    """Streamlit's single page with the view's head tags and instant block (unchanged if its shape is unknown).

    ``inline``: the picture to carry inside the page (see :func:`instant_block`). ``first_visit``: add
    ``server.firstvisit``'s script at the top of ``<head>`` (the embedded default; behind nginx the proxy adds
    it). It was taken out once because a map click at times did not drill down with it; the cause was a fit
    on a frame not laid out yet (Leaflet from the cache runs the map's script sooner), which threw before
    st_folium attached its click handler. The map now waits for a size (``geo/map.js``). ``client``: whose
    token bucket a new features file takes from (``_features``).
    """
    root = base_url.rstrip("/")
    query = urlencode(v.query)
    page_url = root + v.path + (f"?{query}" if query else "")
    src = image_path(v)
    image_url = root + src
    head = head_tags(v, page_url, image_url) + "\n    " + map_preloads(v, client)
    out = page
    if "<title>Streamlit</title>" in out:
        out = out.replace("<title>Streamlit</title>", head, 1)
    elif "</head>" in out:
        out = out.replace("</head>", head + "\n  </head>", 1)
    if "</body>" in out:
        bundle = "".join(m.group(0) for m in _BUNDLE.finditer(out))
        out = _BUNDLE.sub("", out)
        # After #root: a fixed layer, so it shows on top all the same, while the live app's elements come first in
        # the document (what a screen reader or a text search meets first once the block is hidden).
        out = out.replace("</body>", instant_block(v, src, inline) + bundle + "\n  </body>", 1)
    if first_visit and "<head>" in out:
        out = out.replace("<head>", f"<head><script>{firstvisit.head_script()}</script>", 1)
    return out


class PreviewMiddleware:
    """Adds the preview tags and the instant picture to the HTML of the map pages (GET/HEAD, 200, text/html)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"] not in PATHS:
            await self.app(scope, receive, send)
            return
        accepts_gzip = "gzip" in Headers(scope=scope).get("accept-encoding", "")
        inner = dict(scope)
        inner["headers"] = [(k, val) for k, val in scope["headers"] if k.lower() not in _DROP_REQUEST_HEADERS]
        answer = await buffered(self.app, inner, receive)
        if answer is None:
            return
        status, headers, body = answer
        if status == 200 and headers.get("content-type", "").startswith("text/html"):
            body = await in_thread(self._page, scope, body)
            for name in _DROP_RESPONSE_HEADERS:
                if name in headers:
                    del headers[name]
            headers["cache-control"] = "no-cache"
            if "accept-encoding" not in headers.get("vary", "").lower():
                headers.add_vary_header("Accept-Encoding")
            if accepts_gzip and len(body) >= GZIP_MIN:
                body = gzip.compress(body, compresslevel=6)
                headers["content-encoding"] = "gzip"
            headers["content-length"] = str(len(body))
        await send({"type": "http.response.start", "status": status, "headers": headers.raw})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    @staticmethod
    def _page(scope: Scope, body: bytes) -> bytes:
        """The page with its preview, or unchanged when the view cannot be worked out (never a traceback)."""
        request = Request(scope)
        if sign_in_required():  # the page shows the sign-in; its HTML must not show the data either
            page = body.decode("utf-8")
            tags = private_tags("en" if request.query_params.get("lang") == "en" else "id")
            return page.replace("<title>Streamlit</title>", tags, 1).encode("utf-8")
        query: dict[str, list[str]] = {}
        for name, value in request.query_params.multi_items():
            query.setdefault(name, []).append(value)
        try:
            v = view(scope["path"], page_params(query))
        except Exception:  # noqa: BLE001 - a broken table or store must still let the app itself load
            return body
        if v is None:
            return body
        img = cached(v)
        # the embedded default at the root; behind a proxy (nginx adds the script itself) or under a path, not
        direct = "x-forwarded-for" not in request.headers and not scope.get("root_path")
        inline = img.inline if img else None
        page = inject(body.decode("utf-8"), v, public_origin(scope.get("server")), inline, direct, client_of(request))
        return page.encode("utf-8")
