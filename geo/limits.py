"""How large an uploaded table may be, checked before and while it is parsed: one place for every bound.

Kalbar has 2,130 desa/kelurahan, 174 kecamatan and 14 kabupaten/kota, so a real coverage table has
at most a few thousand rows per period; a desa table with two years of monthly periods is 51,120
rows and about 6 MB as CSV. The defaults leave room above that and refuse what only an accident
or an attack produces (a cell at XFD1048576, a million one-value lines, a zip bomb), so a file
within the byte limit parses within a known peak memory (README, "Batas unggahan / upload limits").

Each bound can be changed with an environment setting (``KALBAR_MAX_UPLOAD_MB`` and so on, see
:data:`ENV`); the same bounds hold for the pages, ``python -m geo check/publish`` and the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from . import fmt, settings

MB = 1024 * 1024
VISITOR_UPLOADS_ENV = "KALBAR_VISITOR_UPLOADS"  # "0": only signed-in editors and admins may preview a table
PARALLEL_PARSES_ENV = "KALBAR_PARALLEL_PARSES"  # uploads parsed at once per process; the rest are told "busy"


@dataclass(frozen=True)
class Limits:
    """Bounds on one uploaded table; each is named by the message that refuses a file beyond it."""

    max_bytes: int = 10 * MB  # the file as uploaded (Streamlit's server.maxUploadSize is 10 too)
    max_rows: int = 60_000  # 2,130 desa × 24 monthly periods = 51,120, plus title rows and room
    max_columns: int = 100  # a real table has 5–15 columns
    max_cells: int = 1_000_000  # filled cells over the sheets read: 60,000 rows × 16 columns
    max_sheets: int = 50  # a workbook with a sheet per month for four years
    max_line_chars: int = 20_000  # one CSV record; a real one is well under 1,000 characters
    max_unzipped_bytes: int = 100 * MB  # an XLSX's parts once decompressed, all together
    max_ratio: int = 100  # decompressed ÷ compressed, per part above 1 MB: sheets compress 5–30×, bombs 1000×+

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """The defaults, each replaced by its environment setting when that is a positive whole number."""
        env = settings.environ() if env is None else env
        values = {}
        for f in fields(cls):
            raw = str(env.get(ENV[f.name], "")).strip().replace("_", "")
            if raw.isdigit() and int(raw) > 0:
                values[f.name] = int(raw) * (MB if f.name in _IN_MB else 1)
        return cls(**values)


ENV = {
    "max_bytes": "KALBAR_MAX_UPLOAD_MB",
    "max_rows": "KALBAR_MAX_ROWS",
    "max_columns": "KALBAR_MAX_COLUMNS",
    "max_cells": "KALBAR_MAX_CELLS",
    "max_sheets": "KALBAR_MAX_SHEETS",
    "max_line_chars": "KALBAR_MAX_LINE_CHARS",
    "max_unzipped_bytes": "KALBAR_MAX_UNZIPPED_MB",
    "max_ratio": "KALBAR_MAX_ZIP_RATIO",
}
_IN_MB = {"max_bytes", "max_unzipped_bytes"}


def current() -> Limits:
    """The bounds in force (read from the environment each time: cheap, and a test may change it)."""
    return Limits.from_env()


def _flag(value: str | None, default: bool) -> bool:
    text = str(value or "").strip().lower()
    if text in ("0", "false", "no", "tidak", "off"):
        return False
    if text in ("1", "true", "yes", "ya", "on"):
        return True
    return default


def visitor_uploads(env: Mapping[str, str] | None = None) -> bool:
    """Whether a visitor who is not signed in as an editor may preview their own table (default: yes;
    the hosted stack sets ``KALBAR_VISITOR_UPLOADS=0``)."""
    env = settings.environ() if env is None else env
    return _flag(env.get(VISITOR_UPLOADS_ENV), True)


def parallel_parses(env: Mapping[str, str] | None = None) -> int:
    """How many uploads one process parses at once (default 2: the machine's cores, and 2 × the stated peak)."""
    env = settings.environ() if env is None else env
    raw = str(env.get(PARALLEL_PARSES_ENV, "")).strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 2


def size(n: int, lang: str = "id") -> str:
    """A file size as people read it: 4,9 KB / 4.9 KB, 10 MB."""
    for unit, scale in (("MB", MB), ("KB", 1024)):
        if n >= scale:
            value = n / scale
            return f"{fmt.number(value, lang, 0 if value >= 100 or value.is_integer() else 1)} {unit}"
    return f"{fmt.number(n, lang)} B"
