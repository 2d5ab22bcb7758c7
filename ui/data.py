"""Cached data for the pages: boundaries once per process, tables per upload, views per input.

Where the figures come from, in order: a table uploaded in this session (a preview), else the
published data in the store (the latest per period, or as of the version a link pins), else the
sample tables. The store is opened once per process; each re-run asks it only for its change
token (one single-row query, at most once a second per process), and the published frames are
cached on the versions in force, so a version published by another process shows on the next
re-run without a restart.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from geo import LEVELS, boundaries, maps, ranking, targets
from geo.join import JoinResult, join
from geo.sample import ensure_samples
from geo.table import CoverageTable, read_table

ATTRS = ["kode", "nama", "jenis", "kode_kab", "kode_kec", "nama_kab", "nama_kec"]


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
TOKEN_TTL_S = 1.0  # a new version shows within this (plus one re-run) in every process
RETRY_OPEN_S = 10.0  # after a failed open, how long pages show the error before trying again


def upload_source(name: str, content: bytes, level: str) -> Source:
    return Source(hashlib.sha256(content).hexdigest()[:16] + level, name, False, level, content)


@st.cache_resource(show_spinner=False)
def areas(level: str) -> pd.DataFrame:
    gdf = boundaries.load(level)
    return pd.DataFrame(gdf[ATTRS])


# --- the store ----------------------------------------------------------------------------------

_lock = threading.Lock()
_failed: dict[str, tuple[float, Exception]] = {}  # url -> (monotonic time, StoreError) after a failed open
_token: dict[str, tuple[float, str]] = {}  # url -> (monotonic time, change token)


@st.cache_resource(show_spinner=False)
def _open_store(url: str):
    from geo.store import open_store

    return open_store(url)


_URL_MEMO_S = 5.0  # how long a resolved database URL is reused (secrets.toml is re-read after that)
_url_memo: dict[str, tuple[float, str]] = {}


def _store_url() -> str:
    """resolve_url() reads the environment and secrets.toml: once per few seconds per process, not ~20× per run."""
    import os

    from geo.store import URL_ENV, resolve_url

    env = os.environ.get(URL_ENV, "")
    hit = _url_memo.get(env)
    now = time.monotonic()
    if hit is None or now - hit[0] > _URL_MEMO_S:
        hit = (now, resolve_url())
        _url_memo[env] = hit
    return hit[1]


def store():
    """The process's store, or the StoreError saying why not (never raises)."""
    from geo.store import StoreError

    url = _store_url()  # the setting decides, not whatever was opened first
    with _lock:
        failed = _failed.get(url)
        if failed is not None and time.monotonic() - failed[0] < RETRY_OPEN_S:
            return failed[1]
    try:
        return _open_store(url)
    except StoreError as exc:
        with _lock:
            _failed[url] = (time.monotonic(), exc)
        return exc


_RUN_TOKEN = "_pjk_change_token"


def begin_run() -> None:
    """Called once at the top of every run (app.py): the one version check of this re-run."""
    st.session_state[_RUN_TOKEN] = _token_now()
    st.session_state.pop(RUN_MEMO, None)  # per-run answers (e.g. which data this run shows) start afresh
    st.session_state.pop(AFTER_PAGE, None)  # left by a run cut short (st.rerun): its containers are gone


RUN_MEMO = "_pjk_run_memo"  # answers that hold for one run of one session (cleared by begin_run)
AFTER_PAGE = "_pjk_after_page"  # what views.after_page deferred to the end of this run


def refresh_now() -> None:
    """After this process published/retracted something: the next run checks at once (no 1 s wait)."""
    with _lock:
        _token.clear()
    st.session_state.pop(_RUN_TOKEN, None)
    st.session_state.pop(RUN_MEMO, None)


def change_token() -> str | None:
    """This run's change token (see begin_run); None without a store."""
    if _RUN_TOKEN in st.session_state:
        return st.session_state[_RUN_TOKEN]
    return _token_now()


def _token_now() -> str | None:
    """The store's change token, asked at most once per TOKEN_TTL_S per process; None without a store."""
    from geo.store import StoreError

    s = store()
    if isinstance(s, StoreError):
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


@st.cache_resource(show_spinner=False, max_entries=64)
def _published(url: str, token: str | None, as_of: int | None) -> Source | None:
    """The published data in force (as of ``as_of``); cached per database and change token."""
    current = store().current(as_of=as_of)
    if not current:
        return None
    rows = tuple(sorted((level, period, v.id) for level, per in current.items() for period, v in per.items()))
    key = "pub-" + hashlib.sha256(repr((url, rows)).encode()).hexdigest()[:16]
    return Source(key, "published", False, published=rows, as_of=as_of)


def published_source(as_of: int | None = None) -> tuple[Source | None, list[str]]:
    """(the published data or None, message keys+params to show). Never raises: problems become messages."""
    from geo.store import StoreError

    messages: list[tuple[str, dict]] = []
    s = store()
    if isinstance(s, StoreError):
        return None, [("store.unreachable", {"detail": str(s)})]
    try:
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
        return None, [("store.unreachable", {"detail": str(exc)})]


def version_info(version_id: int):
    """A Version record (cached: versions never change except for the retracted flag, keyed by token)."""
    return _version_info(store().display_url, change_token() or "", version_id)


@st.cache_resource(show_spinner=False, max_entries=256)
def _version_info(url: str, token: str, version_id: int):  # noqa: ARG001 - url+token key the cache
    return store().version(version_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def versions_list(url: str, token: str) -> list:  # noqa: ARG001 - url+token key the cache
    """Published coverage versions still in force or pinnable (not retracted), newest first."""
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
    for lv in LEVELS[LEVELS.index(level):]:
        if per := by_level.get(lv):
            return per.get(period if period is not None else max(per))
    return None


def matched_tables(source: Source) -> dict[str, pd.DataFrame]:
    """The matched rows per level, whatever the source."""
    if source.is_published:
        return published_rows(source)
    return {level: result.matched for level, (_t, result) in level_tables(source).items()}


@st.cache_resource(show_spinner=False)
def level_tables(source: Source) -> dict[str, tuple[CoverageTable, JoinResult]]:
    """The tables a source provides, joined; sample: kabupaten and desa; published: none (see published_rows)."""
    out = {}
    if source.is_published:
        return out
    if source.is_sample:
        for level, path in ensure_samples().items():
            table = read_table(path)
            out[level] = (table, join(table, level, areas(level)))
    else:
        table = read_table(source.content, filename=source.name)
        out[source.level] = (table, join(table, source.level, areas(source.level)))
    return out


@st.cache_resource(show_spinner=False, max_entries=16)
def periods(source: Source) -> list[str]:
    """Periods of a source; cached: every run asks for them several times."""
    found: set[str] = set()
    for matched in matched_tables(source).values():
        found.update(matched["periode"].dropna().astype(str))
    return sorted(found)


def target_schedule() -> targets.Schedule:
    """The target schedule in force (store, else $KALBAR_TARGETS, else shipped); re-read every 15 s."""
    import os

    from geo.store import URL_ENV

    return _target_schedule(os.environ.get(targets.ENV_FILE, ""), os.environ.get(URL_ENV, ""))


@st.cache_resource(show_spinner=False, ttl=15)
def _target_schedule(env_file: str, database: str) -> targets.Schedule:
    """Keyed on where the schedule can come from; a publish shows within 15 s."""
    from geo.store import StoreError

    s = store()
    try:
        published = None if isinstance(s, StoreError) else s.target_schedule()
    except StoreError:
        published = None
    return targets.in_force(published, env_file or None)


def classified(source: Source, level: str, target: float | None, period: str | None) -> pd.DataFrame:
    """Every area of ``level`` with its target: ``target`` as a what-if for all, else the schedule."""
    sched = target_schedule() if target is None else None
    return _classified(source, level, target, period, sched.key if sched is not None else None, sched)


@st.cache_resource(show_spinner=False, max_entries=64)
def _classified(source: Source, level: str, target: float | None, period: str | None, schedule_key: tuple | None,
                _schedule: targets.Schedule | None) -> pd.DataFrame:
    """From that level's own table, else rolled up from a finer one (``targets.classify_level``)."""
    tables = matched_tables(source)
    return targets.classify_level(tables, areas, level, period, target, _schedule)


@st.cache_resource(show_spinner=False, max_entries=32)
def change_pp(source: Source, level: str, period: str | None) -> pd.Series:
    tables = matched_tables(source)
    if level not in tables or period is None:
        return pd.Series(dtype=float)
    return ranking.change_since_previous(tables[level], period, periods(source))


@st.cache_resource(show_spinner=False, max_entries=32)
def map_payload(frame_key: tuple, _frame: pd.DataFrame, opts: maps.MapOptions, dim: frozenset[str] = frozenset()) -> str:
    """The heavy part of a map (features + encoded geometry), cached on what it depends on."""
    return maps.coverage_payload(_frame, opts, set(dim))



def frame_digest(frame: pd.DataFrame) -> str:
    """Content hash of a classified table (< 1 ms): the key for views of it that every viewer shares.

    Codes fix the names; the numbers and statuses are hashed as they are.
    """
    digest = hashlib.sha1(repr(list(frame.columns)).encode())
    for col in ("kode", "status", "periode", "target_sumber", "target_sumber_en"):  # strings shown in tables and notes
        if col in frame:
            digest.update("\n".join(map(str, frame[col].tolist())).encode())
    numbers = frame.select_dtypes(include=["number", "bool"])
    digest.update(numbers.to_numpy(dtype="float64", na_value=float("nan")).tobytes())
    return digest.hexdigest()


@st.cache_resource(show_spinner=False, max_entries=32)
def join_report_messages(source: Source, level: str, lang: str) -> pd.DataFrame:
    """The join report's rows that did not match, reasons in ``lang``; once per process."""
    report = level_tables(source)[level][1].report_messages(lang)
    return report[report["status"] != "matched"]


@st.cache_resource(show_spinner=False, max_entries=128)
def ranked_tables(digest: str, _frame: pd.DataFrame, level: str, lang: str, n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """(labelled table with totals, labelled top-``n`` priorities, their share of the gap), once per process.

    A new session showing the same view (a briefing room opening one link) reuses them.
    """
    table = ranking.area_table(_frame, level)
    shown = ranking.labelled(table, lang, with_totals=_frame)
    top, share = ranking.priorities(table, n)
    top_shown = ranking.labelled(top[["rank", "nama", "parent", "cakupan", "target_efektif", "gap"]], lang)
    return shown, top_shown, share


@st.cache_resource(show_spinner=False, max_entries=256)
def target_note(digest: str, _frame: pd.DataFrame, lang: str) -> str:
    """targets.legend_label of a classified frame, once per process for every viewer of it."""
    return targets.legend_label(_frame, lang)
