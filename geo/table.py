"""Coverage tables as data officers bring them, read into one checked frame.

Real files are CSV (`,` `;` or tab, UTF-8 or Windows code pages) or XLSX, with title rows above
the header, English or Indonesian column names, Indonesian numbers (26.373 / 35,35) and extra
columns. Whole-file problems raise :class:`TableError`; every row problem becomes an
:class:`Issue` with the row number the user sees in Excel, and no row is dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from . import fmt, limits, xlsx
from . import period as periods
from .limits import Limits
from .names import fold, normalise_code
from .text import t

# A table without a periode column holds a single, unnamed period. The empty string keeps the UI
# honest: no period label is shown (captions, map subtitles and file names test it for truth)
# while classify() and ui.data.periods() still see exactly one period.
DEFAULT_PERIOD = ""

NAME_COLUMNS = ("kabupaten", "kecamatan", "desa", "nama")  # "nama": an area name of the table's own level
COUNT_COLUMNS = ("tenaga_kerja", "peserta_aktif", "penerima_bantuan_iuran")
REQUIRED = ("tenaga_kerja", "peserta_aktif")
SCHEMA_COLUMNS = [  # the table schema's columns (shared/PRODUCT.md), in its order
    "kode",
    "kabupaten",
    "kecamatan",
    "desa",
    "periode",
    "tenaga_kerja",
    "peserta_aktif",
    "target_persen",
    "penerima_bantuan_iuran",
]
COLUMNS = ["baris", *SCHEMA_COLUMNS, "valid", "nama", "kode_input"]  # a read table: each row's line and check
TEMPLATE_COLUMNS = {
    "kabupaten": ["kode", "kabupaten"],
    "kecamatan": ["kode", "kabupaten", "kecamatan"],
    "desa": ["kode", "kabupaten", "kecamatan", "desa"],
}
_TEMPLATE_ROWS = {  # official codes and names; the figures are illustrative
    "kabupaten": [
        ["61.12", "Kabupaten Kubu Raya", "2024", "290000", "98000", "", "5000"],
        ["61.71", "Kota Pontianak", "2024", "300000", "150000", "45", "1200"],
    ],
    "kecamatan": [["61.12.01", "Kabupaten Kubu Raya", "Sungai Raya", "2024", "52000", "17500", "", "900"]],
    "desa": [["61.12.01.2001", "Kabupaten Kubu Raya", "Sungai Raya", "Sungai Raya", "2024", "180", "60", "", "25"]],
}

# Header text (normalised by _header_key) -> canonical column.
ALIASES: dict[str, str] = {}
for _canon, _names in {
    "kode": [
        "kode",
        "code",
        "kode_wilayah",
        "kode_wil",
        "kd_wilayah",
        "kdwil",
        "kode_kemendagri",
        "kode_bps",
        "kode_area",
        "area_code",
        "region_code",
        "kode_daerah",
        "kode_kabupaten",
        "kode_kab",
        "kode_kabupaten_kota",
        "kode_kab_kota",
        "kode_kecamatan",
        "kode_kec",
        "kode_desa",
        "kode_kelurahan",
        "kode_desa_kelurahan",
        "kode_kel",
    ],
    "kabupaten": [
        "kabupaten",
        "kab",
        "kabupaten_kota",
        "kab_kota",
        "kabkota",
        "kota_kabupaten",
        "regency",
        "regency_city",
        "district",
        "city",
        "kabupaten_atau_kota",
    ],
    "kecamatan": ["kecamatan", "kec", "subdistrict", "sub_district"],
    "desa": [
        "desa",
        "kelurahan",
        "desa_kelurahan",
        "kelurahan_desa",
        "desa_kel",
        "kel_desa",
        "village",
        "desa_atau_kelurahan",
    ],
    "nama": ["nama", "name", "wilayah", "area", "region", "area_name", "daerah"],
    "periode": ["periode", "period", "tahun", "year", "thn", "periode_data", "bulan_tahun"],
    "tenaga_kerja": [
        "tenaga_kerja",
        "workers",
        "pekerja",
        "labour_force",
        "labor_force",
        "angkatan_kerja",
        "tk",
        "potensi",
        "potensi_peserta",
        "potensi_tenaga_kerja",
        "sasaran",
        "sasaran_peserta",
        "penduduk_bekerja",
    ],
    "peserta_aktif": [
        "peserta_aktif",
        "participants",
        "active_participants",
        "peserta",
        "active",
        "tk_aktif",
        "pekerja_terdaftar",
        "registered_workers",
        "enrolled",
        "peserta_aktif_bpjs",
        "peserta_terdaftar",
        "tenaga_kerja_aktif",  # "Tenaga Kerja" over "Jumlah | Aktif" in a two-row header
        "tenaga_kerja_terdaftar",
        "pekerja_aktif",
    ],
    "target_persen": [
        "target_persen",
        "target",
        "target_pct",
        "target_percent",
        "target_cakupan",
        "target_coverage",
        "coverage_target",
        "target_ucj",
    ],
    "penerima_bantuan_iuran": [
        "penerima_bantuan_iuran",
        "bantuan_iuran",
        "pbi",
        "contribution_assistance",
        "assistance",
        "penerima_bantuan",
        "penerima_pbi",
        "bantuan_iuran_penerima",
    ],
}.items():
    ALIASES.update({n: _canon for n in _names})
_FILLER = {"jumlah", "jml", "total", "nama", "orang", "jiwa", "org", "number", "of"}
# An area name that means the whole table (a totals row), folded as geo.names.fold folds it.
TOTAL_WORDS = {
    "jumlah",
    "total",
    "jumlah total",
    "grand total",
    "total keseluruhan",
    "kalimantan barat",
    "provinsi kalimantan barat",
    "prov kalimantan barat",
    "kalbar",
}


READ_NOTES = ("table.header_merged", "table.header_rows")  # issue codes shown as notes above a report


class TableError(Exception):
    """The whole file is unusable (unreadable, no header, required columns missing, no rows)."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(f"{self.message('id')} / {self.message('en')}")

    def message(self, lang: str = "id") -> str:
        return t(self.code, lang, **self.params)


class LimitError(TableError):
    """The file is beyond one of :mod:`geo.limits`' bounds; the message names the bound and the file's size
    (``size`` is added by the reader that knows it, so the text is made when shown)."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        Exception.__init__(self, code)

    def __str__(self) -> str:
        return f"{self.message('id')} / {self.message('en')}"

    def message(self, lang: str = "id") -> str:
        shown = {"size": "–"} | {
            k: limits.size(v, lang)
            if k == "size" or k.endswith("_size")
            else fmt.number(v, lang)
            if isinstance(v, int) and not isinstance(v, bool)
            else v
            for k, v in self.params.items()
        }
        return t(self.code, lang, **shown)


@dataclass
class Issue:
    """One finding about the table; errors make their row invalid."""

    row: int | None
    column: str | None  # the header as the user wrote it
    code: str  # a "table.*" text key
    params: dict = field(default_factory=dict)
    severity: str = "error"  # "error" | "warning" | "info"

    def message(self, lang: str = "id") -> str:
        return t(self.code, lang, **self.params)


@dataclass
class CoverageTable:
    data: pd.DataFrame
    issues: list[Issue]
    source_name: str
    header_row: int
    columns_map: dict[str, str]  # original header -> canonical column

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def valid_rows(self) -> pd.DataFrame:
        return self.data[self.data["valid"]]

    @property
    def periods(self) -> list[str]:
        """The table's periods, by time (canonical keys, so two spellings of one month are one)."""
        return periods.ordered(self.valid_rows["periode"].dropna().astype(str).unique())

    def read_notes(self, lang: str = "id") -> list[str]:
        """How the file was read that the officer should see on every page that reports on it (a header taken
        from several rows and how each column was named)."""
        return [i.message(lang) for i in self.issues if i.code in READ_NOTES]

    @property
    def period_missing(self) -> bool:
        """True when no row names its period (no periode column, or an empty one): a publish must ask for it."""
        return bool((self.data["periode"].fillna(DEFAULT_PERIOD).astype(str) == DEFAULT_PERIOD).all())


# --- numbers --------------------------------------------------------------------------------


def parse_number(value: object, percent: bool = False) -> float | None:
    """A number written the Indonesian or the English way; None when empty; ValueError otherwise.

    For counts (``percent=False``) a single separator before exactly three digits is a thousands
    separator in either convention (26.373 and 26,373 are both 26373): counts are whole, so it is
    the only reading that can be valid. For percentages a single separator is the decimal mark.
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    if isinstance(value, (dt.date, dt.time)):
        raise ValueError(value)
    s = str(value).strip().strip("'").replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if s in ("", "-", "–", "—"):
        return None
    if percent and s.endswith("%"):
        s = s[:-1]
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    three = re.fullmatch(r"\d{1,3}[.,]\d{3}", s) and not percent
    if re.fullmatch(r"\d+", s):
        number = s
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", s):
        number = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+", s):
        number = s.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", s) and (three or s.count(".") > 1):
        number = s.replace(".", "")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+", s) and (three or s.count(",") > 1):
        number = s.replace(",", "")
    elif re.fullmatch(r"\d*[.,]\d+", s):
        number = s.replace(",", ".")
    else:
        raise ValueError(value)
    return sign * float(number)


def _text(value: object) -> str:
    """A cell as the user sees it (Excel 6112.0 -> "6112")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def parse_period(value: object) -> str | None:
    """A period typed by a person or read from a cell, as its key ("Juni 2024" -> "2024-06"); None if not one."""
    return periods.parse(value)


def with_period(table: CoverageTable, period: str) -> CoverageTable:
    """``table`` with ``period`` on every row that has none (a table without a periode column, told at publish)."""
    data = table.data.copy()
    blank = data["periode"].fillna(DEFAULT_PERIOD).astype(str) == DEFAULT_PERIOD
    data.loc[blank, "periode"] = period
    issues = [i for i in table.issues if i.code != "table.period_default"]
    return CoverageTable(data, issues, table.source_name, table.header_row, table.columns_map)


# --- reading cells ------------------------------------------------------------------------------

Grid = list[list[object]]


def _header_key(cell: object) -> str:
    s = unicodedata.normalize("NFKD", str(cell)).encode("ascii", "ignore").decode().casefold()
    s = s.replace("%", " persen ")
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def column_for(cell: object) -> str | None:
    """The canonical column a header cell names, or None."""
    if not isinstance(cell, str) or not cell.strip():
        return None
    key = _header_key(cell)
    if key in ALIASES:
        return ALIASES[key]
    short = "_".join(w for w in key.split("_") if w not in _FILLER)
    return ALIASES.get(short)


HEADER_SEARCH = 40  # the header is looked for in this many first rows


def _find_header(rows: Grid, limit: int = HEADER_SEARCH) -> tuple[int, dict[int, str]] | None:
    """First row naming at least two known columns, one of them an area or a count."""
    for i, row in enumerate(rows[:limit]):
        mapping = {j: c for j, cell in enumerate(row) if (c := column_for(cell))}
        found = set(mapping.values())
        if len(found) >= 2 and found & {"kode", *NAME_COLUMNS, *REQUIRED}:
            return i, mapping
    return None


HEADER_DEPTH = 3  # a header may span this many rows (a group label, maybe a sub-group, then the column names)
Merge = tuple[int, int, int, int]  # a merged range, 0-based: first row, first column, last row, last column
MAX_HEADER_MERGES = 100  # merged ranges considered where a header is looked for (a real header has a dozen)


@dataclass
class Merges:
    """The merged ranges where a header may be (an XLSX's; a CSV has none) and, per cell they cover there, the
    label written in the range's first cell. Built once, bounded (a file may claim thousands of overlapping
    ranges), so reading a header of several rows costs the same whatever the file claims."""

    spans: list[Merge] = field(default_factory=list)
    labels: dict[tuple[int, int], str] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Grid) -> Merges:
        zone = HEADER_SEARCH + HEADER_DEPTH
        spans = sorted({m for m in getattr(rows, "merged", ()) if m[0] < zone})[:MAX_HEADER_MERGES]
        labels: dict[tuple[int, int], str] = {}
        for r1, c1, r2, c2 in spans:
            if r1 >= len(rows) or c1 >= len(rows[r1]) or _empty(rows[r1][c1]):
                continue
            label = _text(rows[r1][c1])
            for r in range(r1, min(r2, zone - 1) + 1):
                for j in range(c1, c2 + 1):
                    labels.setdefault((r, j), label)
        return cls(spans, labels)


@dataclass
class Band:
    """A header read from several rows: per column the joined text (the name shown) and the canonical column."""

    start: int  # 0-based rows start..end
    end: int
    names: list[str]
    mapping: dict[int, str]
    merged: bool  # labels carried from merged cells (XLSX), else from a label followed by empty cells (CSV)


def _band(rows: Grid, start: int, end: int, merges: Merges) -> Band:
    """Rows ``start..end`` read as one header: a merged label is carried across the columns it spans (in a CSV
    export of a merged header, a label followed by empty cells over sub-labels), then each column's texts are
    joined top to bottom ("Jumlah" + "Tenaga Kerja"). A column is matched on its whole text, else on its lower
    part ("Data Kepesertaan Jumlah Tenaga Kerja" as "Jumlah Tenaga Kerja")."""
    width = max((len(rows[r]) for r in range(start, end + 1)), default=0)
    cells = [
        [_text(rows[r][j]) if j < len(rows[r]) and not _empty(rows[r][j]) else "" for j in range(width)]
        for r in range(start, end + 1)
    ]
    merged = False
    for k, row in enumerate(cells):
        for j in range(width):
            if (label := merges.labels.get((start + k, j))) is not None:
                row[j], merged = row[j] or label, True
    if not merged:  # no merged cell here: a label followed by empty cells spans the sub-labels under them
        for k in range(len(cells) - 1):
            below = [any(cells[m][j] for m in range(k + 1, len(cells))) for j in range(width)]
            for j in range(1, width):
                if not cells[k][j] and cells[k][j - 1] and below[j] and below[j - 1]:
                    cells[k][j] = cells[k][j - 1]
    names: list[str] = []
    mapping: dict[int, str] = {}
    for j in range(width):
        parts: list[str] = []
        for row in cells:
            if row[j] and (not parts or parts[-1] != row[j]):
                parts.append(row[j])
        name = " ".join(parts)
        for k in range(len(parts)):
            if canon := column_for(" ".join(parts[k:])):
                mapping[j], name = canon, " ".join(parts[k:])
                break
        names.append(name)
    return Band(start, end, names, mapping, merged)


def _complete(mapping: dict[int, str]) -> bool:
    found = set(mapping.values())
    return all(c in found for c in REQUIRED) and bool(found & {"kode", *NAME_COLUMNS})


def _find_band(rows: Grid, merges: Merges, limit: int = HEADER_SEARCH) -> Band | None:
    """The first header of 2–3 rows that names every required column (the shallowest band ending highest), for
    a recap whose one-row reading lacks them."""
    for end in range(1, min(limit, len(rows))):
        for depth in range(2, HEADER_DEPTH + 1):
            if end - depth + 1 < 0:
                break
            band = _band(rows, end - depth + 1, end, merges)
            if _complete(band.mapping):
                return _widened(rows, band, merges)
    return None


def _widened(rows: Grid, band: Band, merges: Merges) -> Band:
    """The band with the header rows above it that cells merged down into it show to belong to it ("No" merged
    over three rows, "Data Kepesertaan" over "Jumlah" over the counts)."""
    top = min((r1 for r1, _c1, r2, _c2 in merges.spans if r1 < band.start <= r2 <= band.end), default=band.start)
    if top < band.start and band.end - top < HEADER_DEPTH:
        wider = _band(rows, top, band.end, merges)
        if _complete(wider.mapping):
            return wider
    return band


def _usable(rows: Grid) -> bool:
    """A header naming every required column and an area column, on one row or on 2–3 rows."""
    found = _find_header(rows)
    return bool(found and _complete(found[1])) or _find_band(rows, Merges.of(rows)) is not None


def _header_score(rows: Grid) -> int:
    """How many known columns the header names (on one row, else on 2–3 rows when one row lacks some): how the
    delimiter and the sheet are chosen."""
    found = _find_header(rows)
    score = len(set(found[1].values())) if found else 0
    if not found or not _complete(found[1]):
        band = _find_band(rows, Merges.of(rows))
        score = max(score, len(set(band.mapping.values())) if band else 0)
    return score


def _read_bytes(src: str | os.PathLike[str] | bytes | BinaryIO, filename: str | None, lim: Limits) -> tuple[bytes, str]:
    """The file's bytes, refused before reading when it is larger than the byte limit."""
    try:
        if isinstance(src, (bytes, bytearray, memoryview)):
            data, name = bytes(src), filename or "tabel"
        elif isinstance(src, (str, os.PathLike)):
            path = Path(src)
            name = filename or path.name
            if (n := path.stat().st_size) > lim.max_bytes:
                raise LimitError("limit.bytes", size=n, limit_size=lim.max_bytes)
            with path.open("rb") as fh:
                data = fh.read(lim.max_bytes + 1)
        else:
            raw = src.read(lim.max_bytes + 1)
            data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
            name = filename or Path(str(getattr(src, "name", "tabel"))).name
    except (OSError, TypeError, ValueError) as exc:
        raise TableError("error.table_unreadable", detail=str(exc)) from exc
    if len(data) > lim.max_bytes:
        raise LimitError("limit.bytes", size=len(data), limit_size=lim.max_bytes)
    return data, name


def file_bytes(path: str | os.PathLike[str], lim: Limits | None = None) -> bytes:
    """A table file's bytes, refused (:class:`LimitError`) before reading when beyond the byte limit."""
    return _read_bytes(Path(path), None, lim or limits.current())[0]


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: every other byte of Latin text is NUL."""
    head = data[:4096]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), UTF-16 (with a BOM, or recognised without one),
    else cp1252/latin-1. A NUL outside UTF-16 means a binary file: refused before decoding it all."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        candidates = ["utf-16"]
    elif guess := _utf16_without_bom(data):
        candidates = [guess]
    elif b"\x00" in data:
        raise TableError("table.not_text")
    else:
        candidates = ["utf-8-sig", "cp1252", "latin-1"]
    for enc in candidates:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("table.not_text")
    control = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or control > max(2, len(text[:20000]) // 200):
        raise TableError("table.not_text")
    return text, enc


class _Lines:
    """The text's lines for csv.reader, refusing a record (which may span lines) longer than the limit."""

    def __init__(self, text: str, cap: int) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.cap, self.chars, self.records = cap, 0, 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.chars += len(line)
        if self.chars > self.cap:
            raise LimitError("limit.line", row=self.records + 1, limit=self.cap)
        return line

    def record_done(self) -> None:
        self.chars, self.records = 0, self.records + 1


def _csv_rows(text: str, delim: str, lim: Limits, stop: int | None = None) -> Grid:
    """Records of ``text`` split at ``delim``: the first ``stop`` ones, else all, refused beyond the limits."""
    lines = _Lines(text, lim.max_line_chars)
    rows: Grid = []
    cells = 0
    try:
        for record in csv.reader(lines, delimiter=delim):
            lines.record_done()
            if stop is not None and len(rows) >= stop:
                break
            if len(rows) >= lim.max_rows:
                if any(v.strip() for v in record):
                    raise LimitError("limit.rows", row=lines.records, limit=lim.max_rows)
                continue  # blank lines below the limit: nothing to keep
            if len(record) > lim.max_columns:
                while record and not record[-1].strip():  # separators a spreadsheet left after the last value
                    record.pop()
                if len(record) > lim.max_columns:
                    raise LimitError("limit.columns", column=len(record), limit=lim.max_columns)
            cells += sum(1 for v in record if v)
            if cells > lim.max_cells:
                raise LimitError("limit.cells", limit=lim.max_cells)
            rows.append(record)
    except csv.Error as exc:
        raise TableError("error.table_unreadable", detail=str(exc)) from exc
    return rows


def _csv_grid(data: bytes, lim: Limits) -> tuple[Grid, list[Issue]]:
    """Rows of a delimited text file; the delimiter is the one under which a header is recognised
    (tried on the first rows only: the whole file is split once, and stops at the row limit)."""
    text, enc = _decode(data)
    issues = [] if enc in ("utf-8-sig", "utf-16") else [Issue(None, None, "table.encoding", {"encoding": enc}, "info")]
    forced = None
    if m := re.match(r"sep=(.)[^\S\r\n]*(\r\n|\r|\n|$)", text):  # Excel's "sep=;" hint line, which Excel hides
        forced, text = m.group(1), text[m.end() :]
    best: tuple[int, str] | None = None
    for delim in [forced] if forced else [",", ";", "\t", "|"]:
        score = _header_score(_csv_rows(text, delim, lim, stop=HEADER_SEARCH))
        if best is None or score > best[0]:
            best = (score, delim)
    return (_csv_rows(text, best[1], lim) if best else []), issues


def _convert(value: object, percent: bool) -> object:
    """Cell value; numbers shown as percentages in Excel (0.5024 as 50.24%) come back as 50.24."""
    if percent and isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(value * 100, 10)
    if isinstance(value, str):
        return value.strip()
    return value


def _xlsx_grid(data: bytes, sheet: str | int | None, lim: Limits) -> tuple[Grid, list[Issue]]:
    """Rows of the chosen sheet (else the first one with a recognisable header), row 1 first."""
    try:
        book = xlsx.open_workbook(data, lim)
        names = [title for title, _part in book.sheets]
        if not names:
            raise xlsx.Refused("unreadable", detail="no worksheet")
        if sheet is not None:
            if isinstance(sheet, int) and 0 <= sheet < len(names):
                chosen = [book.sheets[sheet]]
            elif isinstance(sheet, str) and sheet in names:
                chosen = [book.sheets[names.index(sheet)]]
            else:
                raise TableError("table.no_sheet", sheet=sheet, sheets=", ".join(names))
        else:
            chosen = book.sheets
        pick = partial = first = None
        for title, grid in xlsx.grids(book, chosen, _convert):
            first = first or (title, grid)
            if _usable(grid):
                pick = (title, grid)
                break
            if partial is None and _find_header(grid):
                partial = (title, grid)
        pick = pick or partial or first  # none usable: the first with a header, else the first sheet
    except xlsx.Refused as exc:
        if exc.code == "unreadable":
            raise TableError("error.table_unreadable", **exc.params) from exc
        raise LimitError(exc.code, **exc.params) from exc
    issues = [Issue(None, None, "table.sheet_used", {"sheet": pick[0]}, "info")] if len(names) > 1 else []
    return pick[1], issues


def _grid(data: bytes, sheet: str | int | None, lim: Limits) -> tuple[Grid, list[Issue]]:
    """The cells of a CSV or XLSX file (told apart by content), within ``lim``; a refusal names the file's size."""
    if not data.strip():
        raise TableError("table.empty_file")
    if data.startswith(b"%PDF"):
        raise TableError("table.format_pdf")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError("table.format_xls")
    try:
        if data.startswith(b"PK\x03\x04"):
            return _xlsx_grid(data, sheet, lim)
        return _csv_grid(data, lim)
    except LimitError as exc:
        exc.params.setdefault("size", len(data))
        raise


def read_grid(
    src: str | os.PathLike[str] | bytes | BinaryIO,
    filename: str | None = None,
    sheet: str | int | None = None,
    lim: Limits | None = None,
) -> tuple[Grid, str]:
    """The raw cells of a table file, bounded by ``lim`` (default: the limits in force), and its name.

    Every reader of an uploaded table (coverage tables, the target schedule) comes through here.
    """
    lim = lim or limits.current()
    data, name = _read_bytes(src, filename, lim)
    return _grid(data, sheet, lim)[0], name


# --- columns and rows --------------------------------------------------------------------------


def _letter(j: int) -> str:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - as above: only .xlsx files

    return get_column_letter(j + 1)


def _empty(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and math.isnan(value))
    )


def _choose_columns(header: list[object], mapping: dict[int, str], body: Grid) -> tuple[dict[str, int], list[Issue]]:
    """One source column per canonical column; with several code columns the most detailed wins (kode_desa over
    kode_kab)."""
    issues: list[Issue] = []
    by_canon: dict[str, list[int]] = {}
    for j, canon in sorted(mapping.items()):
        by_canon.setdefault(canon, []).append(j)

    def detail(j: int) -> float:
        codes = [normalise_code(r[j]) for r in body[:200] if j < len(r) and not _empty(r[j])]
        return sum(c.count(".") for c in codes if c) / max(len(codes), 1)

    chosen: dict[str, int] = {}
    for canon, cols in by_canon.items():
        use = max(cols, key=detail) if canon == "kode" else cols[0]
        chosen[canon] = use
        for j in cols:
            if j != use:
                issues.append(
                    Issue(
                        None,
                        _text(header[j]),
                        "table.duplicate_column",
                        {"column": _text(header[j]), "used": _text(header[use])},
                        "info",
                    )
                )
    used = set(chosen.values())
    extra = []
    width = max([len(header), *(len(r) for r in body)], default=0)
    for j in range(width):
        if j in used or j in mapping:
            continue
        name = _text(header[j]) if j < len(header) else ""
        if name or any(j < len(r) and not _empty(r[j]) for r in body):
            extra.append(name or f"#{_letter(j)}")
    if extra:
        issues.append(Issue(None, None, "table.extra_columns", {"columns": ", ".join(extra)}, "info"))
    return chosen, issues


def _count(value: object, column: str, row: int, issues: list[Issue], required: bool) -> float | None:
    """A whole non-negative number of people, or None with an error issue recorded."""
    try:
        v = parse_number(value)
    except ValueError:
        issues.append(Issue(row, column, "table.not_a_number", {"value": _text(value)}))
        return None
    if v is None:
        if required:
            issues.append(Issue(row, column, "table.required_empty", {"column": column}))
        return None
    if v < 0:
        issues.append(Issue(row, column, "table.negative", {"value": _text(value)}))
        return None
    if abs(v - round(v)) > 1e-9:
        issues.append(Issue(row, column, "table.fractional", {"value": _text(value)}))
        return None
    return float(round(v))


def _target(value: object, column: str, row: int, issues: list[Issue]) -> float | None:
    try:
        v = parse_number(value, percent=True)
    except ValueError:
        issues.append(Issue(row, column, "table.not_a_number", {"value": _text(value)}))
        return None
    if v is not None and not 0 <= v <= 100:
        issues.append(Issue(row, column, "table.target_range", {"value": _text(value)}))
        return None
    return v


def _is_total(rec: dict) -> bool:
    """A row that names the whole table ("Jumlah", "Total", "Provinsi Kalimantan Barat", code 61), not one area."""
    if rec["kode"]:
        return rec["kode"] == "61"
    return any(rec[c] and fold(rec[c]) in TOTAL_WORDS for c in NAME_COLUMNS)


def _total_label(raw: list[object], cols: dict[str, int]) -> str | None:
    """ "JUMLAH" written in another column (the No column, as a CSV export of a label merged over No and the
    name leaves it): the row is a totals row, named so."""
    used = set(cols.values())
    return next(
        (v.strip() for j, v in enumerate(raw) if j not in used and isinstance(v, str) and fold(v) in TOTAL_WORDS),
        None,
    )


def _uncomputed(value: object, at: tuple[int, int], formulas: set[tuple[int, int]]) -> bool:
    """An empty count in a totals row: a formula with no stored value (or its text, "=SUM(D3:D16)"), or a blank."""
    return at in formulas or _empty(value) or (isinstance(value, str) and value.strip().startswith("="))


def _parse_rows(
    rows: Grid,
    header_at: int,
    cols: dict[str, int],
    headers: dict[str, str],
    formulas: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(),
) -> tuple[list[dict], list[Issue]]:
    """One record per non-empty row below the header, with its issues; nothing is dropped unreported.

    A totals row whose counts were never computed (formulas without stored values, as a program writes them) is
    kept as a row without figures (not valid, but with no error) and told as a totals row: the join reports it
    as a total, not an area."""
    issues: list[Issue] = []
    records: list[dict] = []
    body = rows[header_at + 1 :]
    last = max((i for i, r in enumerate(body) if any(not _empty(v) for v in r)), default=-1)
    period_col = cols.get("periode")
    period_blank = period_col is not None and all(_empty(r[period_col]) for r in body if period_col < len(r))
    day_rows: list[int] = []  # rows whose period was a date, read as its month
    for i, raw in enumerate(body[: last + 1]):
        row = header_at + i + 2  # the spreadsheet row number
        get = {c: (raw[j] if j < len(raw) else None) for c, j in cols.items()}
        if all(_empty(v) for v in get.values()) and not any((header_at + 1 + i, j) in formulas for j in cols.values()):
            code = "table.empty_row" if all(_empty(v) for v in raw) else "table.row_no_data"
            issues.append(Issue(row, None, code, {}, "info"))
            continue
        row_issues: list[Issue] = []
        rec: dict = {"baris": row}
        kode_raw = get.get("kode")
        kode_text = _text(kode_raw)
        for c in NAME_COLUMNS:
            rec[c] = _text(get.get(c)) or None
            if not kode_text and rec[c] and _looks_like_code(rec[c]):  # "6171" written in the name column
                kode_raw, kode_text, rec[c] = rec[c], rec[c], None
        if not kode_text and not any(rec[c] for c in NAME_COLUMNS) and (label := _total_label(raw, cols)):
            rec[next((c for c in ("desa", "kecamatan", "kabupaten") if c in cols), "nama")] = label
        rec["kode_input"] = kode_text or None
        rec["kode"] = normalise_code(kode_raw) or (kode_text or None)
        if period_col is None or period_blank:
            rec["periode"] = DEFAULT_PERIOD
        else:
            rec["periode"] = _read_period(get["periode"], headers["periode"], row, row_issues, day_rows)
        at = header_at + 1 + i
        counts = [c for c in COUNT_COLUMNS if c in cols]
        if _is_total(rec) and all(_uncomputed(get[c], (at, cols[c]), formulas) for c in counts):
            rec.update({c: None for c in COUNT_COLUMNS})
            rec["target_persen"], rec["valid"] = None, False  # no figures to use; not an error either
            issues.append(Issue(row, None, "table.total_uncomputed", {}, "info"))
            records.append(rec)
            continue
        for c in COUNT_COLUMNS:
            rec[c] = _count(get[c], headers[c], row, row_issues, c in REQUIRED) if c in cols else None
        rec["target_persen"] = (
            _target(get["target_persen"], headers["target_persen"], row, row_issues)
            if "target_persen" in cols
            else None
        )
        tk, ps, pbi = rec["tenaga_kerja"], rec["peserta_aktif"], rec["penerima_bantuan_iuran"]
        if tk is not None and ps is not None and ps > tk:
            row_issues.append(
                Issue(
                    row,
                    headers["peserta_aktif"],
                    "table.peserta_exceeds",
                    {"peserta": _text(get["peserta_aktif"]), "tenaga_kerja": _text(get["tenaga_kerja"])},
                )
            )
        if tk == 0:
            row_issues.append(Issue(row, headers["tenaga_kerja"], "table.zero_workers", {}, "warning"))
        if pbi is not None and ps is not None and pbi > ps:
            row_issues.append(
                Issue(
                    row,
                    headers["penerima_bantuan_iuran"],
                    "table.bantuan_exceeds",
                    {"bantuan": _text(get["penerima_bantuan_iuran"]), "peserta": _text(get["peserta_aktif"])},
                    "warning",
                )
            )
        if not kode_text and not any(rec[c] for c in NAME_COLUMNS):
            row_issues.append(Issue(row, None, "table.no_area"))
        rec["valid"] = not any(i.severity == "error" for i in row_issues)
        issues.extend(row_issues)
        records.append(rec)
    if day_rows:
        issues.append(Issue(None, headers["periode"], "table.period_day", _rows_param(day_rows), "info"))
    return records, issues


def _read_period(value: object, column: str, row: int, issues: list[Issue], day_rows: list[int]) -> str | None:
    """A period cell as its canonical key; None with an error issue when it is empty or not a period."""
    if _empty(value):
        issues.append(Issue(row, column, "table.period_empty"))
        return None
    p = periods.read(value)
    if p is None:
        shown = value.strftime("%Y-%m-%d") if isinstance(value, (dt.date, dt.datetime)) else _text(value)
        issues.append(Issue(row, column, "table.period_invalid", {"value": shown[:80]}))
        return None
    if p.from_day:
        day_rows.append(row)
    return p.key


def _rows_param(rows: list[int], shown: int = 10) -> dict:
    """Row numbers for a message: the first ``shown`` and how many in all."""
    text = ", ".join(map(str, rows[:shown])) + (" …" if len(rows) > shown else "")
    return {"rows": text, "count": len(rows)}


def _looks_like_code(text: str) -> bool:
    return bool(re.fullmatch(r"['\"]?[\d.\s-]+['\"]?", text)) and normalise_code(text) is not None


def _area_key(rec: dict) -> tuple:
    """What makes two rows the same area here: the code, else the names as written (case and
    punctuation aside). Spelling variants of one area ("Kab. Sambas", "Sambas") meet in the join."""
    code = normalise_code(rec["kode"]) if rec["kode"] else None
    if code:
        return ("kode", code)
    return ("nama", *(fold(rec[c]).replace(" ", "") if rec[c] else "" for c in NAME_COLUMNS))


def _duplicates(records: list[dict], headers: dict[str, str]) -> list[Issue]:
    """Same area and period twice: the first row is used, the later one is invalid; both are told."""
    issues: list[Issue] = []
    first: dict[tuple, int] = {}
    for rec in records:
        if rec["periode"] is None or not (rec["kode"] or any(rec[c] for c in NAME_COLUMNS)):
            continue
        key = (_area_key(rec), rec["periode"])
        if key in first:
            col = headers.get("kode") if key[0][0] == "kode" else None
            issues.append(Issue(rec["baris"], col, "table.duplicate", {"first": first[key]}))
            issues.append(Issue(first[key], col, "table.duplicate_first", {"other": rec["baris"]}, "warning"))
            rec["valid"] = False
        else:
            first[key] = rec["baris"]
    return issues


def _table_warnings(frame: pd.DataFrame, headers: dict[str, str]) -> list[Issue]:
    targets = frame["target_persen"].dropna()
    if len(targets) and targets.max() <= 1 and targets.max() > 0:
        return [Issue(None, headers.get("target_persen"), "table.target_fraction", {}, "warning")]
    return []


def _missing(mapping: dict[int, str]) -> list[str]:
    found = set(mapping.values())
    missing = [c for c in REQUIRED if c not in found]
    if not {"kode", *NAME_COLUMNS} & found:
        missing.insert(0, "kode / kabupaten / kecamatan / desa")
    return missing


def _header(rows: Grid, merges: Merges) -> tuple[int, int, list[object], dict[int, str], Band | None]:
    """(first header row, last header row, the header's cells, column -> canonical, the band when it took several
    rows). One row as before; when that row lacks a required column, a header of 2–3 rows (merged cells). Raises
    the "no header" / "columns missing" errors, the latter naming what the fullest reading found."""
    found = _find_header(rows)
    if found and not _missing(found[1]):
        return found[0], found[0], rows[found[0]], found[1], None
    if band := _find_band(rows, merges):
        return band.start, band.end, band.names, band.mapping, band
    if not found:
        first = next((r for r in rows if any(not _empty(v) for v in r)), [])
        raise TableError("table.no_header", first=" | ".join(_text(v) for v in first if not _empty(v))[:200] or "—")
    at, mapping = found
    names: list[object] = [_text(h) for h in rows[at]]
    for end in range(at + 1, min(at + HEADER_DEPTH, len(rows))):  # the same header read over its lower rows
        band = _band(rows, at, end, merges)
        if len(set(band.mapping.values())) > len(set(mapping.values())):
            names, mapping = band.names, band.mapping
    raise TableError(
        "table.missing_columns",
        missing=", ".join(_missing(mapping)),
        found=", ".join(str(h) for h in names if h),
    )


def _band_note(band: Band, cols: dict[str, int], headers: dict[str, str]) -> Issue:
    """How a header of several rows was read: its rows and each column's joined name -> canonical column."""
    pairs = ", ".join(f"{headers[c]} → {c}" for c, _j in sorted(cols.items(), key=lambda kv: kv[1]))
    return Issue(
        None,
        None,
        "table.header_merged" if band.merged else "table.header_rows",
        {"n": band.end - band.start + 1, "first": band.start + 1, "last": band.end + 1, "columns": pairs},
        "info",
    )


def _fill_merged_labels(rows: Grid, header_at: int) -> None:
    """Below the header, a text merged across the columns of its row (a "JUMLAH" spanning No and Kabupaten/Kota)
    is read in every column it spans. Numbers are not copied (a merged figure is one figure), nor is text down
    the rows (at most the row's columns are filled: bounded by the column limit, whatever the file claims)."""
    for r1, c1, r2, c2 in getattr(rows, "merged", ()):
        if r1 != r2 or r1 <= header_at or r1 >= len(rows) or c1 >= len(rows[r1]) or not isinstance(rows[r1][c1], str):
            continue
        line = rows[r1]
        if len(line) <= c2:
            line.extend([None] * (c2 + 1 - len(line)))
        for j in range(c1 + 1, c2 + 1):
            if _empty(line[j]):
                line[j] = rows[r1][c1]


def read_table(
    src: str | os.PathLike[str] | bytes | BinaryIO,
    filename: str | None = None,
    sheet: str | int | None = None,
    lim: Limits | None = None,
) -> CoverageTable:
    """Read and check a coverage table (CSV or XLSX, detected from the content, not the name).

    The file is refused with a :class:`LimitError` beyond ``lim`` (default: :func:`geo.limits.current`).
    """
    lim = lim or limits.current()
    data, name = _read_bytes(src, filename, lim)
    rows, issues = _grid(data, sheet, lim)
    header_start, header_at, header, mapping, band = _header(rows, Merges.of(rows))
    cols, col_issues = _choose_columns(header, mapping, rows[header_at + 1 :])
    headers = {c: _text(header[j]) for c, j in cols.items()}
    _fill_merged_labels(rows, header_at)
    formulas = getattr(rows, "formulas", set())
    records, row_issues = _parse_rows(rows, header_at, cols, headers, formulas)
    if not records:
        raise TableError("table.no_rows", header=header_at + 1)
    issues += col_issues
    if header_start > 0:
        issues.append(Issue(None, None, "table.header_row", {"row": header_start + 1}, "info"))
    if band is not None:
        issues.append(_band_note(band, cols, headers))
    if "periode" not in cols:
        issues.append(Issue(None, None, "table.period_default", {}, "info"))
    issues += row_issues + _duplicates(records, headers)
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    for c in ("tenaga_kerja", "peserta_aktif", "target_persen", "penerima_bantuan_iuran"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    frame["valid"] = frame["valid"].astype(bool)
    frame["baris"] = frame["baris"].astype(int)
    issues += _table_warnings(frame, headers)
    issues.sort(key=lambda i: (i.row is not None, i.row or 0))
    return CoverageTable(frame, issues, name, header_at + 1, {headers[c]: c for c in cols})


def template_csv(level: str) -> str:
    """A CSV template for ``level``: the schema columns and example rows (figures illustrative)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        TEMPLATE_COLUMNS[level]
        + ["periode", "tenaga_kerja", "peserta_aktif", "target_persen", "penerima_bantuan_iuran"]
    )
    writer.writerows(_TEMPLATE_ROWS[level])
    return out.getvalue()
