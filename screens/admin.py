"""Admin (admins only): audit log, editors and admins, name aliases."""

import streamlit as st

from geo.access import ADMIN
from geo.store import StoreError
from geo.text import t
from ui import adminpanels, auth, errors, phone

ident = auth.require(ADMIN)
lang = auth.lang()
phone.layout()
st.title(t("admin.title", lang))
audit_tab, users_tab, aliases_tab = st.tabs(
    [t("admin.tab_audit", lang), t("admin.tab_users", lang), t("admin.tab_aliases", lang)]
)
try:
    with audit_tab:
        adminpanels.audit_panel(lang)
    with users_tab:
        adminpanels.users_panel(ident, lang)
        adminpanels.blocks_panel(ident, lang)
    with aliases_tab:
        adminpanels.aliases_panel(ident, lang)
except StoreError as exc:  # unreachable or refusing database: a message, never a traceback
    st.error(t("editor.store_error", lang), icon=":material/error:")
    errors.show_detail(exc)  # database details: admins and the log only
