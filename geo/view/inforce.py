"""The data in force: which tables a view is classified from, for pages, HTTP and the CLI alike.

In order: the published versions in the store (the latest per level and period, or the data as it stood at
the version a link pins), else the shipped sample tables (always labelled). A table a visitor uploads for a
preview is wrapped the same way (:func:`of_upload`), so every later step takes one kind of value.
Everything is cached on the store's change token in bounded LRUs: twenty people opening one link share it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo import LEVELS, boundaries, commitments, pace, ranking, sample, settings, targets, trend
from geo.classify import AREA_COLUMNS
from geo.join import JoinResult, join
from geo.lru import LRU
from geo.period import latest, ordered, sort_key
from geo.sample import ensure_samples
from geo.store import Store, StoreError, Version
from geo.table import CoverageTable, read_table

from . import connection

Message = tuple[str, dict]  # a text key of geo/text.py and its parameters


@dataclass(frozen=True)
class Data:
    """The tables a view is classified from, and what identifies them (caches are keyed on ``key``)."""

    key: str
    is_sample: bool
    matched: dict[str, pd.DataFrame] = field(repr=False, compare=False, hash=False)
    versions: dict[str, dict[str, Version]] = field(repr=False, compare=False, hash=False)  # level -> period -> v
    pinned: int | None  # the version the link pins, when it is a live coverage version
    schedule: targets.Schedule = field(repr=False, compare=False, hash=False)
    periods: tuple[str, ...]
    messages: tuple[Message, ...] = ()  # why a pin was not followed, or that the store is unreachable

    @property
    def is_published(self) -> bool:
        return bool(self.versions)

    @property
    def in_force(self) -> tuple[tuple[str, str, int], ...]:
        """(level, period, version id) of every published table in force."""
        return tuple(sorted((lv, p, v.id) for lv, per in self.versions.items() for p, v in per.items()))

    def version_for(self, level: str, period: str | None) -> Version | None:
        """The version a ``level`` view of ``period`` shows: its own level's, else the finer one rolled up."""
        for lv in LEVELS[LEVELS.index(level) :]:
            if per := self.versions.get(lv):
                return per.get(period if period is not None else latest(per))
        return None

    def latest_period(self) -> str | None:
        """The period a view without one shows."""
        return self.periods[-1] if self.periods else None

    def period_or_latest(self, period: str | None) -> str | None:
        """The period asked for when the data has it, else the latest."""
        return period if period in self.periods else self.latest_period()

    def workers_note(self, level: str, lang: str) -> str | None:
        """What the workers of ``level`` count, when they are the village ecosystem."""
        return targets.workers_note(self.matched.keys(), level, lang)


@lru_cache(maxsize=4)
def areas(level: str) -> pd.DataFrame:
    """A level's areas without geometry (kode, nama, parents): the same for every viewer."""
    return boundaries.areas(level)[AREA_COLUMNS]


@lru_cache(maxsize=1)
def sample_tables() -> dict[str, tuple[CoverageTable, JoinResult]]:
    """The shipped sample tables, read and joined once per process (kabupaten and desa).

    Twelve months of 2,130 desa take seconds to read and join row by row, so the result is kept next to the
    tables, keyed on their bytes, the boundaries and the code that reads and joins them (any change to
    ``geo/`` builds it again): a new process loads it in a blink."""
    paths = ensure_samples()
    digest = hashlib.sha256()
    for level, path in sorted(paths.items()):
        digest.update(path.read_bytes())
        digest.update(pd.util.hash_pandas_object(areas(level), index=False).to_numpy().tobytes())
    for source in sorted(Path(__file__).resolve().parents[1].rglob("*.py")):
        digest.update(source.read_bytes())
    kept = next(iter(paths.values())).parent / f"joined-{digest.hexdigest()[:20]}.pickle"
    try:
        return pickle.loads(kept.read_bytes())  # noqa: S301 - written by this app into its own cache
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    out = {}
    for level, path in paths.items():
        table = read_table(path)
        out[level] = (table, join(table, level, areas(level)))
    for old in kept.parent.glob("joined-*.pickle"):
        old.unlink(missing_ok=True)
    tmp = kept.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(kept)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only cache: read and join again next time
    return out


def periods_of(matched: Mapping[str, pd.DataFrame]) -> tuple[str, ...]:
    """Every period in the tables, in time order (``geo.period``: a year after its December)."""
    found: set[str] = set()
    for frame in matched.values():
        found.update(str(p) for p in frame["periode"].dropna().unique())  # unique first: 12 months of 2,130 desa
    return tuple(ordered(found))


# --- the schedule in force ----------------------------------------------------------------------------

_schedules: LRU[tuple, targets.Schedule] = LRU(8)


def schedule(s: Store | None = None, token: str | None = None) -> targets.Schedule:
    """The target schedule in force: published in the store, else ``KALBAR_TARGETS``, else the shipped one."""
    if s is None:
        s = connection.store_or_none()
        token = connection.change_token(s) if s is not None else None
    env_file = settings.targets_file() or ""
    key = (s.display_url if s is not None else "", token, env_file, _file_stamp(env_file))
    if (hit := _schedules.get(key)) is not None:
        return hit
    published = None
    if s is not None and token is not None:
        try:
            published = s.target_schedule()
        except StoreError:
            published = None
    return _schedules.put(key, targets.in_force(published, env_file or None))


_commitments: LRU[tuple, commitments.Commitments] = LRU(8)


def commitments_in_force(s: Store | None = None, token: str | None = None) -> commitments.Commitments:
    """The published commitments (who pays), else none: commitments come only from editors."""
    if s is None:
        s = connection.store_or_none()
        token = connection.change_token(s) if s is not None else None
    if s is None or token is None:
        return commitments.empty()
    key = (s.display_url, token)
    if (hit := _commitments.get(key)) is not None:
        return hit
    try:
        found = commitments.in_force(s.commitments())
    except StoreError:
        return commitments.empty()
    return _commitments.put(key, found)


def _file_stamp(path: str) -> float:
    """An edited schedule file is read again (its modification time keys the cache)."""
    if not path:
        return 0.0
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0


# --- the data in force ----------------------------------------------------------------------------------

_data: LRU[tuple, Data] = LRU(8)


def data_in_force(pinned: int | None = None, token: str | None = None) -> Data:
    """Published data (as of ``pinned`` when that is a live coverage version), else the sample tables.

    ``token``: the change token the caller already holds (a page's run asks once); else it is asked now.
    """
    s = connection.store_or_none()
    messages: tuple[Message, ...] = ()
    if s is None:
        try:
            connection.store()
        except StoreError as exc:
            messages = (("store.unreachable", {"error": exc}),)
    elif token is None:
        token = connection.change_token(s)
    sched = schedule(s, token)
    # the configured database, reachable or not: a failure names its own database (and a second store is no first)
    cache_key = (connection.database_url(), token, pinned, sched.key, bool(messages))
    if (hit := _data.get(cache_key)) is not None:
        return hit
    return _data.put(cache_key, _read(s, token, pinned, sched, messages))


def _read(s: Store | None, token: str | None, pinned: int | None, sched: targets.Schedule, messages) -> Data:
    current: dict[str, dict[str, Version]] = {}
    rows: dict[str, pd.DataFrame] = {}
    if s is not None and token is not None:
        try:
            if pinned is not None:
                v = s.version(pinned)
                if v is None or v.kind != "coverage":
                    messages += (("version.unknown", {"v": pinned}),)
                    pinned = None  # the page says why and shows the latest
                elif v.retracted:
                    messages += (("version.retracted", {"v": pinned}),)
                    pinned = None
            current = s.current(as_of=pinned)
            for level, per in current.items():
                parts = []
                for period, version in per.items():
                    frame = s.rows(version.id)
                    parts.append(frame[frame["periode"].astype(str) == period])
                rows[level] = pd.concat(parts, ignore_index=True)
        except StoreError as exc:
            current, rows = {}, {}
            messages += (("store.unreachable", {"error": exc}),)
    if rows:
        in_force = sorted((lv, p, v.id) for lv, per in current.items() for p, v in per.items())
        # the database is part of the key: version 1 of one store is not version 1 of another
        key = "pub-" + hashlib.sha256(repr((s.display_url, in_force, sched.key)).encode()).hexdigest()[:16]
        return Data(key, False, rows, current, pinned, sched, periods_of(rows), messages)
    matched = {level: result.matched for level, (_t, result) in sample_tables().items()}
    sched = sample.schedule_for_sample(sched)  # its illustrative path to 2029, unless one was published or set
    key = "sample-" + hashlib.sha256(repr(sched.key).encode()).hexdigest()[:16]
    return Data(key, True, matched, {}, None, sched, periods_of(matched), messages)


def of_upload(key: str, tables: Mapping[str, tuple[CoverageTable, JoinResult]]) -> Data:
    """A visitor's uploaded table as the data a preview shows (with the schedule in force)."""
    sched = schedule()
    matched = {level: result.matched for level, (_t, result) in tables.items()}
    full = "upload-" + hashlib.sha256(repr((key, sched.key)).encode()).hexdigest()[:16]
    return Data(full, False, matched, {}, None, sched, periods_of(matched))


# --- classified areas -----------------------------------------------------------------------------------

_classified: LRU[tuple, pd.DataFrame] = LRU(
    64, max_bytes=64 * 2**20, size_of=lambda f: int(f.memory_usage(index=True, deep=False).sum())
)


def classified(d: Data, level: str, period: str | None, what_if: float | None) -> pd.DataFrame:
    """Every area of ``level`` with its target (``what_if`` for all, else the schedule), from that level's own
    table or rolled up from a finer one, with the change since the previous period where there is one."""
    key = (d.key, level, period, what_if)
    if (hit := _classified.get(key)) is not None:
        return hit
    frame = targets.classify_level(d.matched, areas, level, period, what_if, d.schedule)
    if level in d.matched and period is not None:
        change = ranking.change_since_previous(d.matched[level], period, list(d.periods))
        if len(change):
            frame = frame.assign(change_pp=frame["kode"].map(change))
    return _classified.put(key, frame)


_trends: LRU[tuple, pd.DataFrame] = LRU(64)


def trend_series(d: Data, level: str, scope: str | None, what_if: float | None) -> pd.DataFrame:
    """Coverage against target per period of the province or ``scope`` (``geo.trend.series``), from ``level``'s
    areas. Built once per data, level and scope on the schedule's targets: a what-if target is every area's
    target, so its series is the same figures with that target (a re-run after a target change classifies no
    period again: with 60 months that was 60 classifications per re-run)."""
    key = (d.key, level, scope)
    base = _trends.get(key)
    if base is None:
        frames = {p: classified(d, level, p, None) for p in d.periods}
        base = _trends.put(key, trend.series(frames, scope))
    return base if what_if is None else base.assign(target=float(what_if))


# --- the published series and its pace (geo.pace) -------------------------------------------------------

_series: LRU[tuple, dict[str, pd.DataFrame]] = LRU(8)
_paced: LRU[tuple, pd.DataFrame] = LRU(16)
_totals: LRU[tuple, pd.Series | None] = LRU(64)


def series(d: Data, level: str) -> dict[str, pd.DataFrame]:
    """Period -> the figures of ``level``'s areas in that period (kode, peserta_aktif, tenaga_kerja): its own
    table's rows, else a finer table's summed to it (as ``targets.classify_level`` rolls up, areas with both
    figures only). Built once per data and level: the pace reads every period at once."""
    key = (d.key, level)
    if (hit := _series.get(key)) is not None:
        return hit
    source = targets.counted_from(d.matched.keys(), level)
    out: dict[str, pd.DataFrame] = {}
    if source is not None:
        rows = d.matched[source][["kode", "periode", "peserta_aktif", "tenaga_kerja"]].copy()
        rows["periode"] = rows["periode"].astype(str)
        for col in ("peserta_aktif", "tenaga_kerja"):
            rows[col] = pd.to_numeric(rows[col], errors="coerce")
        rows = rows.drop_duplicates(["kode", "periode"])  # classify keeps an area's first row of a period
        if source != level:
            parent = "kode_kab" if level == "kabupaten" else "kode_kec"
            rows = rows[rows["peserta_aktif"].notna() & rows["tenaga_kerja"].notna()]
            rows["kode"] = rows["kode"].astype(str).map(areas(source).set_index("kode")[parent])
            rows = (
                rows.dropna(subset=["kode"])
                .groupby(["periode", "kode"], as_index=False)[["peserta_aktif", "tenaga_kerja"]]
                .sum()
            )
        out = {str(p): g.drop(columns="periode").reset_index(drop=True) for p, g in rows.groupby("periode")}
    return _series.put(key, out)


def series_until(d: Data, level: str, period: str | None) -> dict[str, pd.DataFrame]:
    """:func:`series` up to ``period`` (None: every period): a view of an earlier period sees the pace it had."""
    frames = series(d, level)
    if period is None:
        return frames
    until = sort_key(period)
    return {p: f for p, f in frames.items() if sort_key(p) <= until}


def paced(d: Data, level: str, period: str | None = None) -> pd.DataFrame:
    """Every area of ``level`` with figures: its pace as of ``period`` (None: the latest), this year's and the
    schedule's last year's target (``geo.pace.by_area``), on the schedule in force; once per data and level."""
    key = (d.key, level, period)
    if (hit := _paced.get(key)) is not None:
        return hit
    return _paced.put(key, pace.by_area(series_until(d, level, period), d.schedule))


def pace_total(d: Data, level: str, scope: str | None, period: str | None = None) -> pd.Series | None:
    """The pace of the province (``scope`` None) or of ``scope``, summed from ``level``'s areas."""
    key = (d.key, level, scope, period)
    if (hit := _totals.get(key)) is not None:
        return hit
    return _totals.put(key, pace.total(series_until(d, level, period), d.schedule, scope))


_lines: LRU[tuple, pd.DataFrame] = LRU(32)


def pace_lines(d: Data, level: str, scope: str | None, period: str | None = None) -> pd.DataFrame:
    """The path chart's lines (``geo.pace.path_lines``) of the province or ``scope``, once per data and view."""
    key = (d.key, level, scope, period)
    if (hit := _lines.get(key)) is not None:
        return hit
    return _lines.put(key, pace.path_lines(series_until(d, level, period), d.schedule, scope))
