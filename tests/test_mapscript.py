"""geo/mapscript.py: the map's script as one static file, so a map's message carries only its data.

The file must run on its own (decoder, script and CSS in one), be named by its content, be what the
maps load and what a first visit preloads, and leave the map's message small.
"""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from streamlit_folium import _get_header, _get_map_string

from geo import assets, boundaries, maps, mapscript, sample
from geo.classify import classify
from geo.encode import JS_DECODER
from server import firstvisit
from tests.support.preview import fetch
from tests.support.server import Server

# What a browser gives the file, no more: the script must define its functions and put its CSS in the page.
NODE_HARNESS = """
const styles = [];
global.window = {};
global.document = {
  getElementById: (id) => styles.find((s) => s.id === id) || null,
  createElement: () => ({}),
  head: {appendChild: (s) => { styles.splice(styles.indexOf(s) >>> 0, styles.includes(s) ? 1 : 0); styles.push(s); }},
};
eval(require('fs').readFileSync(0, 'utf8'));
window.pjkMap.style('ignored: the CSS is in the page once');
process.stdout.write(JSON.stringify({
  api: Object.keys(window.pjkMap).sort(),
  styles: styles.map((s) => [s.id, s.textContent]),
  decoder: typeof pjkGeometry,
}));
"""


def test_the_file_runs_on_its_own_and_puts_its_css_in_the_page():
    out = subprocess.run(["node", "-e", NODE_HARNESS], input=mapscript.text(), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["api"] == ["control", "coverage", "fitBeside", "fold", "style"]
    assert got["styles"] == [["pjk-map-css", mapscript.CSS]]  # once, exactly the CSS
    assert got["decoder"] == "function"  # encode.JS_DECODER, before the script that uses it


def test_the_file_never_closes_a_script_tag_it_is_inlined_in():
    text = mapscript.text()
    assert text.startswith(JS_DECODER.strip())
    assert "</" not in text.split("window.pjkMap.style(", 1)[1]  # the CSS travels as JSON with '<' escaped
    assert "<!--" not in text


def test_the_url_follows_the_content(monkeypatch):
    before = mapscript.url()
    assert before.startswith(mapscript.BASE_URL + "/map.js?v=") and len(before.split("=")[1]) == 12
    try:
        mapscript.text.cache_clear()
        mapscript.url.cache_clear()
        monkeypatch.setattr(mapscript, "CSS", mapscript.CSS + ".pjk-new{color:red}\n")
        assert mapscript.url() != before
    finally:
        monkeypatch.undo()
        mapscript.text.cache_clear()
        mapscript.url.cache_clear()
    assert mapscript.url() == before


def test_ensure_writes_the_file_once(tmp_path):
    target = mapscript.ensure(tmp_path)
    assert target.read_text(encoding="utf-8") == mapscript.text()
    stamp = target.stat().st_mtime_ns
    assert mapscript.ensure(tmp_path) == target and target.stat().st_mtime_ns == stamp  # unchanged: not rewritten
    target.write_text("old", encoding="utf-8")
    assert mapscript.ensure(tmp_path).read_text(encoding="utf-8") == mapscript.text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.js"]  # no temporary file left behind
    assets.ensure_static()  # set-up writes it beside Leaflet
    assert (mapscript.FOLDER / mapscript.NAME).read_text(encoding="utf-8") == mapscript.text()


@pytest.fixture(scope="module")
def province_map():
    table = sample.desa_table()
    table = table[table.periode == sample.LATEST]  # the month a page without a period shows
    classified = classify(table.assign(target_persen=np.nan), boundaries.areas("desa"))
    opts = maps.MapOptions(level="desa")
    payload, _features = maps.coverage_parts(classified, opts)
    m = maps.map_from_payload(payload, opts)
    m.get_root().render()
    return m


def test_a_maps_message_calls_the_script_and_stays_small(province_map):
    """What st_folium sends for the province's 2,130 desa: the data and a few calls, not the script."""
    script, header = _get_map_string(province_map), _get_header(province_map)
    assert "pjkMap.coverage(" in script and "pjkMap.fitBeside(" in script and "pjkMap.fold(" in script
    for library in ("function openCard", "pjkDecodeRing", "function pjkInk", ".pjk-area-box{"):
        assert library not in script + header, library
    assert len(script) + len(header) < 8_000  # was ~22,000 with the script inside


def test_maps_load_the_file_a_first_visit_preloads(province_map):
    loaded = [url for _name, url in province_map.default_js]
    assert loaded == [f"{assets.STREAMLIT_BASE_URL}/leaflet.js", mapscript.url()]  # after Leaflet, which it uses
    assert (mapscript.url(), "preload", "script") in firstvisit.preload_files()
    assert mapscript.url() in firstvisit.head_script()


@pytest.fixture(scope="module")
def app_server():
    with Server("mapscript") as srv:
        yield srv


def test_the_app_serves_it_with_an_hours_cache(app_server):
    status, headers, body = fetch(app_server.url + mapscript.url())
    assert status == 200 and body.decode("utf-8") == mapscript.text()
    assert headers["cache-control"] == "public, max-age=3600"  # as nginx's /app/static/
    assert "javascript" in headers["content-type"]
