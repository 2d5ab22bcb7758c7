"""A planner's monev walk in a real browser (Debian's Chromium via Playwright, `streamlit run`, a fresh SQLite
store with one editor account): issue 28's second "Done when".

1. The editor signs in and, on the publish page, publishes twelve months of the kabupaten/kota (two files as
   officers write them: a recap sheet with title rows, "Juli 2024" and "10.000"; BPS codes and "Jan-25"; a month
   missing for one area), twelve months of 32 desa of Ketapang in one file (its JUMLAH row left out, confirmed),
   a target schedule to 2029 (its tab) and two funders' commitments (its tab).
2. A visitor opens `/desa?kab=61.04&color=pace`: the map's legend says the pace's words, and the sentence, the
   path charts and the "paling tertinggal" ranking agree with ``geo.pace`` computed straight from the same
   hand-made figures (tests/support/monev.py).
3. The visitor downloads Ketapang's budget sheet (desa page) and the briefing pack (kabupaten page): PDFs of 1 and
   15 pages; the sheet says Ketapang's sentence and both funders' commitments; every page converts to PNG.

With ``MONEV_DOCS=1`` the walk also writes its pictures to docs/img (monev_*.png): the sheet, the pack's first two
pages, and the desa page in pace mode on a desktop (1400×1000) and a phone (390×844).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from geo import fmt, pace
from geo.targets import read_schedule
from geo.text import t
from tests.support import monev
from tests.support.browser import idle, map_frame, pick, require_chromium, sign_in
from tests.support.server import with_account

pytestmark = pytest.mark.browser

PASSWORD = "kata-sandi-perencana-monev-1"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "img"
KETAPANG_DESA = 262  # desa/kelurahan of Ketapang drawn on the map
A11Y_ROWS_JS = """(grid) => Array.from(grid.querySelectorAll('table[role="grid"] tbody tr')).map(
  tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent))"""
# every text a chart draws (Vega on a canvas, or SVG text): what a person reads on its axes
CHART_TEXT_JS = """
window.pjkChartText = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  if (this.canvas.closest && this.canvas.closest('[data-testid="stVegaLiteChart"]')) {
    window.pjkChartText.push(String(text));
  }
  return fillText.call(this, text, ...rest);
};
"""
A11Y_HEAD_JS = (
    """(grid) => Array.from(grid.querySelectorAll('table[role="grid"] thead th')).map(th => th.textContent)"""
)


def docs_wanted() -> bool:
    return os.environ.get("MONEV_DOCS") == "1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("monev_browser")
    with with_account("monev", tmp, "perencana", "editor", PASSWORD) as srv:
        srv.files = monev.write(tmp)
        yield srv


# --- 1. the editor publishes --------------------------------------------------------------------------


def prefix(key: str, **params) -> str:
    """The fixed start of a message ``key`` (before its first varying part)."""
    return t(key, "id", **params, version="\x00").split("\x00")[0]


def publish_table(page, path: Path, level: str, version: int) -> None:
    """Upload ``path`` at ``level`` on the publish tab, confirm what the page says is left out, publish."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name=t("editor.tab_publish", "id")).click()
    box = page.locator(".st-key-pub_level")
    if t(f"level.{level}", "id") not in box.inner_text():
        pick(page, box, t(f"level.{level}", "id"))
        idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    page.get_by_text(path.name, exact=True).first.wait_for(timeout=60_000)  # the join report of this file
    idle(page)
    publish = page.get_by_role("button", name=t("editor.publish", "id"), exact=True)
    publish.wait_for(timeout=60_000)
    confirm = page.locator('[data-testid="stCheckbox"]').filter(has_text=prefix("editor.confirm_left_out", n="\x00"))
    if confirm.count():  # rows the table cannot place (its JUMLAH row): the page asks, the officer says yes
        confirm.first.click()
        idle(page)
        expect(publish).to_be_enabled()
    publish.click()
    page.get_by_text(t("editor.published", "id", version=version)).first.wait_for(timeout=120_000)
    idle(page)


def publish_in_tab(page, tab: str, upload_key: str, path: Path, button: str, done: str) -> None:
    """A schedule or commitments file through its own tab: upload, see it valid, publish, see it published."""
    page.get_by_role("tab", name=tab).click()
    page.locator(f".st-key-{upload_key} input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=button, exact=True).wait_for(timeout=60_000)
    idle(page)
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text(re.compile("^" + re.escape(done))).first.wait_for(timeout=60_000)
    idle(page)


def editor_publishes(browser, server) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        sign_in(page, server.url, "perencana", PASSWORD)
        page.get_by_role("link", name=t("auth.nav.publish", "id")).first.click()
        page.get_by_text(t("editor.title", "id")).first.wait_for(timeout=60_000)
        idle(page)
        files = server.files
        publish_table(page, files["kab1"], "kabupaten", 1)
        publish_table(page, files["kab2"], "kabupaten", 2)
        publish_table(page, files["desa"], "desa", 3)
        publish_in_tab(
            page,
            t("targets.title", "id"),
            "w_targets_upload",
            files["targets"],
            t("targets.publish_button", "id"),
            prefix("targets.published", rows=0, periods=""),
        )
        publish_in_tab(
            page,
            t("commit.title", "id"),
            "w_commit_upload",
            files["commitments"],
            t("commit.publish_button", "id"),
            prefix("commit.published", rows=0, periods=""),
        )
    finally:
        context.close()


# --- 2. what a visitor sees, against geo.pace ---------------------------------------------------------


def ranking_rows(page) -> list[dict[str, str]]:
    """The "paling tertinggal" table's rows ({header: cell}), from the grid's accessibility table (raw values).
    The grid draws only the columns in view: read, scroll it to its right end, read again."""
    title = page.get_by_text(t("pace.ranking_title", "id", level=t("level.desa", "id")), exact=True)
    title.scroll_into_view_if_needed()
    grids = page.locator('[data-testid="stDataFrame"]')
    for i in range(grids.count()):
        grid = grids.nth(i)
        if t("pace.col.shortfall", "id") not in grid.evaluate(A11Y_HEAD_JS):
            continue
        grid.scroll_into_view_if_needed()
        rows: list[dict[str, str]] = []
        for left in ("0", "s.scrollWidth"):
            grid.evaluate(f"(g) => {{ const s = g.querySelector('.dvn-scroller'); s.scrollLeft = {left}; }}")
            page.wait_for_timeout(500)
            heads, cells = grid.evaluate(A11Y_HEAD_JS), grid.evaluate(A11Y_ROWS_JS)
            rows = rows or [{} for _ in cells]
            for row, got in zip(rows, cells):
                row.update(zip(heads, got))
        return rows
    raise AssertionError("no table with the shortfall of pace on the page")


def visitor_sees_the_pace(browser, server, shots: Path | None) -> None:
    from playwright.sync_api import expect

    from geo.boundaries import areas

    schedule = read_schedule(monev.SCHEDULE)
    desa = pace.by_area(monev.frames(monev.desa_table()), schedule)
    scope = pace.total(monev.frames(monev.desa_table()), schedule, monev.KETAPANG)
    province = pace.total(monev.frames(monev.KAB), schedule)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        context.add_init_script(CHART_TEXT_JS)
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(server.url + "/desa?kab=61.04&color=pace")
        heading(page).wait_for(timeout=120_000)
        frame = map_frame(page, KETAPANG_DESA)
        idle(page)

        # the legend: the pace's title for this year's target, and a row for each status in plain words
        legend = frame.locator(".pjk-legend").first
        assert frame.locator(".pjk-lg-title").first.inner_text() == (
            f"{t('pace.legend_title', 'id')} — {t('pace.legend_year', 'id', year=int(scope['tahun']))}"
        )
        words = legend.inner_text()
        for status in set(desa["status"]):
            assert t(f"pace.status.{status}", "id") in words, status

        # the sentence for Ketapang and for the province, as geo.pace says them
        # (summed from the desa that reported: the sentence says how many, so it is not read as the kabupaten
        # table's figure that the budget sheet uses)
        name = pace.area_name("Kabupaten Ketapang", monev.KETAPANG, "desa", monev.frames(monev.desa_table()))
        assert name.endswith(" desa/kelurahan yang melapor)")
        expect(page.locator(".st-key-pjk-pace-sentence")).to_have_text(pace.sentence(scope, name))
        expect(page.get_by_text(pace.sentence(province, t("level.provinsi", "id")), exact=True)).to_be_visible()
        # the path charts (Ketapang and the province) beside the trend's two
        expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(4)
        for chart in page.locator('[data-testid="stVegaLiteChart"]').all():
            chart.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        svg = page.locator('[data-testid="stVegaLiteChart"] svg text')
        drawn = page.evaluate("() => window.pjkChartText") + svg.evaluate_all("els => els.map(e => e.textContent)")
        assert t("pace.line.needed", "id") in drawn and t("pace.line.pace", "id") in drawn
        thousands = [x for x in drawn if re.fullmatch(r"\d{1,3}([.,]\d{3})+", x)]
        assert thousands and all("," not in x for x in thousands), thousands  # "25.000", as the page writes it

        # "paling tertinggal": the desa geo.pace ranks furthest behind, in its order, with its shortfall and status
        want = pace.shortfall_ranking(desa)
        names = areas("desa").set_index("kode")["nama"]
        rows = ranking_rows(page)
        assert len(rows) == len(want) == 10
        got_names = [r[t("col.nama", "id")] for r in rows]
        assert got_names == [names[k] for k in want["kode"]]
        assert [int(r[t("pace.col.shortfall", "id")]) for r in rows] == [round(x) for x in want["kekurangan_laju"]]
        assert [r[t("pace.col.status", "id")] for r in rows] == [t(f"pace.status.{s}", "id") for s in want["status"]]
        if shots:
            block_shots(page, shots, "1400x1000")
    finally:
        context.close()


def heading(page):
    """The pace block's heading (the sidebar's colouring choice says the same words)."""
    return page.get_by_role("heading", name=t("pace.title", "id"))


def block_shots(page, shots: Path, size: str) -> None:
    """The page's first screen (the map in pace colours, its legend), then the pace block from its heading."""
    page.evaluate(
        "() => document.querySelectorAll('.dvn-scroller').forEach(s => { s.scrollLeft = 0; })"
    )  # the ranking's grid back at its first column
    page.get_by_role("heading", level=1).first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(shots / f"monev_desa_ketapang_{size}.png"))
    heading(page).scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(shots / f"monev_laju_ketapang_{size}.png"))


# every text of the path charts (those drawing the line needed) that sticks out of its picture: cut off, as the
# axis title and the legend were on a phone (a rotated text's box holds its line's leading: 4 px of slack)
CUT_TEXT_JS = """(needed) => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"] svg'))
  .filter(svg => Array.from(svg.querySelectorAll('text')).some(e => e.textContent === needed))
  .flatMap(svg => { const box = svg.getBoundingClientRect();
    return Array.from(svg.querySelectorAll('text')).filter(e => { const r = e.getBoundingClientRect();
      return r.width > 0 && (r.left < box.left - 4 || r.right > box.right + 4); }).map(e => e.textContent); })"""


# the people axis labels of the path charts that overlap the next one up: a plot squashed by its legend
OVERLAP_JS = """(needed) => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"] svg'))
  .filter(svg => Array.from(svg.querySelectorAll('text')).some(e => e.textContent === needed))
  .flatMap(svg => { const r = Array.from(svg.querySelectorAll('text'))
      .filter(e => /^(0|\\d{1,3}(\\.\\d{3})+)$/.test(e.textContent)).map(e => e.getBoundingClientRect())
      .sort((a, b) => a.top - b.top);
    return r.slice(1).filter((b, i) => b.top < r[i].bottom - 1); }).length"""


def on_a_phone(browser, server, shots: Path | None) -> None:
    """The pace block on a 390 px phone: every text of the path charts inside its chart."""
    from tests.support.phone import phone_context

    context = phone_context(browser, "390x844")
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(server.url + "/desa?kab=61.04&color=pace")
        heading(page).wait_for(timeout=120_000)
        map_frame(page, KETAPANG_DESA)
        idle(page)
        for chart in page.locator('[data-testid="stVegaLiteChart"]').all():
            chart.scroll_into_view_if_needed()
        needed = t("pace.line.needed", "id")
        try:  # a chart re-draws at its final width once the page has settled: give it that time
            page.wait_for_function(f"(n) => ({CUT_TEXT_JS})(n).length === 0", arg=needed, timeout=15_000)
        except Exception:  # noqa: BLE001 - say what is cut
            raise AssertionError(f"cut off on a phone: {page.evaluate(CUT_TEXT_JS, needed)}") from None
        assert page.evaluate(OVERLAP_JS, needed) == 0, "the path chart's axis labels overlap: its plot is squashed"
        if shots:
            block_shots(page, shots, "390x844")
    finally:
        context.close()


# --- 3. the budget sheet and the briefing pack -----------------------------------------------------------


def download(browser, url: str, label: str, to: Path) -> Path:
    """Open ``url`` as a visitor, click the download button ``label``, save what comes to ``to``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(url)
        button = page.get_by_role("button", name=label)
        button.wait_for(timeout=120_000)
        idle(page)
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=300_000) as got:
            button.click()
        got.value.save_as(to)
        return to
    finally:
        context.close()


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_text(path: Path, last: int | None = None) -> str:
    """The PDF's text (to page ``last``) with its line breaks as spaces (a sheet wraps a sentence to its column)."""
    pages = ["-l", str(last)] if last else []
    text = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(text.stdout.split())


def pngs(path: Path, stem: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(stem)], check=True)
    return sorted(stem.parent.glob(stem.name + "-*.png"))


def unwrapped(text: str) -> str:
    return " ".join(text.split())


def test_a_planner_publishes_a_year_and_a_visitor_reads_the_pace_and_the_budget(server, browser, tmp_path):
    shots = tmp_path / "docs"
    shots.mkdir()
    editor_publishes(browser, server)
    visitor_sees_the_pace(browser, server, shots if docs_wanted() else None)
    on_a_phone(browser, server, shots if docs_wanted() else None)

    sheet = download(
        browser, server.url + "/desa?kab=61.04&color=pace", t("budget.download_sheet", "id"), tmp_path / "sheet.pdf"
    )
    pack = download(browser, server.url + "/kabupaten", t("budget.download_pack", "id"), tmp_path / "pack.pdf")
    assert sheet.read_bytes()[:5] == b"%PDF-" and pack.read_bytes()[:5] == b"%PDF-"
    assert pdf_pages(sheet) == 1
    assert pdf_pages(pack) == 15  # the province and the 14 kabupaten/kota

    # the sheet says Ketapang's pace as geo.pace does (from the kabupaten table), and what each funder committed
    schedule = read_schedule(monev.SCHEDULE)
    ketapang = pace.by_area(monev.frames(monev.KAB), schedule).set_index("kode").loc[monev.KETAPANG]
    text = pdf_text(sheet)
    for line in pace.sheet_lines(ketapang, "Kabupaten Ketapang"):
        assert unwrapped(line) in text, line
    committed = monev.committed(monev.KETAPANG)
    for funder in ("pemprov", "pemkab"):
        figures = [int(x) for x in committed[f"komitmen_{funder}"] if x > 0]
        assert figures, funder
        for people in figures:
            assert fmt.number(people, "id") in text, (funder, people)
    province_page = pdf_text(pack, last=1)
    for people in monev.committed("61")["komitmen_pemprov"]:
        assert fmt.number(int(people), "id") in province_page

    sheet_png = pngs(sheet, tmp_path / "anggaran")
    pack_png = pngs(pack, tmp_path / "paket")
    assert len(sheet_png) == 1 and len(pack_png) == 15
    assert all(p.stat().st_size > 20_000 for p in sheet_png + pack_png), "a page with nothing drawn on it"

    if docs_wanted():
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(sheet_png[0], DOCS / "monev_anggaran_61.04.png")
        for i, png in enumerate(pack_png[:2], 1):
            shutil.copy(png, DOCS / f"monev_paket_{i}.png")
        for png in shots.glob("*.png"):
            shutil.copy(png, DOCS / png.name)
