"""Kabupaten/Kota: the 14 regencies and cities, map and ranked table."""

from __future__ import annotations

import streamlit as st

from geo.text import t
from ui import blocks, budgetsheets, joinreport, mappage, monev, scenario, trendchart, urlstate

PAGE = "kabupaten"

src, url_state = mappage.start(PAGE)
v = mappage.view(PAGE, urlstate.from_widgets(url_state), src)
state, lang = v.state, v.lang
kode = mappage.top(v, t("page.kabupaten_title", lang), "map_kab")
if kode:
    mappage.open_desa(state, kode)
mappage.controls(url_state)
mappage.share(v, PAGE)
if state.present:
    st.stop()
period = v.period or ""
monev.show(v)
trendchart.show(src, state.target, state.sel, None, lang)
blocks.priorities(v.frame, "kabupaten", lang, n=5)
blocks.area_table(v.frame, "kabupaten", state, f"cakupan_kabupaten_{period}")
blocks.map_downloads(v.frame, v.opts, "kabupaten", state, v.area, v.period, f"peta_kabupaten_{period}")
scenario.panel(v.frame, "kabupaten", state, f"kabupaten_{period}", v.area, v.frame_key)
budgetsheets.downloads(state, v.period)
joinreport.join_report("kabupaten", lang)
