"""geo/origin.py: the one public origin links are written with (setting, else the nginx name, else loopback)."""

from __future__ import annotations

import pytest

from geo.origin import PUBLIC_URL_ENV, SERVER_NAME_ENV, OriginError, parse_origin, public_origin


def test_the_setting_wins_and_is_an_origin_only():
    env = {PUBLIC_URL_ENV: "https://Peta.Contoh.go.id/", SERVER_NAME_ENV: "other.example"}
    assert public_origin(("127.0.0.1", 8501), env) == "https://peta.contoh.go.id"
    assert public_origin(None, {PUBLIC_URL_ENV: "https://peta.contoh.go.id:443"}) == "https://peta.contoh.go.id"
    assert public_origin(None, {PUBLIC_URL_ENV: "https://127.0.0.1:8443"}) == "https://127.0.0.1:8443"


def test_else_the_first_server_name_over_https():
    assert public_origin(("127.0.0.1", 8501), {SERVER_NAME_ENV: "peta.contoh.go.id www.peta.contoh.go.id"}) == (
        "https://peta.contoh.go.id"
    )
    assert public_origin(("127.0.0.1", 8501), {SERVER_NAME_ENV: "_"}) == "http://127.0.0.1:8501"


def test_else_the_loopback_address_of_the_socket_or_relative():
    assert public_origin(("127.0.0.1", 8501), {}) == "http://127.0.0.1:8501"
    assert public_origin(("0.0.0.0", 8501), {}) == "http://127.0.0.1:8501"
    assert public_origin(("::1", 8501), {}) == "http://[::1]:8501"
    assert public_origin(None, {}) == ""


@pytest.mark.parametrize(
    "bad",
    [
        "evil.example",
        "ftp://peta.contoh.go.id",
        "https://x:@evil.example",
        "https://user@peta.contoh.go.id",
        "https://peta.contoh.go.id:99999",
        "https://peta.contoh.go.id/peta",
        "https://peta.contoh.go.id/?a=1",
        "https://",
    ],
)
def test_a_bad_setting_is_refused_and_never_used(bad):
    with pytest.raises(OriginError):
        parse_origin(bad)
    # skipped with a log line: the next setting, else loopback (never a client's value, never a 500)
    assert public_origin(("127.0.0.1", 8501), {PUBLIC_URL_ENV: bad}) == "http://127.0.0.1:8501"
    assert public_origin(None, {PUBLIC_URL_ENV: bad, SERVER_NAME_ENV: "peta.contoh.go.id"}) == (
        "https://peta.contoh.go.id"
    )
