"""Render the nginx configuration from the templates in deploy/nginx/ (one template for the
server deployment and for ``run.py serve``), so what is tested here is what a server runs."""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from server import firstvisit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SITE_TEMPLATE = HERE / "nginx" / "site.conf.in"
MAIN_TEMPLATE = HERE / "nginx" / "nginx.conf.in"
MODULES_DIR = Path("/usr/lib/nginx/modules")
BROTLI_FILTER = "ngx_http_brotli_filter_module.so"
BROTLI_STATIC = "ngx_http_brotli_static_module.so"
ROUTE_COOKIE = "kalbar_route"

SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    # The map (st_folium) and other components are iframes from this same origin: allow 'self' only.
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Content-Security-Policy", "frame-ancestors 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
]
PROXY_HEADERS = [
    ("Host", "$http_host"),  # with the port: Streamlit compares the websocket's Origin with it
    ("X-Real-IP", "$remote_addr"),
    ("X-Forwarded-For", "$proxy_add_x_forwarded_for"),
    ("X-Forwarded-Proto", "$scheme"),
]


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
    listen: str = "80"
    server_name: str = "_"
    max_upload_mb: int = field(default_factory=max_upload_mb)
    brotli: bool = False
    brotli_static: bool = False
    app_static: Path = ROOT / "static"  # the project's static folder (served by Streamlit at /app/static/)
    tls_cert: Path | None = None  # HTTPS + HTTP/2 on `listen` (serve --tls: a self-signed pair for trying it)
    tls_key: Path | None = None
    replica_header: bool = False  # X-Kalbar-Replica: which process answered (tests and bench only)
    api_cache: Path = Path("/var/lib/nginx/kalbar_api")  # the open-data API's answers (in Debian's nginx state dir)


def preload_files(app_static_url: str | None = None) -> list[tuple[str, str, str]]:
    """The map's files a first visit asks for early (``server.firstvisit``: one list for nginx and the app)."""
    return list(firstvisit.preload_files(app_static_url))


def head_script(files: list[tuple[str, str, str]] | None = None) -> str:
    """The script nginx adds to the page's <head> (see site.conf.in): ``server.firstvisit.head_script``.
    No '$' or "'" (it goes into an nginx string)."""
    script = firstvisit.head_script(files)
    if "$" in script or "'" in script:
        raise ValueError("head script cannot go into an nginx string")
    return script


def _indent(lines: list[str], n: int = 8) -> str:
    return "\n".join(" " * n + line for line in lines)


def render_site(opts: SiteOptions) -> str:
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
                f'"~(^| )127\\.0\\.0\\.1:{p}$" "{ROUTE_COOKIE}=r{i}; Path=/; HttpOnly; SameSite=Lax";'
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
            ]
            if opts.tls_cert
            else [],
            4,
        ),
        "@@SERVER_NAME@@": opts.server_name,
        "@@API_CACHE@@": str(opts.api_cache),
        "@@HEAD_SCRIPT@@": head_script(),
        # +1 MB: the multipart form around the file; Streamlit enforces the exact limit itself.
        "@@MAX_BODY@@": f"{opts.max_upload_mb + 1}m",
        "@@STATIC_ROOT@@": str(opts.static_root),
        "@@APP_STATIC@@": str(opts.app_static),
        "@@SECURITY_HEADERS@@": _indent([f'add_header {k} "{v}" always;' for k, v in SECURITY_HEADERS]),
        "@@PROXY_HEADERS@@": _indent([f"proxy_set_header {k} {v};" for k, v in PROXY_HEADERS]),
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
