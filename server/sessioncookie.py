"""The sign-in cookie's two routes on Streamlit's own server (a script run cannot set an HttpOnly cookie).

``GET /auth/session?token=<one-time>&next=<path>``: the sign-in page, after a right password, asks the
store for a one-time hand-off token (valid a minute) and sends the browser here; the token is swapped,
once, for the session's cookie token, set as a signed, HttpOnly, SameSite=Lax cookie (Secure when the
request came over HTTPS, directly or through the proxy's ``X-Forwarded-Proto``), then the browser goes
on to ``next`` (a path on this site only). A new Streamlit session (a reload) reads the cookie from
``st.context.cookies`` and checks it against the store (ui/auth.py).

``POST /auth/signout`` (form field ``token``, ``next`` in the query): signs out. A cross-site request is
refused (403): the ``Origin`` (else ``Referer``) must be this host, and ``token`` must be the cookie's own
form token (geo.signin.form_token), which only a page of this site can show. The cookie's session ends in the
store (so the same cookie value never signs in again) and the cookie is cleared.
``GET /auth/signout?next=<path>`` never ends a live session (a link or image on another site could call it):
with a live session it shows a small page with the sign-out button (a POST form); with a cookie whose session
has already ended (the app's sign-out button ends it first, then sends the browser here) it clears the cookie.

:func:`refusal` is the sign-in rule for files of the map (server/mapfiles): 401 while viewing needs an account
and the request carries no valid sign-in (a built-in session's cookie or st.login's identity cookie).
"""

from __future__ import annotations

import hmac
import html
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from geo import settings
from geo.access import SECRETS_SECTION, AccessSettings, file_secrets
from geo.signin import COOKIE, SIGNOUT_PATH, cookie_secret, form_token, oidc_claims, safe_next, sign, unsign
from geo.store import StoreError
from geo.text import t
from geo.view import connection

from .httpapi import sign_in_required

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # the token must not linger anywhere


def _settings() -> AccessSettings:
    return AccessSettings.read(settings.environ(), file_secrets(SECRETS_SECTION))


def _live_session(raw: str | None) -> tuple[int, str] | None:
    """(session id, user name) of a sign-in cookie value whose session still holds, else None."""
    s = connection.store_or_none()
    if s is None or not raw:
        return None
    try:
        settings = _settings()
        token = unsign(cookie_secret(settings, s), raw)
        session_id = s.session_by_cookie(token) if token else None
        if session_id is None:
            return None
        check = s.check_session(session_id, settings.idle_timeout)
    except StoreError:
        return None
    return (session_id, check.user.name) if check.user is not None else None


def signed_in(cookies: dict[str, str]) -> bool:
    """A built-in session's cookie that still holds, or st.login's signed identity cookie for an e-mail
    the access settings accept."""
    if _live_session(cookies.get(COOKIE)) is not None:
        return True
    claims = oidc_claims(cookies, str(file_secrets("auth").get("cookie_secret") or "") or None)
    return claims is not None and _settings().oidc_refusal(claims) is None


async def refusal(request: Request) -> Response | None:
    """401 (no-store) while viewing needs an account and the request has no valid sign-in, else None."""
    if not sign_in_required() or await run_in_threadpool(signed_in, dict(request.cookies)):
        return None
    return Response("sign in required", status_code=401, media_type="text/plain", headers=NO_STORE)


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
        return sign(cookie_secret(AccessSettings.read(settings.environ(), file_secrets(SECRETS_SECTION)), s), cookie)
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


def _clear(response: Response, request: Request) -> Response:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


def _lang(request: Request) -> str:
    nxt = request.query_params.get("next", "")
    return "en" if request.query_params.get("lang") == "en" or "lang=en" in nxt else "id"


def _same_origin(request: Request) -> bool:
    """The form was sent by a page of this host (browsers send Origin on a POST; Referer as the fallback)."""
    host = request.headers.get("host", "")
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    return bool(host) and source != "null" and urlsplit(source).netloc == host


def _form_page(request: Request, raw: str) -> Response:
    """The sign-out button as a POST form (no script): what a GET with a live session gets."""
    lg = _lang(request)
    secret = cookie_secret(_settings(), connection.store_or_none())
    action = SIGNOUT_PATH + "?" + urlencode({"next": safe_next(request.query_params.get("next"))})
    body = (
        f'<!doctype html><html lang="{lg}"><head><meta charset="utf-8"><title>{html.escape(t("auth.sign_out", lg))}'
        '</title><meta name="viewport" content="width=device-width"></head>'
        '<body style="font-family:sans-serif;margin:3rem auto;max-width:32rem">'
        f"<p>{html.escape(t('auth.signout_confirm', lg))}</p>"
        f'<form method="post" action="{html.escape(action)}">'
        f'<input type="hidden" name="token" value="{html.escape(form_token(secret, raw))}">'
        f'<button type="submit">{html.escape(t("auth.sign_out", lg))}</button></form></body></html>'
    )
    return HTMLResponse(body, headers=NO_STORE)


def _signout_get(request: Request) -> Response:
    raw = request.cookies.get(COOKIE)
    if raw and _live_session(raw) is not None:
        return _form_page(request, raw)
    return _clear(_go(request), request)  # no cookie, or its session has ended already: only tidy up


def _signout_post(request: Request, form: dict[str, list[str]]) -> Response:
    raw = request.cookies.get(COOKIE) or ""
    s = connection.store_or_none()
    token = (form.get("token") or [""])[0]
    if not _same_origin(request) or not raw or s is None:
        return Response("forbidden", status_code=403, media_type="text/plain", headers=NO_STORE)
    try:
        expected = form_token(cookie_secret(_settings(), s), raw)
    except StoreError:
        return Response("store unavailable", status_code=503, media_type="text/plain", headers=NO_STORE)
    if not hmac.compare_digest(token, expected):
        return Response("forbidden", status_code=403, media_type="text/plain", headers=NO_STORE)
    live = _live_session(raw)
    if live is not None:
        try:
            s.end_session(live[0], "logout", by=live[1])
        except StoreError:
            return Response("store unavailable", status_code=503, media_type="text/plain", headers=NO_STORE)
    return _clear(_go(request), request)


async def signout_endpoint(request: Request) -> Response:
    if request.method == "POST":
        raw = await request.body()
        form = parse_qs(raw[:4096].decode("latin-1")) if len(raw) <= 4096 else {}
        return await run_in_threadpool(_signout_post, request, form)
    return await run_in_threadpool(_signout_get, request)
