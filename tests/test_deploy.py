"""The production stack for real: Debian's nginx in front of two Streamlit processes (deploy/).

One stack (as `python run.py serve --replicas 2` starts it, on free ports: HTTPS with a self-signed
certificate, plain HTTP redirecting to it) serves every test here.
"""

from __future__ import annotations

import asyncio
import gzip
import http.client
import json
import re
import socket
import ssl
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from deploy import nginxconf, staticfiles, warm
from deploy.stack import Stack, nginx_available
from tests.support.services import require

KETAPANG = "/desa?kab=61.04"
SELF_SIGNED = ssl._create_unverified_context()  # the stack's own throw-away certificate


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET without decoding: status, headers (lower-case names; repeated ones joined), raw body."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30, context=SELF_SIGNED) as r:
            return r.status, {k.lower(): ", ".join(r.headers.get_all(k)) for k in r.headers.keys()}, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Stack:
    require("nginx", nginx_available(), "install nginx (Debian's package) for the deployment tests")
    run_dir = tmp_path_factory.mktemp("run")
    s = Stack(replicas=2, name="test", run_dir=run_dir, log=lambda _m: None)
    s.start(warm_path=KETAPANG)
    yield s
    s.stop()


def _cookie(headers: dict) -> str:
    m = re.search(r"kalbar_route=(r\d+)", headers.get("set-cookie", ""))
    return m.group(1) if m else ""


def test_health_check(stack):
    status, headers, body = _get(stack.url + "/healthz")
    assert status == 200 and body == b"ok"
    assert "max-age" not in headers.get("cache-control", "")


def test_static_js_gzip_and_long_cache(stack):
    status, _, page = _get(stack.url + KETAPANG)
    assert status == 200
    scripts = re.findall(r'src="\.?(/static/js/[^"]+\.js)"', page.decode())
    assert scripts, "index.html names Streamlit's JS bundle"
    status, headers, body = _get(stack.url + scripts[0], {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert "max-age=31536000" in headers["cache-control"] and "immutable" in headers["cache-control"]
    original = (staticfiles.streamlit_static_dir() / scripts[0].lstrip("/")).read_bytes()
    assert gzip.decompress(body) == original
    assert len(body) < len(original) / 2


def test_brotli_served_when_the_modules_are_installed(stack):
    """With Debian's brotli modules installed, `serve` loads them (deploy.stack), so a browser that asks for
    brotli (every one over HTTPS) gets it: the page, Streamlit's scripts and the map's geometry file."""
    brotli_mod = pytest.importorskip("brotli")
    filt, static = nginxconf.brotli_modules()
    if not (filt and static):
        pytest.skip("libnginx-mod-http-brotli-filter/-static not installed: serve falls back to gzip")
    status, headers, page = _get(stack.url + KETAPANG, {"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers.get("content-encoding") == "br"
    html = brotli_mod.decompress(page).decode()
    assert "<html" in html.lower()
    script = re.findall(r'src="\.?(/static/js/[^"]+\.js)"', html)[0]
    status, headers, body = _get(stack.url + script, {"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers.get("content-encoding") == "br"
    original = (staticfiles.streamlit_static_dir() / script.lstrip("/")).read_bytes()
    assert brotli_mod.decompress(body) == original and len(body) < len(original) / 2
    geo = re.findall(r'href="(/mapgeo/[^"]+\.json)"', html)
    assert geo, "the page preloads its map's geometry"
    status, headers, body = _get(stack.url + geo[0], {"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers.get("content-encoding") == "br"
    assert json.loads(brotli_mod.decompress(body))
    # and a client that asks only for gzip still gets gzip
    status, headers, _ = _get(stack.url + script, {"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip"


def test_leaflet_served_compressed(stack):
    status, headers, body = _get(stack.url + "/app/static/vendor/leaflet/leaflet.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert b"Leaflet" in gzip.decompress(body)[:2000] or b"leaflet" in gzip.decompress(body)[:2000].lower()


def test_page_not_long_cached(stack):
    status, headers, body = _get(stack.url + KETAPANG, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert b"<html" in (gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body).lower()
    assert "max-age=31536000" not in headers.get("cache-control", "")
    assert "immutable" not in headers.get("cache-control", "")


def _csp(headers: dict) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in headers["content-security-policy"].split(";") if d.strip()}


@pytest.mark.parametrize(
    "path", [KETAPANG, "/", "/healthz", "/static/js/does-not-exist.js", "/app/static/vendor/leaflet/leaflet.js"]
)
def test_security_headers(stack, path):
    _, headers, _ = _get(stack.url + path)
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["strict-transport-security"] == f"max-age={nginxconf.HSTS_MAX_AGE}"
    csp = _csp(headers)
    assert csp["frame-ancestors"] == ["'self'"] and csp["object-src"] == ["'none'"] and csp["default-src"] == ["'self'"]
    # the app's page: only its own scripts and two inline ones named by hash, never any inline script
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert [x for x in csp["script-src"] if x.startswith("'sha256-")], csp["script-src"]
    assert headers.get("server") == "nginx"  # no version number


def test_component_page_has_its_own_policy(stack):
    """The map's iframe page: st_folium writes folium's script into a <script> element, so inline
    scripts run there (and the basemap's tiles load), not on the app's page."""
    comp = [p for p, rel, _ in nginxconf.preload_files() if p.startswith("/component/")][0].split("/static/")[0]
    status, headers, _ = _get(stack.url + comp + "/index.html")
    assert status == 200
    csp = _csp(headers)
    assert "'unsafe-inline'" in csp["script-src"] and not [x for x in csp["script-src"] if x.startswith("'sha")]
    assert "https://*.basemaps.cartocdn.com" in csp["img-src"] and "https://tile.openstreetmap.org" in csp["img-src"]
    assert csp["frame-ancestors"] == ["'self'"] and headers["strict-transport-security"]


@pytest.mark.parametrize("path", [KETAPANG, "/", "/healthz", "/snapshot/desa.png?kab=61.04"])
def test_plain_http_redirects_to_https(stack, path):
    conn = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{stack.http_port}"})
        r = conn.getresponse()
        r.read()
    finally:
        conn.close()
    assert r.status == 301
    assert r.getheader("Location") == f"https://127.0.0.1:{stack.port}{path}"
    assert r.getheader("Strict-Transport-Security") is None  # only over HTTPS (browsers ignore it on HTTP)


def test_plain_http_serves_certbot_challenges(stack):
    """certbot --webroot renews through plain HTTP without stopping nginx."""
    token = "k4lbar-token_1"
    challenge = stack.prefix / "acme" / ".well-known" / "acme-challenge"
    challenge.mkdir(parents=True, exist_ok=True)
    (challenge / token).write_text("token.thumbprint")
    status, _, body = _get(f"{stack.http_url}/.well-known/acme-challenge/{token}")
    assert status == 200 and body == b"token.thumbprint"


def test_route_cookie_is_secure(stack):
    _, headers, _ = _get(stack.url + KETAPANG)
    cookie = headers.get("set-cookie", "")
    assert "kalbar_route=" in cookie and "Secure" in cookie and "HttpOnly" in cookie


def test_link_preview_names_https_addresses(stack):
    """A link shared from the hosted site shows its picture: og:image is an https address that answers."""
    status, _, page = _get(stack.url + KETAPANG)
    assert status == 200
    image = re.search(r'<meta property="og:image" content="([^"]+)"', page.decode()).group(1)
    assert image.startswith(stack.url + "/snapshot/"), image
    status, headers, body = _get(image.replace("&amp;", "&"))
    assert status == 200 and body[:8] == b"\x89PNG\r\n\x1a\n" and headers["content-type"] == "image/png"


def test_websocket_session_through_proxy(stack):
    s = asyncio.run(warm.one_session(warm.Target.parse(stack.url + KETAPANG), timeout=120))
    assert s.ok, s.error
    assert s.messages > 10 and s.bytes > 50_000  # the page with its map, not an error page
    assert s.route_cookie and s.replica and s.ws_replica == s.replica  # the websocket stayed on the page's process


def test_sticky_same_cookie_same_process(stack):
    _, first, _ = _get(stack.url + KETAPANG)
    cookie = _cookie(first)
    assert cookie
    seen = set()
    for _ in range(12):
        _, headers, _ = _get(stack.url + KETAPANG, {"Cookie": f"kalbar_route={cookie}"})
        seen.add(headers["x-kalbar-replica"])
        assert "kalbar_route" not in headers.get("set-cookie", "")  # a valid cookie is not replaced
    assert seen == {first["x-kalbar-replica"]}


def test_new_sessions_from_one_address_spread(stack):
    replicas: dict[str, int] = {}
    for _ in range(24):
        _, headers, _ = _get(stack.url + KETAPANG)
        assert _cookie(headers)
        replicas[headers["x-kalbar-replica"]] = replicas.get(headers["x-kalbar-replica"], 0) + 1
    assert set(replicas) == {f"127.0.0.1:{p}" for p in stack.app_ports}
    assert min(replicas.values()) >= 8  # least connections: close to even, not a coin toss


def test_burst_of_sessions_spreads_evenly(stack):
    """20 viewers opening the link at once from one address: the open websockets end up split evenly."""
    sessions = asyncio.run(warm.burst(stack.url + KETAPANG, 20, timeout=180))
    assert all(s.ok for s in sessions), [s.error for s in sessions if not s.ok][:3]
    per = {}
    for s in sessions:
        assert s.ws_replica == s.replica
        per[s.replica] = per.get(s.replica, 0) + 1
    assert sorted(per.values()) in ([10, 10], [9, 11]), per


@pytest.mark.parametrize("value", ["../../etc", "r99", "r0x", "127.0.0.1:80"])
def test_forged_cookie_gets_a_new_one(stack, value):
    status, headers, _ = _get(stack.url + KETAPANG, {"Cookie": f"kalbar_route={value}"})
    assert status == 200 and _cookie(headers)


def _put_status(port: int, length: int, body: bytes = b"") -> int:
    """Send only the headers of a large upload (plus ``body``): nginx answers from Content-Length."""
    with (
        socket.create_connection(("127.0.0.1", port), timeout=30) as raw,
        SELF_SIGNED.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
    ):
        head = (
            f"PUT /_stcore/upload_file/x/y HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(head.encode() + body)
        reply = sock.recv(4096).decode("latin-1")
    return int(reply.split()[1])


def test_upload_limit(stack):
    limit = (nginxconf.max_upload_mb() + 1) * 1024 * 1024
    assert _put_status(stack.port, limit + 1) == 413
    small = b"--b--\r\n"
    assert _put_status(stack.port, len(small), small) != 413  # Streamlit answers (no such session), not nginx's limit


EXAMPLE_NAME = "peta.contoh.go.id"


def _example_options(**kw) -> nginxconf.SiteOptions:
    """What `python -m deploy nginx-site --replicas 3 --server-name peta.contoh.go.id` renders."""
    cert, key = nginxconf.letsencrypt_pair(EXAMPLE_NAME)
    opts = dict(
        ports=[8501, 8502, 8503],
        static_root=Path("/var/lib/kalbar/www"),
        server_name=EXAMPLE_NAME,
        brotli=True,
        brotli_static=True,
        app_static=Path("/opt/kalbar/app/static"),
        tls_cert=cert,
        tls_key=key,
    )
    opts.update(kw)
    return nginxconf.SiteOptions(**opts)


def test_the_example_site_the_readme_renders():
    """What `python -m deploy nginx-site --replicas 3 --server-name peta.contoh.go.id` writes (the README's step;
    no rendered copy is committed: it names the installed Streamlit's hashed files)."""
    example = nginxconf.render_site(_example_options())
    assert "listen 443 ssl http2;" in example and "listen 80;" in example
    assert f"return 301 https://{EXAMPLE_NAME}$request_uri;" in example  # never to a Host a request made up
    assert f"ssl_certificate /etc/letsencrypt/live/{EXAMPLE_NAME}/fullchain.pem;" in example
    # unknown names get no answer; the app and the cache key see only the configured origin
    assert "listen 443 ssl default_server;" in example and "listen 80 default_server;" in example
    assert example.count("return 444;") == 2
    assert f"proxy_set_header Host {EXAMPLE_NAME};" in example and "$http_host" not in example
    assert f'proxy_cache_key "https://{EXAMPLE_NAME}$request_uri' in example and "$host" not in example
    assert 'location ~ "/_stcore/metrics"' in example and "limit_req_status 429;" in example
    for zone, _key, rate, burst in nginxconf.RATE_LIMITS.values():
        assert f"zone={zone}:10m rate={rate};" in example and f"limit_req zone={zone} burst={burst} nodelay;" in example


def test_public_url_names_the_proxied_host_and_the_redirect():
    site = nginxconf.render_site(_example_options(public_url="https://data.contoh.go.id/"))
    assert "proxy_set_header Host data.contoh.go.id;" in site
    assert "return 301 https://data.contoh.go.id$request_uri;" in site
    with pytest.raises(ValueError):
        nginxconf.render_site(_example_options(server_name="_"))


def test_brotli_lines_only_with_the_module():
    opts = dict(ports=[1], static_root=Path("/x"))
    without = nginxconf.render_site(nginxconf.SiteOptions(**opts))
    with_ = nginxconf.render_site(nginxconf.SiteOptions(**opts, brotli=True, brotli_static=True))
    assert "brotli" not in without and "gzip_static on;" in without
    assert "brotli on;" in with_ and "brotli_static on;" in with_
    assert "X-Kalbar-Replica" not in with_  # only `serve` shows which process answered
    assert f"client_max_body_size {nginxconf.max_upload_mb() + 1}m;" in with_


def test_site_file_loads_in_debians_nginx_conf(tmp_path):
    """The README's steps: Debian's own nginx.conf (modules-enabled, `gzip on` in http {}) with the
    site file in sites-enabled must pass `nginx -t`."""
    import subprocess

    debian = Path("/etc/nginx/nginx.conf")
    require(
        "Debian's nginx",
        nginx_available() or (None if debian.is_file() else f"{debian} not found"),
        "this checks the site file against Debian's own nginx.conf",
    )
    from deploy.stack import self_signed_pem

    cert_pem, key_pem = self_signed_pem()  # certbot's files do not exist here: a pair in their place
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    cert.write_bytes(cert_pem)
    key.write_bytes(key_pem)
    site = tmp_path / "kalbar"
    if all(nginxconf.brotli_modules()):
        text = nginxconf.render_site(_example_options())
        for real, ours in zip(nginxconf.letsencrypt_pair(EXAMPLE_NAME), (cert, key)):
            text = text.replace(str(real), str(ours))
    else:
        text = nginxconf.render_site(_example_options(brotli=False, brotli_static=False, tls_cert=cert, tls_key=key))
    site.write_text(text)
    conf = debian.read_text(encoding="utf-8")
    conf = conf.replace("include /etc/nginx/sites-enabled/*;", f"include {site};")
    conf = re.sub(r"(?m)^pid .*;$", f"pid {tmp_path}/nginx.pid;", conf)
    conf = re.sub(r"(?m)^user .*;$", "", conf)
    main = tmp_path / "nginx.conf"
    main.write_text(conf, encoding="utf-8")
    out = subprocess.run(
        ["nginx", "-t", "-p", "/usr/share/nginx/", "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr


def test_page_gets_the_head_script_component_page_does_not(stack):
    status, _, page = _get(stack.url + KETAPANG)
    assert status == 200
    head = page.decode()
    script = nginxconf.head_script()
    assert head.count(script) == 1 and head.index(script) < head.index(
        "/static/js/index."
    )  # before Streamlit's scripts
    comp = [p for p, rel, _ in nginxconf.preload_files() if p.startswith("/component/")][0].split("/static/")[0]
    status, _, iframe = _get(stack.url + comp + "/index.html")
    assert status == 200 and b"__streamlit" not in iframe


def test_preloaded_files_answer_with_a_long_cache(stack):
    files = nginxconf.preload_files()
    assert {rel for _, rel, _ in files} == {"modulepreload", "preload"} and len(files) >= 4
    for path, _, _ in files:
        status, headers, _ = _get(stack.url + path, {"Accept-Encoding": "br, gzip"})
        assert status == 200, path
        cache = headers.get("cache-control", "")
        assert "max-age" in cache and "no-cache" not in cache, (path, cache)  # the iframe reuses the preload
    main_js = next(p for p, _, _ in files if p.startswith("/component/"))
    status, headers, _ = _get(stack.url + main_js, {"Accept-Encoding": "gzip"})
    assert "immutable" in headers["cache-control"] and headers.get("content-encoding") == "gzip"


def test_trimmed_fonts_served_and_revalidated(stack):
    """The copy's fonts are the trimmed ones, under Streamlit's names, never cached as immutable."""
    from deploy import fontsubset

    media = staticfiles.streamlit_static_dir() / "static" / "media"
    for pattern in (fontsubset.ICON_FONT, *fontsubset.TEXT_FONTS):
        original = next(media.glob(pattern))
        status, headers, body = _get(f"{stack.url}/static/media/{original.name}")
        assert status == 200 and body[:4] == b"wOF2"
        assert len(body) < original.stat().st_size / 2, pattern
        assert headers.get("cache-control") == "no-cache" and "etag" in headers


# Every frame (the page and the map's iframe) reports a CSP violation on the console, where the
# context's console listener below reads it along with Chromium's own "Refused to ..." lines.
CSP_LISTENER = """document.addEventListener('securitypolicyviolation', e => console.error(
    'CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI + ' ' + (e.sample || '')));"""


def _csp_console(ctx) -> list[str]:
    seen: list[str] = []
    ctx.add_init_script(CSP_LISTENER)

    def on_console(msg) -> None:
        text = msg.text
        if "Content Security Policy" in text or "Refused to" in text or "CSP violation" in text:
            seen.append(text[:400])

    ctx.on("console", on_console)
    return seen


@pytest.mark.browser
def test_map_draws_in_chromium_through_the_proxy(stack):
    """With the security headers (CSP, X-Frame-Options, HSTS) over HTTPS the same-origin map iframe
    still draws, the websocket works through nginx, and the page raises no error."""
    from geo.boundaries import load as load_level
    from tests.support import browser

    browser.require_chromium()
    desa = load_level("desa")
    expected = int((desa["kode"].str.startswith("61.04.") & ~desa["display"].is_empty).sum())
    console: list[str] = []
    requests: list[str] = []
    with browser.chromium(spki_pin=stack.spki_pin()) as chromium:
        ctx = chromium.new_context(viewport=browser.VIEWPORT)
        violations = _csp_console(ctx)
        ctx.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
        ctx.on("request", lambda req: requests.append(req.url))
        try:
            r = browser.load(ctx, stack.url + KETAPANG + "&basemap=none", expected, throttle=None, timeout_s=120)
            page = ctx.new_page()
            page.goto(stack.url + KETAPANG + "&basemap=none")
            page.wait_for_selector("[data-testid=stMetric]", timeout=60_000)
            page.wait_for_function("document.fonts.status === 'loaded'", timeout=30_000)
            # an icon whose name the trimmed font lacks shows as its name ("keyboard_double_arrow_left"):
            # many em wide instead of one
            icons = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid=stIconMaterial], \
[data-testid=stExpanderIcon]'))
                .filter(e => e.offsetParent !== null)
                .map(e => { const r = document.createRange(); r.selectNodeContents(e);  \
// the text's own width, not the box's
                            return {name: e.textContent, w: r.getBoundingClientRect().width, \
fs: parseFloat(getComputedStyle(e).fontSize)}; })""")
        finally:
            ctx.close()
    assert r["ok"] and r["paths"] == expected, r
    assert not r["errors"]
    assert not violations, violations
    assert not [c for c in console if "X-Frame-Options" in c or "frame" in c.lower()]
    # the head script: Streamlit connects at / without probing /desa/_stcore/health first
    assert not [u for u in requests if "/desa/_stcore/" in u]
    assert len(icons) >= 5 and {"keyboard_double_arrow_left", "home"} <= {i["name"] for i in icons}, icons
    assert all(i["w"] <= 1.6 * i["fs"] for i in icons), [i for i in icons if i["w"] > 1.6 * i["fs"]]


PAGES = [
    ("/", 14),  # the summary, with its basemap (tiles are allowed in the map's frame)
    ("/kabupaten?basemap=none", 14),
    ("/desa?level=desa&kab=61.04&basemap=none", 262),
]


@pytest.mark.browser
def test_no_csp_violation_on_the_map_pages(stack):
    """The summary, Kabupaten and Desa pages draw their maps through nginx over HTTPS, with the
    instant picture (inside the page as a data: WebP once rendered, else /snapshot/*.png), the websocket, the
    map's iframe, Leaflet and inline styles, and Chromium reports no Content-Security-Policy violation in any frame."""
    from tests.support import browser

    browser.require_chromium()
    drawn: dict[str, int] = {}
    snapshots: list[str] = []
    pictures: dict[str, bool] = {}
    with browser.chromium(spki_pin=stack.spki_pin()) as chromium:
        ctx = chromium.new_context(viewport=browser.VIEWPORT)
        violations = _csp_console(ctx)
        ctx.on("response", lambda r: snapshots.append(r.url) if "/snapshot/" in r.url and r.status == 200 else None)
        try:
            page = ctx.new_page()
            page.set_default_timeout(90_000)
            for path, polygons in PAGES:
                page.goto(stack.url + path)
                frame = browser.map_frame(page, polygons)
                # the picture was decoded (hidden by now: the live map replaced it), whichever way it came
                pictures[path] = page.evaluate(
                    "() => { const i = document.querySelector('#pjk-instant img'); return !!i && i.complete"
                    " && i.naturalWidth > 0 }"
                )
                drawn[path] = browser.polygon_count(frame)
                page.wait_for_selector("[data-testid=stMetric]")
                assert page.url.startswith("https://"), page.url
        finally:
            ctx.close()
    assert all(drawn[p] >= n for p, n in PAGES), drawn
    assert all(pictures.values()) and pictures, ("the instant picture was loaded", pictures, snapshots)
    assert not violations, violations


def test_a_click_on_the_map_drills_down_through_the_proxy(stack):
    """Behind nginx (its first-visit script, the static copy, the CSP, HTTPS) a click on Ketapang on the summary's
    map opens Ketapang's page, as on the embedded default (tests/test_browser.py)."""
    from urllib.parse import parse_qs, urlparse

    from tests.support import browser

    browser.require_chromium()
    with browser.chromium(spki_pin=stack.spki_pin()) as chromium:
        ctx = chromium.new_context(viewport=browser.VIEWPORT)
        try:
            page = ctx.new_page()
            page.set_default_timeout(90_000)
            page.goto(stack.url + "/?basemap=none")
            frame = browser.map_frame(page, 14)
            page.mouse.click(*browser.click_target(page, frame, "61.04"))
            page.wait_for_url("**/desa?*", timeout=60_000)
            assert parse_qs(urlparse(page.url).query).get("kab") == ["61.04"], page.url
            page.get_by_role("heading", name="Ketapang").first.wait_for()
        finally:
            ctx.close()


def _raw(port: int, target: str, host: str, tls: bool = True, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One request with exactly this request-target and Host; (0, {}, b"") when nginx closes without an answer."""
    if tls:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=SELF_SIGNED)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return 0, {}, b""
    finally:
        conn.close()


FOREIGN = ("evil.example", ":1337", "x:@")
POISON_PATHS = ["/ogc/collections/kecamatan/items?limit=2&offset=3", "/api/v1/datapackage.json", KETAPANG + "&lang=en"]


def _hostile(stack) -> list[tuple[str, str, str, dict]]:
    """(path, request-target, Host, more headers): names the site does not serve, its name with another port or
    user info, an absolute request-target of the site with a foreign Host, X-Forwarded-Host."""
    cases = []
    for path in POISON_PATHS:
        cases += [
            (path, path, "evil.example", {}),
            (path, path, f"127.0.0.1:{stack.port}", {"X-Forwarded-Host": "evil.example"}),
            (path, path, "127.0.0.1:1337", {}),
            (path, path, "x:@evil.example", {}),
            (path, f"https://127.0.0.1:{stack.port}{path}", "evil.example", {}),
            (path, f"https://evil.example{path}", f"127.0.0.1:{stack.port}", {}),
        ]
    return cases


def test_hostile_host_headers_neither_answer_nor_poison_the_cache(stack):
    """No answer, cached or not, names a foreign origin; after each attempt a normal request gets the site's own
    links (an answer poisoned into nginx's cache would be served to everyone for up to an hour)."""
    answered = 0
    for path, target, host, headers in _hostile(stack):
        status, got, body = _raw(stack.port, target, host, headers=headers)
        text = body.decode("utf-8", "replace") + json.dumps(got)
        assert not any(f in text for f in FOREIGN), (target, host, status, text[:300])
        answered += status != 0
        status, got, body = _get(stack.url + path, {"Accept-Encoding": "identity"})
        assert status == 200, (path, status)
        page = body.decode("utf-8")
        assert not any(f in page for f in FOREIGN), (target, host, got.get("x-cache-status"), page[:300])
        assert f"{stack.url}/" in page, (path, page[:300])
    assert answered  # the site's own name with other headers still answers (the check saw real bodies)
    for host in ("evil.example", "x:@evil.example", "127.0.0.2"):  # plain HTTP too: no redirect to a made-up host
        status, got, _body = _raw(stack.http_port, "/", host, tls=False)
        assert status == 0 or "evil" not in got.get("location", ""), (host, status, got)
    status, got, _body = _raw(stack.http_port, "/", "evil.example", tls=False)
    assert status == 0  # 444: the connection is closed


def test_unknown_names_are_turned_away(stack):
    for target, host in (("/", "evil.example"), ("/api/v1/versions", "evil.example"), ("/", "127.0.0.2")):
        assert _raw(stack.port, target, host)[0] == 0, (target, host)
    assert _raw(stack.port, "/healthz", f"localhost:{stack.port}")[0] == 200  # the site's other name


def test_streamlit_metrics_are_not_public(stack):
    direct = urllib.request.urlopen(f"http://127.0.0.1:{stack.app_ports[0]}/_stcore/metrics", timeout=30)
    assert direct.status == 200  # the app has them (for the machine's own monitoring) ...
    for path in ("/_stcore/metrics", "/desa/_stcore/metrics", "/_stcore/metrics?x=1"):
        status, _, body = _get(stack.url + path)
        assert status == 404 and b"session" not in body.lower(), (path, status)  # ... nginx does not pass them on


def test_a_burst_over_the_limit_gets_429(stack):
    """One address asking the open API faster than its burst (RATE_LIMITS["api"]) is answered 429 with the API's
    JSON error; the same burst from a briefing room's worth of page visits still passes (the page zone's burst)."""
    _zone, _key, rate, burst = nginxconf.RATE_LIMITS["api"]
    per_s = float(rate.removesuffix("r/s"))
    total = burst + 150
    last: dict[str, object] = {}

    def ask(n: int) -> list[int]:
        """``n`` requests on one keep-alive connection (eight of these at once: the burst arrives faster than the
        bucket refills, however loaded the machine)."""
        conn = http.client.HTTPSConnection("127.0.0.1", stack.port, timeout=60, context=SELF_SIGNED)
        out = []
        try:
            for _ in range(n):
                conn.request("GET", "/api/v1/versions", headers={"Host": f"127.0.0.1:{stack.port}"})
                r = conn.getresponse()
                content = r.read()
                out.append(r.status)
                if r.status == 429:
                    last["body"], last["retry"] = content, r.getheader("Retry-After")
        finally:
            conn.close()
        return out

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = [s for part in pool.map(ask, [total // 8] * 8) for s in part]
    elapsed = time.monotonic() - started
    allowed = burst + per_s * elapsed + 8  # what nginx may let through in that time (the burst, then the rate)
    assert statuses.count(200) >= burst and statuses.count(429) >= len(statuses) - allowed, (
        {s: statuses.count(s) for s in set(statuses)},
        round(elapsed, 2),
    )
    assert statuses.count(429) > 0
    last_429, retry = last["body"], last["retry"]
    assert set(statuses) <= {200, 429} and retry
    err = json.loads(last_429)["error"]
    assert err["status"] == 429 and err["message"] and err["message_en"]
    # 50 viewers' first page from one address at once: none is refused
    pages_burst = nginxconf.RATE_LIMITS["pages"][3]
    assert pages_burst >= 50 * 7
    statuses = []
    conn = http.client.HTTPSConnection("127.0.0.1", stack.port, timeout=60, context=SELF_SIGNED)
    try:
        for _ in range(50):
            conn.request("GET", "/_stcore/health", headers={"Host": f"127.0.0.1:{stack.port}"})
            r = conn.getresponse()
            r.read()
            statuses.append(r.status)
    finally:
        conn.close()
    assert statuses == [200] * 50


def test_failover_when_a_process_stops(stack):
    """Last in this module (it stops a process): a browser whose process is gone lands on another
    one with a new cookie instead of an error."""
    _, headers, _ = _get(stack.url + KETAPANG)
    cookie, replica = _cookie(headers), headers["x-kalbar-replica"]
    victim = stack.app_ports.index(int(replica.rsplit(":", 1)[1]))
    stack.apps[victim].terminate()
    stack.apps[victim].wait(20)
    status, headers, body = _get(stack.url + KETAPANG, {"Cookie": f"kalbar_route={cookie}"})
    assert status == 200 and b"<html" in body.lower()
    last = re.split(r", | : ", headers["x-kalbar-replica"])[-1]  # every process tried, the one that answered last
    assert last != replica and last in {f"127.0.0.1:{p}" for p in stack.app_ports}
    assert _cookie(headers) and _cookie(headers) != cookie
    s = asyncio.run(
        warm.one_session(warm.Target.parse(stack.url + KETAPANG), cookie=f"kalbar_route={cookie}", timeout=120)
    )
    assert s.ok, s.error


def test_open_data_api_and_ogc_through_the_proxy(stack):
    """/api/v1 and /ogc reach the app through nginx: gzip from the app (once), ETag/304, CORS, links on the
    proxy's own address, JSON errors, and no route cookie (they need no session)."""
    url = stack.url + "/api/v1/kabupaten.json"
    status, headers, body = _get(url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-type"] == "application/json" and headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(body))["count"] == 14
    assert headers["access-control-allow-origin"] == "*" and "kalbar_route" not in headers.get("set-cookie", "")
    assert _get(url, {"If-None-Match": headers["etag"]})[0] == 304
    # repeated requests are answered from nginx's cache (they never reach Python), each encoding its own
    status, again, second = _get(url, {"Accept-Encoding": "gzip"})
    assert again["x-cache-status"] == "HIT" and second == body and again["etag"] == headers["etag"]
    status, plain, text = _get(url)
    assert "content-encoding" not in plain and json.loads(text) == json.loads(gzip.decompress(body))
    assert _get(url)[1]["x-cache-status"] == "HIT"
    status, headers, body = _get(stack.url + "/ogc/")
    assert status == 200 and all(link["href"].startswith(stack.url) for link in json.loads(body)["links"])
    status, headers, body = _get(stack.url + "/ogc/collections/desa/items?limit=5")
    assert status == 200 and headers["content-type"] == "application/geo+json"
    assert len(json.loads(body)["features"]) == 5
    for _ in range(2):  # errors are never cached
        status, headers, body = _get(stack.url + "/api/v1/provinsi.csv")
        assert status == 404 and json.loads(body)["error"]["status"] == 404 and headers["x-cache-status"] != "HIT"


def test_nginx_site_needs_a_certificate(capsys):
    """The site for a server is HTTPS only: without a name (certbot's files) or a certificate, no file."""
    from deploy.__main__ import main

    assert main(["nginx-site", "--replicas", "1"]) == 2
    assert "--server-name" in capsys.readouterr().err
    assert main(["nginx-site", "--replicas", "1", "--tls-cert", "/x.pem", "--tls-key", "/x.key"]) == 2
    assert "--server-name" in capsys.readouterr().err
    assert main(["nginx-site", "--replicas", "1", "--server-name", EXAMPLE_NAME]) == 0
    out = capsys.readouterr().out
    assert f"ssl_certificate /etc/letsencrypt/live/{EXAMPLE_NAME}/fullchain.pem;" in out
    assert "Strict-Transport-Security" in out and f"return 301 https://{EXAMPLE_NAME}$request_uri;" in out


# --- the systemd units (deploy/systemd/) ------------------------------------------------------------

SYSTEMD = Path(__file__).resolve().parent.parent / "deploy" / "systemd"


def _unit(name: str) -> dict[str, list[str]]:
    """A unit file's settings (``Key`` -> values, in order); continued lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (SYSTEMD / name).read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def test_systemd_units_are_the_ones_the_readme_installs():
    readme = (SYSTEMD.parent.parent / "README.md").read_text(encoding="utf-8")
    units = sorted(p.name for p in SYSTEMD.iterdir())
    assert units == ["kalbar-backup.service", "kalbar-backup.timer", "kalbar.target", "kalbar@.service"]
    for name in units:
        assert f"deploy/systemd/{name}" in readme, name


def test_systemd_backup_timer_runs_the_backup_daily_and_its_command_works(tmp_path):
    import os
    import shlex
    import shutil
    import subprocess
    import sys

    from geo.cli.main import build_parser
    from geo.paths import ROOT

    timer, service = _unit("kalbar-backup.timer"), _unit("kalbar-backup.service")
    assert timer["Unit"] == ["kalbar-backup.service"] and timer["Persistent"] == ["true"]
    assert timer["OnCalendar"] == ["*-*-* 02:30:00"] and timer["WantedBy"] == ["timers.target"]
    assert service["Type"] == ["oneshot"] and service["User"] == ["kalbar"] and service["UMask"] == ["0077"]
    assert service["EnvironmentFile"] == _unit("kalbar@.service")["EnvironmentFile"]  # the app's store
    [exec_start] = service["ExecStart"]
    argv = shlex.split(exec_start)
    assert argv[:3] == ["/opt/kalbar/app/.venv/bin/python", "-m", "geo"]
    args = build_parser().parse_args(argv[3:])
    assert args.command == "backup" and args.keep == 14 and args.file is None
    assert args.dir in service["ReadWritePaths"][0].split()
    # the unit's command, run here against a SQLite store: a date-stamped backup, the newest kept
    db = f"sqlite:///{tmp_path / 'peta.sqlite'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KALBAR_DATABASE_URL": db}
    subprocess.run(
        [sys.executable, "-m", "geo", "users", "add", "ana", "--role", "admin", "--no-password"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    folder = tmp_path / "backups"
    folder.mkdir()
    cmd = [sys.executable, *[str(folder) if a == args.dir else a for a in argv[1:]]]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [made] = folder.iterdir()
    assert re.fullmatch(r"kalbar-backup-\d{8}-\d{6}\.sqlite", made.name) and "1 pengguna" in done.stdout
    if shutil.which("systemd-analyze"):  # the only complaint: the server's path does not exist here
        check = subprocess.run(
            ["systemd-analyze", "verify", str(SYSTEMD / "kalbar-backup.timer"), str(SYSTEMD / "kalbar-backup.service")],
            capture_output=True,
            text=True,
        )
        problems = [
            ln for ln in check.stderr.splitlines() if ln.strip() and "/opt/kalbar/app/.venv/bin/python" not in ln
        ]
        assert not problems, check.stderr
