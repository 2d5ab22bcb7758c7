"""Organisation sign-in (st.login, OpenID Connect) in a real browser, against a provider started on localhost.

The app server reads an ``[auth]`` section pointing at tests/oidc_provider.py (discovery, authorize,
token with PKCE, JWKS; RS256 ID tokens). An allow-listed e-mail ends up as an editor with the
publish page; an e-mail not on the list is signed in as a viewer without it; a token whose
``email_verified`` is absent, false or the string "false" is refused, even for an allow-listed address.
"""

from __future__ import annotations

import secrets

import pytest
from oidc_provider import Provider

from geo.paths import ROOT
from geo.text import t
from tests.support.browser import require_chromium
from tests.support.server import Server

pytestmark = pytest.mark.browser

EDITOR_EMAIL = "data@disnaker.example"


@pytest.fixture(scope="module")
def provider():
    with Provider(client_id="peta-kalbar") as idp:
        yield idp


@pytest.fixture(scope="module")
def server(provider, tmp_path_factory):
    require_chromium()
    home = tmp_path_factory.mktemp("oidc_home")
    env = {
        "HOME": str(home),  # Streamlit reads ~/.streamlit/secrets.toml: the test's [auth] without touching the repo
        "KALBAR_DATABASE_URL": f"sqlite:///{(home / 'peta.sqlite').as_posix()}",
        "KALBAR_EDITOR_EMAILS": EDITOR_EMAIL,
        "KALBAR_ADMIN_EMAILS": "",
        "KALBAR_REQUIRE_SIGN_IN": "",
    }
    srv = Server("oidc", ROOT / "app.py", env=env)
    (home / ".streamlit").mkdir()
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{srv.port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f'client_id = "{provider.client_id}"\n'
        f'client_secret = "{provider.client_secret}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n',
        encoding="utf-8",
    )
    with srv:
        yield srv


def organisation_sign_in(browser, server, email: str, verified: str = "true", accepted: bool = True):
    """A new browser context that signs in through the provider's page with ``email`` (its token saying
    ``verified`` of it, see tests/oidc_provider.VERIFIED); returns (context, page)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server.url + "/masuk")
    page.get_by_role("button", name=t("auth.oidc_button", "id")).click()
    page.locator("#login_email").wait_for(timeout=60_000)  # the provider's own page
    page.locator("#login_email").fill(email)
    page.locator("#login_email_verified").select_option(verified)
    page.locator("#login_submit").click()
    page.wait_for_url(server.url + "/**", timeout=60_000)  # back in the app, with Streamlit's identity cookie
    if accepted:
        page.get_by_role("link", name=t("auth.nav.account", "id")).wait_for(timeout=60_000)
    return context, page


def test_allow_listed_email_signs_in_as_editor(server, browser, provider):
    context, page = organisation_sign_in(browser, server, EDITOR_EMAIL)
    try:
        assert provider.tokens_issued[-1]["email"] == EDITOR_EMAIL  # a real token exchange happened
        page.get_by_role("link", name=t("auth.nav.publish", "id")).click()
        page.get_by_text(t("editor.title", "id")).first.wait_for(timeout=60_000)
        page.locator('[data-testid="stFileUploader"]').first.wait_for(timeout=60_000)
        assert page.get_by_text(EDITOR_EMAIL, exact=True).first.is_visible()
        assert page.get_by_role("link", name=t("auth.nav.admin", "id")).count() == 0
    finally:
        context.close()


def test_email_not_on_the_list_is_a_viewer(server, browser, provider):
    context, page = organisation_sign_in(browser, server, "tamu@elsewhere.example")
    try:
        assert provider.tokens_issued[-1]["email"] == "tamu@elsewhere.example"
        assert page.get_by_role("link", name=t("auth.nav.publish", "id")).count() == 0
        page.get_by_role("link", name=t("auth.nav.account", "id")).click()
        page.get_by_text(t("auth.viewer_note", "id")).wait_for(timeout=60_000)
        page.goto(server.url + "/terbitkan")  # typed by hand: the path is known (never "Page not found"), refused
        page.get_by_role("link", name=t("auth.nav.account", "id")).wait_for(timeout=60_000)
        refused = t("auth.refused_role", "id", role=t("auth.role.editor", "id"))
        page.get_by_text(refused).first.wait_for(timeout=60_000)
        assert page.get_by_text(t("editor.title", "id")).count() == 0
        assert page.get_by_role("link", name=t("auth.nav.publish", "id")).count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("verified", ["absent", "false", "string-false"])
def test_unverified_email_is_refused(server, browser, provider, verified):
    context, page = organisation_sign_in(browser, server, EDITOR_EMAIL, verified, accepted=False)
    try:
        claims = provider.tokens_issued[-1]
        assert claims["email"] == EDITOR_EMAIL  # a real token exchange happened, saying what was asked
        assert (
            claims.get("email_verified", "absent")
            == {"absent": "absent", "false": False, "string-false": "false"}[verified]
        )
        page.goto(server.url + "/masuk")
        refused = page.get_by_test_id("stAlertContentError").get_by_text(t("auth.oidc.unverified", "id"))
        refused.wait_for(timeout=60_000)  # said on the page (and in a toast once per session)
        assert page.get_by_role("link", name=t("auth.nav.signin", "id")).count() == 1  # not signed in
        assert page.get_by_role("link", name=t("auth.nav.publish", "id")).count() == 0
        page.goto(server.url + "/terbitkan")  # the allow-listed address still gets no publish page
        page.get_by_text(t("auth.sign_in_for", "id", page=t("auth.nav.publish", "id"))).wait_for(timeout=60_000)
        assert page.get_by_text(t("editor.title", "id")).count() == 0
    finally:
        context.close()
