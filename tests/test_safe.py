"""ui/safe.py: user-controlled text as plain text in Markdown, HTML and file names."""

from __future__ import annotations

import re
import string

import pytest
from injection_payloads import ATTACKER, PAYLOADS

from ui import safe


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_shows_exactly_the_characters_on_one_line(payload):
    out = safe.md(payload)
    assert "\n" not in out and "\r" not in out
    assert safe.shown(out) == safe.one_line(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_leaves_no_markdown_syntax_unescaped(payload):
    out = safe.md(payload)
    i = 0
    while i < len(out):
        c = out[i]
        if c == "\\":
            assert i + 1 < len(out) and out[i + 1] in string.punctuation, f"dangling backslash in {out!r}"
            i += 2
            continue
        assert c not in string.punctuation, f"unescaped {c!r} in {out!r}"
        i += 1


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_breaks_patterns_streamlit_replaces_after_unescaping(payload):
    """GFM autolinks, e-mail links, emoji/icon shortcodes and arrows match the unescaped text."""
    text = re.sub(r"\\(.)", r"\1", safe.md(payload))  # what the Markdown parser hands to later plugins
    assert not re.search(r"https?://|www\.", text, re.IGNORECASE)
    assert not re.search(r"[\w.+-]@[\w-]", text)
    assert not re.search(r":[\w/+-]+:", text)
    assert not re.search(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)", text)


def test_md_is_a_no_op_for_ordinary_names():
    assert safe.md("Kubu Raya") == "Kubu Raya"
    assert safe.shown(safe.md("Sungai Raya (kota), 61.12")) == "Sungai Raya (kota), 61.12"


def test_one_line_collapses_control_characters():
    assert safe.one_line("a\r\n\t b\x00c\u2028d") == "a b c d"
    assert safe.one_line(None) == ""


def test_html_text_escapes_tags_and_quotes():
    out = safe.html_text(f"<img src=\"http://{ATTACKER}/a\" onerror='alert(1)'>&")
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert out.startswith("&lt;img") and out.endswith("&amp;")


@pytest.mark.parametrize("payload", PAYLOADS + ["../../etc/passwd", "con.csv\x00.exe", "..", "   "])
def test_file_part_is_a_plain_file_name_piece(payload):
    out = safe.file_part(payload)
    assert re.fullmatch(r"[A-Za-z0-9_-]([A-Za-z0-9._-]*[A-Za-z0-9_-])?|", out), out
    assert ".." not in out or "/" not in out
    assert len(out) <= 40


def test_file_part_keeps_ordinary_stems():
    assert safe.file_part("cakupan_desa_6112_2024-06", 120) == "cakupan_desa_6112_2024-06"
