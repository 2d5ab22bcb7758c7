"""Terbitkan / Publish (editors and admins): upload, join report, picks, publish; version history."""

import streamlit as st

from geo.access import EDITOR
from geo.store import StoreError
from geo.text import t
from ui import auth, data, editor
from ui.targets_editor import publish_section

ident = auth.require(EDITOR)
lang = auth.lang()
st.title(t("editor.title", lang))
st.caption(t("editor.signed_in_as", lang))
st.text(ident.name)
publish_tab, versions_tab, targets_tab = st.tabs([t("editor.tab_publish", lang), t("editor.tab_versions", lang), t("targets.title", lang)])
try:
    with publish_tab:
        editor.publish_panel(ident, lang)
    with versions_tab:
        editor.versions_panel(ident, lang)
    with targets_tab:  # the target schedule is published like a coverage table: same store, versions, audit
        store = data.store()
        if isinstance(store, StoreError):
            raise store
        publish_section(store, ident.name, lang)
except StoreError as exc:  # unreachable or refusing database: a message, never a traceback
    st.error(t("editor.store_error", lang), icon=":material/error:")
    st.text(str(exc))
