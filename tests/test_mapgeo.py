"""geo/mapgeo.py: the map's geometry as a file of its own, and the map message that points to it.

The file a map fetches must hold exactly the areas the map shows, on the grid the inline payload used
(the overview for the province's desa), and its name must change with its content.
"""

from __future__ import annotations

import gzip
import json
import re

import brotli
import numpy as np
import pandas as pd
import pytest

from geo import boundaries, mapgeo, maps, mapscript, sample
from geo.classify import classify
from geo.encode import OVERVIEW_PRECISION, PRECISION, decode_ring
from geo.maps import MapOptions, coverage_payload, rows_of
from tests.support.browser import map_frame, new_page
from tests.support.preview import fetch
from tests.support.server import Server


@pytest.fixture(scope="module")
def classified() -> dict[str, pd.DataFrame]:
    """The sample at two levels (its latest month), classified as the pages do (the sample carries no own
    targets)."""
    tables = {"kabupaten": sample.kabupaten_table(), "desa": sample.desa_table()}
    tables = {lvl: t[t.periode == sample.LATEST] for lvl, t in tables.items()}
    return {lvl: classify(t.assign(target_persen=np.nan), boundaries.areas(lvl)) for lvl, t in tables.items()}


def test_keys_follow_the_maps_extent():
    assert mapgeo.key_for("desa", ["61.04.01.2001", "61.04.02.2003"]) == "desa-61.04"
    assert mapgeo.key_for("desa", ["61.04.01.2001", "61.01.01.2001"]) == "desa"
    assert mapgeo.key_for("kecamatan", ["61.04.01"]) == "kecamatan-61.04"
    assert mapgeo.key_for("kabupaten", ["61.04"]) == "kabupaten"
    assert mapgeo.parse_key("desa-61.04") == ("desa", "61.04")
    assert mapgeo.parse_key("desa") == ("desa", None)
    # anything else is not a file: a made-up level or kabupaten, a path, a kabupaten's kabupaten
    for bad in ("desa-99.99", "kota", "kabupaten-61.04", "desa-61.04/../x", "", "desa-61.4"):
        assert mapgeo.parse_key(bad) is None, bad
    with pytest.raises(KeyError):
        mapgeo.body("desa-99.99")


def test_a_kabupatens_file_holds_its_desa_on_the_display_grid():
    data = json.loads(mapgeo.body("desa-61.04"))
    desa = boundaries.areas("desa")
    assert set(data["g"]) == set(desa.loc[desa["kode"].str.startswith("61.04."), "kode"])
    assert len(data["g"]) == 262 and data["p"] == PRECISION
    display, _ = maps.encoded_geometries("desa")
    assert all(data["g"][k] == display[k] for k in data["g"])


def test_the_provinces_desa_file_is_the_overview():
    data = json.loads(mapgeo.body("desa"))
    assert len(data["g"]) == 2130 and data["p"] == OVERVIEW_PRECISION
    overview, _ = maps.encoded_geometries("desa", overview=True)
    assert data["g"] == overview


def test_the_name_is_the_content_hash():
    url = mapgeo.url("kabupaten")
    assert url.startswith("/mapgeo/kabupaten.") and url.endswith(".json")
    assert mapgeo.digest("kabupaten") in url and mapgeo.digest("kabupaten") != mapgeo.digest("kecamatan")


def test_bounds_are_leaflets_south_west_north_east():
    (s, w), (n, e) = mapgeo.bounds("kabupaten", ["61.04"])
    minx, miny, maxx, maxy = boundaries.load("kabupaten").set_index("kode").loc["61.04", "display"].bounds
    assert (s, w, n, e) == pytest.approx((miny, minx, maxy, maxx), abs=1e-5)
    assert mapgeo.bounds("kabupaten", ["99.99"]) is None


@pytest.mark.parametrize("kab", [None, "61.04"])
def test_the_map_message_points_to_the_file_its_page_asks_for(classified, kab):
    frame = classified["desa"]
    if kab:
        frame = frame[frame["kode"].str.startswith(kab + ".")]
    opts = MapOptions(level="desa")
    inline = json.loads(coverage_payload(frame, opts))
    remote = json.loads(coverage_payload(frame, opts, geometry_file=True))
    assert "g" not in remote and "p" not in remote
    assert remote["G"] == mapgeo.url(mapgeo.key_for("desa", frame["kode"]))
    assert remote["G"] == mapgeo.url("desa-61.04" if kab else "desa")
    assert rows_of(remote) == rows_of(inline)  # the same features either way
    # the file holds every area's geometry as the inline payload had it, on the same grid
    data = json.loads(mapgeo.body(remote["G"].split("/")[-1].rsplit(".", 2)[0]))
    assert data["p"] == inline["p"]
    assert [data["g"][r[0]] for r in inline["f"]] == inline["g"]
    assert remote["b"] == mapgeo.bounds("desa", frame["kode"])
    lat, lng = decode_ring(data["g"][inline["f"][0][0]][0][0], data["p"])[0]
    assert -3.5 < lat < 2.5 and 108 < lng < 115  # Kalimantan Barat, latitude first


def test_a_selected_area_is_the_view_to_fit(classified):
    frame = classified["kabupaten"]
    remote = json.loads(coverage_payload(frame, MapOptions(level="kabupaten", selected="61.04"), geometry_file=True))
    assert remote["b"] == mapgeo.bounds("kabupaten", ["61.04"])


def test_shared_values_shrink_the_message_and_come_back(classified):
    frame = classified["desa"]
    payload = json.loads(coverage_payload(frame, MapOptions(level="desa"), geometry_file=True))
    parents, targets, fills = payload["u"]
    assert len(parents) < 250 and len(targets) < 20 and len(fills) < 50  # few values for 2,130 areas
    rows = rows_of(payload)
    assert rows[0][2].startswith("Kecamatan ") and rows[0][4].endswith("%") and rows[0][7].startswith("#")
    flat = json.dumps(maps.feature_rows(frame, MapOptions(level="desa")), separators=(",", ":"))
    assert len(json.dumps(payload["f"], separators=(",", ":"))) < 0.75 * len(flat)


# --- served: server/mapfiles.py, asked for by the page's first HTML (server/preview.py) ----------------


@pytest.fixture(scope="module")
def app_server():
    with Server("mapgeo") as srv:
        yield srv


def _preload(html: str) -> str:
    m = re.search(r'<link rel="preload" href="(/mapgeo/[^"]+)" as="fetch" crossorigin="anonymous"[^>]*/>', html)
    assert m, "no preload of the map's geometry in the page"
    return m.group(1)


@pytest.mark.parametrize(("path", "key"), [("/desa?kab=61.04", "desa-61.04"), ("/desa", "desa"), ("/", "kabupaten")])
def test_the_page_asks_for_its_maps_file(app_server, path, key):
    status, _h, body = fetch(app_server.url + path)
    assert status == 200
    assert _preload(body.decode("utf-8")) == mapgeo.url(key)


def test_the_file_compressed_cached_for_a_year_and_validated(app_server):
    url = app_server.url + mapgeo.url("desa-61.04")
    status, headers, body = fetch(url, headers={"Accept-Encoding": "br, gzip"})
    assert (status, headers["content-encoding"], headers["content-type"]) == (200, "br", "application/json")
    assert "immutable" in headers["cache-control"] and "max-age=31536000" in headers["cache-control"]
    assert brotli.decompress(body) == mapgeo.body("desa-61.04")
    status, headers, body = fetch(url, headers={"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == mapgeo.body("desa-61.04")
    status, _h, body = fetch(url, headers={"Accept-Encoding": "identity"})
    assert body == mapgeo.body("desa-61.04")
    assert fetch(url, headers={"If-None-Match": headers["etag"]})[0] == 304


@pytest.mark.parametrize(
    "name",
    [
        "desa-61.04.0000000000000000.json",  # an old name (other boundaries)
        "desa-99.99.0000000000000000.json",
        "..%2F..%2Fetc%2Fpasswd",
        "desa.json",
        "kabupaten." + "a" * 200 + ".json",
    ],
)
def test_anything_else_is_refused_plainly(app_server, name):
    status, headers, body = fetch(f"{app_server.url}/mapgeo/{name}")
    assert b"Traceback" not in body and "immutable" not in headers.get("cache-control", "")
    if "%2F" in name:
        assert status in (400, 404)  # the server refuses an encoded slash in a path before any route
    else:
        assert status == 404 and headers["content-type"].startswith("text/plain")


# --- the features file: named by the page's first HTML, drawn by the map, downloaded once -------------

BACKGROUND_JS = "() => getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor"
NAMED_JS = """() => document.querySelector('link[rel=preload][href^="/mapfeat/"]').getAttribute('href')"""
MAP_FEATURES_JS = r"""() => { const m = [...document.scripts].map(s => s.textContent).join('\n')
  .match(/"F":"(\/mapfeat\/[0-9a-f]{24}\.json)"/); return m && m[1]; }"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "polygons"),
    [
        ("/kabupaten?lang=en&color=coverage", 14),
        ("/desa?kab=61.04&q=sungai&below=1&iuran=50000", 262),
    ],
)
def test_the_features_file_the_page_names_is_the_one_its_map_draws(app_server, browser, path, polygons):
    """The first HTML asks for the features file the script run draws (both from geo.view.shown, so it
    downloads with the bundle), and the map's iframe finds it in the cache: one request for it in all (and
    for the map's script)."""
    context, page = new_page(browser)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    downloads: list[str] = []  # features answers that came over the wire (not from the browser's cache)
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: downloads.append(urls.get(e["requestId"], "")) if e.get("encodedDataLength", 0) > 0 else None,
    )
    try:
        page.goto(f"{app_server.url}{path}{'&' if '?' in path else '?'}basemap=none")
        frame = map_frame(page, polygons)
        # the map's CSS (geo/mapscript) comes after Leaflet's stylesheet, which st_folium adds late
        assert frame.evaluate(BACKGROUND_JS) == "rgb(244, 246, 248)"
        drawn = frame.evaluate(MAP_FEATURES_JS)
        named = page.evaluate(NAMED_JS)
        assert drawn and drawn == named
        page.wait_for_timeout(500)
        assert [u for u in downloads if "/mapfeat/" in u] == [app_server.url + named]  # once, by the page
        assert [u for u in downloads if "/pjk/map.js" in u] == [app_server.url + mapscript.url()]  # its script too
    finally:
        context.close()


def test_a_features_file_is_served_while_held_and_private(app_server):
    body = json.dumps({"f": [["61.04", "Ketapang", 0, "1%", 0, "1 orang", 1, 0, 0, "", 0, "Rp0"]], "u": [[], [], []]})
    url = mapgeo.hold(body.encode("utf-8"))
    status, _h, _b = fetch(app_server.url + url)
    assert status == 404  # held in this test's process, not the server's
    status, headers, _b = fetch(app_server.url + "/mapfeat/" + "0" * 24 + ".json")
    assert status == 404 and headers["cache-control"] == "no-store"
    _s, _h, html = fetch(app_server.url + "/desa?kab=61.04")
    held = re.search(r'href="(/mapfeat/[0-9a-f]{24}\.json)"', html.decode("utf-8")).group(1)
    status, headers, packed = fetch(app_server.url + held, headers={"Accept-Encoding": "br"})
    assert (status, headers["content-encoding"]) == (200, "br")
    assert headers["cache-control"] == "private, max-age=31536000, immutable"  # never in a shared cache
    data = json.loads(brotli.decompress(packed))
    assert len(data["f"]) == 262 and len(data["u"]) == len(maps.SHARED_COLUMNS)
