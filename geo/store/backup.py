"""One file that holds the whole store, and bringing it back into an empty store.

SQLite: the online backup API copies every page in one step under one read transaction, so the copy
is consistent while the app runs and publishes (WAL or not): a publish in progress is wholly in or
wholly out. PostgreSQL: ``pg_dump --format=custom`` inside a snapshot this module exports, so the
counts it reports are of exactly what was dumped; ``pg_restore`` brings it back. A backup file says
what it is by its own format (SQLite's header, pg_dump's ``PGDMP``), so ``sqlite3`` and ``pg_restore``
read it as is and a restore refuses the wrong kind. A restore goes only into an empty store (never
over published data) and ends with the app's migrations, so an older backup opens at today's schema.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .. import settings
from ..text import t
from . import schema as S
from .engine import BUSY_TIMEOUT_MS, _alembic_config, current_revision, make_engine, migrate, resolve_url
from .models import StoreError, StoreUnavailable
from .store import short_error

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
SUFFIX = {"sqlite": ".sqlite", "postgresql": ".pgdump"}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
PREFIX = "kalbar-backup-"
STAMPED = re.compile(rf"^{PREFIX}\d{{8}}-\d{{6}}(-\d+)?(\.sqlite|\.pgdump)$")
# What a restore must not overwrite: a store with any of these rows is not empty.
COUNTED = {"versions": S.versions, "users": S.users, "audit": S.audit, "aliases": S.aliases}
PG_LIB = Path("/usr/lib/postgresql")  # Debian: one N/bin per installed major version
PG_BIN_ENV = "KALBAR_PG_BIN"  # a folder with pg_dump/pg_restore, when not Debian's /usr/lib/postgresql/*/bin
TOOL_TIMEOUT_S = 6 * 3600


class BackupRefused(StoreError):
    """A backup or restore that cannot be done as asked; nothing was changed. ``key`` is a text key."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(f"{self.message('id')} / {self.message('en')}")

    def message(self, lang: str = "id") -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote, or what a restore brought back (counts and revision of the store after it)."""

    path: Path
    kind: str  # "sqlite" | "postgresql"
    size: int  # bytes of the backup file
    counts: dict[str, int]  # versions, users, audit, aliases
    revision: str | None  # Alembic revision: of the backup (backup), of the store after migrating (restore)
    store: str  # the store's URL without its password
    revision_before: str | None = None  # restore: the backup's own revision
    removed: tuple[Path, ...] = field(default=())  # backup_to_dir: older backups deleted (beyond ``keep``)

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "kind": self.kind,
            "size": self.size,
            "counts": dict(self.counts),
            "revision": self.revision,
            "revision_before": self.revision_before,
            "store": self.store,
            "removed": [str(p) for p in self.removed],
        }


# --- what a file and a URL are --------------------------------------------------------------------


def backend_of(url: str) -> str:
    """ "sqlite" or "postgresql" for a resolved store URL; anything else is refused."""
    try:
        name = make_url(url).get_backend_name()
    except ArgumentError:
        raise StoreUnavailable(f"Alamat basis data tidak sah / invalid database URL: {url!r}") from None
    if name not in SUFFIX:
        raise BackupRefused("backup.unsupported", backend=name)
    return name


def shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def backup_kind(path: Path) -> str:
    """The kind of backup a file is, from its first bytes; a file of neither kind is refused."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupRefused("backup.no_file", path=str(path)) from None
    except OSError as exc:
        raise BackupRefused("backup.unreadable", path=str(path), detail=exc.strerror or str(exc)) from None
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupRefused("backup.not_backup", path=str(path))


def pg_tool(name: str) -> Path:
    """pg_dump or pg_restore: $KALBAR_PG_BIN, else the newest Debian /usr/lib/postgresql/N/bin, else PATH."""
    folders = [Path(settings.env(PG_BIN_ENV))] if settings.env(PG_BIN_ENV) else []
    folders += sorted(
        (p.parent for p in PG_LIB.glob(f"*/bin/{name}")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in folders:
        if (folder / name).is_file() and os.access(folder / name, os.X_OK):
            return folder / name
    found = shutil.which(name)
    if found:
        return Path(found)
    raise BackupRefused("backup.no_pg_client", tool=name)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment carrying it (PGPASSWORD):
    a password never appears on a command line (``ps`` shows those to every user)."""
    u = make_url(url)
    env = dict(settings.environ())
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    user = quote(u.username or "", safe="")
    host = u.host or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{user}@" if user else "") + host + (f":{u.port}" if u.port else "")
    query = "&".join(
        f"{quote(k, safe='')}={quote(v if isinstance(v, str) else v[-1], safe='')}" for k, v in u.query.items()
    )
    uri = f"postgresql://{netloc}/{quote(u.database or '', safe='')}" + (f"?{query}" if query else "")
    return uri, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    tool = Path(cmd[0]).name
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupRefused("backup.tool_failed", tool=tool, detail=str(exc)[:300]) from None
    if done.returncode != 0:
        lines = [ln.strip() for ln in done.stderr.splitlines() if ln.strip()]
        raise BackupRefused("backup.tool_failed", tool=tool, detail=" | ".join(lines[:3])[:500] or done.returncode)


def _known_revision(revision: str | None) -> bool:
    if revision is None:
        return False
    try:
        return ScriptDirectory.from_config(_alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _new_file(path: Path) -> Path:
    """An empty ``NAME.part`` beside ``path``, readable by its owner only (a backup holds password hashes)."""
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return part


# --- counts -------------------------------------------------------------------------------------------


def _sqlite_counts(conn: sqlite3.Connection) -> tuple[dict[str, int], str | None, set[str]]:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    counts = {k: conn.execute(f'SELECT COUNT(*) FROM "{k}"').fetchone()[0] for k in COUNTED if k in names}
    revision = None
    if "alembic_version" in names:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    return {k: counts.get(k, 0) for k in COUNTED}, revision, names


def _counts(conn: Connection) -> tuple[dict[str, int], str | None, set[str]]:
    names = set(inspect(conn).get_table_names())
    counts = {
        k: conn.execute(select(func.count()).select_from(tbl)).scalar_one() for k, tbl in COUNTED.items() if k in names
    }
    revision = None
    if "alembic_version" in names:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {k: int(counts.get(k, 0)) for k in COUNTED}, revision, names


def _refuse_unless_empty(counts: dict[str, int], store: str) -> None:
    if any(counts.values()):
        raise BackupRefused("backup.not_empty", store=store, **counts)


# --- backup ---------------------------------------------------------------------------------------------


def backup(file: str | Path, url: str | None = None, *, overwrite: bool = False) -> BackupResult:
    """Write the store of ``url`` (else the configured one) to ``file``; the store is not changed."""
    resolved = resolve_url(url.strip() if url and url.strip() else None)
    kind = backend_of(resolved)
    path = Path(file).expanduser()
    if path.exists() and not overwrite:
        raise BackupRefused("backup.exists", path=str(path))
    if not path.parent.is_dir():
        raise BackupRefused("backup.no_folder", path=str(path.parent))
    part = _new_file(path)
    try:
        counts, revision = (_backup_sqlite if kind == "sqlite" else _backup_pg)(resolved, part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return BackupResult(path, kind, path.stat().st_size, counts, revision, shown(resolved))


def _backup_sqlite(url: str, part: Path) -> tuple[dict[str, int], str | None]:
    source = Path(make_url(url).database or "")
    if not source.is_file():
        raise BackupRefused("backup.no_store", store=shown(url))
    try:
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
        dst = sqlite3.connect(part)
        try:
            src.backup(dst)  # pages=-1: every page in one step, under one read transaction
            dst.execute("PRAGMA journal_mode=DELETE")  # the file stands alone (no -wal beside it)
            counts, revision, names = _sqlite_counts(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"Basis data / database {shown(url)}: {exc}") from None
    if "versions" not in names:
        raise BackupRefused("backup.no_store", store=shown(url))
    return counts, revision


def _backup_pg(url: str, part: Path) -> tuple[dict[str, int], str | None]:
    pg_dump = pg_tool("pg_dump")
    uri, env = _libpq(url)
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                counts, revision, names = _counts(conn)
                if "versions" not in names:
                    raise BackupRefused("backup.no_store", store=shown(url))
                # pg_dump reads the very snapshot the counts came from; this transaction holds it open meanwhile
                _run([str(pg_dump), "--format=custom", f"--snapshot={snapshot}", f"--file={part}", uri], env)
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"Basis data / database {shown(url)}: {short_error(exc)}") from None
    finally:
        engine.dispose()
    return counts, revision


def stamped_name(kind: str, at: dt.datetime | None = None) -> str:
    """``kalbar-backup-YYYYmmdd-HHMMSS.sqlite|.pgdump`` (UTC): names sort by time."""
    at = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"{PREFIX}{at:%Y%m%d-%H%M%S}{SUFFIX[kind]}"


def _stamp_order(path: Path) -> tuple[str, int]:
    """Oldest first: by the stamp, then by the ``-N`` of a second backup within the same second."""
    m = STAMPED.match(path.name)
    assert m is not None
    return path.name[len(PREFIX) : len(PREFIX) + 15], int(m.group(1)[1:]) if m.group(1) else 1


def backup_to_dir(directory: str | Path, url: str | None = None, *, keep: int = 14) -> BackupResult:
    """A date-stamped backup in ``directory``; then only the newest ``keep`` stamped backups stay there
    (other files in the folder are never touched, and nothing is deleted when the backup failed)."""
    if keep < 1:
        raise BackupRefused("backup.keep", keep=keep)
    folder = Path(directory).expanduser()
    kind = backend_of(resolve_url(url.strip() if url and url.strip() else None))
    name = stamped_name(kind)
    stem = name.removesuffix(SUFFIX[kind])
    taken = [_stamp_order(p)[1] for p in folder.glob(f"{stem}*") if STAMPED.match(p.name)]
    if taken:  # another backup within this second: the next number, so names keep sorting by time
        name = f"{stem}-{max(taken) + 1}{SUFFIX[kind]}"
    result = backup(folder / name, url)
    stamped = sorted((p for p in folder.iterdir() if STAMPED.match(p.name) and p.is_file()), key=_stamp_order)
    removed = tuple(p for p in stamped[: max(0, len(stamped) - keep)] if p != result.path)
    for old in removed:
        old.unlink(missing_ok=True)
    return replace(result, removed=removed)


# --- restore -------------------------------------------------------------------------------------------


def restore(file: str | Path, url: str | None = None) -> BackupResult:
    """Bring the backup ``file`` back into the store of ``url`` (else the configured one), which must be
    empty: absent, or with no versions, users, aliases or audit rows. Then migrate to the app's head."""
    resolved = resolve_url(url.strip() if url and url.strip() else None)
    kind = backend_of(resolved)
    path = Path(file).expanduser()
    found = backup_kind(path)
    if found != kind:
        raise BackupRefused(
            "backup.wrong_kind", path=str(path), kind=NAMES[found], store_kind=NAMES[kind], store=shown(resolved)
        )
    before = (_restore_sqlite if kind == "sqlite" else _restore_pg)(path, resolved)
    engine = make_engine(resolved)
    try:
        migrate(engine)
        with engine.connect() as conn:
            counts, _, _ = _counts(conn)
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"Basis data / database {shown(resolved)}: {short_error(exc)}") from None
    finally:
        engine.dispose()
    return BackupResult(path, kind, path.stat().st_size, counts, revision, shown(resolved), revision_before=before)


def _check_revision(path: Path, revision: str | None) -> None:
    if revision is None:
        raise BackupRefused("backup.not_backup", path=str(path))
    if not _known_revision(revision):
        raise BackupRefused("backup.newer", path=str(path), revision=revision)


def _restore_sqlite(path: Path, url: str) -> str | None:
    target = Path(make_url(url).database or "")
    try:
        src = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupRefused("backup.unreadable", path=str(path), detail=str(exc)) from None
    try:
        try:
            _, revision, names = _sqlite_counts(src)
            ok = src.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.Error as exc:
            raise BackupRefused("backup.unreadable", path=str(path), detail=str(exc)) from None
        if "versions" not in names or not ok:
            raise BackupRefused("backup.not_backup", path=str(path))
        _check_revision(path, revision)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            dst = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"Basis data / database {shown(url)}: {exc}") from None
        try:
            counts, _, _ = _sqlite_counts(dst)
            _refuse_unless_empty(counts, shown(url))
            src.backup(dst)  # replaces every page of the (empty) target, under its write lock
            dst.execute("PRAGMA journal_mode=WAL")  # as the app runs it
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"Basis data / database {shown(url)}: {exc}") from None
        finally:
            dst.close()
    finally:
        src.close()
    return revision


# Tables a fresh (or older) schema may have made, dropped from an empty target before pg_restore recreates them.
_SCHEMA_TABLES = [tbl.name for tbl in reversed(S.metadata.sorted_tables)] + ["login_failures", "alembic_version"]


def _restore_pg(path: Path, url: str) -> str | None:
    pg_restore = pg_tool("pg_restore")
    uri, env = _libpq(url)
    listing = subprocess.run([str(pg_restore), "--list", str(path)], capture_output=True, text=True, env=env)
    if listing.returncode != 0:
        raise BackupRefused("backup.not_backup", path=str(path))
    revision = _pg_revision(pg_restore, path, env)
    _check_revision(path, revision)
    engine = make_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            names = set(inspect(conn).get_table_names())
            present = [n for n in _SCHEMA_TABLES if n in names]
            if present:  # nobody writes between the check and the drop
                conn.execute(text(f"LOCK TABLE {', '.join(present)} IN ACCESS EXCLUSIVE MODE"))
            counts, _, _ = _counts(conn)
            _refuse_unless_empty(counts, shown(url))
            for name in present:
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"Basis data / database {shown(url)}: {short_error(exc)}") from None
    finally:
        engine.dispose()
    _run(
        [
            str(pg_restore),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            uri,
            str(path),
        ],
        env,
    )
    return revision


def _pg_revision(pg_restore: Path, path: Path, env: dict[str, str]) -> str | None:
    """The Alembic revision inside a pg_dump file (its alembic_version data, read without a database)."""
    out = subprocess.run(
        [str(pg_restore), "--data-only", "--table=alembic_version", "--file=-", str(path)],
        capture_output=True,
        text=True,
        env=env,
    )
    lines = out.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines):
            value = lines[i + 1].strip()
            return None if value == "\\." else value
    return None
