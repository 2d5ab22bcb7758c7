"""``python -m geo targets publish|show``: the target schedule through the store.

A schedule is published like a coverage table (same store, versions, audit; ``kind="targets"``).
For each period the newest version that covers it is in force, so a correction for 2025 is a
new file with all of 2025's rows; ``python -m geo retract ID`` hides a version (nothing is deleted).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import targets
from .text import t

KIND = "targets"


def _err(message: str) -> int:
    print(f"GAGAL / FAILED: {message}", file=sys.stderr)
    return 2


def publish_schedule(store, content: bytes, filename: str, by: str, note: str = ""):  # noqa: ANN001, ANN201
    """Validate and publish; raises ``targets.ScheduleError`` (nothing written) on any bad row."""
    schedule = targets.read_schedule(content, filename)
    rows = schedule.rows
    report = {"file": filename, "kind": KIND, "level": None,
              "summary": {"rows": len(rows), "matched": len(rows), "unmatched": 0, "ambiguous": 0, "invalid": 0, "duplicate": 0}}
    periods = sorted(set(rows["periode"]))
    return store.publish_rows(KIND, None, filename, content, rows, report, periods, by, note)


def schedule_from_store(store) -> targets.Schedule | None:  # noqa: ANN001
    """The schedule in force in ``store`` (published rows over the shipped default), or None if none is published."""
    rows = store.current_rows(None, kind=KIND)
    if rows is None or len(rows) == 0:
        return None
    per = store.current(KIND).get("", {})
    version = ",".join(str(v.id) for v in sorted({v.id: v for v in per.values()}.values(), key=lambda v: v.id))
    return targets.merged(rows[targets.COLUMNS], origin="published", version=version or None)


def _publish(args: argparse.Namespace) -> int:
    from .cli_store import _editor, _open

    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        return _err(f"{path}: {exc.strerror or exc}")
    try:
        targets.read_schedule(content, path.name)  # validate before touching the store
    except targets.ScheduleError as exc:
        for p in exc.problems:
            print(p.message(args.lang))
        print(t("targets.refused", args.lang))
        return 1
    store = _open(args)
    if _editor(store, args.as_) is None:
        return 2
    result = publish_schedule(store, content, path.name, args.as_, args.note or "")
    v = result.version
    if args.json:
        print(json.dumps({"published": True, "created": result.created, "version": v.id, "periods": list(v.periods)}, ensure_ascii=False))
    else:
        key = "targets.published" if result.created else "targets.already"
        print(t(key, args.lang, version=v.id, rows=v.n_rows, periods=", ".join(v.periods)))
    return 0


def _show(args: argparse.Namespace) -> int:
    from .store import StoreError, open_store

    lang = args.lang
    schedule = None
    try:
        store = open_store(args.database, create=False)
    except StoreError:
        store = None
    if store is not None:
        try:
            schedule = schedule_from_store(store)
        finally:
            store.dispose()
    schedule = schedule or targets.shipped()
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
    from . import fmt

    print(t("targets.show_origin", lang, origin=t(f"targets.origin_{schedule.origin}", lang), version=schedule.version or "–"))
    print(t("targets.show_header", lang))
    for r in rows.itertuples(index=False):
        print(f"{r.periode:8s} {r.kode:7s} {fmt.percent(r.target_persen, lang):>8s}  {r.keterangan}")
    if args.period:
        print(t("targets.show_default", lang, period=args.period, target=fmt.percent(default, lang), label=label))
    return 0


def add_targets_parser(sub) -> None:  # noqa: ANN001
    from .cli_store import _guarded

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", help="database URL (default: $KALBAR_DATABASE_URL, secrets.toml, else .data/peta.sqlite)")
    common.add_argument("--lang", choices=("id", "en"), default="id")
    common.add_argument("--json", action="store_true")
    tg = sub.add_parser("targets", help="the target schedule (periode, kode, target_persen, keterangan)").add_subparsers(
        dest="targets_command", required=True)
    pub = tg.add_parser("publish", parents=[common], help="validate and publish a target schedule CSV/XLSX")
    pub.add_argument("file")
    pub.add_argument("--as", dest="as_", metavar="NAME", required=True, help="the publishing editor (a user in the store)")
    pub.add_argument("--note", default="")
    pub.set_defaults(func=_guarded(_publish))
    show = tg.add_parser("show", parents=[common], help="the schedule in force")
    show.add_argument("--period", help="also say which default applies to this period")
    show.set_defaults(func=_guarded(_show))
