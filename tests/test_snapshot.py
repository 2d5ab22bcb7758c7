"""server/snapshot.py: the view's picture at /snapshot/{page}.png, as a real `streamlit run app.py` serves it.

The image must classify every area as the interactive page does (same class colour per area, read
from the pixels), be 1200×630 and small enough for a chat app, and be cached per (view, data version)
with an ETag. The render-ahead thread is run in-process on a temporary store.
"""

from __future__ import annotations

import http.client
import io
import time
from urllib.parse import urlsplit

import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from geo.ratelimit import RateLimit
from geo.render import SNAPSHOT_PX
from geo.store import open_store
from geo.view import shown
from server import snapshot
from tests.support.preview import expected_fill, fetch, image_fills, read_page, sample_classified
from tests.support.server import Server

MAX_BYTES = 300_000


@pytest.fixture(scope="module")
def app_server():
    with Server("snapshot") as srv:
        yield srv


def test_the_image_classifies_every_area_as_the_page_does(app_server):
    for query, level, kab in (("", "kabupaten", None), ("?kab=61.04", "desa", "61.04")):
        page = "ringkasan" if level == "kabupaten" else "desa"
        status, headers, png = fetch(f"{app_server.url}/snapshot/{page}.png{query}")
        assert status == 200 and headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(png)).size == SNAPSHOT_PX
        assert len(png) <= MAX_BYTES, f"{len(png)} bytes: too big for a chat preview"
        frame = sample_classified(level)
        if kab:
            frame = frame[frame["kode"].str.startswith(kab + ".")]
        shown = image_fills(png, frame, level, kab)
        expected = {r["kode"]: expected_fill(r) for _i, r in frame.iterrows()}
        assert len(shown) >= min(len(frame), 100), f"only {len(shown)} areas large enough to read"
        wrong = {k: (shown[k], expected[k]) for k in shown if shown[k] != expected[k]}
        assert not wrong, f"{len(wrong)} areas in another class than on the page: {list(wrong.items())[:5]}"


def test_the_pixel_check_sees_a_wrong_classification(app_server):
    """Positive control: the picture of a 30% what-if target differs from the 50.24% classes, matches its own."""
    _status, _h, png = fetch(f"{app_server.url}/snapshot/ringkasan.png?target=30")
    frame = sample_classified("kabupaten")
    shown = image_fills(png, frame, "kabupaten")
    assert len(shown) == 14
    assert any(shown[r["kode"]] != expected_fill(r) for _i, r in frame.iterrows())
    what_if = sample_classified("kabupaten", what_if=30.0)
    assert all(shown[r["kode"]] == expected_fill(r) for _i, r in what_if.iterrows())


def test_cache_headers_etag_and_not_found(app_server):
    url = f"{app_server.url}/snapshot/desa.png?kab=61.12"
    status, headers, first = fetch(url)
    assert status == 200 and "max-age" in headers["cache-control"] and headers["etag"].startswith('"')
    status, again, second = fetch(url)
    assert (status, again["etag"], second) == (200, headers["etag"], first)
    status, _h, body = fetch(url, headers={"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    # parameters the image does not draw leave it (and its ETag) unchanged; a bad one falls back as the page does
    assert fetch(url + "&q=abc&below=1")[1]["etag"] == headers["etag"]
    assert (
        fetch(f"{app_server.url}/snapshot/desa.png?kab=99.99")[1]["etag"]
        == fetch(f"{app_server.url}/snapshot/desa.png")[1]["etag"]
    )
    assert fetch(f"{app_server.url}/snapshot/admin.png")[0] == 404
    assert fetch(f"{app_server.url}/snapshot/desa.png?kab=61.12&lang=en")[1]["etag"] != headers["etag"]


def head_of(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    """(status, headers) of one GET, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        r = conn.getresponse()
        r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("/snapshot/desa.png?target=40.000012", "/snapshot/desa.png?target=40"),  # the legend prints 0.01
        ("/snapshot/desa.png?target=40,125", "/snapshot/desa.png?target=40.12"),
        ("/snapshot/desa.png?kab=61.12&q=abc&below=1&utm_source=x", "/snapshot/desa.png?kab=61.12"),  # not drawn
        ("/snapshot/desa.png?kab=99.99&period=1900&v=77777", "/snapshot/desa.png"),  # unknown codes
        ("/snapshot/desa.png?kec=61.04.01", "/snapshot/desa.png?kab=61.04&kec=61.04.01"),
        ("/snapshot/desa.png?lang=en&kab=61.04", "/snapshot/desa.png?kab=61.04&lang=en"),  # one order
        ("/snapshot/ringkasan.png?kab=61.04&level=desa", "/snapshot/ringkasan.png"),  # the summary draws the province
        ("/snapshot/kabupaten.png?iuran=016800&bulan=6&bulan=12", "/snapshot/kabupaten.png"),  # defaults left out
        ("/snapshot/desa.png?iuran=99999999999", "/snapshot/desa.png"),  # out of range
    ],
)
def test_other_queries_go_to_the_canonical_one(app_server, query, canonical):
    status, headers = head_of(app_server.url + query)
    assert status == 308 and headers["location"] == canonical, (status, headers.get("location"))
    assert "max-age" in headers["cache-control"]


def test_the_page_names_the_canonical_picture(app_server):
    """The page's og:image needs no redirect; equivalent page queries name one picture."""
    page = read_page(fetch(f"{app_server.url}/desa?target=40.000012&q=x&sel=61.04")[2])
    assert page.meta["og:image"] == f"{app_server.url}/snapshot/desa.png?target=40"
    assert head_of(page.meta["og:image"])[0] == 200


def test_the_render_queue_is_bounded():
    """One worker and a queue of one: the third distinct picture is refused at once (the request answers 503)."""
    renderer = snapshot.Renderer(workers=1, queue=1)
    views = [shown.view("/desa", {"kab": kab, "target": "33.33"}) for kab in ("61.01", "61.02", "61.03")]
    first, at_once = renderer.submit(views[0])
    second, queued_at_once = renderer.submit(views[1])
    third, _ = renderer.submit(views[2])
    assert first is not None and at_once and second is not None and not queued_at_once and third is None
    assert renderer.submit(views[0])[0] is first  # one render per picture
    assert first.result(120).png and second.result(120).png
    assert renderer.pending() == 0 and snapshot.cached(views[1]) is not None


V1 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif
61.01,Sambas,2024-12,300000,90000
61.12,Kubu Raya,2024-12,290000,98000
"""  # the sample's latest month: the same view (its period too) as before the publish, from newer data


def test_render_ahead_covers_the_common_links_and_follows_a_publish(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ahead.sqlite'}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    ahead = snapshot.RenderAhead(every_s=0.2).start()
    try:
        sample_key = _wait_for(ahead, lambda key: key is not None and key.startswith("sample-"))
        for path, query in shown.views_to_render_ahead():
            assert snapshot.cached(shown.view(path, query)) is not None, (path, query)
        # the province (summary, Kabupaten page, the province's desa map) and 14 kabupaten/kota
        assert len(shown.views_to_render_ahead()) == 17
        assert ("/desa", {}) in shown.views_to_render_ahead()
        store = open_store(url)
        store.publish(V1, "cakupan.csv", "kabupaten", "ana")
        store.dispose()
        published_key = _wait_for(ahead, lambda key: key is not None and key.startswith("pub-"))
        assert published_key != sample_key
        v = shown.view("/", {})
        assert not v.data.is_sample and snapshot.cached(v) is not None
    finally:
        ahead.close()


def _wait_for(ahead: snapshot.RenderAhead, ok, timeout: float = 240) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if ok(ahead.done_for):
            return ahead.done_for
        time.sleep(0.2)
    raise AssertionError(f"render-ahead did not finish: done_for={ahead.done_for!r}")


def test_a_busy_worker_answers_the_views_last_picture_or_503(tmp_path, monkeypatch):
    """The worker drawing (here: waiting on the render lock) and no room in the queue: the view's picture from
    the data before, with a short lifetime and no ETag; a view never drawn: 503 with Retry-After, at once."""
    client = TestClient(Starlette(routes=[Route("/snapshot/{page}.png", snapshot.endpoint)]))
    monkeypatch.setattr(snapshot, "renderer", snapshot.Renderer(workers=1, queue=0))
    monkeypatch.setattr(snapshot, "limiter", RateLimit(0, 1))  # this test is about the worker, not the bucket
    before = client.get("/snapshot/desa.png?kab=61.01&lang=en")  # drawn at once from the sample data
    assert before.status_code == 200 and before.headers["etag"]
    url = f"sqlite:///{tmp_path / 'stale.sqlite'}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    store = open_store(url)
    store.publish(V1, "cakupan.csv", "kabupaten", "ana")
    store.dispose()
    assert not shown.view("/desa", {"kab": "61.01"}).data.is_sample
    with snapshot._render_lock:
        busy, at_once = snapshot.renderer.submit(shown.view("/desa", {"kab": "61.02", "lang": "en"}))
        assert busy is not None and at_once
        started = time.perf_counter()
        stale = client.get("/snapshot/desa.png?kab=61.01&lang=en")
        none = client.get("/snapshot/desa.png?kab=61.03&lang=en")
        took = time.perf_counter() - started
    assert stale.status_code == 200 and stale.content == before.content and "etag" not in stale.headers
    assert stale.headers["cache-control"] == snapshot.STALE_CACHE_CONTROL
    assert none.status_code == 503 and int(none.headers["retry-after"]) >= 1
    assert took < 5, f"{took:.1f} s: a busy worker must not make the request wait"
    busy.result(120)
    fresh = client.get("/snapshot/desa.png?kab=61.01&lang=en")
    assert fresh.status_code == 200 and fresh.headers["etag"] != before.headers["etag"]
