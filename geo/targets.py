"""Coverage targets per period and area: the target schedule.

Which target an area gets (highest first):

1. a "what if" target typed in the sidebar (``?target=``) or given as ``--target``: it replaces
   every other target, for every area, so a planner can ask "what if the target were 60%?";
2. the row's own ``target_persen`` in the coverage table;
3. a regional override in the schedule for that kabupaten/kota (``kode`` 61.xx) and period;
4. the schedule's province default (``kode`` 61) for the period; a period without its own
   default uses the latest earlier default (else the earliest), so every period has a target.

A schedule is a CSV with ``periode, kode, target_persen, keterangan``; a period matches
exactly or by its year ("2025-06" uses "2025"). The app ships one row: 2024, 61, 50.24,
RPJMN 2024; editors publish the rest through the store (``kind="targets"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import DEFAULT_TARGET, LEVELS, PROVINCE_CODE, boundaries, classify, fmt
from .classify import _status, coverage_pct, gap_people
from .period import parse as parse_period
from .table import TableError, _text, read_grid
from .text import t

COLUMNS = ["periode", "kode", "target_persen", "keterangan"]
ALIASES = {
    "period": "periode",
    "tahun": "periode",
    "year": "periode",
    "code": "kode",
    "kode_wilayah": "kode",
    "target": "target_persen",
    "target_pct": "target_persen",
    "target (%)": "target_persen",
    "note": "keterangan",
    "sumber": "keterangan",
    "source": "keterangan",
    "catatan": "keterangan",
}
SHIPPED = pd.DataFrame(
    [{"periode": "2024", "kode": PROVINCE_CODE, "target_persen": DEFAULT_TARGET, "keterangan": "RPJMN 2024"}]
)
PERIOD_RE = re.compile(r"^\d{4}(-\d{2})?$")
KAB_RE = re.compile(r"^61\.\d{2}$")


@dataclass(frozen=True)
class Schedule:
    """Validated schedule rows (``COLUMNS``), and where they came from."""

    rows: pd.DataFrame
    origin: str = "shipped"  # "shipped", "published", "file"
    version: str | None = None

    @cached_property
    def key(self) -> tuple:
        """Hashable identity for caches (computed once: every re-run of every session asks for it)."""
        return (self.origin, self.version, tuple(map(tuple, self.rows[COLUMNS].astype(str).to_numpy())))


@dataclass
class Problem:
    row: int | None  # 1-based line in the file (header = 1); None for the whole file
    column: str | None
    key: str
    params: dict = field(default_factory=dict)
    cause: TableError | None = None  # the bounded reader's refusal: its own message (limit, file size)

    def message(self, lang: str = "id") -> str:
        if self.cause is not None:
            return t(self.key, lang, detail=self.cause.message(lang))
        where = []
        if self.row is not None:
            where.append(t("targets.where_row", lang, row=self.row))
        if self.column:
            where.append(t("targets.where_column", lang, column=self.column))
        prefix = (", ".join(where) + ": ") if where else ""
        return prefix + t(self.key, lang, **self.params)


class FileProblems(ValueError):
    """A small hand-made file (a schedule, commitments) that cannot be published; ``problems`` names each row and
    column."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message("en") for p in problems))
        self.problems = problems

    def message(self, lang: str = "id") -> str:
        return " ".join(p.message(lang) + ("" if p.message(lang).endswith(".") else ".") for p in self.problems[:20])


class ScheduleError(FileProblems):
    """A schedule file that cannot be published."""


def shipped() -> Schedule:
    return Schedule(SHIPPED.copy())


def _number(text: str) -> float | None:
    s = str(text).strip().replace("%", "").replace(" ", "")
    if not s:
        return None
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", ".")
    try:
        v = float(s)
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def read_schedule(content: bytes | str, filename: str = "target.csv", kab_codes: set[str] | None = None) -> Schedule:
    """Read and validate a schedule CSV/XLSX; raise ScheduleError naming every bad row and column."""
    raw = read_small_table(content, filename, ("periode", "kode", "target_persen"), ALIASES, "targets", ScheduleError)
    if kab_codes is None:
        kab_codes = _kab_codes()
    problems: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    for i, rec in enumerate(raw[COLUMNS].to_dict("records")):
        line = i + 2  # the file's own line (blank lines are rows of the grid, skipped below)
        vals = {k: str(v).strip() for k, v in rec.items()}
        if not any(vals.values()):
            continue
        period, kode, tgt_text, note = vals["periode"], vals["kode"], vals["target_persen"], vals["keterangan"]
        period = parse_period(period) or period  # any spelling of a year or a month: "Juni 2026" -> "2026-06"
        bad = False
        if not PERIOD_RE.match(period):
            problems.append(Problem(line, "periode", "targets.bad_period", {"value": period}))
            bad = True
        if kode.isdigit() and len(kode) == 4:
            kode = f"{kode[:2]}.{kode[2:]}"
        if kode != PROVINCE_CODE and not (KAB_RE.match(kode) and (not kab_codes or kode in kab_codes)):
            problems.append(Problem(line, "kode", "targets.bad_kode", {"value": kode}))
            bad = True
        value = _number(tgt_text)
        if value is None or not (0 < value <= 100):
            problems.append(Problem(line, "target_persen", "targets.bad_target", {"value": tgt_text}))
            bad = True
        if bad:
            continue
        if (period, kode) in seen:
            problems.append(Problem(line, "kode", "targets.duplicate", {"first": seen[(period, kode)]}))
            continue
        seen[(period, kode)] = line
        rows.append({"periode": period, "kode": kode, "target_persen": float(value), "keterangan": note[:200]})
    if problems:
        raise ScheduleError(problems)
    if not rows:
        raise ScheduleError([Problem(None, None, "targets.no_rows")])
    return Schedule(pd.DataFrame(rows, columns=COLUMNS), origin="file")


def read_schedule_file(path: str | Path, lang: str = "id") -> Schedule:
    return read_small_file(path, read_schedule, ScheduleError, lang)


def read_small_table(
    content: bytes | str,
    filename: str,
    required: tuple[str, ...],
    aliases: dict[str, str],
    keys: str,
    error: type[FileProblems],
) -> pd.DataFrame:
    """A small hand-made table (a schedule, commitments) as text cells, its columns named through ``aliases``, with a
    ``keterangan`` column. The bounded reader of coverage tables reads it, so a hostile file is refused before it is
    parsed; an empty or unreadable file, or one without a ``required`` column, raises ``error`` with the problem
    ``{keys}.empty``, ``{keys}.unreadable`` or ``{keys}.missing_columns``."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if not content.strip():
        raise error([Problem(None, None, f"{keys}.empty")])
    try:
        grid, _name = read_grid(content, filename)
    except TableError as exc:
        raise error([Problem(None, None, f"{keys}.unreadable", cause=exc)]) from None
    head = [_text(v) for v in grid[0]] if grid else []
    width = len(head)
    body = [[_text(v) for v in row[:width]] + [""] * (width - len(row)) for row in grid[1:]]
    raw = pd.DataFrame(body, columns=pd.Index(head) if head else None, dtype=str)
    raw = raw.rename(columns={c: aliases.get(str(c).strip().lower(), str(c).strip().lower()) for c in raw.columns})
    raw = raw.loc[:, ~raw.columns.duplicated()]
    missing = [c for c in required if c not in raw.columns]
    if missing:
        found = ", ".join(map(str, raw.columns))
        raise error([Problem(1, None, f"{keys}.missing_columns", {"missing": ", ".join(missing), "found": found})])
    if "keterangan" not in raw:
        raw["keterangan"] = ""
    return raw


def read_small_file(path: str | Path, reader, error: type[FileProblems], lang: str = "id"):  # noqa: ANN001, ANN201
    """``reader`` of a file on disk; ValueError with the row-and-column message when ``error`` refuses it."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(t("render.error_no_file", lang, path=str(p)))
    try:
        return reader(p.read_bytes(), p.name)
    except error as exc:
        raise ValueError(exc.message(lang)) from None


def _kab_codes() -> set[str]:
    try:
        return set(boundaries.load("kabupaten")["kode"])
    except Exception:  # noqa: BLE001 - no cache yet: check the code's shape only
        return set()


def _kab_names() -> dict[str, str]:
    try:
        kab = boundaries.load("kabupaten")
        return dict(zip(kab["kode"], kab["nama"]))
    except Exception:  # noqa: BLE001
        return {}


def _matches(periods: pd.Series, period: str | None) -> pd.Series:
    if period is None:
        return pd.Series(False, index=periods.index)
    return (periods == period) | (periods == str(period)[:4])


def province_default(schedule: Schedule, period: str | None) -> tuple[float, str]:
    """(target, label) of the province default for ``period`` (see the module docstring)."""
    rows = schedule.rows[schedule.rows["kode"] == PROVINCE_CODE]
    if rows.empty:
        rows = SHIPPED
    exact = rows[_matches(rows["periode"], period)]
    if len(exact):
        row = exact.sort_values("periode").iloc[-1]
    else:
        earlier = rows[rows["periode"].str[:4] <= str(period or "")[:4]] if period else rows.iloc[0:0]
        row = (earlier if len(earlier) else rows).sort_values("periode").iloc[-1 if len(earlier) else 0]
    return float(row["target_persen"]), _label(str(row["keterangan"]), str(row["periode"]))


def _label(note: str, period: str) -> str:
    return note if note else period


def area_targets(
    schedule: Schedule, codes: pd.Series, period: str | None, lang: str = "id"
) -> tuple[pd.Series, pd.Series]:
    """Per area code (any level): (target, where it came from) from the schedule alone.

    A regional override applies to the kabupaten/kota and everything inside it (``kode[:5]``).
    """
    default, default_label = province_default(schedule, period)
    codes = codes.astype(str)
    target = pd.Series(default, index=codes.index, dtype=float)
    label = pd.Series(t("targets.source_default", lang, label=default_label), index=codes.index, dtype=object)
    rows = schedule.rows[(schedule.rows["kode"] != PROVINCE_CODE) & _matches(schedule.rows["periode"], period)]
    if len(rows):
        names = _kab_names()
        rows = rows.sort_values("periode").drop_duplicates("kode", keep="last").set_index("kode")
        kab = codes.str[:5]
        hit = kab.isin(rows.index)
        target[hit] = kab[hit].map(rows["target_persen"]).astype(float)
        label[hit] = [
            t(
                "targets.source_regional",
                lang,
                area=names.get(k, k),
                period=str(rows.at[k, "periode"]),
                note=str(rows.at[k, "keterangan"]) or t("targets.regional_note", lang),
            )
            for k in kab[hit]
        ]
    return target, label


def apply(
    classified: pd.DataFrame, what_if: float | None, schedule: Schedule | None, period: str | None, lang: str = "id"
) -> pd.DataFrame:
    """Set ``target_efektif`` and where it came from (``target_sumber`` in Indonesian,
    ``target_sumber_en``) by the precedence above, and recompute gap and status.

    ``classified`` is ``classify.classify`` output (its row targets in ``target_persen``).
    """
    out = classified.copy()
    if what_if is not None:
        out["target_efektif"] = float(what_if)
        for lg, col in (("id", "target_sumber"), ("en", "target_sumber_en")):
            out[col] = t("targets.source_whatif", lg)
        out["own_target"] = False
    else:
        sched = schedule or shipped()
        sched_t, _ = area_targets(sched, out["kode"], period, "id")
        own = out["target_persen"].notna()
        out["target_efektif"] = out["target_persen"].where(own, sched_t).astype(float)
        for lg, col in (("id", "target_sumber"), ("en", "target_sumber_en")):
            _, labels = area_targets(sched, out["kode"], period, lg)
            out[col] = labels.where(~own, t("targets.source_row", lg))
        # "Own" for the legend: any area whose target is not the province default.
        default, _ = province_default(sched, period)
        out["own_target"] = own | ~np.isclose(out["target_efektif"], default)
    out["cakupan"] = coverage_pct(out["peserta_aktif"], out["tenaga_kerja"])
    gap = gap_people(out["target_efektif"], out["tenaga_kerja"], out["peserta_aktif"])
    out["status"] = _status(out["cakupan"].to_numpy(), np.asarray(gap))
    out["gap"] = np.where(out["status"] == "no_data", np.nan, gap)
    return out


def counted_from(levels: object, level: str) -> str | None:
    """The level whose table gives ``level``'s figures: its own, else the first finer one (see classify_level).

    Its workers are that table's population: "desa" means the village ecosystem (aparat desa, BPD, LKD,
    pekerja rentan; PRODUCT.md), not all workers, so pages and exports must say so.
    """
    have = set(levels)  # type: ignore[call-overload]
    if level in have:
        return level
    finer = [lvl for lvl in LEVELS[LEVELS.index(level) + 1 :] if lvl in have]
    return finer[0] if finer else None


def workers_note(levels: object, level: str, lang: str = "id") -> str | None:
    """What the workers of ``level`` count, when they are the village ecosystem; None when all workers."""
    return t("workers.ecosystem", lang) if counted_from(levels, level) == "desa" else None


def classify_level(
    tables: dict[str, pd.DataFrame],
    areas,
    level: str,
    period: str | None,
    what_if: float | None,
    schedule: Schedule | None,
    lang: str = "id",
) -> pd.DataFrame:
    """Every area of ``level`` with its scheduled (or what-if) target; rolled up from a finer table when needed.

    ``areas(level)`` gives the attribute table. The page (ui/data.py) and the CLI both call this.
    """
    if level in tables:
        base = classify.classify(tables[level], areas(level), DEFAULT_TARGET, period)
        return apply(base, what_if, schedule, period, lang)
    finer = [lvl for lvl in LEVELS[LEVELS.index(level) + 1 :] if lvl in tables]
    if not finer:
        base = classify.classify(pd.DataFrame(columns=["kode", "periode"]), areas(level), DEFAULT_TARGET, period)
        return apply(base, what_if, schedule, period, lang)
    child = classify_level(tables, areas, finer[0], period, what_if, schedule, lang)
    key = "kode_kab" if level == "kabupaten" else "kode_kec"
    default = float(what_if) if what_if is not None else province_default(schedule or shipped(), period)[0]
    rolled = classify.aggregate(child, areas(level), key, default)
    rolled["periode"] = period
    # Parents carry their children's (workers-weighted) target as their own row target.
    if what_if is not None:
        return apply(rolled, what_if, schedule, period, lang)
    out = apply(rolled, None, schedule, period, lang)
    mixed = rolled["target_persen"].notna()
    data = child[child["has_data"]]
    for lg, col in (("id", "target_sumber"), ("en", "target_sumber_en")):
        # One source among the children (e.g. all of Kota Pontianak's desa on its regional target): keep its name.
        single = data.groupby(key)[col].agg(lambda v: v.iloc[0] if v.nunique() == 1 else None)
        named = out["kode"].map(single)
        out.loc[mixed, col] = named[mixed].fillna(t("targets.source_children", lg))
    return out


def legend_label(frame: pd.DataFrame, lang: str = "id") -> str:
    """'target: 50,24% (RPJMN 2024)' — the target(s) in view and where they came from."""
    col = "target_sumber_en" if lang == "en" else "target_sumber"
    if col not in frame or frame.empty:
        return ""
    data = frame[frame.get("has_data", pd.Series(True, index=frame.index)).astype(bool)]
    if data.empty:
        data = frame
    pairs = data.groupby(["target_efektif", col]).size().sort_values(ascending=False)
    parts = [f"{fmt.percent(tg, lang)} ({src})" for (tg, src), _n in pairs.items()]
    more = len(parts) - 3
    text = "; ".join(parts[:3]) + (f"; {t('targets.more', lang, n=more)}" if more > 0 else "")
    return t("targets.legend", lang, targets=text)


ENV_FILE = "KALBAR_TARGETS"  # optional: a schedule CSV an admin points the app at (no store needed)


def in_force(published: Schedule | None, env_file: str | None = None) -> Schedule:
    """The schedule in force: ``published`` (the store's, read by the caller), else the CSV at ``env_file``
    (what $KALBAR_TARGETS names; unreadable or invalid falls back to shipped), else shipped.

    Opens nothing: the caller decides which store to read, so this module stays free of the store.
    The file's rows sit on top of the shipped 2024 default, as published rows do.
    """
    if published is not None:
        return published
    if env_file:
        path = Path(env_file)
        try:
            sched = read_schedule(path.read_bytes(), path.name)
        except (OSError, ScheduleError):
            return shipped()
        return merged(sched.rows, origin="file", version=path.name)
    return shipped()


def merged(rows: pd.DataFrame, origin: str = "published", version: str | None = None) -> Schedule:
    """Published rows on top of the shipped default (a published 2024 province row replaces it)."""
    rows = rows.assign(
        periode=rows["periode"].astype(str),
        kode=rows["kode"].astype(str),
        target_persen=rows["target_persen"].astype(float),
    )
    all_rows = pd.concat([SHIPPED, rows], ignore_index=True).drop_duplicates(["periode", "kode"], keep="last")
    return Schedule(all_rows[COLUMNS].reset_index(drop=True), origin=origin, version=version)
