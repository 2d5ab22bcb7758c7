"""``python -m geo``: the argument parser for every command, and the fetch and check commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import DEFAULT_TARGET, LEVELS, settings
from ..boundaries import CacheMissing, build_cache
from ..report import check_file
from ..sample import write_samples
from ..source import SourceError
from ..store import StoreError, open_store
from ..table import TableError
from ..view import inforce
from . import (
    backup_cmd,
    budget_cmd,
    commitments_cmd,
    pace_cmd,
    plan_cmd,
    render_cmd,
    store_cmd,
    targets_cmd,
    view_cmd,
)


def _fetch(args: argparse.Namespace) -> int:
    try:
        summary = build_cache(args.source, progress=lambda msg: print(msg, file=sys.stderr))
    except SourceError as exc:
        print(f"GAGAL / FAILED: {exc}", file=sys.stderr)
        return 2
    samples = write_samples()
    inforce.sample_tables()  # read and joined once now and kept beside them: the first page does not wait for it
    for level in LEVELS:
        print(
            f"{level:10s} {summary.counts[level]:5d} wilayah/areas  valid={summary.all_valid}  "
            f"diperbaiki/repaired={summary.invalid_repaired[level]}  luas/area={summary.area_km2[level]:,.0f} km²"
        )
    print(f"cache: {summary.cache}")
    print("contoh/sample: " + ", ".join(str(p) for p in samples.values()))
    return 0 if summary.all_valid else 1


def _store_aliases(args: argparse.Namespace) -> list:
    """The store's aliases for ``check``; a missing or unreachable store only costs a note on stderr."""
    try:
        db = open_store(args.database, create=False)
    except StoreError as exc:
        if args.database or settings.database_url_setting():
            print(f"!! {exc} — alias tidak dipakai / aliases not used", file=sys.stderr)
        return []
    try:
        return db.aliases(args.level)
    except StoreError as exc:
        print(f"!! {exc} — alias tidak dipakai / aliases not used", file=sys.stderr)
        return []
    finally:
        db.dispose()


def _check(args: argparse.Namespace) -> int:
    try:
        report = check_file(
            Path(args.file), args.level, target=args.target, lang=args.lang, aliases=_store_aliases(args)
        )
    except (TableError, CacheMissing, OSError) as exc:
        print(f"GAGAL / FAILED: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.as_text())
    return 1 if report.invalid_rows else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Peta Cakupan Jamsostek Kalbar")
    sub = parser.add_subparsers(dest="command", required=True)

    fetch = sub.add_parser("fetch", help="build the boundary cache (and the sample tables)")
    fetch.add_argument(
        "--source", help="local folder with the upstream layout (default: $KALBAR_BOUNDARY_SOURCE, else download)"
    )
    fetch.set_defaults(func=_fetch)

    check = sub.add_parser("check", help="validate a coverage table and print its join report")
    check.add_argument("file")
    check.add_argument("--level", choices=LEVELS, required=True)
    check.add_argument("--target", type=float, default=DEFAULT_TARGET)
    check.add_argument("--lang", choices=("id", "en"), default="id")
    check.add_argument("--json", action="store_true")
    check.add_argument(
        "--database",
        help="store URL for saved aliases (default: $KALBAR_DATABASE_URL, secrets.toml, .data/peta.sqlite)",
    )
    check.set_defaults(func=_check)

    render_cmd.add_parser(sub)
    view_cmd.add_parser(sub)
    plan_cmd.add_parser(sub)
    pace_cmd.add_parser(sub)
    targets_cmd.add_parser(sub)
    commitments_cmd.add_parser(sub)
    budget_cmd.add_parsers(sub)
    store_cmd.add_parsers(sub)
    backup_cmd.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))
