"""Two `streamlit run` processes on one PostgreSQL: a version published elsewhere shows on both.

The publish goes through the store from this (third) process, as the publish page or the CLI of
another server would; a fresh browser session on each server must show it, without a restart.
How soon it shows (target: within 5 s) is measured by the bench (bench/version_check.py), not here.
"""

from __future__ import annotations

import time

import pytest

from geo.paths import ROOT
from geo.store import open_store
from tests.support.server import Server

pytestmark = pytest.mark.browser

V1 = (
    b"kode,kabupaten,periode,tenaga_kerja,peserta_aktif\n"
    b"61.01,Sambas,2024,300000,90000\n61.71,Kota Pontianak,2024,300000,150000\n"
)
V2 = V1.replace(b"Sambas,2024,300000,90000", b"Sambas,2024,300000,200000")
GIVE_UP_S = 35.0  # a version that has not shown by then never will: the test fails


def seen(browser, url: str, text: str, give_up_s: float = GIVE_UP_S) -> None:
    """Open fresh sessions (new browser contexts) on ``url`` until ``text`` shows; fail after ``give_up_s``."""
    start = time.monotonic()
    while True:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            page.goto(url)
            page.get_by_text(text, exact=False).first.wait_for(timeout=4000)
            return
        except Exception as exc:
            if time.monotonic() - start > give_up_s:
                raise AssertionError(f"{text!r} never showed on {url}") from exc
        finally:
            context.close()


def test_two_app_processes_show_a_new_version(pg_url, browser, monkeypatch):
    monkeypatch.setenv("KALBAR_DATABASE_URL", pg_url)
    store = open_store(pg_url)
    with Server("two_a", ROOT / "app.py") as a, Server("two_b", ROOT / "app.py") as b:
        try:
            # both servers up, store opened, nothing published: the sample, labelled
            for srv in (a, b):
                seen(browser, srv.url, "Data contoh, bukan data resmi", 90)
            store.add_user("ana", "editor", display_name="Tim Ana")  # visitors see the display name
            store.add_user("budi", "editor", display_name="Tim Budi")
            v1 = store.publish(V1, "jan.csv", "kabupaten", "ana").version
            seen(browser, b.url, f"versi {v1.id} · terbit")
            seen(browser, a.url, f"versi {v1.id} · terbit")
            v2 = store.publish(V2, "fix.csv", "kabupaten", "budi").version
            seen(browser, b.url, f"versi {v2.id} · terbit")
            # a link pinned to the first version still shows it, on the other server too
            seen(browser, a.url + f"/?v={v1.id}", "oleh Tim Ana · versi tersemat")  # v1 is ana's
        finally:
            store.dispose()
