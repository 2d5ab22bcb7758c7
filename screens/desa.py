"""Desa/Kelurahan explorer: province → kabupaten/kota → kecamatan → desa, by sidebar or by click."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo import LEVELS, fmt, ranking
from geo.classify import totals
from geo.text import t
from geo.viewstate import ViewState
from ui import data, present, safe, scenario, state as vs, trend, views

DEFAULT = ViewState(level="desa")

src = views.source()
state = vs.read(DEFAULT, src)
views.sidebar(state)
lang = st.session_state.get("w_lang", state.lang)
kab_areas = data.areas("kabupaten")
kec_areas = data.areas("kecamatan")
kab_names = dict(zip(kab_areas.kode, kab_areas.nama))
kec_names = dict(zip(kec_areas.kode, kec_areas.nama))

# --- explorer controls (bound to the URL through the w_* keys) ------------------------------
# In presentation mode they move to the (hidden) sidebar: still rendered, so their state and the
# URL survive; a click on the map still drills down.
box = st.sidebar.container() if st.session_state.get("w_present") else st.container()
c1, c2, c3, c4 = box.columns(4, vertical_alignment="bottom")
c1.selectbox(t("control.kabupaten", lang), [None, *kab_areas.kode], key="w_kab", placeholder=t("control.all_province", lang),
             format_func=lambda k: t("control.all_province", lang) if k is None else kab_names[k])
kab = st.session_state.get("w_kab")
kec_choices = [None, *kec_areas.kode[kec_areas.kode_kab == kab]] if kab else [None]
if st.session_state.get("w_kec") not in kec_choices:
    st.session_state["w_kec"] = None
c2.selectbox(t("control.kecamatan", lang), kec_choices, key="w_kec", disabled=not kab, placeholder=t("control.all_kecamatan", lang),
             format_func=lambda k: t("control.all_kecamatan", lang) if k is None else kec_names[k])
kec = st.session_state.get("w_kec")
allowed = [lv for lv in LEVELS if (lv != "kabupaten" or not kab) and (lv != "kecamatan" or not kec)]
if st.session_state.get("w_level") not in allowed:
    st.session_state["w_level"] = "desa"
c3.selectbox(t("control.map_level", lang), allowed, key="w_level", format_func=lambda lv: t(f"level.{lv}", lang))
c4.text_input(t("control.search", lang), key="w_q", placeholder=t("control.search_placeholder", lang))


state = replace(vs.from_widgets(state), level=st.session_state["w_level"], kab=kab, kec=kec)
if state.sel and not (state.sel.startswith(state.kec or state.kab or "61")):
    state = replace(state, sel=None)
vs.write(state, DEFAULT)
lang = state.lang
period = views.effective_period(state)

# --- breadcrumb ----------------------------------------------------------------------------------
crumbs = box.columns([1, 1.3, 1.3, 1.6], vertical_alignment="center")
crumbs[3].toggle(t("control.below_only", lang), key="w_below")
if kab and crumbs[0].button(t("breadcrumb.province", lang), icon=":material/home:", disabled=not kab, key="bc_prov"):
    vs.write(state.up("provinsi"), DEFAULT)
    st.session_state.pop("_synced_query", None)
    st.rerun()
if kab and crumbs[1].button("› " + safe.md(kab_names[kab]), disabled=not kec, key="bc_kab"):
    vs.write(state.up("kabupaten"), DEFAULT)
    st.session_state.pop("_synced_query", None)
    st.rerun()
if kec:
    crumbs[2].markdown(f"› **{safe.md(kec_names[kec])}**")

# --- data for the selection ---------------------------------------------------------------------
level = state.level
frame = views.with_change(data.classified(src, level, state.target, period), level, period)
scope = state.kec or state.kab
if scope:
    frame = frame[frame["kode"].str.startswith(scope + ".") | (frame["kode"] == scope)]
matches = ranking.name_matches(frame["nama"], state.q) if state.q else None
keep = frame["status"].eq("below") if state.below else None
mask = None
for m in (matches, keep):
    if m is not None:
        mask = m if mask is None else (mask & m)
dim = frozenset(frame.loc[~mask, "kode"]) if mask is not None else frozenset()
table_frame = frame[mask] if mask is not None else frame

area_label = kec_names.get(kec) if kec else (kab_names.get(kab) if kab else t("level.provinsi", lang))
title = f"{area_label} — {t(f'level.{level}', lang)}"
tot = totals(frame, state.target)
opts = views.map_options(state, level, title=title, subtitle=period, frame=frame)
frame_key = (src.key, level, scope, state.target, period, lang, state.sel, dim, views.targets_token(state))
views.share_link(state, DEFAULT, "desa")
if state.present:
    clicked = present.show(frame, tot, state, level, area_label, period, opts, frame_key, "map_explorer")
else:
    st.title(safe.md(title))
    views.sample_banner(lang, level, period)
    if state.q:
        n = int(matches.sum())
        (st.info if n else st.warning)(safe.md(t("search.found" if n else "search.none", lang, n=fmt.number(n, lang), q=state.q)))
    views.metrics(tot, t(f"level.{level}", lang), lang)
    views.cost_line(frame, tot, state)
    clicked = views.show_map(frame, opts, frame_key, dim=dim, key="map_explorer")
if clicked:
    vs.write(state.drill(clicked), DEFAULT)
    st.session_state.pop("_synced_query", None)
    st.rerun()
if state.present:
    st.stop()

stem = f"{level}_{(scope or '61').replace('.', '')}_{period or ''}"
trend.show(src, state.target, scope, area_label, lang)
views.priorities(table_frame, level, lang)
views.area_table(table_frame, level, state, f"cakupan_{stem}")
views.map_downloads(frame, opts, level, state, title, period, f"peta_{stem}", dim)
scenario.panel(table_frame, level, state, stem, area_label, frame_key,
               province=totals(data.classified(src, "kabupaten", state.target, period)) if scope else None)
views.join_report(level, lang)
