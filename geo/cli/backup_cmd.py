"""``python -m geo backup|restore-backup``: the whole store to one file and back (geo/store/backup.py).

Exit 0 when done, 2 with one line on stderr when refused or failed (a non-empty target, a file of
the wrong kind, no PostgreSQL client, an unreachable database); nothing is changed then.
"""

from __future__ import annotations

import argparse
import json

from ..store import StoreError
from ..store.backup import BackupRefused, BackupResult, backup, backup_to_dir, restore
from ..text import t
from .common import err, store_options


def size_text(n: int) -> str:
    """Bytes as people read them: 512 B, 41.3 KB, 12.0 MB."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _say(args: argparse.Namespace, result: BackupResult, key: str) -> None:
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    print(
        t(
            key,
            args.lang,
            kind="SQLite" if result.kind == "sqlite" else "PostgreSQL",
            path=result.path,
            size=size_text(result.size),
            store=result.store,
            revision=result.revision or "—",
            before=result.revision_before or "—",
            **result.counts,
        )
    )
    for old in result.removed:
        print(t("backup.removed", args.lang, path=old))


def _guard(func):  # noqa: ANN001, ANN202
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except BackupRefused as exc:
            return err(exc.message(args.lang))
        except StoreError as exc:
            return err(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        except KeyboardInterrupt:
            return err("dibatalkan / interrupted")

    return run


def _backup(args: argparse.Namespace) -> int:
    if (args.file is None) == (args.dir is None):
        return err("FILE atau --dir DIR (salah satu) / FILE or --dir DIR (one of them)")
    if args.dir is not None:
        result = backup_to_dir(args.dir, args.database, keep=args.keep)
    else:
        result = backup(args.file, args.database, overwrite=args.overwrite)
    _say(args, result, "backup.done")
    return 0


def _restore(args: argparse.Namespace) -> int:
    _say(args, restore(args.file, args.database), "backup.restored")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """backup, restore-backup (``restore`` is taken: it brings back a retracted version)."""
    common = store_options(json_output=True)

    b = sub.add_parser(
        "backup",
        parents=[common],
        help="write the whole store to one file (SQLite online backup, or pg_dump --format=custom)",
    )
    b.add_argument("file", nargs="?", help="the backup file to write")
    b.add_argument("--dir", help="write a date-stamped kalbar-backup-YYYYmmdd-HHMMSS file here instead")
    b.add_argument("--keep", type=int, default=14, help="with --dir: keep this many newest backups (default 14)")
    b.add_argument("--overwrite", action="store_true", help="replace FILE when it exists")
    b.set_defaults(func=_guard(_backup))

    r = sub.add_parser(
        "restore-backup",
        parents=[common],
        help="bring a backup back into an EMPTY store (refused otherwise), then migrate it",
    )
    r.add_argument("file", help="a file written by `python -m geo backup`")
    r.set_defaults(func=_guard(_restore))
