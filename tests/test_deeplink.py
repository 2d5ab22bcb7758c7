"""A deep link opened first on a freshly started server renders as when reached from `/`.

Streamlit decides once per process, when the first session starts, whether the app uses the
old ``pages/`` folder (then it runs the page file itself, without the shell). Only a real, fresh
server shows that, so each case starts its own ``streamlit run`` and opens the deep link before
anything else; the same view reached from `/` in the same process is the reference.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from geo.paths import ROOT
from geo.text import t
from tests.support.browser import click_target, map_frame, new_page, pick
from tests.support.server import Server


def facts(page, polygons: int) -> dict:
    """What a viewer sees: navigation entries, layout width, title, figures, browser tab title."""
    map_frame(page, polygons)
    page.locator('[data-testid="stMetricValue"]').nth(3).wait_for()
    page.wait_for_timeout(1500)  # the run settles (URL sync)
    nav = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
    return {
        "nav": [s.strip().splitlines()[-1] for s in nav.all_inner_texts()],  # without the icon's name
        "width": round(page.locator('[data-testid="stMainBlockContainer"]').bounding_box()["width"]),
        "title": page.locator("h1").first.inner_text().strip(),
        "metrics": page.locator('[data-testid="stMetricValue"]').all_inner_texts(),
        "labels": page.locator('[data-testid="stMetricLabel"]').all_inner_texts(),
        "query": parse_qs(urlparse(page.url).query),
        "path": urlparse(page.url).path,
    }


def expected_nav(lang: str) -> list[str]:
    """The three views, then the anonymous visitor's sign-in entry (ui/auth.py)."""
    return [t("nav.ringkasan", lang), t("nav.kabupaten", lang), t("nav.desa", lang), t("auth.nav.signin", lang)]


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` as a person would."""
    pick(page, page.get_by_role("combobox", name=label, exact=True), option)


def click_area(page, kode: str) -> None:
    """Click kabupaten ``kode`` on the summary map, as a person would, and wait for the desa page."""
    frame = map_frame(page, 14)
    page.mouse.click(*click_target(page, frame, kode))
    page.wait_for_url("**/desa?*", timeout=60_000)


def check_first_view(seen: dict, lang: str) -> None:
    assert seen["nav"] == expected_nav(lang), f"navigation of a deep link on a fresh server: {seen['nav']}"
    assert seen["width"] > 900, f"main block is {seen['width']} px wide: the page config (layout='wide') did not run"


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["id", "en"])
def test_desa_deep_link_first_on_a_fresh_server(browser, lang):
    suffix = "&lang=en" if lang == "en" else ""
    with Server(f"deeplink_desa_{lang}", ROOT / "app.py") as server:
        context, page = new_page(browser)
        try:
            page.goto(f"{server.url}/desa?kab=61.12{suffix}&basemap=none")  # the very first request
            first = facts(page, 100)
        finally:
            context.close()
        check_first_view(first, lang)
        assert first["path"] == "/desa" and first["query"].get("kab") == ["61.12"]

        # The same view reached from `/`: click Kubu Raya on the summary map, then show its desa.
        context, page = new_page(browser)
        try:
            page.goto(f"{server.url}/?basemap=none{suffix}")
            click_area(page, "61.12")
            map_frame(page, 5)
            choose(page, t("control.map_level", lang), t("level.desa", lang))
            page.wait_for_function("() => !new URLSearchParams(location.search).has('level')", timeout=60_000)
            reached = facts(page, 100)
        finally:
            context.close()
    assert reached["query"] == first["query"], (reached["query"], first["query"])
    for key in ("nav", "width", "title", "metrics", "labels"):
        assert first[key] == reached[key], f"{key}: deep link {first[key]!r} vs from '/' {reached[key]!r}"
    assert "Kubu Raya" in first["title"]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["id", "en"])
def test_kabupaten_deep_link_first_on_a_fresh_server(browser, lang):
    suffix = "?lang=en" if lang == "en" else ""
    with Server(f"deeplink_kab_{lang}", ROOT / "app.py") as server:
        context, page = new_page(browser)
        try:
            page.goto(f"{server.url}/kabupaten{suffix}")
            first = facts(page, 14)
        finally:
            context.close()
        check_first_view(first, lang)
        assert first["title"] == t("page.kabupaten_title", lang)

        # Reference: the same link once `/` has been opened in this process (Streamlit's choice is made).
        context, page = new_page(browser)
        try:
            page.goto(f"{server.url}/{suffix}")
            map_frame(page, 14)
            page.goto(f"{server.url}/kabupaten{suffix}")
            page.get_by_role("heading", name=t("page.kabupaten_title", lang)).first.wait_for()
            reached = facts(page, 14)
        finally:
            context.close()
    for key in ("nav", "width", "title", "metrics", "labels", "path"):
        assert first[key] == reached[key], f"{key}: deep link {first[key]!r} vs from '/' {reached[key]!r}"


def test_no_pages_folder_beside_the_main_script():
    """A ``pages/*.py`` beside app.py and shell.py switches Streamlit to its old multipage mode for the whole process
    when the first request is a deep link (checked: with screens/*.py copied there, the desa test above
    fails with navigation ['app', 'desa', 'kabupaten'])."""
    assert not list((ROOT / "pages").glob("*.py")), "pages live in screens/; remove pages/*.py beside app.py"


@pytest.mark.browser
def test_sidebar_navigation_keeps_the_target(browser):
    """Ringkasan -> Kabupaten/Kota through the sidebar: same target, same figures (was: target 0)."""
    with Server("deeplink_nav", ROOT / "app.py") as server:
        context, page = new_page(browser)
        try:
            page.goto(f"{server.url}/")
            before = facts(page, 14)
            page.locator('[data-testid="stSidebarNav"]').get_by_text(t("nav.kabupaten", "id"), exact=True).click()
            page.get_by_role("heading", name=t("page.kabupaten_title", "id")).first.wait_for()
            after = facts(page, 14)
        finally:
            context.close()
    assert after["metrics"] == before["metrics"], (before["metrics"], after["metrics"], after["query"])
