"""Hostile table files, made by the tests themselves (no binary fixture in the repository).

Each maker writes one file to ``folder`` and returns its path. The XLSX files are built part by part
with zipfile, so a part can be made as large (or as compressible) as an attack would make it without
holding it in memory; the small ones use openpyxl as a spreadsheet program would.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import openpyxl

HEADER = ["kode", "kabupaten", "periode", "tenaga_kerja", "peserta_aktif"]
ROW = ["61.01", "Kabupaten Sambas", "2024", "300000", "90000"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    f'relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_BOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
    '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    f'relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def _inline(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _header_row() -> str:
    return '<row r="1">' + "".join(_inline(f"{chr(65 + j)}1", h) for j, h in enumerate(HEADER)) + "</row>"


def xlsx_parts(
    path: Path, sheet: Iterable[str], strings: Iterable[str] = (), level: int = zipfile.ZIP_DEFLATED
) -> Path:
    """A workbook with one sheet whose XML is the chunks of ``sheet`` and whose shared strings are ``strings``
    (chunks of ``<si>`` elements); parts are streamed into the zip, so they may be far larger than memory."""
    with zipfile.ZipFile(path, "w", level, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _BOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
            for chunk in strings:
                part.write(chunk.encode())
            part.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
            for chunk in sheet:
                part.write(chunk.encode())
            part.write(b"</worksheet>")
    return path


def _repeat(text: str, times: int, per_chunk: int = 10_000) -> Iterable[str]:
    block = text * per_chunk
    for _ in range(times // per_chunk):
        yield block
    yield text * (times % per_chunk)


def far_cell_xlsx(folder: Path) -> Path:
    """4–5 KB: a real header and row, and one value at XFD1048576 (the sheet's last cell), dimension to match."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(ROW)
    ws["XFD1048576"] = "x"
    path = folder / "jauh.xlsx"
    wb.save(path)
    return path


def bomb_strings_xlsx(folder: Path) -> Path:
    """A zip bomb in the shared strings: ~95 MB of one repeated string, compressed about 1000×."""
    sheet = ["<sheetData>", _header_row(), "</sheetData>"]
    return xlsx_parts(folder / "bom_strings.xlsx", sheet, _repeat("<si><t>aaaaaaaaaaaaaaa</t></si>", 3_300_000))


def bomb_sheet_xlsx(folder: Path) -> Path:
    """A zip bomb in the sheet: 210 MB of empty rows (beyond the unzipped limit), compressed about 1000×."""
    rows = _repeat("<row/>", 35_000_000, per_chunk=1_000_000)
    return xlsx_parts(folder / "bom_sheet.xlsx", ["<sheetData>", _header_row(), *rows, "</sheetData>"])


def many_sheets_xlsx(folder: Path, sheets: int = 60) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    for i in range(sheets - 1):
        wb.create_sheet(f"S{i}")
    path = folder / "banyak_lembar.xlsx"
    wb.save(path)
    return path


def many_columns_xlsx(folder: Path, columns: int = 300) -> Path:
    """A header and a row whose values run to column ``columns``."""
    cells = "".join(f'<c r="{openpyxl.utils.get_column_letter(j + 1)}2"><v>{j}</v></c>' for j in range(columns))
    return xlsx_parts(
        folder / "banyak_kolom.xlsx", ["<sheetData>", _header_row(), f'<row r="2">{cells}</row>', "</sheetData>"]
    )


def many_columns_csv(folder: Path, columns: int = 300) -> Path:
    path = folder / "banyak_kolom.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(str(j) for j in range(columns)) + "\n", encoding="utf-8")
    return path


def million_lines_csv(folder: Path) -> Path:
    """A header and 1,000,000 one-value lines (2 MB): the issue's 29 s / 2.3 GB file."""
    path = folder / "sejuta.csv"
    path.write_bytes((",".join(HEADER) + "\n").encode() + b"1\n" * 1_000_000)
    return path


def long_line_csv(folder: Path, chars: int = 5_000_000, sep: str = "") -> Path:
    """A header and one line of ``chars`` characters (with ``sep`` between one-letter values when given)."""
    path = folder / ("baris_panjang_koma.csv" if sep else "baris_panjang.csv")
    body = ("x" + sep) * (chars // (1 + len(sep)))
    path.write_text(",".join(HEADER) + "\n" + body + "\n", encoding="utf-8")
    return path


def nul_file(folder: Path, size: int = 5 * 1024 * 1024) -> Path:
    path = folder / "nol.csv"
    path.write_bytes(b"\x00" * size)
    return path


def utf16_no_bom_csv(folder: Path, lines: int = 3) -> Path:
    """A table saved as UTF-16 (little-endian) without the byte-order mark Excel would write."""
    path = folder / "utf16.csv"
    rows = [",".join(HEADER)] + [",".join(ROW[:2] + [str(2000 + i)] + ROW[3:]) for i in range(lines)]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-16-le"))
    return path


def oversize_csv(folder: Path, size: int) -> Path:
    """A plausible CSV just over ``size`` bytes."""
    path = folder / "besar.csv"
    line = (",".join(ROW) + "\n").encode()
    with path.open("wb") as fh:
        fh.write((",".join(HEADER) + "\n").encode())
        fh.write(line * (size // len(line) + 1))
    return path


def _extra(i: int, j: int) -> str:
    return f"{i * 7919 + j * 104729:012d}"


def largest_csv(folder: Path, rows: int = 56_000, extra: int = 11) -> Path:
    """Within every limit and close to them: ~60,000 rows of 16 filled columns, about 10 MB, every value distinct."""
    path = folder / "terbesar.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(HEADER + [f"x{j}" for j in range(extra)]) + "\n")
        for i in range(rows):
            code = f"61.{i % 99 + 1:02d}.{i // 99 % 99 + 1:02d}.{2001 + i // 9801}"
            values = [code, f"Desa {i}", f"20{i % 30:02d}", str(1000 + i), str(500 + i)]
            fh.write(",".join(values + [_extra(i, j) for j in range(extra)]) + "\n")
    return path


def largest_xlsx(folder: Path, rows: int = 56_000, extra: int = 11) -> Path:
    """The same table as an XLSX whose every text is a distinct shared string: the parts a real export has."""
    letters = [openpyxl.utils.get_column_letter(j + 1) for j in range(len(HEADER) + extra)]

    def strings() -> Iterable[str]:
        for i in range(rows):
            yield "".join(f"<si><t>{v}</t></si>" for v in (f"Desa {i}", *(_extra(i, j) for j in range(extra))))

    def sheet() -> Iterable[str]:
        yield "<sheetData>" + _header_row()
        for i in range(rows):
            r = i + 2
            code = f"61.{i % 99 + 1:02d}.{i // 99 % 99 + 1:02d}.{2001 + i // 9801}"
            cells = [_inline(f"A{r}", code), f'<c r="B{r}" t="s"><v>{i * (extra + 1)}</v></c>']
            cells += [f'<c r="C{r}"><v>{2000 + i % 30}</v></c>', f'<c r="D{r}"><v>{1000 + i}</v></c>']
            cells += [f'<c r="E{r}"><v>{500 + i}</v></c>']
            cells += [f'<c r="{letters[5 + j]}{r}" t="s"><v>{i * (extra + 1) + 1 + j}</v></c>' for j in range(extra)]
            yield f'<row r="{r}">' + "".join(cells) + "</row>"
        yield "</sheetData>"

    return xlsx_parts(folder / "terbesar.xlsx", sheet(), strings())


MAKERS: dict[str, Callable[[Path], Path]] = {
    "far_cell_xlsx": far_cell_xlsx,
    "bomb_strings_xlsx": bomb_strings_xlsx,
    "bomb_sheet_xlsx": bomb_sheet_xlsx,
    "many_sheets_xlsx": many_sheets_xlsx,
    "many_columns_xlsx": many_columns_xlsx,
    "many_columns_csv": many_columns_csv,
    "million_lines_csv": million_lines_csv,
    "long_line_csv": long_line_csv,
    "long_line_commas_csv": lambda folder: long_line_csv(folder, sep=","),
    "nul_file": nul_file,
    "utf16_no_bom_csv": utf16_no_bom_csv,
}


def heavy_strings_xlsx(folder: Path, rows: int = 40_000, columns: int = 16, chars: int = 100) -> Path:
    """Within the limits but as heavy as they allow: every cell a distinct shared string of ``chars`` characters
    (about 100 MB unpacked, compressed just under the ratio limit), read into memory whole."""
    pad = "a" * (chars - 12)
    letters = [openpyxl.utils.get_column_letter(j + 1) for j in range(columns)]

    def strings() -> Iterable[str]:
        for i in range(rows * columns):
            yield f"<si><t>{pad}{i:012d}</t></si>"

    def sheet() -> Iterable[str]:
        yield "<sheetData>" + _header_row()
        for i in range(rows):
            r = i + 2
            yield (
                f'<row r="{r}">'
                + "".join(f'<c r="{letters[j]}{r}" t="s"><v>{i * columns + j}</v></c>' for j in range(columns))
                + "</row>"
            )
        yield "</sheetData>"

    return xlsx_parts(folder / "berat.xlsx", sheet(), strings(), level=zipfile.ZIP_DEFLATED)
