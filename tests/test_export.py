"""CSV and XLSX downloads: same rows and totals as the frame, formulas neutralised, sample labelled."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from geo import sample
from geo.classify import classify
from geo.export import FORMULA_PREFIXES, neutralise, safe_frame, to_csv, to_xlsx
from geo.ranking import area_table, labelled

SAMPLE_NOTE = "Data contoh, bukan data resmi"
HOSTILE = ['=HYPERLINK("x")', "+1+1", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd"]


@pytest.fixture(scope="module")
def frame(areas) -> pd.DataFrame:
    """The labelled kabupaten table with totals, one area renamed to a formula."""
    table = sample.kabupaten_table().assign(target_persen=np.nan)
    c = classify(table, areas("kabupaten"))
    c.loc[c.kode == "61.71", "nama"] = '=HYPERLINK("x")'
    return labelled(area_table(c, "kabupaten"), "id", with_totals=c)


def _csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Read back as a spreadsheet would: every CR, LF or CRLF outside quotes ends a row."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    notes = [r[0] for r in rows if r and r[0].startswith("# ")]
    return notes, [r for r in rows if not (r and r[0].startswith("# "))]


def _xlsx_rows(data: bytes):
    ws = load_workbook(io.BytesIO(data)).active
    return ws, [[c for c in row] for row in ws.iter_rows()]


# --- neutralise --------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_hostile(value):
    out = neutralise(value)
    assert out == "'" + value
    assert not out.startswith(FORMULA_PREFIXES)


@pytest.mark.parametrize("value", ["Kota Pontianak", "", "35,35", "a=b", 12, -3.5, None, np.nan])
def test_neutralise_leaves_others(value):
    out = neutralise(value)
    assert out is value or (isinstance(value, float) and np.isnan(out))


@given(st.text())
def test_neutralise_never_starts_like_a_formula(text):
    out = neutralise(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out.endswith(text)
    assert out == text or out == "'" + text


def test_safe_frame_neutralises_headers_and_text_only():
    df = pd.DataFrame({"=evil": ["=1+1", "ok"], "n": [-5, 7]})
    out = safe_frame(df)
    assert list(out.columns) == ["'=evil", "n"]
    assert list(out["'=evil"]) == ["'=1+1", "ok"]
    assert list(out["n"]) == [-5, 7]  # negative numbers stay numbers
    assert list(df["=evil"]) == ["=1+1", "ok"]  # input untouched


# --- CSV ---------------------------------------------------------------------------------


def test_csv_same_rows_and_totals(frame):
    notes, rows = _csv_rows(to_csv(frame))
    assert notes == []
    header, body = rows[0], [r for r in rows[1:] if r]
    assert header == [str(c) for c in frame.columns]
    assert len(body) == len(frame)
    workers = header.index("Tenaga kerja")
    values = [float(r[workers]) for r in body]
    assert values[:-1] == pytest.approx(list(frame["Tenaga kerja"].iloc[:-1]))
    assert values[-1] == pytest.approx(sum(values[:-1]))  # the totals row is the sum
    assert body[-1][header.index("Wilayah")] == "Total pilihan"
    codes = [r[header.index("Kode")] for r in body[:-1]]
    assert sorted(codes) == sorted(frame["Kode"].iloc[:-1])


def test_csv_formula_is_neutralised(frame):
    _, rows = _csv_rows(to_csv(frame))
    names = [r[rows[0].index("Wilayah")] for r in rows[1:] if r]
    assert '\'=HYPERLINK("x")' in names
    assert not any(n.startswith(FORMULA_PREFIXES) for n in names)
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


def test_csv_every_hostile_value():
    df = pd.DataFrame({"nama": HOSTILE, "x": range(len(HOSTILE))})
    _, rows = _csv_rows(to_csv(df))
    assert [r[0] for r in rows[1:] if r] == ["'" + v for v in HOSTILE]


@pytest.mark.parametrize("value", ["x\r=cmd()", "x\n=cmd()", "x\r\n=cmd()", "'\r=cmd"])
def test_csv_embedded_line_breaks_cannot_start_a_formula_row(value):
    """A CR or LF inside a value must stay inside its (quoted) cell, never open a row '=cmd()'."""
    df = pd.DataFrame({"nama": [value, "ok"], "x": [1, 2]})
    _, rows = _csv_rows(to_csv(df))
    assert rows[1] == [value, "1"]
    assert rows[2] == ["ok", "2"]
    assert len([r for r in rows if r]) == 3
    assert not any(c.startswith(FORMULA_PREFIXES) for r in rows for c in r)


def test_csv_sample_note(frame):
    notes, _ = _csv_rows(to_csv(frame, is_sample=True))
    assert notes == [f"# {SAMPLE_NOTE}"]
    notes_en, _ = _csv_rows(to_csv(frame, is_sample=True, lang="en"))
    assert len(notes_en) == 1 and SAMPLE_NOTE in notes_en[0]
    assert SAMPLE_NOTE.encode() not in to_csv(frame, is_sample=False)


def test_csv_extra_notes_are_neutralised(frame):
    notes, rows = _csv_rows(
        to_csv(frame, is_sample=True, notes=["Sumber: BPJS", "=cmd|' /C calc'!A0", "tabel.csv\r=cmd()"])
    )
    assert notes == [f"# {SAMPLE_NOTE}", "# Sumber: BPJS", "# '=cmd|' /C calc'!A0", "# tabel.csv =cmd()"]
    assert rows[0] == [str(c) for c in frame.columns]  # a note never spills into the table


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_same_rows_and_totals(frame):
    ws, rows = _xlsx_rows(to_xlsx(frame))
    header = [c.value for c in rows[0]]
    assert header == [str(c) for c in frame.columns]
    body = rows[1:]
    assert len(body) == len(frame)
    workers = header.index("Tenaga kerja")
    values = [r[workers].value for r in body]
    assert all(isinstance(v, (int, float)) for v in values)  # numbers stay numbers
    assert values[:-1] == pytest.approx(list(frame["Tenaga kerja"].iloc[:-1]))
    assert values[-1] == pytest.approx(sum(values[:-1]))
    assert body[-1][header.index("Wilayah")].value == "Total pilihan"
    assert body[-1][header.index("Peringkat kekurangan")].value is None  # NA written as an empty cell


def test_xlsx_formula_is_neutralised(frame):
    ws, rows = _xlsx_rows(to_xlsx(frame))
    header = [c.value for c in rows[0]]
    cell = next(r[header.index("Wilayah")] for r in rows[1:] if "HYPERLINK" in str(r[header.index("Wilayah")].value))
    assert cell.data_type != "f"
    assert cell.value == '\'=HYPERLINK("x")'
    assert not any(c.data_type == "f" for r in rows for c in r)


def test_xlsx_every_hostile_value():
    df = pd.DataFrame({"=head": HOSTILE})
    ws, rows = _xlsx_rows(to_xlsx(df, notes=["=note()"]))
    assert rows[0][0].value == "'=note()"
    assert rows[1][0].value == "'=head"
    # (XML stores a CR as LF; what matters is the leading apostrophe and a string cell)
    assert [r[0].value.replace("\n", "\r") for r in rows[2:]] == ["'" + v.replace("\n", "\r") for v in HOSTILE]
    assert not any(c.data_type == "f" for r in rows for c in r)


def test_xlsx_sample_note(frame):
    ws, rows = _xlsx_rows(to_xlsx(frame, is_sample=True))
    assert rows[0][0].value == SAMPLE_NOTE
    assert [c.value for c in rows[1]] == [str(c) for c in frame.columns]
    assert len(rows) == 2 + len(frame)
    _, plain = _xlsx_rows(to_xlsx(frame, is_sample=False))
    assert not any(SAMPLE_NOTE in str(c.value) for r in plain for c in r)


def test_xlsx_sheet_name_is_trimmed():
    wb = load_workbook(io.BytesIO(to_xlsx(pd.DataFrame({"a": [1]}), sheet="x" * 40)))
    assert wb.active.title == "x" * 31
