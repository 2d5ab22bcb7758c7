"""Screenshots for the docs, taken in Debian's Chromium against `streamlit run` on localhost.

    python run.py setup --source ../shared/data/wilayah_boundaries
    .venv/bin/python docs/screenshots.py            (writes docs/img/*.png)
    .venv/bin/python docs/screenshots.py peta_desa  (only the shots whose name contains "peta_desa")

Phone shots (``telepon_*``) come at 390×844 and 360×640 with touch emulation, the first screen only.
The map shots come at 1366×768 (laptop) and 1920×1080 (projector), each with a greyscale twin
(``*_abu.png``: what a greyscale projector or a photocopy shows), and the share of dark ink
(outline/hatch pixels) in the map area is printed for each (see bench/ink.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.browser import idle, launch, sign_in  # noqa: E402
from tests.support.browser import map_frame as wait_for_map  # noqa: E402
from tests.support.ink import ink_share, map_screenshot  # noqa: E402
from tests.support.server import with_account  # noqa: E402

OUT = ROOT / "docs" / "img"
SIZES = ((1366, 768), (1920, 1080))
MAPS = [
    # (file stem, path+query, polygons to wait for)
    ("peta_kabupaten", "/kabupaten?basemap=none", 14),
    ("peta_desa_provinsi", "/desa?basemap=none", 2130),
    ("peta_desa_ketapang", "/desa?kab=61.04&basemap=none", 262),
    ("presentasi", "/kabupaten?present=1&basemap=none", 14),
]
SHOTS = [(f"{stem}_{w}x{h}.png", path, (w, h), n, True) for stem, path, n in MAPS for w, h in SIZES] + [
    # (file, path+query, viewport, polygons to wait for, greyscale twin)
    ("presentasi_desa_ketapang_1920x1080.png", "/desa?kab=61.04&present=1&basemap=none", (1920, 1080), 262, False),
    ("presentasi_en_1366x768.png", "/?present=1&basemap=none&lang=en", (1366, 768), 14, False),
    ("ringkasan_1366x768.png", "/?basemap=none", (1366, 768), 14, False),
    ("desa_kubu_raya_1366x768.png", "/desa?kab=61.12&basemap=none", (1366, 768), 117, False),
]


PHONE_SIZES = ((390, 844), (360, 640))
PHONE_PAGES = [
    # (file stem, path+query, polygons to wait for): what a link from a chat group opens on a phone
    ("telepon_ringkasan", "/?basemap=none", 14),
    ("telepon_kabupaten", "/kabupaten?basemap=none", 14),
    ("telepon_desa_ketapang", "/desa?kab=61.04&basemap=none", 262),
    ("telepon_presentasi", "/?present=1&basemap=none", 14),
]
PHONE_SHOTS = [(f"{stem}_{w}x{h}.png", path, (w, h), n) for stem, path, n in PHONE_PAGES for w, h in PHONE_SIZES]
# the same map pages with published data (the sample tables published by the docs' admin): the stamp line
# (which period, which version) under the title
PUBLISHED_SHOTS = [
    (f"{stem.replace('telepon_', 'telepon_terbit_')}_{w}x{h}.png", path, (w, h), n)
    for stem, path, n in PHONE_PAGES[:3]
    for w, h in PHONE_SIZES
]
# the signed-in pages on a phone: (file stem, page path); an admin account of a throw-away store signs in
PHONE_SIGNED_IN = [("telepon_terbitkan", "/terbitkan"), ("telepon_admin", "/admin")]
ADMIN = ("admin_dok", "kata-sandi-dokumentasi-1")


def phone_shots(browser, base: str, only: str = "", shots: list | None = None) -> None:
    """The first screen of each page on a phone (mobile emulation, touch), as a person sees it on opening."""
    for name, path, (w, h), n in PHONE_SHOTS if shots is None else shots:
        if only and only not in name:
            continue
        ctx = browser.new_context(
            viewport={"width": w, "height": h}, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        page = ctx.new_page()
        page.set_default_timeout(120_000)
        page.goto(base + path)
        wait_for_map(page, n)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / name))
        print(OUT / name, flush=True)
        ctx.close()


def phone_signed_in_shots(browser, base: str, only: str = "") -> None:
    """The publish and admin pages' first screen on a phone, signed in as an admin (the form, as a person types)."""
    for stem, path in PHONE_SIGNED_IN:
        for w, h in PHONE_SIZES:
            name = f"{stem}_{w}x{h}.png"
            if only and only not in name:
                continue
            ctx = browser.new_context(
                viewport={"width": w, "height": h}, device_scale_factor=2, is_mobile=True, has_touch=True
            )
            page = ctx.new_page()
            page.set_default_timeout(120_000)
            page.set_viewport_size({"width": 1280, "height": 900})  # the form and who is signed in, unfolded
            sign_in(page, base, ADMIN[0], ADMIN[1], role="admin")  # the cookie keeps the sign-in on the next page
            page.set_viewport_size({"width": w, "height": h})
            page.goto(base + path)
            page.get_by_role("heading").first.wait_for()
            idle(page)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / name))
            print(OUT / name, flush=True)
            ctx.close()


def publish_samples(home: Path) -> None:
    """The sample tables published by the docs' admin into the throw-away store (last: the shots before show
    the sample, labelled)."""
    from geo.sample import ensure_samples  # noqa: PLC0415
    from geo.store import open_store  # noqa: PLC0415

    store = open_store(f"sqlite:///{(home / 'peta.sqlite').as_posix()}")
    try:
        if not store.versions():
            store.publish(ensure_samples()["kabupaten"].read_bytes(), "cakupan.csv", "kabupaten", ADMIN[0])
            store.publish(ensure_samples()["desa"].read_bytes(), "desa.csv", "desa", ADMIN[0], accept_partial=True)
    finally:
        store.dispose()


def greyscale(path: Path) -> Path:
    """The screenshot as a greyscale projector shows it (ITU-R 601 luma, as PIL's "L" mode)."""
    from PIL import Image, ImageOps  # noqa: PLC0415 - Pillow comes with matplotlib; only this step uses it

    out = path.with_name(path.stem + "_abu.png")
    ImageOps.grayscale(Image.open(path).convert("RGB")).save(out)
    return out


def main(only: str = "") -> int:
    import tempfile  # noqa: PLC0415 - only this run needs it

    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a test tool, imported when run

    OUT.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="kalbar-docs-"))
    # a throw-away store: the sample data, and an admin for the signed-in pages
    with with_account("docs", home, ADMIN[0], "admin", ADMIN[1]) as srv, sync_playwright() as pw:
        browser = launch(pw)
        for name, path, (w, h), n, grey in SHOTS:
            if only and only not in name:
                continue
            ctx = browser.new_context(viewport={"width": w, "height": h})
            page = ctx.new_page()
            page.set_default_timeout(120_000)
            page.goto(srv.url + path)
            frame = wait_for_map(page, n)
            if "present=1" not in path:  # on a laptop the map starts below the fold: show it, as a reader scrolls to it
                frame.frame_element().evaluate("e => e.scrollIntoView({block: 'end'})")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / name))
            line = str(OUT / name)
            if grey:
                line += f"  + {greyscale(OUT / name).name}"
                ink = ink_share(map_screenshot(frame))  # after the page shot: hides the map's controls
                line += f"  dark ink {ink['share']:.1%} of {ink['area_px']:,} map px"
            print(line, flush=True)
            ctx.close()
        phone_shots(browser, srv.url, only)
        phone_signed_in_shots(browser, srv.url, only)
        if any(not only or only in name for name, *_ in PUBLISHED_SHOTS):
            publish_samples(home)
            time.sleep(1.5)  # the app sees a new version within a second (its change token)
            phone_shots(browser, srv.url, only, PUBLISHED_SHOTS)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
