"""The publishing page's commitments section: who pays, published like the target schedule
(upload, every bad row and column listed, publish as the signed-in editor; a template to download).

Everything from the file (funder spellings, notes) is shown in dataframes, never as Markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import commitments, fmt
from geo.text import t

from . import auth, blocks, safe, session, uploads


def table(c: commitments.Commitments, lang: str) -> pd.DataFrame:
    """Commitment rows with translated headers and funder names, for the screen."""
    rows = c.rows.sort_values(["tahun", "penyandang_dana", "kode"])
    return pd.DataFrame(
        {
            t("commit.col.year", lang): rows["tahun"].astype(int).astype(str),
            t("commit.col.funder", lang): [commitments.funder_label(f, lang) for f in rows["penyandang_dana"]],
            t("col.kode", lang): rows["kode"],
            t("commit.col.people", lang): rows["orang"].astype(int),
            t("targets.col_note", lang): rows["keterangan"],
        }
    )


def panel(ident: auth.Identity, lang: str) -> None:
    """Upload a commitments table, validate it, then publish it as ``ident``; the template and what is in force."""
    st.subheader(t("commit.title", lang))
    st.caption(t("commit.explain", lang))
    st.download_button(
        t("commit.template", lang),
        commitments.template_csv().encode("utf-8"),
        file_name="templat_komitmen.csv",
        mime="text/csv",
        key="w_commit_template",
        on_click="ignore",
    )
    up = st.file_uploader(
        t("commit.upload", lang), type=["csv", "xlsx"], key="w_commit_upload", max_upload_size=uploads.max_upload_mb()
    )
    if up is not None:
        _upload(ident, up.name, up.getvalue(), lang)
    in_force = commitments.in_force(session.store().commitments())
    st.caption(t("commit.in_force", lang))
    if in_force.rows.empty:
        st.caption(t("commit.none", lang))
    else:
        blocks.table(table(in_force, lang), lang)


def _upload(ident: auth.Identity, name: str, content: bytes, lang: str) -> None:
    try:
        read = commitments.read(content, name)
    except commitments.CommitmentsError as exc:
        st.error(t("commit.refused", lang), icon=":material/error:")
        blocks.problems_table(exc.problems, lang)
        return
    st.success(t("commit.valid", lang, rows=fmt.number(len(read.rows), lang)))
    blocks.table(table(read, lang), lang)
    note = st.text_input(t("commit.note", lang), key="w_commit_note", max_chars=200)
    if st.button(t("commit.publish_button", lang), key="w_commit_publish", type="primary"):
        result = session.store().publish_commitments(content, name, ident.name, note or "")
        v = result.version
        key = "commit.published" if result.created else "commit.already"
        st.success(safe.md(t(key, lang, version=v.id, rows=v.n_rows, periods=", ".join(v.periods))))
        session.refresh_now()  # a new change token: every process sees it on its next run
