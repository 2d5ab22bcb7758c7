"""Render the nginx configuration from the templates in deploy/nginx/ (one template for the
server deployment and for ``run.py serve``), so what is tested here is what a server runs."""

from __future__ import annotations

import base64
import getpass
import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from geo.origin import parse_origin
from server import firstvisit
from streamlit_boundary import frontend, urls

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SITE_TEMPLATE = HERE / "nginx" / "site.conf.in"
MAIN_TEMPLATE = HERE / "nginx" / "nginx.conf.in"
MODULES_DIR = Path("/usr/lib/nginx/modules")
BROTLI_FILTER = "ngx_http_brotli_filter_module.so"
BROTLI_STATIC = "ngx_http_brotli_static_module.so"
ROUTE_COOKIE = "kalbar_route"

HSTS_MAX_AGE = 31_536_000  # one year; no includeSubDomains/preload: other sites under the same domain are not ours
LETSENCRYPT = Path("/etc/letsencrypt/live")
ACME_ROOT = Path("/var/www/letsencrypt")  # certbot --webroot writes its http-01 challenges here


def _tile_origins() -> list[str]:
    """Where the basemaps' tiles come from (geo.maps.BASEMAPS): ``https://*.basemaps.cartocdn.com`` ..."""
    from geo.maps import BASEMAPS  # noqa: PLC0415 - only when a site is rendered

    out = []
    for entry in BASEMAPS.values():
        if entry:
            parts = urlsplit(entry[0])
            host = re.sub(r"\{[a-z]+\}", "*", parts.hostname or "")
            out.append(f"{parts.scheme}://{host}")
    return sorted(set(out))


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(component: bool = False) -> str:
    """The Content-Security-Policy of the app's pages, or (``component``) of a component's iframe page.

    The app's page runs only its own files and two known inline scripts, by hash: Streamlit's
    ``window.prerenderReady = false`` and nginx's head script (head_script); no eval (WebAssembly
    compilation only, for Streamlit's protobuf bundle). Styles may be inline
    (Streamlit's emotion styles, the instant preview block, st_folium's sizes). Images: this origin
    (the /snapshot/*.png picture, Leaflet's icons), data: and blob: (st.image, downloads).

    The map is a component iframe of this origin (st_folium's built page under the component path): st_folium
    runs folium's map script by writing it into a new ``<script>`` element, which no hash or nonce can
    name in advance, so that page alone allows inline scripts ('unsafe-inline') and loads the
    basemap tiles. The map's script is built by geo/maps from official names and numbers, and every
    text a user controls goes through it escaped (tests/test_injection.py).
    """
    if component:
        scripts = ["'self'", "'unsafe-inline'"]
        images = ["'self'", "data:", "blob:", *_tile_origins()]
    else:
        scripts = ["'self'", *(_csp_hash(body) for body in frontend.index_inline_scripts())]
        scripts.append(_csp_hash(head_script()))
        # WebAssembly only (not JS eval): Streamlit's protobuf bundle (long.js) compiles a tiny wasm
        # multiplier at start; without this keyword Chromium reports it as a violation on every page.
        scripts.append("'wasm-unsafe-eval'")
        images = ["'self'", "data:", "blob:"]
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", scripts),
        ("style-src", ["'self'", "'unsafe-inline'"]),
        ("img-src", images),
        ("font-src", ["'self'", "data:"]),
        ("connect-src", ["'self'"]),  # the websocket (ws/wss to this host) counts as 'self'
        ("frame-src", ["'self'"]),  # component iframes (the map)
        ("worker-src", ["'self'", "blob:"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("frame-ancestors", ["'self'"]),
    ]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


def security_headers(tls: bool, component: bool = False) -> list[tuple[str, str]]:
    """The headers every answer carries (``component``: a component's iframe page, see content_security_policy)."""
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        # The map (st_folium) and other components are iframes from this same origin: allow 'self' only.
        ("X-Frame-Options", "SAMEORIGIN"),
        ("Content-Security-Policy", content_security_policy(component)),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ]
    if tls:  # a browser that saw the site over HTTPS never tries plain HTTP again for a year
        headers.insert(0, ("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}"))
    return headers


def proxy_headers(public_host: str) -> list[tuple[str, str]]:
    """What nginx tells the app about a request. ``Host`` is the site's configured public host (with its port:
    Streamlit compares the websocket's Origin with it), never the client's: the default server already turned
    away unknown names, and a name with another port or user info (``peta.contoh.go.id:1337``, ``x:@evil``) or an
    absolute request-target with a foreign ``Host`` must not reach the app either."""
    return [
        ("Host", public_host),
        ("X-Real-IP", "$remote_addr"),
        ("X-Forwarded-For", "$proxy_add_x_forwarded_for"),
        ("X-Forwarded-Proto", "$scheme"),
        ("X-Forwarded-Host", '""'),  # a client's own copy goes no further
    ]


# Requests per client address (nginx sees the real one: an office's NAT address counts once), answered 429 past
# the burst. A briefing room is ~50 people behind one NAT address opening the same link within seconds; each
# first visit makes ~7 requests through the page zone (the page, health, host-config, the websocket, the map's
# iframe page, icons), so the page burst (600) holds ~85 such visitors at once, then 20 a second; a picture is
# one request each (50 at once fit 100); a GIS client paging a layer stays under 10 a second.
# (zone, key, rate, burst)
RATE_LIMITS = {
    "pages": ("kalbar_req_pages", "$binary_remote_addr", "20r/s", 600),
    "snapshot": ("kalbar_req_snapshot", "$binary_remote_addr", "2r/s", 100),
    "api": ("kalbar_req_api", "$kalbar_api_client", "10r/s", 200),
    "ogc": ("kalbar_req_ogc", "$kalbar_ogc_client", "10r/s", 200),
}


def max_upload_mb(config: Path = ROOT / ".streamlit" / "config.toml") -> int:
    """Streamlit's server.maxUploadSize (MB) from the project's config; Streamlit's default 200."""
    try:
        return int(tomllib.loads(config.read_text(encoding="utf-8")).get("server", {}).get("maxUploadSize", 200))
    except (OSError, ValueError, tomllib.TOMLDecodeError):
        return 200


def brotli_modules(modules_dir: Path = MODULES_DIR) -> tuple[bool, bool]:
    """Whether Debian's libnginx-mod-http-brotli-filter / -static are installed."""
    return (modules_dir / BROTLI_FILTER).is_file(), (modules_dir / BROTLI_STATIC).is_file()


@dataclass
class SiteOptions:
    ports: list[int]
    static_root: Path
    listen: str = "443"  # HTTPS (with tls_cert), else plain HTTP (the bench's comparison only)
    http_listen: str | None = "80"  # with TLS: plain HTTP here answers with a redirect to HTTPS (and ACME)
    server_name: str = "127.0.0.1 localhost"  # the site's names; any other Host is turned away (444)
    public_url: str | None = None  # KALBAR_PUBLIC_URL; default https://<first server_name><port if not 443>
    max_upload_mb: int = field(default_factory=max_upload_mb)
    brotli: bool = False
    brotli_static: bool = False
    app_static: Path = ROOT / "static"  # the project's static folder (served by Streamlit at /app/static/)
    tls_cert: Path | None = None  # HTTPS + HTTP/2 on `listen`: Let's Encrypt's on a server, self-signed in `serve`
    tls_key: Path | None = None
    acme_root: Path = ACME_ROOT
    replica_header: bool = False  # X-Kalbar-Replica: which process answered (tests and bench only)
    rate_limits: bool = True  # off only for a bench that measures capacity through nginx (bench/api.py)
    api_cache: Path = Path("/var/lib/nginx/kalbar_api")  # the open-data API's answers (in Debian's nginx state dir)

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    @property
    def origin(self) -> str:
        """The public origin the app writes into its links and nginx sends as ``Host`` (geo.origin)."""
        if self.public_url:
            return parse_origin(self.public_url)
        name = self.server_name.split()[0]
        if self.tls:
            return parse_origin(f"https://{name}{self.https_port_suffix}")
        return parse_origin(f"http://{name}{self.https_port_suffix}")

    @property
    def public_host(self) -> str:
        """``host[:port]`` of :attr:`origin` (what nginx sends the app as ``Host``)."""
        return self.origin.split("://", 1)[1]

    @property
    def https_port_suffix(self) -> str:
        """ ":8443" for a redirect to a non-standard HTTPS port, "" for 443."""
        port = self.listen.split()[0].rsplit(":", 1)[-1]
        return "" if port == ("443" if self.tls else "80") else f":{port}"


def letsencrypt_pair(server_name: str) -> tuple[Path, Path]:
    """Where certbot puts a name's certificate chain and key."""
    return LETSENCRYPT / server_name / "fullchain.pem", LETSENCRYPT / server_name / "privkey.pem"


def preload_files() -> list[tuple[str, str, str]]:
    """The map's files a first visit asks for early (``server.firstvisit``: one list for nginx and the app)."""
    return list(firstvisit.preload_files())


def head_script(files: list[tuple[str, str, str]] | None = None) -> str:
    """The script nginx adds to the page's <head> (see site.conf.in): ``server.firstvisit.head_script``.
    No '$' or "'" (it goes into an nginx string)."""
    script = firstvisit.head_script(files)
    if "$" in script or "'" in script:
        raise ValueError("head script cannot go into an nginx string")
    return script


def _indent(lines: list[str], n: int = 8) -> str:
    return "\n".join(" " * n + line for line in lines)


def _reject_servers(opts: SiteOptions) -> str:
    """The default server of every port: a request for any name but the site's gets no answer at all (444), so
    no page, link or cached answer is ever made for a Host a client chose. Over HTTPS it shows the site's own
    certificate (a client that sends no SNI, e.g. one that connects by IP address, still reaches the real site
    when its Host names it)."""
    blocks = []
    listens = [opts.listen + (" ssl" if opts.tls else "")]
    if opts.tls and opts.http_listen:
        listens.append(opts.http_listen)
    for listen in listens:
        tls = listen.endswith(" ssl")
        lines = [
            "server {",
            f"    listen {listen} default_server;",
            "    server_name _;",
            "    server_tokens off;",
        ]
        if tls:
            lines += [f"    ssl_certificate {opts.tls_cert};", f"    ssl_certificate_key {opts.tls_key};"]
        lines += ["    return 444;", "}"]
        blocks.append("\n".join(lines))
    head = "# Any other name (a Host a client made up, an IP address): the connection is closed without an answer."
    return head + "\n" + "\n".join(blocks) + "\n"


def _redirect_server(opts: SiteOptions) -> str:
    """With HTTPS: a plain-HTTP server that sends every request to HTTPS (301), except certbot's
    http-01 challenges (renewals need no stop of nginx)."""
    if not opts.tls or not opts.http_listen:
        return ""
    return "\n".join(
        [
            "# Plain HTTP: only a redirect to HTTPS, and certbot's challenge files (webroot renewals).",
            "server {",
            f"    listen {opts.http_listen};",
            f"    server_name {opts.server_name};",
            "    server_tokens off;",
            "    location ^~ /.well-known/acme-challenge/ {",
            f"        root {opts.acme_root};",
            "        default_type text/plain;",
            "    }",
            "    location / {",
            # to the site's own origin, never to a Host a request carried
            f"        return 301 {opts.origin}$request_uri;",
            "    }",
            "}",
            "",
        ]
    )


def api_429_body() -> str:
    """The JSON error nginx answers past the open-data limit: server/httpapi's own shape and texts (geo/text)."""
    from geo.text import t  # noqa: PLC0415 - only when a site is rendered

    key = "api.error.rate_limited"
    texts = {"message": t(key, "id", seconds=1), "message_en": t(key, "en", seconds=1)}
    body = json.dumps({"error": {"status": 429, **texts}}, ensure_ascii=True, separators=(",", ":"))
    if "'" in body or "$" in body:
        raise ValueError("the 429 body cannot go into an nginx string")
    return body


def _limit(name: str) -> str:
    zone, _key, _rate, burst = RATE_LIMITS[name]
    return f"limit_req zone={zone} burst={burst} nodelay;"


def render_site(opts: SiteOptions) -> str:
    if not opts.server_name.split() or "_" in opts.server_name.split():
        raise ValueError("the site needs its own name(s) (--server-name): any other Host is turned away")
    secure = "; Secure" if opts.tls else ""
    text = SITE_TEMPLATE.read_text(encoding="utf-8")
    keep = []
    for line in text.splitlines():
        if line.rstrip().endswith("#@brotli") and not opts.brotli:
            continue
        if line.rstrip().endswith("#@brotli_static") and not opts.brotli_static:
            continue
        keep.append(re.sub(r"\s+#@brotli(_static)?$", "", line))
    text = "\n".join(keep) + "\n"
    subs = {
        "@@UPSTREAM_SERVERS@@": _indent([f"server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in opts.ports], 4),
        "@@ROUTE_POOL_MAP@@": _indent([f'"r{i}" kalbar_r{i};' for i, _ in enumerate(opts.ports)], 4),
        "@@ROUTE_KNOWN_MAP@@": _indent([f'"r{i}" 1;' for i, _ in enumerate(opts.ports)], 4),
        # the last address: after a failed try $upstream_addr lists every process tried ("a, b",
        # or "a : b" across upstream groups after error_page)
        "@@ROUTE_ADDR_MAP@@": _indent(
            [
                f'"~(^| )127\\.0\\.0\\.1:{p}$" "{ROUTE_COOKIE}=r{i}; Path=/; HttpOnly; SameSite=Lax{secure}";'
                for i, p in enumerate(opts.ports)
            ],
            4,
        ),
        "@@ROUTE_UPSTREAMS@@": "\n".join(
            f"upstream kalbar_r{i} {{\n    server 127.0.0.1:{p};\n    keepalive 8;\n}}"
            for i, p in enumerate(opts.ports)
        ),
        "@@LISTEN@@": opts.listen + (" ssl http2" if opts.tls_cert else ""),
        "@@TLS@@": _indent(
            [
                f"ssl_certificate {opts.tls_cert};",
                f"ssl_certificate_key {opts.tls_key};",
                "ssl_protocols TLSv1.2 TLSv1.3;",
                "ssl_session_cache shared:kalbar_tls:10m;  # a returning phone resumes instead of a full handshake",
                "ssl_session_timeout 1d;",
            ]
            if opts.tls_cert
            else [],
            4,
        ),
        "@@SERVER_NAME@@": opts.server_name,
        "@@API_CACHE@@": str(opts.api_cache),
        "@@REDIRECT_SERVER@@": _redirect_server(opts),
        "@@REJECT_SERVERS@@": _reject_servers(opts),
        "@@PUBLIC_ORIGIN@@": opts.origin,
        "@@API_429@@": api_429_body(),
        "@@RATE_ZONES@@": "\n".join(
            f"limit_req_zone {key} zone={zone}:10m rate={rate};" for zone, key, rate, _b in RATE_LIMITS.values()
        ),
        "@@LIMIT_PAGES@@": _indent([_limit("pages")] if opts.rate_limits else []),
        "@@LIMIT_SNAPSHOT@@": _indent([_limit("snapshot")] if opts.rate_limits else []),
        "@@LIMIT_API@@": _indent([_limit("api"), _limit("ogc")] if opts.rate_limits else []),
        "@@HEAD_SCRIPT@@": head_script(),
        # +1 MB: the multipart form around the file; Streamlit enforces the exact limit itself.
        "@@MAX_BODY@@": f"{opts.max_upload_mb + 1}m",
        "@@STATIC_ROOT@@": str(opts.static_root),
        "@@APP_STATIC@@": str(opts.app_static),
        "@@STCORE_METRICS@@": urls.METRICS,
        "@@STCORE_STREAM@@": urls.STREAM,
        "@@STCORE_HEALTH@@": urls.HEALTH,
        "@@SECURITY_HEADERS@@": _indent([f'add_header {k} "{v}" always;' for k, v in security_headers(opts.tls)]),
        "@@COMPONENT_HEADERS@@": _indent(
            [f'add_header {k} "{v}" always;' for k, v in security_headers(opts.tls, component=True)]
        ),
        "@@PROXY_HEADERS@@": _indent([f"proxy_set_header {k} {v};" for k, v in proxy_headers(opts.public_host)]),
        "@@REPLICA_HEADER@@": _indent(
            ["add_header X-Kalbar-Replica $upstream_addr always;"] if opts.replica_header else []
        ),
    }
    for key, value in subs.items():
        if not value:  # an empty placeholder leaves no blank line
            text = re.sub(rf"(?m)^[ \t]*{key}\n", "", text)
        text = text.replace(key, value)
    left = re.findall(r"@@[A-Z_]+@@", text)
    if left:
        raise ValueError(f"unfilled placeholders in {SITE_TEMPLATE.name}: {left}")
    return text


def render_main(prefix: Path, brotli: bool, brotli_static: bool, workers: int = 1) -> str:
    """nginx.conf for ``run.py serve``: everything (pid, logs, temp files) under ``prefix``."""
    modules = []
    if brotli:
        modules.append(f"load_module {MODULES_DIR / BROTLI_FILTER};")
    if brotli_static:
        modules.append(f"load_module {MODULES_DIR / BROTLI_STATIC};")
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""  # as root, workers would otherwise run as nobody
    text = MAIN_TEMPLATE.read_text(encoding="utf-8")
    for key, value in {
        "@@USER@@": user,
        "@@WORKERS@@": str(workers),
        "@@PREFIX@@": str(prefix),
        "@@LOAD_MODULES@@": "\n".join(modules),
    }.items():
        text = text.replace(key, value)
    return text
