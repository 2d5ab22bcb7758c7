"""Downloads: CSV and XLSX that a spreadsheet can never execute, and the map as one HTML file."""

from __future__ import annotations

import csv
import io

import pandas as pd

from .text import t

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text starting like a formula gets a leading apostrophe (OWASP CSV-injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def _notes(is_sample: bool, lang: str, extra: list[str] | None = None) -> list[str]:
    notes = [t("sample.banner", lang)] if is_sample else []
    return notes + (extra or [])


def to_csv(df: pd.DataFrame, is_sample: bool = False, lang: str = "id", notes: list[str] | None = None) -> bytes:
    """UTF-8 with BOM (Excel opens it right); notes such as the sample label come first, as comment lines.

    Lines end in CRLF so the writer quotes any field holding a lone CR: with a bare LF
    terminator a value with a carriage return before ``=cmd`` went out unquoted and a
    spreadsheet split it into a new row starting with ``=cmd``. Notes are single lines, written as one quoted cell (the
    sample label has a comma, which otherwise splits it over two cells).
    """
    buf = io.StringIO()
    note_writer = csv.writer(buf, lineterminator="\r\n")
    for line in _notes(is_sample, lang, notes):
        one_line = " ".join(str(line).splitlines())
        note_writer.writerow([f"# {neutralise(one_line)}"])
    safe_frame(df).to_csv(buf, index=False, lineterminator="\r\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(
    df: pd.DataFrame, is_sample: bool = False, lang: str = "id", notes: list[str] | None = None, sheet: str = "Data"
) -> bytes:
    """Cells are written as values; openpyxl would treat a string starting with '=' as a formula, so neutralise
    first."""
    # openpyxl here, not at the top: a heavy import that only the XLSX download needs.
    from openpyxl import Workbook  # noqa: PLC0415 - see above
    from openpyxl.styles import Font  # noqa: PLC0415 - see above

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    lines = _notes(is_sample, lang, notes)
    for line in lines:
        ws.append([neutralise(line)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, color="9C5700")
    safe = safe_frame(df)
    ws.append([str(c) for c in safe.columns])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in safe.itertuples(index=False):
        ws.append([None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row])
    for col in ws.columns:
        width = max(len(str(c.value)) if c.value is not None else 0 for c in col[len(lines) :])
        ws.column_dimensions[col[0].column_letter].width = min(max(10, width + 2), 45)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
