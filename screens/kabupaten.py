"""Kabupaten/Kota: the 14 regencies and cities, map and ranked table."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo import viewstate
from geo.classify import totals
from geo.text import t
from geo.viewstate import ViewState
from ui import data, present, scenario, state as vs, trend, views

DEFAULT = ViewState(level="kabupaten")

src = views.source()
state = vs.read(DEFAULT, src)
views.sidebar(state)
state = replace(vs.from_widgets(state), level="kabupaten", kab=None, kec=None)
vs.write(state, DEFAULT)
lang = state.lang
period = views.effective_period(state)

frame = views.with_change(data.classified(src, "kabupaten", state.target, period), "kabupaten", period)
tot = totals(frame, state.target)
opts = views.map_options(state, "kabupaten", title=t("level.provinsi", lang), subtitle=period, frame=frame)
frame_key = (src.key, "kabupaten", state.target, period, lang, state.sel, views.targets_token(state))
views.share_link(state, DEFAULT, "kabupaten")
if state.present:
    kode = present.show(frame, tot, state, "kabupaten", t("level.provinsi", lang), period, opts, frame_key, "map_kab")
else:
    st.title(t("page.kabupaten_title", lang))
    views.sample_banner(lang, "kabupaten", period)
    views.metrics(tot, t("level.kabupaten", lang), lang)
    views.cost_line(frame, tot, state)
    kode = views.show_map(frame, opts, frame_key, key="map_kab")
if kode:
    nxt = replace(state, level="kecamatan", kab=kode[:5], sel=None)
    st.switch_page("screens/desa.py", query_params=viewstate.to_query(nxt, ViewState(level="desa")))
if state.present:
    st.stop()
stem = f"cakupan_kabupaten_{period or ''}"
trend.show(src, state.target, state.sel, None, lang)
views.priorities(frame, "kabupaten", lang, n=5)
views.area_table(frame, "kabupaten", state, stem)
views.map_downloads(frame, opts, "kabupaten", state, t("level.provinsi", lang), period, f"peta_kabupaten_{period or ''}")
scenario.panel(frame, "kabupaten", state, f"kabupaten_{period or ''}", t("level.provinsi", lang), frame_key)
views.join_report("kabupaten", lang)
