"""Reading coverage tables as they arrive: formats, headers, numbers, and every row problem located."""

from __future__ import annotations

import io
import math

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.table import COLUMNS, DEFAULT_PERIOD, TableError, column_for, parse_number, read_table, template_csv
from tests.support.recap import PERIOD, recap_csv, recap_xlsx, sample_figures


def _csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.lstrip("\n").encode(encoding)


def _where(table, severity: str = "error") -> set[tuple]:
    return {(i.row, i.column, i.code) for i in table.issues if i.severity == severity}


# --- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, percent, value",
    [
        ("26.373", False, 26373),
        ("26,373", False, 26373),
        ("1.234.567", False, 1234567),
        ("1,234,567", False, 1234567),
        (" 26 373 ", False, 26373),
        ("0", False, 0),
        ("12,5", False, 12.5),  # a decimal: rejected later as a fractional count
        ("26.37", False, 26.37),  # not three digits after the point: a decimal, so a fractional count
        ("35,35", True, 35.35),
        ("35.35", True, 35.35),
        ("50,24%", True, 50.24),
        ("50.24 %", True, 50.24),
        ("1.234,5", True, 1234.5),
        ("1,234.5", True, 1234.5),
        ("-5", False, -5),
        ("−5", False, -5),
        (26373, False, 26373),
        (26373.0, False, 26373),
        (50.24, True, 50.24),
    ],
)
def test_parse_number(text, percent, value):
    assert parse_number(text, percent=percent) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "  ", "-", None, float("nan")])
def test_parse_number_empty(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["abc", "12a", "1.2.3,4,5", "50%", "1..2", "1,2.3", True])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)  # "%" only on percentages


@given(st.integers(min_value=0, max_value=10**9))
def test_counts_round_trip_both_conventions(n):
    english = f"{n:,}"
    assert parse_number(english) == n
    assert parse_number(english.replace(",", ".")) == n


@given(st.integers(min_value=0, max_value=10000))
def test_percent_round_trip_both_conventions(hundredths):
    text = f"{hundredths / 100:.2f}"
    assert parse_number(text, percent=True) == pytest.approx(hundredths / 100)
    assert parse_number(text.replace(".", ","), percent=True) == pytest.approx(hundredths / 100)


# --- layout ------------------------------------------------------------------------------------------

TITLED = """
LAPORAN CAKUPAN JAMSOSTEK;;;;;;;
Provinsi Kalimantan Barat, Semester I 2024;;;;;;;
;;;;;;;
No;Kabupaten/Kota;Tahun;Jumlah Tenaga Kerja;Peserta Aktif;Target (%);Bantuan Iuran;Keterangan
1;KAB. SAMBAS;2024;26.373;10.000;50,24;1.250;catatan
2;Kab Kubu Raya;2024;1.234.567;400.000;;;
"""


def test_header_on_row_4_below_title_rows():
    table = read_table(_csv(TITLED))
    assert table.header_row == 4
    assert list(table.data["baris"]) == [5, 6]
    assert list(table.data["kabupaten"]) == ["KAB. SAMBAS", "Kab Kubu Raya"]
    assert list(table.data["tenaga_kerja"]) == [26373, 1234567]
    assert list(table.data["peserta_aktif"]) == [10000, 400000]
    assert table.data["target_persen"].iloc[0] == pytest.approx(50.24)
    assert math.isnan(table.data["target_persen"].iloc[1])
    assert table.data["penerima_bantuan_iuran"].iloc[0] == 1250
    assert table.data["valid"].all() and not table.errors
    assert ("table.header_row", 4) in {(i.code, i.params.get("row")) for i in table.issues}


def test_extra_columns_are_kept_aside_and_mentioned():
    table = read_table(_csv(TITLED))
    assert list(table.data.columns) == COLUMNS
    assert table.columns_map == {
        "Kabupaten/Kota": "kabupaten",
        "Tahun": "periode",
        "Jumlah Tenaga Kerja": "tenaga_kerja",
        "Peserta Aktif": "peserta_aktif",
        "Target (%)": "target_persen",
        "Bantuan Iuran": "penerima_bantuan_iuran",
    }
    extra = [i for i in table.issues if i.code == "table.extra_columns"]
    assert len(extra) == 1 and extra[0].severity == "info" and extra[0].params["columns"] == "No, Keterangan"
    assert "Keterangan" in extra[0].message("id") and "Keterangan" in extra[0].message("en")


def test_english_headers_and_tabs():
    text = (
        "Code\tRegency\tPeriod\tWorkers\tActive participants\tTarget %\tContribution assistance\n"
        "6112\tKubu Raya\t2024\t26,373\t9,000\t45.5%\t120\n"
    )
    table = read_table(_csv(text))
    assert set(table.columns_map.values()) == {
        "kode",
        "kabupaten",
        "periode",
        "tenaga_kerja",
        "peserta_aktif",
        "target_persen",
        "penerima_bantuan_iuran",
    }
    row = table.data.iloc[0]
    assert (row.kode, row.kode_input, row.tenaga_kerja, row.peserta_aktif, row.target_persen) == (
        "61.12",
        "6112",
        26373,
        9000,
        45.5,
    )


@pytest.mark.parametrize(
    "header, canonical",
    [
        ("kode wilayah", "kode"),
        ("Kode_Wilayah", "kode"),
        ("KODE", "kode"),
        ("district", "kabupaten"),
        ("kabupaten_kota", "kabupaten"),
        ("subdistrict", "kecamatan"),
        ("Kelurahan", "desa"),
        ("desa/kelurahan", "desa"),
        ("village", "desa"),
        ("year", "periode"),
        ("tahun", "periode"),
        ("pekerja", "tenaga_kerja"),
        ("Tenaga Kerja", "tenaga_kerja"),
        ("labour_force", "tenaga_kerja"),
        ("peserta", "peserta_aktif"),
        ("active_participants", "peserta_aktif"),
        ("Target %", "target_persen"),
        ("target", "target_persen"),
        ("PBI", "penerima_bantuan_iuran"),
        ("bantuan_iuran", "penerima_bantuan_iuran"),
        ("contribution_assistance", "penerima_bantuan_iuran"),
    ],
)
def test_header_aliases(header, canonical):
    assert column_for(header) == canonical


@pytest.mark.parametrize("header", ["No", "Keterangan", "cakupan (%)", "", None, 2024, "Data Peserta Aktif 2024"])
def test_not_headers(header):
    assert column_for(header) is None


def test_no_period_column_gives_one_default_period():
    table = read_table(_csv("kode,tenaga_kerja,peserta_aktif\n61.01,100,50\n61.02,100,20\n"))
    assert list(table.data["periode"]) == [DEFAULT_PERIOD, DEFAULT_PERIOD]
    assert table.periods == [DEFAULT_PERIOD]
    assert any(i.code == "table.period_default" and i.severity == "info" for i in table.issues)


def test_periods_are_normalised_and_sorted():
    text = "kode,periode,tenaga_kerja,peserta_aktif\n61.01,2024-6,100,50\n61.01,2023/12,100,40\n61.01,2024,100,45\n"
    table = read_table(_csv(text))
    assert list(table.data["periode"]) == ["2024-06", "2023-12", "2024"]
    assert table.periods == ["2023-12", "2024-06", "2024"]  # by time: a year after its months (geo.period)


def test_spellings_of_one_month_are_one_period():
    text = (
        "kode,periode,tenaga_kerja,peserta_aktif\n"
        "61.01,Juni 2024,100,50\n61.02,Jun-24,100,50\n61.03,06/2024,100,50\n"
        "61.04,JUNI  2024,100,50\n61.05,2024/6,100,50\n61.06,Mei 2024,100,50\n"
    )
    table = read_table(_csv(text))
    assert not table.errors
    assert list(table.data["periode"]) == ["2024-06"] * 5 + ["2024-05"]
    assert table.periods == ["2024-05", "2024-06"]


def test_one_area_in_two_spellings_of_one_month_is_a_duplicate():
    text = "kode,periode,tenaga_kerja,peserta_aktif\n61.01,Juni 2024,100,50\n61.01,2024-06,100,40\n"
    table = read_table(_csv(text))
    assert _where(table) == {(3, "kode", "table.duplicate")}
    assert _where(table, "warning") == {(2, "kode", "table.duplicate_first")}
    assert list(table.data["valid"]) == [True, False]
    assert table.periods == ["2024-06"]


@pytest.mark.parametrize("cell", ["Triwulan II", "2024-13", "Juni", "31/06/2024", "Juni 2024 revisi", "12345"])
def test_a_cell_that_is_not_a_period_is_a_row_error_not_a_period(cell):
    text = f"Kode,Periode,tenaga_kerja,peserta_aktif\n61.01,2024-06,100,50\n61.02,{cell},100,50\n"
    table = read_table(_csv(text))
    assert _where(table) == {(3, "Periode", "table.period_invalid")}
    [issue] = table.errors
    assert cell in issue.message("id") and "bukan periode" in issue.message("id")
    assert cell in issue.message("en") and "not a period" in issue.message("en")
    assert table.periods == ["2024-06"]
    assert list(table.data["valid"]) == [True, False]


def test_a_date_is_read_as_its_month_and_told():
    text = (
        "kode,periode,tenaga_kerja,peserta_aktif\n"
        "61.01,2024-06-15,100,50\n61.02,2024-06,100,50\n61.03,15/06/2024,100,50\n"
    )
    table = read_table(_csv(text))
    assert not table.errors
    assert table.periods == ["2024-06"]
    [note] = [i for i in table.issues if i.code == "table.period_day"]
    assert (note.row, note.column, note.severity) == (None, "periode", "info")
    assert note.message("id") == "2 tanggal di kolom periode dibaca sebagai bulannya (baris 2, 4)."
    assert note.message("en") == "2 dates in the period column were read as their month (rows 2, 4)."


def test_xlsx_date_cells_are_months(tmp_path):
    import datetime as dt

    rows = [
        ["kode", "periode", "tenaga_kerja", "peserta_aktif"],
        ["61.01", dt.datetime(2024, 6, 1), 100, 50],  # a month cell ("mmm-yy"): stored as the 1st
        ["61.02", dt.datetime(2024, 6, 15), 100, 50],  # a day: read as its month, told
        ["61.03", "Juni 2024", 100, 50],
    ]
    path = _xlsx(tmp_path, {"Data": rows}, {("Data", "B2"): "mmm-yy", ("Data", "B3"): "dd/mm/yyyy"})
    table = read_table(path)
    assert not table.errors
    assert list(table.data["periode"]) == ["2024-06"] * 3
    [note] = [i for i in table.issues if i.code == "table.period_day"]
    assert note.params == {"rows": "3", "count": 1}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings(encoding):
    text = "kabupaten;kecamatan;desa;tenaga_kerja;peserta_aktif\nKubu Raya;Sungai Raya;Sungái Raya;10;5\n"
    table = read_table(_csv(text, encoding))
    assert table.data["desa"].iloc[0] == "Sungái Raya"
    assert table.columns_map["kabupaten"] == "kabupaten"  # the BOM is not part of the first header


def test_excel_sep_hint_line():
    table = read_table(_csv("sep=;\nkode;tenaga_kerja;peserta_aktif\n61.01;26.373;1.000\n"))
    assert table.header_row == 1 and table.data["tenaga_kerja"].iloc[0] == 26373 and table.data["baris"].iloc[0] == 2


def test_semicolon_file_with_decimal_commas_is_not_split_on_commas():
    table = read_table(_csv("kode;tenaga_kerja;peserta_aktif;target_persen\n61.01;100;50;45,5\n61.02;100;20;50,24\n"))
    assert list(table.data["target_persen"]) == [45.5, 50.24]


def test_sources_path_bytes_and_file_like(tmp_path):
    content = _csv("kode,tenaga_kerja,peserta_aktif\n61.01,100,50\n")
    path = tmp_path / "cakupan.csv"
    path.write_bytes(content)
    assert read_table(path).source_name == "cakupan.csv"
    assert read_table(str(path)).source_name == "cakupan.csv"
    assert read_table(content, filename="unggah.csv").source_name == "unggah.csv"
    assert len(read_table(io.BytesIO(content)).data) == 1


# --- XLSX ------------------------------------------------------------------------------------------


def _xlsx(tmp_path, sheets: dict[str, list[list]], formats: dict[tuple[str, str], str] | None = None):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    for (sheet, cell), fmt in (formats or {}).items():
        wb[sheet][cell].number_format = fmt
    path = tmp_path / "cakupan.xlsx"
    wb.save(path)
    return path


def test_xlsx_with_title_rows_numbers_and_percent_cells(tmp_path):
    path = _xlsx(
        tmp_path,
        {
            "Catatan": [["Sumber: BPJS Ketenagakerjaan"], ["Data ilustratif"]],
            "Data": [
                ["Cakupan per kabupaten/kota"],
                [],
                ["Kode Wilayah", "Kabupaten/Kota", "Periode", "Tenaga Kerja", "Peserta Aktif", "Target %", "PBI"],
                [6101, "KAB. SAMBAS", 2024, 300000, 90000, 0.45, 1200],
                ["61.71", "Kota Pontianak", "2024", "26.373", "10.000", None, None],
                [61.1, "Kab. Melawi", 2024.0, 110000.0, 30000, 55.5, None],
            ],
        },
        {("Data", "F4"): "0%"},
    )
    table = read_table(path)
    assert table.header_row == 3
    assert list(table.data["baris"]) == [4, 5, 6]
    assert list(table.data["kode"]) == ["61.01", "61.71", "61.10"]
    assert list(table.data["periode"]) == ["2024", "2024", "2024"]
    assert list(table.data["tenaga_kerja"]) == [300000, 26373, 110000]
    assert table.data["target_persen"].iloc[0] == pytest.approx(45.0)  # 45% cell, stored as 0.45
    assert table.data["target_persen"].iloc[2] == pytest.approx(55.5)
    assert not table.errors
    assert any(i.code == "table.sheet_used" and i.params["sheet"] == "Data" for i in table.issues)


def test_xlsx_sheet_choice(tmp_path):
    rows = [["kode", "tenaga_kerja", "peserta_aktif"], ["61.01", 10, 5]]
    path = _xlsx(tmp_path, {"A": rows, "B": rows + [["61.02", 10, 4]]})
    assert len(read_table(path).data) == 1
    assert len(read_table(path, sheet="B").data) == 2
    assert len(read_table(path, sheet=1).data) == 2
    with pytest.raises(TableError, match="C"):
        read_table(path, sheet="C")


def test_xlsx_validation_rows_are_spreadsheet_rows(tmp_path):
    path = _xlsx(
        tmp_path, {"S": [["Judul"], ["kode", "tenaga_kerja", "peserta_aktif"], ["61.01", 10, 50], [], ["61.02", -1, 0]]}
    )
    table = read_table(path)
    assert _where(table) == {(3, "peserta_aktif", "table.peserta_exceeds"), (5, "tenaga_kerja", "table.negative")}
    assert _where(table, "info") >= {(4, None, "table.empty_row")}


# --- row validation ----------------------------------------------------------------------------------

MESSY = """
kode;kabupaten;periode;tenaga_kerja;peserta_aktif;target_persen;penerima_bantuan_iuran
61.01;;2024;1.000;500;;
61.02;;2024;seribu;500;;
61.03;;2024;-10;0;;
61.04;;2024;100,5;50;;
61.05;;2024;;50;;
61.06;;2024;100;150;;
61.07;;2024;100;50;120;
;;2024;100;50;;
61.08;;;100;50;;
;;;;;;
61.09;;2024;100;50;;70
61.01;;2024;900;400;;
61.10;;2024;0;0;;
61.11;Kayong Utara;2024;100;50;50,24;x
"""


def test_every_validation_error_has_row_and_column():
    table = read_table(_csv(MESSY))
    assert _where(table) == {
        (3, "tenaga_kerja", "table.not_a_number"),
        (4, "tenaga_kerja", "table.negative"),
        (5, "tenaga_kerja", "table.fractional"),
        (6, "tenaga_kerja", "table.required_empty"),
        (7, "peserta_aktif", "table.peserta_exceeds"),
        (8, "target_persen", "table.target_range"),
        (9, None, "table.no_area"),
        (10, "periode", "table.period_empty"),
        (13, "kode", "table.duplicate"),
        (15, "penerima_bantuan_iuran", "table.not_a_number"),
    }
    assert _where(table, "warning") == {
        (2, "kode", "table.duplicate_first"),
        (12, "penerima_bantuan_iuran", "table.bantuan_exceeds"),
        (14, "tenaga_kerja", "table.zero_workers"),
    }
    assert (11, None, "table.empty_row") in _where(table, "info")
    valid = dict(zip(table.data["baris"], table.data["valid"]))
    assert [b for b, v in valid.items() if v] == [2, 12, 14]


def test_messages_name_values_and_rows_in_both_languages():
    table = read_table(_csv(MESSY))
    by_row = {i.row: i for i in table.errors}
    assert "seribu" in by_row[3].message("id") and "seribu" in by_row[3].message("en")
    assert "150" in by_row[7].message("id") and "100" in by_row[7].message("en")
    assert "baris 2" in by_row[13].message("id") and "row 2" in by_row[13].message("en")
    first = next(i for i in table.issues if i.code == "table.duplicate_first")
    assert "13" in first.message("id")
    for issue in table.issues:
        assert issue.message("id") and issue.message("en")


def test_no_row_dropped():
    table = read_table(_csv(MESSY))
    non_empty = [n for n, line in enumerate(MESSY.strip("\n").splitlines(), start=1) if line.strip(";") and n > 1]
    assert list(table.data["baris"]) == non_empty
    assert len(table.valid_rows) == 3 and len(table.errors) == 10


def test_trailing_empty_rows_are_not_rows():
    table = read_table(_csv("kode,tenaga_kerja,peserta_aktif\n61.01,10,5\n,,\n\n"))
    assert len(table.data) == 1 and not [i for i in table.issues if i.code == "table.empty_row"]


def test_rows_with_only_extra_columns_are_reported():
    table = read_table(_csv("kode,tenaga_kerja,peserta_aktif,catatan\n61.01,10,5,\n,,,Sumber: BPJS\n"))
    assert len(table.data) == 1
    assert (3, None, "table.row_no_data") in _where(table, "info")


def test_code_written_in_the_name_column():
    table = read_table(_csv("kabupaten,tenaga_kerja,peserta_aktif\n6171,10,5\nKota Singkawang,10,5\n"))
    assert list(table.data["kode"].fillna("-")) == ["61.71", "-"]
    assert table.data["kabupaten"].isna().iloc[0]


def test_duplicates_by_name_and_period():
    text = (
        "kabupaten,periode,tenaga_kerja,peserta_aktif\n"
        "Kab. Sambas,2024,10,5\nKAB SAMBAS,2024,10,5\nKab. Sambas,2025,10,5\n"
    )
    table = read_table(_csv(text))
    assert _where(table) == {(3, None, "table.duplicate")}
    assert list(table.data["valid"]) == [True, False, True]


def test_fraction_targets_warned():
    table = read_table(_csv("kode,tenaga_kerja,peserta_aktif,target\n61.01,10,5,0.5\n61.02,10,5,0.45\n"))
    assert any(i.code == "table.target_fraction" for i in table.issues)


# --- whole-file problems -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "table.empty_file"),
        (b"   \n\n", "table.empty_file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "table.format_pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "table.format_xls"),
        (b"PK\x03\x04not really a zip", "error.table_unreadable"),
        (bytes(range(256)) * 8, "table.not_text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "table.not_text"),
        (b"a,b,c\n1,2,3\n", "table.no_header"),
        (b"Laporan\n\nkode,tenaga_kerja\n61.01,10\n", "table.missing_columns"),
        (b"tenaga_kerja,peserta_aktif\n10,5\n", "table.missing_columns"),
        (b"kode,tenaga_kerja,peserta_aktif\n", "table.no_rows"),
        (b"kode,tenaga_kerja,peserta_aktif\n,,\n\n", "table.no_rows"),
    ],
)
def test_unusable_files_raise_table_error(content, code):
    with pytest.raises(TableError) as info:
        read_table(content, filename="tabel.csv")
    assert info.value.code == code
    message = str(info.value)
    assert info.value.message("id") in message and info.value.message("en") in message


def test_missing_columns_message_names_them_and_what_was_found():
    with pytest.raises(TableError) as info:
        read_table(b"Kode Wilayah;Tenaga Kerja;Keterangan\n61.01;10;x\n")
    assert "peserta_aktif" in str(info.value) and "Kode Wilayah, Tenaga Kerja, Keterangan" in str(info.value)


def test_missing_file_is_a_table_error(tmp_path):
    with pytest.raises(TableError):
        read_table(tmp_path / "tidak_ada.csv")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_traceback(content):
    try:
        read_table(content)
    except TableError:
        pass


CELL = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["26.373", "35,35", "-1", "6112", "61.71", "Kota Pontianak", "", "1e5", "NaN", "∞"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=8))
def test_random_cells_never_traceback(rows):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["kode", "kabupaten", "periode", "tenaga_kerja", "peserta_aktif", "target_persen"])
    writer.writerows(rows)
    try:
        table = read_table(buffer.getvalue().encode("utf-8"))
    except TableError:
        return
    assert len(table.data) <= len(rows)
    assert set(table.data.loc[table.data["valid"], "tenaga_kerja"].map(lambda v: v >= 0)) <= {True}


# --- recap sheets: headers of several rows, totals rows -------------------------------------------------

RECAP_COLUMNS = {
    "Kabupaten/Kota": "kabupaten",
    "Jumlah Tenaga Kerja": "tenaga_kerja",
    "Jumlah Peserta Aktif": "peserta_aktif",
    "Periode": "periode",
}


def _recap_read(table, header_rows: int) -> None:
    """The 14 kabupaten/kota rows read with the sample's figures, then the totals row told as such."""
    figures = sample_figures()
    first = 4 + header_rows  # 3 title rows, then the header
    areas = table.data[table.data["kabupaten"] != "JUMLAH"]
    assert list(areas["baris"]) == list(range(first, first + 14))
    assert list(areas["kabupaten"]) == [f[1] for f in figures]
    assert list(areas["tenaga_kerja"]) == [f[2] for f in figures]
    assert list(areas["peserta_aktif"]) == [f[3] for f in figures]
    assert set(areas["periode"]) == {PERIOD} and areas["valid"].all()
    assert table.header_row == 3 + header_rows
    assert table.columns_map == RECAP_COLUMNS
    assert not table.errors
    [total] = table.data[table.data["kabupaten"] == "JUMLAH"].itertuples()
    assert total.baris == first + 14 and len(table.data) == 15  # no row lost


@pytest.mark.parametrize("depth", [2, 3])
def test_recap_xlsx_with_merged_header_and_uncomputed_totals(tmp_path, depth):
    table = read_table(recap_xlsx(tmp_path / "rekap.xlsx", depth))
    _recap_read(table, depth)
    total_row = 4 + depth + 14
    # the SUM formulas were never computed: a totals row without figures, noted, not a row error
    assert (total_row, None, "table.total_uncomputed") in _where(table, "info")
    assert not table.data.set_index("baris").loc[total_row, "valid"]
    assert not any(i.row == total_row for i in table.issues if i.severity != "info")
    [note] = table.read_notes("id")
    assert note.startswith(f"Judul kolom dibaca dari {depth} baris (sel gabungan, baris 4–{3 + depth})")
    assert "Jumlah Tenaga Kerja → tenaga_kerja, Jumlah Peserta Aktif → peserta_aktif" in note
    [note_en] = table.read_notes("en")
    assert note_en.startswith(f"Header read from {depth} rows (merged cells")
    assert "Jumlah Peserta Aktif → peserta_aktif" in note_en


@pytest.mark.parametrize("depth, delimiter", [(2, ";"), (2, ","), (3, ";")])
def test_recap_csv_group_label_over_sub_labels(tmp_path, depth, delimiter):
    table = read_table(recap_csv(tmp_path / "rekap.csv", depth, delimiter))
    _recap_read(table, depth)
    [total] = table.data[table.data["kabupaten"] == "JUMLAH"].itertuples()  # "JUMLAH" was in the No column
    assert total.tenaga_kerja == sum(f[2] for f in sample_figures()) and total.valid  # computed: a row like any
    [note] = table.read_notes("id")
    assert f"dari {depth} baris (judul kelompok di atas sub-judul" in note and "Jumlah Tenaga Kerja" in note


def test_recap_with_a_missing_column_names_it(tmp_path):
    with pytest.raises(TableError) as info:
        read_table(recap_xlsx(tmp_path / "rekap.xlsx", second="Laki-laki"))
    assert info.value.code == "table.missing_columns"
    assert info.value.params["missing"] == "peserta_aktif"
    assert "Jumlah Tenaga Kerja, Jumlah Laki-laki" in info.value.params["found"]  # the header as read, merged
    assert "peserta_aktif" in info.value.message("en") and "Jumlah Tenaga Kerja" in info.value.message("en")


def test_csv_group_labels_without_required_columns_still_refused():
    text = "No;Kabupaten/Kota;Jumlah;;Periode\n;;Laki-laki;Perempuan;\n1;Kabupaten Sambas;10;12;2024\n"
    with pytest.raises(TableError) as info:
        read_table(_csv(text))
    assert info.value.code == "table.missing_columns" and "tenaga_kerja, peserta_aktif" in str(info.value)


def test_one_row_header_is_read_as_before_without_a_note():
    table = read_table(_csv(TITLED))
    assert table.read_notes() == [] and table.header_row == 4
    assert not {i.code for i in table.issues} & {"table.header_merged", "table.header_rows"}


def test_group_label_above_a_full_header_is_a_title_row():
    text = "Jumlah;;;\nkabupaten;periode;tenaga_kerja;peserta_aktif\nKabupaten Sambas;2024;10;5\n"
    table = read_table(_csv(text))
    assert table.header_row == 2 and table.read_notes() == [] and len(table.data) == 1


def test_recap_sheet_found_after_a_notes_sheet(tmp_path):
    path = recap_xlsx(tmp_path / "rekap.xlsx")
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("Catatan", 0)
    notes.append(["Kabupaten", "Keterangan"])  # a header-like row, but not the table
    notes.append(["Sumber", "BPJS Ketenagakerjaan"])
    wb.save(path)
    table = read_table(path)
    assert len(table.data) == 15 and ("table.sheet_used", "Rekap Juni 2024") in {
        (i.code, i.params.get("sheet")) for i in table.issues
    }


@pytest.mark.parametrize("label", ["Jumlah", "TOTAL", "Provinsi Kalimantan Barat"])
def test_totals_row_with_formula_text_or_blanks_is_a_totals_row(label):
    text = (
        "kabupaten;periode;tenaga_kerja;peserta_aktif;penerima_bantuan_iuran\n"
        "Kabupaten Sambas;2024;10;5;1\n"
        f"{label};2024;=SUM(C2:C2);;\n"
    )
    table = read_table(_csv(text))
    assert not table.errors and (3, None, "table.total_uncomputed") in _where(table, "info")
    assert list(table.data["valid"]) == [True, False]


def test_an_area_row_with_empty_counts_is_still_an_error():
    table = read_table(_csv("kabupaten;periode;tenaga_kerja;peserta_aktif\nKabupaten Sambas;2024;;\n"))
    assert (2, "tenaga_kerja", "table.required_empty") in _where(table)


@pytest.mark.parametrize(
    "header, canonical",
    [
        ("Jumlah Tenaga Kerja", "tenaga_kerja"),
        ("Jumlah Peserta Aktif", "peserta_aktif"),
        ("Tenaga Kerja Aktif", "peserta_aktif"),
        ("Peserta Terdaftar", "peserta_aktif"),
        ("Tenaga Kerja Jumlah", "tenaga_kerja"),
    ],
)
def test_joined_header_names(header, canonical):
    assert column_for(header) == canonical


# --- templates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["kabupaten", "kecamatan", "desa"])
def test_template_reads_back_cleanly(level):
    text = template_csv(level)
    header = text.splitlines()[0].split(",")
    assert (
        header[: len(header) - 5]
        == {
            "kabupaten": ["kode", "kabupaten"],
            "kecamatan": ["kode", "kabupaten", "kecamatan"],
            "desa": ["kode", "kabupaten", "kecamatan", "desa"],
        }[level]
    )
    table = read_table(text.encode("utf-8"))
    assert not table.errors and table.data["valid"].all() and len(table.data) >= 1


def test_xlsx_header_without_merges_under_a_merged_title(tmp_path):
    """A title merged over the sheet, the header's group label not merged (unmerged by hand): read as in a CSV."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["REKAP CAKUPAN"])
    ws.merge_cells("A1:E1")
    ws.append(["Kabupaten/Kota", "Jumlah", None, "Periode"])
    ws.append([None, "Tenaga Kerja", "Peserta Aktif", None])
    ws.append(["Kota Pontianak", 303704, 147262, "2024"])
    path = tmp_path / "rekap.xlsx"
    wb.save(path)
    table = read_table(path)
    assert table.columns_map["Jumlah Peserta Aktif"] == "peserta_aktif" and list(table.data["peserta_aktif"]) == [
        147262
    ]
    assert [i.code for i in table.issues if i.code.startswith("table.header_")] == [
        "table.header_row",
        "table.header_rows",
    ]
