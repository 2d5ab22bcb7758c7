"""Pages on published data: everyone sees it with its stamp, links pin versions, a broken store is a message."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from geo.store import open_store
from geo.text import t
from tests.support.apptest import open_app as run
from tests.support.apptest import shown_with, signed_in_on, texts
from ui import safe

SAMPLE_LABEL = "Data contoh, bukan data resmi"
V1 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif
61.01,Sambas,2024,300000,90000
61.12,Kubu Raya,2024,290000,98000
61.71,Kota Pontianak,2024,300000,150000
"""
V2 = V1.replace(b"Sambas,2024,300000,90000", b"Sambas,2024,300000,210000")  # restates 2024: Sambas now above target


def settle() -> None:
    """Each process asks the store for its change token at most once per TOKEN_TTL_S (1 s)."""
    from geo.view.connection import TOKEN_TTL_S

    time.sleep(TOKEN_TTL_S + 0.1)


def everything(at: AppTest) -> str:
    # What a reader sees: user-controlled values are Markdown-escaped (ui/safe.py).
    parts = [
        safe.shown(str(e.value))
        for kind in ("title", "markdown", "caption", "text", "warning", "info", "error")
        for e in at.get(kind)
    ]
    parts += [str(e.proto.body) for e in at.get("html")]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    return "\n".join(parts)


def coverage_metric(at: AppTest) -> str:
    return next(m.value for m in at.metric if "Cakupan" in m.label or "overage" in m.label)


@pytest.fixture
def published(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'peta.sqlite'}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    store = open_store(url)
    yield store
    store.dispose()


def test_published_data_replaces_the_sample_with_a_stamp(published):
    before = run()
    assert SAMPLE_LABEL in everything(before)
    published.add_user("ana", "editor", display_name="Tim Data Disnaker")
    v1 = published.publish(V1, "cakupan_jan.csv", "kabupaten", "ana").version
    settle()
    at = run()
    text = everything(at)
    assert SAMPLE_LABEL not in text
    assert f"Data per 2024 · versi {v1.id} · terbit" in text and "oleh Tim Data Disnaker" in text
    assert "oleh ana" not in text  # the login name is never shown
    # 3 areas with data, weighted: (90000+98000+150000)/(890000) = 37.98 %
    assert coverage_metric(at).startswith("37,98")
    assert "3" in next(m.value for m in at.metric if "bawah target" in m.label)
    en = run(lang="en")
    assert f"Data as of 2024 · version {v1.id} · published" in everything(en)
    # the kabupaten page too, and the stored join report
    kab = run("screens/kabupaten.py")
    assert f"versi {v1.id}" in everything(kab) and SAMPLE_LABEL not in everything(kab)
    assert any(f"v{v1.id}" in e.label for e in kab.expander)
    assert any(str(e.value) == t("join.stored_counts_only", "id") for e in kab.caption)  # a visitor: counts only


def test_visitors_see_a_stored_reports_counts_editors_its_rows(published):
    """A published table's unmatched cells and its file name are not the public's: anonymous visitors see how
    many rows were left out and why (kinds of reason); a signed-in editor sees the rows themselves."""
    published.add_user("editor1", "editor", password="kata-sandi-editor-1", by="test")
    table = V1 + b"99.99,Kabupaten Rahasia Xyz,2024,1000,10\n"
    v = published.publish(table, "berkas_internal.csv", "kabupaten", "editor1", accept_partial=True).version
    settle()
    anon = run("screens/kabupaten.py")
    shown = "\n".join(texts(anon))
    assert "Rahasia" not in shown and "berkas_internal" not in shown and "99.99" not in shown
    counts, _text = shown_with(anon, t("report.col.count", "id"))
    assert list(counts[t("report.col.count", "id")]) == [1]
    assert list(counts[t("report.col.reason", "id")]) == [t("report.reason_kind.code", "id")]
    editor = signed_in_on("screens/kabupaten.py", "editor1", "kata-sandi-editor-1")
    seen = "\n".join(texts(editor))
    assert "99.99" in seen and "berkas_internal.csv" in seen and f"v{v.id}" in seen  # the row itself


def test_a_link_pins_a_version_even_after_a_newer_one(published):
    v1 = published.publish(V1, "jan.csv", "kabupaten", "ana").version
    v2 = published.publish(V2, "fix.csv", "kabupaten", "budi").version
    settle()
    latest = run()
    assert coverage_metric(latest).startswith("51,46") and f"versi {v2.id}" in everything(latest)
    pinned = run(v=str(v1.id))
    assert coverage_metric(pinned).startswith("37,98")
    assert f"versi {v1.id}" in everything(pinned) and "tersemat" in everything(pinned)
    assert pinned.query_params["v"] == [str(v1.id)] or pinned.query_params["v"] == str(v1.id)
    # the pin survives into the kabupaten page through the link
    kab = run("screens/kabupaten.py", v=str(v1.id))
    assert f"versi {v1.id}" in everything(kab)
    # retracted or unknown: the latest data, with a clear message
    published.retract(v1.id, "budi")
    settle()
    gone = run(v=str(v1.id))
    assert f"Versi {v1.id} sudah ditarik" in everything(gone) and coverage_metric(gone).startswith("51,46")
    unknown = run(v="999")
    assert "Versi 999 tidak ada" in everything(unknown)
    bad = run(v="abc")
    assert "v=abc" in everything(bad)


def test_a_broken_database_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("KALBAR_DATABASE_URL", "postgresql://kalbar:rahasia@127.0.0.1:9/none")
    at = run()
    errors = [str(e.value) for e in at.error]
    assert any("Basis data tidak tersedia" in e for e in errors), errors
    # a viewer is not told where the database is or what runs it (admins are: tests/test_errors.py)
    shown = everything(at)
    assert not [x for x in ("rahasia", "127.0.0.1:9", "postgresql://", "kalbar:") if x in shown]
    assert SAMPLE_LABEL in everything(at)  # what is shown is labelled honestly


def test_period_box_lists_each_period_once_and_goes_into_the_link(published):
    """Two published periods: the box lists each once (the latest marked), always has a value (never Streamlit's
    English placeholder), and another period goes into the address and the share link."""
    published.publish(V1, "2024.csv", "kabupaten", "ana")
    published.publish(V1.replace(b",2024,", b",2025,"), "2025.csv", "kabupaten", "ana")
    settle()
    at = run("screens/kabupaten.py")
    box = at.selectbox(key="w_period")
    assert box.options == ["2024", "2025 (terbaru)"] and box.value == "2025"
    assert "period" not in at.query_params  # the latest is the default view
    box.set_value("2024").run()
    assert at.query_params.get("period") == ["2024"] or at.query_params.get("period") == "2024"
    shared = [x.value for x in at.text_input if x.key and x.key.startswith("share_")]
    assert shared and all("period=2024" in s for s in shared), shared
