"""The data officer's month in a real browser (Debian's Chromium via Playwright, `streamlit run`, fresh SQLite).

Sign in; a desa table without a period (asked, given, published); a kabupaten table offered at the
desa level (told which level fits, no publish button); the same table at its level, covering 7 of
14 kabupaten/kota (published); a fresh visitor sees "7 dari 14 kabupaten/kota dilaporkan" on every
map page and in the PDF/PNG for slides; retract with confirmation; a reload of the publish page
keeps the sign-in and opens the page itself, never Streamlit's "Page not found".
"""

from __future__ import annotations

import subprocess

import pytest

from geo.text import t
from tests.support.browser import idle, pick, require_chromium, sign_in
from tests.support.server import with_account

pytestmark = pytest.mark.browser

PASSWORD = "kata-sandi-editor-bulan-1"
DESA = "kode,desa,tenaga_kerja,peserta_aktif\n61.12.01.2001,Sungai Raya,180,60\n61.12.01.2002,,120,80\n"
KAB = (
    "kode,kabupaten,periode,tenaga_kerja,peserta_aktif\n"
    "61.01,Sambas,2024,300000,90000\n61.02,Mempawah,2024,150000,50000\n61.03,Sanggau,2024,200000,60000\n"
    "61.04,Ketapang,2024,250000,80000\n61.05,Sintang,2024,180000,55000\n61.06,Kapuas Hulu,2024,100000,30000\n"
    "61.71,Kota Pontianak,2024,300000,150000\n"
)
PARTIAL = t("partial.reported", "id", n="7", total="14", level=t("partial.level.kabupaten", "id"))
# the desa page opens on the province's desa: 2 of the 2,130 desa are in the table
DESA_PARTIAL = t("partial.reported", "id", n="2", total="2.130", level=t("partial.level.desa", "id"))
PARTIAL_SHORT = t("partial.reported_short", "id", n="7", total="14", level=t("partial.level.kabupaten", "id"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("month_browser")
    (tmp / "desa tanpa periode.csv").write_text(DESA, encoding="utf-8")
    (tmp / "kabupaten.csv").write_text(KAB, encoding="utf-8")
    with with_account("month", tmp, "petugas", "editor", PASSWORD) as srv:
        yield srv


def choose_level(page, level: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=t("editor.level", "id"))
    pick(page, box, t(f"level.{level}", "id"))
    idle(page)


def upload(page, path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    page.get_by_text(t("editor.report_title", "id")).first.wait_for(timeout=60_000)
    idle(page)


def publish_button(page):
    return page.get_by_role("button", name=t("editor.publish", "id"), exact=True)


def test_the_data_officers_month(server, browser, tmp_path):
    from playwright.sync_api import expect

    editor = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = editor.new_page()
        sign_in(page, server.url, "petugas", PASSWORD)
        page.get_by_role("link", name=t("auth.nav.publish", "id")).first.click()
        page.get_by_text(t("editor.title", "id")).first.wait_for(timeout=60_000)
        idle(page)

        # 1. a desa table without a period: asked for, then published with it
        choose_level(page, "desa")
        upload(page, server.tmp / "desa tanpa periode.csv")
        expect(page.get_by_text(t("publish.period_missing", "id", file="desa tanpa periode.csv"))).to_be_visible()
        expect(publish_button(page)).to_have_count(0)
        period = page.get_by_label(t("publish.period_label", "id"), exact=True)
        period.fill("2024")
        period.press("Enter")
        page.get_by_text(t("publish.period_given", "id", period="2024")).wait_for(timeout=60_000)
        idle(page)
        publish_button(page).click()
        page.get_by_text(t("editor.published", "id", version=1)).first.wait_for(timeout=90_000)
        idle(page)

        # 2. the kabupaten table at the desa level: told which level fits, nothing to publish
        upload(page, server.tmp / "kabupaten.csv")
        hint = t("publish.level_hint", "id", other="Kabupaten/Kota", level="Desa/Kelurahan", there="7", here="0")
        page.get_by_text(hint).wait_for(timeout=60_000)
        expect(page.get_by_text(t("editor.cannot_publish", "id"))).to_be_visible()
        expect(publish_button(page)).to_have_count(0)
        expect(page.get_by_text(t("editor.store_error", "id"))).to_have_count(0)

        # 3. at its own level: 7 of 14 kabupaten/kota, published
        choose_level(page, "kabupaten")
        page.get_by_text(t("publish.period_from_table", "id", periods="2024")).wait_for(timeout=60_000)
        idle(page)
        publish_button(page).click()
        page.get_by_text(t("editor.published", "id", version=2)).first.wait_for(timeout=90_000)
        idle(page)

        # 4. a fresh visitor: the partial note on every map page, and in the PDF and PNG for slides
        visitor = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        try:
            vp = visitor.new_page()
            for path, note in (("/", PARTIAL), ("/kabupaten", PARTIAL), ("/desa", DESA_PARTIAL)):
                vp.goto(server.url + path)
                vp.get_by_text(note).first.wait_for(timeout=90_000)
            vp.goto(server.url + "/kabupaten")
            vp.get_by_text(PARTIAL).first.wait_for(timeout=90_000)
            idle(vp)
            with vp.expect_download(timeout=120_000) as pdf:
                vp.get_by_role("button", name=t("download.pdf", "id")).first.click()
            pdf_path = tmp_path / "peta.pdf"
            pdf.value.save_as(pdf_path)
            words = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, timeout=60)
            assert PARTIAL_SHORT in " ".join(words.stdout.split()), words.stdout[:2000]
            with vp.expect_download(timeout=120_000) as png:
                vp.get_by_role("button", name=t("download.png", "id")).first.click()
            png_path = tmp_path / "peta.png"
            png.value.save_as(png_path)
            assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # made by the same figure as the PDF
        finally:
            visitor.close()

        # 5. retract, asked first (the newest version is selected), done only on "yes"
        page.get_by_role("tab", name=t("editor.tab_versions", "id")).click()
        idle(page)
        page.get_by_role("button", name=t("editor.retract", "id")).click()
        confirm = t("editor.confirm_retract", "id", version=2, file="kabupaten.csv", periods="2024")
        page.get_by_text(confirm).wait_for(timeout=60_000)
        idle(page)
        page.get_by_role("button", name=t("editor.yes_retract", "id", version=2)).click()
        done = t("editor.done_retract", "id", version=2, file="kabupaten.csv", periods="2024")
        page.get_by_text(done).first.wait_for(timeout=60_000)

        # 6. a reload of the publish page keeps the sign-in (the cookie): the page itself; never "Page not found"
        page.goto(server.url + "/terbitkan")
        page.get_by_text(t("editor.title", "id")).first.wait_for(timeout=60_000)
        assert page.get_by_text("Page not found").count() == 0
    finally:
        editor.close()
