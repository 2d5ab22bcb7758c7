"""The site's one public origin, for every absolute link the app writes (API, OGC links, data package, link previews).

Never the client's ``Host`` or ``X-Forwarded-Host``: an answer built from them could be cached by nginx and served
to everyone with links to another site (cache poisoning). In order:

- ``KALBAR_PUBLIC_URL`` (e.g. ``https://peta.contoh.go.id``): what the admin configured;
- ``KALBAR_SERVER_NAME``: the first ``server_name`` the nginx site was rendered with (the stack and the systemd
  unit's environment file pass it), as ``https://NAME``;
- else (a plain local ``streamlit run``) the loopback address the request arrived on (the socket's own address,
  not a header), or "" (relative links) when even that is unknown.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

from geo import settings

log = logging.getLogger(__name__)

PUBLIC_URL_ENV = "KALBAR_PUBLIC_URL"
SERVER_NAME_ENV = "KALBAR_SERVER_NAME"


class OriginError(ValueError):
    """A configured public URL that is not an http(s) origin."""


def parse_origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` (lower-case, no path, no trailing slash); OriginError when it is not
    an http(s) URL with a host and nothing a browser would read as another site (user info, a bad port)."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError as exc:
        raise OriginError(f"bad port in {url!r}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        raise OriginError(f"not an http(s) origin: {url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise OriginError(f"a public URL is an origin only (no path, query or fragment): {url!r}")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _loopback(local: tuple[str, int] | None) -> str:
    if not local or not local[0]:
        return ""
    host, port = str(local[0]), int(local[1])
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - listening on every address: name this machine's loopback
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}" + ("" if port == 80 else f":{port}")


def public_origin(local: tuple[str, int] | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The origin every absolute link starts with (no trailing slash; "" means relative links).

    ``local``: the (address, port) the request's socket is bound to (ASGI ``scope["server"]``), the fallback of a
    plain local run. A malformed setting is logged and skipped (never a 500, never a client's value)."""
    env = settings.environ() if environ is None else environ
    candidates = [(PUBLIC_URL_ENV, env.get(PUBLIC_URL_ENV, "").strip())]
    name = env.get(SERVER_NAME_ENV, "").split()
    if name and name[0] != "_":
        candidates.append((SERVER_NAME_ENV, f"https://{name[0]}"))
    for setting, url in candidates:
        if not url:
            continue
        try:
            return parse_origin(url)
        except OriginError as exc:
            log.warning("%s ignored: %s", setting, exc)
    return _loopback(local)
