"""The admin page (screens/admin.py, ui/adminpanels.py): audit log with filters, accounts, aliases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from geo.text import t
from tests.support.apptest import raw_missing, shown_with, signed_in_on, texts
from ui.adminpanels import audit_frame

TIMEOUT = 120
PASSWORD = "kata-sandi-admin-1"


@pytest.fixture
def app_store(empty_app_store):
    s = empty_app_store
    s.add_user("admin1", "admin", password=PASSWORD, by="test")
    s.add_user("editor1", "editor", password="kata-sandi-editor-1", by="admin1")
    return s


def admin_page() -> AppTest:
    return signed_in_on("screens/admin.py", "admin1", PASSWORD, TIMEOUT)


def frame_with(at: AppTest, column_key: str):
    return next(d.value for d in at.dataframe if t(column_key, "id") in d.value.columns)


def test_audit_log_filters(app_store):
    app_store.log("editor1", "publish", {"version": 7, "file": "juni.csv"})
    at = admin_page()
    audit = frame_with(at, "admin.col.action")
    actions = set(audit[t("admin.col.action", "id")])
    assert {"user_add", "login", "publish"} <= actions
    at.selectbox(key="audit_who").set_value("editor1").run()
    audit = frame_with(at, "admin.col.action")
    assert set(audit[t("admin.col.who", "id")]) == {"editor1"} and len(audit) == 1
    at.selectbox(key="audit_who").set_value(None).run()
    at.text_input(key="audit_text").input("juni.csv").run()
    assert list(frame_with(at, "admin.col.action")[t("admin.col.action", "id")]) == ["publish"]


def test_audit_frame_search_is_literal():
    from geo.store import AuditEntry

    at = datetime(2025, 7, 1, tzinfo=UTC)
    entries = [
        AuditEntry(1, at, "a", "login", {"client": "1.2.3.4"}),
        AuditEntry(2, at, "b", "publish", {"file": "x(1).csv"}),
    ]
    assert list(audit_frame(entries, None, None, "x(1")["id"]) == [2]  # no regex
    assert list(audit_frame(entries, "a", None, "")["id"]) == [1]
    assert list(audit_frame(entries, None, "publish", "")["id"]) == [2]


def test_add_editor_change_role_deactivate(app_store):
    at = admin_page()
    at.text_input(key="new_name").input("data_officer")
    at.selectbox(key="new_role").set_value("editor")
    at.text_input(key="new_email").input("Data@Disnaker.example")
    at.text_input(key="new_password").input("rahasia-baru-123")
    at.text_input(key="new_display").input("  Bidang   Data ")
    next(b for b in at.button if b.label.endswith(t("admin.add", "id"))).click()
    at.run()
    assert not at.exception
    u = app_store.user("data_officer")
    assert u.display_name == "Bidang Data"  # what visitors see instead of the login name
    assert u is not None and u.role == "editor" and u.email == "data@disnaker.example" and u.active and u.has_password
    assert app_store.verify_password("data_officer", "rahasia-baru-123") is not None
    at.selectbox(key="edit_user").set_value("data_officer").run()
    at.selectbox(key="edit_role_data_officer").set_value("admin").run()
    next(b for b in at.button if b.key == "set_role_data_officer").click()
    at.run()
    assert app_store.user("data_officer").role == "admin"
    at.text_input(key="display_data_officer").input("Tim Kepesertaan").run()
    next(b for b in at.button if b.key == "set_display_data_officer").click()
    at.run()
    assert app_store.user("data_officer").display_name == "Tim Kepesertaan"
    assert "Tim Kepesertaan" in set(frame_with(at, "admin.col.display")[t("admin.col.display", "id")])
    next(b for b in at.button if b.key == "deact_data_officer").click()
    at.run()
    assert not app_store.user("data_officer").active
    assert {"user_add", "user_role", "user_display_name", "user_active"} <= {
        e.action for e in app_store.audit() if e.who == "admin1"
    }


def test_short_password_and_own_account(app_store):
    at = admin_page()
    at.text_input(key="new_name").input("x")
    at.text_input(key="new_password").input("short")
    next(b for b in at.button if b.label.endswith(t("admin.add", "id"))).click()
    at.run()
    assert any(e.value == t("admin.password_short", "id") for e in at.error)
    assert app_store.user("x") is None
    at.selectbox(key="edit_user").set_value("admin1").run()
    assert next(b for b in at.button if b.key == "deact_admin1").disabled  # no locking oneself out


def test_aliases_listed_and_removed(app_store):
    app_store.add_alias("kabupaten", "Pontianak", "61.02", by="editor1")
    at = admin_page()
    table = frame_with(at, "admin.col.alias")
    assert list(table[t("admin.col.alias", "id")]) == ["Pontianak"] and list(table[t("admin.col.kode", "id")]) == [
        "61.02"
    ]
    alias_id = app_store.aliases()[0].id
    next(b for b in at.button if b.key == f"alias_rm_{alias_id}").click()
    at.run()
    assert app_store.aliases() == []
    assert any(i.value == t("admin.no_aliases", "id") for i in at.info)


def _wib(shown: str) -> datetime:
    """A time as the admin page writes it ("2026-11-29 16:05:09 WIB"), back to UTC."""
    assert shown.endswith(" WIB"), shown
    return (datetime.strptime(shown.removesuffix(" WIB"), "%Y-%m-%d %H:%M:%S") - timedelta(hours=7)).replace(tzinfo=UTC)


def _utc(at: datetime) -> datetime:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)


def test_times_on_the_admin_page_are_in_wib(app_store):
    """Audit log, sign-in locks and aliases: Kalbar's time with "WIB" (the stamps' clock), never UTC."""
    for _ in range(3):  # three failed sign-ins slow the account down: a row in the locks table
        app_store.sign_in("editor1", "salah", client="203.0.113.9")
    app_store.add_alias("kabupaten", "Pontianak", "61.02", by="editor1")
    at = admin_page()
    entries = {e.id: e for e in app_store.audit(limit=2000)}
    raw, text = shown_with(at, t("admin.col.action", "id"))
    assert len(raw) >= 3
    for i, when_shown in zip(raw["id"], text[t("admin.col.at", "id")]):
        assert _wib(when_shown) == _utc(entries[int(i)].at)
    locks = {b.subject: b for b in app_store.signin_blocks()}
    raw, text = shown_with(at, t("admin.col.subject", "id"))
    for subject, last in zip(raw[t("admin.col.subject", "id")], text[t("admin.col.last", "id")]):
        assert _wib(last) == _utc(locks[subject].last_at)
    alias = app_store.aliases()[0]
    _raw, text = shown_with(at, t("admin.col.alias", "id"))
    assert _wib(text[t("admin.col.at", "id")].iloc[0]) == _utc(alias.created_at)
    assert not any("UTC" in s for s in texts(at)) and not raw_missing(at)
