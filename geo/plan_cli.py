"""``python -m geo plan``: the scenario panel's allocation on the command line (same functions)."""

from __future__ import annotations

import json

from . import fmt as numfmt
from . import plan as planning
from .text import t


def plan_cli(args) -> int:
    """Print the allocation (text or ``--json``); exit 0, or 2 with a one-line reason."""
    from . import targets
    from .render import _CliError, _err, cli_scope, cli_tables

    lang = args.lang
    level = args.level
    slots = planning.parse_slots(args.slots)
    if slots is None:
        return _err(t("plan.error_slots", lang, value=args.slots, max=numfmt.number(planning.MAX_SLOTS, lang)))
    iuran = planning.parse_iuran(args.iuran)
    if iuran is None:
        return _err(t("plan.error_iuran", lang, value=args.iuran, max=numfmt.rupiah(planning.MAX_IURAN, lang)))
    months = planning.parse_months(args.bulan)
    if months is None:
        return _err(t("plan.error_bulan", lang, value=args.bulan, max=planning.MAX_MONTHS))
    what_if = None
    if args.target is not None:
        try:
            what_if = float(str(args.target).replace(",", "."))
        except ValueError:
            what_if = None
        if what_if is None or not (0 <= what_if <= 100):
            return _err(t("url.bad_target", lang, value=args.target))
    try:
        kab = cli_scope(args.kab, level, lang)
        tables, _names, is_sample, period = cli_tables(args.table, level, args.period, lang)
    except _CliError as exc:
        return _err(str(exc))

    try:
        schedule = _schedule(args, lang)
    except ValueError as exc:
        return _err(str(exc))
    frame = targets.classify_level(tables, _areas, level, period, what_if, schedule, lang)
    frame = planning.scope(frame, kab)
    result = planning.plan(frame, slots, iuran, months)
    if args.json:
        out = result.as_dict()
        out.update({"level": level, "kab": kab, "period": period, "is_sample": is_sample,
                    "cost_text": numfmt.rupiah_short(result.cost_rupiah, lang)})
        if is_sample:
            out["note"] = t("sample.banner", lang)
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(as_text(result, lang, is_sample))
    return 0


def _schedule(args, lang: str):
    """The target schedule: ``--targets FILE`` when given, else the published/shipped one."""
    from . import targets

    if getattr(args, "targets", None):
        return targets.read_schedule_file(args.targets, lang)
    return targets.current_schedule()


def _areas(level: str):
    import pandas as pd

    from . import boundaries

    return pd.DataFrame(boundaries.load(level).drop(columns=["geometry", "display"]))


def as_text(result: planning.Plan, lang: str, is_sample: bool) -> str:
    lines = []
    if is_sample:
        lines.append(f"[{t('sample.banner', lang)}]")
    head = f"{t('col.kode', lang):<15} {t('col.nama', lang):<32} {t('col.gap', lang):>18} {t('plan.col_slots', lang):>12}  {t('plan.col_reaches', lang)}"
    lines.append(head)
    for r in result.items.itertuples(index=False):
        if r.slots <= 0 and r.gap <= 0:
            continue
        mark = t("plan.yes", lang) if r.reaches_target else ""
        lines.append(f"{r.kode:<15} {r.nama[:32]:<32} {numfmt.number(r.gap, lang):>18} {numfmt.number(r.slots, lang):>12}  {mark}")
    lines.append("")
    lines.append(t("plan.summary_text", lang, reached=numfmt.number(result.areas_reaching_target, lang),
                   used=numfmt.number(result.slots_used, lang), slots=numfmt.number(result.slots, lang),
                   cost=numfmt.rupiah(result.cost_rupiah, lang), short=numfmt.rupiah_short(result.cost_rupiah, lang),
                   before=numfmt.percent(result.coverage_before, lang), after=numfmt.percent(result.coverage_after, lang),
                   iuran=numfmt.rupiah(result.iuran, lang), months=result.months))
    return "\n".join(lines)
