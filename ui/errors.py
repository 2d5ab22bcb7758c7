"""What a person is told when the database fails: plain words for everyone, the details (driver,
host, port, database) for admins and the log only. The hosted link is open to anyone, and a
connection string tells an attacker where the database is and what runs it.

The role comes from the identity ``shell.py`` confirmed at the top of this run (``note_viewer``),
not from a new store query: when the database is down that query would fail too.
"""

from __future__ import annotations

import logging

import streamlit as st

from geo.access import ADMIN
from geo.store import StoreError, StoreUnavailable
from geo.text import t

log = logging.getLogger("kalbar")
ROLE_KEY = "_errors_viewer_role"


def note_viewer(role: str | None) -> None:
    """The role of whoever runs this session, as confirmed this run (None: not signed in)."""
    st.session_state[ROLE_KEY] = role


def shows_details() -> bool:
    """Whether this run may show a database failure's details (admins only)."""
    return st.session_state.get(ROLE_KEY) == ADMIN


def detail(exc: StoreError) -> str | None:
    """The line to show under a store problem's headline, or None.

    A refusal (unknown version, name taken) says what was wrong and shows to whoever asked; a failure
    of the database itself goes to the log, and to the screen for admins only."""
    if not isinstance(exc, StoreUnavailable):
        return str(exc)
    log.error("database unavailable: %s", exc)
    return str(exc) if shows_details() else None


def store_failed(exc: StoreError, lang: str) -> None:
    """The publish page's answer when the database fails mid-action: nothing was changed, and for admins why."""
    st.error(t("editor.store_error", lang), icon=":material/error:")
    show_detail(exc)  # database details: admins and the log only


def show_detail(exc: StoreError, box=st) -> None:
    """``detail(exc)`` as plain text in ``box`` (the page, or ``st.sidebar``), when there is one."""
    text = detail(exc)
    if text:
        box.text(text)
