"""``python -m geo render``: the map as a PNG/PDF for reports, offline (``geo.render`` draws it)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import LEVELS, boundaries, sample, style, targets
from .. import fmt as numfmt
from ..text import t
from .common import CliError, err, level_tables, schedule_in_force, scope


def add_parser(sub: argparse._SubParsersAction) -> None:
    render = sub.add_parser("render", help="render a static map (PNG/PDF) for reports")
    render.add_argument("--level", choices=("kabupaten", "kecamatan", "desa"), required=True)
    render.add_argument("--kab", help="kode kabupaten/kota, e.g. 61.04")
    render.add_argument("--table", help="coverage table (default: the sample table)")
    render.add_argument("--period")
    render.add_argument(
        "--target", type=float, default=None, help="what-if target for every area (default: the target schedule)"
    )
    render.add_argument(
        "--iuran", type=int, default=None, help="monthly contribution per person for the cost line (default 16800)"
    )
    render.add_argument("--bulan", type=int, default=None, help="months for the cost line (default 12)")
    render.add_argument("--lang", choices=("id", "en"), default="id")
    render.add_argument("--format", choices=("png", "pdf"), default="png")
    render.add_argument(
        "--color",
        choices=("gap", "coverage"),
        default="gap",
        help="gap: distance to target (default, as the app); coverage: the sequential coverage scale",
    )
    render.add_argument("--out", required=True)
    render.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the map; exit 0, or 2 with a one-line reason (no traceback)."""
    # matplotlib (through geo.render) only for this command: the other commands start without it.
    from ..render import RenderError, render_map  # noqa: PLC0415 - see above

    level = args.level
    lang = getattr(args, "lang", None) or "id"
    fmt = getattr(args, "format", None) or "png"
    what_if = getattr(args, "target", None)  # None: each area's target from the schedule
    period = getattr(args, "period", None) or None
    out = Path(args.out)
    started = time.perf_counter()

    try:
        kab = scope(getattr(args, "kab", None), level, lang)
        if not out.parent.is_dir():
            raise CliError(t("render.error_out_dir", lang, path=str(out.parent)))
        tables, names, is_sample, period = level_tables(getattr(args, "table", None), level, period, lang)
    except CliError as exc:
        return err(str(exc))

    used = (
        level if level in tables else next((lvl for lvl in LEVELS[LEVELS.index(level) + 1 :] if lvl in tables), level)
    )
    data_name = names.get(used, "")
    schedule = schedule_in_force()
    schedule = sample.schedule_for_sample(schedule) if is_sample else schedule
    frame = targets.classify_level(tables, boundaries.areas, level, period, what_if, schedule, lang)
    target = float(what_if) if what_if is not None else targets.province_default(schedule, period)[0]
    shown = frame[frame["kode_kab"] == kab] if kab else frame
    if not shown["has_data"].any():
        print(t("render.warn_no_rows", lang, level=level), file=sys.stderr)
    try:
        data = render_map(
            frame,
            level,
            lang=lang,
            period=period,
            target=target,
            is_sample=is_sample,
            data_source=data_name,
            kab=kab,
            fmt=fmt,
            out=out,
            color=getattr(args, "color", None) or style.DEFAULT_COLORING,
            iuran=getattr(args, "iuran", None),
            months=getattr(args, "bulan", None),
            workers_note=targets.workers_note(tables.keys(), level, lang),
        )
    except (RenderError, OSError) as exc:
        return err(str(exc))
    seconds = time.perf_counter() - started
    print(
        t(
            "render.written",
            lang,
            path=str(out),
            size=numfmt.number(len(data) / 1024, lang),
            seconds=numfmt.number(seconds, lang, 1),
        )
    )
    return 0
