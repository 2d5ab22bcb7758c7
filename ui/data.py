"""Cached data for the pages: boundaries once per process, tables per upload, views per input."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from geo import LEVELS, boundaries, classify, maps, ranking
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


@st.cache_resource(show_spinner=False, max_entries=16)
def periods(source: Source) -> list[str]:
    """Periods of a source; cached: every run asks for them several times."""
    found: set[str] = set()
    for _, result in level_tables(source).values():
        found.update(result.matched["periode"].dropna().astype(str))
    return sorted(found)


@st.cache_resource(show_spinner=False, max_entries=64)
def classified(source: Source, level: str, target: float, period: str | None) -> pd.DataFrame:
    """Every area of ``level``, from that level's own table, else rolled up from a finer one."""
    tables = level_tables(source)
    if level in tables:
        return classify.classify(tables[level][1].matched, areas(level), target, period)
    finer = [lvl for lvl in LEVELS[LEVELS.index(level) + 1 :] if lvl in tables]
    if not finer:
        return classify.classify(pd.DataFrame(columns=["kode", "periode"]), areas(level), target, period)
    base = classified(source, finer[0], target, period)
    key = "kode_kab" if level == "kabupaten" else "kode_kec"
    return classify.aggregate(base, areas(level), key, target)


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



def frame_digest(frame: pd.DataFrame) -> str:
    """Content hash of a classified table (< 1 ms): the key for views of it that every viewer shares.

    Codes fix the names; the numbers and statuses are hashed as they are.
    """
    digest = hashlib.sha1(repr(list(frame.columns)).encode())
    for col in ("kode", "status", "periode"):
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
