"""How much of a drawn map is dark ink (outlines, hatching) rather than the areas' fill colour.

Measured on a real Chromium screenshot of the map (Leaflet controls hidden, no basemap): the
map area is every pixel that is not the flat map background; dark ink is a pixel whose
brightest channel is under ``DARK_MAX`` (near-black or dark grey: outlines, hatching, borders;
no class colour of the scale is that dark, even the darkest fill keeps a channel above 130).

    .venv/bin/python -m bench.ink "/desa?basemap=none" 1920 1080
"""

from __future__ import annotations

import sys

from tests.support.browser import map_frame
from tests.support.ink import BACKGROUND, DARK_MAX, ink_share, map_screenshot  # noqa: F401 (the measure, shared with tests)


def measure(url: str, width: int, height: int, polygons: int, browser) -> dict:
    """Open ``url`` at ``width``×``height``, wait for ``polygons`` areas, measure the ink share."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = ctx.new_page()
        page.set_default_timeout(120_000)
        page.goto(url)
        frame = map_frame(page, polygons)
        page.wait_for_timeout(1200)
        return ink_share(map_screenshot(frame))
    finally:
        ctx.close()


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
