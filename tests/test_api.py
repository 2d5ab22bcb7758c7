"""server/api.py: /api/v1 as a real `streamlit run app.py` serves it, on published data in a real store.

Every endpoint; the CSV read by pandas equals the page's own table for the same view; GeoPandas reads
the GeoJSON; a pinned version answers the same bytes after a newer publish; ETag/304, gzip, CORS, JSON
errors (400 naming the parameter, 404, 410 with the retract reason) and the rate limit.
"""

from __future__ import annotations

import gzip
import io
import json
import time
import urllib.request

import geopandas as gpd
import pandas as pd
import pytest

from geo import LEVELS, opendata
from geo.ratelimit import RateLimit
from geo.store import open_store
from geo.text import t
from server.httpapi import _bodies, body
from tests.support.apptest import below_metric, open_app
from tests.support.preview import fetch
from tests.support.sample import one_month_csv
from tests.support.server import Server

V1 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif,penerima_bantuan_iuran
61.01,Sambas,2024,300000,90000,1200
61.04,Ketapang,2024,280000,150000,900
61.12,Kubu Raya,2024,290000,98000,
"""
V2 = V1.replace(b"300000,90000", b"300000,210000")  # restates 2024: Sambas now above target
V3 = V1.replace(b"280000,150000", b"280000,10000")  # a wrong table, retracted
REASON = "Salah hitung peserta Ketapang"
TOKEN_WAIT_S = 1.3  # each process asks the store for its change token at most once a second


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'peta.sqlite'}"
    store = open_store(url)
    store.add_user("ana", "editor", display_name="Bidang Kepesertaan")  # what visitors see of ana
    store.add_user("budi", "admin")  # no display name: visitors see the role
    desa = store.publish(one_month_csv("desa", as_period="2024"), "desa_2024.csv", "desa", "ana", note="desa").version
    v1 = store.publish(V1, "kab_v1.csv", "kabupaten", "budi", note="awal").version
    yield url, store, {"desa": desa.id, "v1": v1.id}
    store.dispose()


@pytest.fixture(scope="module")
def app_server(published):
    url, _store, _ids = published
    with Server("api", env={"KALBAR_DATABASE_URL": url, "KALBAR_API_RATE": "600,200"}) as srv:
        yield srv


def get(server, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    return fetch(server.url + path, headers={"Accept-Encoding": "identity", **(headers or {})})


def get_json(server, path: str) -> dict:
    status, headers, content = get(server, path)
    assert status == 200, (path, status, content[:300])
    return json.loads(content)


def test_every_endpoint_answers(app_server, published):
    _url, _store, ids = published
    for level in LEVELS:
        status, headers, content = get(app_server, f"/api/v1/{level}.csv")
        assert status == 200 and headers["content-type"].startswith("text/csv")
        header = content.decode("utf-8-sig").splitlines()[0].split(",")
        assert header == opendata.columns(level), "published data: no sample columns"
        doc = get_json(app_server, f"/api/v1/{level}.json")
        assert doc["sample"] is False and doc["columns"] == header and doc["label"].startswith("Data per 2024")
        status, headers, content = get(app_server, f"/api/v1/{level}.geojson")
        assert status == 200 and headers["content-type"] == "application/geo+json"
        assert len(json.loads(content)["features"]) == {"kabupaten": 14, "kecamatan": 174, "desa": 2130}[level]
    versions = get_json(app_server, "/api/v1/versions")["versions"]
    by_id = {v["id"]: v for v in versions}
    assert by_id[ids["desa"]]["level"] == "desa" and by_id[ids["desa"]]["periods"] == ["2024"]
    assert len(by_id[ids["v1"]]["sha256"]) == 64 and by_id[ids["v1"]]["published_by"] == "admin"
    assert by_id[ids["desa"]]["published_by"] == "Bidang Kepesertaan"  # account names are never published
    raw = get(app_server, "/api/v1/versions")[2]
    assert b'"ana"' not in raw and b'"budi"' not in raw
    assert by_id[ids["v1"]]["note"] == "awal" and by_id[ids["v1"]]["retracted"] is False
    schedule = get_json(app_server, "/api/v1/targets.json")
    assert {"periode": "2024", "kode": "61", "target_persen": 50.24, "keterangan": "RPJMN 2024"} in schedule["targets"]
    pkg = get_json(app_server, "/api/v1/datapackage.json")
    assert len(pkg["resources"]) == 6 and pkg["resources"][0]["path"] == app_server.url + "/api/v1/kabupaten.csv"
    assert any(f"versi {ids['desa']}" in s["title"] for s in pkg["sources"])
    for res in pkg["resources"]:  # every resource the package lists is there, as it says
        status, headers, _c = get(app_server, res["path"].removeprefix(app_server.url))
        assert status == 200 and headers["content-type"].startswith(res["mediatype"])
    spec = get_json(app_server, "/api/v1/openapi.json")
    assert spec["openapi"].startswith("3.") and "/api/v1/desa.csv" in spec["paths"]
    status, headers, page = get(app_server, "/api/v1/")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"/ogc/" in page


def test_kabupaten_figures_come_from_the_kabupaten_table(app_server):
    doc = get_json(app_server, "/api/v1/kabupaten.json")
    rows = {r["kode"]: r for r in doc["data"]}
    ketapang = rows["61.04"]
    assert (ketapang["tenaga_kerja"], ketapang["peserta_aktif"], ketapang["penerima_bantuan_iuran"]) == (
        280000,
        150000,
        900,
    )
    assert ketapang["cakupan_persen"] == 53.57 and ketapang["di_bawah_target"] is False
    sambas = rows["61.01"]
    gap = -(-50.24 * 300000 // 100) - 90000
    assert sambas["kekurangan_peserta"] == gap and sambas["biaya_rupiah_per_tahun"] == gap * 16_800 * 12
    assert rows["61.12"]["penerima_bantuan_iuran"] is None
    assert rows["61.71"]["tenaga_kerja"] is None and rows["61.71"]["di_bawah_target"] is None  # not reported
    assert any("3 dari 14" in note for note in doc["notes"])  # partial: said as the page says it


def test_pandas_reads_the_numbers_the_page_shows(app_server, published, monkeypatch):
    url, _store, _ids = published
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    api = pd.read_csv(app_server.url + "/api/v1/desa.csv?kab=61.04&below=1", dtype={"kode": str, "periode": str})
    assert len(api) > 50 and api["di_bawah_target"].all()
    at = open_app("screens/desa.py", kab="61.04", below="1")
    frames = sorted((d.value for d in at.dataframe), key=len, reverse=True)
    page = frames[0][frames[0][t("col.kode", "id")].astype(str).str.startswith("61.")]
    page = page.set_index(t("col.kode", "id")).loc[api["kode"]]
    assert len(page) == len(api)
    pairs = {
        "tenaga_kerja": "col.tenaga_kerja",
        "peserta_aktif": "col.peserta_aktif",
        "cakupan_persen": "col.cakupan",
        "target_persen": "col.target",
        "kekurangan_peserta": "col.gap",
        "biaya_rupiah_per_tahun": "cost.col",
        "penerima_bantuan_iuran": "col.bantuan",
    }
    for column, key in pairs.items():
        shown = pd.to_numeric(page[t(key, "id")]).to_numpy(dtype=float)
        assert (api[column].to_numpy(dtype=float) == shown).all(), column
    assert (api["nama"].to_numpy() == page[t("col.nama", "id")].to_numpy()).all()
    # the page's figure "n of m below target" is the API's count over the same scope, without below=1
    whole = pd.read_csv(app_server.url + "/api/v1/desa.csv?kab=61.04", dtype={"kode": str})
    assert below_metric(at) == (int(whole["di_bawah_target"].eq(True).sum()), int(whole["tenaga_kerja"].notna().sum()))


def test_geopandas_reads_the_geojson(app_server):
    frame = gpd.read_file(app_server.url + "/api/v1/desa.geojson?kec=61.04.01")
    listed = get_json(app_server, "/api/v1/desa.json?kec=61.04.01")["data"]
    assert len(frame) == len(listed) >= 5 and frame.crs.to_epsg() == 4326 and frame.geometry.is_valid.all()
    assert frame["peserta_aktif"].tolist() == [r["peserta_aktif"] for r in listed]
    assert (frame["kode"].str.startswith("61.04.01.")).all() and "biaya_rupiah_per_tahun" in frame
    assert frame["tenaga_kerja"].notna().all()


def test_etag_304_gzip_and_cors(app_server):
    path = "/api/v1/desa.json?kab=61.04"
    status, headers, content = get(app_server, path)
    assert status == 200 and headers["etag"].startswith('"') and "max-age" in headers["cache-control"]
    assert headers["access-control-allow-origin"] == "*" and "accept-encoding" in headers["vary"].lower()
    status, again, empty = get(app_server, path, {"If-None-Match": headers["etag"]})
    assert (status, empty, again["etag"]) == (304, b"", headers["etag"])
    assert get(app_server, path, {"If-None-Match": f'"x", W/{headers["etag"]}'})[0] == 304
    assert get(app_server, path, {"If-None-Match": '"something-else"'})[0] == 200
    status, zipped, packed = get(app_server, path, {"Accept-Encoding": "gzip"})
    assert zipped["content-encoding"] == "gzip" and gzip.decompress(packed) == content and len(packed) < len(content)
    req_headers = {"Origin": "https://satudata.example", "Access-Control-Request-Method": "GET"}
    request = urllib.request.Request(app_server.url + path, method="OPTIONS", headers=req_headers)
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 204 and r.headers["Access-Control-Allow-Origin"] == "*"
        assert "GET" in r.headers["Access-Control-Allow-Methods"]


def test_errors_are_json_and_name_the_parameter(app_server):
    cases = {
        "/api/v1/provinsi.csv": (404, None),
        "/api/v1/desa.xlsx": (404, None),
        "/api/v1/desa/extra": (404, None),
        "/api/elsewhere": (404, None),
        "/api/v1/desa.csv?kab=61.99": (400, "kab"),
        "/api/v1/desa.csv?kec=61.04.99": (400, "kec"),
        "/api/v1/desa.csv?kab=61.04&kec=61.12.01": (400, "kec"),
        "/api/v1/kabupaten.csv?kec=61.04.01": (400, "kec"),
        "/api/v1/desa.csv?periode=2031": (400, "periode"),
        "/api/v1/desa.csv?period=20x": (400, "periode"),
        "/api/v1/desa.csv?below=maybe": (400, "below"),
        "/api/v1/desa.csv?target=150": (400, "target"),
        "/api/v1/desa.csv?v=abc": (400, "v"),
        "/api/v1/desa.csv?v=999": (404, "v"),
        "/api/v1/desa.csv?kabupaten=61.04": (400, "kabupaten"),
        "/api/v1/desa.csv?kab=" + "6" * 500: (400, "kab"),
        "/api/v1/versions?x=1": (400, "x"),
    }
    for path, (code, param) in cases.items():
        status, headers, content = get(app_server, path)
        assert status == code, (path, status, content[:200])
        assert headers["content-type"] == "application/json" and headers["access-control-allow-origin"] == "*"
        err = json.loads(content)["error"]
        assert err["status"] == code and err.get("parameter") == param, (path, err)
        assert err["message"] and err["message_en"] and b"Traceback" not in content


def test_a_pinned_version_keeps_its_bytes_and_a_retracted_one_is_gone(app_server, published):
    _url, store, ids = published
    pinned = f"/api/v1/kabupaten.csv?v={ids['v1']}"
    _s, before_headers, before = get(app_server, pinned)
    v2 = store.publish(V2, "kab_v2.csv", "kabupaten", "budi").version
    time.sleep(TOKEN_WAIT_S)
    status, after_headers, after = get(app_server, pinned)
    assert status == 200 and after == before and after_headers["etag"] == before_headers["etag"]
    assert "max-age=3600" in after_headers["cache-control"]
    latest = get_json(app_server, "/api/v1/kabupaten.json")
    assert (
        latest["version"] == v2.id
        and next(r for r in latest["data"] if r["kode"] == "61.01")["peserta_aktif"] == 210000
    )
    old = get_json(app_server, f"/api/v1/kabupaten.json?v={ids['v1']}")
    assert old["as_of"] == ids["v1"] and old["label"].endswith(t("stamp.pinned", "id")) and old["version"] == ids["v1"]
    v3 = store.publish(V3, "kab_v3.csv", "kabupaten", "budi").version
    store.retract(v3.id, "ana", REASON)
    time.sleep(TOKEN_WAIT_S)
    status, headers, content = get(app_server, f"/api/v1/kabupaten.json?v={v3.id}")
    err = json.loads(content)["error"]
    assert status == 410 and err["parameter"] == "v" and REASON in err["message"] and REASON in err["message_en"]
    assert get_json(app_server, "/api/v1/kabupaten.json")["version"] == v2.id  # the latest is v2 again
    listed = {v["id"]: v for v in get_json(app_server, "/api/v1/versions")["versions"]}
    assert listed[v3.id]["retracted"] is True and listed[v3.id]["retracted_reason"] == REASON


def test_the_rate_limit_answers_429_per_client(app_server):
    """The server allows 200 at once, then 10 a second, per client (uvicorn takes the address nginx forwards)."""
    statuses = [get(app_server, "/api/nope", {"X-Forwarded-For": "203.0.113.9"})[0] for _ in range(260)]
    assert statuses.count(429) > 0 and statuses[:150].count(404) == 150
    status, headers, content = get(app_server, "/api/nope", {"X-Forwarded-For": "203.0.113.9"})
    assert status == 429 and int(headers["retry-after"]) >= 1 and json.loads(content)["error"]["status"] == 429
    assert get(app_server, "/api/nope", {"X-Forwarded-For": "203.0.113.10"})[0] == 404  # another client


def test_rate_table_and_body_cache_are_bounded():
    limit = RateLimit(60, 2, clients=3)
    assert [limit.take("a") for _ in range(3)][:2] == [0.0, 0.0] and limit.take("a") > 0
    for client in "bcdef":
        limit.take(client)
    assert len(limit._buckets) == 3
    assert _bodies.max_bytes and _bodies.size_of(body(bytes(1000), "application/octet-stream")) >= 1000  # geo.lru


def test_sample_data_is_labelled_as_pages_label_it(tmp_path):
    with Server("api_sample", env={"KALBAR_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}"}) as srv:
        doc = get_json(srv, "/api/v1/kabupaten.json")
        assert doc["sample"] is True and doc["label"] == t("sample.banner", "id") and doc["version"] is None
        assert all(row["sample"] is True and row["label"] == doc["label"] for row in doc["data"])
        frame = pd.read_csv(io.BytesIO(get(srv, "/api/v1/kabupaten.csv")[2]))
        assert frame["sample"].all() and (frame["label"] == t("sample.banner", "id")).all()
        geo = json.loads(get(srv, "/api/v1/kabupaten.geojson")[2])
        assert geo["sample"] is True and all(f["properties"]["sample"] for f in geo["features"])
        assert get(srv, "/api/v1/kabupaten.csv?v=1")[0] == 404
