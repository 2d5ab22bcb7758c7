"""Roles and the sign-in settings: allow-lists from environment and secrets, the view setting."""

from __future__ import annotations

from geo.access import ADMIN, EDITOR, VIEWER, AccessSettings, at_least


def test_role_order():
    assert at_least(ADMIN, EDITOR) and at_least(EDITOR, EDITOR) and at_least(EDITOR, VIEWER)
    assert not at_least(VIEWER, EDITOR) and not at_least(EDITOR, ADMIN)
    assert not at_least(None, VIEWER) and not at_least("root", VIEWER)


def test_settings_from_environment_and_secrets_add_up():
    env = {
        "KALBAR_EDITOR_EMAILS": "Data@Disnaker.go.id, statistik@bappeda.go.id;x@y.id",
        "KALBAR_ADMIN_EMAILS": "kepala@disnaker.go.id",
    }
    secrets = {"editor_emails": ["bpjs@kalbar.go.id"], "admin_emails": "it@kalbar.go.id", "require_sign_in": True}
    s = AccessSettings.read(env, secrets)
    assert s.require_sign_in
    assert s.editor_emails == {"data@disnaker.go.id", "statistik@bappeda.go.id", "x@y.id", "bpjs@kalbar.go.id"}
    assert s.admin_emails == {"kepala@disnaker.go.id", "it@kalbar.go.id"}


def test_require_sign_in_flag_values():
    for value, expected in [("1", True), ("true", True), ("ya", True), ("0", False), ("", False), ("no", False)]:
        assert AccessSettings.read({"KALBAR_REQUIRE_SIGN_IN": value}).require_sign_in is expected, value
    assert AccessSettings.read({}, {"require_sign_in": False}).require_sign_in is False
    assert AccessSettings.read({}).require_sign_in is False  # viewing needs no account by default


def test_role_for_email():
    s = AccessSettings.read({"KALBAR_EDITOR_EMAILS": "ed@org.id", "KALBAR_ADMIN_EMAILS": "boss@org.id"})
    assert s.role_for_email("ED@org.id ") == EDITOR  # case and spaces do not matter
    assert s.role_for_email("boss@org.id") == ADMIN
    assert s.role_for_email("someone@org.id") == VIEWER  # signed in, not on a list: viewer
    assert s.role_for_email(None) == VIEWER
    assert s.role_for_email("ed@org.id", verified=False) == VIEWER  # an unverified address is not trusted
    assert s.role_for_email("someone@org.id", account_role=EDITOR) == EDITOR  # a store account with that e-mail
    assert s.role_for_email("ed@org.id", account_role=ADMIN) == ADMIN  # the higher role wins
