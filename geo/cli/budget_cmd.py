"""``python -m geo budget`` and ``python -m geo pack``: a kabupaten/kota's budget sheet (PDF) and its desa's
APBDes table (CSV), and the briefing pack (a province page and a page per kabupaten/kota), from the data in
force on the store this machine is configured with (published, else the sample, labelled as such)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import plan as planning
from ..text import t
from ..view import inforce
from .common import CliError, commitments_in_force, err, guarded, normalise_kab, scope


def _inputs(args: argparse.Namespace):  # noqa: ANN202 - sheets.Inputs (matplotlib only for these commands)
    from ..view import budgets  # noqa: PLC0415 - imports matplotlib: not for every command of python -m geo

    d = inforce.data_in_force()
    period = args.period
    if period is not None and period not in d.periods:
        from ..period import parse  # noqa: PLC0415

        period = parse(period) or period
        if period not in d.periods:
            raise CliError(t("render.error_period", args.lang, period=args.period, choices=", ".join(d.periods) or "–"))
    iuran = planning.parse_iuran(args.iuran)
    if iuran is None:
        raise CliError(t("plan.error_iuran", args.lang, value=args.iuran, max=planning.MAX_IURAN))
    return budgets.inputs(d, commitments_in_force(), period, args.lang, iuran)


def _budget(args: argparse.Namespace) -> int:
    from .. import sheets  # noqa: PLC0415 - matplotlib only for this command

    if not args.out and not args.csv:
        return err(t("budget.error_no_output", args.lang))
    try:
        kab = scope(normalise_kab(args.kab), "desa", args.lang)
        inp = _inputs(args)
    except CliError as exc:
        return err(str(exc))
    if args.out:
        Path(args.out).write_bytes(sheets.sheet_pdf(inp, kab))
        print(args.out)
    if args.csv:
        Path(args.csv).write_bytes(sheets.desa_csv(inp, kab))
        print(args.csv)
    return 0


def _pack(args: argparse.Namespace) -> int:
    from .. import sheets  # noqa: PLC0415 - matplotlib only for this command

    try:
        inp = _inputs(args)
    except CliError as exc:
        return err(str(exc))
    start = time.perf_counter()
    Path(args.out).write_bytes(sheets.pack_pdf(inp))
    print(f"{args.out} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    print(args.out)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """``budget --kab K --out F.pdf [--csv F.csv]`` and ``pack --out F.pdf``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--period", help="the data's period (default: the latest)")
    common.add_argument("--iuran", default=str(planning.DEFAULT_IURAN), help="monthly contribution, rupiah")
    common.add_argument("--lang", choices=("id", "en"), default="id")
    b = sub.add_parser("budget", parents=[common], help="a kabupaten/kota's budget sheet (PDF) and desa table (CSV)")
    b.add_argument("--kab", required=True, help="kode kabupaten/kota, e.g. 61.04")
    b.add_argument("--out", help="write the one-page PDF sheet here")
    b.add_argument("--csv", help="write each desa's people and rupiah per year (for its APBDes) here")
    b.set_defaults(func=guarded(_budget))
    p = sub.add_parser("pack", parents=[common], help="the briefing pack: a province page and a page per kabupaten")
    p.add_argument("--out", required=True, help="the PDF to write")
    p.set_defaults(func=guarded(_pack))
