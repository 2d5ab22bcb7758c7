"""The join report under a map: how the table in view matched the official areas, row by row.

For an upload or the sample, the live join; for published data, the report stored with each
version in force (see geo/report.py for how reports are built).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import fmt
from geo.access import EDITOR, at_least
from geo.report import reason_counts, report_frame, report_notes
from geo.text import t

from . import auth, blocks, cache, safe, session

PROBLEMS = ("unmatched", "ambiguous", "invalid", "duplicate")


def _problems(summary: dict) -> int:
    return sum(summary.get(k, 0) for k in PROBLEMS)


def _summary_line(summary: dict, lang: str, rows: int | None = None) -> str:
    return t(
        "join.summary",
        lang,
        rows=summary.get("rows", rows if rows is not None else 0),
        matched=summary.get("matched", 0),
        unmatched=summary.get("unmatched", 0),
        ambiguous=summary.get("ambiguous", 0),
        invalid=summary.get("invalid", 0),
        duplicate=summary.get("duplicate", 0),
    )


def stored_reports(level: str, lang: str) -> None:
    """For published data: the join report stored with each version in force at ``level``; its rows' own text
    and the file name for editors and admins only (a published table's unmatched cells are not the public's)."""
    src = session.source()
    editor = at_least(auth.role(auth.current()), EDITOR)
    for vid in sorted({v for lv, _p, v in src.published if lv == level}):
        version = session.version_info(vid)
        report = session.stored_report(vid)
        s = report.get("summary", {})
        title = t("join.title", lang) + " — " + t(f"level.{level}", lang) + f" · v{vid}"
        with st.expander(title, expanded=False):
            if not editor:  # visitors and viewers: counts and kinds of reason only, never the table's text
                st.text(_summary_line(s, lang))
                if _problems(s):
                    blocks.table(reason_counts(report, lang), lang)
                st.caption(t("join.stored_counts_only", lang))
                continue
            st.text(t("publish.report_stored", lang, id=vid, file=version.filename if version else "?"))
            st.text(_summary_line(s, lang))
            for note in report_notes(report, lang):
                st.caption(safe.md(note))
            if _problems(s):  # the rows left out, in the page's language
                blocks.table(report_frame(report, lang, problems_only=True), lang)


def join_report(level: str, lang: str) -> None:
    src = session.source()
    if src.is_published:
        stored_reports(level, lang)
        return
    tables = cache.level_tables(src)
    if level not in tables:
        return
    table, result = tables[level]
    s = result.summary()
    title = t("join.title", lang) + " — " + t(f"level.{level}", lang)
    with st.expander(title, expanded=_problems(s) > 0 and not src.is_sample):
        st.write(_summary_line(s, lang, rows=len(result.report)))
        for note in table.read_notes(lang):  # column names come from the file: plain text
            st.caption(safe.md(note))
        issues = [i for i in table.issues if i.severity == "error"]
        if issues:
            rows = pd.DataFrame(
                {
                    t("report.col.row", lang): pd.array([i.row for i in issues], dtype="Int64"),  # None: "–"
                    t("col.column", lang): [i.column for i in issues],
                    t("col.problem", lang): [i.message(lang) for i in issues],
                }
            )
            blocks.table(rows, lang)
        for note in (i for i in table.issues if i.code == "table.period_day"):  # dates read as their month
            st.text(note.message(lang))
        not_ok = cache.join_report_messages(src, level, lang)
        if len(not_ok):
            blocks.table(not_ok, lang)
        missing = sum(len(v) for v in result.areas_without_data.values())
        st.caption(t("join.no_data_areas", lang, n=fmt.number(missing, lang)))
