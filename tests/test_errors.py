"""What a visitor sees when something fails (ui/errors.py, .streamlit/config.toml, deploy flags):
no traceback after a crash, no driver/host/port/database name when the database is unavailable
(an admin sees those, and the log has them)."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from deploy.stack import STREAMLIT_FLAGS
from geo.text import t
from tests.support.apptest import open_app, open_page, texts
from tests.support.server import Server, free_port

ROOT = Path(__file__).resolve().parents[1]
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "c" * 32,
    "client_id": "peta",
    "client_secret": "rahasia",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
CRASH = """
import streamlit as st
st.title("sebelum")
def rahasia_internal(x):
    return {"kunci": 1}[x]
rahasia_internal("tidak-ada-di-sini")
"""


def test_error_details_are_off_everywhere_the_app_runs():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"  # "false" would still show the traceback
    flags = " ".join(STREAMLIT_FLAGS)
    assert "--client.showErrorDetails none" in flags  # run.py serve, tests, bench
    unit = (ROOT / "deploy" / "systemd" / "kalbar@.service").read_text(encoding="utf-8")
    assert "--client.showErrorDetails none" in unit


def test_a_crash_shows_no_traceback_in_apptest():
    """Under the project's config (read from the working directory, as `streamlit run` does)."""
    at = AppTest.from_string(CRASH).run()
    assert at.exception
    shown = " ".join(f"{e.message} {' '.join(e.stack_trace)} {e.proto.type}" for e in at.exception)
    assert "rahasia_internal" not in shown and "KeyError" not in shown and "tidak-ada-di-sini" not in shown
    assert not any(e.stack_trace for e in at.exception)


@pytest.mark.browser
def test_a_crash_shows_no_traceback_in_chromium_and_the_log_has_it(tmp_path):
    from tests.support import browser

    browser.require_chromium()
    app = tmp_path / "crash"
    (app / ".streamlit").mkdir(parents=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", app / ".streamlit" / "config.toml")
    (app / "crash.py").write_text(CRASH, encoding="utf-8")
    with Server("crash", script=app / "crash.py", log_dir=tmp_path) as server, browser.chromium() as chromium:
        page = chromium.new_page()
        page.goto(server.url)
        page.wait_for_selector("[data-testid=stException]", timeout=60_000)
        seen = page.inner_text("body")
        page.close()
    assert "sebelum" in seen  # the page up to the error
    for secret in ("rahasia_internal", "KeyError", "tidak-ada-di-sini", "Traceback", str(app)):
        assert secret not in seen, secret
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "rahasia_internal" in log and "KeyError" in log  # the details: in the process's log


@pytest.fixture
def store_down(tmp_path, monkeypatch):
    """A PostgreSQL address nothing listens on: the database is unavailable."""
    for var in ("KALBAR_REQUIRE_SIGN_IN", "KALBAR_EDITOR_EMAILS", "KALBAR_ADMIN_EMAILS"):
        monkeypatch.delenv(var, raising=False)
    port = free_port()
    monkeypatch.setenv(
        "KALBAR_DATABASE_URL", f"postgresql+psycopg://peta:x@127.0.0.1:{port}/gudang_rahasia?connect_timeout=2"
    )
    return [f"127.0.0.1:{port}", "127.0.0.1", str(port), "postgresql", "psycopg", "gudang_rahasia", "peta:"]


def _leaks(at: AppTest, secrets: list[str]) -> list[str]:
    return [s for s in texts(at) if any(x in s for x in secrets)]


def _oidc(email: str, page: str | None = None) -> AppTest:
    at = open_app(
        secrets=AUTH_SECRETS,
        user={"is_logged_in": True, "email": email, "email_verified": True, "name": email.split("@")[0]},
    )
    return open_page(at, page) if page else at


def test_database_down_a_viewer_reads_database_unavailable_only(store_down):
    at = open_app()
    assert t("store.unreachable", "id") in [e.value for e in at.error]
    assert not _leaks(at, store_down), _leaks(at, store_down)
    assert at.metric  # the maps still work (sample data)


def test_database_down_an_editor_sees_no_details_an_admin_does(store_down, monkeypatch):
    monkeypatch.setenv("KALBAR_EDITOR_EMAILS", "data@disnaker.example")
    monkeypatch.setenv("KALBAR_ADMIN_EMAILS", "boss@disnaker.example")
    editor = _oidc("data@disnaker.example", "screens/publish.py")
    assert t("editor.store_error", "id") in [e.value for e in editor.error]
    assert not _leaks(editor, store_down), _leaks(editor, store_down)

    admin = _oidc("boss@disnaker.example")  # the summary page
    assert t("store.unreachable", "id") in [e.value for e in admin.error]
    detail = [s for s in texts(admin) if re.search(rf"{re.escape(store_down[0])}/gudang_rahasia", s)]
    assert detail and "postgresql+psycopg" in detail[0] and "peta:x@" not in detail[0]  # never the password
    open_page(admin, "screens/admin.py")
    assert t("editor.store_error", "id") in [e.value for e in admin.error]
    assert _leaks(admin, store_down)


def test_secrets_file_is_never_committed():
    """Passwords, the OIDC client secret and the database URL live in .streamlit/secrets.toml."""
    import subprocess

    out = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT, capture_output=True, check=False
    )
    if out.returncode == 128:
        pytest.skip("not a git checkout")
    assert out.returncode == 0, ".streamlit/secrets.toml is not in .gitignore"
