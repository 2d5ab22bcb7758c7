"""The trend chart: coverage against target per period, for the province and the selected area."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo import fmt
from geo.period import label as period_label
from geo.text import t
from geo.view import inforce

from . import cache
from .session import Source


def _level_of(scope: str) -> str:
    return {5: "kabupaten", 8: "kecamatan"}.get(len(scope), "desa")


def _chart(series: pd.DataFrame, title: str, lang: str) -> None:
    st.text(title)  # area names come from the boundary data; plain text all the same
    # periods by label ("Jun 2025": short, for a phone's width), in time order (a text axis would sort "Agu"
    # before "Jun"); the full names are in the line of figures below the chart
    labels = [period_label(p, lang, short=True) for p in series["periode"]]
    names = {"cakupan": t("trend.coverage", lang), "target": t("trend.target", lang)}
    long = series.assign(label=labels).melt(id_vars="label", value_vars=list(names), var_name="s", value_name="v")
    long["s"] = long["s"].map(names)
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            # labels that would overlap are left out (a year of months on a phone), never drawn over each other
            x=alt.X(
                "label:N",
                sort=labels,
                title=t("control.period", lang),
                axis=alt.Axis(labelAngle=0, labelOverlap="greedy"),
            ),
            # "40%" on the labels: a rotated "%" title is one more thing a narrow chart cuts
            y=alt.Y("v:Q", title=None, axis=alt.Axis(labelExpr="datum.label + '%'")),
            color=alt.Color(
                "s:N",
                title=None,
                scale=alt.Scale(domain=list(names.values()), range=["#225ea8", "#d7301f"]),
                legend=alt.Legend(orient="bottom"),  # beside the plot it leaves a phone no room for it
            ),
        )
        .properties(height=220, padding={"left": 4, "right": 28, "top": 4, "bottom": 4})  # room for the last label
    )
    st.altair_chart(chart, width="stretch")
    # periods are cells of the published table: plain text, never Markdown
    st.text(
        " · ".join(
            f"{period_label(r.periode, lang)}: {fmt.percent(r.cakupan, lang)} / {fmt.percent(r.target, lang)}"
            for r in series.itertuples()
        )
    )


def _series(source: Source, target: float | None, scope: str | None, level: str):
    """(the province's series, the scope's series or None, the level they are summed from): the core's."""
    d = cache.data(source)
    area = inforce.trend_series(d, level, scope, target) if scope else None
    return inforce.trend_series(d, level, None, target), area, level


def show(
    source: Source, target: float, scope: str | None, scope_label: str | None, lang: str, level: str = "kabupaten"
) -> None:
    """Nothing unless a series has two periods with data (one point is not a trend); else one chart for the
    province and one for ``scope``, both summed from the page's own ``level`` (the level its headline comes
    from, so the last point is the headline's figure). When that level has fewer than two periods and the
    kabupaten/kota tables have more, the trend comes from those, and says so."""
    periods = cache.periods(source)
    if len(periods) < 2:
        return
    if scope and not scope_label:
        names = cache.areas(_level_of(scope)).set_index("kode")["nama"]
        scope_label = str(names.get(scope, scope))
    province, area, used = _series(source, target, scope, level)
    if len(province) < 2 and (area is None or len(area) < 2) and level != "kabupaten":
        province, area, used = _series(source, target, scope, "kabupaten")
    if len(province) < 2 and (area is None or len(area) < 2):
        return
    points = max(len(province), len(area) if area is not None else 0)
    with st.expander(t("trend.title", lang, n=points), icon=":material/show_chart:", expanded=True):
        # which table the points come from: the headline's level, or (named) another one
        key = "trend.from_level" if used == level else "trend.from_other_level"
        st.caption(t(key, lang, level=t(f"level.{used}", lang), page_level=t(f"level.{level}", lang)))
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
