"""Desa/Kelurahan explorer: province → kabupaten/kota → kecamatan → desa, by the controls or by a click."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo import fmt
from geo.classify import totals
from geo.text import t
from geo.viewstate import ViewState
from ui import blocks, cache, explorer, mappage, plan, report, safe, trend, viewstate
from ui.sidebar import share_link

DEFAULT = ViewState(level="desa")

src, state = mappage.start(DEFAULT)
box = explorer.controls(st.session_state.get("w_lang", state.lang))
kab, kec = st.session_state.get("w_kab"), st.session_state.get("w_kec")
state = replace(viewstate.from_widgets(state), level=st.session_state["w_level"], kab=kab, kec=kec)
if state.sel and not (state.sel.startswith(state.kec or state.kab or "61")):
    state = replace(state, sel=None)
viewstate.write(state, DEFAULT)
lang = state.lang
explorer.breadcrumb(box, state, DEFAULT)

level, scope = state.level, state.kec or state.kab
area_label = (
    explorer.names("kecamatan").get(kec)
    if kec
    else (explorer.names("kabupaten").get(kab) if kab else t("level.provinsi", lang))
)
title = f"{area_label} — {t(f'level.{level}', lang)}"
v = mappage.view(state, src, level, area_label=area_label, title=title, scope=scope, filtered=True)
share_link(state, DEFAULT, "desa")
notes = ()
if state.q:
    n = int(v.matches.sum())
    notes = (
        (
            "info" if n else "warning",
            safe.md(t("search.found" if n else "search.none", lang, n=fmt.number(n, lang), q=state.q)),
        ),
    )
clicked = mappage.top(v, safe.md(title), "map_explorer", notes=notes)
if clicked:
    explorer.go(state.drill(clicked), DEFAULT)
if state.present:
    st.stop()

stem = f"{level}_{(scope or '61').replace('.', '')}_{v.period or ''}"
trend.show(src, state.target, scope, area_label, lang)
blocks.priorities(v.listed, level, lang)
blocks.area_table(v.listed, level, state, f"cakupan_{stem}")
blocks.map_downloads(v.frame, v.opts, level, state, title, v.period, f"peta_{stem}", v.dim)
plan.panel(
    v.listed,
    level,
    state,
    stem,
    area_label,
    v.frame_key,
    province=totals(cache.classified(src, "kabupaten", state.target, v.period)) if scope else None,
)
report.join_report(level, lang)
