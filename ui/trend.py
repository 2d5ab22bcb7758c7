"""The trend chart: coverage against target per period, for the province and the selected area."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import fmt, trend
from geo.period import label as period_label
from geo.text import t

from . import cache
from .session import Source


def _level_of(scope: str) -> str:
    return {5: "kabupaten", 8: "kecamatan"}.get(len(scope), "desa")


def _chart(series: pd.DataFrame, title: str, lang: str) -> None:
    st.text(title)  # area names come from the boundary data; plain text all the same
    shown = series.set_index("periode")[["cakupan", "target"]].rename(
        columns={"cakupan": t("trend.coverage", lang), "target": t("trend.target", lang)}
    )
    st.line_chart(shown, y_label="%", x_label=t("control.period", lang), height=220, color=["#225ea8", "#d7301f"])
    # periods are cells of the published table: plain text, never Markdown
    st.text(
        " · ".join(
            f"{period_label(r.periode, lang)}: {fmt.percent(r.cakupan, lang)} / {fmt.percent(r.target, lang)}"
            for r in series.itertuples()
        )
    )


def show(source: Source, target: float, scope: str | None, scope_label: str | None, lang: str) -> None:
    """Nothing unless a series has two periods of the same level with data (one point is not a trend);
    else one chart for the province and one for ``scope``."""
    periods = cache.periods(source)
    if len(periods) < 2:
        return
    kab_frames = {p: cache.classified(source, "kabupaten", target, p) for p in periods}
    province = trend.series(kab_frames, None, target)
    area = None
    if scope and not scope_label:
        names = cache.areas(_level_of(scope)).set_index("kode")["nama"]
        scope_label = str(names.get(scope, scope))
    if scope:
        frames = (
            kab_frames
            if _level_of(scope) == "kabupaten"
            else {p: cache.classified(source, _level_of(scope), target, p) for p in periods}
        )
        area = trend.series(frames, scope, target)
    if len(province) < 2 and (area is None or len(area) < 2):
        return
    points = max(len(province), len(area) if area is not None else 0)
    with st.expander(t("trend.title", lang, n=points), icon=":material/show_chart:", expanded=True):
        cols = st.columns(2 if area is not None else 1)
        with cols[0]:
            if len(province) >= 2:
                _chart(province, t("level.provinsi", lang), lang)
            else:
                st.text(t("level.provinsi", lang))
                st.caption(t("trend.too_few", lang))
        if area is not None:
            with cols[1]:
                if len(area) >= 2:
                    _chart(area, scope_label or scope, lang)
                else:
                    st.text(scope_label or scope)
                    st.caption(t("trend.too_few", lang))
