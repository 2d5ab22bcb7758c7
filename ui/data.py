"""Cached data for the pages: boundaries once per process, tables per upload, views per input."""

from __future__ import annotations

import hashlib
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
    """Where the coverage figures come from: the sample tables, or one uploaded file."""

    key: str  # content hash, so caches follow the data and not the file name
    name: str
    is_sample: bool
    level: str | None = None  # level of the uploaded table
    content: bytes = field(default=b"", repr=False, compare=False, hash=False)


SAMPLE = Source("sample", "contoh", True)


def upload_source(name: str, content: bytes, level: str) -> Source:
    return Source(hashlib.sha256(content).hexdigest()[:16] + level, name, False, level, content)


@st.cache_resource(show_spinner=False)
def areas(level: str) -> pd.DataFrame:
    gdf = boundaries.load(level)
    return pd.DataFrame(gdf[ATTRS])


@st.cache_resource(show_spinner=False)
def level_tables(source: Source) -> dict[str, tuple[CoverageTable, JoinResult]]:
    """The tables a source provides, joined; sample: kabupaten and desa."""
    out = {}
    if source.is_sample:
        for level, path in ensure_samples().items():
            table = read_table(path)
            out[level] = (table, join(table, level, areas(level)))
    else:
        table = read_table(source.content, filename=source.name)
        out[source.level] = (table, join(table, source.level, areas(source.level)))
    return out


def periods(source: Source) -> list[str]:
    found: set[str] = set()
    for _, result in level_tables(source).values():
        found.update(result.matched["periode"].dropna().astype(str))
    return sorted(found)


def target_schedule() -> targets.Schedule:
    """The target schedule in force (store, else $KALBAR_TARGETS, else shipped); re-read every 15 s."""
    import os

    from geo.store import URL_ENV

    return _target_schedule(os.environ.get(targets.ENV_FILE, ""), os.environ.get(URL_ENV, ""))


@st.cache_resource(show_spinner=False, ttl=15)
def _target_schedule(env_file: str, database: str) -> targets.Schedule:
    """Keyed on where the schedule can come from; a publish shows within 15 s."""
    return targets.current_schedule()


def classified(source: Source, level: str, target: float | None, period: str | None) -> pd.DataFrame:
    """Every area of ``level`` with its target: ``target`` as a what-if for all, else the schedule."""
    sched = target_schedule() if target is None else None
    return _classified(source, level, target, period, sched.key if sched is not None else None, sched)


@st.cache_resource(show_spinner=False, max_entries=64)
def _classified(source: Source, level: str, target: float | None, period: str | None, schedule_key: tuple | None,
                _schedule: targets.Schedule | None) -> pd.DataFrame:
    """From that level's own table, else rolled up from a finer one (``targets.classify_level``)."""
    tables = {lvl: result.matched for lvl, (_table, result) in level_tables(source).items()}
    return targets.classify_level(tables, areas, level, period, target, _schedule)


@st.cache_resource(show_spinner=False, max_entries=32)
def change_pp(source: Source, level: str, period: str | None) -> pd.Series:
    tables = level_tables(source)
    if level not in tables or period is None:
        return pd.Series(dtype=float)
    return ranking.change_since_previous(tables[level][1].matched, period, periods(source))


@st.cache_resource(show_spinner=False, max_entries=32)
def map_payload(frame_key: tuple, _frame: pd.DataFrame, opts: maps.MapOptions, dim: frozenset[str] = frozenset()) -> str:
    """The heavy part of a map (features + encoded geometry), cached on what it depends on."""
    return maps.coverage_payload(_frame, opts, set(dim))

