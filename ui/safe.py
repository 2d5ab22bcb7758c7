"""Text that a user or a link controls, shown as plain text inside Streamlit's Markdown elements.

Streamlit renders st.markdown/info/warning/error/caption/title, widget labels and ``help=``
through its own Markdown (GFM autolinks, images, links with any URL scheme, ``:red[...]``
colour directives, ``$math$``, emoji and ``:material/...:`` shortcodes, typographic arrows).
A URL parameter, file name or cell value put into those elements unescaped can show a link
or load an image of an attacker's choosing. :func:`md` turns such text into Markdown that
shows exactly the characters given, on one line.

Some of Streamlit's replacements (GFM autolinks, emoji/icon shortcodes, arrows) work on the
text *after* backslash escapes are resolved, so escaping alone does not stop them; an
invisible zero-width space (``ZWSP``) is put where it breaks their patterns without changing
what a reader sees.

:func:`html_text` is for HTML we build ourselves (map panels, tooltips, st.html);
:func:`file_part` for text that ends up in a download's file name.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata

ZWSP = "\u200b"
_PUNCT = frozenset(string.punctuation)  # every character CommonMark lets a backslash escape
# ':' or '@' followed by something: shortcodes (:smile:, :material_x:, :streamlit:), directives,
# "http://" autolinks and e-mail autolinks all need it.
_BREAK_AFTER = re.compile(r"([:@])(?=\S)")
_WWW = re.compile(r"(www)(?=\.)", re.IGNORECASE)
# "->", "<-", "--", ">=", "<=", "~=" turn into arrows and dashes when standing alone.
_TYPO = re.compile(r"([<\->~])(?=[\->=])")
_SPACE = re.compile(r"\s+")


def one_line(value: object) -> str:
    """The value as text on one line: newlines, tabs and control characters become single spaces."""
    text = "" if value is None else str(value)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return _SPACE.sub(" ", text).strip()


def md(value: object) -> str:
    """Markdown that renders as exactly the characters of ``value`` (on one line), with no markup.

    Use it for every dynamic part of a Markdown string:
    ``st.info(t("search.found", lang, q=safe.md(q)))``.
    """
    text = one_line(value)
    text = _BREAK_AFTER.sub(r"\1" + ZWSP, text)
    text = _WWW.sub(r"\1" + ZWSP, text)
    text = _TYPO.sub(r"\1" + ZWSP, text)
    return "".join("\\" + c if c in _PUNCT else c for c in text)


def shown(markdown_text: str) -> str:
    """What a reader sees of :func:`md`'s output (for tests): escapes resolved, ZWSP removed."""
    return re.sub(r"\\(.)", r"\1", markdown_text).replace(ZWSP, "")


def html_text(value: object) -> str:
    """Text for HTML we write ourselves (map panels, st.html): every tag and quote escaped."""
    return html.escape("" if value is None else str(value), quote=True)


_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_part(value: object, limit: int = 40) -> str:
    """A piece of a download file name: letters, digits, '.', '_' and '-' only, no leading dot."""
    text = _FILE_UNSAFE.sub("_", one_line(value)).strip("._")
    return text[:limit]
