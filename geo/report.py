"""The join report of ``python -m geo check``: every input row accounted for, as text or JSON."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import DEFAULT_TARGET, fmt
from . import period as periods
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
        for period in periods.ordered(self.result.matched["periode"].dropna().astype(str).unique()):
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
            "notes": self.table.read_notes(self.lang),
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
                + (f" ({periods.label(period, self.lang)})" if period else "")
            )
        for period, areas in d["areas_below_target"].items():
            shown = f" ({periods.label(period, self.lang)})" if period else ""
            lines.append(t("status.below", self.lang) + shown + f": {len(areas)}")
        return "\n".join(lines)


def check_file(
    path: Path, level: str, target: float = DEFAULT_TARGET, lang: str = "id", aliases: Iterable = ()
) -> CheckReport:
    """``aliases``: the store's saved spellings (``geo.join.AliasRule``-like), used like ``publish`` does."""
    table = read_table(path)
    return CheckReport(level, table, join(table, level, aliases=aliases), target, lang)


def report_notes(report: dict, lang: str = "id") -> list[str]:
    """The read notes of a stored/preview report in ``lang`` (older reports have none)."""
    notes = report.get("notes_en") if lang == "en" and "notes_en" in report else report.get("notes")
    return [str(n) for n in notes or []]


def level_hint(report: dict, lang: str = "id") -> str | None:
    """ "These codes are kabupaten/kota codes: publish at that level?" when another level fits much better
    (``report["level_fit"]`` from the store's prepare step), else None."""
    fit = report.get("level_fit") or {}
    better, level = fit.get("better"), str(report.get("level"))
    if not better:
        return None
    placed = fit.get("placed", {})
    return t(
        "publish.level_hint",
        lang,
        other=t(f"level.{better}", lang),
        level=t(f"level.{level}", lang),
        there=fmt.number(placed.get(better, 0), lang),
        here=fmt.number(placed.get(level, 0), lang),
    )


def report_rows(report: dict, lang: str = "id") -> list[dict]:
    """Every row of a stored/preview report, in file order, as the tables show it: the spreadsheet line, what
    was written, the status, the official code and name matched (and how), the reason, the closest areas
    (or "no close match") for a row left unsettled. The counts of ``report["summary"]`` count exactly these."""
    suggestions = report.get("suggestions") or {}
    out = []
    for status in ("matched", "unmatched", "ambiguous", "invalid", "duplicate"):
        for r in report.get(status, []):
            close = suggestions.get(str(r.get("baris")))
            if status in ("unmatched", "ambiguous") and "suggestions" in report:
                shown = "; ".join(f"{c['kode']} {c['nama']}" for c in close) if close else t("suggest.none", lang)
            else:
                shown = ""
            out.append(
                {
                    "baris": int(r.get("baris") or 0),
                    "input": r.get("input") or "",
                    "status": t(f"join.status.{status}", lang),
                    "kode": r.get("kode") or "",
                    "nama": r.get("nama") or "",
                    "via": t(f"via.{r['via']}", lang) if status == "matched" and r.get("via") else "",
                    "reason": (r.get("reason_en") if lang == "en" else None) or r.get("reason") or "",
                    "suggest": shown,
                }
            )
    return sorted(out, key=lambda r: r["baris"])


def result_report(result: JoinResult, lang: str = "id") -> dict:
    """A live join as a report dict (rows grouped by status, reasons in ``lang``), for :func:`report_rows`."""
    rows = result.report_messages(lang).to_dict(orient="records")
    out: dict = {"summary": result.summary(), "level": result.level}
    for status in ("matched", "unmatched", "ambiguous", "invalid", "duplicate"):
        out[status] = [{k: _clean(v) for k, v in r.items()} for r in rows if r["status"] == status]
    return out


def report_frame(report: dict, lang: str = "id", problems_only: bool = False) -> pd.DataFrame:
    """:func:`report_rows` as a table with headers in ``lang`` (row numbers as text). ``problems_only``: the
    rows left out, for the map pages, where a 2,130-row list of matches would weigh on every visit."""
    matched = t("join.status.matched", lang)
    rows = [r for r in report_rows(report, lang) if not problems_only or r["status"] != matched]
    frame = pd.DataFrame(rows, columns=list(REPORT_TABLE_KEYS))
    frame["baris"] = frame["baris"].astype(str)
    return frame.rename(columns={k: t(v, lang) for k, v in REPORT_TABLE_KEYS.items()})


# A stored report's reasons as kinds without any of the table's own text (for visitors of published data).
REASON_KINDS = {
    "join.reason.code_bps": "code",
    "join.reason.code_invalid": "code",
    "join.reason.code_unknown": "code",
    "join.reason.code_wrong_level": "code",
    "join.reason.code_and_name": "code",
    "join.reason.name_unknown": "name",
    "join.reason.name_unknown_suggest": "name",
    "join.reason.no_name": "name",
    "join.reason.not_in_parent": "parent",
    "join.reason.parent_unknown": "parent",
    "join.reason.kind_mismatch": "kind",
    "join.reason.ambiguous": "ambiguous",
    "join.reason.ambiguous_former": "ambiguous",
    "join.reason.total_row": "total",
    "join.reason.duplicate": "duplicate",
    "join.reason.invalid": "invalid",
}
PROBLEM_STATUSES = ("unmatched", "ambiguous", "invalid", "duplicate")


def reason_counts(report: dict, lang: str = "id") -> pd.DataFrame:
    """The rows a stored report left out, as counts per status and kind of reason only: no cell text, no
    file name, no suggestion (what anonymous visitors and viewers see of a published table)."""
    counts: dict[tuple[str, str], int] = {}
    for status in PROBLEM_STATUSES:
        for r in report.get(status, []) or []:
            kind = REASON_KINDS.get(str(r.get("reason_code") or ""), "other")
            counts[(status, kind)] = counts.get((status, kind), 0) + 1
    rows = [
        {
            t("report.col.status", lang): t(f"join.status.{status}", lang),
            t("report.col.reason", lang): t(f"report.reason_kind.{kind}", lang),
            t("report.col.count", lang): n,
        }
        for (status, kind), n in sorted(counts.items(), key=lambda kv: (PROBLEM_STATUSES.index(kv[0][0]), -kv[1]))
    ]
    cols = [t(k, lang) for k in ("report.col.status", "report.col.reason", "report.col.count")]
    return pd.DataFrame(rows, columns=cols)


REPORT_TABLE_KEYS = {
    "baris": "report.col.row",
    "input": "report.col.input",
    "status": "report.col.status",
    "kode": "report.col.kode",
    "nama": "report.col.nama",
    "via": "report.col.via",
    "reason": "report.col.reason",
    "suggest": "report.col.suggest",
}
