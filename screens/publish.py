"""Terbitkan / Publish (editors and admins): upload, join report, picks, publish; version history; targets."""

import streamlit as st

from geo.access import EDITOR
from geo.store import StoreError
from geo.text import t
from ui import auth, commitmentpanel, errors, phone, publishpanels

ident = auth.require(EDITOR)
lang = auth.lang()
phone.layout()
st.title(t("editor.title", lang))
st.caption(t("editor.signed_in_as", lang))
st.text(ident.name)
publishpanels.toast()  # what was just published/retracted/restored, where the officer is looking
publish_tab, versions_tab, targets_tab, commit_tab = st.tabs(
    [t("editor.tab_publish", lang), t("editor.tab_versions", lang), t("targets.title", lang), t("commit.title", lang)]
)
try:
    with publish_tab:
        publishpanels.publish_panel(ident, lang)
    with versions_tab:
        publishpanels.versions_panel(ident, lang)
    with targets_tab:
        publishpanels.targets_panel(ident, lang)
    with commit_tab:
        commitmentpanel.panel(ident, lang)
except StoreError as exc:  # unreachable or refusing database: a message, never a traceback
    st.error(t("editor.store_error", lang), icon=":material/error:")
    errors.show_detail(exc)  # database details: admins and the log only
