"""The admin page's parts: audit log, editors and admins, name aliases.

Names, e-mails and audit details are user-controlled: they appear only inside dataframes or
st.text, never as Markdown.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from geo import fmt
from geo.stamp import when
from geo.store import StoreError
from geo.store.store import ACCOUNT_DELAY_CAP_S, ACCOUNT_NOTICE_AFTER
from geo.text import t

from . import auth, blocks, errors, session

ROLES = ("editor", "admin")
FLASH = "admin_added"


def _when(value) -> str:
    """Kalbar's time (WIB) to the second, as every time in the app (geo.stamp.when)."""
    return when(value, seconds=True) if value is not None else fmt.MISSING


def _detail(detail) -> str:
    return (
        json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
        if isinstance(detail, (dict, list))
        else str(detail or "")
    )


def audit_frame(entries, who: str | None, action: str | None, text: str) -> pd.DataFrame:
    """Audit entries as a table, filtered by person, action and a free-text search in the details."""
    rows = [
        {"id": e.id, "at": _when(e.at), "who": e.who, "action": e.action, "detail": _detail(e.detail)} for e in entries
    ]
    df = pd.DataFrame(rows, columns=["id", "at", "who", "action", "detail"])
    if who:
        df = df[df["who"] == who]
    if action:
        df = df[df["action"] == action]
    if text.strip():
        needle = text.strip().lower()
        df = df[
            df["detail"].str.lower().str.contains(needle, regex=False)
            | df["who"].str.lower().str.contains(needle, regex=False)
        ]
    return df


def audit_panel(lg: str) -> None:
    store = session.store()
    entries = store.audit(limit=2000)
    c1, c2, c3 = st.columns(3)
    who = c1.selectbox(
        t("admin.filter_who", lg),
        [None, *sorted({e.who for e in entries})],
        key="audit_who",
        format_func=lambda v: t("admin.all", lg) if v is None else v,
    )
    action = c2.selectbox(
        t("admin.filter_action", lg),
        [None, *sorted({e.action for e in entries})],
        key="audit_action",
        format_func=lambda v: t("admin.all", lg) if v is None else v,
    )
    text = c3.text_input(t("admin.filter_text", lg), key="audit_text")
    df = audit_frame(entries, who, action, text)
    st.caption(t("admin.audit_count", lg, n=len(df), total=len(entries)))
    blocks.table(
        df.rename(
            columns={
                "at": t("admin.col.at", lg),
                "who": t("admin.col.who", lg),
                "action": t("admin.col.action", lg),
                "detail": t("admin.col.detail", lg),
            }
        ),
        lg,
    )


def users_panel(ident: auth.Identity, lg: str) -> None:
    store = session.store()
    users = store.users()
    if added := st.session_state.pop(FLASH, None):
        st.success(t("admin.added", lg))
        st.text(added)
    blocks.table(
        pd.DataFrame(
            [
                {
                    t("admin.col.name", lg): u.name,
                    t("admin.col.role", lg): t(f"auth.role.{u.role}", lg),
                    t("admin.col.email", lg): u.email or "",
                    t("admin.col.display", lg): u.display_name or "",
                    t("admin.col.active", lg): t("admin.yes" if u.active else "admin.no", lg),
                    t("admin.col.password", lg): t("admin.yes" if u.has_password else "admin.no", lg),
                }
                for u in users
            ]
        ),
        lg,
    )
    with st.form("admin_add_user", clear_on_submit=True):
        st.markdown(f"**{t('admin.add_title', lg)}**")
        c1, c2, c3 = st.columns(3)
        name = c1.text_input(t("admin.col.name", lg), key="new_name")
        role = c2.selectbox(
            t("admin.col.role", lg), ROLES, key="new_role", format_func=lambda r: t(f"auth.role.{r}", lg)
        )
        email = c3.text_input(t("admin.col.email", lg), key="new_email")
        display = st.text_input(t("admin.col.display", lg), key="new_display", help=t("admin.display_help", lg))
        password = st.text_input(
            t("auth.password", lg), type="password", key="new_password", help=t("admin.password_help", lg)
        )
        if st.form_submit_button(t("admin.add", lg), icon=":material/person_add:"):
            if not name.strip():
                st.error(t("admin.name_missing", lg))
            elif password and len(password) < 8:
                st.error(t("admin.password_short", lg))
            else:
                try:
                    store.add_user(
                        name.strip(),
                        role,
                        password=password or None,
                        email=email.strip() or None,
                        by=ident.name,
                        display_name=display,
                    )
                except (StoreError, ValueError) as exc:
                    st.error(t("admin.failed", lg))
                    if isinstance(exc, StoreError):
                        errors.show_detail(exc)
                    else:
                        st.text(str(exc))
                else:
                    st.session_state[FLASH] = name.strip()
                    st.rerun()  # so the lists below include the new account
    if not users:
        return
    st.markdown(f"**{t('admin.change_title', lg)}**")
    by_name = {u.name: u for u in users}
    c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
    chosen = c1.selectbox(t("admin.col.name", lg), list(by_name), key="edit_user")
    u = by_name[chosen]
    new_role = c2.selectbox(
        t("admin.col.role", lg),
        ROLES,
        index=ROLES.index(u.role) if u.role in ROLES else 0,
        key=f"edit_role_{u.name}",
        format_func=lambda r: t(f"auth.role.{r}", lg),
    )
    if c3.button(t("admin.set_role", lg), key=f"set_role_{u.name}", disabled=new_role == u.role):
        store.set_role(u.name, new_role, by=ident.name)
        st.rerun()
    d1, d2 = st.columns([2, 1], vertical_alignment="bottom")
    shown = d1.text_input(
        t("admin.col.display", lg),
        value=u.display_name or "",
        key=f"display_{u.name}",
        help=t("admin.display_help", lg),
    )
    if d2.button(t("admin.set_display", lg), key=f"set_display_{u.name}", disabled=shown == (u.display_name or "")):
        store.set_display_name(u.name, shown, by=ident.name)  # sessions go on: only what visitors see changes
        st.rerun()
    own = u.name == ident.name and ident.via == "password"
    if u.active:
        if st.button(
            t("admin.deactivate", lg),
            key=f"deact_{u.name}",
            disabled=own,
            help=t("admin.self_help", lg) if own else None,
        ):
            store.set_active(u.name, False, by=ident.name)
            st.rerun()
    elif st.button(t("admin.activate", lg), key=f"act_{u.name}"):
        store.set_active(u.name, True, by=ident.name)
        st.rerun()
    new_pw = st.text_input(t("admin.new_password", lg), type="password", key=f"pw_{u.name}", disabled=own)
    if st.button(
        t("admin.set_password", lg),
        key=f"set_pw_{u.name}",
        disabled=own or len(new_pw) < 8,
        help=t("admin.self_pw_help", lg) if own else None,
    ):
        store.set_password(u.name, new_pw, by=ident.name)  # ends the account's open sessions
        st.success(t("admin.password_set", lg))


def blocks_panel(ident: auth.Identity, lg: str) -> None:
    """Accounts and client addresses slowed down or locked by failed sign-ins; an admin lifts a lock."""
    store = session.store()
    st.markdown(f"**{t('admin.blocks_title', lg)}**")
    locks = store.signin_blocks()
    many = [b.subject for b in locks if b.kind == "account" and b.failures >= ACCOUNT_NOTICE_AFTER]
    if many:  # an account under attack is slowed, never locked: admins are told
        st.warning(t("admin.many_failures", lg, cap=f"{ACCOUNT_DELAY_CAP_S:.0f}"), icon=":material/warning:")
        st.text(", ".join(many))  # names are user-controlled: plain text
    if not locks:
        st.caption(t("admin.no_blocks", lg))
        return
    blocks.table(
        pd.DataFrame(
            [
                {
                    t("admin.col.kind", lg): t(f"admin.block.{b.kind}", lg),
                    t("admin.col.subject", lg): b.subject,
                    t("admin.col.failures", lg): b.failures,
                    t("admin.col.last", lg): _when(b.last_at),
                    t("admin.col.locked", lg): t("admin.yes" if b.locked else "admin.no", lg),
                }
                for b in locks
            ]
        ),
        lg,
    )
    keys = [(b.kind, b.subject) for b in locks]
    c1, c2 = st.columns(2, vertical_alignment="bottom")
    chosen = c1.selectbox(
        t("admin.lift_pick", lg),
        keys,
        key="block_pick",
        format_func=lambda k: f"{t(f'admin.block.{k[0]}', lg)}: {k[1]}",
    )
    if chosen and c2.button(t("admin.lift", lg), key="block_lift", icon=":material/lock_open:"):
        store.lift_block(chosen[0], chosen[1], by=ident.name)
        st.rerun()


def aliases_panel(ident: auth.Identity, lg: str) -> None:
    store = session.store()
    aliases = store.aliases()
    if not aliases:
        st.info(t("admin.no_aliases", lg))
        return
    blocks.table(
        pd.DataFrame(
            [
                {
                    "id": a.id,
                    t("editor.col.level", lg): t(f"level.{a.level}", lg),
                    t("admin.col.alias", lg): a.name,
                    t("admin.col.kode", lg): a.kode,
                    t("admin.col.parent", lg): a.parent or "",
                    t("admin.col.who", lg): a.created_by,
                    t("admin.col.at", lg): _when(a.created_at),
                }
                for a in aliases
            ]
        ),
        lg,
    )
    by_id = {a.id: a for a in aliases}
    c1, c2 = st.columns(2, vertical_alignment="bottom")
    chosen = c1.selectbox(
        t("admin.alias_pick", lg),
        list(by_id),
        key="alias_pick",
        format_func=lambda i: f"{i}: {by_id[i].name} → {by_id[i].kode}",
    )
    if c2.button(t("admin.alias_remove", lg), key=f"alias_rm_{chosen}", icon=":material/delete:"):
        store.remove_alias(chosen, by=ident.name)
        session.refresh_now()
        st.rerun()
