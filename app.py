"""Peta Cakupan Jamsostek Kalbar — entry point and the Ringkasan (summary) page."""

from __future__ import annotations

import streamlit as st

from geo import viewstate
from geo.classify import totals
from geo.text import t
from geo.viewstate import ViewState
from ui import auth, boot, data, present, safe, state as vs, views

SUMMARY_DEFAULT = ViewState(level="kabupaten")


def ringkasan() -> None:
    src = views.source()
    state = vs.read(SUMMARY_DEFAULT, src)
    views.sidebar(state)
    state = vs.from_widgets(state)
    vs.write(state, SUMMARY_DEFAULT)
    lang = state.lang
    period = views.effective_period(state)

    frame = views.with_change(data.classified(src, "kabupaten", state.target, period), "kabupaten", period)
    tot = totals(frame, state.target)
    opts = views.map_options(state, "kabupaten", title=t("level.provinsi", lang), subtitle=period, frame=frame)
    frame_key = (src.key, "kabupaten", state.target, period, lang, views.targets_token(state))
    views.share_link(state, SUMMARY_DEFAULT, "ringkasan")
    if state.present:
        kode = present.show(frame, tot, state, "kabupaten", t("level.provinsi", lang), period, opts, frame_key, "map_summary")
    else:
        st.title(t("app.title", lang))
        st.caption(t("app.subtitle", lang) + (f" · {t('control.period', lang)} {safe.md(period)}" if period else ""))
        views.sample_banner(lang, "kabupaten", period)
        views.metrics(tot, t("level.kabupaten", lang), lang)
        views.cost_line(frame, tot, state)
        kode = views.show_map(frame, opts, frame_key, key="map_summary")
    if kode:
        target_state = state.drill(kode)  # one level down; colouring, planning inputs (slots too) and version carried
        st.switch_page("screens/desa.py", query_params=viewstate.to_query(target_state, ViewState(level="desa")))
    if state.present:
        return
    views.map_downloads(frame, opts, "kabupaten", state, t("level.provinsi", lang), period, f"peta_kabupaten_{period or ''}")
    views.join_report("kabupaten", lang)


st.set_page_config(page_title="Peta Cakupan Jamsostek Kalbar", page_icon="🗺️", layout="wide")
problem = boot.prepare()
if problem:
    st.error(t("error.cache_missing", st.query_params.get("lang", "id")))
    st.text(problem)
    st.stop()

data.begin_run()  # one cheap check per re-run: has anything been published, retracted or restored?
_lang = auth.lang()
_view_pages = [
    st.Page(ringkasan, title=t("nav.ringkasan", _lang), icon=":material/insights:", url_path="ringkasan", default=True),
    st.Page("screens/kabupaten.py", title=t("nav.kabupaten", _lang), icon=":material/map:", url_path="kabupaten"),
    st.Page("screens/desa.py", title=t("nav.desa", _lang), icon=":material/holiday_village:", url_path="desa"),
]
# Publish/admin pages only for editors/admins; with sign-in required, only the sign-in page until signed in.
navigation = st.navigation(auth.pages(_view_pages, auth.current(), _lang))
navigation.run()
views.run_after_page()  # what the page deferred until its map was written (the sidebar's schedule table)
