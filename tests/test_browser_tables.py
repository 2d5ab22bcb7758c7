"""The tables in a real browser: an Indonesian page read by a browser set to English (en-US).

Streamlit's grid draws its cells on a canvas, and its hidden accessibility table holds the raw values
(``38.33``, an empty cell for no data), not the text a person sees. So the page is opened with a
script that notes every ``fillText`` on a canvas inside a ``stDataFrame`` (text, position, which
table): what was drawn is what a person reads. The table is a published partial kabupaten table:
three areas with data (9,50 / 38,33 / 100,00 %), eleven without.
"""

from __future__ import annotations

import time

import pytest

from geo.text import t
from tests.support.browser import require_chromium
from tests.support.server import Server

pytestmark = pytest.mark.browser

PARTIAL = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif
61.01,Sambas,2024,300000,28500
61.71,Kota Pontianak,2024,300000,115000
61.72,Kota Singkawang,2024,100000,100000
"""
# every text drawn on a table's canvas: (text, x, y in the canvas, the name given to its stDataFrame)
RECORD_JS = """
window.pjkDrawn = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  const host = this.canvas.closest ? this.canvas.closest('[data-testid="stDataFrame"]') : null;
  if (host) {
    const m = this.getTransform();
    // each table is named once, on its element: an index among the tables shifts when one is added above
    if (!host.dataset.pjkGrid) { host.dataset.pjkGrid = String((window.pjkGrids = (window.pjkGrids || 0) + 1)); }
    window.pjkDrawn.push({t: String(text), x: m.e + x * m.a, y: m.f + y * m.d, grid: host.dataset.pjkGrid});
  }
  return fillText.call(this, text, x, y, ...rest);
};
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from geo.store import open_store

    require_chromium()
    url = f"sqlite:///{(tmp_path_factory.mktemp('tables_browser') / 'peta.sqlite').as_posix()}"
    store = open_store(url)
    store.publish(PARTIAL, "sebagian.csv", "kabupaten", "ana")
    store.dispose()
    env = {"KALBAR_DATABASE_URL": url}
    for var in ("KALBAR_REQUIRE_SIGN_IN", "KALBAR_EDITOR_EMAILS", "KALBAR_ADMIN_EMAILS"):
        env[var] = ""
    with Server("tables", env=env) as srv:
        yield srv


def drawn_rows(page, grid: str | None) -> list[list[str]]:
    """The rows drawn on table ``grid`` (the latest text at each place), top to bottom, each left to right."""
    cells: dict[tuple[int, int], str] = {}
    for d in page.evaluate("window.pjkDrawn"):
        if d["grid"] == grid:
            cells[(round(d["y"]), round(d["x"]))] = d["t"]
    rows: dict[int, list[tuple[int, str]]] = {}
    for (y, x), text in cells.items():
        rows.setdefault(y, []).append((x, text))
    return [[text for _x, text in sorted(row)] for _y, row in sorted(rows.items())]


def wait_rows(page, grid: str | None, ready, timeout_s: float = 60) -> list[list[str]]:
    """``drawn_rows`` once ``ready(rows)`` holds (the grid draws a moment after the data arrives)."""
    deadline = time.monotonic() + timeout_s
    rows = drawn_rows(page, grid)
    while not ready(rows) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        rows = drawn_rows(page, grid)
    return rows


def row_of(rows: list[list[str]], name: str) -> list[str]:
    return next((r for r in rows if name in r), [])


def open_area_table(browser, url: str, locale: str, lang: str):
    """(context, page, the area table's locator, its index, its drawn rows) of ``url`` in a ``locale`` browser."""
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
    context.add_init_script(RECORD_JS)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    assert page.evaluate("navigator.languages[0]") == locale
    grids = page.locator('[data-testid="stDataFrame"]')
    workers = t("col.tenaga_kerja", lang)
    area = grids.filter(has=page.locator("table[role=grid] th", has_text=workers)).first  # the area table
    area.scroll_into_view_if_needed()
    ready = lambda r: row_of(r, "Kota Pontianak") and row_of(r, "Kabupaten Ketapang")  # noqa: E731
    deadline, grid, rows = time.monotonic() + 60, None, []
    while not ready(rows) and time.monotonic() < deadline:  # named at its first draw (and anew if redrawn)
        grid = area.evaluate("el => el.dataset.pjkGrid || null")
        rows = drawn_rows(page, grid)
        page.wait_for_timeout(200)
    return context, page, area, grid, rows


def test_an_english_table_in_an_indonesian_browser(server, browser):
    context, _page, _area, _grid, rows = open_area_table(
        browser, server.url + "/kabupaten?basemap=none&lang=en", "id-ID", "en"
    )
    try:
        pontianak = row_of(rows, "Kota Pontianak")
        assert "38.33" in pontianak and "300,000" in pontianak, pontianak
        assert "–" in row_of(rows, "Kabupaten Ketapang")
    finally:
        context.close()


def test_an_indonesian_table_in_an_english_browser(server, browser):
    context, page, area, grid, rows = open_area_table(browser, server.url + "/kabupaten?basemap=none", "en-US", "id")
    try:
        pontianak, ketapang = row_of(rows, "Kota Pontianak"), row_of(rows, "Kabupaten Ketapang")
        assert "38,33" in pontianak and "300.000" in pontianak, pontianak  # the page's format, not the browser's
        assert "38.33" not in pontianak and "300000" not in pontianak, pontianak
        assert ketapang.count("–") >= 5 and "None" not in ketapang, ketapang  # no data: "–", never "None"
        assert not any(cell in ("None", "nan", "<NA>") for r in rows for cell in r)

        # a click on the coverage header sorts ascending (no data first), a second one descending: by value
        coverage = t("col.cakupan", "id")
        header = next(d for d in page.evaluate("window.pjkDrawn") if d["grid"] == grid and d["t"] == coverage)
        box = area.locator("canvas").first.bounding_box()
        for _ in range(2):
            page.evaluate("window.pjkDrawn = []")
            page.mouse.click(box["x"] + header["x"] + 12, box["y"] + header["y"])
            wait_rows(page, grid, lambda r: any(coverage in c for c in (r[0] if r else [])))
            page.wait_for_timeout(800)  # two separate clicks, not a double-click
        names = ("Kota Singkawang", "Kota Pontianak", t("col.total", "id"), "Kabupaten Sambas")
        shown = ("100,00", "38,33", "34,79", "9,50")  # 243,500 of 700,000 in the totals row

        def sorted_down(r: list[list[str]]) -> bool:
            firsts = [next((n for n in names if n in row), None) for row in r[1:5]]
            return firsts == list(names)

        rows = wait_rows(page, grid, sorted_down)
        assert sorted_down(rows), rows[:6]  # as text, "9,50" would come first and "100,00" last
        for name, value in zip(names, shown):
            assert value in row_of(rows, name), row_of(rows, name)
    finally:
        context.close()
