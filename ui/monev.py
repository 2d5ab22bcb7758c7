"""The monev block of a map page in the pace colouring (``?color=pace``): one sentence, the path chart, and the
areas furthest behind ("paling tertinggal"). Every figure is ``geo.pace``'s, through the core's view."""

from __future__ import annotations

from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from geo import pace, viewstate
from geo.period import label as period_label
from geo.text import t
from geo.view import inforce, shown
from geo.view.shown import Shown

from . import blocks, mappage, safe

SERIES = ("published", "target", "pace", "needed")
COLOURS = ("#225ea8", "#d7301f", "#542788", "#e08214")


def ranking(frame: pd.DataFrame, level: str, lang: str, n: int | None = 10) -> pd.DataFrame:
    """The ``n`` areas in view furthest behind (``geo.pace.shortfall_ranking``), labelled in ``lang``; ``n`` None:
    every area in view, those furthest behind first (the download)."""
    if n is None:
        top = frame.sort_values(["kekurangan_laju", "kode"], ascending=[False, True], na_position="last")
    else:
        top = pace.shortfall_ranking(frame, n)
    whole = lambda s: pd.to_numeric(s, errors="coerce").round().astype("Int64")  # noqa: E731 - people a month
    out = pd.DataFrame(
        {
            t("pace.col.rank", lang): range(1, len(top) + 1),
            t("col.nama", lang): top["nama"].astype(str).to_numpy(),
            t("pace.col.now", lang): whole(top["laju_per_bulan"]).to_numpy(),
            t("pace.col.needed", lang): whole(top["laju_dibutuhkan"]).to_numpy(),
            t("pace.col.shortfall", lang): whole(top["kekurangan_laju"]).to_numpy(),
            t("pace.col.people", lang): whole(top["perlu_orang"]).to_numpy(),
            t("pace.col.reached", lang): [
                period_label(m, lang) if isinstance(m, str) else t("pace.not_reached", lang)
                for m in top["bulan_tercapai"]
            ],
            t("pace.col.status", lang): [t(f"pace.status.{s}", lang) for s in top["status_laju"]],
        }
    )
    if level != "kabupaten" and "nama_kab" in top:
        out.insert(
            2, t("col.parent", lang), (top["nama_kec"] if level == "desa" else top["nama_kab"]).astype(str).to_numpy()
        )
    return out


# Vega writes thousands its own way ("25,000"); an Indonesian page writes them as geo.fmt.number does ("25.000").
THOUSANDS_ID = "replace(format(datum.value, ',d'), regexp(',', 'g'), '.')"


def people_axis(lang: str) -> alt.Axis:
    """The people axis with whole numbers in the page's language."""
    if lang == "id":
        return alt.Axis(labelExpr=THOUSANDS_ID)
    return alt.Axis(format=",d")


def _chart(lines: pd.DataFrame, lang: str) -> None:
    names = {s: t(f"pace.line.{s}", lang) for s in SERIES}
    data = lines.assign(seri=lines["seri"].map(names))
    base = alt.Chart(data).encode(
        x=alt.X("bulan:T", title=None),
        y=alt.Y("orang:Q", title=t("pace.chart_y", lang), axis=people_axis(lang)),
        color=alt.Color(
            "seri:N",
            title=None,
            scale=alt.Scale(domain=list(names.values()), range=list(COLOURS)),
            legend=alt.Legend(orient="bottom", direction="vertical"),  # beside the plot: no room on a phone
        ),
    )
    step = base.transform_filter(alt.datum.seri == names["target"]).mark_line(interpolate="step-after")
    points = base.transform_filter(alt.datum.seri == names["published"]).mark_line(point=True)
    ahead = base.transform_filter((alt.datum.seri == names["pace"]) | (alt.datum.seri == names["needed"])).mark_line(
        strokeDash=[6, 4]
    )
    # the height holds the plot and, under it, the legend of four lines (one column: a phone has no room for two)
    st.altair_chart(alt.layer(step, points, ahead).properties(height=340), width="stretch")


def province_line(v: Shown) -> None:
    """The summary page's line on the path: the province's sentence (this year's target against today's pace), its
    status for the schedule's last year, and the kabupaten page coloured by pace, with this view's version and
    period."""
    province = inforce.pace_total(v.data, "kabupaten", None, v.period)  # cached by the core, as the pace mode's
    if province is None:
        return
    lang = v.lang
    lines = pace.sheet_lines(province, t("level.provinsi", lang), lang)  # the sentence, then each year's status
    st.container(key="pjk-pace-summary").text("\n".join(lines))  # names: plain text
    # where the figures come from, as under the pace block: the level summed, the window, the stamp
    win = pace.window(list(inforce.series_until(v.data, "kabupaten", v.period)))
    caption = t("pace.caption", lang, level=t("level.kabupaten", lang), window=win.label(lang) if win else "–")
    st.caption(caption + (f" · {safe.md(v.label)}" if v.label else ""))  # the stamp names a publisher: plain text
    # the data (version, period), language, basemap and planning inputs of this view; never its free text (q)
    state = replace(v.state, color="pace", level="kabupaten", kab=None, kec=None, sel=None, q="", below=False)
    query = viewstate.to_query(state, shown.default("kabupaten"))
    st.page_link(mappage.KABUPATEN_PAGE, label=t("pace.open", lang), icon=":material/speed:", query_params=query)


def show(v: Shown) -> None:
    """Nothing unless the view is coloured by pace; else the sentence, the chart(s) and the ranking."""
    if v.state.color != "pace":
        return
    lang, d = v.lang, v.data
    st.subheader(t("pace.title", lang))
    win = pace.window(list(inforce.series_until(d, v.level, v.period)))
    level_name = t(f"level.{v.level}", lang)
    # which level, which data (the stamp: period, version), which window: every figure below says where it is from
    caption = t("pace.caption", lang, level=level_name, window=win.label(lang) if win else "–")
    st.caption(caption + (f" · {safe.md(v.label)}" if v.label else ""))  # the stamp names a publisher: plain text
    area = pace.area_name(v.area, v.scope, v.level, inforce.series_until(d, v.level, v.period), lang)
    st.container(key="pjk-pace-sentence").text(pace.sentence(v.pace_area, area, lang))  # names: plain text
    places = [(area, v.level, v.scope)] + ([(t("level.provinsi", lang), "kabupaten", None)] if v.scope else [])
    cols = st.columns(len(places))
    for col, (name, level, scope) in zip(cols, places):
        with col:
            st.text(name)
            lines = inforce.pace_lines(d, level, scope, v.period)
            if lines.empty:
                st.caption(t("pace.sentence_no_data", lang, area=name))
            else:
                _chart(lines, lang)
    if v.scope:
        st.text(pace.sentence(v.pace_province, t("level.provinsi", lang), lang))
    top = ranking(v.listed, v.level, lang)
    st.markdown(f"**{t('pace.ranking_title', lang, level=level_name)}**")
    if top.empty:
        st.caption(t("pace.ranking_empty", lang))
    else:
        blocks.table(top, lang)
    # every area in view with its pace, for field work: stamped (or labelled sample data) like every download
    notes = [caption] + ([v.label] if v.label and not d.is_sample else [])  # the sample label: to_csv adds it
    stem = safe.file_part(f"laju_{v.level}_{(v.scope or '61').replace('.', '')}_{v.period or ''}", 120)
    blocks.downloads(ranking(v.listed, v.level, lang, None), lang, notes, stem, label=t("pace.download", lang))
