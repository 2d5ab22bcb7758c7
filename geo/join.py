"""Coverage-table rows matched to official areas, with a report that accounts for every row.

Codes win (dotted Kemendagri or digits without dots); names are the fallback, looked up within
the parents the row gives (desa within kecamatan within kabupaten). A name that could mean
several areas is reported as ambiguous with its candidates, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from . import boundaries
from .names import NameIndex, code_level, fold, name_key, normalise_code
from .period import ordered as by_time
from .table import DEFAULT_PERIOD, TOTAL_WORDS, CoverageTable, Issue
from .text import t

STATUSES = ("matched", "unmatched", "ambiguous", "invalid", "duplicate")
REPORT_COLUMNS = ["baris", "input", "status", "kode", "nama", "via", "reason", "reason_code", "candidates"]
# How a matched row found its area (the report's "via"), from the reason the matcher gave.
VIA = {
    "join.reason.by_code": "code",
    "join.reason.code_name_differs": "code",
    "join.reason.by_name": "name",
    "join.reason.name_after_bad_code": "name",
    "join.reason.former_name": "former",
    "store.reason.alias": "alias",
    "join.reason.picked": "suggestion",
}
VIAS = ("code", "name", "former", "alias", "suggestion")
# Another level is proposed when it places at least this many times as many rows as the chosen one,
# and at least half the table: a few codes that happen to exist at both levels do not trigger it.
LEVEL_HINT_RATIO = 2
MATCHED_COLUMNS = [
    "kode",
    "periode",
    "tenaga_kerja",
    "peserta_aktif",
    "target_persen",
    "penerima_bantuan_iuran",
    "baris",
]
_PARENT = {"kecamatan": "kabupaten", "desa": "kecamatan"}


@dataclass(frozen=True)
class Msg:
    """A message key with params, rendered late so the report can switch language."""

    key: str
    params: dict = field(default_factory=dict)

    def render(self, lang: str = "id") -> str:
        def value(v: object) -> object:
            if isinstance(v, (Msg, Issue)):
                return v.render(lang) if isinstance(v, Msg) else v.message(lang)
            if isinstance(v, (list, tuple)):
                return "; ".join(str(value(x)) for x in v)
            return v

        return t(self.key, lang, **{k: value(v) for k, v in self.params.items()})


@dataclass(frozen=True)
class AliasRule:
    """A spelling an editor has said means area ``kode`` (within parent area ``parent`` when given).

    The store's ``Alias`` records have the same three attributes and can be passed as they are."""

    name: str
    kode: str
    parent: str | None = None
    picked: bool = False  # chosen by the editor among the suggestions for this very upload


@dataclass
class Outcome:
    status: str
    reason: Msg
    kode: str | None = None
    candidates: list[str] = field(default_factory=list)


@dataclass
class JoinResult:
    level: str
    report: pd.DataFrame
    matched: pd.DataFrame
    areas_without_data: dict[str, list[str]]
    warnings: list[str]
    reasons: list[Msg] = field(default_factory=list, repr=False)  # aligned with report rows

    def summary(self) -> dict[str, int]:
        """The one place the counts come from: each report line (= each input row) counted once, by status;
        ``left_out`` is every row not published (unmatched, ambiguous, invalid and duplicate alike)."""
        counts = self.report["status"].value_counts()
        out = {"rows": int(len(self.report)), **{s: int(counts.get(s, 0)) for s in STATUSES}}
        out["left_out"] = out["rows"] - out["matched"]
        return out

    def report_messages(self, lang: str = "id") -> pd.DataFrame:
        """The report with every reason written in ``lang``."""
        out = self.report.copy()
        out["reason"] = [m.render(lang) for m in self.reasons] if self.reasons else out["reason"]
        return out


def _s(value: object) -> str | None:
    """Cell text or None (pandas gives None or NaN for a missing string)."""
    return value.strip() or None if isinstance(value, str) else None


def _kab_kind(code: str) -> str:
    return "kota" if int(code.split(".")[1]) >= 70 else "kabupaten"


class Matcher:
    """The indexes a level needs: its own areas plus the kabupaten and kecamatan above them."""

    def __init__(self, level: str, areas: pd.DataFrame, aliases: Iterable[AliasRule] = ()) -> None:
        self.level = level
        parent = {"kabupaten": None, "kecamatan": "kode_kab", "desa": "kode_kec"}[level]
        self.index = NameIndex.build(
            level, zip(areas["kode"], areas["nama"], areas["jenis"], areas[parent] if parent else [None] * len(areas))
        )
        parents = [c for c in ("nama_kec", "nama_kab") if c in areas and level != "kabupaten"]
        self.where = (
            {
                k: ", ".join(str(v) for v in vals if isinstance(v, str) and v)
                for k, *vals in zip(areas["kode"], *(areas[c] for c in parents))
            }
            if parents
            else {}
        )
        kab = areas[["kode_kab", "nama_kab"]].drop_duplicates("kode_kab") if level != "kabupaten" else None
        self.kab = (
            self.index
            if kab is None
            else NameIndex.build(
                "kabupaten", ((k, n, _kab_kind(k), None) for k, n in zip(kab["kode_kab"], kab["nama_kab"]))
            )
        )
        kec = areas[["kode_kec", "nama_kec", "kode_kab"]].drop_duplicates("kode_kec") if level == "desa" else None
        self.kec = (
            None
            if kec is None
            else NameIndex.build(
                "kecamatan", zip(kec["kode_kec"], kec["nama_kec"], ["kecamatan"] * len(kec), kec["kode_kab"])
            )
        )
        self.aliases: dict[str, list[AliasRule]] = {}
        for a in aliases:
            if a.kode in self.index.names:  # an alias to an area that no longer exists is ignored
                self.aliases.setdefault(alias_key(a.name, level), []).append(
                    AliasRule(a.name, a.kode, a.parent, bool(getattr(a, "picked", False)))
                )

    def _labels(self, codes: tuple[str, ...] | list[str]) -> list[str]:
        """ "kode nama", with the parents below kabupaten level so same-named areas can be told apart."""
        return [f"{self.index.label(c)} ({self.where[c]})" if self.where.get(c) else self.index.label(c) for c in codes]

    def by_code(self, raw: str, value: object = None) -> Outcome:
        """Resolve a code (``raw`` as written, ``value`` as read, e.g. an Excel number); unmatched outcomes
        say why (not a code, other level, BPS-like, unknown)."""
        code = normalise_code(value if value is not None else raw)
        digits = "".join(ch for ch in raw if ch.isdigit())
        if code is None:
            if len(digits) == 7 and self.level == "kecamatan":
                return Outcome("unmatched", Msg("join.reason.code_bps", {"code": raw}))
            return Outcome("unmatched", Msg("join.reason.code_invalid", {"code": raw}))
        if code == "61":
            return Outcome("unmatched", Msg("join.reason.total_row", {}))
        lvl = code_level(code)
        if lvl != self.level:
            return Outcome(
                "unmatched",
                Msg(
                    "join.reason.code_wrong_level",
                    {
                        "code": code,
                        "code_level": Msg(f"level.{lvl}") if lvl else "?",
                        "level": Msg(f"level.{self.level}"),
                    },
                ),
            )
        if code not in self.index.names:
            bps = self.level == "desa" and "." not in raw and code.split(".")[3].startswith("0")
            return Outcome(
                "unmatched", Msg("join.reason.code_bps" if bps else "join.reason.code_unknown", {"code": raw})
            )
        return Outcome("matched", Msg("join.reason.by_code", {}), code)

    def _parents(self, row: dict) -> tuple[set[str] | None, Outcome | None]:
        """Codes of the parent areas the row names (None: no parent given), or why they fail."""
        if self.level == "kabupaten":
            return None, None
        scope: set[str] | None = None
        if kab := _s(row.get("kabupaten")):
            found = self.kab.find(kab)
            if not found.codes:
                return None, Outcome(
                    "unmatched",
                    Msg("join.reason.parent_unknown", {"parent_level": Msg("level.kabupaten"), "parent": kab}),
                )
            scope = set(found.codes)
        if self.level == "desa" and self.kec is not None:
            if kec := _s(row.get("kecamatan")):
                found = self.kec.find(kec, scope)
                if not found.codes:
                    return None, Outcome(
                        "unmatched",
                        Msg("join.reason.parent_unknown", {"parent_level": Msg("level.kecamatan"), "parent": kec}),
                    )
                return set(found.codes), None
            if scope is not None:
                return {c for c, p in self.kec.parents.items() if p in scope}, None
        return scope, None

    def own_name(self, row: dict) -> str | None:
        return _s(row.get(self.level)) or _s(row.get("nama"))

    def by_name(self, row: dict) -> Outcome:
        name = self.own_name(row)
        if not name:
            return Outcome("unmatched", Msg("join.reason.no_name", {"level": Msg(f"level.{self.level}")}))
        if fold(name) in TOTAL_WORDS:
            return Outcome("unmatched", Msg("join.reason.total_row", {}))
        scope, problem = self._parents(row)
        if problem:
            return problem
        found = self.index.find(name, scope)
        if len(found.codes) == 1:
            code = found.codes[0]
            if found.former:
                return Outcome(
                    "matched",
                    Msg("join.reason.former_name", {"former": found.former, "name": self.index.names[code]}),
                    code,
                )
            return Outcome("matched", Msg("join.reason.by_name", {}), code)
        if found.codes:
            labels = self._labels(found.codes)
            params = {"name": name, "candidates": ", ".join(labels)}
            if found.formers:
                code, former = found.formers[0]
                return Outcome(
                    "ambiguous",
                    Msg(
                        "join.reason.ambiguous_former", {**params, "former": former, "current": self.index.names[code]}
                    ),
                    None,
                    labels,
                )
            return Outcome("ambiguous", Msg("join.reason.ambiguous", params), None, labels)
        if scope is not None and (elsewhere := self.index.find(name)).codes:
            labels = self._labels(elsewhere.codes)
            return Outcome(
                "unmatched",
                Msg("join.reason.not_in_parent", {"name": name, "candidates": ", ".join(labels)}),
                None,
                labels,
            )
        if found.kind_mismatch:
            labels = self._labels(found.kind_mismatch)
            return Outcome(
                "unmatched",
                Msg("join.reason.kind_mismatch", {"name": name, "candidates": ", ".join(labels)}),
                None,
                labels,
            )
        if found.suggestions:
            labels = self._labels(found.suggestions)
            return Outcome(
                "unmatched",
                Msg("join.reason.name_unknown_suggest", {"name": name, "candidates": ", ".join(labels)}),
                None,
                labels,
            )
        return Outcome("unmatched", Msg("join.reason.name_unknown", {"name": name}))

    def by_alias(self, row: dict) -> Outcome | None:
        """A saved alias for the row's own name (or its code as written), within the row's parents."""
        text = self.own_name(row) or _s(row.get("kode_input")) or _s(row.get("kode"))
        rules = self.aliases.get(alias_key(text, self.level)) if text else None
        if not rules:
            return None
        scope, _problem = self._parents(row)
        fits = [a for a in rules if a.parent is None or scope is None or a.parent in scope]
        codes = sorted({a.kode for a in fits})
        if len(codes) != 1:
            return None
        key = "join.reason.picked" if any(a.picked for a in fits) else "store.reason.alias"
        return Outcome("matched", Msg(key, {"name": text, "area": self.index.label(codes[0])}), codes[0])

    def resolve(self, row: dict) -> Outcome:
        """The rules below, then a saved alias for what they could not settle."""
        outcome = self._resolve(row)
        if outcome.status in ("unmatched", "ambiguous") and self.aliases:
            return self.by_alias(row) or outcome
        return outcome

    def _resolve(self, row: dict) -> Outcome:
        """Code first; a code that fails falls back to the names, and the report says so."""
        raw = _s(row.get("kode_input")) or _s(row.get("kode"))
        if not raw:
            return self.by_name(row)
        outcome = self.by_code(raw, _s(row.get("kode")))
        name = self.own_name(row)
        if outcome.status == "matched":
            if name and not self.index.same_name(outcome.kode, name):
                outcome.reason = Msg(
                    "join.reason.code_name_differs", {"given": name, "name": self.index.names[outcome.kode]}
                )
            return outcome
        if name:
            fallback = self.by_name(row)
            if fallback.status == "matched":
                fallback.reason = Msg("join.reason.name_after_bad_code", {"code": raw, "problem": outcome.reason})
                return fallback
            if fallback.status == "ambiguous":
                fallback.reason = Msg(
                    "join.reason.code_and_name", {"problem": outcome.reason, "name_problem": fallback.reason}
                )
                return fallback
        return outcome


def alias_key(text: str, level: str) -> str:
    """How aliases are looked up: the name without its kind word and spaces ("Kab. X" = "x")."""
    return name_key(text, level) or fold(text)


def _input_text(row: dict) -> str:
    """What the user wrote to name the area: the code, else the names from kabupaten down."""
    if raw := _s(row.get("kode_input")) or _s(row.get("kode")):
        return raw
    names = [v for c in ("kabupaten", "kecamatan", "desa", "nama") if (v := _s(row.get(c)))]
    return " / ".join(names)


def _row_errors(table: CoverageTable) -> dict[int, list[Issue]]:
    out: dict[int, list[Issue]] = {}
    for issue in table.issues:
        if issue.severity == "error" and issue.row is not None:
            out.setdefault(issue.row, []).append(issue)
    return out


_REMARKS = {
    "store.reason.alias",
    "join.reason.code_name_differs",
    "join.reason.name_after_bad_code",
    "join.reason.former_name",
    "join.reason.picked",
}


def join(
    table: CoverageTable, level: str, areas: pd.DataFrame | None = None, aliases: Iterable[AliasRule] = ()
) -> JoinResult:
    """Match every row of ``table`` to an area of ``level``; every row gets exactly one report line.

    ``aliases`` (saved picks of editors) settle rows the rules leave unmatched or ambiguous."""
    if areas is None:
        areas = boundaries.areas(level)
    matcher = Matcher(level, areas, aliases)
    errors = _row_errors(table)
    report: list[dict] = []
    reasons: list[Msg] = []
    warnings: list[str] = [i.message("id") for i in table.issues if i.severity == "warning" and i.row is None]
    used: dict[tuple[str, str], int] = {}
    keep: list[int] = []
    for pos, row in enumerate(table.data.itertuples(index=False)):
        r = row._asdict()
        baris = int(r["baris"])
        outcome = matcher.resolve(r)
        periode = r["periode"] if isinstance(r["periode"], str) else DEFAULT_PERIOD
        problems = errors.get(baris, [])
        if not bool(r["valid"]) and not problems:  # a totals row whose figures were never computed (geo.table)
            outcome = Outcome("unmatched", Msg("join.reason.total_row", {}))
        elif not bool(r["valid"]):
            dup = [i for i in problems if i.code == "table.duplicate"]
            if dup and len(dup) == len(problems):
                outcome = Outcome(
                    "duplicate",
                    Msg("join.reason.duplicate", {"first": dup[0].params["first"]}),
                    outcome.kode if outcome.status == "matched" else None,
                )
            else:
                outcome = Outcome(
                    "invalid",
                    Msg("join.reason.invalid", {"problem": problems}),
                    outcome.kode if outcome.status == "matched" else None,
                )
        elif outcome.status == "matched":
            key = (outcome.kode, periode)
            if key in used:
                outcome = Outcome("duplicate", Msg("join.reason.duplicate", {"first": used[key]}), outcome.kode)
            else:
                used[key] = baris
                keep.append(pos)
                if outcome.reason.key in _REMARKS:
                    warnings.append(f"{t('col.row')} {baris}: {outcome.reason.render('id')}")
        reasons.append(outcome.reason)
        report.append(
            {
                "baris": baris,
                "input": _input_text(r),
                "status": outcome.status,
                "kode": outcome.kode,
                "nama": matcher.index.names.get(outcome.kode) if outcome.kode else None,
                "via": VIA.get(outcome.reason.key) if outcome.status == "matched" else None,
                "reason": outcome.reason.render("id"),
                "reason_code": outcome.reason.key,
                "candidates": outcome.candidates,
            }
        )
    report_df = pd.DataFrame(report, columns=REPORT_COLUMNS)
    report_df["baris"] = report_df["baris"].astype(int)
    kode = report_df["kode"].iloc[keep].to_numpy() if keep else []
    matched = table.data.iloc[keep].assign(kode=kode)[MATCHED_COLUMNS].reset_index(drop=True)
    matched["periode"] = matched["periode"].fillna(DEFAULT_PERIOD).astype(str)
    all_codes = sorted(matcher.index.names)
    periods = by_time(set(table.periods) | set(matched["periode"]))
    have: dict[str, set[str]] = {}
    for k, p in zip(matched["kode"], matched["periode"]):
        have.setdefault(p, set()).add(k)
    without = {p: [c for c in all_codes if c not in have.get(p, set())] for p in periods}
    return JoinResult(level, report_df, matched, without, warnings, reasons)


@dataclass(frozen=True)
class LevelFit:
    """How many rows of a table find an area at each level (by code, name or alias), to catch the wrong level."""

    rows: int
    placed: dict[str, int]  # level -> rows that resolved to an area of that level

    @property
    def best(self) -> str | None:
        """The level placing the most rows (None when no level places any)."""
        level = max(self.placed, key=lambda lv: self.placed[lv], default=None)
        return level if level is not None and self.placed[level] > 0 else None

    def better_than(self, level: str) -> str | None:
        """The level to propose instead of ``level``, when one fits much better (see LEVEL_HINT_RATIO)."""
        best, here = self.best, self.placed.get(level, 0)
        if best is None or best == level:
            return None
        there = self.placed[best]
        return best if there >= LEVEL_HINT_RATIO * max(here, 1) and 2 * there >= self.rows else None


def best_level(
    table: CoverageTable,
    areas_by_level: Mapping[str, pd.DataFrame],
    aliases_by_level: Mapping[str, Iterable[AliasRule]] | None = None,
) -> LevelFit:
    """Match ``table`` against every level in ``areas_by_level``: rows placed per level. A row counts when it
    matches an area once (a repeat of an area is not a fit: a desa table's kabupaten column names 14 areas
    2,130 times) and not through its names after its code said another level."""
    placed = {}
    for level, areas in areas_by_level.items():
        report = join(table, level, areas, (aliases_by_level or {}).get(level, ())).report
        fits = (report["status"] == "matched") & (report["reason_code"] != "join.reason.name_after_bad_code")
        placed[level] = int(fits.sum())
    return LevelFit(int(len(table.data)), placed)
