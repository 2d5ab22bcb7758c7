"""geo/settings.py: one place and one precedence for every setting (environment, then secrets.toml)."""

from __future__ import annotations

import os
import time

from geo import settings


def _write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    t = time.time() + (1 if path.exists() else 0)
    os.utime(path, (t, t))


def test_the_environment_wins_then_the_projects_secrets_then_the_home_ones(tmp_path, monkeypatch):
    home, root = tmp_path / "home", tmp_path / "project"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv(settings.DATABASE_URL_ENV, raising=False)
    _write(home / ".streamlit" / "secrets.toml", '[connections.peta]\nurl = "postgresql://home/db"\n[access]\nx = 1\n')
    assert settings.database_url_setting(root) == "postgresql://home/db"
    _write(root / ".streamlit" / "secrets.toml", '[connections.peta]\nurl = " postgresql://project/db "\n')
    assert settings.database_url_setting(root) == "postgresql://project/db"  # the project's keys win
    assert settings.secrets_section("access", root=root) == {"x": 1}  # sections merge over both files
    monkeypatch.setenv(settings.DATABASE_URL_ENV, "sqlite:///env.sqlite")
    assert settings.database_url_setting(root) == "sqlite:///env.sqlite"  # the environment wins
    monkeypatch.setenv(settings.DATABASE_URL_ENV, "")
    assert settings.database_url_setting(root) == "postgresql://project/db"  # empty counts as unset


def test_a_changed_secrets_file_is_read_again_and_a_broken_one_is_as_if_absent(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    path = tmp_path / ".streamlit" / "secrets.toml"
    _write(path, "[access]\nrequire_sign_in = true\n")
    assert settings.secrets_section("access", root=tmp_path) == {"require_sign_in": True}
    _write(path, "[access]\nrequire_sign_in = false\n")
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert settings.secrets_section("access", root=tmp_path) == {"require_sign_in": False}
    _write(path, "[access\nbroken")
    os.utime(path, (time.time() + 10, time.time() + 10))
    assert settings.secrets_section("access", root=tmp_path) == {}


def test_typed_settings_and_their_defaults(monkeypatch):
    for name in (settings.RENDER_AHEAD_ENV, settings.HASH_SLOTS_ENV):
        monkeypatch.delenv(name, raising=False)
    assert settings.render_ahead() is True and settings.hash_slots() == 2
    monkeypatch.setenv(settings.RENDER_AHEAD_ENV, "0")
    monkeypatch.setenv(settings.HASH_SLOTS_ENV, "x")
    assert settings.render_ahead() is False and settings.hash_slots() == 2
    monkeypatch.setenv(settings.HASH_SLOTS_ENV, "4")
    assert settings.hash_slots() == 4
