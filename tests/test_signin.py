"""server/sessioncookie.py and geo/signin.py against a real `streamlit run app.py` whose viewing needs an account:
sign-out is a CSRF-checked POST that ends the session in the store (the old cookie never signs in again),
a GET never signs out, and the map's files (/mapgeo, /mapfeat) follow the sign-in rule."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
from urllib.parse import urlencode

import pytest

from geo import mapgeo
from geo.signin import COOKIE, OIDC_COOKIE, oidc_claims
from geo.store import open_store
from geo.text import t
from tests.support.server import Server

PASSWORD = "kata-sandi-editor-uji-9"
HOURS = dt.timedelta(hours=8)


@pytest.fixture(scope="module")
def private(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("signin_private")
    url = f"sqlite:///{(tmp / 'peta.sqlite').as_posix()}"
    store = open_store(url)
    store.add_user("editor1", "editor", password=PASSWORD, by="test")
    env = {"KALBAR_DATABASE_URL": url, "KALBAR_REQUIRE_SIGN_IN": "1", "KALBAR_EDITOR_EMAILS": ""}
    with Server("signin_private", env=env) as srv:
        srv.store = store
        yield srv
    store.dispose()


def _ask(server, method: str, path: str, headers: dict | None = None, body: str | None = None):  # noqa: ANN001
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    r.text = r.read().decode("utf-8", "replace")
    return r


def _signed_in(server) -> tuple[int, str]:  # noqa: ANN001
    """A built-in sign-in as the page makes it: a session, its one-time hand-off, the route's cookie value."""
    sid, handoff = server.store.start_session("editor1", client="test")
    r = _ask(server, "GET", f"/auth/session?token={handoff}&next=/masuk")
    value = re.match(rf"{COOKIE}=([^;]+);", r.getheader("Set-Cookie")).group(1)
    return sid, value


def _post_signout(server, cookie: str, token: str, origin: str | None) -> http.client.HTTPResponse:  # noqa: ANN001
    headers = {"Cookie": f"{COOKIE}={cookie}", "Content-Type": "application/x-www-form-urlencoded"}
    if origin is not None:
        headers["Origin"] = origin
    return _ask(server, "POST", "/auth/signout?next=/masuk", headers, urlencode({"token": token}))


def test_sign_out_is_a_checked_post_that_ends_the_session(private):
    sid, cookie = _signed_in(private)
    me = {"Cookie": f"{COOKIE}={cookie}"}
    geometry = mapgeo.url("kabupaten")
    assert _ask(private, "GET", geometry, me).status == 200  # the cookie signs in
    # a GET (a link or an image on another site) never signs out: it shows the button, a POST form
    page = _ask(private, "GET", "/auth/signout?next=/masuk", me)
    assert page.status == 200 and page.getheader("Cache-Control") == "no-store"
    assert 'method="post"' in page.text and t("auth.sign_out", "id") in page.text
    assert private.store.check_session(sid, HOURS).user is not None
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    # refused: another site's page (its Origin), no Origin nor Referer, a wrong token
    origin = f"http://127.0.0.1:{private.port}"
    assert _post_signout(private, cookie, token, "https://evil.example").status == 403
    assert _post_signout(private, cookie, token, None).status == 403
    assert _post_signout(private, cookie, token[:-2] + "xx", origin).status == 403
    assert _ask(private, "GET", "/auth/signout", me, None).status == 200  # still signed in after all that
    assert private.store.check_session(sid, HOURS).user is not None
    # the page's own form: the session ends in the store and the cookie is cleared
    out = _post_signout(private, cookie, token, origin)
    assert out.status == 303 and out.getheader("Location") == "/masuk"
    assert f'{COOKIE}=""' in out.getheader("Set-Cookie") and "max-age=0" in out.getheader("Set-Cookie").lower()
    check = private.store.check_session(sid, HOURS)
    assert check.user is None and check.reason == "logout"
    assert [e.action for e in private.store.audit() if e.who == "editor1"][0] == "logout"
    # the same cookie value, sent again, no longer signs in
    assert _ask(private, "GET", geometry, me).status == 401
    assert _ask(private, "GET", "/auth/signout?next=/masuk", me).status == 303  # only tidies the dead cookie


@pytest.mark.parametrize("kind", ["mapgeo", "mapfeat"])
def test_the_maps_files_need_a_sign_in_on_a_private_site(private, kind):
    path = mapgeo.url("desa-61.04") if kind == "mapgeo" else "/mapfeat/" + "0" * 24 + ".json"
    for headers in ({}, {"Cookie": f"{COOKIE}=forged.value"}, {"Cookie": f"{OIDC_COOKIE}=forged"}):
        r = _ask(private, "GET", path, headers)
        assert (r.status, r.getheader("Cache-Control"), r.text) == (401, "no-store", "sign in required"), headers
    _sid, cookie = _signed_in(private)
    r = _ask(private, "GET", path, {"Cookie": f"{COOKIE}={cookie}"})
    assert r.status == (200 if kind == "mapgeo" else 404)  # signed in: the file (a made-up features name: 404)


def test_an_organisation_cookie_counts_only_when_streamlit_signed_it():
    """st.login's identity cookie, signed as Streamlit signs it (its own function), is read; a cookie signed
    with another key, or saying signed out, is not."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    claims = {"origin": "https://peta.example", "is_logged_in": True, "email": "a@kalbar.go.id"}
    good = create_signed_value("rahasia", OIDC_COOKIE, json.dumps(claims)).decode()
    assert oidc_claims({OIDC_COOKIE: good}, "rahasia")["email"] == "a@kalbar.go.id"
    assert oidc_claims({OIDC_COOKIE: good}, "kunci-lain") is None
    assert oidc_claims({OIDC_COOKIE: good}, None) is None
    out = create_signed_value("rahasia", OIDC_COOKIE, json.dumps({**claims, "is_logged_in": False})).decode()
    assert oidc_claims({OIDC_COOKIE: out}, "rahasia") is None
    assert oidc_claims({}, "rahasia") is None
