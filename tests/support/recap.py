"""Recap sheets as provincial offices make them: title rows, a header of 2–3 rows with merged cells, one row per
kabupaten/kota and a totals row. Built here with openpyxl (as a program writes them: formulas with no stored
value) or as the CSV Excel exports from such a sheet; the figures are the sample table's."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

PERIOD = "2024-06"
TITLE = "REKAPITULASI CAKUPAN KEPESERTAAN BPJS KETENAGAKERJAAN"
SUBTITLE = "PROVINSI KALIMANTAN BARAT — JUNI 2024"


def sample_figures() -> list[tuple[str, str, int, int]]:
    """(kode, name, tenaga kerja, peserta aktif) of the 14 kabupaten/kota, from the sample table's June 2024."""
    from geo.sample import ensure_samples  # noqa: PLC0415 - needs the boundary cache

    with ensure_samples()["kabupaten"].open(encoding="utf-8") as fh:
        return [
            (r["kode"], r["kabupaten"], int(r["tenaga_kerja"]), int(r["peserta_aktif"]))
            for r in csv.DictReader(fh)
            if r["periode"] == PERIOD
        ]


def _groups(depth: int, second: str) -> list[list[str | None]]:
    """The header rows over columns No | Kabupaten/Kota | C | D | Periode | Cakupan (%)."""
    top = ["No", "Kabupaten/Kota", "Data Kepesertaan" if depth == 3 else "Jumlah", None, "Periode", "Cakupan (%)"]
    rows = [top]
    if depth == 3:
        rows.append([None, None, "Jumlah", None, None, None])
    rows.append([None, None, "Tenaga Kerja", second, None, None])
    return rows


def recap_xlsx(path: Path, depth: int = 2, second: str = "Peserta Aktif") -> Path:
    """The recap as openpyxl writes it: merged title and header cells, =D/C*100 and =SUM(...) never computed.

    ``depth``: header rows (2: "Jumlah" over the two counts; 3: "Data Kepesertaan" over "Jumlah" over them).
    ``second``: the label under the group next to "Tenaga Kerja"."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Rekap Juni 2024"
    ws.append([TITLE])
    ws.append([SUBTITLE])
    ws.append([])
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:F2")
    first = 4
    for row in _groups(depth, second):
        ws.append(row)
    last = first + depth - 1
    for col in "ABEF":  # the columns without sub-labels span every header row
        ws.merge_cells(f"{col}{first}:{col}{last}")
    ws.merge_cells(f"C{first}:D{first}")
    if depth == 3:
        ws.merge_cells(f"C{first + 1}:D{first + 1}")
    body = last + 1
    figures = sample_figures()
    for i, (_kode, name, tk, ps) in enumerate(figures):
        r = body + i
        ws.append([i + 1, name, tk, ps, PERIOD, f"=ROUND(D{r}/C{r}*100,2)"])
    end = body + len(figures) - 1
    total = end + 1
    ws.append(
        ["JUMLAH", None, f"=SUM(C{body}:C{end})", f"=SUM(D{body}:D{end})", PERIOD, f"=ROUND(D{total}/C{total}*100,2)"]
    )
    ws.merge_cells(f"A{total}:B{total}")
    wb.save(path)
    return path


def _id_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def recap_csv(path: Path, depth: int = 2, delimiter: str = ";") -> Path:
    """The same recap saved as CSV by Excel: merged labels in their first cell, the cells they span empty, the
    totals computed, Indonesian numbers."""
    figures = sample_figures()
    rows: list[list[object]] = [[TITLE], [SUBTITLE], []]
    rows += _groups(depth, "Peserta Aktif")
    for i, (_kode, name, tk, ps) in enumerate(figures):
        rows.append([i + 1, name, _id_number(tk), _id_number(ps), PERIOD, f"{ps / tk * 100:.2f}".replace(".", ",")])
    tk_sum, ps_sum = sum(f[2] for f in figures), sum(f[3] for f in figures)
    rows.append(["JUMLAH", None, _id_number(tk_sum), _id_number(ps_sum), PERIOD, ""])
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if v is None else v for v in (row + [None] * 6)[:6]])
    return path
