"""Nothing a link, a file name or a table cell holds is rendered as Markdown, HTML or a formula.

Browser tests run Debian's Chromium against a real `streamlit run` and route every request:
only 127.0.0.1/localhost may pass, anything else is counted and aborted before it is sent.
Each payload goes into every URL parameter of every page, into an uploaded table's file name,
and into its cells (names, kode, periode, extra columns). Per load: no dialog, no <a>/<img>
(or any src/href/on* attribute) pointing at the attacker or at ``javascript:``, in the page and
in the map iframe, and the payload is visible as literal text where it is shown (so these tests
can fail). The exports of such a table (CSV, XLSX, HTML map, PNG) are checked too.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote, urlencode, urlparse

import pandas as pd
import pytest
from injection_payloads import ATTACKER, PAYLOADS

from geo import boundaries
from geo.text import t
from tests.support.apptest import new_app, shown
from tests.support.browser import LOCAL_HOSTS, guard_offline
from tests.support.preview import TELEGRAM, WHATSAPP, fetch, read_page
from tests.support.server import Server
from ui import safe


def _tile_host_pattern() -> re.Pattern:
    """Hosts of the app's own basemap tiles (refused here too): the only other requests a page may try."""
    from geo.maps import BASEMAPS

    hosts = [urlparse(b[0].replace("{s}", "x")).hostname for b in BASEMAPS.values() if b]
    return re.compile(
        "|".join(re.escape(h).replace("x\\.", "[a-z]\\.", 1) if h.startswith("x.") else re.escape(h) for h in hosts)
    )


TILE_HOSTS = _tile_host_pattern()
PAGES = {"ringkasan": "/", "kabupaten": "/kabupaten", "desa": "/desa"}
# every parameter the pages read, and one they do not know
PARAMS = (
    "kab",
    "kec",
    "sel",
    "period",
    "target",
    "q",
    "level",
    "basemap",
    "color",
    "lang",
    "below",
    "present",
    "zz_unknown",
)
# parameters whose bad value is reported back to the viewer (positive control: the text must show)
REPORTED = ("kab", "kec", "sel", "period", "target", "level", "basemap", "color", "lang", "below", "present")

# Attributes that load or link something, or run script; their values must never hold the attacker's text.
SCAN_JS = """(attacker) => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = (a.value || '').toLowerCase();
      const linky = ['href', 'src', 'xlink:href', 'srcset', 'action', 'formaction', 'poster', 'data', \
'background'].includes(n);
      if (n.startsWith('on') && v.includes('alert')) bad.push(el.tagName + ' ' + n + '=' + v);
      if (linky && (v.includes(attacker) || v.trim().startsWith('javascript:'))) \
bad.push(el.tagName + ' ' + n + '=' + v);
      if ((n === 'style') && v.includes(attacker)) bad.push(el.tagName + ' style=' + v);
    }
    // a <script> made from a payload (the map's own scripts carry payload text only inside JSON strings)
    if (el.tagName === 'SCRIPT' && (el.textContent || '').trim() === 'alert(1)') bad.push('SCRIPT alert(1)');
  }
  return bad;
}"""

LEAK = {"blocked": 0, "blocked_attacker": 0, "sent_bytes": 0, "loads": 0, "hosts": set()}


def _report_leaks() -> str:
    return (
        f"{LEAK['loads']} loads; requests to hosts other than localhost: "
        f"{LEAK['blocked']} (all blocked; to {ATTACKER}: {LEAK['blocked_attacker']}; "
        f"hosts: {sorted(LEAK['hosts'])}); bytes sent off localhost: {LEAK['sent_bytes']}"
    )


@pytest.fixture(scope="module")
def server(server):
    """The shared app server (conftest); afterwards, what the module's guard blocked."""
    yield server
    print("\n[injection] " + _report_leaks())


class Guarded:
    """A browser context whose requests may only go to localhost; records dialogs and blocked requests."""

    def __init__(self, browser):
        self.dialogs: list[str] = []
        self.sockets: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        self.blocked = guard_offline(self.context, self._count)  # never sent: nothing leaves localhost
        self.page = self.context.new_page()
        self.page.set_default_timeout(90_000)
        self.page.on("dialog", self._dialog)
        self.page.on("websocket", lambda ws: self.sockets.append(ws.url))

    @staticmethod
    def _count(url: str) -> None:
        LEAK["blocked"] += 1
        LEAK["hosts"].add(urlparse(url).hostname or url[:40])
        if ATTACKER in url:
            LEAK["blocked_attacker"] += 1

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self) -> None:
        """No dialog, nothing pointing at the attacker in any frame, no attacker request, only local sockets."""
        LEAK["loads"] += 1
        self.page.wait_for_timeout(300)  # let any image or script the page might have got start loading
        assert not self.dialogs, f"dialog fired: {self.dialogs}"
        for frame in self.page.frames:
            try:
                found = frame.evaluate(SCAN_JS, ATTACKER.lower())
            except Exception as exc:  # a frame that detached while we looked: scan the others
                if "detached" in str(exc).lower():
                    continue
                raise
            assert not found, f"attacker markup in {frame.url[:80]}: {found[:5]}"
        attacker = [u for u in self.blocked if ATTACKER in u or u.startswith("javascript:")]
        assert not attacker, f"the page tried to load {attacker}"
        other = [u for u in self.blocked if not TILE_HOSTS.fullmatch(urlparse(u).hostname or "")]
        assert not other, f"requests to hosts other than localhost and the basemap's tiles: {other[:5]}"
        assert all((urlparse(u).hostname or "") in LOCAL_HOSTS for u in self.sockets), self.sockets

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def guarded(browser):
    g = Guarded(browser)
    yield g
    g.close()


def visible_text(page) -> str:
    """Text of the page and its frames as a reader sees it (the invisible ZWSP dropped)."""
    parts = []
    for frame in page.frames:
        try:
            parts.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
        except Exception:
            pass
    return "\n".join(parts).replace(safe.ZWSP, "")


def wait_for_text(page, needle: str, times: int = 1, timeout_s: float = 90) -> int:
    """Wait until ``needle`` shows at least ``times`` times; return how often it shows."""
    deadline = page.evaluate("() => Date.now()") + timeout_s * 1000
    count = 0
    while page.evaluate("() => Date.now()") < deadline:
        count = visible_text(page).count(needle)
        if count >= times:
            return count
        page.wait_for_timeout(250)
    return count


def map_drawn(page) -> None:
    """The map iframe exists and has its polygons (its content is scanned too)."""
    page.wait_for_selector('iframe[title*="streamlit_folium"]', state="attached")
    for _ in range(400):
        for fr in page.frames:
            if "streamlit_folium" in fr.url:
                try:
                    fr.wait_for_function(
                        "() => document.querySelectorAll('path.leaflet-interactive').length > 0", timeout=1000
                    )
                    return
                except Exception:
                    pass
        page.wait_for_timeout(100)
    raise AssertionError("map never drawn")


# --- every URL parameter of every page ---------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
@pytest.mark.parametrize("page_name", list(PAGES))
def test_payload_in_every_url_parameter(server, guarded, page_name, payload):
    query = urlencode({p: payload for p in PARAMS}, quote_via=quote)
    page = guarded.page
    page.goto(f"{server.url}{PAGES[page_name]}?{query}")
    literal = safe.one_line(payload)
    expected = len(REPORTED) + (1 if page_name == "desa" else 0)  # desa also echoes the search text
    seen = wait_for_text(page, literal, expected)
    map_drawn(page)
    guarded.check()
    assert seen >= expected, f"payload shown {seen}× as text, expected {expected}× (one per reported parameter)"
    text = visible_text(page)
    for p in ("kab", "level", "basemap", "lang"):
        assert f"{p}={literal}" in text, f"the message about {p} does not show the value as typed"


# --- uploaded table: file name and cells -------------------------------------------------------------


def payload_table(payload: str) -> bytes:
    """Every kabupaten with the payload as its name and note (period 2024); one row whose kode and period are the
    payload (a period is a value now: a payload there is a row error, never a period)."""
    kab = boundaries.load("kabupaten")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["kode", "kabupaten", "periode", "tenaga_kerja", "peserta_aktif", "catatan"])
    for i, kode in enumerate(sorted(kab["kode"])):
        w.writerow([kode, payload, "2024", 100_000 + i, 30_000 + 1_000 * i, payload])
    w.writerow([payload, payload, payload, 1_000, 500, payload])
    return buf.getvalue().encode("utf-8")


def upload(page, name: str, content: bytes) -> None:
    page.get_by_text(t("control.data", "id"), exact=True).first.click()  # open the data expander
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )


@pytest.mark.browser
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payload_in_uploaded_file_name_and_cells(server, guarded, payload):
    page = guarded.page
    page.goto(f"{server.url}/?basemap=none")
    map_drawn(page)
    name = payload.replace("/", "∕") + ".csv"  # a browser file name cannot hold '/'
    upload(page, name, payload_table(payload))
    literal = safe.one_line(payload)
    # browsers send '"', CR and LF in a multipart file name as %22, %0D, %0A (WHATWG form-data encoding)
    sent = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    caption = safe.one_line(
        t("publish.preview", "id", name=sent)
    )  # an upload is a preview until an editor publishes it
    found = wait_for_text(page, caption)
    assert found >= 1, (
        "the uploaded file's name is not shown as typed",
        [ln for ln in visible_text(page).splitlines() if t("publish.preview", "id", name="")[:10] in ln],
    )
    assert wait_for_text(page, f"{t('control.period', 'id')} 2024") >= 1, "the table's period is shown"
    assert f"{t('control.period', 'id')} {literal}" not in visible_text(page), "a payload never becomes a period"
    map_drawn(page)
    guarded.check()
    # the same table on the Kabupaten/Kota page: the upload's name as typed; table and downloads
    page.locator('[data-testid="stSidebarNav"]').get_by_text(t("nav.kabupaten", "id"), exact=True).click()
    page.get_by_role("heading", name=t("page.kabupaten_title", "id")).first.wait_for()
    map_drawn(page)
    assert wait_for_text(page, caption) >= 1
    guarded.check()
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV", exact=True).click()
    filename = info.value.suggested_filename
    assert re.fullmatch(r"[A-Za-z0-9._-]+\.csv", filename), filename
    data = info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert all(not c.startswith(("=", "+", "@", "\t", "\r")) for r in rows for c in r), (
        "a CSV cell could run as a formula"
    )
    guarded.check()


# --- exports of an uploaded table with payload cells -------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def mixed_table(payload: str) -> bytes:
    """One payload per kabupaten row (names, extra columns), ``payload`` as every row's note, period 2024; the
    rows whose kode is a payload carry ``payload`` as their period too (a period is a value: a row error there,
    never a period, so it cannot reach a title)."""
    kab = sorted(boundaries.load("kabupaten")["kode"])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["kode", "kabupaten", "periode", "tenaga_kerja", "peserta_aktif", "catatan", PAYLOADS[0]])
    for i, kode in enumerate(kab):
        p = PAYLOADS[i % len(PAYLOADS)]
        w.writerow([kode, p, "2024", 100_000 + i, 30_000 + 1_000 * i, payload, PAYLOADS[-1 - i]])
    for p in PAYLOADS[len(kab) :]:
        w.writerow([p, p, payload, 1_000, 500, payload, p])  # kode is a payload: unmatched, in the join report
    return buf.getvalue().encode("utf-8")


def uploaded_app(period: str):
    at = new_app()
    at.run()
    at.switch_page("screens/kabupaten.py")
    at.run()
    at.selectbox(key="w_upload_level").set_value("kabupaten")
    at.get("file_uploader")[0].upload(f"{PAYLOADS[0]}.csv", mixed_table(period), "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


FORMULA_PERIOD = f'=HYPERLINK("http://{ATTACKER}","x")'
MATH_PERIOD = "$$x$$ $\\frac$"


@pytest.mark.parametrize("period", [FORMULA_PERIOD, MATH_PERIOD])
def test_csv_xlsx_png_of_an_uploaded_payload_table(media, period):
    import openpyxl

    at = uploaded_app(period)
    shown_text = " ".join(
        str(e.value) for kind in ("markdown", "caption", "warning", "error", "info") for e in at.get(kind)
    )
    assert safe.md(f"{PAYLOADS[0]}.csv") in shown_text, "the file name is shown, escaped"
    buttons = {b.label: b for b in at.get("download_button")}
    text = media(buttons["CSV"]).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    risky = [c for c in cells if c.startswith(FORMULA_START) and not re.fullmatch(r"-?[\d.,]+", c)]
    assert not risky, f"CSV cells a spreadsheet would run: {risky[:5]}"
    wb = openpyxl.load_workbook(io.BytesIO(media(buttons["XLSX"])))
    values = [c for row in wb.active.iter_rows() for c in row]
    assert not [c.value for c in values if c.data_type == "f"], "XLSX holds formulas"
    assert not [
        c.value
        for c in values
        if isinstance(c.value, str) and c.value.startswith(FORMULA_START) and not re.fullmatch(r"-?[\d.,]+", c.value)
    ]
    # the static map's title carries the period, a value now ("2024"): a '$…$' payload cannot reach matplotlib
    png = media(buttons[t("download.png", "id")])
    assert png.startswith(b"\x89PNG")


@pytest.mark.browser
def test_html_map_export_of_an_uploaded_payload_table(media, browser, tmp_path):
    """The standalone HTML map opened in Chromium: escaped, offline; a payload in the period cells is a row error,
    never the title panel's period."""
    period = "<img src=http://198.51.100.7/e onerror=alert(1)>[klik](http://198.51.100.7/y)"
    at = uploaded_app(period)
    buttons = {b.label: b for b in at.get("download_button")}
    page_html = media(buttons[t("download.map", "id")]).decode("utf-8")
    assert f"<img src=http://{ATTACKER}" not in page_html
    path = tmp_path / "peta.html"
    path.write_text(page_html, encoding="utf-8")
    g = Guarded(browser)
    try:
        g.page.goto(path.as_uri())
        g.page.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length >= 14")
        g.check()
        shown = visible_text(g.page)
        assert "2024" in shown and period not in shown, "the title panel shows the period, never the payload"
    finally:
        g.close()


def test_payload_cells_of_a_read_table_export_as_text():
    """The cells themselves (names, periode, notes) through geo.export: formulas get a leading apostrophe.

    (The app's own CSV/XLSX downloads hold boundary names and figures, so the check above could
    pass without a payload ever reaching them; this one has the payloads in the cells.)
    """
    import openpyxl

    from geo.export import to_csv, to_xlsx
    from geo.table import read_table

    table = read_table(mixed_table(FORMULA_PERIOD), filename="payloads.csv").data
    text = to_csv(table).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert "'" + FORMULA_PERIOD in cells, "positive control: the formula payload is in the export, neutralised"
    assert not [c for c in cells if c.startswith(FORMULA_START) and not re.fullmatch(r"-?[\d.,]+", c)]
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    values = [c for row in ws.iter_rows() for c in row]
    assert not [c.value for c in values if c.data_type == "f"]
    assert "'" + FORMULA_PERIOD in [c.value for c in values]


# --- the link preview and the instant picture (server/preview.py): plain HTTP, as a chat robot ------------


def _structure(body: bytes) -> tuple[list[str], list[str], list[str]]:
    page = read_page(body)
    return page.head_tags, page.block_tags, sorted(page.meta)


@pytest.mark.parametrize("page_name", list(PAGES))
def test_payloads_in_the_preview_tags_and_the_instant_block_stay_text(server, page_name):
    """Every payload in every parameter: the same tags as a clean link, the payload never as markup."""
    path = PAGES[page_name]
    _s, _h, clean = fetch(f"{server.url}{path}")
    baseline = _structure(clean)
    assert baseline[1] and "og:image" in baseline[2], "the clean page carries the block and the tags"
    for payload in PAYLOADS:
        query = urlencode({p: payload for p in PARAMS}, quote_via=quote)
        status, _h, body = fetch(f"{server.url}{path}?{query}", WHATSAPP)
        assert status == 200
        assert _structure(body) == baseline, f"payload {payload!r} changed the page's tags"
        html_text = body.decode("utf-8")
        if any(c in payload for c in '<>"'):
            assert payload not in html_text, f"payload {payload!r} is in the HTML unescaped"
        page = read_page(body)
        for key in ("og:url", "og:image", "twitter:image"):
            assert page.meta[key].startswith(server.url + "/"), (key, page.meta[key])
        assert page.block_snapshot.startswith("/snapshot/")
        assert page.block_image.startswith(("/snapshot/", "data:image/webp;base64,")), page.block_image[:40]
        assert page.scripts_in_block == 0


def _names_of_payloads() -> list[str]:
    """Every payload, packed into display names of at most 128 characters (the store's limit for one)."""
    names: list[str] = []
    for p in (" ".join(p.split()) for p in PAYLOADS):
        if names and len(names[-1]) + 1 + len(p) <= 128:
            names[-1] += " " + p
        else:
            names.append(p)
    return names


@pytest.fixture(scope="module")
def payload_publisher(tmp_path_factory):
    """A store with one version per payload-named publisher: each account's display name (what the stamp
    shows; never the login) is a run of payloads, and together they hold every payload."""
    from geo.store import open_store

    url = f"sqlite:///{tmp_path_factory.mktemp('payload_store') / 'peta.sqlite'}"
    store = open_store(url)
    for i, name in enumerate(_names_of_payloads()):
        store.add_user(f"penerbit{i}", "editor", display_name=name)
        table = f"kode,kabupaten,periode,tenaga_kerja,peserta_aktif\n61.01,Sambas,2024,300000,{90000 + i}\n"
        store.publish(table.encode(), f"x{i}.csv", "kabupaten", f"penerbit{i}")
    store.dispose()
    with Server("injection_publisher", env={"KALBAR_DATABASE_URL": url}) as srv:
        yield srv


def test_a_publishers_name_in_the_stamp_stays_text(payload_publisher, server):
    _s, _h, clean = fetch(f"{server.url}/")
    names = _names_of_payloads()
    assert len(names) > 1 and " ".join(names) == " ".join(" ".join(PAYLOADS).split())
    for version, name in enumerate(names, start=1):
        _s, _h, body = fetch(f"{payload_publisher.url}/?v={version}", TELEGRAM)
        assert _structure(body) == _structure(clean)
        page = read_page(body)
        assert name in page.meta["og:description"] and name in page.block_text["pjk-instant-label"], version
        assert "<script>alert(1)</script>" not in body.decode("utf-8")


def test_payload_cells_keep_their_text_in_the_tables():
    """The tables' cell text (ui/blocks.table: a pandas Styler's display values, sent beside the raw cells)
    holds a payload exactly as the cell does: not escaped, not rendered, not dropped."""
    at = uploaded_app("2024")
    found: set[str] = set()
    for d in at.dataframe:
        raw, text = d.value, shown(d)
        assert list(text.columns) == list(raw.columns)
        for col in raw.columns:
            if pd.api.types.is_numeric_dtype(raw[col]):
                continue
            written = raw[col].notna()
            assert (text.loc[written, col] == raw.loc[written, col].astype(str)).all(), col
            assert (text.loc[~written, col] == "–").all(), col
            found |= set(raw.loc[written, col].astype(str))
    payloads = {p for p in PAYLOADS if any(p in cell for cell in found)}
    assert len(payloads) >= 5 and "&lt;b&gt;&#106;&amp;" in found, (
        f"positive control: payload cells are in the tables ({sorted(payloads)})"
    )
