"""Screenshots for the docs, taken in Debian's Chromium against `streamlit run` on localhost.

    python run.py setup --source ../shared/data/wilayah_boundaries
    .venv/bin/python docs/screenshots.py        (writes docs/img/*.png)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.browser import launch  # noqa: E402
from bench.servers import Server  # noqa: E402

OUT = ROOT / "docs" / "img"
SHOTS = [
    # (file, path+query, viewport, polygons to wait for)
    ("presentasi_1920x1080.png", "/?present=1&basemap=none", (1920, 1080), 14),
    ("presentasi_1366x768.png", "/?present=1&basemap=none", (1366, 768), 14),
    ("presentasi_desa_ketapang_1920x1080.png", "/desa?kab=61.04&present=1&basemap=none", (1920, 1080), 262),
    ("presentasi_en_1366x768.png", "/?present=1&basemap=none&lang=en", (1366, 768), 14),
    ("ringkasan_1366x768.png", "/?basemap=none", (1366, 768), 14),
    ("desa_kubu_raya_1366x768.png", "/desa?kab=61.12&basemap=none", (1366, 768), 117),
]


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with Server("docs", ROOT / "app.py") as srv, sync_playwright() as pw:
        browser = launch(pw)
        for name, path, (w, h), n in SHOTS:
            ctx = browser.new_context(viewport={"width": w, "height": h})
            page = ctx.new_page()
            page.goto(srv.url + path)
            page.wait_for_selector('iframe[title*="streamlit_folium"]', state="attached", timeout=120_000)
            for _ in range(600):
                frame = next((fr for fr in page.frames if "streamlit_folium" in fr.url), None)
                if frame:
                    try:
                        frame.wait_for_function("(n) => document.querySelectorAll('path.leaflet-interactive').length >= n", arg=n, timeout=2000)
                        break
                    except Exception:
                        pass
                page.wait_for_timeout(100)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / name))
            print(OUT / name)
            ctx.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
