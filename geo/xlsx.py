"""The cells of an XLSX file, read with a streaming XML parser and bounded while they are read.

Why not openpyxl's own reader: even in read-only mode it loads every shared string before the
first cell (a million of them cost 7 s of CPU and 80 MB), builds an element tree per row, and pads
each row to the sheet's dimension tag, so a 4.9 KB file with one cell at XFD1048576 walks every
cell up to it. Here the zip's declared sizes are checked before anything is unpacked
(:func:`check_zip`), expat reads each part as a stream with no tree and no DTD, and every filled
cell is counted against :class:`geo.limits.Limits` as it arrives: a cell beyond the row or column
limit, one cell too many, or a string too long stops the reading at once. Only filled cells are
kept, so the memory is bounded by the limits, not by what a file claims. openpyxl still supplies
the number-format rules (dates, percentages) so values come out as before.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from posixpath import dirname, join, normpath
from typing import IO
from xml.parsers import expat

from .limits import MB, Limits

Grid = list[list[object]]
_COORD = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_STRICT_REL_BASE = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
RATIO_FLOOR = 1 * MB  # parts smaller than this unpacked are not held to the ratio (tiny parts compress oddly)
MAX_STYLES = 65_000  # Excel allows about 64,000 cell formats


class Cells(list):
    """A sheet's rows (a :data:`Grid`), with what the values alone do not say: the merged ranges (a group label
    spanning the columns under it, a "JUMLAH" spanning No and the name) and the cells holding a formula with no
    stored value (a file written by a program and never opened in Excel, so its SUM rows were never computed).
    Both are 0-based; a range is (first row, first column, last row, last column)."""

    def __init__(self, rows: Grid = (), merged: list[tuple[int, int, int, int]] | None = None) -> None:
        super().__init__(rows)
        self.merged: list[tuple[int, int, int, int]] = merged or []
        self.formulas: set[tuple[int, int]] = set()


MAX_MERGED = 10_000  # merged ranges kept per sheet: a real recap has a few dozen


class Refused(Exception):
    """The file is beyond a bound (``code`` is a "limit.*" text key) or not a readable workbook ("unreadable")."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code, params)


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _parse(stream: IO[bytes], start: Callable, end: Callable | None = None, text: Callable | None = None) -> None:
    """Run expat over ``stream`` with namespaces split off; a DTD (never in OOXML) is refused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def no_dtd(*_args: object) -> None:
        raise Refused("unreadable", detail="DOCTYPE")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        parser.ParseFile(stream)
    except expat.ExpatError as exc:
        raise Refused("unreadable", detail=f"XML: {exc}") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a part longer than declared, a bad CRC
        raise Refused("unreadable", detail=f"{type(exc).__name__}: {exc}") from exc


def check_zip(data: bytes, lim: Limits) -> zipfile.ZipFile:
    """Open the zip and refuse it, from its directory alone, when unpacking would exceed the limits.

    zipfile stops any part at its declared size (and fails its CRC), so the declared sizes are the real bound.
    """
    import io  # noqa: PLC0415 - only here

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Refused("unreadable", detail=f"{type(exc).__name__}: {exc}") from exc
    total = sum(m.file_size for m in members)
    if total > lim.max_unzipped_bytes:
        raise Refused("limit.unzipped", unzipped_size=total, limit_size=lim.max_unzipped_bytes)
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > lim.max_ratio * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise Refused("limit.ratio", part=m.filename[:80], ratio=ratio, limit=lim.max_ratio)
    sheets = sum(1 for m in members if re.fullmatch(r"xl/(worksheets|chartsheets)/[^/]+\.xml", m.filename))
    if sheets > lim.max_sheets:
        raise Refused("limit.sheets", count=sheets, limit=lim.max_sheets)
    return archive


def _open(archive: zipfile.ZipFile, name: str) -> IO[bytes]:
    try:
        return archive.open(name)
    except KeyError as exc:
        raise Refused("unreadable", detail=f"{name} missing") from exc


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type suffix, part name) for ``part`` (e.g. xl/workbook.xml)."""
    rels_name = join(dirname(part), "_rels", part.rpartition("/")[2] + ".rels")
    out: dict[str, tuple[str, str]] = {}
    if rels_name not in archive.NameToInfo:
        return out

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and "Id" in attrs and "Target" in attrs:
            kind = attrs.get("Type", "").replace(_REL_BASE, "").replace(_STRICT_REL_BASE, "")
            target = attrs["Target"]
            path = target.lstrip("/") if target.startswith("/") else normpath(join(dirname(part), target))
            out[attrs["Id"]] = (kind, path)
            if len(out) > 10_000:
                raise Refused("unreadable", detail="relationships")

    with _open(archive, rels_name) as stream:
        _parse(stream, start)
    return out


@dataclass
class Workbook:
    """What is needed to read values: sheet names and parts, shared strings, the formats of the cell styles."""

    archive: zipfile.ZipFile
    lim: Limits
    sheets: list[tuple[str, str]] = field(default_factory=list)  # (title, part) of each worksheet, in order
    strings: list[str] = field(default_factory=list)
    percent: list[bool] = field(default_factory=list)  # per cell style (the ``s`` of a cell)
    date: list[bool] = field(default_factory=list)
    timedelta: list[bool] = field(default_factory=list)
    epoch: object = None
    cells: int = 0  # filled cells read so far, over every sheet read


def open_workbook(data: bytes, lim: Limits) -> Workbook:
    """Check the zip, then read the workbook's sheet list, its styles' number formats and its shared strings."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900  # noqa: PLC0415 - xlsx only

    archive = check_zip(data, lim)
    root = {kind: path for kind, path in _rels(archive, "").values()}.get("officeDocument", "xl/workbook.xml")
    rels = _rels(archive, root)
    book = Workbook(archive, lim, epoch=CALENDAR_WINDOWS_1900)
    listed: list[tuple[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            listed.append((attrs.get("name", ""), rid))
            if len(listed) > lim.max_sheets:
                raise Refused("limit.sheets", count=f"> {lim.max_sheets}", limit=lim.max_sheets)
        elif tag == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
            book.epoch = CALENDAR_MAC_1904

    with _open(archive, root) as stream:
        _parse(stream, start)
    book.sheets = [(title, rels[rid][1]) for title, rid in listed if rels.get(rid, ("",))[0] == "worksheet"]
    for kind, path in rels.values():
        if kind == "styles":
            _read_styles(book, path)
        elif kind == "sharedStrings":
            _read_strings(book, path)
    return book


def _read_styles(book: Workbook, part: str) -> None:
    """Per cell style: is it shown as a percentage, a date, a duration (openpyxl's rules on the format code)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format  # noqa: PLC0415

    custom: dict[int, str] = {}
    ids: list[int] = []
    where: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        where.append(tag)
        if tag == "numFmt" and "numFmts" in where and attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")[:200]
        elif tag == "xf" and "cellXfs" in where:
            ids.append(int(attrs["numFmtId"]) if attrs.get("numFmtId", "").isdigit() else 0)
        if len(ids) + len(custom) > MAX_STYLES:
            raise Refused("unreadable", detail="styles")

    def end(_name: str) -> None:
        where.pop()

    with _open(book.archive, part) as stream:
        _parse(stream, start, end)
    for i in ids:
        code = custom.get(i) or BUILTIN_FORMATS.get(i, "General")
        book.percent.append("%" in code)
        book.date.append(is_date_format(code))
        book.timedelta.append(is_timedelta_format(code))


def _read_strings(book: Workbook, part: str) -> None:
    """The shared strings (plain text of each ``si``, phonetic runs left out), counted and measured as read."""
    lim = book.lim
    state = {"in_t": False, "skip": 0}
    buf: list[str] = []
    length = [0]

    def start(name: str, _attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "si":
            buf.clear()
            length[0] = 0
        elif tag == "t":
            state["in_t"] = True
        elif tag == "rPh":
            state["skip"] += 1

    def end(name: str) -> None:
        tag = _local(name)
        if tag == "t":
            state["in_t"] = False
        elif tag == "rPh":
            state["skip"] -= 1
        elif tag == "si":
            book.strings.append("".join(buf).replace("x005F_", ""))
            if len(book.strings) > lim.max_cells:  # more distinct strings than the cells that could use them
                raise Refused("limit.cells", limit=lim.max_cells)

    def text(data: str) -> None:
        if state["in_t"] and not state["skip"]:
            length[0] += len(data)
            if length[0] > lim.max_line_chars:
                raise Refused("limit.cell_chars", limit=lim.max_line_chars)
            buf.append(data)

    with _open(book.archive, part) as stream:
        _parse(stream, start, end, text)


@functools.cache
def _dates() -> tuple[Callable, Callable]:
    """openpyxl's date conversions (imported once, on the first XLSX)."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601  # noqa: PLC0415 - xlsx only

    return from_excel, from_ISO8601


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _number(text: str) -> int | float:
    """As openpyxl casts a cell's number: a whole number stays int."""
    return float(text) if any(ch in text for ch in ".eE") else int(text)


class _SheetReader:
    """expat handlers that keep the filled cells of one sheet, refusing the sheet at the first bound crossed."""

    def __init__(self, book: Workbook, convert: Callable[[object, bool], object]) -> None:
        self.book, self.lim, self.convert = book, book.lim, convert
        self.grid = Cells()
        self.row = 0
        self.formula = False
        self.col = 0
        self.kind = "n"
        self.style = 0
        self.text: list[str] = []
        self.length = 0
        self.collect = False
        self.skip = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            ref = attrs.get("r")
            m = _COORD.fullmatch(ref) if ref else None
            if m:
                self.col, self.row = _column(m.group(1)), int(m.group(2))
            else:
                self.col += 1
            self.kind = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.style = int(style) if style.isdigit() else 0
            self.text.clear()
            self.length = 0
            self.formula = False
        elif tag == "f":
            self.formula = True
        elif tag == "mergeCell":
            self._merge(attrs.get("ref", ""))
        elif tag == "row":
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() else self.row + 1
            self.col = 0
        elif tag == "v" or (tag == "t" and self.kind == "inlineStr"):
            self.collect = True
        elif tag == "rPh":
            self.skip += 1

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag in ("v", "t"):
            self.collect = False
        elif tag == "rPh":
            self.skip -= 1
        elif tag == "c":
            self._cell()

    def chars(self, data: str) -> None:
        if self.collect and not self.skip:
            self.length += len(data)
            if self.length > self.lim.max_line_chars:
                raise Refused("limit.cell_chars", limit=self.lim.max_line_chars)
            self.text.append(data)

    def _value(self) -> object:
        from_excel, from_iso = _dates()
        raw = "".join(self.text)
        if not raw:
            return None
        book, kind, s = self.book, self.kind, self.style
        try:
            if kind == "s":
                return book.strings[int(raw)]
            if kind == "n":
                value = _number(raw)
                if s < len(book.date) and book.date[s]:
                    try:
                        return from_excel(value, book.epoch, timedelta=book.timedelta[s])
                    except (OverflowError, ValueError):  # a "date" out of range: openpyxl's error value
                        return "#VALUE!"
                return value
            if kind == "b":
                return bool(int(raw))
            if kind == "d":
                return from_iso(raw)
        except (ValueError, IndexError, OverflowError) as exc:
            raise Refused("unreadable", detail=f"{type(exc).__name__}: {exc}") from exc
        return raw  # "inlineStr", "str" (a formula's text), "e" (#N/A and the like)

    def _merge(self, ref: str) -> None:
        """Keep a merged range (within the row and column limits; beyond them it could cover no kept cell)."""
        m = re.fullmatch(r"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})", ref)
        if not m or len(self.grid.merged) >= MAX_MERGED:
            return
        r1, r2 = sorted((int(m.group(2)), int(m.group(4))))
        c1, c2 = sorted((_column(m.group(1)), _column(m.group(3))))
        if r1 <= self.lim.max_rows and c1 <= self.lim.max_columns:
            self.grid.merged.append((r1 - 1, c1 - 1, min(r2, self.lim.max_rows) - 1, min(c2, self.lim.max_columns) - 1))

    def _place(self) -> list[object]:
        """The row of the current cell, counted against the limits (a cell beyond them refuses the sheet)."""
        lim = self.lim
        if self.row > lim.max_rows:
            raise Refused("limit.rows", row=self.row, limit=lim.max_rows)
        if self.col > lim.max_columns:
            raise Refused("limit.columns", column=self.col, limit=lim.max_columns)
        self.book.cells += 1
        if self.book.cells > lim.max_cells:
            raise Refused("limit.cells", limit=lim.max_cells)
        while len(self.grid) < self.row:
            self.grid.append([])
        return self.grid[self.row - 1]

    def _cell(self) -> None:
        percent = self.kind == "n" and self.style < len(self.book.percent) and self.book.percent[self.style]
        value = self.convert(self._value(), percent)
        if value is None or value == "":
            if self.formula:  # a formula never computed: no value, but not an empty cell either
                self._place()
                self.grid.formulas.add((self.row - 1, self.col - 1))
            return
        line = self._place()
        if len(line) < self.col:
            line.extend([None] * (self.col - len(line)))
        line[self.col - 1] = value


def sheet_grid(book: Workbook, part: str, convert: Callable[[object, bool], object]) -> Cells:
    """Rows of one sheet, row 1 first (empty rows as empty lists): only filled cells, within the limits; with the
    sheet's merged ranges and its formula cells that hold no value."""
    reader = _SheetReader(book, convert)
    with _open(book.archive, part) as stream:
        _parse(stream, reader.start, reader.end, reader.chars)
    return reader.grid


def grids(book: Workbook, chosen: list[tuple[str, str]], convert: Callable[[object, bool], object]) -> Iterator:
    """(title, grid) of each chosen sheet, read one at a time (the caller stops at the first it can use)."""
    for title, part in chosen:
        yield title, sheet_grid(book, part, convert)
