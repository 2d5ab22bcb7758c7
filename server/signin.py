"""The sign-in cookie's two routes on Streamlit's own server (a script run cannot set an HttpOnly cookie).

``GET /auth/session?token=<one-time>&next=<path>``: the sign-in page, after a right password, asks the
store for a one-time hand-off token (valid a minute) and sends the browser here; the token is swapped,
once, for the session's cookie token, set as a signed, HttpOnly, SameSite=Lax cookie (Secure when the
request came over HTTPS, directly or through the proxy's ``X-Forwarded-Proto``), then the browser goes
on to ``next`` (a path on this site only). A new Streamlit session (a reload) reads the cookie from
``st.context.cookies`` and checks it against the store (ui/auth.py).

``GET /auth/signout?next=<path>``: clears the cookie (the page has already ended the session in the store).
"""

from __future__ import annotations

import os

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from geo.access import SECRETS_SECTION, AccessSettings, file_secrets
from geo.signin import COOKIE, cookie_secret, safe_next, sign
from geo.store import StoreError
from geo.view import connection

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # the token must not linger anywhere


def _go(request: Request) -> RedirectResponse:
    return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303, headers=NO_STORE)


def _swap(token: str) -> str | None:
    """The signed cookie value for a hand-off token, or None (unknown, used, lapsed, or no store)."""
    s = connection.store_or_none()
    if s is None:
        return None
    try:
        cookie = s.redeem_handoff(token)
        if cookie is None:
            return None
        return sign(cookie_secret(AccessSettings.read(os.environ, file_secrets(SECRETS_SECTION)), s), cookie)
    except StoreError:
        return None


async def session_endpoint(request: Request) -> Response:
    value = await run_in_threadpool(_swap, request.query_params.get("token", ""))
    response = _go(request)
    if value is not None:
        response.set_cookie(
            COOKIE, value, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
        )
    return response


async def signout_endpoint(request: Request) -> Response:
    response = _go(request)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response
