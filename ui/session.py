"""The UI's one door to the store: the connection, its change token, and which data a run shows.

Where the figures come from, in order: a table uploaded in this session (a preview), else the
published data in the store (the latest per period, or as of the version a link pins), else the
sample tables. The store is opened once per process; each run asks it only for its change token
(one single-row query, at most once a second per process), and everything read from the store is
cached on that token, so a version published by another process shows on the next run without a
restart. Every other module of ``ui/`` and ``screens/`` reaches the store through this one.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from geo import LEVELS, targets
from geo.period import sort_key as period_sort_key
from geo.store import URL_ENV, Store, StoreError, Version, open_store, resolve_url


@dataclass(frozen=True)
class Source:
    """Where the coverage figures come from: the sample tables, one uploaded file, or published versions."""

    key: str  # content hash (or the versions in force), so caches follow the data and not the file name
    name: str
    is_sample: bool
    level: str | None = None  # level of the uploaded table
    content: bytes = field(default=b"", repr=False, compare=False, hash=False)
    published: tuple[tuple[str, str, int], ...] = ()  # (level, period, version id) in force
    as_of: int | None = None  # the pinned version, when a link pins one

    @property
    def is_published(self) -> bool:
        return bool(self.published)


SAMPLE = Source("sample", "contoh", True)
SOURCE_KEY = "source"  # session_state: the upload this session previews (absent: published or sample)
TOKEN_TTL_S = 1.0  # a new version shows within this (plus one re-run) in every process
RETRY_OPEN_S = 10.0  # after a failed open, how long pages show the error before trying again
URL_MEMO_S = 5.0  # how long a resolved database URL is reused (secrets.toml is re-read after that)
RUN_TOKEN = "_pjk_change_token"  # session_state: this run's change token
RUN_MEMO = "_pjk_run_memo"  # answers that hold for one run of one session (cleared by begin_run)
AFTER_PAGE = "_pjk_after_page"  # what after_page deferred to the end of this run


def upload_source(name: str, content: bytes, level: str) -> Source:
    return Source(hashlib.sha256(content).hexdigest()[:16] + level, name, False, level, content)


# --- the connection ---------------------------------------------------------------------------------

_lock = threading.Lock()
_failed: dict[str, tuple[float, StoreError]] = {}  # url -> (monotonic time, error) after a failed open
_token: dict[str, tuple[float, str]] = {}  # url -> (monotonic time, change token)
_url_memo: dict[str, tuple[float, str]] = {}  # $KALBAR_DATABASE_URL -> (monotonic time, resolved URL)


@st.cache_resource(show_spinner=False)
def _open(url: str) -> Store:
    return open_store(url)


def _url() -> str:
    """resolve_url() reads the environment and secrets.toml: once per few seconds per process, not ~20× per run."""
    env = os.environ.get(URL_ENV, "")
    hit = _url_memo.get(env)
    now = time.monotonic()
    if hit is None or now - hit[0] > URL_MEMO_S:
        hit = (now, resolve_url())
        _url_memo[env] = hit
    return hit[1]


def store() -> Store:
    """The process's store; raises StoreError when it cannot be opened (retried after RETRY_OPEN_S)."""
    url = _url()  # the setting decides, not whatever was opened first
    with _lock:
        failed = _failed.get(url)
        if failed is not None and time.monotonic() - failed[0] < RETRY_OPEN_S:
            raise failed[1]
    try:
        return _open(url)
    except StoreError as exc:
        with _lock:
            _failed[url] = (time.monotonic(), exc)
        raise


# --- the change token: one check per run --------------------------------------------------------------


def begin_run() -> None:
    """Called once at the top of every run (shell.py): the one version check of this run."""
    st.session_state[RUN_TOKEN] = _token_now()
    st.session_state.pop(RUN_MEMO, None)  # per-run answers (e.g. which data this run shows) start afresh
    st.session_state.pop(AFTER_PAGE, None)  # left by a run cut short (st.rerun): its containers are gone


def refresh_now() -> None:
    """After this process published/retracted something: the next run checks at once (no 1 s wait)."""
    with _lock:
        _token.clear()
    st.session_state.pop(RUN_TOKEN, None)
    st.session_state.pop(RUN_MEMO, None)


def change_token() -> str | None:
    """This run's change token (see begin_run); None without a store."""
    if RUN_TOKEN in st.session_state:
        return st.session_state[RUN_TOKEN]
    return _token_now()


def _token_now() -> str | None:
    """The store's change token, asked at most once per TOKEN_TTL_S per process; None without a store."""
    try:
        s = store()
    except StoreError:
        return None
    url = s.display_url
    with _lock:
        seen = _token.get(url)
        if seen is not None and time.monotonic() - seen[0] < TOKEN_TTL_S:
            return seen[1]
    try:
        value = s.change_token()
    except StoreError:
        return None
    with _lock:
        _token[url] = (time.monotonic(), value)
    return value


# --- what a run shows -------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=64)
def _published(url: str, token: str | None, as_of: int | None) -> Source | None:
    """The published data in force (as of ``as_of``); cached per database and change token."""
    current = store().current(as_of=as_of)
    if not current:
        return None
    rows = tuple(sorted((level, period, v.id) for level, per in current.items() for period, v in per.items()))
    key = "pub-" + hashlib.sha256(repr((url, rows)).encode()).hexdigest()[:16]
    return Source(key, "published", False, published=rows, as_of=as_of)


def published_source(as_of: int | None = None) -> tuple[Source | None, list[tuple[str, dict]]]:
    """(the published data or None, message keys+params to show). Never raises: problems become messages."""
    messages: list[tuple[str, dict]] = []
    try:
        s = store()
        token = change_token()
        if as_of is not None:
            v = version_info(as_of)
            if v is None or v.kind != "coverage":
                messages.append(("version.unknown", {"v": as_of}))
                as_of = None
            elif v.retracted:
                messages.append(("version.retracted", {"v": as_of}))
                as_of = None
        return _published(s.display_url, token, as_of), messages
    except StoreError as exc:
        return None, [("store.unreachable", {"error": exc})]  # the details: ui/errors (admins and the log)


def pinned_version() -> int | None:
    """The ``v`` of the address (the URL is the source of truth; a bad value is reported by viewstate.read)."""
    raw = st.query_params.get("v")
    return int(raw) if raw and raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31 else None


def source() -> Source:
    """An upload previewed in this session, else the published data (latest or pinned), else the sample."""
    chosen = st.session_state.get(SOURCE_KEY, SAMPLE)
    if not chosen.is_sample:
        return chosen
    # Asked ~20 times a run: answered once per run (begin_run clears the memo; the link's ``v`` is part of the key).
    pinned = pinned_version()
    memo = st.session_state.get(RUN_MEMO)
    if memo is not None and memo[0] == pinned:
        return memo[1]
    published, _messages = published_source(pinned)
    chosen = published or SAMPLE
    st.session_state[RUN_MEMO] = (pinned, chosen)
    return chosen


def use(src: Source) -> None:
    """Make ``src`` (an upload, or SAMPLE for "back to the published/sample data") this session's source."""
    st.session_state[SOURCE_KEY] = src


def has_published() -> bool:
    return published_source(None)[0] is not None


# --- versions and their rows ------------------------------------------------------------------------


def version_info(version_id: int) -> Version | None:
    """A Version record (cached: versions never change except for the retracted flag, keyed by token)."""
    return _version_info(store().display_url, change_token() or "", version_id)


@st.cache_resource(show_spinner=False, max_entries=256)
def _version_info(url: str, token: str, version_id: int) -> Version | None:  # noqa: ARG001 - url+token key the cache
    return store().version(version_id)


def versions() -> list[Version]:
    """Published coverage versions still in force or pinnable (not retracted), newest first; [] without a store."""
    token = change_token()
    if token is None:
        return []
    return _versions(store().display_url, token)


@st.cache_resource(show_spinner=False, max_entries=8)
def _versions(url: str, token: str) -> list[Version]:  # noqa: ARG001 - url+token key the cache
    return store().versions("coverage", include_retracted=False)


def stored_report(version_id: int) -> dict:
    return _stored_report(store().display_url, version_id)


@st.cache_resource(show_spinner=False, max_entries=64)
def _stored_report(url: str, version_id: int) -> dict:  # noqa: ARG001 - url keys the cache
    return store().report(version_id)


@st.cache_resource(show_spinner=False, max_entries=32)
def published_rows(source: Source) -> dict[str, pd.DataFrame]:
    """Matched rows per level: each (level, period) from the version in force for it."""
    s = store()
    out: dict[str, pd.DataFrame] = {}
    for level in sorted({lv for lv, _p, _v in source.published}):
        parts = []
        for lv, period, vid in source.published:
            if lv == level:
                frame = s.rows(vid)
                parts.append(frame[frame["periode"].astype(str) == period])
        out[level] = pd.concat(parts, ignore_index=True)
    return out


def version_for(source: Source, level: str, period: str | None) -> int | None:
    """The version whose rows a ``level`` view of ``period`` shows (own level, else the finer one rolled up)."""
    if not source.is_published:
        return None
    by_level: dict[str, dict[str, int]] = {}
    for lv, p, vid in source.published:
        by_level.setdefault(lv, {})[p] = vid
    for lv in LEVELS[LEVELS.index(level) :]:
        if per := by_level.get(lv):
            return per.get(period if period is not None else max(per, key=period_sort_key))
    return None


# --- the target schedule ----------------------------------------------------------------------------


def target_schedule() -> targets.Schedule:
    """The schedule in force: published in the store, else $KALBAR_TARGETS, else the shipped default."""
    env_file = os.environ.get(targets.ENV_FILE, "")
    try:
        s = store()
    except StoreError:
        return _schedule("", None, env_file)
    return _schedule(s.display_url, change_token(), env_file)


@st.cache_resource(show_spinner=False, ttl=15, max_entries=8)
def _schedule(url: str, token: str | None, env_file: str) -> targets.Schedule:
    """Keyed on the change token (a publish shows on the next run); the TTL re-reads an edited $KALBAR_TARGETS file."""
    published = None
    if url and token is not None:
        try:
            published = store().target_schedule()
        except StoreError:
            published = None
    return targets.in_force(published, env_file or None)


# --- work deferred to the end of the run ------------------------------------------------------------


def after_page(fn: Callable[[], None]) -> None:
    """Run ``fn`` once the page is written (shell.py calls run_after_page after the page).

    Elements reach the browser in the order the script writes them, and each kind of element
    needs its own JavaScript: a table in the sidebar, written first, made a first visit fetch
    the table code (~300 KB) before the map's. Written last, into its expander, it no longer
    delays the map; it still shows in its place.
    """
    st.session_state.setdefault(AFTER_PAGE, []).append(fn)


def run_after_page() -> None:
    for fn in st.session_state.pop(AFTER_PAGE, []):
        fn()
