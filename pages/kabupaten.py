"""Kabupaten/Kota: the 14 regencies and cities, map and ranked table."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo import viewstate
from geo.classify import totals
from geo.text import t
from geo.viewstate import ViewState
from ui import data, state as vs, views

DEFAULT = ViewState(level="kabupaten")

src = views.source()
state = vs.read(DEFAULT, src)
views.sidebar(state)
state = replace(vs.from_widgets(state), level="kabupaten", kab=None, kec=None)
vs.write(state, DEFAULT)
lang = state.lang
period = views.effective_period(state)

st.title(t("page.kabupaten_title", lang))
views.sample_banner(lang)
frame = data.classified(src, "kabupaten", state.target, period)
views.metrics(totals(frame, state.target), t("level.kabupaten", lang), lang)
opts = views.map_options(state, "kabupaten", title=t("level.provinsi", lang), subtitle=period)
st.caption(t("map.click_hint", lang))
kode = views.show_map(frame, opts, (src.key, "kabupaten", state.target, period, lang, state.sel), key="map_kab")
if kode:
    nxt = replace(state, level="kecamatan", kab=kode[:5], sel=None)
    st.switch_page("pages/desa.py", query_params=viewstate.to_query(nxt, ViewState(level="desa")))
views.priorities(frame, "kabupaten", lang, n=5)
views.area_table(frame, "kabupaten", state, f"cakupan_kabupaten_{period or ''}", change=data.change_pp(src, "kabupaten", period))
views.map_html_download(frame, opts, f"peta_kabupaten_{period or ''}", lang)
views.join_report("kabupaten", lang)
