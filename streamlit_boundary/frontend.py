"""Streamlit's built frontend and st_folium's, read as files (never imported: server/ and deploy/ use them).

The names are content-hashed and change with every release; everything that lists them (the first visit's
preloads, the CSP hashes, the trimmed fonts, the nginx site) asks here, so an upgrade changes them in one go.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from .urls import COMPONENT, STATIC_JS

_IMPORT = re.compile(r'from\s*"\./([^"]+\.js)"')
COMPONENTS = {"streamlit_folium.st_folium": ("streamlit_folium", "frontend/build")}  # URL name -> package, build

# Set before Streamlit's bundle runs, its frontend opens the websocket at once (its documented bypass for
# hosts that know where the server is) instead of probing /<page>/_stcore/health first: two round trips less.
BYPASS_JS = (
    'window.__streamlit=Object.assign({},window.__streamlit,{BACKEND_BASE_URL:location.origin+"/",'
    "HOST_CONFIG:{allowedOrigins:[location.origin],useExternalAuthToken:false}});"
)


def package_dir(name: str) -> Path:
    """An installed package's folder, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(name)
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def static_dir() -> Path:
    """Streamlit's built frontend (index.html, static/js, static/media)."""
    return package_dir("streamlit") / "static"


def index_html() -> str:
    """The page Streamlit answers every page path with."""
    return (static_dir() / "index.html").read_text(encoding="utf-8")


def index_inline_scripts(html: str | None = None) -> list[str]:
    """The bodies of index.html's inline ``<script>`` blocks (for the CSP's hashes)."""
    return re.findall(r"<script>(.*?)</script>", index_html() if html is None else html, flags=re.S)


def entry_bundles(html: str | None = None) -> list[str]:
    """The hashed entry bundles index.html loads (``main.<hash>.js`` and the like)."""
    return re.findall(r'src="\./static/js/([^"]+\.js)"', index_html() if html is None else html)


def component_dirs() -> dict[str, Path]:
    """URL name -> build folder of the components the app uses (only st_folium: the map)."""
    return {url: package_dir(pkg) / sub for url, (pkg, sub) in COMPONENTS.items()}


def static_imports(js_dir: Path, name: str, seen: set[str]) -> set[str]:
    """``name`` and every chunk it imports statically (``from"./x.js"``), recursively."""
    if name in seen or not (js_dir / name).is_file():
        return seen
    seen.add(name)
    for dep in _IMPORT.findall((js_dir / name).read_text(encoding="utf-8", errors="replace")):
        static_imports(js_dir, dep, seen)
    return seen


@lru_cache(maxsize=1)
def map_component_files() -> tuple[tuple[str, str, str], ...]:
    """(url, rel, as) of the map component's files a first visit needs: Streamlit's component chunk (and the
    chunks only it needs, as module preloads) and st_folium's built script."""
    js = static_dir() / "static" / "js"
    initial: set[str] = set()
    for name in entry_bundles():
        static_imports(js, name, initial)
    files: list[tuple[str, str, str]] = []
    for comp in sorted(js.glob("ComponentInstance.*.js")):
        for name in sorted(static_imports(js, comp.name, set()) - initial, key=lambda n: (n != comp.name, n)):
            files.append((f"{STATIC_JS}{name}", "modulepreload", ""))
    for url, build in component_dirs().items():
        for f in sorted((build / "static" / "js").glob("main.*.js")):
            files.append((f"{COMPONENT}{url}/static/js/{f.name}", "preload", "script"))
    return tuple(files)
