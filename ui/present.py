"""Presentation mode: the map a leader projects in a briefing — big title, big figures, no clutter."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from geo import fmt, maps, plan, ranking
from geo.classify import BELOW, Totals, reported_note
from geo.period import label as period_label
from geo.text import t
from geo.viewstate import ViewState
from streamlit_boundary import dom

from . import blocks, session
from .urlstate import display_target

# Hide Streamlit's chrome and let the map take the height of the screen (projector or laptop).
_CSS = dom.css("""
<style>
[testid=stSidebar], [testid=stExpandSidebarButton], [testid=stHeader],
[testid=stToolbar], [testid=stSidebarNav] {display: none !important;}
.block-container, [testid=stMainBlockContainer] {padding: 0.6rem 1.2rem 0.4rem 1.2rem !important; \
max-width: 100% !important;}
iframe[title="streamlit_folium.st_folium"] {height: calc(100vh - 13.5rem) !important; min-height: 420px;}
.pjk-p-title {font-size: 2.35rem; font-weight: 800; line-height: 1.15; margin: 0;}
.pjk-p-sub {font-size: 1.2rem; color: #333; margin: .1rem 0 .5rem 0;}
.pjk-p-sample {display:inline-block; margin-left:.6rem; padding:.05rem .5rem; font-size:1rem; font-weight:700;
  background:#fff3cd; border:2px solid #b8860b; border-radius:.3rem; color:#5c4400; vertical-align: middle;}
.pjk-p-figs {display:flex; gap:.8rem; margin-bottom:.5rem;}
.pjk-p-fig {flex:1; background:#f4f6f8; border-left:.4rem solid #225ea8; border-radius:.3rem; padding:.35rem .8rem;}
.pjk-p-fig.bad {border-left-color:#1a1a1a;}
.pjk-p-val {font-size:2.2rem; font-weight:800; line-height:1.1;}
.pjk-p-lab {font-size:1rem; color:#333;}
@media (max-width: 640px) {
  .block-container, [testid=stMainBlockContainer] {padding: .5rem .7rem .4rem .7rem !important;}
  .pjk-p-title {font-size:1.25rem; white-space:nowrap; overflow:hidden; text-overflow:ellipsis;}
  .pjk-p-sample {display:table; margin:.15rem 0 0 0; font-size:.78rem; border-width:1px;}
  .pjk-p-sub {font-size:.82rem; margin-bottom:.2rem;}
  .pjk-p-figs {flex-wrap:wrap; gap:.35rem;}
  .pjk-p-fig {flex:1 1 calc(50% - .35rem); min-width:0; padding:.2rem .45rem; border-left-width:.25rem;}
  .pjk-p-val {font-size:1.2rem; overflow-wrap:anywhere;}
  .pjk-p-lab {font-size:.75rem; overflow-wrap:anywhere;}
  iframe[title="streamlit_folium.st_folium"] {height: 62vh !important; min-height: 300px;}
}
</style>
""")


def _figure(value: str, label: str, bad: bool = False, hint: str = "") -> str:
    title = f' title="{html.escape(hint)}"' if hint else ""
    return (
        f'<div class="pjk-p-fig{" bad" if bad else ""}"{title}><div class="pjk-p-val">{html.escape(value)}</div>'
        f'<div class="pjk-p-lab">{html.escape(label)}</div></div>'
    )


def top_below(frame: pd.DataFrame, level: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` areas furthest below target, by gap in people."""
    below = frame[frame["status"] == BELOW]
    return ranking.area_table(below, level).head(n) if len(below) else below.head(0)


def top_html(top: pd.DataFrame, lang: str) -> str:
    """The five areas as a map panel, large enough to read from the back of the room."""
    if top.empty:
        body = f"<div>{html.escape(t('present.none_below', lang))}</div>"
    else:
        body = "".join(
            f'<div class="pjk-top-row"><b>{i}. {html.escape(str(r.nama))}</b> — '
            f"{html.escape(fmt.percent(r.cakupan, lang))}"
            f" · {html.escape(fmt.number(r.gap, lang))} {html.escape(t('map.tooltip_people', lang))}</div>"
            for i, r in enumerate(top.itertuples(), 1)
        )
    return (
        f'<div class="pjk-legend" style="font-size:clamp(13px, 1.01vw, 19px);max-width:26em"><div class="pjk-lg-title">'
        f"{html.escape(t('present.top5', lang))}</div>{body}</div>"
    )


def show(
    frame: pd.DataFrame,
    tot: Totals,
    state: ViewState,
    level: str,
    area_label: str,
    period: str | None,
    opts: maps.MapOptions,
    frame_key: tuple,
    key: str,
) -> str | None:
    """Lay out the presentation; return a clicked area code like ``blocks.show_map``."""
    lang = state.lang
    st.html(_CSS)
    blocks.data_messages(lang)
    level_label = t(f"level.{level}", lang)
    sample = (
        f'<span class="pjk-p-sample">{html.escape(t("sample.banner", lang))}</span>'
        if session.source().is_sample
        else ""
    )
    subtitle = t(
        "present.subtitle",
        lang,
        level=level_label,
        period=period_label(period, lang) or "–",
        target=fmt.percent(display_target(state), lang),
    )
    if stamp := blocks.stamp_text(level, period, lang):
        subtitle += " · " + stamp
    if partial := reported_note(tot, level, lang):  # a partial table's figures say so here too
        subtitle += " · " + partial
    head, leave = st.columns([7, 1], vertical_alignment="top")
    head.html(
        f'<div class="pjk-p-title">{html.escape(t("present.title", lang, area=area_label))}{sample}</div>'
        f'<div class="pjk-p-sub">{html.escape(subtitle)}</div>'
    )
    leave.button("✕ " + t("present.exit", lang), key="present_exit", on_click=_leave, width="stretch")
    diff_bad = tot.coverage < tot.target
    st.html(
        '<div class="pjk-p-figs">'
        + _figure(
            f"{fmt.percent(tot.coverage, lang)}",
            f"{t('present.coverage', lang)} · {t('present.vs', lang, target=fmt.percent(tot.target, lang))}",
            diff_bad,
        )
        + _figure(
            t("metric.below_value", lang, n=fmt.number(tot.below, lang), total=fmt.number(tot.areas_with_data, lang)),
            t("present.below", lang, level=level_label),
            tot.below > 0,
        )
        + _figure(fmt.number(tot.gap_sum, lang), t("present.gap", lang))
        + _figure(fmt.number(tot.bantuan, lang), t("present.bantuan", lang))
        + _cost_figure(tot, state)
        + "</div>"
    )
    big = maps.MapOptions(**{**opts.__dict__, "legend_scale": 1.6, "title": None, "subtitle": None})
    clicked = blocks.show_map(
        frame,
        big,
        frame_key + ("present",),
        height=720,
        key=key,
        extra_panels=[(top_html(top_below(frame, level), lang), "topleft")],
        fill=True,
    )
    return clicked


def _cost_figure(tot: Totals, state: ViewState) -> str:
    """What closing the gap costs a year, as the PNG for slides says it (geo.render); the basis on hover."""

    lang = state.lang
    if not tot.areas_with_data:
        return ""
    period_word = t("cost.per_year", lang) if state.bulan == 12 else t("cost.per_months", lang, months=state.bulan)
    money = fmt.rupiah_short(plan.cost(tot.gap_sum, state.iuran, state.bulan), lang)
    label = t("cost.figure", lang, cost="", period=period_word).strip()  # one line, as the other figures
    basis = (
        f"{t('cost.figure_label', lang)}: "
        f"{t('cost.basis', lang, iuran=fmt.rupiah(state.iuran, lang), months=state.bulan)}"
    )
    return _figure(money, label, tot.gap_sum > 0, hint=basis)


def _leave() -> None:
    st.session_state["w_present"] = False
