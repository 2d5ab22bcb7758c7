"""Leaflet (and the map's own script, ``mapscript``) served by the app itself, never by a CDN, so maps work offline.

Leaflet comes from a registry package installed by set-up (``django-js-lib-leaflet``, a
plain wheel of Leaflet's dist files with no dependencies; Django is not needed). It is copied
into ``static/vendor/leaflet`` (git-ignored) for Streamlit's static serving, and inlined into
standalone HTML exports.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import folium

from streamlit_boundary.urls import APP_STATIC

from . import mapscript
from .paths import STATIC_DIR

PACKAGE = "js_lib_leaflet"
VENDOR_DIR = STATIC_DIR / "vendor" / "leaflet"
# Streamlit serves <app dir>/static (streamlit_boundary.urls.APP_STATIC) when server.enableStaticServing is on.
STREAMLIT_BASE_URL = APP_STATIC + "/vendor/leaflet"
FILES = ("leaflet.js", "leaflet.css")


def package_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "Paket Leaflet belum terpasang / the Leaflet package is not installed: "
            "python -m pip install -r requirements.txt"
        )
    return Path(spec.origin).parent / "static" / PACKAGE


def ensure_static(target: Path = VENDOR_DIR) -> Path:
    """Copy Leaflet's files next to the app (idempotent)."""
    src = package_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if not (target / name).is_file() or (target / name).stat().st_size != (src / name).stat().st_size:
            shutil.copyfile(src / name, target / name)
    images = target / "images"
    if not images.is_dir():
        shutil.copytree(src / "images", images)
    mapscript.ensure()  # the coverage map's own script, beside Leaflet
    return target


def use_local_assets(m: folium.Map, base_url: str = STREAMLIT_BASE_URL, map_script: bool = False) -> folium.Map:
    """Point the map at our own Leaflet and drop folium's CDN extras (jQuery, Bootstrap, markers);
    ``map_script``: the coverage map's script too (``geo.mapscript``), loaded after Leaflet."""
    m.default_js = [("leaflet", f"{base_url}/leaflet.js")]
    if map_script:
        m.default_js.append(("pjk_map", mapscript.url()))
    m.default_css = [("leaflet_css", f"{base_url}/leaflet.css")]
    return m


_INLINE_BASE = "pjk-inline-assets"


def standalone_html(m: folium.Map) -> str:
    """A single HTML file with Leaflet inlined: opens offline, from a USB stick or an e-mail."""
    map_script = any(name == "pjk_map" for name, _url in m.default_js)
    use_local_assets(m, _INLINE_BASE, map_script=map_script)
    html = m.get_root().render()
    if map_script:
        own = mapscript.text().replace("</script", "<\\/script")
        html = html.replace(f'<script src="{mapscript.url()}"></script>', f"<script>{own}</script>", 1)
    src = package_dir()
    js = (src / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = (src / "leaflet.css").read_text(encoding="utf-8")
    html = html.replace(f'<script src="{_INLINE_BASE}/leaflet.js"></script>', f"<script>{js}</script>")
    html = html.replace(f'<link rel="stylesheet" href="{_INLINE_BASE}/leaflet.css"/>', f"<style>{css}</style>")
    if _INLINE_BASE in html or mapscript.BASE_URL in html:
        raise RuntimeError("Leaflet could not be inlined into the HTML export")
    return html
