"""Sign-in: built-in accounts from the store, or the organisation's OpenID Connect provider (st.login).

Who is signed in is decided once per run by :func:`current`:

- a built-in account signed in through the form has a server-side session in the store; this tab keeps
  its id in ``session_state`` and a reload finds it again through the signed HttpOnly cookie that the
  route ``/auth/session`` set (server/sessioncookie.py). Every run checks it: it ends after ``idle_timeout``
  without a click, and at the next click after a password reset, deactivation or role change;
- an organisation account comes from ``st.user`` (Streamlit's signed identity cookie) when ``[auth]``
  is configured; the e-mail must be verified by the provider (geo.access.AccessSettings.oidc_refusal) and
  its role follows the e-mail allow-lists of :mod:`geo.access`. Sign-ins and sign-outs are audited.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from geo import settings as app_settings
from geo.access import ADMIN, EDITOR, SECRETS_SECTION, VIEWER, AccessSettings, at_least
from geo.signin import COOKIE, SESSION_PATH, SIGNOUT_PATH, client_address, cookie_secret, unsign
from geo.store import SignIn, StoreError
from geo.store.store import ACCOUNT_DELAY_CAP_S
from geo.text import t
from streamlit_boundary import protocol

from . import errors
from .session import store

SESSION_KEY = "auth_identity"
SIGNIN_PAGE = "screens/masuk.py"
PUBLISH_PAGE = "screens/publish.py"
ADMIN_PAGE = "screens/admin.py"
PAGE_PATHS = {PUBLISH_PAGE: "/terbitkan", ADMIN_PAGE: "/admin", SIGNIN_PAGE: "/masuk"}
LANG_KEY = "_auth_lang"
NEXT_KEY = "_auth_next"  # session_state: the page a signed-out person asked for, opened after signing in
ENDED_KEY = "_auth_ended"  # why this tab's sign-in just ended (changed | idle), said once on the sign-in page
COOKIE_TRIED = "_auth_cookie_tried"  # the sign-in cookie is read once per session
OIDC_SEEN = "_auth_oidc_seen"  # the organisation token this session has audited
OIDC_LAST = "_auth_oidc_last"  # time of this session's last run with an organisation identity (idle timeout)
OUTCOMES = {"wrong": "auth.failed", "locked": "auth.locked", "busy": "auth.busy"}  # a refused attempt, said
OIDC_LOGOUT_PATH = "/auth/logout"  # Streamlit's own route (st.logout)
REDIRECT_KEY = "_auth_redirect"  # a path the browser is sent to by the next run (see _browser_to)
PW_CHANGED = "pw"  # query parameter after one's own password change (the page reloads through the route)


@dataclass(frozen=True)
class Identity:
    """The person using this session: a store user name or an organisation e-mail, and a role."""

    name: str
    role: str  # viewer | editor | admin
    via: str  # "password" (built-in account) or "oidc"
    email: str | None = None
    session: int | None = None  # a built-in account's server-side session (the store's web_sessions id)


# --- settings -----------------------------------------------------------------------


def _secrets_section(name: str) -> dict:
    """A secrets section as Streamlit reads it (``st.secrets``: the same files as ``geo.settings``, and what
    ``st.login`` and AppTest's secrets use); the environment comes from ``geo.settings``."""
    try:
        if st.secrets.load_if_toml_exists():
            section = st.secrets.get(name)
            return section.to_dict() if hasattr(section, "to_dict") else dict(section or {})
    except Exception:  # a broken secrets file must not take the app down; Streamlit logs it
        pass
    return {}


def settings() -> AccessSettings:
    return AccessSettings.read(app_settings.environ(), _secrets_section(SECRETS_SECTION))


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


def client() -> str:
    """This connection's client address: the proxy's header only when the peer is a trusted proxy."""
    try:
        headers = {str(k): str(v) for k, v in st.context.headers.items()}
    except Exception:  # no connection (a bare script run)
        headers = {}
    peer = st.context.ip_address
    return client_address(peer if isinstance(peer, str) else None, headers, settings().trusted_proxies)


def _browser_to(path: str, *, after_rerun: bool = False) -> None:
    """Send this tab's browser to a path of this server (the message st.login sends to leave for the provider).

    A rerun drops the messages its run has not sent yet, so when the caller reruns next (``after_rerun``) the
    message waits in the session and the next run sends it (:func:`current`, called first in every run)."""
    if after_rerun:
        st.session_state[REDIRECT_KEY] = path
        return
    protocol.send_browser_to(path)


def _handoff_url(token: str, next_path: str) -> str:
    return f"{SESSION_PATH}?{urlencode({'token': token, 'next': next_path})}"


def _with_lang(path: str) -> str:
    return f"{path}?lang=en" if lang() == "en" else path


# --- who is signed in ---------------------------------------------------------------------------


def _oidc_identity(cfg: AccessSettings) -> Identity | None:
    user = st.user
    if user.get("is_logged_in") is not True:
        return None
    claims = {k: v for k, v in user.to_dict().items() if k != "tokens"}
    email = str(claims.get("email") or "").strip().lower() or None
    refusal = cfg.oidc_refusal(claims)
    role = VIEWER
    if refusal is None:
        account_role = None
        try:
            account = store().user_by_email(email)
        except Exception:  # the store being unreachable must not lock out the allow-list
            account = None
        if account is not None and getattr(account, "active", True):
            account_role = account.role
        role = cfg.role_for_email(email, True, account_role)
    _audit_oidc(claims, email, role, refusal)
    if refusal is not None:
        st.session_state[ENDED_KEY] = refusal
        return None
    last = st.session_state.get(OIDC_LAST)
    if last is not None and time.time() - last > cfg.idle_timeout.total_seconds():
        _oidc_sign_out(email or "?", "idle")
        st.session_state[ENDED_KEY] = "idle"
        return None
    st.session_state[OIDC_LAST] = time.time()
    return Identity(
        name=email or str(claims.get("name") or claims.get("sub") or "?"), role=role, via="oidc", email=email
    )


def _audit_oidc(claims: dict, email: str | None, role: str, refusal: str | None) -> None:
    """One audit row per organisation token (its issuer, subject and issue time), not per run or reload."""
    key = hashlib.sha256(f"{claims.get('iss')}|{claims.get('sub')}|{claims.get('iat')}".encode()).hexdigest()[:40]
    if st.session_state.get(OIDC_SEEN) == key:
        return
    detail = {"via": "oidc", "client": client(), "iss": str(claims.get("iss") or "")}
    detail.update({"role": role} if refusal is None else {"reason": refusal.rsplit(".", 1)[-1]})
    try:
        store().log_once(f"oidc:{key}", email or "?", "login" if refusal is None else "login_refused", detail)
    except StoreError:
        return  # said again on the next run, when the store is back
    st.session_state[OIDC_SEEN] = key
    if refusal is not None:  # once per session, on whichever page the provider sent the browser back to
        st.toast(t(refusal, lang()), icon=":material/gpp_bad:")


def _oidc_sign_out(who: str, reason: str) -> None:
    try:
        store().log(who, "logout", {"via": "oidc", "reason": reason, "client": client()})
    except StoreError:
        pass
    st.session_state.pop(OIDC_LAST, None)
    st.logout()  # clears st.user now, and sends the browser to /auth/logout (clears the identity cookie)
    # ... unless this run is cut short by a rerun (e.g. a protected page switching to the sign-in page), which
    # drops that message: then the next run sends the browser there (twice is harmless)
    st.session_state[REDIRECT_KEY] = OIDC_LOGOUT_PATH


def _ended(reason: str) -> None:
    st.session_state.pop(SESSION_KEY, None)
    if reason in ("changed", "idle", "inactive"):
        st.session_state[ENDED_KEY] = reason
        st.toast(t(f"auth.ended.{reason}", lang()), icon=":material/logout:")


def _from_cookie() -> Identity | None:
    """A new session of a browser that signed in before (a reload): the cookie's session, if it still holds."""
    if st.session_state.get(COOKIE_TRIED):
        return None
    raw = st.context.cookies.get(COOKIE)
    if not isinstance(raw, str) or not raw:
        st.session_state[COOKIE_TRIED] = True
        return None
    s = store()  # StoreError: see current()
    token = unsign(cookie_secret(settings(), s), raw)
    session_id = s.session_by_cookie(token) if token else None
    st.session_state[COOKIE_TRIED] = True
    if session_id is None:
        return None
    check = s.check_session(session_id, settings().idle_timeout)
    if check.user is None:
        _ended(check.reason)
        return None
    ident = Identity(check.user.name, check.user.role, "password", check.user.email, session_id)
    st.session_state[SESSION_KEY] = ident
    return ident


def current() -> Identity | None:
    """The signed-in person, or None; a built-in account's session is checked against the store each run."""
    if pending := st.session_state.pop(REDIRECT_KEY, None):
        _browser_to(pending)
    ident = st.session_state.get(SESSION_KEY)
    try:
        if not isinstance(ident, Identity):
            ident = _from_cookie()
        elif ident.via == "password":
            check = store().check_session(ident.session or 0, settings().idle_timeout)
            if check.user is None:
                _ended(check.reason)
                return None
            if check.user.role != ident.role:
                ident = dataclasses.replace(ident, role=check.user.role)
                st.session_state[SESSION_KEY] = ident
    except StoreError as exc:  # cannot confirm the account: treat as signed out, say why
        st.sidebar.error(t("auth.store_down", lang()), icon=":material/error:")
        errors.show_detail(exc, st.sidebar)  # database details: admins and the log only
        return None
    if ident is not None:
        return ident
    if oidc_configured():
        return _oidc_identity(settings())
    return None


def still_allowed(ident: Identity, needed: str) -> bool:
    """Whether ``ident`` still has role ``needed`` now: for work deferred past the run that offered it (a
    download built when clicked). Reads no session state, so it may run on another thread."""
    try:
        if ident.via == "password":
            check = store().check_session(ident.session or 0, settings().idle_timeout)
            return check.user is not None and at_least(check.user.role, needed)
        account = store().user_by_email(ident.email) if ident.email else None
    except StoreError:
        return False
    account_role = account.role if account is not None and account.active else None
    return at_least(settings().role_for_email(ident.email, True, account_role), needed)


def role(ident: Identity | None) -> str | None:
    return ident.role if ident else None


def sign_in(name: str, password: str) -> tuple[Identity | None, SignIn, str | None]:
    """Check a built-in account's password (the store counts, slows and locks failures, and logs them);
    on success a server-side session and its one-time hand-off token for the cookie route."""
    address = client()
    result = store().sign_in(name.strip(), password, client=address)  # StoreError: see sign_in_page
    if result.user is None:
        return None, result, None
    session_id, handoff = store().start_session(result.user.name, address)
    ident = Identity(result.user.name, result.user.role, "password", result.user.email, session_id)
    st.session_state[SESSION_KEY] = ident
    st.session_state.pop(ENDED_KEY, None)
    return ident, result, handoff


def sign_out(ident: Identity) -> None:
    """End the session in the store (audited; this click came over the app's own connection, so no other
    site can make it), then send the browser to the route, which clears the now dead cookie (a GET there
    never ends a live session: server/sessioncookie.py); an organisation sign-out also clears Streamlit's identity
    cookie."""
    st.session_state.pop(SESSION_KEY, None)
    if ident.via == "oidc":
        _oidc_sign_out(ident.name, "sign_out")
        return
    try:
        store().end_session(ident.session or 0, "logout", by=ident.name)
    except StoreError:
        pass  # the cookie is cleared below all the same; the session lapses when idle
    st.session_state[COOKIE_TRIED] = True
    _browser_to(f"{SIGNOUT_PATH}?{urlencode({'next': _with_lang(PAGE_PATHS[SIGNIN_PAGE])})}", after_rerun=True)
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


def _signed_in_panel(ident: Identity, lg: str) -> None:
    st.success(t("auth.signed_in", lg, role=t(f"auth.role.{ident.role}", lg)), icon=":material/verified_user:")
    st.text(ident.name)  # user-controlled: plain text, never Markdown
    if st.query_params.get(PW_CHANGED) == "changed":
        st.info(t("auth.pw.changed", lg), icon=":material/key:")
    if ident.role == VIEWER:
        st.info(t("auth.viewer_note", lg))
    else:
        st.page_link(PUBLISH_PAGE, label=t("auth.nav.publish", lg), icon=":material/publish:")
        if ident.role == ADMIN:
            st.page_link(ADMIN_PAGE, label=t("auth.nav.admin", lg), icon=":material/admin_panel_settings:")
    if st.button(t("auth.sign_out", lg), key="auth_sign_out", icon=":material/logout:"):
        sign_out(ident)
    if ident.via == "password":
        own_password_form(ident, lg)


def own_password_form(ident: Identity, lg: str) -> None:
    """A signed-in built-in account changes its own password (the old one is checked like a sign-in)."""
    with st.expander(t("auth.pw.title", lg), icon=":material/key:"):
        with st.form("auth_pw_form", clear_on_submit=True):
            old = st.text_input(t("auth.pw.old", lg), type="password", key="pw_old", autocomplete="current-password")
            new = st.text_input(t("auth.pw.new", lg), type="password", key="pw_new", autocomplete="new-password")
            again = st.text_input(t("auth.pw.again", lg), type="password", key="pw_again", autocomplete="new-password")
            submitted = st.form_submit_button(t("auth.pw.submit", lg))
        if not submitted:
            return
        if len(new) < 8:
            st.error(t("admin.password_short", lg))
            return
        if new != again:
            st.error(t("auth.pw.mismatch", lg))
            return
        try:
            result = store().change_own_password(ident.name, old, new, client())
            if result.outcome != "ok":
                st.error(t(OUTCOMES.get(result.outcome, "auth.failed"), lg), icon=":material/error:")
                return
            # every session of the account ended (epoch); this tab goes on with a new one and a new cookie
            session_id, handoff = store().start_session(ident.name, client())
        except StoreError as exc:
            st.error(t("auth.store_down", lg), icon=":material/error:")
            errors.show_detail(exc)  # database details: admins and the log only
            return
        st.session_state[SESSION_KEY] = dataclasses.replace(ident, session=session_id)
        st.success(t("auth.pw.changed", lg), icon=":material/key:")
        next_path = (
            PAGE_PATHS[SIGNIN_PAGE] + "?" + urlencode({PW_CHANGED: "changed", **({"lang": "en"} if lg == "en" else {})})
        )
        _browser_to(_handoff_url(handoff, next_path))


def _ended_note(lg: str) -> None:
    """Why the last sign-in of this tab ended, or why an organisation sign-in is refused (said once)."""
    reason = st.session_state.pop(ENDED_KEY, None)
    if reason in ("changed", "idle", "inactive"):
        st.warning(t(f"auth.ended.{reason}", lg), icon=":material/logout:")
    elif isinstance(reason, str) and reason.startswith("auth.oidc."):
        st.error(t(reason, lg), icon=":material/gpp_bad:")
        if st.button(t("auth.oidc.other_account", lg), key="auth_oidc_out", icon=":material/logout:"):
            _oidc_sign_out(str(st.user.get("email") or "?"), "refused")


def _slowed_note(result: SignIn, lg: str) -> None:
    """Say how long the check waited because of the account's failures elsewhere (never a lock)."""
    if result.delay_s >= 0.5:
        st.info(
            t("auth.slowed", lg, seconds=f"{result.delay_s:.0f}", cap=f"{ACCOUNT_DELAY_CAP_S:.0f}"),
            icon=":material/hourglass_top:",
        )


def sign_in_page() -> None:
    lg = lang()
    ident = current()
    st.title(t("auth.title", lg))
    if ident is not None:
        _signed_in_panel(ident, lg)
        return
    _ended_note(lg)
    if asked := st.session_state.get(NEXT_KEY):
        page = t("auth.nav.publish" if asked[0] == PUBLISH_PAGE else "auth.nav.admin", lg)
        st.info(t("auth.sign_in_for", lg, page=page), icon=":material/lock:")
    if settings().require_sign_in:
        st.info(t("auth.required_note", lg))
    if oidc_configured() and st.user.get("is_logged_in") is not True:
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
            ident, result, handoff = sign_in(name, password)
        except StoreError as exc:
            st.error(t("auth.store_down", lg), icon=":material/error:")
            errors.show_detail(exc)  # database details: admins and the log only
            return
        if ident is None or handoff is None:
            st.error(t(OUTCOMES.get(result.outcome, "auth.failed"), lg), icon=":material/error:")
            _slowed_note(result, lg)
            return
        asked = st.session_state.pop(NEXT_KEY, None)
        target = asked[0] if asked and at_least(ident.role, asked[1]) else SIGNIN_PAGE
        # the cookie, so that a reload stays signed in: through /auth/session, then on to the page
        _browser_to(_handoff_url(handoff, _with_lang(PAGE_PATHS[target])), after_rerun=True)
        if target != SIGNIN_PAGE:
            st.switch_page(target)  # back to the page that was asked for
        st.rerun()
