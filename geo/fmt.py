"""Numbers as people read them: Indonesian (26.373 / 35,35%) or English (26,373 / 35.35%)."""

from __future__ import annotations

import math

from babel.numbers import format_compact_decimal

_SEPARATORS = {"id": (".", ","), "en": (",", ".")}  # (thousands, decimal)
MISSING = "–"  # where there is no data: figures, lines and table cells alike


def _swap(text: str, lang: str) -> str:
    thousands, decimal = _SEPARATORS.get(lang, _SEPARATORS["id"])
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def is_missing(value: object) -> bool:
    try:
        return value is None or bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return value is None or str(value) in ("<NA>", "nan", "NaT")


def number(value: float | int | None, lang: str = "id", digits: int = 0) -> str:
    if is_missing(value):
        return MISSING
    return _swap(f"{float(value):,.{digits}f}", lang)


def whole(value: object) -> str:
    """An identifier or a spreadsheet line as written (version 1234, not 1.234), in either language."""
    if is_missing(value):
        return MISSING
    try:
        return str(int(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def percent(value: float | None, lang: str = "id", digits: int = 2) -> str:
    return MISSING if is_missing(value) else number(value, lang, digits) + "%"


def points(value: float | None, lang: str = "id", digits: int = 2) -> str:
    """Change in percentage points, always signed."""
    if is_missing(value):
        return MISSING
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number(abs(value), lang, digits)} pp"


def rupiah(value: float | int | None, lang: str = "id") -> str:
    """Exact rupiah: Rp1.234.567 (id) / Rp1,234,567 (en); no sen."""
    if is_missing(value):
        return MISSING
    sign = "−" if float(value) < 0 else ""
    return f"{sign}Rp{number(abs(round(float(value))), lang)}"


def rupiah_short(value: float | int | None, lang: str = "id") -> str:
    """Rupiah for headlines: "Rp 1,2 miliar" / "Rp 1.2 billion" from a million up, exact below.

    Babel's CLDR compact long forms give the words (juta/miliar/triliun, million/billion/trillion).
    """
    if is_missing(value):
        return MISSING
    v = float(value)
    if abs(v) < 1_000_000:
        return rupiah(v, lang)
    words = format_compact_decimal(abs(v), format_type="long", locale="id" if lang == "id" else "en", fraction_digits=1)
    return f"{'−' if v < 0 else ''}Rp {words}"
