"""The join report of ``python -m geo check``: every input row accounted for, as text or JSON."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import DEFAULT_TARGET, fmt
from .boundaries import areas as level_areas
from .classify import BELOW, classify
from .join import JoinResult, join
from .table import CoverageTable, read_table
from .text import t


def _clean(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


@dataclass
class CheckReport:
    level: str
    table: CoverageTable
    result: JoinResult
    target: float
    lang: str

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({i.row for i in self.table.issues if i.severity == "error" and i.row is not None})

    def below_target(self) -> dict[str, list[dict]]:
        areas = level_areas(self.level)
        out: dict[str, list[dict]] = {}
        for period in sorted(self.result.matched["periode"].dropna().astype(str).unique()):
            c = classify(self.result.matched, areas, self.target, period)
            below = c[c["status"] == BELOW].sort_values("gap", ascending=False)
            out[period] = [
                {
                    "kode": r.kode,
                    "nama": r.nama,
                    "cakupan": round(float(r.cakupan), 2),
                    "target": float(r.target_efektif),
                    "gap": int(r.gap),
                }
                for r in below.itertuples()
            ]
        return out

    def as_dict(self) -> dict:
        report = self.result.report_messages(self.lang)
        rows = [{k: _clean(v) for k, v in rec.items()} for rec in report.to_dict(orient="records")]
        not_matched = [r for r in rows if r.get("status") != "matched"]
        return {
            "file": self.table.source_name,
            "level": self.level,
            "target": self.target,
            "rows": len(report),
            "summary": {k: _clean(v) for k, v in self.result.summary().items()},
            "matched": [r for r in rows if r.get("status") == "matched"],
            "unmatched": [r for r in not_matched if r.get("status") == "unmatched"],
            "ambiguous": [r for r in not_matched if r.get("status") == "ambiguous"],
            "invalid": [r for r in not_matched if r.get("status") == "invalid"],
            "duplicate": [r for r in not_matched if r.get("status") == "duplicate"],
            "row_errors": [
                {
                    "row": i.row,
                    "column": i.column,
                    "code": i.code,
                    "severity": i.severity,
                    "message": i.message(self.lang),
                }
                for i in self.table.issues
                if i.severity in ("error", "warning", "info")
            ],
            "areas_without_data": self.result.areas_without_data,
            "areas_below_target": self.below_target(),
        }

    def as_text(self) -> str:
        d = self.as_dict()
        s = d["summary"]
        lines = [
            f"{d['file']} — {t('level.' + self.level, self.lang)}",
            t(
                "join.summary",
                self.lang,
                rows=d["rows"],
                matched=s.get("matched", 0),
                unmatched=s.get("unmatched", 0),
                ambiguous=s.get("ambiguous", 0),
                invalid=s.get("invalid", 0),
                duplicate=s.get("duplicate", 0),
            ),
        ]
        for e in d["row_errors"]:
            where = f"{t('col.row', self.lang)} {e['row']}" if e["row"] is not None else "—"
            col = f", {t('col.column', self.lang)} {e['column']}" if e["column"] else ""
            lines.append(f"  [{e['severity']}] {where}{col}: {e['message']}")
        for key in ("unmatched", "ambiguous", "duplicate"):
            for r in d[key]:
                lines.append(
                    f"  {t('col.row', self.lang)} {r.get('baris')}: {r.get('input')} "
                    f"→ {t('join.status.' + key, self.lang)}: {r.get('reason')}"
                )
        for r in d["matched"]:
            lines.append(
                f"  {t('col.row', self.lang)} {r.get('baris')}: {r.get('input')} → {r.get('kode')} {r.get('nama')}"
            )
        for period, codes in d["areas_without_data"].items():
            lines.append(
                t("join.no_data_areas", self.lang, n=fmt.number(len(codes), self.lang))
                + (f" ({period})" if period else "")
            )
        for period, areas in d["areas_below_target"].items():
            lines.append(t("status.below", self.lang) + (f" ({period})" if period else "") + f": {len(areas)}")
        return "\n".join(lines)


def check_file(
    path: Path, level: str, target: float = DEFAULT_TARGET, lang: str = "id", aliases: Iterable = ()
) -> CheckReport:
    """``aliases``: the store's saved spellings (``geo.join.AliasRule``-like), used like ``publish`` does."""
    table = read_table(path)
    return CheckReport(level, table, join(table, level, aliases=aliases), target, lang)
