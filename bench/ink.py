"""How much of a drawn map is dark ink (outlines, hatching) rather than the areas' fill colour.

Measured on a real Chromium screenshot of the map (Leaflet controls hidden, no basemap): the
map area is every pixel that is not the flat map background; dark ink is a pixel whose
brightest channel is under ``DARK_MAX`` (near-black or dark grey: outlines, hatching, borders;
no class colour of the scale is that dark, even the darkest fill keeps a channel above 130).

    .venv/bin/python -m bench.ink "/desa?basemap=none" 1920 1080
"""

from __future__ import annotations

import io
import sys

import numpy as np

BACKGROUND = (0xF4, 0xF6, 0xF8)  # .leaflet-container background in geo/maps.py CSS
BACKGROUND_TOL = 6
DARK_MAX = 80  # max(R, G, B) below this: ink


def ink_share(png: bytes) -> dict:
    """Share of dark-ink pixels among the map-area pixels of a screenshot."""
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    area = np.any(np.abs(img - np.array(BACKGROUND)) > BACKGROUND_TOL, axis=2)
    dark = area & (img.max(axis=2) < DARK_MAX)
    n_area = int(area.sum())
    return {"area_px": n_area, "dark_px": int(dark.sum()), "share": float(dark.sum() / n_area) if n_area else float("nan")}


def map_screenshot(frame) -> bytes:
    """The Leaflet map of a st_folium frame without its controls (legend, header, zoom, scale)."""
    frame.evaluate("() => { const c = document.querySelector('.leaflet-control-container'); if (c) c.style.display = 'none'; }")
    frame.wait_for_timeout(300)
    return frame.locator(".leaflet-container").screenshot()


def measure(url: str, width: int, height: int, polygons: int, browser) -> dict:
    """Open ``url`` at ``width``×``height``, wait for ``polygons`` areas, measure the ink share."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = ctx.new_page()
        page.set_default_timeout(120_000)
        page.goto(url)
        frame = wait_for_map(page, polygons)
        page.wait_for_timeout(1200)
        return ink_share(map_screenshot(frame))
    finally:
        ctx.close()


def wait_for_map(page, polygons: int):
    """The st_folium iframe once ``polygons`` areas are in it."""
    page.wait_for_selector('iframe[title*="streamlit_folium"]', state="attached", timeout=120_000)
    for _ in range(600):
        for fr in page.frames:
            if "streamlit_folium" in fr.url:
                try:
                    fr.wait_for_function("(n) => document.querySelectorAll('path.leaflet-interactive').length >= n",
                                         arg=polygons, timeout=2000)
                    return fr
                except Exception:  # noqa: BLE001 - frame re-mounted: look again
                    pass
        page.wait_for_timeout(100)
    raise AssertionError(f"map never showed {polygons} polygons")


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    from .browser import launch
    from .common import ROOT
    from .servers import Server

    path = argv[0] if argv else "/desa?basemap=none"
    w, h = (int(argv[1]), int(argv[2])) if len(argv) >= 3 else (1920, 1080)
    n = int(argv[3]) if len(argv) >= 4 else 2130
    with Server("ink", ROOT / "app.py") as srv, sync_playwright() as pw:
        browser = launch(pw)
        r = measure(srv.url + path, w, h, n, browser)
        browser.close()
    print(f"{path} {w}x{h}: dark ink {r['dark_px']:,} of {r['area_px']:,} map px = {r['share']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
