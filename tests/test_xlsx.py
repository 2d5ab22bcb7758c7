"""The streaming XLSX reader beyond values: merged ranges and formulas with no stored value, within the limits."""

from __future__ import annotations

import time

import pytest

from geo import xlsx
from geo.limits import Limits
from geo.table import TableError, read_table
from tests.support import hostile
from tests.support.recap import recap_xlsx


def _sheet(path, lim: Limits | None = None) -> xlsx.Cells:
    book = xlsx.open_workbook(path.read_bytes(), lim or Limits())
    return xlsx.sheet_grid(book, book.sheets[0][1], lambda v, _p: v)


def test_merged_ranges_and_uncomputed_formulas_are_seen(tmp_path):
    cells = _sheet(recap_xlsx(tmp_path / "rekap.xlsx"))
    assert (0, 0, 0, 5) in cells.merged  # the title over A1:F1
    assert (3, 2, 3, 3) in cells.merged  # "Jumlah" over C4:D4
    assert (3, 0, 4, 0) in cells.merged  # "No" down A4:A5
    assert (19, 0, 19, 1) in cells.merged  # "JUMLAH" over A20:B20
    assert cells[3][2] == "Jumlah" and cells[4][2:4] == ["Tenaga Kerja", "Peserta Aktif"]
    # the totals row's SUMs and every row's coverage formula: no value, but known to be formulas
    assert {(19, 2), (19, 3), (19, 5)} <= cells.formulas
    assert {(r, 5) for r in range(5, 19)} <= cells.formulas
    assert all(len(row) < 6 or row[5] is None for row in cells[5:20])  # no value invented for them
    assert (5, 2) not in cells.formulas and cells[5][2] > 0  # a plain number is a value, not a formula


def test_a_flood_of_merged_ranges_is_capped(tmp_path):
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(2, 30_002))
    sheet = ["<sheetData>", hostile._header_row(), "</sheetData>", f'<mergeCells count="30000">{merges}</mergeCells>']
    cells = _sheet(hostile.xlsx_parts(tmp_path / "gabung.xlsx", sheet))
    assert len(cells.merged) == xlsx.MAX_MERGED


def test_merged_ranges_are_clipped_to_the_limits(tmp_path):
    sheet = [
        "<sheetData>",
        hostile._header_row(),
        "</sheetData>",
        '<mergeCells><mergeCell ref="A2:XFD1048576"/><mergeCell ref="XFA1:XFD2"/></mergeCells>',
    ]
    cells = _sheet(hostile.xlsx_parts(tmp_path / "luas.xlsx", sheet), Limits(max_rows=100, max_columns=20))
    assert cells.merged == [(1, 0, 99, 19)]  # the one beyond the columns could cover no kept cell


def test_uncomputed_formulas_count_against_the_cell_limit(tmp_path):
    formulas = "".join(f'<c r="A{r}"><f>SUM(B1:B2)</f></c>' for r in range(2, 60))
    sheet = ["<sheetData>", hostile._header_row(), f"<row>{formulas}</row>", "</sheetData>"]
    path = hostile.xlsx_parts(tmp_path / "rumus.xlsx", sheet)
    with pytest.raises(TableError) as info:
        read_table(path, lim=Limits(max_cells=50))
    assert info.value.code == "limit.cells"


def test_overlapping_merged_ranges_do_not_slow_the_header_search(tmp_path):
    """10,000 ranges over the whole header zone, on a sheet whose one-row header lacks a column: every reading of
    2–3 rows is tried, and each looks the merges up once built (a bounded set), not per range."""
    cells = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in zip("AB", ["kabupaten", "periode"])
    )
    merges = "".join(f'<mergeCell ref="{chr(65 + i % 26)}{1 + i % 40}:CV{41 + i}"/>' for i in range(10_000))
    far = '<c r="CV1" t="inlineStr"><is><t>Keterangan</t></is></c>'  # every band is 100 columns wide
    rows = "".join(f'<row r="{r}"><c r="CV{r}"><v>{r}</v></c></row>' for r in range(2, 45))
    sheet = [
        "<sheetData>",
        f'<row r="1">{cells}{far}</row>',
        rows,
        "</sheetData>",
        f"<mergeCells>{merges}</mergeCells>",
    ]
    path = hostile.xlsx_parts(tmp_path / "tumpang.xlsx", sheet)
    started = time.perf_counter()
    with pytest.raises(TableError) as info:
        read_table(path)
    assert info.value.code == "table.missing_columns"
    assert time.perf_counter() - started < 5
