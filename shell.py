"""Peta Cakupan Jamsostek Kalbar — the shell script: page set-up, the one version check per run, navigation.

The pages live in screens/ (not pages/: Streamlit would run a pages/ folder's files without this
shell when a deep link is the first request of a fresh server).
"""

from __future__ import annotations

import streamlit as st

from geo.text import t
from ui import auth, boot, errors, mappage, session

st.set_page_config(page_title="Peta Cakupan Jamsostek Kalbar", page_icon="🗺️", layout="wide")
problem = boot.prepare()
if problem:
    st.error(t("error.cache_missing", st.query_params.get("lang", "id")))
    st.text(problem)
    st.stop()

session.begin_run()  # one cheap check per run: has anything been published, retracted or restored?
lang = auth.lang()
view_pages = [
    st.Page(
        mappage.SUMMARY_PAGE,
        title=t("nav.ringkasan", lang),
        icon=":material/insights:",
        url_path="ringkasan",
        default=True,
    ),
    st.Page(mappage.KABUPATEN_PAGE, title=t("nav.kabupaten", lang), icon=":material/map:", url_path="kabupaten"),
    st.Page(mappage.DESA_PAGE, title=t("nav.desa", lang), icon=":material/holiday_village:", url_path="desa"),
]
# Publish/admin pages only for editors/admins; with sign-in required, only the sign-in page until signed in.
ident = auth.current()
errors.note_viewer(auth.role(ident))  # database details on screen for admins only (ui/errors)
st.navigation(auth.pages(view_pages, ident, lang)).run()
session.run_after_page()  # what the page deferred until its map was written (the sidebar's schedule table)
