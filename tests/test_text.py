"""The message catalogue: complete in both languages, same placeholders, every used key defined."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from geo.paths import ROOT
from geo.text import DEFAULT_LANG, LANGS, MESSAGES, t


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_languages():
    assert LANGS == ("id", "en") and DEFAULT_LANG == "id"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_both_languages(key):
    value = MESSAGES[key]
    assert isinstance(value, tuple) and len(value) == 2
    ids, en = value
    assert isinstance(ids, str) and ids.strip(), f"{key}: Indonesian text empty"
    assert isinstance(en, str) and en.strip(), f"{key}: English text empty"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_placeholders_consistent(key):
    ids, en = MESSAGES[key]
    assert _placeholders(ids) == _placeholders(en), key
    # both render with those placeholders filled (no stray braces, no positional fields)
    params = {name: "X" for name in _placeholders(ids)}
    assert all(name and not name.isdigit() for name in params), f"{key}: use named placeholders"
    if params:
        for lang in LANGS:
            rendered = t(key, lang, **params)  # raises on a stray or positional field
            assert "X" in rendered


def test_t_picks_language_and_formats():
    assert t("status.below", "id") == "Di bawah target"
    assert t("status.below", "en") == "Below target"
    assert t("status.below") == t("status.below", "id")
    assert t("status.below", "xx") == t("status.below", "id")  # unknown language: Indonesian
    assert t("priority.title", "en", n=7) == "Priorities: the 7 areas with the largest gap"
    assert "7" in t("priority.title", "id", n=7)


def test_unknown_key_fails_loudly():
    with pytest.raises(KeyError):
        t("no.such.key")


def test_missing_parameter_fails_loudly():
    with pytest.raises(KeyError):
        t("priority.title", "id", wrong=1)


def test_sample_label_is_plain_in_both_languages():
    for lang in LANGS:
        assert "Data contoh, bukan data resmi" in t("sample.banner", lang)


def test_status_keys_for_every_status():
    from geo.classify import AT_OR_ABOVE, BELOW, NO_DATA

    for status in (BELOW, AT_OR_ABOVE, NO_DATA):
        for lang in LANGS:
            assert t(f"status.{status}", lang)


_CALL = re.compile(r"""\bt\(\s*(["'])([a-z_]+(?:\.[a-z0-9_]+)+)\1""")


CODE_FOLDERS = ("app.py", "shell.py", "server", "geo", "ui", "screens")  # the app's own code (pages: screens/)


def code_files() -> list[Path]:
    """Every Python file of the app: app.py, shell.py and the code folders, sub-folders included."""
    files = []
    for name in CODE_FOLDERS:
        path = ROOT / name
        assert path.exists(), f"{name} is gone: update CODE_FOLDERS"
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def _literal_keys() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in code_files():
        for m in _CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(m.group(2), []).append(str(path.relative_to(ROOT)))
    return found


def test_every_literal_key_used_in_code_exists():
    keys = _literal_keys()
    assert len(keys) > 30  # the scan really finds the calls
    missing = {k: sorted(set(v)) for k, v in keys.items() if k not in MESSAGES}
    assert not missing, f"keys used but not defined: {missing}"
