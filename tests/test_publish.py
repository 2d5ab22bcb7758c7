"""The publishing page (screens/publish.py, ui/editor.py) as an editor uses it, against a real SQLite store.

A messy table (title rows, Indonesian numbers, an extra column, name variants, an ambiguous and an
unknown name): the report counts and rows, the suggested areas, a pick that becomes an alias, the
explicit confirmation for the rows left out, publishing, publishing the same bytes again, and
retract/restore in the version list.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from geo.text import t
from tests.support.apptest import open_app, raw_missing, shown_with, signed_in_on
from tests.support.recap import recap_xlsx
from ui import safe

TIMEOUT = 120
PASSWORD = "kata-sandi-editor-1"

MESSY = b"""Laporan Cakupan BPJS Ketenagakerjaan Kalimantan Barat;;;;
Keadaan Juni 2025 (uji);;;;
;;;;
Kabupaten/Kota;Periode;Tenaga Kerja;Peserta Aktif;Keterangan
KAB. SAMBAS;2025-06;300.000;90.000;
Kab Kubu Raya;2025-06;290.000;98.600;nama tidak baku
6171;2025-06;300.000;160.500;kode BPS
Pontianak;2025-06;120.000;40.000;ambigu
Kabupaten Sambsa;2025-06;1.000;500;salah ketik
Kabupaten Xyz;2025-06;1.000;500;tidak ada
"""


@pytest.fixture
def app_store(empty_app_store):
    empty_app_store.add_user("editor1", "editor", password=PASSWORD, by="test")
    return empty_app_store


def editor_on_publish_page() -> AppTest:
    return signed_in_on("screens/publish.py", "editor1", PASSWORD, TIMEOUT)


def upload(at: AppTest, name: str, content: bytes, level: str = "kabupaten") -> AppTest:
    at.selectbox(key="pub_level").set_value(level)
    at.get("file_uploader")[0].upload(name, content, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def publish_button(at: AppTest):
    return next(b for b in at.button if b.label.endswith(t("editor.publish", "id")))


def test_report_counts_rows_and_suggestions(app_store):
    at = upload(editor_on_publish_page(), "cakupan juni.csv", MESSY)
    m = metric_values(at)
    assert m[t("editor.count.rows", "id")] == "6"
    assert m[t("editor.count.matched", "id")] == "3"
    assert m[t("editor.count.ambiguous", "id")] == "1"
    assert m[t("editor.count.unmatched", "id")] == "2"
    assert m[t("editor.count.invalid", "id")] == "0"
    problems = next(d.value for d in at.dataframe if t("report.col.reason", "id") in d.value.columns)
    by_row = problems.set_index(t("report.col.row", "id"))
    # row numbers as in the file: header on line 4, so "Pontianak" is row 8
    assert by_row.loc["8", t("report.col.input", "id")] == "Pontianak"
    assert by_row.loc["10", t("report.col.input", "id")] == "Kabupaten Xyz"
    assert not raw_missing(at), "every table of the report writes '–' (or nothing) where a cell is empty"
    # a picker for each unmatched/ambiguous row with suggestions; the typo's first suggestion is Sambas
    sambsa = at.selectbox(
        key=next(s.key for s in at.selectbox if s.key and s.key.startswith("pick_") and s.key.endswith("_9"))
    )
    assert sambsa.options[1].startswith("61.01 ")
    ponti = next(s for s in at.selectbox if s.key and s.key.startswith("pick_") and s.key.endswith("_8"))
    assert {o.split(" ")[0] for o in ponti.options[1:3]} == {
        "61.02",
        "61.71",
    }  # Mempawah (former Kab. Pontianak), Kota Pontianak
    # problem rows remain: the page says how many and waits for confirmation
    assert any(t("editor.left_out", "id", n="3", rows="6") == w.value for w in at.warning)
    assert publish_button(at).disabled


def test_pick_confirm_publish_then_same_bytes_again(app_store):
    at = upload(editor_on_publish_page(), "cakupan juni.csv", MESSY)
    ponti = next(s for s in at.selectbox if s.key and s.key.startswith("pick_") and s.key.endswith("_8"))
    mempawah = next(o for o in ponti.options[1:] if o.startswith("61.02"))  # the former Kabupaten Pontianak
    ponti.set_value(mempawah)
    at.text_area(key="pub_note").input("Data Juni dari dinas")
    at.run()
    assert any(t("editor.left_out", "id", n="2", rows="6") == w.value for w in at.warning)
    confirm = next(c for c in at.checkbox if c.label == t("editor.confirm_left_out", "id", n="2"))
    confirm.check()
    at.run()
    assert not publish_button(at).disabled
    publish_button(at).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    versions = app_store.versions()
    assert len(versions) == 1
    v = versions[0]
    assert any(s.value == t("editor.published", "id", version=v.id) for s in at.success)
    links = [x.value for x in at.text_input if x.key and x.key.startswith("pub_url_")]
    assert [parse_qs(urlsplit(u).query).get("v") for u in links] == [[str(v.id)]], links
    assert v.published_by == "editor1" and v.note == "Data Juni dari dinas" and v.filename == "cakupan juni.csv"
    assert v.n_matched == 4  # three matched by themselves, Pontianak by the pick
    rows = app_store.rows(v.id).set_index("kode")
    assert rows.loc["61.71", "peserta_aktif"] == 160_500 and rows.loc["61.12", "tenaga_kerja"] == 290_000
    assert rows.loc["61.02", "tenaga_kerja"] == 120_000
    assert [(a.name, a.kode, a.created_by) for a in app_store.aliases("kabupaten")] == [
        ("Pontianak", "61.02", "editor1")
    ]
    # the same file again: nothing new
    at2 = upload(editor_on_publish_page(), "lagi.csv", MESSY)
    next(c for c in at2.checkbox if c.label.startswith(t("editor.confirm_left_out", "id", n="2")[:10])).check()
    at2.run()
    publish_button(at2).click()
    at2.run()
    assert any(i.value == t("editor.same_bytes", "id", version=v.id) for i in at2.info)
    assert len(app_store.versions()) == 1


def test_report_shows_what_a_pick_changes_before_publishing(app_store):
    at = upload(editor_on_publish_page(), "cakupan juni.csv", MESSY)
    ponti = next(s for s in at.selectbox if s.key and s.key.startswith("pick_") and s.key.endswith("_8"))
    ponti.set_value(next(o for o in ponti.options[1:] if o.startswith("61.71")))  # Kota Pontianak: already row 7
    at.run()
    m = metric_values(at)
    assert m[t("editor.count.ambiguous", "id")] == "0" and m[t("editor.count.duplicate", "id")] == "1"
    assert m[t("editor.count.matched", "id")] == "3"
    assert not app_store.versions() and not app_store.aliases()  # nothing written by looking


def test_alias_from_a_pick_matches_next_month(app_store):
    app_store.add_alias("kabupaten", "Pontianak", "61.02", by="editor1")
    at = upload(editor_on_publish_page(), "juli.csv", MESSY.replace(b"2025-06", b"2025-07"))
    m = metric_values(at)
    assert m[t("editor.count.matched", "id")] == "4" and m[t("editor.count.ambiguous", "id")] == "0"


def test_clean_table_publishes_without_confirmation(app_store):
    clean = b"kode;periode;tenaga_kerja;peserta_aktif\n61.01;2025;1.000;400\n61.12;2025;2.000;1.100\n"
    at = upload(editor_on_publish_page(), "bersih.csv", clean)
    assert not at.checkbox and not at.warning
    publish_button(at).click()
    at.run()
    assert [v.n_matched for v in app_store.versions()] == [2]


def test_unreadable_file_is_refused_with_a_message(app_store):
    at = upload(editor_on_publish_page(), "laporan.csv", b"%PDF-1.7\n\x00\x01 not a table")
    assert any(t("editor.unreadable", "id") == e.value for e in at.error)
    shown = [x.value for x in at.text]
    assert "laporan.csv" in shown and len(shown) >= 2  # the file name, then why (plain text)
    assert not app_store.versions()


def test_version_list_retract_restore_and_downloads(app_store):
    clean = b"kode;periode;tenaga_kerja;peserta_aktif\n61.01;2025;1.000;400\n"
    first = app_store.publish(clean, "a.csv", "kabupaten", by="editor1", note="<b>**tebal**</b>").version
    at = editor_on_publish_page()
    table = next(d.value for d in at.dataframe if t("editor.col.version", "id") in d.value.columns)
    assert table.iloc[0][t("editor.col.note", "id")] == "<b>**tebal**</b>"  # as typed, in a table cell
    assert table.iloc[0][t("editor.col.state", "id")] == t("editor.active", "id")
    at.text_input(key=f"reason_{first.id}").input("angka salah")
    at.run()
    next(b for b in at.button if b.key == f"retract_{first.id}").click()
    at.run()
    assert not app_store.versions()[0].retracted  # asked first, naming the version, its file and its period
    asked = t("editor.confirm_retract", "id", version=first.id, file="a.csv", periods="2025")
    assert any(safe.shown(w.value) == asked for w in at.warning)
    next(b for b in at.button if b.key == f"yes_retract_{first.id}").click()
    at.run()
    assert app_store.versions()[0].retracted
    toast = t("editor.done_retract", "id", version=first.id, file="a.csv", periods="2025")
    assert any(safe.shown(x.value) == toast for x in at.toast)
    table = next(d.value for d in at.dataframe if t("editor.col.version", "id") in d.value.columns)
    assert table.iloc[0][t("editor.col.state", "id")] == t("editor.retracted", "id")
    assert any(e.action.startswith("retract") for e in app_store.audit())
    next(b for b in at.button if b.key == f"restore_{first.id}").click()
    at.run()
    next(b for b in at.button if b.key == f"yes_restore_{first.id}").click()
    at.run()
    assert not app_store.versions()[0].retracted
    labels = [b.label for b in at.get("download_button")]
    assert any(label.endswith(t("editor.download_original", "id")) for label in labels)
    assert any(label.endswith(t("editor.download_report", "id")) for label in labels)


def test_recap_sheet_header_read_from_merged_cells_is_told(app_store, tmp_path):
    at = upload(editor_on_publish_page(), "rekap juni.xlsx", recap_xlsx(tmp_path / "rekap.xlsx").read_bytes())
    m = metric_values(at)
    assert (m[t("editor.count.rows", "id")], m[t("editor.count.matched", "id")]) == ("15", "14")
    assert m[t("editor.count.invalid", "id")] == "0"  # the totals row of SUM formulas is no row error
    notes = [safe.shown(i.value) for i in at.info]
    assert any(n.startswith("Judul kolom dibaca dari 2 baris (sel gabungan, baris 4–5)") for n in notes), notes
    assert any("Jumlah Tenaga Kerja → tenaga_kerja" in n for n in notes)


def test_file_names_and_cells_are_plain_text(app_store):
    name = "<img src=x onerror=alert(1)>**tebal**.csv"
    content = b"kabupaten;periode;tenaga_kerja;peserta_aktif\n**Kab [x](http://e.vil)**;2025;1.000;400\n"
    at = upload(editor_on_publish_page(), name, content)
    assert name in [x.value for x in at.text]
    rendered = " ".join(
        str(m.value) for kind in ("markdown", "caption", "error", "warning", "info", "success") for m in at.get(kind)
    )
    assert "tebal" not in rendered and "e.vil" not in rendered
    problems = next(d.value for d in at.dataframe if t("report.col.reason", "id") in d.value.columns)
    assert "**Kab [x](http://e.vil)**" in set(problems[t("report.col.input", "id")])


def test_target_schedule_is_published_from_the_publish_page(app_store):
    """The third tab publishes a target schedule into the same store (a version of kind "targets", audited)."""
    at = editor_on_publish_page()
    schedule = (
        b"periode,kode,target_persen,keterangan\n2025,61,52.5,RPJMN 2025\n2025,61.71,45,Kota Pontianak (daerah)\n"
    )
    uploader = next(
        u
        for u in at.get("file_uploader")
        if u.proto.id.endswith("w_targets_upload") or "w_targets_upload" in u.proto.id
    )
    uploader.upload("jadwal target.csv", schedule, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    next(b for b in at.button if b.label == t("targets.publish_button", "id")).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    versions = app_store.versions(kind="targets")
    assert len(versions) == 1 and versions[0].published_by == "editor1" and versions[0].periods == ("2025",)
    assert any(e.action.startswith("publish") for e in app_store.audit())


def test_newest_version_selected_and_times_in_wib(app_store):
    clean = b"kode;periode;tenaga_kerja;peserta_aktif\n61.01;2025;1.000;400\n"
    app_store.publish(clean, "a.csv", "kabupaten", by="editor1")
    at = editor_on_publish_page()
    second = app_store.publish(clean.replace(b"2025", b"2026"), "b.csv", "kabupaten", by="editor1").version
    at.run()  # a version published since the page was opened: the picker moves to it
    assert at.selectbox(key="ver_pick").value == second.id
    raw, text = shown_with(at, t("editor.col.version", "id"))
    versions = {v.id: v for v in app_store.versions(include_retracted=True)}
    for vid, shown_at in zip(raw[t("editor.col.version", "id")], text[t("editor.col.at", "id")]):
        at_utc = versions[int(vid)].published_at
        at_utc = at_utc if at_utc.tzinfo else at_utc.replace(tzinfo=dt.UTC)
        assert shown_at == (at_utc + dt.timedelta(hours=7)).strftime("%Y-%m-%d %H:%M") + " WIB"  # Kalbar's clock
    assert list(text[t("editor.col.version", "id")]) == [str(second.id), str(second.id - 1)]
    assert set(text[t("editor.col.rows", "id")]) == {"1/1"}
    options = at.selectbox(key="ver_pick").options
    assert text[t("editor.col.at", "id")].iloc[0] in options[0]  # the picker names the same time


# --- the data officer's month (issue 15) ------------------------------------------------------------------

DESA_NO_PERIOD = b"kode,desa,tenaga_kerja,peserta_aktif\n61.12.01.2001,Sungai Raya,180,60\n61.12.01.2002,,120,80\n"
KAB_PARTIAL = (
    b"kode,kabupaten,periode,tenaga_kerja,peserta_aktif\n"
    b"61.01,Sambas,2024,300000,90000\n61.02,Mempawah,2024,150000,50000\n61.03,Sanggau,2024,200000,60000\n"
    b"61.04,Ketapang,2024,250000,80000\n61.05,Sintang,2024,180000,55000\n61.06,Kapuas Hulu,2024,100000,30000\n"
    b"61.71,Kota Pontianak,2024,300000,150000\n"
)


def has_publish_button(at: AppTest) -> bool:
    return any(b.label.endswith(t("editor.publish", "id")) for b in at.button)


def test_the_data_officers_month(app_store):
    """Sign in; a desa table without a period (asked, given); a kabupaten table at the wrong level (told,
    refused); a partial kabupaten table (published, the partial note on every page for a fresh visitor);
    retract with confirmation; a reload of the publish page."""
    at = upload(editor_on_publish_page(), "desa.csv", DESA_NO_PERIOD, level="desa")
    assert not has_publish_button(at)  # no period yet: asked, nothing to publish
    assert any(safe.shown(w.value) == t("publish.period_missing", "id", file="desa.csv") for w in at.warning)
    at.text_input(key=next(x.key for x in at.text_input if x.key.startswith("pub_period_"))).input("2024/13").run()
    assert any(t("publish.period_invalid", "id", value="2024/13") == safe.shown(e.value) for e in at.error)
    assert not has_publish_button(at)
    at.text_input(key=next(x.key for x in at.text_input if x.key.startswith("pub_period_"))).input("2024").run()
    assert t("publish.period_given", "id", period="2024") in [c.value for c in at.caption]
    report = next(d.value for d in at.dataframe if t("report.col.via", "id") in d.value.columns)
    assert list(report[t("report.col.row", "id")]) == ["2", "3"]  # every row, as Excel numbers them
    assert set(report[t("report.col.via", "id")]) == {t("via.code", "id")}
    publish_button(at).click()
    at.run()
    assert [v.periods for v in app_store.versions()] == [("2024",)]
    assert any(safe.shown(x.value) == t("editor.published", "id", version=1) for x in at.toast)

    # the kabupaten table offered as desa: told which level fits, and no way to publish it there
    at = upload(editor_on_publish_page(), "kab.csv", KAB_PARTIAL, level="desa")
    hint = t("publish.level_hint", "id", other="Kabupaten/Kota", level="Desa/Kelurahan", there="7", here="0")
    assert hint in [w.value for w in at.warning]
    assert t("editor.cannot_publish", "id") in [e.value for e in at.error]
    assert not has_publish_button(at) and not at.checkbox
    assert not any(t("editor.store_error", "id") == e.value for e in at.error)

    # at its own level: published, although it covers 7 of 14
    at = upload(editor_on_publish_page(), "kab.csv", KAB_PARTIAL, level="kabupaten")
    publish_button(at).click()
    at.run()
    kab_version = app_store.versions()[0]
    assert kab_version.level == "kabupaten" and kab_version.n_matched == 7

    # a fresh visitor, on every map page: the figures say the table is partial
    partial = t("partial.reported", "id", n="7", total="14", level=t("partial.level.kabupaten", "id"))
    for page in ("screens/ringkasan.py", "screens/kabupaten.py"):
        visitor = open_app(page)
        assert partial in [w.value for w in visitor.warning], page
        assert not any(t("trend.title", "id", n=1) in e.label for e in visitor.expander)  # one point: no trend
    visitor = open_app("screens/desa.py")  # the province at its start: the kabupaten table in force
    assert partial in [w.value for w in visitor.warning]
    visitor = open_app("screens/desa.py", level="desa", kab="61.12")  # Kubu Raya: 2 of its desa reported
    assert any(w.value.startswith("2 dari ") and t("partial.level.desa", "id") in w.value for w in visitor.warning)
    assert not [c.value for c in visitor.caption if "0 orang" in c.value]  # no cost made of zero people

    # retract, asked first; the officer sees the outcome as a toast
    at = editor_on_publish_page()
    assert at.selectbox(key="ver_pick").value == kab_version.id  # the newest
    next(b for b in at.button if b.key == f"retract_{kab_version.id}").click()
    at.run()
    assert not app_store.versions()[0].retracted
    next(b for b in at.button if b.key == f"yes_retract_{kab_version.id}").click()
    at.run()
    assert app_store.versions()[0].retracted

    # a reload of the publish page: a fresh session lands on the sign-in page, not "Page not found"
    reload = open_app("screens/publish.py")
    assert reload.title[0].value == t("auth.title", "id")
    assert t("auth.sign_in_for", "id", page=t("auth.nav.publish", "id")) in [i.value for i in reload.info]


def test_deferred_downloads_check_the_role_when_clicked(app_store, media):
    """The original file and the report are built when clicked, perhaps long after the page was drawn: an
    account deactivated (or signed out, or changed) since then gets no file."""
    from streamlit.runtime.media_file_storage import MediaFileStorageError

    content = b"kode;periode;tenaga_kerja;peserta_aktif\n61.01;2025;1.000;400\n"
    v = app_store.publish(content, "asli.csv", "kabupaten", by="editor1").version
    at = editor_on_publish_page()
    original = next(b for b in at.get("download_button") if b.key == f"orig_{v.id}")
    report = next(b for b in at.get("download_button") if b.key == f"rep_{v.id}")
    assert media(original) == content
    assert [e.detail for e in app_store.audit() if e.action == "download_original"] == [{"version": v.id}]
    app_store.set_active("editor1", False, by="admin1")
    for button in (original, report):
        with pytest.raises(MediaFileStorageError, match=t("auth.download_refused", "id")[:20]):
            media(button)
    assert len([e for e in app_store.audit() if e.action == "download_original"]) == 1
