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


def test_oidc_refusal_needs_a_verified_email():
    from geo.access import AccessSettings

    s = AccessSettings.read({})
    ok = {"email": "a@org.id", "email_verified": True}
    assert s.oidc_refusal(ok) is None
    for bad in (False, "false", "true", "False", None, 1, 0, ""):
        assert s.oidc_refusal({"email": "a@org.id", "email_verified": bad}) == "auth.oidc.unverified", bad
    assert s.oidc_refusal({"email": "a@org.id"}) == "auth.oidc.unverified"  # absent
    assert s.oidc_refusal({"email_verified": True}) == "auth.oidc.no_email"
    trusting = AccessSettings.read({"KALBAR_OIDC_PROVIDER_VERIFIES_EMAIL": "1"})
    assert trusting.oidc_refusal({"email": "a@org.id"}) is None  # the provider verifies every address itself
    assert trusting.oidc_refusal({"email": "a@org.id", "email_verified": "false"}) == "auth.oidc.unverified"
    assert AccessSettings.read({}, {"oidc_provider_verifies_email": True}).oidc_provider_verifies_email


def test_oidc_pins():
    from geo.access import AccessSettings

    s = AccessSettings.read({"KALBAR_OIDC_TID": "tenant-1"}, {"oidc_issuer": "https://login.example/t1"})
    claims = {"email": "a@org.id", "email_verified": True, "iss": "https://login.example/t1", "tid": "tenant-1"}
    assert s.oidc_refusal(claims) is None
    assert s.oidc_refusal({**claims, "tid": "tenant-2"}) == "auth.oidc.pinned"
    assert s.oidc_refusal({**claims, "iss": "https://evil.example"}) == "auth.oidc.pinned"
    assert s.oidc_refusal({k: v for k, v in claims.items() if k != "tid"}) == "auth.oidc.pinned"


def test_idle_timeout_and_proxies_settings():
    import datetime as dt

    from geo.access import AccessSettings, duration

    assert AccessSettings.read({}).idle_timeout == dt.timedelta(hours=8)
    assert duration("30m") == dt.timedelta(minutes=30) and duration("90") == dt.timedelta(seconds=90)
    assert duration("2h") == dt.timedelta(hours=2) and duration("0.5h") == dt.timedelta(minutes=30)
    for junk in ("", "soon", "-5m", "0"):
        assert duration(junk) == dt.timedelta(hours=8), junk
    s = AccessSettings.read({"KALBAR_IDLE_TIMEOUT": "15m"}, {"idle_timeout": "2h", "trusted_proxies": ["10.0.0.0/8"]})
    assert s.idle_timeout == dt.timedelta(minutes=15)  # the environment wins
    assert [str(n) for n in s.trusted_proxies] == ["10.0.0.0/8"]
    assert [str(n) for n in AccessSettings.read({}).trusted_proxies] == ["127.0.0.1/32", "::1/128"]
    assert [str(n) for n in AccessSettings.read({"KALBAR_TRUSTED_PROXIES": "192.0.2.1, nonsense"}).trusted_proxies] == [
        "192.0.2.1/32"
    ]


def test_client_address_trusts_the_proxy_headers_only_from_a_proxy():
    from geo.access import AccessSettings
    from geo.signin import client_address

    loopback = AccessSettings.read({}).trusted_proxies
    xff = {"X-Forwarded-For": "6.6.6.6, 203.0.113.9", "X-Real-IP": "203.0.113.9"}
    # through the local nginx (the peer is loopback; Streamlit reports it as None): the address nginx added
    assert client_address(None, xff, loopback) == "203.0.113.9"
    assert client_address("127.0.0.1", {"x-real-ip": "198.51.100.4"}, loopback) == "198.51.100.4"
    assert client_address(None, {}, loopback) == "127.0.0.1"
    # straight from the internet: whatever headers it sends are ignored
    assert client_address("198.51.100.77", xff, loopback) == "198.51.100.77"
    # a chain of our own proxies is skipped; a client's own made-up entries to the left are never reached
    proxies = AccessSettings.read({"KALBAR_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}).trusted_proxies
    chain = {"X-Forwarded-For": "1.1.1.1, 203.0.113.9, 10.0.0.7"}
    assert client_address("10.0.0.5", chain, proxies) == "203.0.113.9"


def test_cookie_signature_and_next_path():
    from geo.signin import safe_next, sign, unsign

    value = sign("kunci", "token-abc")
    assert unsign("kunci", value) == "token-abc"
    assert unsign("kunci-lain", value) is None and unsign("kunci", value[:-1] + "x") is None
    assert unsign("kunci", "token-abc") is None and unsign("kunci", None) is None and unsign("kunci", ".x") is None
    assert (
        safe_next("/terbitkan") == "/terbitkan"
        and safe_next("/masuk?lang=en&pw=changed") == "/masuk?lang=en&pw=changed"
    )
    for bad in (
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
        None,
        "/a\r\nSet-Cookie: x",
    ):
        assert safe_next(bad) == "/", bad
