"""Streamlit AppTest runs of every page: no exception, sample label, URL state, presentation, English."""

from __future__ import annotations

import math
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import DEFAULT_TARGET
from geo.sample import ensure_samples
from geo.text import t
from tests.support.apptest import (
    MESSY_TWO_PERIODS,
    SAMPLE_LABEL,
    below_metric,
    indonesian_patterns,
    raw_missing,
    shown_with,
    texts,
    upload,
)
from tests.support.apptest import open_app as app
from tests.support.recap import recap_xlsx
from tests.support.sample import PERIOD, one_month_csv
from ui import safe


def sample(level: str) -> pd.DataFrame:
    """The sample's latest month (what a page without a period shows)."""
    df = pd.read_csv(ensure_samples()[level], dtype={"kode": str, "periode": str})
    return df[df["periode"] == PERIOD].reset_index(drop=True)


def below_count(df: pd.DataFrame, target: float) -> int:
    """Straight from the sample table: rows whose gap to ``target`` is positive."""
    tgt = df["target_persen"].fillna(target) if "target_persen" in df else pd.Series(target, index=df.index)
    need = [math.ceil(round(tg * tk / 100, 6)) for tg, tk in zip(tgt, df["tenaga_kerja"])]
    return int(sum(n - p > 0 for n, p in zip(need, df["peserta_aktif"])))


def table_rows(at: AppTest, min_rows: int = 2) -> pd.DataFrame:
    """The area table: the largest dataframe on the page, without its totals row."""
    frames = sorted((d.value for d in at.dataframe), key=len, reverse=True)
    df = frames[0]
    total_label = t("col.total", "id")
    return (
        df[~df.astype(str).apply(lambda c: c.str.contains(total_label, regex=False)).any(axis=1)]
        if len(df) >= min_rows
        else df
    )


# --- every page renders ------------------------------------------------------------------------


@pytest.mark.parametrize("page", [None, "screens/kabupaten.py", "screens/desa.py"])
def test_every_page_renders_with_sample_banner(page):
    at = app(page)
    assert any(SAMPLE_LABEL in w.value for w in at.warning)
    assert at.metric, "figures shown"
    assert not at.error


def test_summary_shows_province_figures_from_the_sample():
    at = app()
    values = {m.label: m.value for m in at.metric}
    assert values[t("metric.coverage_of", "id")] == "35,35%"
    assert values[t("metric.bantuan", "id")] == "26.373"
    below, with_data = below_metric(at)
    assert with_data == 14
    assert below == below_count(sample("kabupaten"), DEFAULT_TARGET)


def test_changing_the_target_changes_the_below_count():
    at = app()
    before = below_metric(at)[0]
    at.number_input(key="w_target").set_value(30.0).run()
    after = below_metric(at)[0]
    assert after == below_count(sample("kabupaten"), 30.0)
    assert after < before
    assert at.query_params["target"] == ["30"] or at.query_params["target"] == "30"


# --- shared links (URL state) ---------------------------------------------------------------------


def test_desa_link_for_kubu_raya_shows_its_117_desa():
    at = app("screens/desa.py", level="desa", kab="61.12")
    rows = table_rows(at)
    assert len(rows) == 117
    assert below_metric(at)[1] == 117


def test_desa_link_with_target_40_matches_the_sample_table():
    at = app("screens/desa.py", level="desa", kab="61.12", target="40")
    desa = sample("desa")
    expected = below_count(desa[desa["kode"].str.startswith("61.12.")], 40.0)
    assert below_metric(at) == (expected, 117)
    assert at.number_input(key="w_target").value == 40.0


def test_invalid_link_parameters_give_a_message_and_a_working_page():
    at = app("screens/desa.py", level="xyz", kab="99.99", target="150", period="1999", basemap="moon")
    shown = " ".join(safe.shown(w.value) for w in at.warning)  # link values are Markdown-escaped (ui/safe.py)
    for value in ("99.99", "150", "1999"):
        assert value in shown
    assert any(SAMPLE_LABEL in w.value for w in at.warning)
    assert below_metric(at)[1] == 2130  # the default view: the whole province at desa level
    # A bad target falls back to the target schedule (an empty "what if" box), not to a number.
    assert at.number_input(key="w_target").value is None


def test_share_link_control_shows_the_view_url():
    at = app("screens/desa.py", level="desa", kab="61.04", target="45")
    assert any(e.label.endswith(t("share.label", "id")) for e in at.expander)
    codes = [c.value for c in at.text_input if c.label == t("share.caption", "id")]
    assert any("kab=61.04" in c and "target=45" in c for c in codes), codes


def test_share_link_of_the_summary_opens_the_root():
    """The summary is the default page: Streamlit serves it at "/" only, so its link must not say /ringkasan."""
    at = app(None, target="45")
    codes = [c.value for c in at.text_input if c.label == t("share.caption", "id")]
    assert codes and all("ringkasan" not in c and c.split("?")[0].endswith("/") and "target=45" in c for c in codes), (
        codes
    )
    at = app("screens/kabupaten.py", target="45")
    codes = [c.value for c in at.text_input if c.label == t("share.caption", "id")]
    assert codes and all(c.split("?")[0].endswith("/kabupaten") for c in codes), codes


def test_below_only_filter_and_search():
    at = app("screens/desa.py", level="desa", kab="61.12", below="1")
    rows = table_rows(at)
    assert set(rows[t("col.status", "id")]) == {t("status.below", "id")}
    at = app("screens/desa.py", level="desa", kab="61.12", q="sungai raya")
    assert any("cocok" in i.value for i in at.info)


# --- presentation mode -----------------------------------------------------------------------------


def test_presentation_mode_shows_title_and_figures():
    at = app("screens/desa.py", level="desa", kab="61.04", present="1")
    html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "Ketapang" in html and "pjk-p-title" in html
    assert "Desember 2024" in html  # period in the title line: the sample's latest month, as people write it
    for key in ("present.coverage", "present.gap", "present.bantuan"):
        assert t(key, "id") in html
    # the cost of closing the gap, as on the page and the PNG: gap × Rp16.800 × 12, computed from the page's figures
    from geo import boundaries, fmt, plan, targets
    from geo.classify import totals
    from geo.cli.common import matched_tables as _matched_tables
    from geo.cli.common import schedule_in_force
    from geo.sample import schedule_for_sample as sample_schedule

    tables, _, _ = _matched_tables(None, "id")
    schedule = sample_schedule(schedule_in_force())  # the schedule the sample is shown with
    frame = targets.classify_level(tables, boundaries.areas, "desa", PERIOD, None, schedule, "id")
    gap = totals(frame[frame["kode_kab"] == "61.04"], None).gap_sum  # every desa below target to its target
    money = fmt.rupiah_short(plan.cost(gap), "id")
    assert gap > 0 and fmt.number(gap, "id") in html
    assert money in html and t("cost.per_year", "id") in html
    assert SAMPLE_LABEL in html
    assert not at.dataframe, "no tables in presentation mode"
    assert any(b.label.endswith(t("present.exit", "id")) for b in at.button)


def test_leaving_presentation_mode():
    at = app(None, present="1")
    exit_button = next(b for b in at.button if b.label.endswith(t("present.exit", "id")))
    exit_button.click().run()
    assert not at.exception
    assert at.metric and at.title


# --- language -------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [None, "screens/kabupaten.py", "screens/desa.py"])
def test_english_leaves_no_indonesian_label(page):
    at = app(page, lang="en")
    pats = indonesian_patterns()
    leftovers = sorted({s for s in texts(at) for p in pats if p.search(s)})
    assert not leftovers, leftovers
    assert any("sample data, not official" in w.value for w in at.warning)


def test_english_numbers():
    at = app(None, lang="en")
    values = {m.label: m.value for m in at.metric}
    assert values[t("metric.coverage_of", "en")] == "35.35%"
    assert values[t("metric.bantuan", "en")] == "26,373"


# --- tables: the page's number format whatever the browser's, "–" for no data, sorted by value --------

PARTIAL = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif
61.01,Sambas,2024,300000,90000
61.71,Kota Pontianak,2024,300000,115000
"""


@pytest.mark.parametrize("lang", ["id", "en"])
def test_tables_write_numbers_in_the_page_language_and_a_dash_for_no_data(empty_app_store, lang):
    from geo.view.connection import TOKEN_TTL_S

    empty_app_store.publish(PARTIAL, "sebagian.csv", "kabupaten", "ana")
    time.sleep(TOKEN_TTL_S + 0.1)  # this process asks the store for news at most once a second
    at = app("screens/kabupaten.py", lang=lang)
    raw, text = shown_with(at, t("col.tenaga_kerja", lang))  # the area table (with the totals row)
    name, cov, workers = t("col.nama", lang), t("col.cakupan", lang), t("col.tenaga_kerja", lang)
    pontianak = text[text[name] == "Kota Pontianak"].iloc[0]
    assert pontianak[cov] == ("38,33" if lang == "id" else "38.33")  # 115,000 of 300,000
    assert pontianak[workers] == ("300.000" if lang == "id" else "300,000")
    assert text[text[name] == t("col.total", lang)].iloc[0][workers] == ("600.000" if lang == "id" else "600,000")
    ketapang = text[text[name] == "Kabupaten Ketapang"].iloc[0]  # not in the table: no data
    assert ketapang[cov] == "–" and ketapang[workers] == "–" and ketapang[t("col.gap", lang)] == "–"
    assert not raw_missing(at), "no table writes a missing value as None/nan"
    # the grid keeps the numbers themselves: it sorts on them, not on the text
    assert pd.api.types.is_float_dtype(raw[cov]) and pd.api.types.is_float_dtype(raw[workers])
    assert raw.loc[text[name] == "Kota Pontianak", cov].iloc[0] == pytest.approx(38.33, abs=0.005)
    assert raw.loc[text[name] == "Kabupaten Ketapang", cov].isna().all()
    # the top priorities above it, and the target schedule in the sidebar, write numbers the same way
    _raw, top = shown_with(at, t("col.cakupan", lang))
    assert set(top[cov]) <= set(text[cov])
    _raw, schedule = shown_with(at, t("targets.col_note", lang))
    assert set(schedule[t("col.target", lang)]) == {"50,24" if lang == "id" else "50.24"}


def test_the_sidebar_schedule_is_shared_and_follows_a_published_schedule(empty_app_store):
    """The target schedule's table is replayed for a new session (drawn once per process and content), and a
    schedule published later shows its own rows, never the replay of the earlier one."""
    from geo.view.connection import TOKEN_TTL_S

    note, target, periode = t("targets.col_note", "id"), t("col.target", "id"), t("col.periode", "id")
    _raw, before = shown_with(app("screens/kabupaten.py"), note)
    _raw, again = shown_with(app("screens/kabupaten.py"), note)
    from geo import fmt, sample

    shipped = {fmt.number(v, "id", 2) for v in sample.SCHEDULE["target_persen"]}  # the sample's illustrative path
    assert again.equals(before) and set(before[target]) == shipped and len(shipped) > 1
    empty_app_store.publish_targets(
        b"periode,kode,target_persen,keterangan\n2025,61,52.5,RPJMN\n", "target.csv", "ana", "RPJMN"
    )
    time.sleep(TOKEN_TTL_S + 0.1)  # this process asks the store for news at most once a second
    _raw, after = shown_with(app("screens/kabupaten.py"), note)
    assert after[after[periode] == "2025"][target].tolist() == ["52,50"]
    assert "2029" not in set(after[periode])  # a published schedule replaces the sample's path
    assert "RPJMN" in set(after[note])


def test_the_province_desa_table_is_drawn_once_and_follows_the_view():
    """The 2,131-row table is the same element for a second visitor (replayed from the process cache), and a
    changed view (another target) gets its own."""
    first = app("screens/desa.py", level="desa")
    raw, text = shown_with(first, t("col.tenaga_kerja", "id"))
    assert len(raw) == 2131 and not set(text.to_numpy().ravel()) & {"None", "nan", "<NA>"}
    assert text[t("col.target", "id")].iloc[0] == "50,24"
    second = app("screens/desa.py", level="desa")
    raw2, text2 = shown_with(second, t("col.tenaga_kerja", "id"))
    assert text2.equals(text) and raw2.equals(raw)
    other = app("screens/desa.py", level="desa", target="40")
    _raw, text3 = shown_with(other, t("col.tenaga_kerja", "id"))
    assert set(text3[t("col.target", "id")]) == {"40,00"}


# --- uploads ----------------------------------------------------------------------------------------


def test_uploaded_messy_table_with_two_periods():
    at = upload(app("screens/kabupaten.py"), "cakupan dinas.csv", MESSY_TWO_PERIODS)
    assert not any(SAMPLE_LABEL in w.value for w in at.warning), "no sample label on real data"
    assert (
        at.selectbox(key="w_period").options[-1] == "2024 (terbaru)"
        or "2024" in at.selectbox(key="w_period").options[-1]
    )
    table = table_rows(at)
    change = table.set_index(t("col.nama", "id"))[t("col.change", "id")]
    assert change["Kabupaten Sambas"] == pytest.approx(3.0)  # 27% → 30%
    assert change["Kabupaten Kubu Raya"] == pytest.approx(34.0 - 110_000 / 290_000 * 100, abs=0.01)
    report = " ".join(str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel())
    assert "Kabupaten Xyz" in report and "Pontianak" in report
    # change colouring is offered and selectable, and survives in the URL
    at.radio(key="w_color").set_value("change").run()
    assert not at.exception
    assert at.query_params["color"] in ("change", ["change"])


def test_uploaded_recap_sheet_says_how_its_header_was_read(tmp_path):
    """A recap with a merged two-row header and a SUM row never computed: 14 areas on the map, the header note in
    the join report (plain text: the column names come from the file)."""
    at = upload(app("screens/kabupaten.py"), "rekap juni.xlsx", recap_xlsx(tmp_path / "rekap.xlsx").read_bytes())
    assert len(table_rows(at)) == 14
    captions = [safe.shown(c.value) for c in at.caption]
    assert any(c.startswith("Judul kolom dibaca dari 2 baris (sel gabungan, baris 4–5)") for c in captions), captions
    assert any("Jumlah Tenaga Kerja → tenaga_kerja, Jumlah Peserta Aktif → peserta_aktif" in c for c in captions)
    report = " ".join(str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel())
    assert "JUMLAH" in report and t("join.reason.total_row", "id") in report  # the totals row, told as such


def test_a_broken_upload_is_refused_with_a_message():
    at = upload(app(), "laporan.csv", b"%PDF-1.7\n\x00\x01\x02 not a table")
    errors = " ".join(safe.shown(e.value) for e in at.error)  # file names are Markdown-escaped (ui/safe.py)
    assert "laporan.csv" in errors
    assert any(SAMPLE_LABEL in w.value for w in at.warning), "still on the sample data"


# --- downloads ----------------------------------------------------------------------------------------


def test_downloads_have_the_rows_and_totals_of_the_table_on_screen(media):
    import csv
    import io

    import openpyxl

    at = app("screens/desa.py", kab="61.12", below="1")
    shown = next(d.value for d in at.dataframe if len(d.value) > 20)
    csv_button = next(b for b in at.get("download_button") if b.label == "CSV")
    xlsx_button = next(b for b in at.get("download_button") if b.label == "XLSX")
    text = media(csv_button).decode("utf-8-sig")
    assert SAMPLE_LABEL in text
    rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
    header, body = rows[0], rows[1:]
    assert header == [str(c) for c in shown.columns]
    assert len(body) == len(shown)
    gap_col = header.index(t("col.gap", "id"))
    total = t("col.total", "id")
    totals_csv = next(r for r in body if total in r)
    on_screen_total = shown[shown.astype(str).apply(lambda c: c.str.contains(total)).any(axis=1)].iloc[0]
    assert float(totals_csv[gap_col]) == pytest.approx(float(on_screen_total[t("col.gap", "id")]))
    assert sum(float(r[gap_col]) for r in body if total not in r) == pytest.approx(float(totals_csv[gap_col]))

    wb = openpyxl.load_workbook(io.BytesIO(media(xlsx_button)))
    ws = wb.active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(i for i, r in enumerate(values) if r and r[0] == header[0])
    data_rows = [r for r in values[start + 1 :] if any(v is not None for v in r)]
    assert len(data_rows) == len(shown)
    xlsx_total = next(r for r in data_rows if total in [str(v) for v in r])
    assert float(xlsx_total[gap_col]) == pytest.approx(float(totals_csv[gap_col]))
    assert any(SAMPLE_LABEL in str(v) for r in values for v in r if v)


def test_map_downloads_png_pdf_html(media):
    from io import BytesIO

    from PIL import Image

    at = app("screens/desa.py", kab="61.04")
    buttons = {b.label: b for b in at.get("download_button")}
    png = media(buttons[t("download.png", "id")])
    assert Image.open(BytesIO(png)).size == (1920, 1080)
    assert media(buttons[t("download.pdf", "id")]).startswith(b"%PDF")
    page = media(buttons[t("download.map", "id")]).decode("utf-8")
    assert "Ketapang" in page and SAMPLE_LABEL in page and "unpkg.com" not in page


def test_map_colouring_radio_and_link():
    """Distance to target by default, the sequential scale on request (also from an old-style link)."""
    at = app("screens/kabupaten.py")
    radio = at.radio(key="w_color")
    # the sample has twelve months: the change since the previous one and the pace are offered
    assert list(radio.options) == [
        t("legend.color_gap", "id"),
        t("color.coverage", "id"),
        t("color.change", "id"),
        t("color.pace", "id"),
    ]
    assert radio.value == "gap" and "color" not in at.query_params
    at.radio(key="w_color").set_value("coverage").run()
    assert not at.exception
    assert at.query_params["color"] in ("coverage", ["coverage"])
    at = app("screens/desa.py", color="coverage")
    assert at.radio(key="w_color").value == "coverage"
    at = app("screens/kabupaten.py", color="change")
    assert at.radio(key="w_color").value == "change"
    at.radio(key="w_color").set_value("pace").run()
    assert not at.exception and at.query_params["color"] in ("pace", ["pace"])
    assert t("pace.title", "id") in [s.value for s in at.subheader]
    at = upload(app("screens/kabupaten.py", color="change"), "satu.csv", one_month_csv("kabupaten"))
    radio = at.radio(key="w_color")  # change asked for, one period only: the default instead
    assert list(radio.options) == [t("legend.color_gap", "id"), t("color.coverage", "id"), t("color.pace", "id")]
    assert radio.value == "gap"


def test_uploaded_periods_in_many_spellings_are_months_by_label():
    body = (
        "kode;periode;tenaga_kerja;peserta_aktif\n"
        "61.01;Juni 2024;300.000;90.000\n61.12;Jun-24;290.000;98.000\n61.71;06/2024;300.000;150.000\n"
        "61.01;15/07/2024;300.000;95.000\n61.12;Juli 2024;290.000;99.000\n"
    )
    at = upload(app("screens/kabupaten.py"), "ejaan.csv", body.encode())
    options = at.selectbox(key="w_period").options
    assert options == ["Juni 2024", "Juli 2024 (terbaru)"]  # two periods, not five; by time; by label
    assert "1 tanggal di kolom periode dibaca sebagai bulannya (baris 5)." in texts(at)
