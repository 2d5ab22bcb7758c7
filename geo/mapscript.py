"""The coverage map's script as one static file, so each map's message carries only its data.

The script (``geo/map.js``), the geometry decoder (``encode.JS_DECODER``) and the map's CSS (``CSS``) are
the same for every map; sent inside every map's websocket message they were ~18 KB of its ~24 KB.
Chromium paces a websocket message by its inflated size and shares the line with everything else a
first visit loads, so on a slow phone line that message arrived 1.2–1.6 s after it was sent. As a file,
it is compressed, cached by the browser, and asked for by a first visit's page as soon as the page is
parsed (``server.firstvisit``). Set-up writes it next to Leaflet (``assets.ensure_static``); its URL carries
a content version, so a changed script is never read from an old cache. The HTML download inlines it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from streamlit_boundary.urls import APP_STATIC

from .encode import JS_DECODER
from .paths import STATIC_DIR

SOURCE = Path(__file__).with_name("map.js")
FOLDER = STATIC_DIR / "vendor" / "pjk"  # git-ignored, beside Leaflet: served by Streamlit's static serving
NAME = "map.js"
BASE_URL = APP_STATIC + "/vendor/pjk"

CSS = """\
.pjk-legend{background:rgba(255,255,255,.94);padding:8px 10px;border-radius:6px;box-shadow:0 1px 4px \
rgba(0,0,0,.35);color:#111;line-height:1.35;max-width:22em}
.pjk-lg-title{font-weight:700;margin-bottom:4px}
.pjk-lg-row{display:flex;align-items:center;gap:.45em;margin:2px 0}
.pjk-lg-row[data-kind=below],.pjk-lg-row[data-kind=above]{font-weight:700;margin-top:6px}
.pjk-lg-src{margin-top:6px;font-size:.78em;color:#444;max-width:20em}
.pjk-header{background:rgba(255,255,255,.94);padding:6px 10px;border-radius:6px;box-shadow:0 1px 4px \
rgba(0,0,0,.35);color:#111;max-width:60vw}
.pjk-title{font-weight:700;font-size:1.15em}
.pjk-subtitle{font-size:.95em;color:#333}
.pjk-sample{display:inline-block;margin-top:3px;padding:1px 6px;background:#fff3cd;border:1px solid \
#b8860b;border-radius:4px;font-weight:700;color:#5c4400}
.pjk-tooltip{font-size:13px;line-height:1.35}
.pjk-top-row{margin:3px 0}
.pjk-tip-sub{color:#555;font-size:.9em}
.pjk-st{font-weight:700}.pjk-st-1{color:#8b0000}.pjk-st-0{color:#555}
.leaflet-container{background:#f4f6f8}
.pjk-fold{display:none}
.pjk-area-box{background:#fff;padding:8px 10px;border-radius:6px;box-shadow:0 1px 5px rgba(0,0,0,.4);color:#111;\
font-size:14px;line-height:1.4;max-width:min(19em,calc(100vw - 24px));position:relative}
.pjk-area-box[hidden]{display:none !important}
.pjk-area-name{font-weight:700;font-size:1.05em;padding-right:1.8em}
.pjk-area-x{position:absolute;top:2px;right:4px;border:0;background:none;font-size:22px;line-height:1;\
padding:4px 8px;color:#333;cursor:pointer}
.pjk-area-go{margin-top:6px;width:100%;padding:8px;border:0;border-radius:5px;background:#225ea8;color:#fff;\
font-weight:700;font-size:14px;cursor:pointer}
.pjk-gesture-hint{position:absolute;left:50%;top:45%;transform:translate(-50%,-50%);z-index:1000;\
background:rgba(0,0,0,.72);color:#fff;padding:6px 12px;border-radius:16px;font-size:14px;pointer-events:none;\
opacity:0;transition:opacity .2s;max-width:80%;text-align:center}
.pjk-gesture-hint.pjk-on{opacity:1}
@media (max-width: 640px){
#map_div,.folium-map{height:100vh !important}
.pjk-fold{display:block;border:0;border-radius:5px;background:rgba(255,255,255,.96);box-shadow:0 1px 4px \
rgba(0,0,0,.4);padding:6px 10px;font-size:14px;font-weight:700;color:#111;cursor:pointer}
.leaflet-container:not(.pjk-unfolded) .pjk-legend-box,.leaflet-container:not(.pjk-unfolded) .pjk-header-box,\
.leaflet-container:not(.pjk-unfolded) .pjk-panel-box{display:none}
.pjk-unfolded .pjk-legend-box,.pjk-unfolded .pjk-panel-box,.pjk-unfolded .pjk-header-box{max-height:45vh;\
overflow:auto}
.pjk-legend,.pjk-header{max-width:calc(100vw - 80px)}
}
"""


@lru_cache(maxsize=1)
def text() -> str:
    """The file's content: the decoder, the script, then its CSS put into the page."""
    css = json.dumps(CSS).replace("<", "\\u003c")  # never '</script' or '<!--' inside an inlined copy
    return f"{JS_DECODER.strip()}\n{SOURCE.read_text(encoding='utf-8')}window.pjkMap.style({css});\n"


@lru_cache(maxsize=1)
def url() -> str:
    """Where a map page loads it; the version changes with the content (browsers cache it for an hour)."""
    version = hashlib.sha256(text().encode("utf-8")).hexdigest()[:12]
    return f"{BASE_URL}/{NAME}?v={version}"


def ensure(folder: Path = FOLDER) -> Path:
    """Write the file for Streamlit's (and nginx's) static serving, if it differs; atomic, as several
    processes may start at once."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / NAME
    body = text().encode("utf-8")
    if target.is_file() and target.read_bytes() == body:
        return target
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".map-", suffix=".js")
    with os.fdopen(fd, "wb") as f:
        f.write(body)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target
