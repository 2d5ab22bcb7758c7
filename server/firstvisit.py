"""What a first visit loads last, asked for early: the map's files and Streamlit's connection "bypass".

A first visit walks a chain: Streamlit's bundle, a session, the script run, then the map component's
chunk, st_folium's script, Leaflet. Each link of the chain waits for the one before. Two things cut it:

- ``BACKEND_BASE_URL`` + ``HOST_CONFIG`` set before Streamlit's bundle runs: its frontend opens the
  websocket at once (its documented bypass for hosts that know where the server is) instead of probing
  ``/<page>/_stcore/health``, then ``/_stcore/health``, then connecting: two round trips less;
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

import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path

from geo import mapscript
from geo.assets import STREAMLIT_BASE_URL

_IMPORT = re.compile(r'from\s*"\./([^"]+\.js)"')
COMPONENTS = {"streamlit_folium.st_folium": ("streamlit_folium", "frontend/build")}


def package_dir(name: str) -> Path:
    """An installed package's folder, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(name)
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def streamlit_static_dir() -> Path:
    """Streamlit's built frontend (index.html, static/js, static/media)."""
    return package_dir("streamlit") / "static"


def component_dirs() -> dict[str, Path]:
    """URL name -> build folder of the components the app uses (only st_folium: the map)."""
    return {url: package_dir(pkg) / sub for url, (pkg, sub) in COMPONENTS.items()}


def _static_imports(js_dir: Path, name: str, seen: set[str]) -> set[str]:
    """``name`` and every chunk it imports statically (``from"./x.js"``), recursively."""
    if name in seen or not (js_dir / name).is_file():
        return seen
    seen.add(name)
    for dep in _IMPORT.findall((js_dir / name).read_text(encoding="utf-8", errors="replace")):
        _static_imports(js_dir, dep, seen)
    return seen


@lru_cache(maxsize=1)
def preload_files() -> tuple[tuple[str, str, str], ...]:
    """(url, rel, as) of the files at the end of a first visit's chain: the map component's Streamlit
    chunk (and the chunks only it needs), st_folium's script, Leaflet's script and style, the map's script.

    Leaflet was left out for a while: with it preloaded a map click at times did not drill down. The cause
    was Leaflet's focus on mousedown scrolling the page under the pointer (fixed in ``geo/map.js``).
    """
    static = streamlit_static_dir()
    js = static / "static" / "js"
    entry = re.findall(r'src="\./static/js/([^"]+\.js)"', (static / "index.html").read_text(encoding="utf-8"))
    initial: set[str] = set()
    for name in entry:
        _static_imports(js, name, initial)
    files: list[tuple[str, str, str]] = []
    for comp in sorted(js.glob("ComponentInstance.*.js")):
        for name in sorted(_static_imports(js, comp.name, set()) - initial, key=lambda n: (n != comp.name, n)):
            files.append((f"/static/js/{name}", "modulepreload", ""))
    for url, build in component_dirs().items():
        for f in sorted((build / "static" / "js").glob("main.*.js")):
            files.append((f"/component/{url}/static/js/{f.name}", "preload", "script"))
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
        'window.__streamlit=Object.assign({},window.__streamlit,{BACKEND_BASE_URL:location.origin+"/",'
        "HOST_CONFIG:{allowedOrigins:[location.origin],useExternalAuthToken:false}});"
        'document.addEventListener("readystatechange",function p(){if(document.readyState!=="loading"){'
        'document.removeEventListener("readystatechange",p);[' + items + "].forEach(function(f){"
        'var l=document.createElement("link");l.rel=f[1];if(f[2])l.as=f[2];l.href=f[0];'
        "document.head.appendChild(l)})}})"
    )
