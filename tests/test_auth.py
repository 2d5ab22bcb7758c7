"""Sign-in and role-based navigation (ui/auth.py, shell.py), as AppTest runs against a real SQLite store.

Every role: anonymous (no publish/admin pages; the publish page refuses when opened directly),
editor (publish page, no admin page), admin (both), an organisation (OIDC) user on or off the
allow-list, and the setting that makes sign-in required for viewing.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.text import t
from tests.support.apptest import indonesian_patterns, new_app, open_app, open_page, sign_in, texts
from tests.support.server import free_port

PUBLISH, ADMIN, SIGNIN = "screens/publish.py", "screens/admin.py", "screens/masuk.py"
EDITOR_PW, ADMIN_PW = "kata-sandi-editor-1", "kata-sandi-admin-1"
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "c" * 32,
    "client_id": "peta",
    "client_secret": "rahasia",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def app_store(empty_app_store):
    """A fresh SQLite store for this test, which the app opens through KALBAR_DATABASE_URL."""
    s = empty_app_store
    s.add_user("editor1", "editor", password=EDITOR_PW, email="editor1@disnaker.example", by="test")
    s.add_user("admin1", "admin", password=ADMIN_PW, by="test")
    return s


def has_page(at: AppTest, page: str) -> bool:
    """Whether this session can use ``page``: it opens with its own title. The publish and admin paths are always
    known to the navigation (a reload must not be "Page not found"); a signed-out person asking for one lands on
    the sign-in page, a signed-in person without the role is refused."""
    if page not in (PUBLISH, ADMIN):
        try:
            at.switch_page(page)
        except ValueError as exc:
            assert "Could not find a navigation page" in str(exc)
            return False
        return True
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    title = {PUBLISH: t("editor.title", "id"), ADMIN: t("admin.title", "id"), SIGNIN: t("auth.title", "id")}[page]
    return bool(at.title) and at.title[0].value == title


def test_anonymous_sees_the_maps_and_a_sign_in_entry_only(app_store):
    at = open_app()
    assert at.metric, "the summary page shows figures without an account"
    assert not has_page(at, PUBLISH) and not has_page(at, ADMIN)
    assert has_page(at, SIGNIN)
    open_page(at, SIGNIN)
    assert [x.label for x in at.text_input] == [t("auth.name", "id"), t("auth.password", "id")]


def test_publish_and_admin_pages_refuse_when_opened_directly():
    for page in (PUBLISH, ADMIN):
        at = new_app(page)
        at.run()
        assert not at.exception
        assert any(
            t("auth.refused_signin", "id", role=t("auth.role.editor" if page == PUBLISH else "auth.role.admin", "id"))
            == e.value
            for e in at.error
        )
        assert not at.get("file_uploader") and not at.dataframe


def test_wrong_password_is_refused_and_logged(app_store):
    at = sign_in(open_app(), "editor1", "salah")
    assert any(e.value == t("auth.failed", "id") for e in at.error)
    assert not has_page(at, PUBLISH)
    sign_in(at, "nobody", "whatever")
    assert not has_page(at, PUBLISH)
    entries = app_store.audit()
    assert [e.who for e in entries if e.action == "login_failed"] == ["editor1"], entries
    # an unknown (attacker-chosen) name gets no audit row of its own: one row per address, counted
    unknown = [e for e in entries if e.action == "login_failed_unknown"]
    assert len(unknown) == 1 and unknown[0].who == "?" and unknown[0].detail["attempts"] == 1
    assert not any(e.who == "nobody" for e in entries)


def test_editor_signs_in_and_gets_the_publish_page_but_no_admin_page(app_store):
    at = sign_in(open_app(), "editor1", EDITOR_PW)
    assert any(t("auth.signed_in", "id", role=t("auth.role.editor", "id")) == s.value for s in at.success)
    assert "editor1" in [x.value for x in at.text]
    assert has_page(at, PUBLISH) and not has_page(at, ADMIN)
    open_page(at, PUBLISH)
    assert at.title[0].value == t("editor.title", "id")
    assert at.get("file_uploader"), "the upload control is there"
    assert not at.error


def test_admin_sees_the_audit_log_and_the_users(app_store):
    at = sign_in(open_app(), "admin1", ADMIN_PW)
    assert has_page(at, PUBLISH) and has_page(at, ADMIN)
    open_page(at, ADMIN)
    assert at.title[0].value == t("admin.title", "id")
    frames = [d.value for d in at.dataframe]
    audit = next(f for f in frames if t("admin.col.action", "id") in f.columns)
    assert len(audit) == len(app_store.audit(limit=2000)) and len(audit) >= 1
    users = next(f for f in frames if t("admin.col.name", "id") in f.columns)
    assert set(users[t("admin.col.name", "id")]) == {"editor1", "admin1"}


def test_sign_out(app_store):
    at = sign_in(open_app(), "editor1", EDITOR_PW)
    next(b for b in at.button if b.label == t("auth.sign_out", "id")).click()
    at.run()
    assert not at.exception
    assert not has_page(at, PUBLISH)


def test_deactivated_editor_loses_the_publish_page_at_the_next_run(app_store):
    at = sign_in(open_app(), "editor1", EDITOR_PW)
    assert has_page(at, PUBLISH)
    app_store.set_active("editor1", False, by="admin1")
    at.run()
    assert not has_page(at, PUBLISH)
    sign_in(at, "editor1", EDITOR_PW)  # and cannot sign in again
    assert any(e.value == t("auth.failed", "id") for e in at.error)
    assert not has_page(at, PUBLISH)


@pytest.mark.parametrize("change", ["password", "deactivate", "role"])
def test_an_account_change_ends_an_open_session(app_store, change):
    """A password reset, a deactivation or a role change (even a promotion) by an admin ends the account's
    open session at its next interaction: the page asks to sign in again and says why."""
    at = sign_in(open_app(), "editor1", EDITOR_PW)
    open_page(at, PUBLISH)
    assert at.title[0].value == t("editor.title", "id")
    {
        "password": lambda: app_store.set_password("editor1", "kata-sandi-baru-9", by="admin1"),
        "deactivate": lambda: app_store.set_active("editor1", False, by="admin1"),
        "role": lambda: app_store.set_role("editor1", "admin", by="admin1"),
    }[change]()
    at.run()  # the next click
    assert not at.exception
    assert at.title[0].value == t("auth.title", "id")  # the publish page sent the signed-out person to sign in
    assert any(w.value == t("auth.ended.changed", "id") for w in at.warning)
    assert not has_page(at, PUBLISH) and not has_page(at, ADMIN)
    if change == "role":  # signing in again gives the new role
        sign_in(at, "editor1", EDITOR_PW)
        assert has_page(at, ADMIN)


def test_idle_session_ends(app_store, monkeypatch):
    import time

    monkeypatch.setenv("KALBAR_IDLE_TIMEOUT", "2s")
    at = sign_in(open_app(), "editor1", EDITOR_PW)
    assert has_page(at, PUBLISH)
    at.run()
    assert has_page(at, PUBLISH)  # active: still signed in
    time.sleep(3)  # longer than the idle timeout without a click
    open_page(at, SIGNIN)
    assert any(w.value == t("auth.ended.idle", "id") for w in at.warning)
    assert not has_page(at, PUBLISH)
    ended = [e for e in app_store.audit() if e.action == "login" and e.who == "editor1"]
    assert len(ended) == 1


def test_own_password_change(app_store):
    at = sign_in(open_app(), "editor1", EDITOR_PW)
    other = sign_in(open_app(), "editor1", EDITOR_PW)  # the same account in another browser

    def change(old: str, new: str, again: str) -> None:
        at.text_input(key="pw_old").input(old)
        at.text_input(key="pw_new").input(new)
        at.text_input(key="pw_again").input(again)
        next(b for b in at.button if b.label == t("auth.pw.submit", "id")).click()
        at.run()
        assert not at.exception

    change("salah", "kata-sandi-baru-1", "kata-sandi-baru-1")
    assert any(e.value == t("auth.failed", "id") for e in at.error)
    change(EDITOR_PW, "kata-sandi-baru-1", "lain-lagi-12345")
    assert any(e.value == t("admin.password_short", "id") or e.value == t("auth.pw.mismatch", "id") for e in at.error)
    change(EDITOR_PW, "kata-sandi-baru-1", "kata-sandi-baru-1")
    assert any(s.value == t("auth.pw.changed", "id") for s in at.success)
    assert app_store.verify_password("editor1", "kata-sandi-baru-1") is not None
    assert has_page(at, PUBLISH)  # this tab goes on
    other.run()
    assert not has_page(other, PUBLISH)  # the other session ended
    assert "user_password_self" in [e.action for e in app_store.audit() if e.who == "editor1"]


def test_admin_lifts_a_lock(app_store):
    """Failures from one address lock that (name, address) pair, never the account everywhere; an admin is
    told about the account and lifts the pair's lock."""
    from geo.store.store import PAIR_LOCK_AFTER, pair_subject

    address = "127.0.0.1"  # the address the app test's sessions come from
    for _ in range(PAIR_LOCK_AFTER):  # the store's waits are served here (about 24 s in all)
        app_store.sign_in("editor1", "salah", client=address)
    at = sign_in(open_app(), "editor1", EDITOR_PW)
    assert any(e.value == t("auth.locked", "id") for e in at.error)
    assert app_store.sign_in("editor1", EDITOR_PW, client="192.0.2.44").outcome == "ok"  # elsewhere: fine
    admin = sign_in(open_app(), "admin1", ADMIN_PW)
    open_page(admin, ADMIN)
    assert any(w.value == t("admin.many_failures", "id", cap="8") for w in admin.warning)
    blocks = next(d.value for d in admin.dataframe if t("admin.col.subject", "id") in d.value.columns)
    assert pair_subject("editor1", address) in list(blocks[t("admin.col.subject", "id")])
    admin.selectbox(key="block_pick").set_value(("pair", pair_subject("editor1", address))).run()
    next(b for b in admin.button if b.key == "block_lift").click()
    admin.run()
    assert not admin.exception
    sign_in(at, "editor1", EDITOR_PW)
    assert has_page(at, PUBLISH)
    assert "signin_unlock" in [e.action for e in app_store.audit() if e.who == "admin1"]


def test_sign_in_required_for_viewing(app_store, monkeypatch):
    monkeypatch.setenv("KALBAR_REQUIRE_SIGN_IN", "1")
    at = open_app()
    assert not at.metric, "no figures before signing in"
    assert at.title[0].value == t("auth.title", "id")
    assert any(i.value == t("auth.required_note", "id") for i in at.info)
    assert not has_page(at, "screens/desa.py") and not has_page(at, "screens/kabupaten.py")
    sign_in(at, "editor1", EDITOR_PW)
    assert has_page(at, "screens/desa.py") and has_page(at, PUBLISH)
    open_page(at, "screens/kabupaten.py")
    assert at.metric


ABSENT = object()


def oidc_app(email: str, verified: object = True, **claims: object) -> AppTest:
    """A run as Streamlit hands it over after st.login: [auth] configured, st.user filled (``verified``
    ABSENT leaves the claim out, as some providers do)."""
    user = {"is_logged_in": True, "email": email, "name": email.split("@")[0], "iss": "https://idp.example"}
    user.update({"sub": email, "iat": 1_700_000_000, **claims})
    if verified is not ABSENT:
        user["email_verified"] = verified
    return open_app(secrets=AUTH_SECRETS, user=user)


def test_oidc_allow_listed_email_is_an_editor(app_store, monkeypatch):
    monkeypatch.setenv("KALBAR_EDITOR_EMAILS", "data@disnaker.example, other@x.example")
    monkeypatch.setenv("KALBAR_ADMIN_EMAILS", "boss@disnaker.example")
    at = oidc_app("Data@Disnaker.example")
    assert has_page(at, PUBLISH) and not has_page(at, ADMIN)
    open_page(at, PUBLISH)
    assert "data@disnaker.example" in [x.value for x in at.text]
    at = oidc_app("boss@disnaker.example")
    assert has_page(at, ADMIN)


def test_oidc_email_not_on_the_list_is_a_viewer(app_store, monkeypatch):
    monkeypatch.setenv("KALBAR_EDITOR_EMAILS", "data@disnaker.example")
    at = oidc_app("stranger@elsewhere.example")
    assert not has_page(at, PUBLISH) and not has_page(at, ADMIN)
    open_page(at, SIGNIN)
    assert any(i.value == t("auth.viewer_note", "id") for i in at.info)
    at = oidc_app("data@disnaker.example", verified=False)  # the provider did not verify the address
    assert not has_page(at, PUBLISH)


@pytest.mark.parametrize("verified", [ABSENT, False, "false", "true", None, 1])
def test_oidc_email_not_verified_is_refused(app_store, monkeypatch, verified):
    """Only the boolean true counts: an absent claim, false, the strings "false"/"true", null or 1 are refused,
    with a message, even for an allow-listed admin address."""
    monkeypatch.setenv("KALBAR_ADMIN_EMAILS", "boss@disnaker.example")
    at = oidc_app("boss@disnaker.example", verified=verified)
    assert not has_page(at, PUBLISH) and not has_page(at, ADMIN)
    open_page(at, SIGNIN)
    assert any(e.value == t("auth.oidc.unverified", "id") for e in at.error)
    assert not any(s.value.startswith(t("auth.signed_in", "id", role="")[:10]) for s in at.success)
    refused = [e for e in app_store.audit() if e.action == "login_refused"]
    assert len(refused) == 1 and refused[0].who == "boss@disnaker.example"
    assert refused[0].detail["reason"] == "unverified"


def test_oidc_provider_marked_as_verifying_email(app_store, monkeypatch):
    monkeypatch.setenv("KALBAR_ADMIN_EMAILS", "boss@disnaker.example")
    monkeypatch.setenv("KALBAR_OIDC_PROVIDER_VERIFIES_EMAIL", "1")
    assert has_page(oidc_app("boss@disnaker.example", verified=ABSENT), ADMIN)  # the claim may be left out
    for said in (False, "false"):  # but an explicit "not verified" is still refused
        assert not has_page(oidc_app("boss@disnaker.example", verified=said), ADMIN)


def test_oidc_tenant_pin(app_store, monkeypatch):
    monkeypatch.setenv("KALBAR_EDITOR_EMAILS", "data@disnaker.example")
    monkeypatch.setenv("KALBAR_OIDC_HD", "disnaker.example")
    assert has_page(oidc_app("data@disnaker.example", hd="disnaker.example"), PUBLISH)
    at = oidc_app("data@disnaker.example", hd="elsewhere.example")
    assert not has_page(at, PUBLISH)
    open_page(at, SIGNIN)
    assert any(e.value == t("auth.oidc.pinned", "id") for e in at.error)
    assert not has_page(oidc_app("data@disnaker.example"), PUBLISH)  # no hd claim at all


def test_oidc_sign_in_and_sign_out_are_audited(app_store, monkeypatch):
    monkeypatch.setenv("KALBAR_EDITOR_EMAILS", "data@disnaker.example")
    at = oidc_app("data@disnaker.example")
    at.run()
    open_page(at, SIGNIN)
    oidc_app("data@disnaker.example")  # the same token in a new session (a reload): not a new sign-in
    logins = [e for e in app_store.audit() if e.action == "login" and e.who == "data@disnaker.example"]
    assert len(logins) == 1 and logins[0].detail["via"] == "oidc" and logins[0].detail["role"] == "editor"
    next(b for b in at.button if b.label == t("auth.sign_out", "id")).click()
    at.run()
    out = [e for e in app_store.audit() if e.action == "logout"]
    assert [(e.who, e.detail["via"]) for e in out] == [("data@disnaker.example", "oidc")]


def test_built_in_sign_out_is_audited(app_store):
    at = sign_in(open_app(), "editor1", EDITOR_PW)
    next(b for b in at.button if b.label == t("auth.sign_out", "id")).click()
    at.run()
    assert [(e.who, e.detail["via"]) for e in app_store.audit() if e.action == "logout"] == [("editor1", "password")]


def test_oidc_email_of_a_store_account(app_store):
    at = oidc_app("editor1@disnaker.example")  # not on any list, but an active editor account has it
    assert has_page(at, PUBLISH)
    app_store.set_active("editor1", False, by="admin1")
    at.run()
    assert not has_page(at, PUBLISH)


def test_oidc_button_only_when_configured(app_store):
    at = open_app()
    open_page(at, SIGNIN)
    assert not any(b.label == t("auth.oidc_button", "id") for b in at.button)
    at = new_app()
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": False}
    at.run()
    open_page(at, SIGNIN)
    assert any(b.label == t("auth.oidc_button", "id") for b in at.button)


def test_oidc_sign_out_clears_the_identity(app_store, monkeypatch):
    monkeypatch.setenv("KALBAR_EDITOR_EMAILS", "data@disnaker.example")
    at = oidc_app("data@disnaker.example")
    open_page(at, SIGNIN)
    next(b for b in at.button if b.label == t("auth.sign_out", "id")).click()
    at.run()
    assert not at.exception
    assert at.user.get("is_logged_in") is False  # st.logout cleared Streamlit's user
    at.run()  # the browser's next session (st.logout redirects and starts one)
    assert not has_page(at, PUBLISH)


def test_store_down_gives_a_message_not_a_traceback(app_store, monkeypatch):
    at = sign_in(open_app(), "editor1", EDITOR_PW)
    assert has_page(at, PUBLISH)
    # nothing listens on that port: the database is unreachable
    monkeypatch.setenv(
        "KALBAR_DATABASE_URL", f"postgresql+psycopg://peta:x@127.0.0.1:{free_port()}/peta?connect_timeout=2"
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(e.value == t("auth.store_down", "id") for e in at.sidebar.error)
    assert not has_page(at, PUBLISH)


def test_english_sign_in_publish_and_admin_pages(app_store):
    at = new_app()
    at.query_params["lang"] = "en"
    at.run()
    open_page(at, SIGNIN)
    assert at.title[0].value == t("auth.title", "en")
    at.text_input(key="auth_name").input("admin1")
    at.text_input(key="auth_password").input(ADMIN_PW)
    next(b for b in at.button if b.label == t("auth.submit", "en")).click()
    at.run()
    pats = indonesian_patterns()
    for page in (SIGNIN, PUBLISH, ADMIN):
        open_page(at, page)
        leftovers = sorted({s for s in texts(at) for p in pats if p.search(s)})
        assert not leftovers, (page, leftovers)


def test_a_reload_of_the_publish_page_lands_on_sign_in_then_returns_to_it(app_store):
    """A fresh session opening /terbitkan (a reload): the sign-in page saying why, never "Page not found";
    after signing in, the publish page itself."""
    at = open_app(PUBLISH)
    assert at.title[0].value == t("auth.title", "id")
    assert any(i.value == t("auth.sign_in_for", "id", page=t("auth.nav.publish", "id")) for i in at.info)
    sign_in(at, "editor1", EDITOR_PW)  # (the browser's address is /masuk by now: AppTest is told so by sign_in)
    assert at.title[0].value == t("editor.title", "id")
