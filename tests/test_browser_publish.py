"""Publishing in a real browser: Debian's Chromium (Playwright) against `streamlit run` on a fresh SQLite file.

An editor created with the CLI signs in through the built-in form, uploads a messy table and
publishes it; a second browser context without an account opens the shared link and sees the
published figures and the stamp, and no sample banner; after a second publish with other
numbers the first link still shows the first figures.
"""

from __future__ import annotations

import re

import pytest

from geo import fmt
from geo.text import t
from tests.support.browser import idle, require_chromium, sign_in
from tests.support.server import with_account

pytestmark = pytest.mark.browser

PASSWORD = "kata-sandi-editor-uji-1"
SAMPLE_LABEL = "Data contoh, bukan data resmi"
HEADER = (
    "REKAP CAKUPAN JAMSOSTEK PER KABUPATEN/KOTA;;;;;\nKeadaan Juni 2025;;;;;\n"
    ";;;;;\nNo;Kabupaten/Kota;Periode;Tenaga Kerja;Peserta Aktif;Sumber\n"
)
# (name as written, workers, participants): Indonesian thousands, a title row, extra columns, "KAB. BENGKAYANG"
FIRST = [
    ("Kabupaten Sambas", 312_500, 101_250),
    ("KAB. BENGKAYANG", 140_000, 52_500),
    ("Kabupaten Kubu Raya", 290_000, 98_600),
    ("Kota Pontianak", 300_000, 160_500),
]
SECOND = [(n, tk, ps + 20_000) for n, tk, ps in FIRST]


def dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def table(rows) -> bytes:
    body = "".join(f"{i};{n};2025-06;{dotted(tk)};{dotted(ps)};dinas\n" for i, (n, tk, ps) in enumerate(rows, 1))
    return (HEADER + body).encode("utf-8")


def coverage(rows) -> str:
    return fmt.percent(sum(ps for *_, ps in rows) / sum(tk for _, tk, _ in rows) * 100, "id")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("publish_browser")
    for i, rows in enumerate((FIRST, SECOND), 1):
        (tmp / f"cakupan_{i}.csv").write_bytes(table(rows))
    with with_account("publish", tmp, "editor1", "editor", PASSWORD) as srv:
        yield srv


def publish(page, path, expect_version: int) -> str:
    """On the publish page (reached through the sidebar, keeping the session): upload, publish, return the link."""
    from playwright.sync_api import expect

    page.get_by_role("link", name=t("auth.nav.publish", "id")).first.click()
    page.get_by_text(t("editor.title", "id")).first.wait_for(timeout=60_000)
    idle(page)
    # The first uploader is the coverage table's (the target-schedule tab has its own).
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    page.get_by_text(path.name, exact=True).wait_for(timeout=60_000)  # the report of this file
    idle(page)
    matched = page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text(t("editor.count.matched", "id"), exact=True)
    )
    expect(matched).to_have_count(1, timeout=60_000)  # stale elements of the previous run are gone
    expect(matched.locator('[data-testid="stMetricValue"]')).to_have_text("4")
    idle(page)
    page.get_by_role("button", name=t("editor.publish", "id"), exact=True).click()
    page.get_by_text(t("editor.published", "id", version=expect_version)).first.wait_for(timeout=90_000)  # + toast
    box = page.get_by_label(t("editor.share_caption", "id"))
    # the page of its level, its period and the version (geo.view.shown.version_link)
    expect(box).to_have_value(re.compile(rf"/kabupaten\?period=[^&]+&v={expect_version}$"), timeout=30_000)
    return box.input_value()


def shown_coverage(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=t("metric.coverage_of", "id")).first
    metric.wait_for(timeout=90_000)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def open_as_visitor(browser, url: str) -> tuple[str, str]:
    """(coverage figure, whole page text) seen by a fresh browser context without an account."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url)
        value = shown_coverage(page)
        page.wait_for_timeout(500)
        return value, page.locator("body").inner_text()
    finally:
        context.close()


def test_editor_publishes_and_a_visitor_sees_the_pinned_figures(server, browser):
    editor = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = editor.new_page()
        sign_in(page, server.url, "editor1", PASSWORD)
        first_link = publish(page, server.tmp / "cakupan_1.csv", 1)
        assert first_link.startswith(server.url)

        value, text = open_as_visitor(browser, first_link)
        assert value == coverage(FIRST)
        assert SAMPLE_LABEL not in text, "published data carries no sample banner"
        by = t("auth.role.editor", "id")
        assert f"oleh {by}" in text and "editor1" not in text, "the stamp names the publisher's role, not the login"

        # the same tab again (new upload control state via a page reload is not needed: a second file)
        second_link = publish(page, server.tmp / "cakupan_2.csv", 2)
        assert coverage(SECOND) != coverage(FIRST)
        assert open_as_visitor(browser, second_link)[0] == coverage(SECOND)
        assert open_as_visitor(browser, server.url + "/")[0] == coverage(SECOND), (
            "the current data is the newer version"
        )
        assert open_as_visitor(browser, first_link)[0] == coverage(FIRST), (
            "the first link still shows the first figures"
        )
    finally:
        editor.close()


def test_anonymous_visitor_has_no_publish_page(server, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.get_by_role("link", name=t("auth.nav.signin", "id")).wait_for(timeout=60_000)
        assert page.get_by_role("link", name=t("auth.nav.publish", "id")).count() == 0
        page.goto(server.url + "/terbitkan")  # typed by hand (or a reload): the sign-in page, saying why
        page.get_by_text(t("auth.sign_in_for", "id", page=t("auth.nav.publish", "id"))).wait_for(timeout=60_000)
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_text(t("editor.title", "id")).count() == 0
        assert page.get_by_role("button", name=t("editor.publish", "id"), exact=True).count() == 0
    finally:
        context.close()
