"""``python -m geo commitments publish|template|show``: who pays, through the store.

Published like the target schedule (same store, versions, audit; ``kind="commitments"``). For each year the
newest version that covers it is in force; ``python -m geo retract ID`` hides a version (nothing is deleted).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import commitments, fmt
from ..text import t
from .common import commitments_in_force, editor, file_content, guarded, open_for, problems_told, store_options


def _publish(args: argparse.Namespace) -> int:
    path = Path(args.file)
    content = file_content(path)
    if content is None:
        return 2
    if problems_told(commitments.read, content, path.name, "commit.refused", args.lang):
        return 1
    store = open_for(args)
    try:
        if editor(store, args.by) is None:
            return 2
        result = store.publish_commitments(content, path.name, args.by, args.note or "")
    finally:
        store.dispose()
    v = result.version
    if args.json:
        out = {"published": True, "created": result.created, "version": v.id, "years": list(v.periods)}
        print(json.dumps(out, ensure_ascii=False))
    else:
        key = "commit.published" if result.created else "commit.already"
        print(t(key, args.lang, version=v.id, rows=v.n_rows, periods=", ".join(v.periods)))
    return 0


def _show(args: argparse.Namespace) -> int:
    lang = args.lang
    c = commitments_in_force(args.database)
    rows = c.rows.sort_values(["tahun", "penyandang_dana", "kode"])
    if args.json:
        print(
            json.dumps(
                {"origin": c.origin, "version": c.version, "rows": rows.to_dict("records")},
                ensure_ascii=False,
                indent=2,
                default=int,
            )
        )
        return 0
    origin = t(f"commit.origin_{c.origin}", lang)
    print(t("commit.show_origin", lang, origin=origin, version=c.version or "–"))
    if rows.empty:
        print(t("commit.none", lang))
        return 0
    print(t("commit.show_header", lang))
    for r in rows.itertuples(index=False):
        who = commitments.funder_label(r.penyandang_dana, lang)
        print(f"{r.tahun:<6d} {who:16s} {r.kode:14s} {fmt.number(r.orang, lang):>7s}  {r.keterangan}")
    return 0


def _template(args: argparse.Namespace) -> int:
    text = commitments.template_csv()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """``commitments publish|template|show``."""
    common = store_options(json_output=True)
    cm = sub.add_parser("commitments", help="who pays: penyandang_dana, kode, tahun, orang, keterangan").add_subparsers(
        dest="commitments_command", required=True
    )
    pub = cm.add_parser("publish", parents=[common], help="validate and publish a commitments CSV/XLSX")
    pub.add_argument("file")
    pub.add_argument(
        "--by", "--as", dest="by", metavar="NAME", required=True, help="the publishing editor (a user in the store)"
    )
    pub.add_argument("--note", default="")
    pub.set_defaults(func=guarded(_publish))
    tpl = cm.add_parser("template", help="print (or --out) the CSV template")
    tpl.add_argument("--out", help="write the template to this file")
    tpl.set_defaults(func=guarded(_template))
    show = cm.add_parser("show", parents=[common], help="the commitments in force")
    show.set_defaults(func=guarded(_show))
