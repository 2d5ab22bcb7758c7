"""server/query.py (+ the parameters of server/api.py and server/ogc.py): no value of any parameter of any open-data
route gives a 500 or a traceback; a bad one is a 4xx with the JSON error body.

The real route handlers run in-process (Starlette's TestClient over ``api.ROUTES`` and ``ogc.ROUTES``, the routes
``app.py`` hands to ``st.App``) on a real SQLite store with published versions; hypothesis draws the values: free
text, numbers of every size, and each parameter's own edge cases (year 9999, NaN, inf, too many bbox values ...).
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from geo.ratelimit import RateLimit
from geo.store import open_store
from server import api, httpapi, ogc, query
from tests.support.sample import one_month_csv

V1 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif
61.01,Sambas,2024,300000,90000
61.04,Ketapang,2024,280000,150000
"""
V2025 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif
61.01,Sambas,2025-06,300000,120000
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('query') / 'peta.sqlite'}"
    store = open_store(url)
    store.publish(one_month_csv("desa", as_period="2024"), "desa_2024.csv", "desa", "ana")
    store.publish(V1, "kab_2024.csv", "kabupaten", "ana")
    old = store.publish(V2025, "kab_2025.csv", "kabupaten", "ana").version
    store.retract(old.id, "ana", "salah")
    store.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KALBAR_DATABASE_URL", url)
        mp.setenv("KALBAR_PUBLIC_URL", "https://peta.contoh.go.id")
        mp.setattr(httpapi, "limiter", RateLimit(0, 1))  # the limit has its own tests; here every request answers
        app = Starlette(routes=[*api.ROUTES, *ogc.ROUTES, *api.CATCH_ALL, *ogc.CATCH_ALL])
        with TestClient(app, raise_server_exceptions=False, base_url="http://evil.example") as c:
            yield c


# --- the values ----------------------------------------------------------------------------------------

HUGE = ["9" * 30, "-" + "9" * 30, "1e309", "-1e309", "nan", "NaN", "inf", "-inf", "Infinity", "1e-400", "0x10", "１２"]
DATES = [
    "9999-12-31",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "0001-01-01",
    "0000-01-01",
    "9999",
    "9999-12",
    "99999-01-01",
    "2024-02-30",
    "2024-13",
    "2024-06-01T25:00:00Z",
    "../9999-12-31",
    "9999-12-31/..",
    "0001-01-01/9999-12-31T23:59:59.999999Z",
    "../..",
    "/",
    "2025/2024",
    "2024-06-01T00:00:00+99:99",
    "٢٠٢٤",
    "2024-06-01t00:00:00z",
]
BBOXES = [
    "nan,0,1,1",
    "0,0,inf,1",
    "-inf,-inf,inf,inf",
    "0,0,1,1,1,1,1",
    "0,0,1,1,1,1,1,1,1,1,1,1",
    "-181,-1,1,1",
    "0,-91,1,1",
    "108,-3,114,3",
    "108,-3,0,114,3,nan",
    "108,-3,0,114,3,0",
    "1e308,1e308,1e308,1e308",
    ",,,",
    "1,2,3",
    "3,3,1,1",
]
SPECIAL: dict[str, list[str]] = {
    "v": ["1", "2", "3", "0", "-1", "2147483647", "2147483648", *HUGE],
    "periode": ["2024", "2025-06", "2031", "2024-13", "", *DATES[:6]],
    "period": ["2024", "20x", "9999"],
    "kab": ["61.04", "61.12", "61.99", "61", "61.04.01", "' OR 1=1 --", "%00"],
    "kec": ["61.04.01", "61.12.01", "61.04.99", "61.04"],
    "below": ["1", "0", "true", "maybe", "2"],
    "target": ["0", "100", "50.24", "50,24", "100.0001", "-0", "-1e-9", *HUGE],
    "iuran": ["16800", "0", "-1", "1.5", *HUGE],
    "lang": ["id", "en", "xx", ""],
    "f": ["json", "geojson", "application/json", "application/geo+json", "html", "xml"],
    "limit": ["1", "0", "10000", "10001", "-1", "999999999", "1000000000", "1.5", *HUGE],
    "offset": ["0", "1", "2129", "2130", "999999999", "1000000000", "-1", *HUGE],
    "bbox": BBOXES + HUGE,
    "datetime": DATES + HUGE,
}
VIEW = query.VIEW_PARAMS
OGC_COMMON = (*VIEW, "f")
ITEMS = (*OGC_COMMON, *ogc.PAGING)

# every route with the parameters it takes, path parameters filled by hypothesis
ROUTES: list[tuple[str, tuple[str, ...]]] = [
    ("/api/v1", ("lang",)),
    ("/api/v1/", ("lang",)),
    ("/api/v1/versions", ()),
    ("/api/v1/targets.json", ("lang",)),
    ("/api/v1/datapackage.json", ("v", "lang")),
    ("/api/v1/openapi.json", ("lang",)),
    ("/api/v1/{level}.{fmt}", VIEW),
    ("/ogc", OGC_COMMON),
    ("/ogc/", OGC_COMMON),
    ("/ogc/conformance", OGC_COMMON),
    ("/ogc/collections", OGC_COMMON),
    ("/ogc/collections/{level}", OGC_COMMON),
    ("/ogc/collections/{level}/items", ITEMS),
    ("/ogc/collections/{level}/items/{fid}", OGC_COMMON),
]
PARAM_NAMES = sorted({name for _path, names in ROUTES for name in names})


def value_of(name: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SPECIAL.get(name, [""])),
        st.text(max_size=70),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    )


def params_for(names: tuple[str, ...]) -> st.SearchStrategy[list[tuple[str, str]]]:
    if not names:
        return st.just([])
    pairs = st.sampled_from(names).flatmap(lambda n: value_of(n).map(lambda v: (n, v)))
    other = st.tuples(st.sampled_from(["x", "bbox-crs", "limit[]", "__proto__"]), st.text(max_size=8))
    return st.lists(st.one_of(pairs, pairs, pairs, other), max_size=5)


def test_the_fuzz_covers_every_open_data_route():
    """A new /api or /ogc route must join ROUTES above (with its parameters) to be fuzzed."""
    served = {r.path.replace("{cid}", "{level}") for r in [*api.ROUTES, *ogc.ROUTES]}
    assert served == {path for path, _names in ROUTES}


def _check(client: TestClient, path: str, items: list[tuple[str, str]]) -> None:
    url = path + ("?" + urlencode(items) if items else "")
    r = client.get(url, headers={"Accept-Encoding": "identity"})
    assert r.status_code < 500, (url, r.status_code, r.text[:300])
    assert b"Traceback" not in r.content
    if r.status_code >= 400:
        assert r.headers["content-type"] == "application/json", (url, r.status_code)
        err = json.loads(r.content)["error"]
        assert err["status"] == r.status_code and err["message"] and err["message_en"], (url, err)
    if r.status_code == 200 and r.headers["content-type"].endswith("json"):
        assert "evil.example" not in r.text  # links never come from the request's Host


@pytest.mark.parametrize("path,names", ROUTES, ids=[p for p, _ in ROUTES])
def test_no_parameter_value_gives_a_500(client, path, names):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        level=st.sampled_from(["desa", "kabupaten", "kecamatan", "provinsi"]),
        fmt=st.sampled_from(["csv", "json", "geojson", "xlsx"]),
        fid=st.one_of(st.sampled_from(["61.04", "61.04.01.2001", "x"]), st.text(min_size=1, max_size=80)),
        items=params_for(names),
    )
    def run(level: str, fmt: str, fid: str, items: list[tuple[str, str]]) -> None:
        filled = path.replace("{level}", level).replace("{fmt}", fmt).replace("{fid}", quote(fid, safe=""))
        _check(client, filled, items)

    run()


@pytest.mark.parametrize("name", PARAM_NAMES)
def test_every_edge_value_of_every_parameter(client, name):
    """Each listed edge value on every route that takes the parameter (hypothesis may not draw them all)."""
    for path, names in ROUTES:
        if name not in names:
            continue
        filled = path.replace("{level}", "desa").replace("{fmt}", "json").replace("{fid}", "61.04.01.2001")
        for value in SPECIAL.get(name, [""]):
            _check(client, filled, [(name, value)])


@pytest.mark.parametrize(
    "value",
    ["9999-12-31", "9999-12-31T23:59:59.999999Z", "../9999-12-31", "99999", "0000-01-01", "2024-06-01T00:00:00+99:99"],
)
def test_datetime_out_of_range_is_a_400_naming_it(client, value):
    r = client.get("/ogc/collections/desa/items", params={"datetime": value})
    assert r.status_code == 400, (value, r.status_code, r.text[:200])
    assert r.json()["error"]["parameter"] == "datetime"


@pytest.mark.parametrize("value", ["nan,0,1,1", "0,0,inf,1", "-181,0,1,1", "0,0,1,91", "0,0,1,1,1", "1,1,1,1,1,1,1,1"])
def test_bbox_out_of_range_is_a_400_naming_it(client, value):
    r = client.get("/ogc/collections/desa/items", params={"bbox": value})
    assert r.status_code == 400 and r.json()["error"]["parameter"] == "bbox", (value, r.status_code)


def test_a_datetime_inside_the_data_still_picks_its_period(client):
    r = client.get("/ogc/collections/kabupaten/items", params={"datetime": "2024-03-01T10:00:00+07:00"})
    assert r.status_code == 200 and r.json()["periode"] == "2024"
    r = client.get("/ogc/collections/kabupaten/items", params={"datetime": "1990-01-01/1991-01-01"})
    assert r.status_code == 200 and r.json()["numberReturned"] == 0


def test_links_use_the_configured_origin_whatever_the_host(client):
    """The TestClient sends ``Host: evil.example`` and X-Forwarded-Host: every link names KALBAR_PUBLIC_URL."""
    for path in ("/ogc/collections/kecamatan/items?limit=2", "/api/v1/datapackage.json", "/ogc/", "/api/v1/"):
        r = client.get(path, headers={"X-Forwarded-Host": "evil.example", "Host": "x:@evil.example"})
        assert r.status_code == 200, (path, r.status_code)
        assert "evil.example" not in r.text and "https://peta.contoh.go.id/" in r.text, path
    links = client.get("/ogc/collections/kecamatan/items?limit=2").json()["links"]
    nxt = [link for link in links if link["rel"] == "next"]
    assert nxt and nxt[0]["href"].startswith("https://peta.contoh.go.id/ogc/collections/kecamatan/items?")
