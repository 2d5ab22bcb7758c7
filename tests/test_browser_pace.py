"""The pace colouring in a real browser: `/desa?kab=61.04&color=pace` on a server with a published six-month
history and a schedule to 2029 shows the pace block: its title, the stamped caption with the window, the one
sentence geo.pace gives, the path charts and the "paling tertinggal" table. (The map's legend and fills in this
mode are checked on the map's own message in tests/test_app_pace.py.)"""

from __future__ import annotations

import pytest

from geo import pace
from geo.targets import read_schedule
from geo.text import t
from tests.support.browser import idle, new_page, require_chromium
from tests.support.pace import DESA, KAB, SCHEDULE, frames, publish_history
from tests.support.server import Server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    url = f"sqlite:///{tmp_path_factory.mktemp('pace_browser') / 'peta.sqlite'}"
    publish_history(url)
    with Server("pace", env={"KALBAR_DATABASE_URL": url, "KALBAR_RENDER_AHEAD": "0"}) as srv:
        yield srv


def test_desa_page_of_ketapang_shows_the_pace_block(server, browser):
    from playwright.sync_api import expect

    context, page = new_page(browser, {"width": 1400, "height": 1000})
    try:
        page.goto(server.url + "/desa?kab=61.04&color=pace")
        title = page.get_by_text(t("pace.title", "id"), exact=True).first
        title.wait_for(timeout=120_000)
        idle(page)
        scope = pace.total(frames(DESA), read_schedule(SCHEDULE), "61.04")
        sentence = page.locator(".st-key-pjk-pace-sentence")
        name = pace.area_name("Kabupaten Ketapang", "61.04", "desa", frames(DESA), "id")
        expect(sentence).to_have_text(pace.sentence(scope, name, "id"))
        province = pace.total(frames(KAB), read_schedule(SCHEDULE))
        expect(page.get_by_text(pace.sentence(province, t("level.provinsi", "id"), "id"), exact=True)).to_be_visible()
        expect(page.get_by_text("6 bulan terakhir (Januari 2025 – Juni 2025)").first).to_be_visible()
        expect(page.get_by_text(t("pace.ranking_title", "id", level=t("level.desa", "id")))).to_be_visible()
        expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(4)  # pace: 2, trend: 2
        expect(page.get_by_role("button", name=f"{t('pace.download', 'id')} (CSV)")).to_be_visible()
    finally:
        context.close()
