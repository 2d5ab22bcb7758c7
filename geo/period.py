"""A period (the ``periode`` of a coverage table) as a value: a year or a month, never free text.

Tables spell one month many ways ("Juni 2024", "Jun-24", "06/2024", an Excel date cell); every spelling
reads to one canonical key, ``"2024"`` for a year and ``"2024-06"`` for a month, so two spellings of one
month are one period. Text that is not a period reads as ``None`` (the one API: :func:`read` and
:func:`parse` never raise on bad input), so a caller reports it and never invents a period from it.

Order by time with :func:`sort_key` (never by text: "Juni 2024" would sort after "2024-06"). A year sorts
after the months in it: a year's figure is known only when the year closes, after its December, so a
table for "2024" is later than one for "2024-12" and ``latest(["2024-12", "2024"])`` is ``"2024"``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MIN_YEAR, MAX_YEAR = 1900, 2100  # a four-digit number outside these is not a year of coverage data

# Month names and abbreviations, Indonesian and English (with the older Indonesian spellings).
_MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    [
        "januari january jan",
        "februari pebruari february feb peb",
        "maret march mar mrt",
        "april apr",
        "mei may",
        "juni june jun",
        "juli july jul",
        "agustus august agu agt ags agst aug",
        "september sep sept",
        "oktober october okt oct",
        "november nopember nov nop",
        "desember december des dec",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _n

_SEP = r"[\s\-/.,']*"  # between a month's name and its year: "Juni 2024", "Jun-24", "Jun.'24", "Juni, 2024"
_NUM_SEP = r"\s*[-/.]\s*"  # between numbers: "2024-06", "2024 / 6", "06.2024"
_PREFIX = r"(?:(?:periode|period|bulan|tahun|thn|th|year|month)\.?\s*:?\s*)?"  # "Tahun 2024", "Bulan Juni 2024"
_NAME = r"([a-z]+)\.?"
_TIME = r"(?:[\st]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # a date cell written out with its time of day

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(_PREFIX + pattern, re.ASCII))
    for kind, pattern in [
        ("y", r"(\d{4})"),
        ("ym", rf"(\d{{4}}){_NUM_SEP}(\d{{1,2}})"),
        ("my", rf"(\d{{1,2}}){_NUM_SEP}(\d{{4}})"),
        ("ymd", rf"(\d{{4}}){_NUM_SEP}(\d{{1,2}}){_NUM_SEP}(\d{{1,2}}){_TIME}"),
        ("dmy", rf"(\d{{1,2}}){_NUM_SEP}(\d{{1,2}}){_NUM_SEP}(\d{{4}}){_TIME}"),
        ("Ny", rf"{_NAME}{_SEP}(\d{{4}}|\d{{2}})"),
        ("yN", rf"(\d{{4}}){_SEP}{_NAME}"),
        ("dNy", rf"(\d{{1,2}}){_SEP}{_NAME}{_SEP}(\d{{4}}){_TIME}"),
    ]
]


@dataclass(frozen=True, order=False)
class Period:
    """A year (``month`` None) or a month of a year. ``from_day``: read from a date, its day dropped."""

    year: int
    month: int | None = None
    from_day: bool = False

    @property
    def kind(self) -> str:
        return "year" if self.month is None else "month"

    @property
    def key(self) -> str:
        """The canonical key, what tables, the store and URLs carry: "2024" or "2024-06"."""
        return f"{self.year:04d}" if self.month is None else f"{self.year:04d}-{self.month:02d}"


def _month(year: int, month: int, day: int | None = None) -> Period | None:
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
    return Period(year, month, from_day=day is not None)


def _year(year: int) -> Period | None:
    return Period(year) if MIN_YEAR <= year <= MAX_YEAR else None


def _clean(text: str) -> str:
    """Any case and spacing: NFKC (full-width digits, non-breaking spaces), casefold, one space."""
    s = unicodedata.normalize("NFKC", text).casefold().strip().strip("'\"")
    return re.sub(r"\s+", " ", s).strip()


def read(value: object) -> Period | None:
    """The period ``value`` spells, or None when it is not one (empty, a word, a month 13, a day 31 Juni).

    Takes text, a year as a number (2024, Excel's 2024.0), and date cells (``datetime``/``date``): a date
    becomes its month. ``from_day`` says a day was dropped; a date cell on the 1st at midnight is how
    Excel stores a month-formatted cell ("Jun-24"), so that one is not counted as a dropped day.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        p = _month(value.year, value.month)
        first = value.day == 1 and value.time() == dt.time()
        return None if p is None else Period(p.year, p.month, from_day=not first)
    if isinstance(value, dt.date):
        p = _month(value.year, value.month)
        return None if p is None else Period(p.year, p.month, from_day=value.day != 1)
    if isinstance(value, int):
        return _year(value)
    if isinstance(value, float):
        return _year(int(value)) if math.isfinite(value) and value.is_integer() else None
    if not isinstance(value, str):
        return None
    return _read_text(_clean(value))


@functools.lru_cache(maxsize=4096)
def _read_text(s: str) -> Period | None:
    if s.endswith(".0") and re.fullmatch(r"\d{4}\.0", s):  # a year that went through a float
        s = s[:-2]
    for kind, pattern in _PATTERNS:
        m = pattern.fullmatch(s)
        if not m:
            continue
        g = m.groups()
        if kind == "y":
            return _year(int(g[0]))
        if kind == "ym":
            return _month(int(g[0]), int(g[1]))
        if kind == "my":
            return _month(int(g[1]), int(g[0]))
        if kind == "ymd":
            return _month(int(g[0]), int(g[1]), int(g[2]))
        if kind == "dmy":
            return _month(int(g[2]), int(g[1]), int(g[0]))
        if kind == "Ny":
            month = _MONTHS.get(g[0])
            year = int(g[1]) + (2000 if len(g[1]) == 2 else 0)
            return _month(year, month) if month else None
        if kind == "yN":
            month = _MONTHS.get(g[1])
            return _month(int(g[0]), month) if month else None
        if kind == "dNy":
            month = _MONTHS.get(g[1])
            return _month(int(g[2]), month, int(g[0])) if month else None
    return None


def parse(value: object) -> str | None:
    """The canonical key of the period ``value`` spells ("Juni 2024" -> "2024-06"), or None if it is not one."""
    p = read(value)
    return None if p is None else p.key


def from_key(key: str) -> Period:
    """The period of a canonical key; ValueError for anything else (keys come from :func:`parse`)."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", key or "")
    p = None if not m else (_year(int(m.group(1))) if m.group(2) is None else _month(int(m.group(1)), int(m.group(2))))
    if p is None:
        raise ValueError(f"not a period key: {key!r}")
    return p


def is_key(key: object) -> bool:
    """True for a canonical key ("2024", "2024-06"), False for other spellings and text."""
    return isinstance(key, str) and parse(key) == key


def sort_key(key: object) -> tuple:
    """Order by time: months by year then month, a year after its December (see the module's note).

    Anything that is not a period (the empty default period, or legacy text a store still holds) sorts
    before every period, by its text, so it is never picked as the latest.
    """
    p = read(key) if isinstance(key, str) else None
    if p is None:
        return (0, 0, 0, "" if key is None else str(key))
    return (1, p.year, 13 if p.month is None else p.month, key)  # two spellings of one month: by text


def ordered(keys: Iterable[object]) -> list:
    """``keys`` sorted by time (see :func:`sort_key`)."""
    return sorted(keys, key=sort_key)


def latest(keys: Iterable[object]) -> str | None:
    """The latest period of ``keys`` by time; None when there are none."""
    keys = list(keys)
    return max(keys, key=sort_key) if keys else None


def label(key: object, lang: str = "id", short: bool = False) -> str:
    """A period as people read it: "Juni 2024" (id), "June 2024" (en), "2024"; other text as it is. ``short``:
    "Jun 2024", "Agu 2024" (a chart's axis on a phone)."""
    p = read(key) if isinstance(key, str) else None
    if p is None:
        return "" if key is None else str(key)
    if p.month is None:
        return str(p.year)
    from babel.dates import get_month_names  # noqa: PLC0415 - Babel only when a month is shown

    names = get_month_names("abbreviated" if short else "wide", locale="id" if lang == "id" else "en")
    return f"{names[p.month].rstrip('.')} {p.year}"
