"""``python -m geo users|publish|versions|retract|restore|aliases``: the store from the command line.

Made for monthly automation: exit 0 on success, 1 when a table is refused for unmatched,
ambiguous or invalid rows, for a missing period or for no row matching at the level (the report is
printed), 2 for anything else (unknown user, unreadable
file, unreachable database) with one clear line on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import asdict
from pathlib import Path

from .. import LEVELS
from ..period import label as period_label
from ..report import level_hint, report_notes
from ..stamp import when
from ..store import PartialTable, TableRefused
from ..text import t
from ..view import shown
from .common import editor, err, file_content, guarded, open_for, store_options


def _jsonable(obj: object) -> object:
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


def report_text(report: dict, lang: str = "id") -> str:
    """The refusal report: counts, then every unsettled row with its reason and closest areas."""
    s = report.get("summary", {})
    lines = [
        f"{report.get('file', '')} — {t('level.' + str(report.get('level')), lang)}",
        t(
            "join.summary",
            lang,
            rows=s.get("rows", 0),
            matched=s.get("matched", 0),
            unmatched=s.get("unmatched", 0),
            ambiguous=s.get("ambiguous", 0),
            invalid=s.get("invalid", 0),
            duplicate=s.get("duplicate", 0),
        ),
    ]
    lines += report_notes(report, lang)
    if hint := level_hint(report, lang):
        lines.append(hint)
    suggestions = report.get("suggestions", {})
    for key in ("unmatched", "ambiguous", "invalid", "duplicate"):
        for r in report.get(key, []):
            lines.append(
                f"  {t('col.row', lang)} {r.get('baris')}: {r.get('input')} "
                f"→ {t('join.status.' + key, lang)}: {r.get('reason')}"
            )
            close = suggestions.get(str(r.get("baris")))
            if close == [] and str(r.get("reason_code", "")).startswith("join.reason.name_unknown"):
                lines.append("      " + t("store.cli.closest", lang) + ": " + t("suggest.none", lang))
            if close:
                lines.append(
                    "      "
                    + t("store.cli.closest", lang)
                    + ": "
                    + "; ".join(
                        f"{c['kode']} {c['nama']}" + (f" ({c['where']})" if c.get("where") else "") for c in close[:3]
                    )
                )
    return "\n".join(lines)


# --- commands ---------------------------------------------------------------------------------


def _users_add(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif args.no_password:
        password = None
    else:
        password = getpass.getpass(t("store.cli.password_prompt", args.lang, name=args.name) + " ")
        if password != getpass.getpass(t("store.cli.password_again", args.lang) + " "):
            return err(t("store.cli.password_mismatch", args.lang))
    if password is not None and len(password) < 8:
        return err(t("store.cli.password_short", args.lang))
    store = open_for(args)
    user = store.add_user(
        args.name, args.role, password, email=args.email, by=args.by or "cli", display_name=args.display_name
    )
    print(t("store.cli.user_added", args.lang, name=user.name, role=user.role))
    return 0


def _users_display(args: argparse.Namespace) -> int:
    """What visitors see instead of the login name (stamps, open data); empty: the role's word."""
    store = open_for(args)
    store.set_display_name(args.name, args.display_name, by=args.by or "cli")
    user = store.user(args.name)
    shown = user.display_name if user and user.display_name else t(f"auth.role.{user.role}", args.lang)
    print(t("store.cli.display_set", args.lang, name=args.name, shown=shown))
    return 0


def _users_list(args: argparse.Namespace) -> int:
    users = open_for(args).users()
    if args.json:
        print(json.dumps([_jsonable(asdict(u)) for u in users], ensure_ascii=False, indent=2))
        return 0
    for u in users:
        print(
            f"{u.name:20s} {u.role:7s} {'aktif' if u.active else 'nonaktif':9s} {u.email or ''}  {u.display_name or ''}"
        )
    return 0


def _publish(args: argparse.Namespace) -> int:
    path = Path(args.file)
    content = file_content(path)
    if content is None:
        return 2
    store = open_for(args)
    if editor(store, args.as_) is None:
        return 2
    try:
        result = store.publish(
            content,
            path.name,
            args.level,
            args.as_,
            args.note or "",
            accept_partial=args.accept_partial,
            period=args.periode,
        )
    except TableRefused as refused:  # a table problem (no period, nothing matched here): refused, exit 1
        if args.json:
            out = {"published": False, "refused": refused.message(args.lang), "report": refused.report}
            print(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            if refused.report:
                print(report_text(refused.report, args.lang))
            print(f"{t('editor.refused', args.lang)}: {refused.message(args.lang)}", file=sys.stderr)
        return 1
    except PartialTable as refused:
        if args.json:
            print(json.dumps({"published": False, "report": refused.report}, ensure_ascii=False, indent=2))
        else:
            print(report_text(refused.report, args.lang))
            print(t("store.cli.refused", args.lang))
        return 1
    v = result.version
    link = shown.absolute(shown.version_link(v))  # what the publish page offers: it reopens this version
    if args.json:
        print(
            json.dumps(
                {"published": True, "created": result.created, "version": _jsonable(asdict(v)), "link": link},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for note in report_notes(store.report(v.id), args.lang):  # how the file was read (a merged header)
            print(note)
        key = "store.cli.published" if result.created else "store.cli.already"
        print(
            t(
                key,
                args.lang,
                id=v.id,
                file=v.filename,
                level=t("level." + str(v.level), args.lang),
                periods=", ".join(period_label(p, args.lang) for p in v.periods) or "—",
                matched=v.n_matched,
                rows=v.n_rows,
            )
        )
        print(t("store.cli.link", args.lang, link=link))
    return 0


def _versions(args: argparse.Namespace) -> int:
    store = open_for(args)
    versions = store.versions(args.kind)
    if args.json:
        print(json.dumps([_jsonable(asdict(v)) for v in versions], ensure_ascii=False, indent=2))
        return 0
    for v in versions:
        flag = t("store.cli.retracted", args.lang) if v.retracted else ""
        print(
            f"{v.id:5d}  {when(v.published_at)}  {v.level or '-':10s} {','.join(v.periods):16s} "
            f"{v.n_matched:5d}/{v.n_rows:<5d} {v.published_by:12s} {v.filename}  {flag}".rstrip()
        )
    for v, odd in store.unreadable_periods(args.kind):
        print(t("store.cli.period_unreadable", args.lang, id=v.id, periods=", ".join(odd)))
    return 0


def _flag(args: argparse.Namespace, retract: bool) -> int:
    store = open_for(args)
    if editor(store, args.as_) is None:
        return 2
    if retract:
        store.retract(args.version, args.as_, args.reason or "")
    else:
        store.restore(args.version, args.as_)
    print(t("store.cli.retracted_done" if retract else "store.cli.restored_done", args.lang, id=args.version))
    return 0


def _aliases_list(args: argparse.Namespace) -> int:
    aliases = open_for(args).aliases(args.level)
    if args.json:
        print(json.dumps([_jsonable(asdict(a)) for a in aliases], ensure_ascii=False, indent=2))
        return 0
    for a in aliases:
        print(
            f"{a.id:5d}  {a.level:10s} {a.name!r} → {a.kode}"
            + (f" ({a.parent})" if a.parent else "")
            + f"  {a.created_by} {a.created_at:%Y-%m-%d}"
        )
    return 0


def _aliases_remove(args: argparse.Namespace) -> int:
    store = open_for(args)
    if editor(store, args.as_) is None:
        return 2
    store.remove_alias(args.id, args.as_)
    print(t("store.cli.alias_removed", args.lang, id=args.id))
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """users, publish, versions, retract, restore, aliases."""
    common = store_options()

    users = sub.add_parser("users", help="manage editors and admins").add_subparsers(
        dest="users_command", required=True
    )
    add = users.add_parser("add", parents=[common], help="add a user (password from a prompt or --password-stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=("editor", "admin"), required=True)
    add.add_argument("--email", help="for sign-in through the organisation's OpenID provider")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    add.add_argument("--no-password", action="store_true", help="no built-in password (OpenID sign-in only)")
    add.add_argument("--as", dest="by", help="who adds the user (for the audit log)")
    add.add_argument(
        "--display-name", help="what visitors see as the publisher instead of the login name (default: the role)"
    )
    add.set_defaults(func=guarded(_users_add))
    disp = users.add_parser(
        "display-name", parents=[common], help="set what visitors see as the publisher (empty: the role)"
    )
    disp.add_argument("name")
    disp.add_argument("display_name", nargs="?", default="")
    disp.add_argument("--as", dest="by", help="who changes it (for the audit log)")
    disp.set_defaults(func=guarded(_users_display))
    lst = users.add_parser("list", parents=[common])
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=guarded(_users_list))

    pub = sub.add_parser("publish", parents=[common], help="publish a coverage table for everyone")
    pub.add_argument("file")
    pub.add_argument("--level", choices=LEVELS, required=True)
    pub.add_argument(
        "--as", dest="as_", metavar="NAME", required=True, help="the publishing editor (a user in the store)"
    )
    pub.add_argument("--note", default="")
    pub.add_argument("--periode", "--period", dest="periode", metavar="P", help=t("publish.cli_period", "en"))
    pub.add_argument("--accept-partial", action="store_true", help="publish even with unmatched/ambiguous/invalid rows")
    pub.add_argument("--json", action="store_true")
    pub.set_defaults(func=guarded(_publish))

    ver = sub.add_parser("versions", parents=[common], help="list published versions, newest first")
    ver.add_argument("--kind", default="coverage")
    ver.add_argument("--json", action="store_true")
    ver.set_defaults(func=guarded(_versions))

    for name, retract in (("retract", True), ("restore", False)):
        p = sub.add_parser(name, parents=[common], help=f"{name} a published version (nothing is deleted)")
        p.add_argument("version", type=int)
        p.add_argument("--as", dest="as_", metavar="NAME", required=True)
        if retract:
            p.add_argument("--reason", default="")
        p.set_defaults(func=guarded(lambda a, r=retract: _flag(a, r)))

    al = sub.add_parser("aliases", help="saved spellings of area names").add_subparsers(
        dest="aliases_command", required=True
    )
    al_list = al.add_parser("list", parents=[common])
    al_list.add_argument("--level", choices=LEVELS)
    al_list.add_argument("--json", action="store_true")
    al_list.set_defaults(func=guarded(_aliases_list))
    al_rm = al.add_parser("remove", parents=[common])
    al_rm.add_argument("id", type=int)
    al_rm.add_argument("--as", dest="as_", metavar="NAME", required=True)
    al_rm.set_defaults(func=guarded(_aliases_remove))
