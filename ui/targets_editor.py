"""The target schedule on a page: what is in force (anyone), and publishing a new one (editors).

Self-contained, so the editors' page (screens/publish.py, behind sign-in) can call
``publish_section(store, by=<signed-in editor>, lang=...)`` and any page ``schedule_view(lang)``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import fmt, targets
from geo.text import t

from . import data, safe


def schedule_view(lang: str) -> None:
    """The schedule in force, one row per period and area, with where it came from."""
    sched = data.target_schedule()
    rows = sched.rows.sort_values(["periode", "kode"])
    names = dict(zip(data.areas("kabupaten")["kode"], data.areas("kabupaten")["nama"]))
    shown = pd.DataFrame({
        t("col.periode", lang): rows["periode"],
        t("col.kode", lang): rows["kode"],
        t("col.nama", lang): rows["kode"].map(lambda k: t("level.provinsi", lang) if k == "61" else names.get(k, k)),
        t("col.target", lang): rows["target_persen"].map(lambda v: fmt.percent(v, lang)),
        t("targets.col_note", lang): rows["keterangan"],
    })
    st.caption(t("targets.show_origin", lang, origin=t(f"targets.origin_{sched.origin}", lang), version=sched.version or "–"))
    st.dataframe(shown, hide_index=True)
    st.caption(t("targets.control_help", lang))


def publish_section(store, by: str, lang: str) -> None:  # noqa: ANN001
    """Upload, validate (every bad row and column listed), then publish as ``by`` into ``store``."""
    import hashlib

    from geo.store import TARGETS_KIND

    st.subheader(t("targets.title", lang))
    up = st.file_uploader(t("targets.upload", lang), type=["csv", "xlsx"], key="w_targets_upload")
    if up is None:
        return
    content = up.getvalue()
    try:
        sched = targets.read_schedule(content, up.name)
    except targets.ScheduleError as exc:
        st.error(t("targets.refused", lang), icon=":material/error:")
        st.dataframe(pd.DataFrame([{t("col.row", lang): p.row, t("col.column", lang): p.column or "",
                                    t("col.problem", lang): t(p.key, lang, **p.params)} for p in exc.problems]), hide_index=True)
        return
    st.success(t("targets.valid", lang, rows=fmt.number(len(sched.rows), lang)))
    st.dataframe(sched.rows, hide_index=True)
    note = st.text_input(t("targets.note", lang), key="w_targets_note", max_chars=200)
    if st.button(t("targets.publish_button", lang), key="w_targets_publish", type="primary"):
        created = store.find_published(hashlib.sha256(content).hexdigest(), None, TARGETS_KIND) is None
        v = store.publish_targets(content, up.name, by, note or "")
        key = "targets.published" if created else "targets.already"
        st.success(safe.md(t(key, lang, version=v.id, rows=v.n_rows, periods=", ".join(v.periods))))
        data._target_schedule.clear()  # everyone sees it on their next run
