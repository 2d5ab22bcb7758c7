"""``python -m geo plan``: the scenario panel's allocation on the command line (same functions)."""

from __future__ import annotations

import argparse
import json

from .. import LEVELS, boundaries, budget, commitments, sample, targetpath, targets
from .. import fmt as numfmt
from .. import plan as planning
from ..text import t
from .common import CliError, commitments_in_force, err, level_tables, schedule_in_force, scope


def add_parser(sub: argparse._SubParsersAction) -> None:
    """``plan``: where N new bantuan iuran recipients go (same allocation as the scenario panel)."""
    p = sub.add_parser("plan", help="allocate N new bantuan iuran slots so the most areas reach target")
    p.add_argument("--level", choices=LEVELS, required=True)
    p.add_argument("--kab", help="kode kabupaten/kota, e.g. 61.04 (kecamatan/desa levels)")
    p.add_argument("--slots", required=True, help="N new bantuan iuran recipients")
    p.add_argument("--table", help="coverage table (default: the sample table)")
    p.add_argument("--period")
    p.add_argument("--target", help="what-if target (%%) for every area (default: the target schedule)")
    p.add_argument(
        "--iuran", default=str(planning.DEFAULT_IURAN), help="monthly contribution per person, rupiah (default 16800)"
    )
    p.add_argument("--bulan", default=str(planning.DEFAULT_MONTHS), help="months (default 12)")
    p.add_argument(
        "--targets", help="target schedule CSV (periode,kode,target_persen,keterangan) instead of the published one"
    )
    p.add_argument(
        "--year",
        help="a year of the target path (e.g. 2027): each area's need is the people it still needs by that "
        "year's end (default: today's gap)",
    )
    p.add_argument(
        "--commitments",
        help="commitments CSV (penyandang_dana,kode,tahun,orang,keterangan) instead of the published ones",
    )
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the allocation (text or ``--json``); exit 0, or 2 with a one-line reason."""
    lang = args.lang
    level = args.level
    slots = planning.parse_slots(args.slots)
    if slots is None:
        return err(t("plan.error_slots", lang, value=args.slots, max=numfmt.number(planning.MAX_SLOTS, lang)))
    iuran = planning.parse_iuran(args.iuran)
    if iuran is None:
        return err(t("plan.error_iuran", lang, value=args.iuran, max=numfmt.rupiah(planning.MAX_IURAN, lang)))
    months = planning.parse_months(args.bulan)
    if months is None:
        return err(t("plan.error_bulan", lang, value=args.bulan, max=planning.MAX_MONTHS))
    what_if = None
    if args.target is not None:
        try:
            what_if = float(str(args.target).replace(",", "."))
        except ValueError:
            what_if = None
        if what_if is None or not (0 <= what_if <= 100):
            return err(t("url.bad_target", lang, value=args.target))
    try:
        kab = scope(args.kab, level, lang)
        tables, _names, is_sample, period = level_tables(args.table, level, args.period, lang)
    except CliError as exc:
        return err(str(exc))

    try:
        schedule = _schedule(args, lang)
    except ValueError as exc:
        return err(str(exc))
    schedule = sample.schedule_for_sample(schedule) if is_sample else schedule
    frame = targets.classify_level(tables, boundaries.areas, level, period, what_if, schedule, lang)
    frame = planning.scope(frame, kab)
    try:
        commits = _commitments(args, lang)
    except ValueError as exc:
        return err(str(exc))
    year = None
    if args.year is not None:
        path = targetpath.years(schedule, period) if period else []
        year = int(args.year) if str(args.year).strip().isdigit() else None
        if year not in path:
            return err(t("budget.error_year", lang, value=args.year, choices=", ".join(map(str, path)) or "–"))
    if period:  # needs less what is committed (for the year, else the period's year)
        frame = budget.for_plan(frame, schedule, period, commits, year)
    result = planning.plan(frame, slots, iuran, months)
    if args.json:
        out = result.as_dict()
        out.update(
            {
                "level": level,
                "kab": kab,
                "period": period,
                "is_sample": is_sample,
                "cost_text": numfmt.rupiah_short(result.cost_rupiah, lang),
                "year": year,
                "commitments_version": commits.version,
                "committed": int(frame["komitmen_orang"].fillna(0).sum()) if "komitmen_orang" in frame else 0,
            }
        )
        if is_sample:
            out["note"] = t("sample.banner", lang)
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(as_text(result, lang, is_sample))
    return 0


def _schedule(args: argparse.Namespace, lang: str) -> targets.Schedule:
    """The target schedule: ``--targets FILE`` when given, else the one in force (store, $KALBAR_TARGETS, shipped)."""
    if getattr(args, "targets", None):
        return targets.read_schedule_file(args.targets, lang)
    return schedule_in_force()


def _commitments(args: argparse.Namespace, lang: str) -> commitments.Commitments:
    """``--commitments FILE`` when given, else the published ones (none when the store has none)."""
    if getattr(args, "commitments", None):
        return commitments.read_file(args.commitments, lang)
    return commitments_in_force()


def as_text(result: planning.Plan, lang: str, is_sample: bool) -> str:
    lines = []
    if is_sample:
        lines.append(f"[{t('sample.banner', lang)}]")
    head = (
        f"{t('col.kode', lang):<15} {t('col.nama', lang):<32} {t('col.gap', lang):>18} "
        f"{t('plan.col_slots', lang):>12}  {t('plan.col_reaches', lang)}"
    )
    lines.append(head)
    for r in result.items.itertuples(index=False):
        if r.slots <= 0 and r.gap <= 0:
            continue
        mark = t("plan.yes", lang) if r.reaches_target else ""
        lines.append(
            f"{r.kode:<15} {r.nama[:32]:<32} {numfmt.number(r.gap, lang):>18}"
            f" {numfmt.number(r.slots, lang):>12}  {mark}"
        )
    lines.append("")
    lines.append(
        t(
            "plan.summary_text",
            lang,
            reached=numfmt.number(result.areas_reaching_target, lang),
            used=numfmt.number(result.slots_used, lang),
            slots=numfmt.number(result.slots, lang),
            cost=numfmt.rupiah(result.cost_rupiah, lang),
            short=numfmt.rupiah_short(result.cost_rupiah, lang),
            before=numfmt.percent(result.coverage_before, lang),
            after=numfmt.percent(result.coverage_after, lang),
            iuran=numfmt.rupiah(result.iuran, lang),
            months=result.months,
        )
    )
    return "\n".join(lines)
