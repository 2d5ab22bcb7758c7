"""server/preview.py: what a chat app's robot (plain HTTP, no JavaScript) reads from a view URL.

A real `streamlit run app.py` on the sample data and one on a store with two published versions:
the title and Open Graph / Twitter tags, the instant block (label, figures, picture) for the province,
the kabupaten page, a kabupaten's desa, a kecamatan's desa and a pinned version; then, in Chromium,
the block shows without JavaScript and gives way to the live app with it.
"""

from __future__ import annotations

import base64
import io
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from geo import fmt, style
from geo.classify import totals
from geo.store import open_store
from geo.text import t
from server import firstvisit, preview
from streamlit_boundary import frontend
from tests.support.browser import map_frame, new_page
from tests.support.preview import TELEGRAM, WHATSAPP, expected_fill, fetch, image_fills, read_page, sample_classified
from tests.support.server import Server

V1 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif
61.01,Sambas,2024,300000,90000
61.12,Kubu Raya,2024,290000,98000
61.71,Kota Pontianak,2024,300000,150000
"""
V2 = V1.replace(b"Sambas,2024,300000,90000", b"Sambas,2024,300000,210000")  # restates 2024: Sambas now above target
SAMPLE = t("sample.banner", "id")


@pytest.fixture(scope="module")
def sample_server():
    with Server("preview_sample") as srv:
        yield srv


@pytest.fixture(scope="module")
def published_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('preview') / 'peta.sqlite'}"
    store = open_store(url)
    store.add_user("ana", "editor", display_name="Tim Ana")  # previews name the display name, never the login
    store.add_user("budi", "admin")  # no display name: the role
    store.publish(V1, "cakupan_v1.csv", "kabupaten", "ana")
    store.publish(V2, "cakupan_v2.csv", "kabupaten", "budi")
    store.dispose()
    with Server("preview_published", env={"KALBAR_DATABASE_URL": url}) as srv:
        yield srv


def figures(frame, lang: str, level: str) -> tuple[str, str]:
    """The two figure lines as the page's own figures give them (geo.classify.totals on the page's frame)."""
    tot = totals(frame, None)
    coverage = t(
        "preview.coverage",
        lang,
        coverage=fmt.percent(tot.coverage, lang),
        target=fmt.percent(tot.target, lang),
        diff=fmt.points(tot.coverage - tot.target, lang),
    )
    below = t(
        "preview.below",
        lang,
        n=fmt.number(tot.below, lang),
        total=fmt.number(tot.areas_with_data, lang),
        level=t(f"level.{level}", lang),
    )
    return coverage, below


def check_page(server, path: str, title: str, frame, level: str, lang: str, label: str, agent: str) -> dict:
    status, headers, body = fetch(server.url + path, agent)
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = read_page(body)
    coverage, below = figures(frame, lang, level)
    m = page.meta
    assert page.title == title and m["og:title"] == title and m["twitter:title"] == title
    assert m["twitter:card"] == "summary_large_image"
    for key in ("description", "og:description", "twitter:description"):
        assert m[key] == f"{coverage} · {below} · {label}", (key, m[key])
    assert m["og:url"].startswith(server.url + path.split("?")[0])
    image_url = m["og:image"]
    assert image_url.startswith(server.url + "/snapshot/") and m["twitter:image"] == image_url
    assert (m["og:image:width"], m["og:image:height"]) == ("1200", "630")
    # the instant block: the same label, figures and picture, no script
    block = page.block_text
    assert block["pjk-instant-label"] == label and block["pjk-instant-title"] == title
    assert block["pjk-instant-coverage"] == coverage and block["pjk-instant-below"] == below
    assert page.scripts_in_block == 0 and "script" not in page.block_tags
    assert server.url + page.block_snapshot == image_url
    status, img_headers, png = fetch(image_url, agent)
    assert status == 200 and img_headers["content-type"] == "image/png" and len(png) <= 300_000
    assert Image.open(io.BytesIO(png)).size == (1200, 630)
    # now rendered: the next first visit carries the picture inside the page, the same picture made smaller
    _s, _h, again = fetch(server.url + path, agent)
    inline = read_page(again).block_image
    assert inline.startswith("data:image/webp;base64,"), inline[:40]
    assert_same_picture(base64.b64decode(inline.split(",", 1)[1]), png)
    return {"page": page, "png": png}


def assert_same_picture(small_webp: bytes, png: bytes) -> None:
    """The page's small WebP is the snapshot PNG scaled down: every pixel close to the PNG's, scaled the same way."""
    small = Image.open(io.BytesIO(small_webp)).convert("RGB")
    assert small.size == (800, 420) and len(small_webp) <= 80_000, (small.size, len(small_webp))
    big = Image.open(io.BytesIO(png)).convert("RGB").resize(small.size, Image.Resampling.LANCZOS)
    a = np.asarray(small, dtype=np.int16)
    b = np.asarray(big, dtype=np.int16)
    diff = np.abs(a - b).max(axis=2)
    assert np.median(diff) <= 4 and np.percentile(diff, 99) <= 80, (np.median(diff), np.percentile(diff, 99))


def test_province_summary(sample_server):
    province = t("level.provinsi", "id")
    frame = sample_classified("kabupaten")
    title = f"Cakupan Jamsostek {province} — Kabupaten/Kota"
    check_page(sample_server, "/", title, frame, "kabupaten", "id", SAMPLE, WHATSAPP)


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:1337", "x:@evil.example"])
def test_a_foreign_host_header_never_reaches_the_links(sample_server, host):
    """og:url, og:image and the picture name the configured origin (here: the loopback address the server listens
    on, as a plain local run has no KALBAR_PUBLIC_URL), never the Host or X-Forwarded-Host a request carried."""
    status, _h, body = fetch(
        sample_server.url + "/desa?kab=61.04", WHATSAPP, headers={"Host": host, "X-Forwarded-Host": "evil.example"}
    )
    assert status == 200, status
    text = body.decode("utf-8")
    assert "evil.example" not in text and ":1337" not in text and "x:@" not in text
    m = read_page(body).meta
    assert m["og:url"].startswith(sample_server.url + "/desa?") and m["og:image"].startswith(sample_server.url + "/")


def test_kabupaten_page_in_english(sample_server):
    frame = sample_classified("kabupaten")
    title = "Jamsostek coverage West Kalimantan Province — Regency/City"
    got = check_page(
        sample_server, "/kabupaten?lang=en", title, frame, "kabupaten", "en", t("sample.banner", "en"), TELEGRAM
    )
    assert "below target" in got["page"].meta["og:description"]


def test_a_kabupatens_desa_and_a_kecamatans_desa(sample_server):
    frame = sample_classified("desa")
    ketapang = frame[frame["kode"].str.startswith("61.04.")]
    title = "Cakupan Jamsostek Kabupaten Ketapang — Desa/Kelurahan"
    check_page(sample_server, "/desa?kab=61.04", title, ketapang, "desa", "id", SAMPLE, WHATSAPP)
    kec = sorted(ketapang["kode_kec"].unique())[0]
    in_kec = ketapang[ketapang["kode_kec"] == kec]
    kec_name = in_kec["nama_kec"].iloc[0]
    check_page(
        sample_server,
        f"/desa?kec={kec}",
        f"Cakupan Jamsostek {kec_name} — Desa/Kelurahan",
        in_kec,
        "desa",
        "id",
        SAMPLE,
        TELEGRAM,
    )


def test_bad_parameters_fall_back_as_the_page_does(sample_server):
    province = t("level.provinsi", "id")
    frame = sample_classified("desa")
    title = f"Cakupan Jamsostek {province} — Desa/Kelurahan"
    check_page(sample_server, "/desa?kab=99.99&target=abc&lang=xx", title, frame, "desa", "id", SAMPLE, WHATSAPP)


def test_a_pinned_version_previews_that_version(published_server):
    status, _h, body = fetch(published_server.url + "/")
    latest = read_page(body)
    assert "versi 2" in latest.meta["og:description"] and "oleh admin" in latest.meta["og:description"]
    assert "budi" not in latest.meta["og:description"]
    assert SAMPLE not in latest.meta["og:description"]
    status, _h, body = fetch(published_server.url + "/?v=1", TELEGRAM)
    pinned = read_page(body)
    desc = pinned.meta["og:description"]
    assert "versi 1" in desc and "oleh Tim Ana" in desc and t("stamp.pinned", "id") in desc
    assert "v=1" in pinned.meta["og:image"] and "v=1" in pinned.meta["og:url"]
    # V1: all three below 50.24% (Kota Pontianak 50.0%); V2 restates Sambas at 70%: two below
    assert "3 dari 3" in desc and "2 dari 3" in latest.meta["og:description"]
    assert "37,98%" in desc  # (90,000 + 98,000 + 150,000) / 890,000 workers
    _s, _h, png1 = fetch(pinned.meta["og:image"])
    _s, _h, png2 = fetch(latest.meta["og:image"])
    every_kabupaten = sample_classified("kabupaten")  # the same areas, so the same extent as the server's figure
    sambas_v1 = image_fills(png1, every_kabupaten, "kabupaten")["61.01"]
    sambas_v2 = image_fills(png2, every_kabupaten, "kabupaten")["61.01"]
    assert sambas_v1 == style.gap_color(30.0, 50.24), "the pinned picture shows version 1's Sambas: 30%"
    assert sambas_v2 == style.gap_color(70.0, 50.24), "the latest picture shows version 2's Sambas: 70%"


@pytest.mark.browser
def test_the_block_shows_without_javascript_and_gives_way_to_the_live_app(sample_server, browser):
    context, page = new_page(browser)
    try:
        no_js = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
        still = no_js.new_page()
        still.goto(f"{sample_server.url}/desa?kab=61.04")
        block = still.locator("#pjk-instant")
        assert block.is_visible()
        still.wait_for_function("() => document.querySelector('#pjk-instant img').naturalWidth >= 800")
        box = block.locator("img").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        no_js.close()

        page.goto(f"{sample_server.url}/desa?kab=61.04")
        map_frame(page, 100)
        assert not page.locator("#pjk-instant").is_visible(), "the picture must give way to the live app"
    finally:
        context.close()


def test_the_picture_comes_before_streamlits_bundle(sample_server):
    """Streamlit's module script and preloads come after the instant block, so on a weak signal the page with
    the picture inside arrives before ~60 scripts start to share the line; nothing of them stays in <head>."""
    _s, _h, body = fetch(f"{sample_server.url}/desa?kab=61.04", WHATSAPP)
    text = body.decode("utf-8")
    head = text.split("</head>", 1)[0]
    assert '<script type="module"' not in head and 'rel="modulepreload"' not in head and 'as="font"' not in head
    block, module = text.index('id="pjk-instant"'), text.index('<script type="module"')
    assert block < module < text.index("</body>")
    assert text.split("</head>", 1)[1].count('rel="modulepreload"') > 20
    # the first-visit script (connection bypass, the map's preloads) tops <head> on the embedded default ...
    assert "<head><script>window.__streamlit" in head
    assert firstvisit.head_script() in head and "/app/static/vendor/leaflet/leaflet.js" in head
    # ... and not behind a proxy, which adds it itself (deploy/nginxconf)
    _s, _h, proxied = fetch(f"{sample_server.url}/desa?kab=61.04", WHATSAPP, headers={"X-Forwarded-For": "10.0.0.9"})
    assert "BACKEND_BASE_URL" not in proxied.decode("utf-8")


PRELOAD_TIMES_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const started = (part) => (resources.find((e) => e.name.includes(part)) || {}).startTime;
  return {interactive: nav.domInteractive, dcl: nav.domContentLoadedEventStart,
          leaflet: started('/leaflet/leaflet.js'), script: started('/pjk/map.js'), folium: started('/static/js/main.')};
}"""


@pytest.mark.browser
def test_the_maps_files_are_asked_for_before_streamlits_bundle_has_run(sample_server, browser):
    """Once the page is parsed (its picture in), not at DOMContentLoaded, which waits for Streamlit's ~130 KB
    bundle: on a phone's line the files then shared it with the widgets' chunks and the map's own message."""
    context, page = new_page(browser)
    try:
        page.goto(f"{sample_server.url}/desa?kab=61.04&basemap=none")
        map_frame(page, 262)
        times = page.evaluate(PRELOAD_TIMES_JS)
    finally:
        context.close()
    for name in ("leaflet", "script", "folium"):
        assert times[name] is not None, (name, times)
        assert times["interactive"] - 5 <= times[name] < times["dcl"], (name, times)


@pytest.mark.browser
def test_the_maps_hashed_script_may_be_cached_for_a_year(sample_server, browser):
    """st_folium's main.<hash>.js carries a year's immutable lifetime (server/immutable.py); Streamlit's own answer
    was ``Cache-Control: public`` without a lifetime or validator. Its index.html stays ``no-cache``."""
    context, page = new_page(browser)
    try:
        page.goto(f"{sample_server.url}/desa?kab=61.04&basemap=none")  # a session registers the component
        map_frame(page, 262)
    finally:
        context.close()
    build = frontend.component_dirs()["streamlit_folium.st_folium"] / "static" / "js"
    main = next(build.glob("main.*.js")).name
    status, headers, body = fetch(f"{sample_server.url}/component/streamlit_folium.st_folium/static/js/{main}")
    assert status == 200 and body and headers["cache-control"] == "public, max-age=31536000, immutable", headers
    _s, index_headers, _b = fetch(f"{sample_server.url}/component/streamlit_folium.st_folium/index.html")
    assert "immutable" not in index_headers.get("cache-control", "")
    # Leaflet (preloaded by the page, used by the map's iframe) may be kept an hour, as nginx says
    _s, leaflet, _b = fetch(f"{sample_server.url}/app/static/vendor/leaflet/leaflet.js")
    assert leaflet["cache-control"] == "public, max-age=3600"


def test_expected_fill_is_a_class_colour():
    """The helper the picture checks lean on names the page's class colours (sanity of the oracle)."""
    frame = sample_classified("kabupaten")
    assert len({expected_fill(r) for _i, r in frame.iterrows()}) >= 2


def test_a_page_keeps_loading_when_its_maps_files_cannot_be_worked_out():
    """The preloads are a bonus: if the map's files cannot be worked out for a view (here a view without its
    areas), the page goes out without them (and its map fetches its own files), never as an error."""
    broken = SimpleNamespace(path="/desa", level="desa", frame=None, state=None, data=None)
    assert preview.map_preloads(broken) == ""


# --- viewing needs an account: the link gives nothing of the data away --------------------------------


@pytest.fixture(scope="module")
def private_server():
    with Server("preview_private", env={"KALBAR_REQUIRE_SIGN_IN": "1"}) as srv:
        yield srv


@pytest.mark.parametrize("path", ["/", "/desa?kab=61.04", "/kabupaten?lang=en"])
def test_a_private_site_previews_only_its_name(private_server, path):
    """No figures, no picture, no features file: a chat's robot (and anyone without an account) reads the
    app's name and that one must sign in; the page itself shows the sign-in."""
    lang = "en" if "lang=en" in path else "id"
    status, _h, body = fetch(private_server.url + path, headers={"User-Agent": WHATSAPP})
    html = body.decode("utf-8")
    assert status == 200
    assert f"<title>{t('app.title', lang)}</title>" in html
    assert f'<meta property="og:description" content="{t("preview.private", lang)}" />' in html
    below = t("status.below", lang)
    for leak in (
        "pjk-instant",
        "og:image",
        "/snapshot/",
        "/mapfeat/",
        "/mapgeo/",
        below,
        SAMPLE,
        t("sample.banner", "en"),
    ):
        assert leak not in html, leak


def test_a_private_sites_snapshots_and_open_data_need_an_account(private_server):
    for path in ("/snapshot/desa.png?kab=61.04", "/snapshot/ringkasan.png"):
        status, headers, body = fetch(private_server.url + path)
        assert (status, headers["cache-control"], body) == (401, "no-store", b"sign in required"), path
    status, _h, body = fetch(private_server.url + "/api/v1/kabupaten.json")
    assert status == 401 and b"Traceback" not in body
