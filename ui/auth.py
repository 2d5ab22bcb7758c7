"""Sign-in: built-in accounts from the store, or the organisation's OpenID Connect provider (st.login).

Who is signed in is decided once per run by :func:`current`:

- a built-in account signed in through the form lives in ``session_state`` (this browser tab's
  session only) and is checked against the store on every run, so an admin who deactivates an
  account or changes a role takes effect at the user's next click;
- an organisation account comes from ``st.user`` (Streamlit's signed identity cookie) when
  ``[auth]`` is configured; its role follows the e-mail allow-lists of :mod:`geo.access`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

from geo.access import ADMIN, EDITOR, SECRETS_SECTION, VIEWER, AccessSettings, at_least
from geo.store import StoreError
from geo.text import t

from .session import store

SESSION_KEY = "auth_identity"
SIGNIN_PAGE = "screens/signin.py"
PUBLISH_PAGE = "screens/publish.py"
ADMIN_PAGE = "screens/admin.py"
LANG_KEY = "_auth_lang"
NEXT_KEY = "_auth_next"  # session_state: the page a signed-out person asked for, opened after signing in


@dataclass(frozen=True)
class Identity:
    """The person using this session: a store user name or an organisation e-mail, and a role."""

    name: str
    role: str  # viewer | editor | admin
    via: str  # "password" (built-in account) or "oidc"
    email: str | None = None


# --- settings -----------------------------------------------------------------------


def _secrets_section(name: str) -> dict:
    try:
        if st.secrets.load_if_toml_exists():
            section = st.secrets.get(name)
            return section.to_dict() if hasattr(section, "to_dict") else dict(section or {})
    except Exception:  # a broken secrets file must not take the app down; Streamlit logs it
        pass
    return {}


def settings() -> AccessSettings:
    return AccessSettings.read(os.environ, _secrets_section(SECRETS_SECTION))


def oidc_configured() -> bool:
    """True when ``[auth]`` in secrets.toml configures an OpenID Connect provider for st.login."""
    return bool(_secrets_section("auth"))


def lang() -> str:
    """The UI language; kept in a plain session key too, since the viewing pages' language widget
    (and so its value) is dropped while a page without it runs."""
    value = st.session_state.get("w_lang") or st.session_state.get(LANG_KEY) or st.query_params.get("lang", "id")
    value = value if value in ("id", "en") else "id"
    st.session_state[LANG_KEY] = value
    return value


# --- who is signed in ---------------------------------------------------------------------------


def _oidc_identity(cfg: AccessSettings) -> Identity | None:
    user = st.user
    if user.get("is_logged_in") is not True:
        return None
    email = user.get("email")
    email = str(email).strip().lower() if email else None
    verified = user.get("email_verified")
    account_role = None
    if email and verified is not False:
        try:
            account = store().user_by_email(email)
        except Exception:  # the store being unreachable must not lock out the allow-list
            account = None
        if account is not None and getattr(account, "active", True):
            account_role = account.role
    role = cfg.role_for_email(email, verified if isinstance(verified, bool) else None, account_role)
    return Identity(name=email or str(user.get("name") or user.get("sub") or "?"), role=role, via="oidc", email=email)


def current() -> Identity | None:
    """The signed-in person, or None; a built-in account is re-read from the store each run."""
    ident = st.session_state.get(SESSION_KEY)
    if isinstance(ident, Identity):
        try:
            account = store().user(ident.name)
        except StoreError as exc:  # cannot confirm the account: treat as signed out, say why
            st.sidebar.error(t("auth.store_down", lang()), icon=":material/error:")
            st.sidebar.text(str(exc))
            return None
        if account is None or not getattr(account, "active", True):
            st.session_state.pop(SESSION_KEY, None)
            return None
        if account.role != ident.role:
            ident = Identity(ident.name, account.role, ident.via, getattr(account, "email", None))
            st.session_state[SESSION_KEY] = ident
        return ident
    if oidc_configured():
        return _oidc_identity(settings())
    return None


def role(ident: Identity | None) -> str | None:
    return ident.role if ident else None


def sign_in(name: str, password: str) -> Identity | None:
    """Check a built-in account's password (the store slows repeated failures and logs them)."""
    client = str(getattr(st.context, "ip_address", None) or "")
    account = store().verify_password(name.strip(), password, client=client)  # StoreError: see sign_in_page
    if account is None or not getattr(account, "active", True):
        return None
    ident = Identity(account.name, account.role, "password", getattr(account, "email", None))
    st.session_state[SESSION_KEY] = ident
    return ident


def sign_out(ident: Identity) -> None:
    st.session_state.pop(SESSION_KEY, None)
    if ident.via == "oidc":
        st.logout()  # clears Streamlit's identity cookie and starts a new session
    else:
        st.rerun()


def require(needed: str) -> Identity:
    """Stop the page unless the signed-in person has at least role ``needed``.

    Navigation already hides pages a role may not use; this also guards a page opened directly.
    """
    ident = current()
    if ident is None and needed != VIEWER:  # e.g. a reload of /terbitkan: the sign-in page, saying why
        st.session_state[NEXT_KEY] = (PUBLISH_PAGE if needed == EDITOR else ADMIN_PAGE, needed)
        try:
            st.switch_page(SIGNIN_PAGE)
        except StreamlitAPIException:  # the page run on its own, outside the app's navigation: refuse below
            st.session_state.pop(NEXT_KEY, None)
    if ident is None or not at_least(ident.role, needed):
        lg = lang()
        st.error(
            t("auth.refused_signin" if ident is None else "auth.refused_role", lg, role=t(f"auth.role.{needed}", lg)),
            icon=":material/lock:",
        )
        st.stop()
    return ident


# --- navigation -----------------------------------------------------------------------------------


def pages(view_pages: list, ident: Identity | None, lg: str) -> dict[str, list]:
    """The page list for this person: viewing (unless sign-in is required), publishing, admin, account."""
    may_view = ident is not None or not settings().require_sign_in
    account = []
    # The publish and admin paths are always known to the navigation (a reload of /terbitkan in a fresh session
    # must not be Streamlit's "Page not found"); shown in the menu only to those who may use them, and the page
    # itself sends a signed-out person to the sign-in page (require()).
    editor = ident is not None and at_least(ident.role, EDITOR)
    admin = ident is not None and at_least(ident.role, ADMIN)
    account.append(
        st.Page(
            PUBLISH_PAGE,
            title=t("auth.nav.publish", lg),
            icon=":material/publish:",
            url_path="terbitkan",
            visibility="visible" if editor else "hidden",
        )
    )
    account.append(
        st.Page(
            ADMIN_PAGE,
            title=t("auth.nav.admin", lg),
            icon=":material/admin_panel_settings:",
            url_path="admin",
            visibility="visible" if admin else "hidden",
        )
    )
    account.append(
        st.Page(
            SIGNIN_PAGE,
            title=t("auth.nav.account" if ident else "auth.nav.signin", lg),
            icon=":material/account_circle:" if ident else ":material/login:",
            url_path="masuk",
        )
    )
    out: dict[str, list] = {}
    if may_view:
        out[""] = view_pages
    out[t("auth.nav.section", lg)] = account
    return out


# --- the sign-in page -------------------------------------------------------------------------------


def sign_in_page() -> None:
    lg = lang()
    ident = current()
    st.title(t("auth.title", lg))
    if ident is not None:
        st.success(t("auth.signed_in", lg, role=t(f"auth.role.{ident.role}", lg)), icon=":material/verified_user:")
        st.text(ident.name)  # user-controlled: plain text, never Markdown
        if ident.role == VIEWER:
            st.info(t("auth.viewer_note", lg))
        else:
            st.page_link(PUBLISH_PAGE, label=t("auth.nav.publish", lg), icon=":material/publish:")
            if ident.role == ADMIN:
                st.page_link(ADMIN_PAGE, label=t("auth.nav.admin", lg), icon=":material/admin_panel_settings:")
        if st.button(t("auth.sign_out", lg), key="auth_sign_out", icon=":material/logout:"):
            sign_out(ident)
        return
    if asked := st.session_state.get(NEXT_KEY):
        page = t("auth.nav.publish" if asked[0] == PUBLISH_PAGE else "auth.nav.admin", lg)
        st.info(t("auth.sign_in_for", lg, page=page), icon=":material/lock:")
    if settings().require_sign_in:
        st.info(t("auth.required_note", lg))
    if oidc_configured():
        if st.button(t("auth.oidc_button", lg), key="auth_oidc", type="primary", icon=":material/badge:"):
            st.login()
        st.caption(t("auth.or_password", lg))
    with st.form("auth_form", clear_on_submit=False):
        name = st.text_input(t("auth.name", lg), key="auth_name", autocomplete="username")
        password = st.text_input(
            t("auth.password", lg), type="password", key="auth_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("auth.submit", lg), type="primary")
    if submitted:
        if not name.strip() or not password:
            st.error(t("auth.missing", lg))
            return
        try:
            ident = sign_in(name, password)
        except StoreError as exc:
            st.error(t("auth.store_down", lg), icon=":material/error:")
            st.text(str(exc))
            return
        if ident is None:
            st.error(t("auth.failed", lg), icon=":material/error:")
        elif (asked := st.session_state.pop(NEXT_KEY, None)) and at_least(ident.role, asked[1]):
            st.switch_page(asked[0])  # back to the page that was asked for
        else:
            st.rerun()
