"""What a first visit loads last, asked for early: the map's files and Streamlit's connection "bypass".

A first visit walks a chain: Streamlit's bundle, a session, the script run, then the map component's
chunk, st_folium's script, Leaflet. Each link of the chain waits for the one before. Two things cut it:

- ``BACKEND_BASE_URL`` + ``HOST_CONFIG`` set before Streamlit's bundle runs: its frontend opens the
  websocket at once (its documented bypass for hosts that know where the server is) instead of probing
  its health path below the page's path, then at the root, then connecting: two round trips less
  (``streamlit_boundary.frontend.BYPASS_JS``);
- preloads of the map's files (the component chunk, st_folium's script, Leaflet, the map's own script),
  asked for as soon as the document is parsed (``readyState`` "interactive": the page's picture has
  arrived, Streamlit's deferred bundle is still loading), so they download beside the bundle and are in
  the cache when the map's message arrives. Phone bench, the province behind `serve`, median of 5:
  at DOMContentLoaded (after the bundle, beside the widgets' chunks, which share Chromium's Slow 4G line
  with the map's message) 7.45 s; at once 7.41 s; with the map's script moved out of its message
  (``geo.mapscript``) 7.97 s at DOMContentLoaded, 6.47 s at once; at once, the picture came 0.3 s later
  (0.78 s: the preloads shared the line with the page itself), so "interactive": 6.50 s, picture 0.49 s.
  The map's own files, geometry and features, are asked for by the page at once (``server.preview``):
  nothing can draw without them.

nginx adds the same script to every page it proxies (deploy/nginxconf.py renders it into the site);
on the embedded default ``server.preview`` adds it to the map pages. The file names come from the
installed packages (read as files: server/ never imports streamlit), so they follow an upgrade.
"""

from __future__ import annotations

import json
from functools import lru_cache

from geo import mapscript
from geo.assets import STREAMLIT_BASE_URL
from streamlit_boundary import frontend


@lru_cache(maxsize=1)
def preload_files() -> tuple[tuple[str, str, str], ...]:
    """(url, rel, as) of the files at the end of a first visit's chain: the map component's Streamlit
    chunk (and the chunks only it needs), st_folium's script, Leaflet's script and style, the map's script.

    Leaflet was left out for a while: with it preloaded a map click at times did not drill down. The cause
    was Leaflet's focus on mousedown scrolling the page under the pointer (fixed in ``geo/map.js``).
    """
    files = list(frontend.map_component_files())
    files += [
        (f"{STREAMLIT_BASE_URL}/leaflet.js", "preload", "script"),
        (f"{STREAMLIT_BASE_URL}/leaflet.css", "preload", "style"),
        (mapscript.url(), "preload", "script"),
    ]
    return tuple(files)


def head_script(files: tuple[tuple[str, str, str], ...] | list | None = None) -> str:
    """The script's text (no ``<script>`` tag): the bypass, and the preloads once the document is parsed."""
    files = preload_files() if files is None else files
    items = ",".join("[" + ",".join(json.dumps(x) for x in f) + "]" for f in files)
    return (
        frontend.BYPASS_JS
        + 'document.addEventListener("readystatechange",function p(){if(document.readyState!=="loading"){'
        'document.removeEventListener("readystatechange",p);[' + items + "].forEach(function(f){"
        'var l=document.createElement("link");l.rel=f[1];if(f[2])l.as=f[2];l.href=f[0];'
        "document.head.appendChild(l)})}})"
    )
