"""A built-in sign-in in a real browser against `streamlit run app.py`: it survives a reload (the signed
HttpOnly cookie that /auth/session sets, server/sessioncookie.py), and ends with a sign-out or an account change.

The route itself is asked over plain HTTP too: its cookie's attributes (Secure when the proxy says HTTPS),
the one-time hand-off, and a ``next`` that may only be a path on this site.
"""

from __future__ import annotations

import http.client

import pytest

from geo.store import open_store
from geo.text import t
from tests.support.browser import idle, require_chromium, sign_in
from tests.support.server import Server

pytestmark = pytest.mark.browser

PASSWORD = "kata-sandi-editor-uji-7"
SIGNED_IN = t("auth.signed_in", "id", role=t("auth.role.editor", "id"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("signin_browser")
    url = f"sqlite:///{(tmp / 'peta.sqlite').as_posix()}"
    store = open_store(url)
    store.add_user("editor1", "editor", password=PASSWORD, by="test")
    env = {"KALBAR_DATABASE_URL": url, "KALBAR_REQUIRE_SIGN_IN": "", "KALBAR_EDITOR_EMAILS": ""}
    with Server("signin", env=env) as srv:
        srv.store = store
        yield srv
    store.dispose()


def signed_in(page) -> bool:  # noqa: ANN001
    """Whether the account page shows a signed-in person (after the run has finished)."""
    page.get_by_role("heading", name=t("auth.title", "id")).first.wait_for(timeout=60_000)
    idle(page)
    return page.get_by_text(SIGNED_IN).count() > 0


def test_a_reload_keeps_the_sign_in_until_sign_out(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        sign_in(page, server.url, "editor1", PASSWORD)
        cookie = next(c for c in context.cookies() if c["name"] == "kalbar_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
        assert not cookie["secure"]  # plain http://127.0.0.1: no Secure flag (see the route test for HTTPS)
        page.reload()
        assert signed_in(page)
        page.goto(server.url + "/terbitkan")  # a typed address (a new session) opens the publish page itself
        page.get_by_text(t("editor.title", "id")).first.wait_for(timeout=60_000)
        page.goto(server.url + "/masuk")
        assert signed_in(page)
        with page.expect_response(lambda r: "/auth/signout" in r.url, timeout=60_000):
            page.get_by_role("button", name=t("auth.sign_out", "id")).click()
        page.wait_for_url(server.url + "/masuk**", timeout=60_000)
        page.get_by_label(t("auth.name", "id")).wait_for(timeout=60_000)
        assert not any(c["name"] == "kalbar_session" for c in context.cookies())  # cleared by /auth/signout
        page.reload()
        assert not signed_in(page)
    finally:
        context.close()


def test_an_account_change_revokes_the_cookie(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        sign_in(page, server.url, "editor1", PASSWORD)
        server.store.set_role("editor1", "editor", by="admin1")  # any change by an admin ends the sessions
        page.reload()  # the cookie is still there, its session is not
        assert not signed_in(page)
        assert any(c["name"] == "kalbar_session" for c in context.cookies())
    finally:
        context.close()


def _get(server, path: str, headers: dict | None = None) -> http.client.HTTPResponse:  # noqa: ANN001
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    return conn.getresponse()


def test_the_session_route(server):
    _, handoff = server.store.start_session("editor1", client="test")
    # through the proxy over HTTPS (uvicorn believes X-Forwarded-Proto from loopback, as from deploy/'s nginx)
    r = _get(server, f"/auth/session?token={handoff}&next=//evil.example/x", {"X-Forwarded-Proto": "https"})
    assert r.status == 303 and r.getheader("Location") == "/"  # never another site
    assert r.getheader("Cache-Control") == "no-store" and r.getheader("Referrer-Policy") == "no-referrer"
    cookie = r.getheader("Set-Cookie")
    assert cookie.startswith("kalbar_session=")
    attrs = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= attrs and not any(a.startswith("max-age") for a in attrs)
    # the hand-off works once only
    again = _get(server, f"/auth/session?token={handoff}&next=/terbitkan")
    assert again.status == 303 and again.getheader("Location") == "/terbitkan" and again.getheader("Set-Cookie") is None
    assert _get(server, "/auth/session?token=made-up").getheader("Set-Cookie") is None
    out = _get(server, "/auth/signout?next=/masuk")
    assert out.status == 303 and out.getheader("Location") == "/masuk"
    assert 'kalbar_session=""' in out.getheader("Set-Cookie") and "max-age=0" in out.getheader("Set-Cookie").lower()


def test_signing_in_for_the_publish_page_returns_to_it(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(server.url + "/terbitkan")
        page.get_by_text(t("auth.sign_in_for", "id", page=t("auth.nav.publish", "id"))).wait_for(timeout=60_000)
        page.get_by_label(t("auth.name", "id")).fill("editor1")
        page.get_by_label(t("auth.password", "id")).fill(PASSWORD)
        with page.expect_response(lambda r: "/auth/session" in r.url, timeout=90_000):
            page.get_by_role("button", name=t("auth.submit", "id"), exact=True).click()
        page.wait_for_url(server.url + "/terbitkan", timeout=60_000)
        page.get_by_text(t("editor.title", "id")).first.wait_for(timeout=60_000)
        page.reload()
        page.get_by_text(t("editor.title", "id")).first.wait_for(timeout=60_000)
    finally:
        context.close()


def test_failures_are_counted_under_the_address_the_proxy_names(server, browser):
    """Behind the local proxy (a loopback peer) the client address is the one X-Forwarded-For names, as
    deploy/'s nginx sends it; that address's failures are counted, not the proxy's."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, extra_http_headers={"X-Forwarded-For": "203.0.113.77"}
    )
    try:
        page = context.new_page()
        page.goto(server.url + "/masuk")
        page.get_by_label(t("auth.name", "id")).fill("editor1")
        page.get_by_label(t("auth.password", "id")).fill("salah-sekali")
        page.get_by_role("button", name=t("auth.submit", "id"), exact=True).click()
        page.get_by_text(t("auth.failed", "id")).wait_for(timeout=60_000)
        failed = next(e for e in server.store.audit() if e.action == "login_failed")
        assert failed.detail["client"] == "203.0.113.77"
        assert server.store.failures("client", "203.0.113.77") == 1
        assert server.store.failures("client", "127.0.0.1") == 0
        server.store.lift_block("account", "editor1", by="test")
    finally:
        context.close()
