"""``python -m geo targets publish|show``: the target schedule through the store.

A schedule is published like a coverage table (same store, versions, audit; ``kind="targets"``).
For each period the newest version that covers it is in force, so a correction for 2025 is a
new file with all of 2025's rows; ``python -m geo retract ID`` hides a version (nothing is deleted).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import fmt, targets
from ..store import StoreError, open_store
from ..text import t
from .common import editor, file_content, guarded, open_for, problems_told


def _publish(args: argparse.Namespace) -> int:
    path = Path(args.file)
    content = file_content(path)
    if content is None:
        return 2
    if problems_told(targets.read_schedule, content, path.name, "targets.refused", args.lang):
        return 1
    store = open_for(args)
    if editor(store, args.as_) is None:
        return 2
    result = store.publish_targets(content, path.name, args.as_, args.note or "")
    v = result.version
    if args.json:
        print(
            json.dumps(
                {"published": True, "created": result.created, "version": v.id, "periods": list(v.periods)},
                ensure_ascii=False,
            )
        )
    else:
        key = "targets.published" if result.created else "targets.already"
        print(t(key, args.lang, version=v.id, rows=v.n_rows, periods=", ".join(v.periods)))
    return 0


def _show(args: argparse.Namespace) -> int:
    lang = args.lang
    published = None
    try:
        store = open_store(args.database, create=False)
    except StoreError:
        store = None
    if store is not None:
        try:
            published = store.target_schedule()
        finally:
            store.dispose()
    # As before the store's door: the published schedule, else shipped ($KALBAR_TARGETS is not read here).
    schedule = targets.in_force(published)
    rows = schedule.rows.sort_values(["periode", "kode"])
    if args.period:
        default, label = targets.province_default(schedule, args.period)
        rows = rows[(rows["periode"] == args.period) | (rows["periode"] == args.period[:4])]
    if args.json:
        out = {"origin": schedule.origin, "version": schedule.version, "rows": rows.to_dict("records")}
        if args.period:
            out["default"] = {"periode": args.period, "target_persen": default, "keterangan": label}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(
        t(
            "targets.show_origin",
            lang,
            origin=t(f"targets.origin_{schedule.origin}", lang),
            version=schedule.version or "–",
        )
    )
    print(t("targets.show_header", lang))
    for r in rows.itertuples(index=False):
        print(f"{r.periode:8s} {r.kode:7s} {fmt.percent(r.target_persen, lang):>8s}  {r.keterangan}")
    if args.period:
        print(t("targets.show_default", lang, period=args.period, target=fmt.percent(default, lang), label=label))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """``targets publish|show``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database", help="database URL (default: $KALBAR_DATABASE_URL, secrets.toml, else .data/peta.sqlite)"
    )
    common.add_argument("--lang", choices=("id", "en"), default="id")
    common.add_argument("--json", action="store_true")
    tg = sub.add_parser(
        "targets", help="the target schedule (periode, kode, target_persen, keterangan)"
    ).add_subparsers(dest="targets_command", required=True)
    pub = tg.add_parser("publish", parents=[common], help="validate and publish a target schedule CSV/XLSX")
    pub.add_argument("file")
    pub.add_argument(
        "--as", dest="as_", metavar="NAME", required=True, help="the publishing editor (a user in the store)"
    )
    pub.add_argument("--note", default="")
    pub.set_defaults(func=guarded(_publish))
    show = tg.add_parser("show", parents=[common], help="the schedule in force")
    show.add_argument("--period", help="also say which default applies to this period")
    show.set_defaults(func=guarded(_show))
