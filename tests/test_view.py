"""geo/view: the one core for what a view shows, used by the pages, the HTTP layer and the CLI.

The store is real (SQLite, and the real PostgreSQL where the test says so); the pages are real script runs
(AppTest); the CLI is a real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pandas as pd
import pytest

from geo import fmt
from geo.paths import ROOT
from geo.store import open_store
from geo.view import connection, inforce, shown
from geo.viewstate import ViewState, parse_version
from tests.support.apptest import open_app
from ui import safe

V1 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif
61.01,Sambas,2024,300000,90000
61.12,Kubu Raya,2024,290000,98000
61.71,Kota Pontianak,2024,300000,150000
"""
V2 = V1.replace(b"Sambas,2024,300000,90000", b"Sambas,2024,300000,210000")


def settle() -> None:
    time.sleep(connection.TOKEN_TTL_S + 0.1)


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'peta.sqlite'}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    s = open_store(url)
    yield s
    s.dispose()


def test_one_store_per_process_and_one_token_memo(store, monkeypatch):
    monkeypatch.setattr(connection, "TOKEN_TTL_S", 600.0)  # however slow the publish, the memo holds
    a = connection.store()
    assert connection.store() is a  # one engine for pages, HTTP and the CLI alike
    before = connection.change_token(a)
    store.publish(V1, "v1.csv", "kabupaten", "ana")
    assert connection.change_token(a) == before  # asked at most once per TOKEN_TTL_S
    connection.refresh()  # after a publish in this process: at once
    assert connection.change_token(a) != before


def test_the_data_in_force_follows_a_publish_and_a_pin(store):
    assert inforce.data_in_force().is_sample
    v1 = store.publish(V1, "v1.csv", "kabupaten", "ana").version
    v2 = store.publish(V2, "v2.csv", "kabupaten", "ana").version
    settle()
    latest = inforce.data_in_force()
    assert not latest.is_sample and latest.pinned is None
    assert latest.version_for("kabupaten", "2024").id == v2.id
    old = inforce.data_in_force(v1.id)
    assert old.pinned == v1.id and old.version_for("kabupaten", "2024").id == v1.id
    assert old.key != latest.key
    unknown = inforce.data_in_force(999)
    assert unknown.pinned is None and ("version.unknown", {"v": 999}) in unknown.messages
    store.retract(v1.id, "ana", "salah hitung")
    settle()
    retracted = inforce.data_in_force(v1.id)
    assert retracted.pinned is None and ("version.retracted", {"v": v1.id}) in retracted.messages


def test_two_stores_with_the_same_versions_never_share_figures(tmp_path, monkeypatch):
    """Version 1 of one database is not version 1 of another (the key names the database)."""
    keys = []
    for name, body in (("a", V1), ("b", V2)):
        url = f"sqlite:///{tmp_path / name}.sqlite"
        monkeypatch.setenv("KALBAR_DATABASE_URL", url)
        s = open_store(url)
        s.publish(body, "t.csv", "kabupaten", "ana")
        s.dispose()
        d = inforce.data_in_force()
        keys.append(d.key)
        v = shown.shown("kabupaten", ViewState(level="kabupaten"), d)
        sambas = v.frame.set_index("kode").loc["61.01", "peserta_aktif"]
        assert sambas == (90000 if name == "a" else 210000)
    assert keys[0] != keys[1]


def test_the_view_of_a_link_is_the_pages_view():
    d = inforce.data_in_force()
    v = shown.view("/desa", {"kab": ["61.04"], "q": ["sungai"], "below": ["1"], "sel": ["61.71"]})
    assert v.page == "desa" and v.level == "desa" and v.scope == "61.04"
    assert v.state.sel is None  # a highlight outside the scope is dropped (as the page drops it)
    assert len(v.frame) == 262 and all(v.frame["kode"].str.startswith("61.04."))
    assert v.dim and len(v.table_frame) + len(v.dim) == 262  # the filters grey out, never drop
    assert v.title.startswith("Kabupaten Ketapang — ") and v.label == shown.data_label(d, "desa", v.period, "id")
    assert v.query == {"kab": "61.04", "q": "sungai", "below": "1"}
    kab = shown.view("/kabupaten", {"kab": ["61.04"], "level": ["desa"]})
    assert kab.level == "kabupaten" and kab.scope is None and len(kab.frame) == 14
    assert shown.view("/terbitkan", {}) is None
    # map options: "change" needs two periods; the sample has twelve months (one period: tests/test_app.py)
    assert shown.view("/", {"color": ["change"]}).opts.color == "change"
    # the sample's latest month is what a link without a period shows, its earlier months can be asked for
    assert d.is_sample and d.periods == tuple(f"2024-{m:02d}" for m in range(1, 13))
    assert v.period == "2024-12" and shown.view("/", {"period": ["Juni 2024"]}).period == "2024-06"
    assert d.schedule.origin == "sample" and d.schedule.rows["periode"].iloc[-1] == "2029"


def test_the_version_a_link_pins_is_parsed_once():
    assert [parse_version(x) for x in ("3", " 3", "03", "0", "-1", "3.0", "٣", "2147483648", "")] == [
        3,
        3,
        3,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    assert shown.pinned_version({"v": ["2", "7"]}) == 7  # the last value, as st.query_params reads it
    assert shown.pinned_version({}) is None


@pytest.mark.parametrize(
    ("page", "query"),
    [("screens/desa.py", {"kab": "61.04"}), ("screens/kabupaten.py", {"lang": "en"}), (None, {"target": "40"})],
)
def test_a_pages_figures_are_the_cores(page, query):
    """The page's run and the link preview (and the API, the picture, the CLI) show the same figures."""
    at = open_app(page, **query, basemap="none")
    path = {None: "/", "screens/kabupaten.py": "/kabupaten", "screens/desa.py": "/desa"}[page]
    v = shown.view(path, {k: [val] for k, val in query.items()})
    lang = v.lang
    coverage = next(m.value for m in at.metric if m.label in ("Cakupan", "Coverage"))
    assert coverage == fmt.percent(v.tot.coverage, lang)
    assert any(v.title in safe.shown(str(e.value)) for e in at.title) or v.page != "desa"


def test_the_cli_prints_what_the_link_shows():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "geo", "view", "/desa?kab=61.04&below=1", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    facts = json.loads(out.stdout)
    v = shown.view("/desa", {"kab": ["61.04"], "below": ["1"]})
    assert facts["title"] == v.preview_title and facts["areas"] == v.tot.areas == 262
    assert facts["coverage"] == round(v.tot.coverage, 4) and facts["sample"] is True
    bad = subprocess.run(
        [sys.executable, "-m", "geo", "view", "/terbitkan"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "bukan halaman peta" in bad.stderr


def test_a_versions_link_reopens_what_was_published(store):
    """A May correction published after June opens May as corrected; a desa version opens the desa page."""
    may = V1.replace(b",2024,", b",Mei 2024,")
    june = V1.replace(b",2024,", b",06/2024,").replace(b"90000", b"95000")
    fixed_may = may.replace(b"Sambas,Mei 2024,300000,90000", b"Sambas,Mei 2024,300000,120000")
    store.publish(may, "mei.csv", "kabupaten", "ana")
    store.publish(june, "juni.csv", "kabupaten", "ana")
    v3 = store.publish(fixed_may, "mei_koreksi.csv", "kabupaten", "ana").version
    codes = sorted(inforce.areas("desa")["kode"])[:2]
    desa_table = "kode,periode,tenaga_kerja,peserta_aktif\n" + "".join(f"{c},Juni 2024,1000,400\n" for c in codes)
    desa = store.publish(desa_table.encode(), "desa.csv", "desa", "ana", accept_partial=True).version
    settle()
    link = shown.version_link(v3)
    assert link == f"/kabupaten?period=2024-05&v={v3.id}"
    path, _, query = link.partition("?")
    v = shown.view(path, {k: [val] for k, val in (p.split("=") for p in query.split("&"))})
    assert v.period == "2024-05" and v.data.pinned == v3.id
    assert v.data.version_for("kabupaten", "2024-05").id == v3.id and "Mei 2024" in v.label
    assert v.frame.set_index("kode").loc["61.01", "peserta_aktif"] == 120000  # the corrected figure
    desa_link = shown.version_link(desa)
    assert desa_link.startswith("/desa?") and f"v={desa.id}" in desa_link and "period=2024-06" in desa_link
    assert shown.absolute(link, "http://x:8501/") == f"http://x:8501{link}"


@pytest.mark.parametrize("what_if", [None, 42.5])
@pytest.mark.parametrize(("level", "scope"), [("kabupaten", None), ("desa", "61.04"), ("kabupaten", "61.05")])
def test_the_trend_is_every_periods_classified_figures(tmp_path, monkeypatch, level, scope, what_if):
    """The core's trend (built once, a what-if target applied to it) equals classifying every period with that
    target, as the page did before (a monthly history with gaps and a schedule to 2029)."""
    from geo import trend
    from geo.view import inforce
    from tests.support.pace import publish_history

    url = f"sqlite:///{tmp_path / 'peta.sqlite'}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    publish_history(url)
    d = inforce.data_in_force()
    assert len(d.periods) == 6
    classify = inforce.targets.classify_level
    frames = {p: classify(d.matched, inforce.areas, level, p, what_if, d.schedule) for p in d.periods}
    expected = trend.series(frames, scope, what_if if what_if is not None else trend.DEFAULT_TARGET)
    got = inforce.trend_series(d, level, scope, what_if)
    assert len(got) >= 5
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_exact=False)
