"""How much of a drawn map is dark ink (outlines, hatching) rather than the areas' fill colour.

Measured on a real Chromium screenshot of the map (Leaflet controls hidden, no basemap): the
map area is every pixel that is not the flat map background; dark ink is a pixel whose
brightest channel is under ``DARK_MAX`` (near-black or dark grey: outlines, hatching, borders;
no class colour of the scale is that dark, even the darkest fill keeps a channel above 130).
"""

from __future__ import annotations

import io

import numpy as np

BACKGROUND = (0xF4, 0xF6, 0xF8)  # .leaflet-container background in geo/mapscript.py CSS
BACKGROUND_TOL = 6
DARK_MAX = 80  # max(R, G, B) below this: ink


def ink_share(png: bytes) -> dict:
    """Share of dark-ink pixels among the map-area pixels of a screenshot."""
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    area = np.any(np.abs(img - np.array(BACKGROUND)) > BACKGROUND_TOL, axis=2)
    dark = area & (img.max(axis=2) < DARK_MAX)
    n_area = int(area.sum())
    share = float(dark.sum() / n_area) if n_area else float("nan")
    return {"area_px": n_area, "dark_px": int(dark.sum()), "share": share}


def map_screenshot(frame) -> bytes:
    """The Leaflet map of a st_folium frame without its controls (legend, header, zoom, scale)."""
    frame.evaluate(
        "() => { const c = document.querySelector('.leaflet-control-container'); if (c) c.style.display = 'none'; }"
    )
    frame.wait_for_timeout(300)
    return frame.locator(".leaflet-container").screenshot()
