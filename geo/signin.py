"""The sign-in cookie and the client address, without Streamlit (the pages and the server route share them).

A built-in sign-in survives a reload through a cookie that the server route ``/auth/session`` sets: its
value is a random token (the store keeps only its hash) with an HMAC, so a forged or altered cookie is
refused before any database read. The client address is the connection's peer unless the peer is a
trusted proxy, then the proxy's ``X-Forwarded-For`` (the nearest address it did not add itself) or
``X-Real-IP``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
from collections.abc import Mapping

from itsdangerous import BadSignature, URLSafeTimedSerializer

from .access import AccessSettings, Network

COOKIE = "kalbar_session"
SESSION_PATH = "/auth/session"  # ?token=<one-time>&next=<path>: sets the cookie, then goes to next
SIGNOUT_PATH = "/auth/signout"  # POST (CSRF-checked): ends the cookie's session and clears it
OIDC_COOKIE = "_streamlit_user"  # Streamlit's signed identity cookie after st.login
OIDC_COOKIE_MAX_AGE_S = 31 * 24 * 3600  # Streamlit's 30 days and its day of grace
SECRET_NAME = "session_cookie"  # the store's generated key, when none is configured
_NEXT_OK = re.compile(r"^/(?![/\\])[A-Za-z0-9/_\-.~%?=&+,;:@]*$")


def _mac(secret: str, token: str) -> str:
    digest = hmac.new(secret.encode(), b"kalbar-session:" + token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(secret: str, token: str) -> str:
    return f"{token}.{_mac(secret, token)}"


def unsign(secret: str, value: str | None) -> str | None:
    """The token of a cookie value whose signature holds, else None."""
    token, dot, mac = str(value or "").rpartition(".")
    if not dot or not token or len(value or "") > 200:
        return None
    return token if hmac.compare_digest(mac, _mac(secret, token)) else None


def form_token(secret: str, cookie_value: str) -> str:
    """The sign-out form's CSRF token: bound to this browser's sign-in cookie (another site can read neither)."""
    digest = hmac.new(secret.encode(), b"kalbar-signout:" + cookie_value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def oidc_claims(cookies: Mapping[str, str], auth_secret: str | None) -> dict | None:
    """The claims of Streamlit's organisation sign-in cookie when its signature (``[auth] cookie_secret``,
    as st.login signed it) holds and it says signed in; None otherwise (also for a split cookie)."""
    raw = cookies.get(OIDC_COOKIE)
    if not auth_secret or not raw or len(raw) > 4000:
        return None
    try:
        decoded = URLSafeTimedSerializer(auth_secret, salt=OIDC_COOKIE).loads(raw, max_age=OIDC_COOKIE_MAX_AGE_S)
        payload = json.loads(decoded)
    except (BadSignature, ValueError, TypeError):
        return None
    return payload if isinstance(payload, dict) and payload.get("is_logged_in") is True else None


def cookie_secret(settings: AccessSettings, store) -> str:  # noqa: ANN001
    """The configured key, else the one the store generated (the same for every process on the database)."""
    return settings.session_secret or store.secret(SECRET_NAME)


def safe_next(value: str | None, default: str = "/") -> str:
    """A path on this site to go to after the route (never another host: no scheme, no ``//``, no backslash)."""
    value = str(value or "")
    return value if len(value) <= 500 and _NEXT_OK.match(value) else default


def _ip(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(str(value or "").strip().strip("[]"))
    except ValueError:
        return None


def _trusted(addr: str | None, proxies: tuple[Network, ...]) -> bool:
    ip = _ip(addr)
    return ip is not None and any(ip in net for net in proxies)


def client_address(peer: str | None, headers: Mapping[str, str], proxies: tuple[Network, ...]) -> str:
    """The address failures are counted under. ``peer`` is the connection's (None: loopback, as Streamlit
    reports it); a proxy's headers count only when the peer is one of ``proxies``."""
    peer = peer or "127.0.0.1"
    if not _trusted(peer, proxies):
        return peer
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    hops = [h.strip() for h in lower.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):  # the right-most address that is not a proxy of ours is the client
        if not _trusted(hop, proxies):
            return str(_ip(hop) or hop)[:64]
    real = _ip(lower.get("x-real-ip"))
    return str(real) if real is not None else (str(_ip(hops[0])) if hops and _ip(hops[0]) else peer)
