"""From uploaded bytes to what a version stores: matched rows, JSON report, new aliases (coverage);
validated rows and a clean report (a target schedule)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import DEFAULT_TARGET, LEVELS, boundaries, commitments, targets
from ..join import AliasRule, best_level, join
from ..period import ordered as period_order
from ..report import CheckReport
from ..suggest import suggest
from ..table import parse_period, read_table, with_period
from .models import StoreError, TableRefused

_PARENT_LEN = {"kabupaten": None, "kecamatan": 5, "desa": 8}
TARGETS_KIND = "targets"  # versions of the target schedule (``kind`` column); coverage tables are "coverage"


@dataclass
class Prepared:
    rows: pd.DataFrame
    report: dict
    periods: list[str]
    new_aliases: list[tuple[str, str, str | None]] = field(default_factory=list)


def pick_aliases(table, level: str, areas: pd.DataFrame, picks: dict[int, str]) -> list[tuple[str, str, str | None]]:  # noqa: ANN001
    """Each pick {row number: kode} as (spelling in that row, kode, parent kode)."""
    known = set(areas["kode"])
    by_row = {int(r["baris"]): r for r in table.data.to_dict(orient="records")}
    out = []
    for baris, kode in sorted(picks.items()):
        row = by_row.get(int(baris))
        if row is None:
            raise StoreError(f"Baris {baris} tidak ada di tabel / row {baris} is not in the table")
        if kode not in known:
            raise StoreError(f"Baris {baris}: kode {kode} bukan wilayah tingkat {level} / not a {level} area")
        name = next(
            (
                row[c].strip()
                for c in (level, "nama", "kode_input", "kode")
                if isinstance(row.get(c), str) and row[c].strip()
            ),
            None,
        )
        if not name:
            raise StoreError(f"Baris {baris}: tidak ada nama untuk alias / no name to save as an alias")
        cut = _PARENT_LEN[level]
        out.append((name, kode, kode[:cut] if cut else None))
    return out


def build_report(table, result, level: str, areas: pd.DataFrame, target: float = DEFAULT_TARGET) -> dict:  # noqa: ANN001
    """What ``python -m geo check --json`` prints, plus suggestions for every unsettled row."""
    report = CheckReport(level, table, result, target, "id").as_dict()
    english = dict(zip(result.report["baris"].astype(int), result.report_messages("en")["reason"]))
    for status in ("matched", "unmatched", "ambiguous", "invalid", "duplicate"):
        for row in report.get(status, []):  # the visitor-facing report speaks the page's language
            row["reason_en"] = english.get(int(row["baris"]), row.get("reason"))
    report["notes_en"] = table.read_notes("en")
    report["suggestions"] = {str(k): v for k, v in suggest(table, result, areas).items()}
    return report


def prepare(
    content: bytes,
    filename: str,
    level: str,
    aliases: list,
    picks: dict[int, str],
    areas: pd.DataFrame | None = None,
    period: str | None = None,
    all_aliases: dict[str, list] | None = None,
) -> Prepared:
    """Read, give the table its ``period`` when it names none, join at ``level`` and at every other level
    (to catch the wrong level), build the report. Raises TableRefused for a period typed wrongly."""
    areas = boundaries.areas(level) if areas is None else areas
    table = read_table(content, filename=filename)
    missing, applied = table.period_missing, None
    if period is not None and str(period).strip():
        given = parse_period(period)
        if given is None:
            raise TableRefused("publish.period_invalid", value=str(period).strip()[:40])
        if missing:
            table, applied = with_period(table, given), given
    new = pick_aliases(table, level, areas, picks) if picks else []
    rules = [*aliases, *(AliasRule(n, k, p, True) for n, k, p in new)]
    result = join(table, level, areas, aliases=rules)
    report = build_report(table, result, level, areas)
    others = {lv: boundaries.areas(lv) for lv in LEVELS if lv != level}
    fit = best_level(table, {level: areas, **others}, {level: rules, **(all_aliases or {})})
    report["level_fit"] = {"placed": fit.placed, "better": fit.better_than(level)}
    periods = period_order(set(result.matched["periode"].astype(str)))
    report["period"] = {"missing": missing, "given": applied, "periods": periods}
    return Prepared(result.matched, report, periods, new)


def _whole(rows, filename: str, kind: str) -> Prepared:  # noqa: ANN001 - a pandas frame
    """A table read all or nothing (a schedule, commitments) as a version stores it: every row kept, its periods."""
    summary = {"rows": len(rows), "matched": len(rows), "unmatched": 0, "ambiguous": 0, "invalid": 0, "duplicate": 0}
    report = {"file": filename, "kind": kind, "level": None, "summary": summary}
    return Prepared(rows, report, sorted(set(rows["periode"])))


def prepare_targets(content: bytes, filename: str) -> Prepared:
    """A target schedule as a version stores it; raises ``targets.ScheduleError`` on any bad row."""
    return _whole(targets.read_schedule(content, filename).rows, filename, TARGETS_KIND)


def prepare_commitments(content: bytes, filename: str) -> Prepared:
    """A commitments table as a version stores it (rows with each year's key in ``periode``); raises
    ``commitments.CommitmentsError`` on any bad row."""
    return _whole(commitments.stored_rows(commitments.read(content, filename)), filename, commitments.KIND)
