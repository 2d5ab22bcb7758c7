"""The shared link on a phone (issue 17), and axe-core's accessibility rules on every page, desktop and phone.

Debian's Chromium with mobile emulation (390×844 and 360×640, touch, no hover) against `streamlit run`
on a fresh SQLite store with one admin account (the publish and admin pages are behind sign-in).
"""

from __future__ import annotations

import pytest

from geo.text import t
from tests.support.browser import click_target, idle, map_frame, require_chromium
from tests.support.browser import sign_in as browser_sign_in
from tests.support.phone import DESKTOP, PHONES, axe_script, axe_violations, first_screen, phone_context
from tests.support.server import with_account

pytestmark = pytest.mark.browser

PASSWORD = "kata-sandi-admin-uji-17"
MAP_PAGES = {
    # name: (path and query, polygons to wait for)
    "ringkasan": ("/?basemap=none", 14),
    "kabupaten": ("/kabupaten?basemap=none", 14),
    "desa": ("/desa?kab=61.04&basemap=none", 262),
    "presentasi": ("/?present=1&basemap=none", 14),
}
MAX_MAP_TOP = 0.75  # the map starts in the top three quarters of the first screen
MAX_COVER = 0.35  # the controls cover at most 35% of the map


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("phone_browser")
    with with_account("phone", tmp, "admin1", "admin", PASSWORD) as srv:
        yield srv


def open_map(context, url: str, polygons: int):
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    frame = map_frame(page, polygons)
    page.wait_for_timeout(1200)  # the layout settles (fonts, the component's height)
    return page, frame


def sign_in(page, base: str) -> None:
    browser_sign_in(page, base, "admin1", PASSWORD, role="admin")
    idle(page)


def go_signed_in(page, nav_key: str, heading: str) -> None:
    """Open a page through the sidebar, as a person does, closing the sidebar on a phone."""
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.is_visible():
        expand.click()
    page.get_by_role("link", name=t(nav_key, "id")).first.click()
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    idle(page)
    collapse = page.locator('[data-testid="stSidebarCollapseButton"] button, [data-testid="stSidebarCollapseButton"]')
    if page.viewport_size["width"] <= 640 and collapse.first.is_visible():
        collapse.first.click()
        page.wait_for_timeout(500)


# --- the first screen of every map page -------------------------------------------------------------


@pytest.mark.parametrize("size", list(PHONES))
@pytest.mark.parametrize("name", list(MAP_PAGES))
def test_phone_first_screen(server, browser, size, name):
    path, polygons = MAP_PAGES[name]
    context = phone_context(browser, size)
    try:
        page, frame = open_map(context, server.url + path, polygons)
        m = first_screen(page, frame)
        assert m["map_top"] <= MAX_MAP_TOP, f"{name} {size}: the map starts at {m['map_top']:.0%} of the screen"
        over = m["overflow"]
        assert over["scrollWidth"] <= over["innerWidth"], over
        assert not over["over"], f"{name} {size}: past the right edge: {over['over'][:10]}"
        assert m["cover"] <= MAX_COVER, f"{name} {size}: controls cover {m['cover']:.0%} of the map"
        # the legend is one tap away, and folds back
        fold = frame.locator(".pjk-fold")
        assert fold.is_visible() and fold.get_attribute("aria-expanded") == "false"
        assert not frame.locator(".pjk-legend-box").is_visible()
        fold.tap()
        assert frame.locator(".pjk-legend-box").is_visible()
        assert fold.get_attribute("aria-expanded") == "true"
        fold.tap()
        assert not frame.locator(".pjk-legend-box").is_visible()
        # the map's height follows the screen (not the desktop's fixed 560 px)
        h = PHONES[size][1]
        map_h = frame.frame_element().bounding_box()["height"]
        assert 0.5 * h <= map_h <= 0.75 * h, f"map {map_h:.0f} px on a {h} px screen"
    finally:
        context.close()


@pytest.mark.parametrize("size", list(PHONES))
def test_desa_selectors_fold_behind_the_selection(server, browser, size):
    context = phone_context(browser, size)
    try:
        page, _frame = open_map(context, server.url + MAP_PAGES["desa"][0], MAP_PAGES["desa"][1])
        line = page.locator(".pjk-sel summary")
        assert line.is_visible() and "Ketapang" in line.inner_text()
        kab = page.locator(".st-key-w_kab")
        assert not kab.is_visible()  # folded: the first screen is the figures and the map
        line.tap()
        kab.wait_for(state="visible")
        assert page.locator(".st-key-w_q").is_visible() and page.locator(".st-key-w_level").is_visible()
    finally:
        context.close()


# --- touch: a tap opens the area's card, its button drills down; one finger scrolls the page ---------------


def test_tap_opens_the_area_card_and_its_button_drills_down(server, browser):
    context = phone_context(browser, "390x844")
    try:
        page, frame = open_map(context, server.url + "/?basemap=none", 14)
        page.touchscreen.tap(*click_target(page, frame, "61.04"))
        card = frame.locator(".pjk-area-box")
        card.wait_for(state="visible", timeout=10_000)
        text = card.inner_text()
        assert "Ketapang" in text
        for key in ("map.tooltip_coverage", "map.tooltip_target", "map.tooltip_gap"):
            assert t(key, "id") in text
        assert "Rp" in text  # the cost of closing the gap
        page.wait_for_timeout(2500)
        assert "/desa" not in page.url, "a tap must not drill down before the card's button"
        controls = frame.evaluate("() => document.querySelectorAll('.leaflet-control').length")
        assert controls >= 3
        assert first_screen(page, frame)["cover"] <= MAX_COVER  # card open: still within the limit
        card.get_by_role("button", name=t("phone.details", "id")).tap()
        page.wait_for_url("**/desa?*kab=61.04*", timeout=60_000)
    finally:
        context.close()


def _touch(cdp, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": kind, "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]},
    )


# Streamlit scrolls its main section, not the window: the page's scroll is every ancestor's of the map
SCROLL_JS = """() => { let s = window.scrollY;
  for (let a = document.querySelector('iframe[title="streamlit_folium.st_folium"]'); a; a = a.parentElement) {
    s += a.scrollTop; }
  return s; }"""
CENTER_JS = "() => { const m = window.pjkLayers.base._map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"


@pytest.mark.parametrize("size", list(PHONES))
def test_one_finger_scrolls_the_page_two_fingers_move_the_map(server, browser, size):
    context = phone_context(browser, size)
    try:
        page, frame = open_map(context, server.url + MAP_PAGES["desa"][0], MAP_PAGES["desa"][1])
        cdp = context.new_cdp_session(page)
        box = frame.frame_element().bounding_box()
        x = box["x"] + box["width"] * 0.5
        y = min(box["y"] + box["height"] * 0.6, PHONES[size][1] - 20)
        before, center = page.evaluate(SCROLL_JS), frame.evaluate(CENTER_JS)
        _touch(cdp, "touchStart", [(x, y)])
        for i in range(1, 11):
            _touch(cdp, "touchMove", [(x, y - 22 * i)])
            page.wait_for_timeout(16)
        _touch(cdp, "touchEnd", [])
        page.wait_for_timeout(600)
        after = page.evaluate(SCROLL_JS)
        assert after > before + 50, f"one finger over the map scrolled the page {after - before:.0f} px"
        assert frame.evaluate(CENTER_JS) == center, "one finger moved the map"
        # two fingers spreading apart: the map zooms (and the page stays where it is)
        box = frame.frame_element().bounding_box()
        cx = box["x"] + box["width"] * 0.5
        cy = max(box["y"], 0) + 120
        _touch(cdp, "touchStart", [(cx - 30, cy), (cx + 30, cy)])
        for i in range(1, 11):
            _touch(cdp, "touchMove", [(cx - 30 - 8 * i, cy), (cx + 30 + 8 * i, cy)])
            page.wait_for_timeout(16)
        _touch(cdp, "touchEnd", [])
        page.wait_for_timeout(800)
        assert frame.evaluate(CENTER_JS)[2] > center[2], "two fingers did not zoom the map"
    finally:
        context.close()


# --- the pages behind sign-in fit a phone ------------------------------------------------------------------


def test_publish_and_admin_pages_fit_a_phone(server, browser):
    from tests.support.phone import OVERFLOW_JS

    context = phone_context(browser, "360x640")
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        sign_in(page, server.url)
        for nav, heading in (("auth.nav.publish", t("editor.title", "id")), ("auth.nav.admin", t("admin.title", "id"))):
            go_signed_in(page, nav, heading)
            over = page.evaluate(OVERFLOW_JS)
            assert over["scrollWidth"] <= over["innerWidth"], (nav, over)
            assert not over["over"], f"{nav}: past the right edge: {over['over'][:10]}"
    finally:
        context.close()


# --- axe-core: WCAG 2.1 A/AA on every page, desktop and phone ----------------------------------------------


def _check(where, script: str, label: str, streamlit_seen: set) -> list[str]:
    ours, theirs = axe_violations(where, script)
    streamlit_seen.update(f"{v['rule']} ({'/'.join(v['testids'][:2])})" for v in theirs)
    return [f"{label}: {v['rule']} [{v['impact']}] {v['target']} — {v['help']}: {v['html'][:120]}" for v in ours]


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_axe_finds_no_serious_violation_of_ours(server, browser, device):
    script = axe_script()
    context = browser.new_context(viewport=DESKTOP) if device == "desktop" else phone_context(browser, "390x844")
    found: list[str] = []
    streamlit_seen: set[str] = set()
    try:
        for name, (path, polygons) in MAP_PAGES.items():
            page, frame = open_map(context, server.url + path, polygons)
            found += _check(page, script, f"{device} {name}", streamlit_seen)
            found += _check(frame, script, f"{device} {name} (map)", streamlit_seen)
            page.close()
        page = context.new_page()
        page.set_default_timeout(90_000)
        sign_in(page, server.url)
        found += _check(page, script, f"{device} masuk", streamlit_seen)
        for nav, heading in (("auth.nav.publish", t("editor.title", "id")), ("auth.nav.admin", t("admin.title", "id"))):
            go_signed_in(page, nav, heading)
            found += _check(page, script, f"{device} {nav}", streamlit_seen)
    finally:
        context.close()
    print(f"axe {device}: Streamlit's own markup: {sorted(streamlit_seen)}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("size", list(PHONES))
def test_the_title_and_the_stamp_line_are_both_readable(server, browser, size):
    """Which period and version the figures are (the stamp) stands in full under the page's title, never under
    its letters (issue 26: on a phone the title was drawn over it). Last in this file: it publishes."""
    from geo.sample import ensure_samples
    from geo.store import open_store

    store = open_store(f"sqlite:///{(server.tmp / 'peta.sqlite').as_posix()}")
    try:
        if not store.versions():
            store.publish(ensure_samples()["kabupaten"].read_bytes(), "cakupan.csv", "kabupaten", "admin1")
            store.publish(ensure_samples()["desa"].read_bytes(), "desa.csv", "desa", "admin1", accept_partial=True)
    finally:
        store.dispose()
    context = phone_context(browser, size)
    try:
        for path in ("/kabupaten?basemap=none", "/desa?kab=61.04&basemap=none"):
            page = context.new_page()
            page.goto(server.url + path)
            stamp = page.locator(".pjk-stamp")
            stamp.wait_for(timeout=120_000)
            title = page.locator("h1").first
            idle(page)
            t_box, s_box = title.bounding_box(), stamp.bounding_box()
            assert t_box["y"] + t_box["height"] <= s_box["y"] + 1, (size, path, t_box, s_box)
            assert s_box["x"] >= 0 and s_box["x"] + s_box["width"] <= PHONES[size][0] + 1  # not cut off
            assert "versi" in stamp.inner_text() and stamp.is_visible()
            page.close()
    finally:
        context.close()
