"""Computations that are the same for every viewer, cached once per process.

Keys are what the result depends on: the source's key (content hash or versions in force), the
level, target and period, and for frames a content digest. Twenty people opening one link at the
start of a briefing share every entry here; bounded by ``max_entries`` where keys vary.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from geo import boundaries, maps, ranking, report, targets
from geo.join import JoinResult, join
from geo.period import sort_key as period_sort_key
from geo.sample import ensure_samples
from geo.table import CoverageTable, read_table

from . import uploads
from .session import Source, published_rows, target_schedule

ATTRS = ["kode", "nama", "jenis", "kode_kab", "kode_kec", "nama_kab", "nama_kec"]


@st.cache_resource(show_spinner=False)
def areas(level: str) -> pd.DataFrame:
    """A level's areas without geometry (kode, nama, parents): the same for every viewer."""
    return boundaries.areas(level)[ATTRS]


def level_tables(source: Source, wait: bool = True) -> dict[str, tuple[CoverageTable, JoinResult]]:
    """The tables a source provides, joined; sample: kabupaten and desa; published: none (see published_rows);
    an upload: its level, from the small LRU of ``ui/uploads`` (``wait=False``: ``uploads.Busy`` when every
    parse slot is taken)."""
    if source.is_published:
        return {}
    if source.is_sample:
        return _sample_tables()
    return uploads.tables(source, areas, wait=wait)


@st.cache_resource(show_spinner=False)
def _sample_tables() -> dict[str, tuple[CoverageTable, JoinResult]]:
    out = {}
    for level, path in ensure_samples().items():
        table = read_table(path)
        out[level] = (table, join(table, level, areas(level)))
    return out


def matched_tables(source: Source) -> dict[str, pd.DataFrame]:
    """The matched rows per level, whatever the source."""
    if source.is_published:
        return published_rows(source)
    return {level: result.matched for level, (_t, result) in level_tables(source).items()}


@st.cache_resource(show_spinner=False, max_entries=64)
def workers_note(source: Source, level: str, lang: str) -> str | None:
    """Say the workers are the village ecosystem when ``level``'s figures come from the desa table."""
    return targets.workers_note(matched_tables(source).keys(), level, lang)


@st.cache_resource(show_spinner=False, max_entries=16)
def periods(source: Source) -> list[str]:
    """Periods of a source; cached: every run asks for them several times."""
    found: set[str] = set()
    for matched in matched_tables(source).values():
        found.update(matched["periode"].dropna().astype(str))
    return sorted(found, key=period_sort_key)


def classified(source: Source, level: str, target: float | None, period: str | None) -> pd.DataFrame:
    """Every area of ``level`` with its target: ``target`` as a what-if for all, else the schedule."""
    sched = target_schedule() if target is None else None
    return _classified(source, level, target, period, sched.key if sched is not None else None, sched)


@st.cache_resource(show_spinner=False, max_entries=64)
def _classified(
    source: Source,
    level: str,
    target: float | None,
    period: str | None,
    schedule_key: tuple | None,  # noqa: ARG001 - keys the cache
    _schedule: targets.Schedule | None,
) -> pd.DataFrame:
    """From that level's own table, else rolled up from a finer one (``targets.classify_level``)."""
    return targets.classify_level(matched_tables(source), areas, level, period, target, _schedule)


@st.cache_resource(show_spinner=False, max_entries=32)
def change_pp(source: Source, level: str, period: str | None) -> pd.Series:
    tables = matched_tables(source)
    if level not in tables or period is None:
        return pd.Series(dtype=float)
    return ranking.change_since_previous(tables[level], period, periods(source))


@st.cache_resource(show_spinner=False, max_entries=32)
def map_payload(
    frame_key: tuple, _frame: pd.DataFrame, opts: maps.MapOptions, dim: frozenset[str] = frozenset()
) -> tuple[str, bytes]:
    """(the map's payload, its features file), cached on what they depend on; the geometry and the features
    travel as files of their own (geo/mapgeo): the caller holds the features file on every run."""
    return maps.coverage_parts(_frame, opts, set(dim))


@st.cache_resource(show_spinner=False, max_entries=16)
def scenario_payload(key: tuple, _after: pd.DataFrame, opts: maps.MapOptions) -> str:
    """The scenario map's features (coverage after the allocation), cached on the view and the plan's inputs."""
    return maps.coverage_payload(_after, opts)


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
    """The join report's rows that did not match, headers, statuses and reasons in ``lang``; once per process."""
    return report.report_frame(report.result_report(level_tables(source)[level][1], lang), lang, problems_only=True)


@st.cache_resource(show_spinner=False, max_entries=128)
def ranked_tables(
    digest: str, _frame: pd.DataFrame, level: str, lang: str, n: int = 10
) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """(labelled table with totals, labelled top-``n`` priorities, their share of the gap), once per process.

    A new session showing the same view (a briefing room opening one link) reuses them.
    """
    table = ranking.area_table(_frame, level)
    shown = ranking.labelled(table, lang, with_totals=_frame)
    top, share = ranking.priorities(table, n)
    top_shown = ranking.labelled(top[["rank", "nama", "parent", "cakupan", "target_efektif", "gap"]], lang)
    return shown, top_shown, share


def target_note(frame: pd.DataFrame, lang: str) -> str:
    """Where the targets in view came from, for the legend and exports (one group-by per frame and language)."""
    return _target_note(frame_digest(frame), frame, lang)


@st.cache_resource(show_spinner=False, max_entries=256)
def _target_note(digest: str, _frame: pd.DataFrame, lang: str) -> str:
    return targets.legend_label(_frame, lang)
