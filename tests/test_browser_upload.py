"""An anonymous visitor's hostile uploads in Chromium: each refused with its limit, the server stays up,
and a new session still draws the map (issue 18, point 1)."""

from __future__ import annotations

import urllib.request

import pytest

from geo.text import t
from tests.support import hostile
from tests.support.browser import idle, map_frame, polygon_count, require_chromium
from tests.support.server import ROOT, Server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    """`streamlit run app.py` with visitor uploads on (as `run.py app` runs locally) and the default limits."""
    require_chromium()
    with Server("upload", ROOT / "app.py", env={"KALBAR_VISITOR_UPLOADS": "1", "KALBAR_MAX_ROWS": ""}) as srv:
        yield srv


def healthy(srv: Server) -> bool:
    with urllib.request.urlopen(srv.url + "/_stcore/health", timeout=10) as r:
        return r.status == 200 and srv.proc is not None and srv.proc.poll() is None


def upload(page, path) -> None:  # noqa: ANN001 - a Playwright page
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        {"name": path.name, "mimeType": "application/octet-stream", "buffer": path.read_bytes()}
    )


# file maker -> what the refusal says (Indonesian: the app's default language)
HOSTILE = {
    "far_cell_xlsx": "60.000 baris",
    "million_lines_csv": "60.000 baris",
    "bomb_strings_xlsx": "100×",
    "long_line_commas_csv": "20.000 karakter",
    "nul_file": t("table.not_text", "id"),
}


def test_hostile_uploads_leave_the_server_up_and_the_map_drawn(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(server.url + "/?basemap=none")
        map_frame(page, 14)
        page.get_by_text(t("control.data", "id"), exact=True).first.click()  # the data expander
        idle(page)
        for maker, said in HOSTILE.items():
            path = hostile.MAKERS[maker](tmp_path)
            upload(page, path)
            alert = page.locator('[data-testid="stAlert"]')
            alert.filter(has_text=f'"{path.name}"').filter(has_text=said).first.wait_for(timeout=90_000)
            assert "Traceback" not in page.content()
            assert healthy(server), f"server down after {maker}"
    finally:
        context.close()
    # a new visitor's session: the map draws as before
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = fresh.new_page()
        page.set_default_timeout(90_000)
        page.goto(server.url + "/?basemap=none")
        assert polygon_count(map_frame(page, 14)) == 14
    finally:
        fresh.close()
    assert healthy(server)
