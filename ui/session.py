"""The UI's one door to the store: the connection, its change token, and which data a run shows.

Where the figures come from, in order: a table uploaded in this session (a preview), else the
published data in the store (the latest per period, or as of the version a link pins), else the
sample tables. The store, its change token and the data in force are the core's (``geo.view``), shared
with the HTTP layer and the CLI; each run asks for the token once (``begin_run``), and everything read from
the store is cached on it. Every other module of ``ui/`` and ``screens/`` reaches the store through this one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from geo import commitments, sample, targets
from geo.store import Store, Version
from geo.view import connection, inforce, shown


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
RUN_TOKEN = "_pjk_change_token"  # session_state: this run's change token
RUN_MEMO = "_pjk_run_memo"  # answers that hold for one run of one session (cleared by begin_run)
AFTER_PAGE = "_pjk_after_page"  # what after_page deferred to the end of this run


def upload_source(name: str, content: bytes, level: str) -> Source:
    return Source(hashlib.sha256(content).hexdigest()[:16] + level, name, False, level, content)


# --- the connection: the core's (geo/view/connection), one store and one token memo per process --------


def store() -> Store:
    """The process's store; raises StoreError when it cannot be opened (retried after a few seconds)."""
    return connection.store()


def begin_run() -> None:
    """Called once at the top of every run (shell.py): the one version check of this run."""
    st.session_state[RUN_TOKEN] = connection.change_token()
    st.session_state.pop(RUN_MEMO, None)  # per-run answers (e.g. which data this run shows) start afresh
    st.session_state.pop(AFTER_PAGE, None)  # left by a run cut short (st.rerun): its containers are gone


def refresh_now() -> None:
    """After this process published/retracted something: the next run and request check at once."""
    connection.refresh()
    st.session_state.pop(RUN_TOKEN, None)
    st.session_state.pop(RUN_MEMO, None)


def change_token() -> str | None:
    """This run's change token (see begin_run); None without a store."""
    if RUN_TOKEN in st.session_state:
        return st.session_state[RUN_TOKEN]
    return connection.change_token()


# --- what a run shows -------------------------------------------------------------------------------


def published_source(as_of: int | None = None) -> tuple[Source | None, list[tuple[str, dict]]]:
    """(the published data or None, message keys+params to show). Never raises: problems become messages."""
    d = inforce.data_in_force(as_of, token=change_token())
    if not d.is_published:
        return None, list(d.messages)
    return Source(d.key, "published", False, published=d.in_force, as_of=d.pinned), list(d.messages)


def pinned_version() -> int | None:
    """The ``v`` of the address (the URL is the source of truth; a bad value is reported by viewstate.read)."""
    return shown.pinned_version({k: st.query_params.get(k) for k in st.query_params.keys()})


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


def version_for(source: Source, level: str, period: str | None) -> int | None:
    """The version whose rows a ``level`` view of ``period`` shows (own level, else the finer one rolled up)."""
    if not source.is_published:
        return None
    version = inforce.data_in_force(source.as_of, token=change_token()).version_for(level, period)
    return version.id if version is not None else None


# --- the target schedule ----------------------------------------------------------------------------


def target_schedule() -> targets.Schedule:
    """The schedule in force: published in the store, else $KALBAR_TARGETS, else the shipped default (the sample
    is shown with its illustrative path to 2029 instead: ``geo.sample.schedule_for_sample``)."""
    s = connection.store_or_none()
    sched = inforce.schedule(s, change_token() if s is not None else None)
    return sample.schedule_for_sample(sched) if source().is_sample else sched


def commitments_in_force() -> commitments.Commitments:
    """The published commitments (who pays), else none."""
    s = connection.store_or_none()
    return inforce.commitments_in_force(s, change_token() if s is not None else None)


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
