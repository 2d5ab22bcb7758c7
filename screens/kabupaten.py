"""Kabupaten/Kota: the 14 regencies and cities, map and ranked table."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo.text import t
from geo.viewstate import ViewState
from ui import blocks, mappage, plan, report, trend, viewstate
from ui.sidebar import share_link

DEFAULT = ViewState(level="kabupaten")

src, state = mappage.start(DEFAULT)
state = replace(viewstate.from_widgets(state), level="kabupaten", kab=None, kec=None)
viewstate.write(state, DEFAULT)
lang = state.lang
province = t("level.provinsi", lang)
v = mappage.view(state, src, "kabupaten", area_label=province, title=province)
share_link(state, DEFAULT, "kabupaten")
kode = mappage.top(v, t("page.kabupaten_title", lang), "map_kab")
if kode:
    mappage.open_desa(state, kode)
if state.present:
    st.stop()
period = v.period or ""
trend.show(src, state.target, state.sel, None, lang)
blocks.priorities(v.frame, "kabupaten", lang, n=5)
blocks.area_table(v.frame, "kabupaten", state, f"cakupan_kabupaten_{period}")
blocks.map_downloads(v.frame, v.opts, "kabupaten", state, province, v.period, f"peta_kabupaten_{period}")
plan.panel(v.frame, "kabupaten", state, f"kabupaten_{period}", province, v.frame_key)
report.join_report("kabupaten", lang)
