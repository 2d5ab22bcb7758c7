"""Desa/Kelurahan explorer: province → kabupaten/kota → kecamatan → desa, by the controls or by a click."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo import fmt
from geo.classify import totals
from geo.text import t
from geo.view import shown
from ui import blocks, budgetsheets, cache, explorer, joinreport, mappage, monev, safe, scenario, trendchart, urlstate

PAGE = "desa"
DEFAULT = shown.default(PAGE)

src, url_state = mappage.start(PAGE)
ui_lang = st.session_state.get("w_lang", url_state.lang)
explorer.settle()
box = explorer.place(ui_lang)  # the selectors' place above the map; filled once the map is sent
kab, kec = st.session_state.get("w_kab"), st.session_state.get("w_kec")
v = mappage.view(
    PAGE, replace(urlstate.from_widgets(url_state), level=st.session_state["w_level"], kab=kab, kec=kec), src
)
state, lang, level, scope = v.state, v.lang, v.level, v.scope
notes = ()
if state.q:
    n = int(v.matches.sum())
    notes = (
        (
            "info" if n else "warning",
            safe.md(t("search.found" if n else "search.none", lang, n=fmt.number(n, lang), q=state.q)),
        ),
    )
clicked = mappage.top(v, safe.md(v.title), "map_explorer", notes=notes)
if clicked:
    explorer.go(state.drill(clicked), DEFAULT)
mappage.controls(url_state)
explorer.breadcrumb(explorer.controls(box, ui_lang), state, DEFAULT)
mappage.share(v, PAGE)
if state.present:
    st.stop()

stem = f"{level}_{(scope or '61').replace('.', '')}_{v.period or ''}"
monev.show(v)
trendchart.show(src, state.target, scope, v.area, lang, level)
blocks.priorities(v.listed, level, lang)
blocks.area_table(v.listed, level, state, f"cakupan_{stem}")
blocks.map_downloads(v.frame, v.opts, level, state, v.title, v.period, f"peta_{stem}", v.dim)
scenario.panel(
    v.listed,
    level,
    state,
    stem,
    v.area,
    v.frame_key,
    province=totals(cache.classified(src, "kabupaten", state.target, v.period)) if scope else None,
)
budgetsheets.downloads(state, v.period, (scope or "")[:5] or None)
joinreport.join_report(level, lang)
