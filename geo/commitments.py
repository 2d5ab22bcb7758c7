"""Who pays: the commitments table (funder, area, year, people whose contributions the funder pays).

A commitments file is a CSV/XLSX with ``penyandang_dana, kode, tahun, orang, keterangan``, published by an
editor like the target schedule (same store, versions, audit; ``kind="commitments"``). For each year the newest
version that covers it is in force, so a correction for 2026 is a new file with all of 2026's rows.

Funders are four, whatever the spelling an officer uses: ``pemprov`` (APBD Provinsi: "Pemerintah Provinsi",
"pemprov kalbar"), ``pemkab`` (APBD Kabupaten/Kota: "Pemkab", "Pemkot", "Pemerintah Kota Pontianak"),
``pemdes`` (APBDes: "Pemerintah Desa", "desa") and ``lainnya`` (CSR, swasta, zakat bodies, anything named
as other). A funder that cannot be read is refused, never guessed.

``kode`` is an official area code at any level (61, 61.04, 61.04.01, 61.04.01.2001; BPS digits without dots
are read too), checked against the boundaries. ``tahun`` is a year (any spelling ``geo.period`` reads).
``orang`` is a whole number of people, 0 or more ("26.373" is twenty-six thousand).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import LEVELS, PROVINCE_CODE, boundaries
from .period import parse as parse_period
from .plan import parse_whole
from .targets import FileProblems, Problem, read_small_file, read_small_table
from .text import t

KIND = "commitments"  # versions of the commitments table (the store's ``kind`` column)
COLUMNS = ["penyandang_dana", "kode", "tahun", "orang", "keterangan"]
FUNDERS = ("pemprov", "pemkab", "pemdes", "lainnya")  # in the order sheets list them
MAX_PEOPLE = 10_000_000  # more people than live in Kalbar is a typing error
ALIASES = {
    "funder": "penyandang_dana",
    "penyandang dana": "penyandang_dana",
    "pendana": "penyandang_dana",
    "sumber_dana": "penyandang_dana",
    "sumber dana": "penyandang_dana",
    "pembiaya": "penyandang_dana",
    "code": "kode",
    "kode_wilayah": "kode",
    "kode wilayah": "kode",
    "year": "tahun",
    "periode": "tahun",
    "people": "orang",
    "jumlah": "orang",
    "jumlah_orang": "orang",
    "jumlah orang": "orang",
    "peserta": "orang",
    "jumlah_peserta": "orang",
    "note": "keterangan",
    "catatan": "keterangan",
    "sumber": "keterangan",
}
TEMPLATE = (
    "penyandang_dana,kode,tahun,orang,keterangan\n"
    "Pemprov,61,2025,26373,Pergub Kalbar 4/2023 (contoh)\n"
    "Pemkab,61.04,2025,1200,APBD Kabupaten (contoh)\n"
    "Pemdes,61.04.01.2011,2025,25,APBDes: aparat desa dan BPD (contoh)\n"
    "CSR,61.04,2026,300,Program CSR (contoh)\n"
)

# Spellings of each funder, tried on the lower-cased words of the cell; the province first ("Pemerintah
# Provinsi" also says "pemerintah"), then village before kabupaten/kota ("Pemerintah Desa ... Kabupaten X").
_FUNDER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pemprov", re.compile(r"\b(pemprov\w*|prov|provinsi|propinsi|province|provincial|gubernur|apbd ?i)\b")),
    ("pemdes", re.compile(r"\b(pemdes|desa|apbdes|apbdesa|dana desa|village|kelurahan|dd|add)\b")),
    (
        "pemkab",
        re.compile(r"\b(pemkab\w*|pemkot\w*|kab|kabupaten|kota|regency|city|bupati|wali ?kota|apbd ?ii|apbd kab\w*)\b"),
    ),
    (
        "lainnya",
        re.compile(
            r"\b(lain|lainnya|lain lain|other|others|csr|swasta|private|perusahaan|company|baznas|zakat|"
            r"donor|bumn|bumd|yayasan)\b"
        ),
    ),
)
_CODE_RE = re.compile(r"^61(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


@dataclass(frozen=True)
class Commitments:
    """Validated commitment rows (``COLUMNS``; ``tahun`` an int, ``orang`` an int) and where they came from."""

    rows: pd.DataFrame
    origin: str = "file"  # "published", "file", "none"
    version: str | None = None

    @cached_property
    def key(self) -> tuple:
        """Hashable identity for caches."""
        return (self.origin, self.version, tuple(map(tuple, self.rows[COLUMNS].astype(str).to_numpy())))


class CommitmentsError(FileProblems):
    """A commitments file that cannot be published."""


def empty() -> Commitments:
    """No commitments (nothing published): every need is left to be budgeted."""
    return Commitments(pd.DataFrame(columns=COLUMNS).astype({"tahun": int, "orang": int}), origin="none")


def funder(text: object) -> str | None:
    """The funder key for a spelling officers use ("Pemerintah Provinsi", "pemkot", "CSR"); None if unknown."""
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).lower()).split())
    if not words:
        return None
    if words in FUNDERS:
        return words
    for key, rule in _FUNDER_RULES:
        if rule.search(words):
            return key
    return None


def area_code(text: object) -> str | None:
    """A dotted Kemendagri code from a cell ("61.04", "6104", "6104012001"); None when not shaped like one."""
    s = str(text).strip().replace(" ", "")
    if s.isdigit():
        cut = {2: [2], 4: [2, 2], 6: [2, 2, 2], 10: [2, 2, 2, 4]}.get(len(s))
        if cut is None:
            return None
        parts, i = [], 0
        for n in cut:
            parts.append(s[i : i + n])
            i += n
        s = ".".join(parts)
    return s if _CODE_RE.match(s) else None


def known_codes() -> set[str]:
    """Every area code of the boundaries (and the province); empty when the cache is missing (shape check only)."""
    try:
        codes = {PROVINCE_CODE}
        for level in LEVELS:
            codes.update(boundaries.areas(level)["kode"].astype(str))
        return codes
    except Exception:  # noqa: BLE001 - no cache yet: check the code's shape only
        return set()


def _people(text: str) -> tuple[int | None, str | None]:
    """(people, None) or (None, problem key) for a cell of ``orang``."""
    s = text.strip().replace(" ", "").replace("\u00a0", "")
    if not s:
        return None, "commit.bad_people"
    if s.startswith(("-", "\u2212")) and s[1:].replace(".", "").replace(",", "").isdigit():
        return None, "commit.negative_people"
    value = parse_whole(s, 0, MAX_PEOPLE)
    return (value, None) if value is not None else (None, "commit.bad_people")


def read(content: bytes | str, filename: str = "komitmen.csv", codes: set[str] | None = None) -> Commitments:
    """Read and validate a commitments CSV/XLSX; raise CommitmentsError naming every bad row and column."""
    raw = read_small_table(
        content, filename, ("penyandang_dana", "kode", "tahun", "orang"), ALIASES, "commit", CommitmentsError
    )
    codes = known_codes() if codes is None else codes
    problems: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple[str, str, int], int] = {}
    for i, rec in enumerate(raw[COLUMNS].to_dict("records")):
        line = i + 2  # the file's own line (header = 1)
        vals = {k: str(v).strip() for k, v in rec.items()}
        if not any(vals.values()):
            continue
        bad = False
        who = funder(vals["penyandang_dana"])
        if who is None:
            problems.append(
                Problem(line, "penyandang_dana", "commit.bad_funder", {"value": vals["penyandang_dana"][:60]})
            )
            bad = True
        kode = area_code(vals["kode"])
        if kode is None or (codes and kode not in codes):
            problems.append(Problem(line, "kode", "commit.bad_kode", {"value": vals["kode"][:60]}))
            bad = True
        year = parse_period(vals["tahun"])
        if year is None or len(year) != 4:
            problems.append(Problem(line, "tahun", "commit.bad_year", {"value": vals["tahun"][:60]}))
            bad = True
        people, why = _people(vals["orang"])
        if why is not None:
            problems.append(Problem(line, "orang", why, {"value": vals["orang"][:60]}))
            bad = True
        if bad:
            continue
        key = (str(who), str(kode), int(str(year)))
        if key in seen:
            problems.append(Problem(line, "kode", "commit.duplicate", {"first": seen[key]}))
            continue
        seen[key] = line
        rows.append(
            {
                "penyandang_dana": who,
                "kode": kode,
                "tahun": int(str(year)),
                "orang": int(people or 0),
                "keterangan": " ".join(vals["keterangan"].split())[:200],
            }
        )
    if problems:
        raise CommitmentsError(problems)
    if not rows:
        raise CommitmentsError([Problem(None, None, "commit.no_rows")])
    return Commitments(pd.DataFrame(rows, columns=COLUMNS), origin="file")


def read_file(path: str | Path, lang: str = "id") -> Commitments:
    """A commitments file from disk; ValueError with the row-and-column message when it is refused."""
    return read_small_file(path, read, CommitmentsError, lang)


def stored_rows(c: Commitments) -> pd.DataFrame:
    """The rows as a version stores them: with ``periode`` (the year's key), so each year is in force from the
    newest version that covers it (``Store.current_rows``)."""
    return c.rows.assign(periode=c.rows["tahun"].astype(int).astype(str))


def from_stored(rows: pd.DataFrame, version: str | None) -> Commitments:
    """The published rows in force as Commitments."""
    out = rows[COLUMNS].assign(
        penyandang_dana=rows["penyandang_dana"].astype(str),
        kode=rows["kode"].astype(str),
        tahun=rows["tahun"].astype(int),
        orang=rows["orang"].astype(int),
        keterangan=rows["keterangan"].fillna("").astype(str),
    )
    return Commitments(out.reset_index(drop=True), origin="published", version=version)


def in_force(published: Commitments | None) -> Commitments:
    """The published commitments, else none (commitments come only from editors; nothing is shipped)."""
    return published if published is not None else empty()


def funder_label(key: str, lang: str = "id") -> str:
    """ "Pemprov", "Pemkab/Pemkot", "Pemdes", "Lainnya"."""
    return t(f"commit.funder.{key}", lang)


def template_csv() -> str:
    """The CSV template editors download: the columns and illustrative rows (labelled as examples)."""
    return TEMPLATE
