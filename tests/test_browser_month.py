"""The data officer's month in a real browser (Debian's Chromium via Playwright, `streamlit run`, fresh SQLite).

Sign in; a desa table without a period (asked, given, published); a kabupaten table offered at the
desa level (told which level fits, no publish button); the same table at its level, covering 7 of
14 kabupaten/kota (published); a fresh visitor sees "7 dari 14 kabupaten/kota dilaporkan" on every
map page and in the PDF/PNG for slides; retract with confirmation; a reload of the publish page
keeps the sign-in and opens the page itself, never Streamlit's "Page not found".
"""

from __future__ import annotations

import re
import subprocess

import pytest

from geo import fmt
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


# --- one month spelled three ways (issue 26): one period, the latest by time, links that reopen a version ---

KAB_CODES = [
    ("61.01", "Sambas"),
    ("61.02", "Mempawah"),
    ("61.03", "Sanggau"),
    ("61.04", "Ketapang"),
    ("61.05", "Sintang"),
    ("61.06", "Kapuas Hulu"),
    ("61.07", "Bengkayang"),
    ("61.08", "Landak"),
    ("61.09", "Sekadau"),
    ("61.10", "Melawi"),
    ("61.11", "Kayong Utara"),
    ("61.12", "Kubu Raya"),
    ("61.71", "Kota Pontianak"),
    ("61.72", "Kota Singkawang"),
]


def month_table(spellings: list[str], active: int) -> tuple[str, str]:
    """A full kabupaten table (14 rows), its periode cells in the given spellings by turns; (CSV, coverage)."""
    lines, tk_sum, ps_sum = ["kode,kabupaten,periode,tenaga_kerja,peserta_aktif"], 0, 0
    for i, (kode, name) in enumerate(KAB_CODES):
        tk, ps = 100_000 + 1_000 * i, active + 500 * i
        lines.append(f"{kode},{name},{spellings[i % len(spellings)]},{tk},{ps}")
        tk_sum, ps_sum = tk_sum + tk, ps_sum + ps
    return "\n".join(lines) + "\n", fmt.percent(ps_sum / tk_sum * 100, "id")


def coverage_seen(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=t("metric.coverage_of", "id")).first
    metric.wait_for(timeout=90_000)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_one_month_spelled_three_ways_is_one_period_and_links_reopen_a_version(server, browser, tmp_path):
    import json
    import urllib.request

    from playwright.sync_api import expect

    june, june_cov = month_table(["Juni 2025", "Jun-25", "06/2025"], 40_000)
    may, _may_cov = month_table(["Mei 2025"], 30_000)
    may_fixed, may_fixed_cov = month_table(["05/2025"], 35_000)
    for name, body in (("juni.csv", june), ("mei.csv", may), ("mei koreksi.csv", may_fixed)):
        (tmp_path / name).write_text(body, encoding="utf-8")
    with urllib.request.urlopen(server.url + "/api/v1/versions", timeout=30) as r:
        n = len(json.loads(r.read())["versions"])  # versions published before this test (the month above)
    v_june, v_may, v_fix = n + 1, n + 2, n + 3
    editor = browser.new_context(viewport={"width": 1400, "height": 1000})
    visitor = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = editor.new_page()
        sign_in(page, server.url, "petugas", PASSWORD)
        page.goto(server.url + "/terbitkan")
        page.get_by_text(t("editor.title", "id")).first.wait_for(timeout=60_000)
        idle(page)
        choose_level(page, "kabupaten")
        # 1. three spellings of June: one period in the report, nothing invalid
        upload(page, tmp_path / "juni.csv")
        page.get_by_text(t("publish.period_from_table", "id", periods="Juni 2025")).wait_for(timeout=60_000)
        publish_button(page).click()
        page.get_by_text(t("editor.published", "id", version=v_june)).first.wait_for(timeout=90_000)
        idle(page)
        # 2. May published after June: June stays the latest (time order, not text order)
        upload(page, tmp_path / "mei.csv")
        publish_button(page).click()
        page.get_by_text(t("editor.published", "id", version=v_may)).first.wait_for(timeout=90_000)
        idle(page)
        vp = visitor.new_page()
        vp.goto(server.url + "/kabupaten")
        assert coverage_seen(vp) == june_cov
        vp.get_by_text(f"Data per Juni 2025 · versi {v_june}").first.wait_for(timeout=60_000)
        # the API: one period for June, ordered by time, the ISO key and the label
        with urllib.request.urlopen(server.url + "/api/v1/versions", timeout=30) as r:
            versions = {v["id"]: v for v in json.loads(r.read())["versions"]}
        assert versions[v_june]["periods"] == ["2025-06"] and versions[v_may]["periods"] == ["2025-05"]
        # 3. a correction of May published last: its share link opens May as corrected, version 5
        upload(page, tmp_path / "mei koreksi.csv")
        publish_button(page).click()
        page.get_by_text(t("editor.published", "id", version=v_fix)).first.wait_for(timeout=90_000)
        box = page.get_by_label(t("editor.share_caption", "id"))
        expect(box).to_have_value(re.compile(rf"/kabupaten\?period=2025-05&v={v_fix}$"), timeout=30_000)
        vp.goto(box.input_value())
        assert coverage_seen(vp) == may_fixed_cov
        vp.get_by_text(f"Data per Mei 2025 · versi {v_fix}").first.wait_for(timeout=60_000)
        vp.goto(server.url + "/kabupaten")  # the latest is still June
        assert coverage_seen(vp) == june_cov
        # 4. the version list's "open" is the same link (a desa version's opens the desa page: tests/test_view.py)
        page.get_by_role("tab", name=t("editor.tab_versions", "id")).click()
        idle(page)
        hrefs = page.get_by_role("link", name=t("editor.open_version", "id")).evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        assert any(re.search(rf"/kabupaten\?period=2025-05&v={v_fix}$", h) for h in hrefs), hrefs
    finally:
        visitor.close()
        editor.close()
