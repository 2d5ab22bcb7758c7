"""server/ogc.py: OGC API – Features (Part 1 Core, GeoJSON) on a real `streamlit run app.py` with published data.

GDAL's own OGC API – Features client (the ``OAPIF:`` driver pyogrio bundles) reads every one of the
2,130 desa page by page, and its kabupaten layer carries the same figures as ``/api/v1/kabupaten.json``.
"""

from __future__ import annotations

import json

import pyogrio
import pytest

from geo import opendata
from geo.store import open_store
from server.ogc import CONFORMANCE
from tests.support.preview import fetch
from tests.support.sample import one_month_csv
from tests.support.server import Server

V1 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif,penerima_bantuan_iuran
61.01,Sambas,2024,300000,90000,1200
61.04,Ketapang,2024,280000,150000,900
61.12,Kubu Raya,2024,290000,98000,
"""
V2025 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif,penerima_bantuan_iuran,target_persen
61.01,Sambas,2025-06,300000,120000,1300,
61.04,Ketapang,2025-06,281000,151000,,
61.71,Kota Pontianak,2025-06,310000,170000,950,55
61.72,Kota Singkawang,2025-06,110000,40000,400,
"""
FIGURES = [
    "tenaga_kerja",
    "peserta_aktif",
    "cakupan_persen",
    "target_persen",
    "kekurangan_peserta",
    "biaya_rupiah_per_tahun",
    "penerima_bantuan_iuran",
]


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('ogc') / 'peta.sqlite'}"
    store = open_store(url)
    store.publish(one_month_csv("desa", as_period="2024"), "desa_2024.csv", "desa", "ana")
    store.publish(V1, "kab_2024.csv", "kabupaten", "ana")
    store.publish(V2025, "kab_2025_06.csv", "kabupaten", "ana")
    store.dispose()
    with Server("ogc", env={"KALBAR_DATABASE_URL": url, "KALBAR_API_RATE": "0"}) as srv:
        yield srv


def get(server, path: str) -> dict:
    status, headers, content = fetch(server.url + path, headers={"Accept-Encoding": "identity"})
    assert status == 200, (path, status, content[:300])
    return json.loads(content)


def test_landing_conformance_and_collections(app_server):
    landing = get(app_server, "/ogc/")
    rels = {link["rel"]: link for link in landing["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert get(app_server, rels["conformance"]["href"].removeprefix(app_server.url))["conformsTo"] == CONFORMANCE
    spec = get(app_server, rels["service-desc"]["href"].removeprefix(app_server.url))
    assert "/ogc/collections/{collectionId}/items" in spec["paths"]
    found = get(app_server, "/ogc/collections")["collections"]
    assert [c["id"] for c in found] == ["kabupaten", "kecamatan", "desa"]
    for c in found:
        minx, miny, maxx, maxy = c["extent"]["spatial"]["bbox"][0]
        assert 108 < minx < maxx < 115 and -4 < miny < maxy < 3 and c["itemType"] == "feature"
        assert c["extent"]["temporal"]["interval"] == [["2024-01-01T00:00:00Z", "2025-06-30T23:59:59Z"]]
        items = next(link for link in c["links"] if link["rel"] == "items")
        assert items["type"] == "application/geo+json" and items["href"].endswith(f"/collections/{c['id']}/items")
        assert get(app_server, f"/ogc/collections/{c['id']}")["id"] == c["id"]


def test_items_page_with_next_links_through_every_desa(app_server):
    path, seen, pages = "/ogc/collections/desa/items?limit=700&periode=2024", [], 0
    while path:
        page = get(app_server, path)
        pages += 1
        assert page["numberMatched"] == 2130 and page["numberReturned"] == len(page["features"]) <= 700
        seen += [f["id"] for f in page["features"]]
        nxt = [link["href"] for link in page["links"] if link["rel"] == "next"]
        path = nxt[0].removeprefix(app_server.url) if nxt else ""
    assert pages == 4 and len(seen) == len(set(seen)) == 2130
    capped = get(app_server, "/ogc/collections/desa/items?limit=5000")
    assert capped["numberReturned"] == opendata.MAX_LIMIT < 2130


def test_bbox_datetime_and_one_item(app_server):
    box = (109.25, -0.1, 109.4, 0.05)  # around Kota Pontianak
    page = get(app_server, "/ogc/collections/kabupaten/items?bbox=" + ",".join(map(str, box)))
    ids = {f["id"] for f in page["features"]}
    assert ids == opendata.in_bbox("kabupaten", box) and "61.71" in ids and len(ids) < 14
    june = get(app_server, "/ogc/collections/kabupaten/items?datetime=2025-06-15")
    sambas = next(f for f in june["features"] if f["id"] == "61.01")
    assert june["periode"] == "2025-06" and sambas["properties"]["peserta_aktif"] == 120000
    year = get(app_server, "/ogc/collections/kabupaten/items?datetime=2024-01-01T00:00:00Z/2024-12-31T00:00:00Z")
    assert year["periode"] == "2024"
    assert get(app_server, "/ogc/collections/kabupaten/items?datetime=2019")["numberMatched"] == 0
    one = get(app_server, "/ogc/collections/kabupaten/items/61.04?periode=2024")
    api = get(app_server, "/api/v1/kabupaten.json?periode=2024")
    assert one["type"] == "Feature" and one["properties"] == next(r for r in api["data"] if r["kode"] == "61.04")
    bad_ones = {
        "bbox=1,2,3": "bbox",
        "limit=0": "limit",
        "offset=-1": "offset",
        "datetime=soon": "datetime",
        "datetime=2024&periode=2024": "datetime",
        "crs=EPSG:3857": "crs",
        "f=html": "f",
    }
    for bad, param in bad_ones.items():
        status, _h, content = fetch(f"{app_server.url}/ogc/collections/desa/items?{bad}")
        assert status == 400 and json.loads(content)["error"]["parameter"] == param, bad
    for missing in ("/ogc/collections/provinsi/items", "/ogc/collections/desa/items/61.99.99.9999", "/ogc/nope"):
        status, _h, content = fetch(app_server.url + missing)
        assert status == 404 and json.loads(content)["error"]["status"] == 404


def test_gdal_reads_every_desa_with_paging_and_the_kabupaten_figures(app_server):
    url = f"OAPIF:{app_server.url}/ogc/"
    layers = [name for name, _kind in pyogrio.list_layers(url)]
    assert layers == ["kabupaten", "kecamatan", "desa"]
    desa = pyogrio.read_dataframe(url, layer="desa")
    assert opendata.MAX_LIMIT < 2130  # so GDAL has to follow the pages
    assert len(desa) == 2130 and desa["kode"].is_unique and desa.geometry.notna().all()
    assert list(desa.columns[desa.columns.get_loc("kode") :][:-1]) == opendata.columns("desa")
    kab = pyogrio.read_dataframe(url, layer="kabupaten").set_index("kode")
    api = get(app_server, "/api/v1/kabupaten.json")
    assert api["periode"] == "2025-06" and len(kab) == len(api["data"]) == 14
    assert sum(row["tenaga_kerja"] is not None for row in api["data"]) == 4
    for row in api["data"]:
        for name in FIGURES:
            value = kab.loc[row["kode"], name]
            assert (value is None or value != value) if row[name] is None else value == row[name], (row["kode"], name)


def test_period_of_a_datetime_is_the_latest_starting_period_and_skips_what_is_not_one():
    from server.ogc import period_of

    periods = ("", "Juni 2023", "2024", "2024-06")  # the unnamed default period, legacy text a store kept
    assert period_of("2024-06-15", periods) == "2024-06"  # the month, not the year holding it
    assert period_of("2024-03-01", periods) == "2024"
    assert period_of("2024-01-01/2024-12-31", periods) == "2024-06"
    assert period_of("2023-06-15", periods) is None  # "Juni 2023" has no span until the store is migrated


def test_items_carry_the_pace_and_its_status(app_server):
    """Each item's properties carry geo.pace's figures for the published series (2024, then June 2025: one
    point in the 6-month window, so the pace is "not enough data" and the status says so, or "met")."""
    import io

    import pandas as pd

    from geo import pace, targets

    frames = {
        p: pd.read_csv(io.BytesIO(raw), dtype={"kode": str})[["kode", "tenaga_kerja", "peserta_aktif"]]
        for p, raw in (("2024", V1), ("2025-06", V2025))
    }
    want = pace.by_area(frames, targets.shipped()).set_index("kode")
    items = get(app_server, "/ogc/collections/kabupaten/items?limit=20")["features"]
    by = {f["id"]: f["properties"] for f in items}
    assert {f["properties"]["laju_status"] for f in items} <= set(pace.STATUSES)
    for kode, row in want.iterrows():
        props = by[kode]
        assert props["laju_status"] == row["status"] and props["laju_titik"] == row["titik"]
        assert props["laju_tahun_target"] == 2025 and props["laju_jendela"] == "2025-01/2025-06"
        assert props["laju_per_bulan"] is None  # one point: never guessed
        assert props["laju_dibutuhkan_per_bulan"] == pytest.approx(row["laju_dibutuhkan"], abs=0.005)
    assert by["61.71"]["laju_status"] == pace.MET and by["61.01"]["laju_status"] == pace.FEW
    assert by["61.02"]["laju_status"] == pace.NO_DATA  # never reported
