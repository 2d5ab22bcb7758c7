"""Area codes and names as people write them, folded so a table row can find its official area.

Real tables write "KAB. SAMBAS", "Kab Kubu Raya", "6171" or the pre-2014 "Kabupaten Pontianak";
the official list says "Kabupaten Sambas", "61.71", "Kabupaten Mempawah". Everything here is pure
text handling plus a small index, so it is testable without the boundary files.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# Parts of a dotted Kemendagri code and the level each depth belongs to.
_PART_LEN = (2, 2, 2, 4)
LEVEL_OF_DEPTH = {2: "kabupaten", 3: "kecamatan", 4: "desa"}
_DIGITS_TO_DEPTH = {2: 1, 4: 2, 6: 3, 10: 4}

# Prefixes dropped per level; for kabupaten the prefix also says which kind of area it is.
_KIND_PREFIX = {
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
    "pemkab": "kabupaten",
    "kota": "kota",
    "kotamadya": "kota",
    "kodya": "kota",
    "pemkot": "kota",
}
_PREFIXES = {
    "kabupaten": ("kabupaten", "kotamadya", "kodya", "pemkab", "pemkot", "kab", "kota"),
    "kecamatan": ("kecamatan", "kec"),
    "desa": ("kelurahan", "desa", "kel", "ds"),
}

# Former names still found in tables: (level, kind or None, folded name) -> code, label of the rename.
FORMER_NAMES: dict[tuple[str, str | None, str], tuple[str, str]] = {
    # Kabupaten Pontianak was renamed Kabupaten Mempawah in 2014 (PP 58/2014); Kota Pontianak is 61.71.
    ("kabupaten", "kabupaten", "pontianak"): ("61.02", "Kabupaten Pontianak"),
}


def normalise_code(value: object) -> str | None:
    """Dotted Kemendagri form ("61.12", "61.12.01", "61.12.01.2001") of a code, or None.

    Accepts dots, dashes, slashes or spaces as separators, BPS-style digits without dots
    (6112, 611201, 6112012001), numbers from Excel (6112.0) and quoted text ('61.12). A float
    such as 61.1 is Excel's rendering of the text 61.10, so it is read back as 61.10.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if math.isnan(value) or value < 0:
            return None
        if value.is_integer():
            value = int(value)
        else:
            text = repr(value)
            head, _, tail = text.partition(".")
            value = f"{head}.{tail.ljust(2, '0')}" if len(head) == 2 and len(tail) <= 2 else text
    text = str(value).strip().strip("'\"`’‘ ").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        depth = _DIGITS_TO_DEPTH.get(len(text))
        if depth is None:
            return None
        parts, pos = [], 0
        for size in _PART_LEN[:depth]:
            parts.append(text[pos : pos + size])
            pos += size
    else:
        parts = re.split(r"\s*[.\-/ ]\s*", text)
        if not all(p.isdigit() for p in parts) or len(parts) > 4:
            return None
        if any(len(p) != size for p, size in zip(parts, _PART_LEN)):
            return None
    return ".".join(parts)


def code_level(code: str) -> str | None:
    """The level a dotted code belongs to ("61" is the province: None)."""
    return LEVEL_OF_DEPTH.get(code.count(".") + 1)


def fold(text: object) -> str:
    """Lower-case ASCII words: accents stripped, apostrophes dropped (Tua' Abang), other marks to spaces."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
    s = re.sub(r"['`]", "", s)
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def split_kind(text: object, level: str) -> tuple[str | None, str]:
    """(kind, name) with the level's prefix removed; kind is "kota"/"kabupaten" when the prefix says so."""
    s = fold(text)
    for prefix in _PREFIXES.get(level, ()):
        if s.startswith(prefix + " ") and len(s) > len(prefix) + 1:
            kind = _KIND_PREFIX.get(prefix) if level == "kabupaten" else None
            return kind, s[len(prefix) + 1 :]
    return None, s


def normalise_name(text: object, level: str) -> str:
    """Comparable form of an area name: "KAB. KUBU RAYA" and "Kubu Raya" both give "kubu raya"."""
    return split_kind(text, level)[1]


def name_key(text: object, level: str) -> str:
    """The lookup key: the normalised name without spaces, so "Bum-bun" meets "Bumbun"."""
    return normalise_name(text, level).replace(" ", "")


@dataclass(frozen=True)
class Lookup:
    """What a name resolved to within the given parents."""

    codes: tuple[str, ...]  # every area the name may mean (one = matched, several = ambiguous)
    former: str | None = None  # set when the match came through a former name
    kind_mismatch: tuple[str, ...] = ()  # areas that match the name but not the stated kind (Kota X vs Kabupaten X)
    suggestions: tuple[str, ...] = ()  # close spellings when nothing matched
    formers: tuple[tuple[str, str], ...] = ()  # (code, former name) for candidates found through a former name


@dataclass
class NameIndex:
    """Names of one level's areas, keyed by folded name, with each area's kind and parent code."""

    level: str
    names: dict[str, str] = field(default_factory=dict)  # code -> official name
    kinds: dict[str, str] = field(default_factory=dict)  # code -> jenis
    parents: dict[str, str | None] = field(default_factory=dict)  # code -> parent code
    by_key: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, level: str, rows: Iterable[tuple[str, str, str, str | None]]) -> NameIndex:
        """From (code, name, jenis, parent code) tuples."""
        index = cls(level)
        for code, name, jenis, parent in rows:
            index.names[code] = name
            index.kinds[code] = jenis
            index.parents[code] = parent
            index.by_key[name_key(name, level)].append(code)
        return index

    def label(self, code: str) -> str:
        return f"{code} {self.names.get(code, '')}".strip()

    def _within(self, codes: Iterable[str], parents: set[str] | None) -> list[str]:
        return [c for c in codes if parents is None or self.parents.get(c) in parents]

    def find(self, text: object, parents: set[str] | None = None) -> Lookup:
        """Areas called ``text`` (within ``parents`` when given); never guesses between several."""
        kind, name = split_kind(text, self.level)
        key = name.replace(" ", "")
        if not key:
            return Lookup(())
        by_name = self._within(self.by_key.get(key, []), parents)
        fitting = [c for c in by_name if kind is None or self.kinds.get(c) == kind]
        former = [
            (code, label)
            for (lvl, k, n), (code, label) in FORMER_NAMES.items()
            if lvl == self.level
            and n == name
            and (kind is None or k == kind)
            and code not in fitting
            and self._within([code], parents)
        ]
        codes = sorted(set(fitting) | {code for code, _ in former})
        if codes:
            used = former[0][1] if former and len(codes) == 1 else None
            return Lookup(tuple(codes), former=used, formers=tuple(former))
        if by_name:
            return Lookup((), kind_mismatch=tuple(sorted(by_name)))
        scope = {k for k, cs in self.by_key.items() if self._within(cs, parents)}
        close = difflib.get_close_matches(key, scope, n=3, cutoff=0.8)
        return Lookup((), suggestions=tuple(sorted({c for k in close for c in self._within(self.by_key[k], parents)})))

    def same_name(self, code: str, text: object) -> bool:
        """Whether ``text`` names area ``code`` (its official name or a former one)."""
        found = self.find(text)
        return code in found.codes or code in found.kind_mismatch
