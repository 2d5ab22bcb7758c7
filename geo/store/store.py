"""The one door to the database: every query of the project lives in this module.

Published versions are immutable (only their ``retracted`` flag changes); aliases are removed by
marking; nothing is deleted. Every change that viewers can see bumps one counter in the same
transaction, so ``change_token()`` is a single-row read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, and_, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from .. import targets
from ..names import name_key
from . import schema as S
from .models import (
    Alias,
    AuditEntry,
    PartialTable,
    PublishResult,
    StoreError,
    StoreUnavailable,
    TableRefused,
    User,
    Version,
)
from .publishing import TARGETS_KIND, prepare, prepare_targets

ROLES = ("editor", "admin")
FAILURE_WINDOW = dt.timedelta(minutes=15)
PAUSE_ENV = "KALBAR_STORE_PAUSE_IN_PUBLISH"  # test hook: "SECONDS[:MARKER_FILE]", sleeps inside the transaction
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; everything stored is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def login_delay(failures: int) -> float:
    """Seconds to wait before checking a password after ``failures`` recent failures for that name."""
    return 0.0 if failures < 3 else min(0.25 * 2 ** (failures - 3), 8.0)


def short_error(exc: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's background link."""
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return first[:300]


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def frame_from_bytes(data: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(data))


class _AlreadyPublished(Exception):
    def __init__(self, version: Version) -> None:
        self.version = version


class Store:
    """A database holding published versions, users, aliases and the audit log."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._rows_cache: OrderedDict[int, pd.DataFrame] = OrderedDict()  # versions never change
        self._rows_lock = threading.Lock()  # one Store serves every session thread of a Streamlit process

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()

    # --- plumbing -------------------------------------------------------------------------

    def _fail(self, exc: SQLAlchemyError) -> StoreUnavailable:
        return StoreUnavailable(f"Basis data / database {self.display_url}: {short_error(exc)}")

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise self._fail(exc) from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One transaction; on SQLite BEGIN IMMEDIATE, so concurrent writers wait their turn."""
        try:
            with self.engine.connect().execution_options(write=True) as conn:
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise self._fail(exc) from None

    @staticmethod
    def _bump(conn: Connection) -> None:
        """First statement of a visible change: takes the write lock and moves change_token()."""
        conn.execute(update(S.state).where(S.state.c.id == 1).values(serial=S.state.c.serial + 1))

    @staticmethod
    def _log(conn: Connection, who: str, action: str, detail: dict) -> None:
        conn.execute(
            insert(S.audit).values(
                at=now(), who=who, action=action, detail=json.dumps(detail, ensure_ascii=False, default=str)
            )
        )

    # --- audit ----------------------------------------------------------------------------

    def log(self, who: str, action: str, detail: dict | None = None) -> None:
        with self._write() as conn:
            self._log(conn, who, action, detail or {})

    def audit(self, limit: int = 200) -> list[AuditEntry]:
        with self._read() as conn:
            rows = conn.execute(select(S.audit).order_by(S.audit.c.id.desc()).limit(limit)).all()
        return [AuditEntry(r.id, _utc(r.at), r.who, r.action, json.loads(r.detail)) for r in rows]

    # --- users ----------------------------------------------------------------------------

    @staticmethod
    def _user(r) -> User:  # noqa: ANN001
        return User(r.id, r.name, r.role, r.email, bool(r.active), bool(r.password_hash), _utc(r.created_at))

    def add_user(
        self, name: str, role: str, password: str | None = None, email: str | None = None, by: str = "cli"
    ) -> User:
        name = name.strip()
        if not name or len(name) > 128:
            raise StoreError(f"Nama pengguna tidak sah / invalid user name: {name!r}")
        if role not in ROLES:
            raise StoreError(f"Peran tidak dikenal / unknown role: {role!r} ({', '.join(ROLES)})")
        email = email.strip().lower() if email else None
        hashed = _hasher.hash(password) if password else None
        try:
            with self._write() as conn:
                conn.execute(
                    insert(S.users).values(
                        name=name, email=email, role=role, password_hash=hashed, active=True, created_at=now()
                    )
                )
                self._log(conn, by, "user_add", {"name": name, "role": role, "email": email})
        except StoreError as exc:
            if self.user(name) is not None or (email and self.user_by_email(email)):
                raise StoreError(f"Pengguna sudah ada / user already exists: {name}") from None
            raise exc
        found = self.user(name)
        assert found is not None
        return found

    def user(self, name: str) -> User | None:
        with self._read() as conn:
            r = conn.execute(select(S.users).where(S.users.c.name == name)).first()
        return self._user(r) if r else None

    def user_by_email(self, email: str) -> User | None:
        with self._read() as conn:
            r = conn.execute(select(S.users).where(S.users.c.email == email.strip().lower())).first()
        return self._user(r) if r else None

    def users(self) -> list[User]:
        with self._read() as conn:
            return [self._user(r) for r in conn.execute(select(S.users).order_by(S.users.c.name))]

    def _change_user(self, name: str, by: str, action: str, detail: dict, **values: object) -> None:
        with self._write() as conn:
            done = conn.execute(update(S.users).where(S.users.c.name == name).values(**values)).rowcount
            if not done:
                raise StoreError(f"Pengguna tidak dikenal / unknown user: {name}")
            self._log(conn, by, action, {"name": name, **detail})

    def set_role(self, name: str, role: str, by: str) -> None:
        if role not in ROLES:
            raise StoreError(f"Peran tidak dikenal / unknown role: {role!r} ({', '.join(ROLES)})")
        self._change_user(name, by, "user_role", {"role": role}, role=role)

    def set_active(self, name: str, active: bool, by: str) -> None:
        self._change_user(name, by, "user_active", {"active": bool(active)}, active=bool(active))

    def set_password(self, name: str, password: str, by: str) -> None:
        if not password:
            raise StoreError("Kata sandi kosong / empty password")
        self._change_user(name, by, "user_password", {}, password_hash=_hasher.hash(password))

    def recent_failures(self, name: str) -> int:
        with self._read() as conn:
            r = conn.execute(select(S.login_failures).where(S.login_failures.c.name == name)).first()
        if r is None or now() - _utc(r.last_failed_at) > FAILURE_WINDOW:
            return 0
        return int(r.failures)

    def verify_password(self, name: str, password: str, client: str = "") -> User | None:
        """The active user when ``password`` is right; repeated failures for a name wait longer each time."""
        name = name.strip()[:128]
        delay = login_delay(self.recent_failures(name))
        if delay:
            time.sleep(delay)
        with self._read() as conn:
            r = conn.execute(select(S.users).where(S.users.c.name == name)).first()
        ok = False
        try:
            ok = _hasher.verify(r.password_hash if r is not None and r.password_hash else _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
        ok = ok and r is not None and bool(r.password_hash) and bool(r.active)
        with self._write() as conn:
            if ok:
                conn.execute(S.login_failures.delete().where(S.login_failures.c.name == name))
                self._log(conn, name, "login", {"client": client})
                return self._user(r)
            prev = conn.execute(select(S.login_failures).where(S.login_failures.c.name == name)).first()
            stamp = now()
            if prev is None:
                conn.execute(insert(S.login_failures).values(name=name, failures=1, last_failed_at=stamp))
                count = 1
            else:
                count = 1 if stamp - _utc(prev.last_failed_at) > FAILURE_WINDOW else prev.failures + 1
                conn.execute(
                    update(S.login_failures)
                    .where(S.login_failures.c.name == name)
                    .values(failures=count, last_failed_at=stamp)
                )
            self._log(
                conn,
                name,
                "login_failed",
                {"client": client, "failures": count, "known_user": r is not None, "delay_s": delay},
            )
        return None

    # --- aliases --------------------------------------------------------------------------

    @staticmethod
    def _alias(r) -> Alias:  # noqa: ANN001
        return Alias(r.id, r.level, r.name, r.kode, r.parent, r.created_by, _utc(r.created_at))

    def aliases(self, level: str | None = None) -> list[Alias]:
        q = select(S.aliases).where(S.aliases.c.removed_at.is_(None)).order_by(S.aliases.c.id)
        if level:
            q = q.where(S.aliases.c.level == level)
        with self._read() as conn:
            return [self._alias(r) for r in conn.execute(q)]

    @staticmethod
    def _insert_alias(conn: Connection, level: str, name: str, kode: str, by: str, parent: str | None) -> int:
        key = name_key(name, level) or name.strip().lower()
        res = conn.execute(
            insert(S.aliases).values(
                level=level, name=name.strip(), name_key=key, kode=kode, parent=parent, created_by=by, created_at=now()
            )
        )
        alias_id = int(res.inserted_primary_key[0])
        Store._log(
            conn, by, "alias_add", {"id": alias_id, "level": level, "name": name, "kode": kode, "parent": parent}
        )
        return alias_id

    def add_alias(self, level: str, name: str, kode: str, by: str, parent: str | None = None) -> Alias:
        with self._write() as conn:
            self._bump(conn)
            alias_id = self._insert_alias(conn, level, name, kode, by, parent)
            r = conn.execute(select(S.aliases).where(S.aliases.c.id == alias_id)).one()
        return self._alias(r)

    def remove_alias(self, alias_id: int, by: str) -> None:
        with self._write() as conn:
            self._bump(conn)
            done = conn.execute(
                update(S.aliases)
                .where(and_(S.aliases.c.id == alias_id, S.aliases.c.removed_at.is_(None)))
                .values(removed_by=by, removed_at=now())
            ).rowcount
            if not done:
                raise StoreError(f"Alias tidak dikenal / unknown alias: {alias_id}")
            self._log(conn, by, "alias_remove", {"id": alias_id})

    # --- versions -------------------------------------------------------------------------

    @staticmethod
    def _version(r) -> Version:  # noqa: ANN001
        return Version(
            r.id,
            r.kind,
            r.level,
            tuple(json.loads(r.periods)),
            r.filename,
            r.sha256,
            r.note,
            r.published_by,
            _utc(r.published_at),
            bool(r.retracted),
            int(r.n_rows),
            int(r.n_matched),
            json.loads(r.summary),
        )

    def versions(self, kind: str | None = "coverage", include_retracted: bool = True) -> list[Version]:
        """Newest first; ``kind=None`` lists every kind."""
        q = select(S.versions).order_by(S.versions.c.id.desc())
        if kind:
            q = q.where(S.versions.c.kind == kind)
        if not include_retracted:
            q = q.where(S.versions.c.retracted.is_(False))
        with self._read() as conn:
            return [self._version(r) for r in conn.execute(q)]

    def version(self, version_id: int) -> Version | None:
        with self._read() as conn:
            r = conn.execute(select(S.versions).where(S.versions.c.id == int(version_id))).first()
        return self._version(r) if r else None

    def _data(self, version_id: int, *cols: str):  # noqa: ANN202
        with self._read() as conn:
            r = conn.execute(
                select(*(S.version_data.c[c] for c in cols)).where(S.version_data.c.version_id == int(version_id))
            ).first()
        if r is None:
            raise StoreError(f"Versi tidak dikenal / unknown version: {version_id}")
        return r

    def rows(self, version_id: int) -> pd.DataFrame:
        """The matched rows of a version (a copy; cached per process because versions never change)."""
        version_id = int(version_id)
        with self._rows_lock:
            cached = self._rows_cache.get(version_id)
        if cached is None:
            r = self._data(version_id, "rows", "n_rows")
            cached = frame_from_bytes(r.rows)
            if len(cached) != r.n_rows:
                raise StoreError(f"Versi {version_id} rusak / corrupt: {len(cached)} != {r.n_rows} rows")
            with self._rows_lock:
                self._rows_cache[version_id] = cached
                while len(self._rows_cache) > 32:
                    self._rows_cache.popitem(last=False)
        return cached.copy()

    def report(self, version_id: int) -> dict:
        return json.loads(self._data(version_id, "report").report)

    def original(self, version_id: int) -> tuple[str, bytes]:
        v = self.version(version_id)
        if v is None:
            raise StoreError(f"Versi tidak dikenal / unknown version: {version_id}")
        return v.filename, bytes(self._data(version_id, "original").original)

    def find_published(self, sha256: str, level: str | None, kind: str = "coverage") -> Version | None:
        with self._read() as conn:
            return self._find(conn, sha256, level, kind)

    def _find(self, conn: Connection, sha256: str, level: str | None, kind: str) -> Version | None:
        level_is = S.versions.c.level.is_(None) if level is None else S.versions.c.level == level
        r = conn.execute(
            select(S.versions)
            .where(
                S.versions.c.sha256 == sha256, S.versions.c.kind == kind, level_is, S.versions.c.retracted.is_(False)
            )
            .order_by(S.versions.c.id.desc())
        ).first()
        return self._version(r) if r else None

    def publish_rows(
        self,
        kind: str,
        level: str | None,
        filename: str,
        content: bytes,
        rows: pd.DataFrame,
        report: dict,
        periods: list[str],
        by: str,
        note: str = "",
        *,
        aliases: list[tuple[str, str, str | None]] = (),
    ) -> PublishResult:
        """One transaction: the version, its data, the picked ``aliases`` (name, kode, parent) and the audit entry."""
        sha = hashlib.sha256(content).hexdigest()
        summary = report.get("summary", {}) if isinstance(report, dict) else {}
        blob = frame_to_bytes(rows.reset_index(drop=True))
        report_json = json.dumps(report, ensure_ascii=False, default=str)
        try:
            return self._publish_rows(
                kind, level, filename, content, rows, report_json, summary, periods, by, note, aliases, sha, blob
            )
        except _AlreadyPublished as found:
            return PublishResult(found.version, False)

    def _publish_rows(
        self,
        kind: str,
        level: str | None,
        filename: str,
        content: bytes,
        rows: pd.DataFrame,
        report_json: str,
        summary: dict,
        periods: list[str],
        by: str,
        note: str,
        aliases: list[tuple[str, str, str | None]],
        sha: str,
        blob: bytes,
    ) -> PublishResult:
        with self._write() as conn:
            self._bump(conn)  # the write lock first: a concurrent publish of the same bytes waits, then sees ours
            if (existing := self._find(conn, sha, level, kind)) is not None:
                raise _AlreadyPublished(existing)  # rolls the bump back
            res = conn.execute(
                insert(S.versions).values(
                    kind=kind,
                    level=level,
                    periods=json.dumps(sorted(set(map(str, periods)))),
                    filename=filename[:255],
                    sha256=sha,
                    note=note,
                    published_by=by,
                    published_at=now(),
                    retracted=False,
                    n_rows=int(summary.get("rows", len(rows))),
                    n_matched=int(len(rows)),
                    summary=json.dumps(summary, ensure_ascii=False, default=str),
                )
            )
            version_id = int(res.inserted_primary_key[0])
            for name, kode, parent in aliases:
                self._insert_alias(conn, level or "", name, kode, by, parent)
            self._pause_hook()
            conn.execute(
                insert(S.version_data).values(
                    version_id=version_id, original=content, report=report_json, rows=blob, n_rows=len(rows)
                )
            )
            self._log(
                conn,
                by,
                "publish",
                {
                    "version": version_id,
                    "kind": kind,
                    "level": level,
                    "filename": filename,
                    "sha256": sha,
                    "rows": len(rows),
                    "note": note,
                },
            )
            r = conn.execute(select(S.versions).where(S.versions.c.id == version_id)).one()
        return PublishResult(self._version(r), True)

    @staticmethod
    def _pause_hook() -> None:
        """For the kill test only: stop inside the open transaction so a SIGKILL lands mid-publish."""
        spec = os.environ.get(PAUSE_ENV)
        if not spec:
            return
        seconds, _, marker = spec.partition(":")
        if marker:
            with open(marker, "w", encoding="utf-8") as fh:
                fh.write(str(os.getpid()))
        time.sleep(float(seconds))

    def _aliases_by_level(self) -> dict[str, list[Alias]]:
        out: dict[str, list[Alias]] = {}
        for a in self.aliases():
            out.setdefault(a.level, []).append(a)
        return out

    def preview(
        self,
        content: bytes,
        filename: str,
        level: str,
        picks: dict[int, str] | None = None,
        period: str | None = None,
    ) -> dict:
        """The report ``publish`` would store (``check --json`` + suggestions, the fit at every level, whether
        the period is missing), with the stored aliases, ``picks`` and ``period`` applied; nothing is written.
        For the publish page, before the editor confirms."""
        by_level = self._aliases_by_level()
        return prepare(content, filename, level, by_level.get(level, []), picks or {}, None, period, by_level).report

    def publish(
        self,
        content: bytes,
        filename: str,
        level: str,
        by: str,
        note: str = "",
        *,
        accept_partial: bool = False,
        picks: dict[int, str] | None = None,
        period: str | None = None,
    ) -> PublishResult:
        """Read, join (with the stored aliases and the editor's ``picks``) and publish a coverage table.

        ``period`` is used when the table names none; a table with no period and none given, or with no row
        matched at ``level``, raises TableRefused (a table problem, told as such) with nothing written."""
        if (existing := self.find_published(hashlib.sha256(content).hexdigest(), level)) is not None:
            return PublishResult(existing, False)
        by_level = self._aliases_by_level()
        prepared = prepare(content, filename, level, by_level.get(level, []), picks or {}, None, period, by_level)
        report = prepared.report
        if report["period"]["missing"] and not report["period"]["given"]:
            raise TableRefused("publish.period_missing", report, file=filename)
        if prepared.rows.empty:
            better = report["level_fit"]["better"]
            if better:
                raise TableRefused("publish.nothing_matched_level", report, level=level, other=better)
            raise TableRefused("publish.nothing_matched", report, level=level)
        s = report["summary"]
        if not accept_partial and (s.get("unmatched", 0) or s.get("ambiguous", 0) or s.get("invalid", 0)):
            raise PartialTable(prepared.report)
        return self.publish_rows(
            "coverage",
            level,
            filename,
            content,
            prepared.rows,
            prepared.report,
            prepared.periods,
            by,
            note,
            aliases=prepared.new_aliases,
        )

    def publish_targets(self, content: bytes, filename: str, by: str, note: str = "") -> PublishResult:
        """Validate and publish a target schedule (``kind="targets"``); raises ``targets.ScheduleError``
        with nothing written on any bad row. The same bytes twice give the existing version (``created``
        False), as ``publish`` does for coverage tables."""
        prepared = prepare_targets(content, filename)
        return self.publish_rows(
            TARGETS_KIND, None, filename, content, prepared.rows, prepared.report, prepared.periods, by, note
        )

    def target_schedule(self) -> targets.Schedule | None:
        """The published schedule in force (each period from its newest version, over the shipped
        default), or None when none is published."""
        rows = self.current_rows(None, kind=TARGETS_KIND)
        if rows is None or len(rows) == 0:
            return None
        per = self.current(TARGETS_KIND).get("", {})
        version = ",".join(str(v.id) for v in sorted({v.id: v for v in per.values()}.values(), key=lambda v: v.id))
        return targets.merged(rows[targets.COLUMNS], origin="published", version=version or None)

    def _flag(self, version_id: int, retracted: bool, by: str, reason: str) -> None:
        with self._write() as conn:
            self._bump(conn)
            done = conn.execute(
                update(S.versions).where(S.versions.c.id == int(version_id)).values(retracted=retracted)
            ).rowcount
            if not done:
                raise StoreError(f"Versi tidak dikenal / unknown version: {version_id}")
            self._log(conn, by, "retract" if retracted else "restore", {"version": int(version_id), "reason": reason})

    def retract(self, version_id: int, by: str, reason: str = "") -> None:
        self._flag(version_id, True, by, reason)

    def restore(self, version_id: int, by: str) -> None:
        self._flag(version_id, False, by, "")

    def retraction(self, version_id: int) -> str:
        """Why ``version_id`` was retracted: the reason given at its latest retraction ("" when none was given)."""
        q = select(S.audit.c.detail).where(S.audit.c.action == "retract").order_by(S.audit.c.id.desc())
        with self._read() as conn:
            for (detail,) in conn.execute(q):
                found = json.loads(detail)
                if found.get("version") == int(version_id):
                    return str(found.get("reason") or "")
        return ""

    def current(self, kind: str = "coverage", as_of: int | None = None) -> dict[str, dict[str, Version]]:
        """level -> period -> the version in force: the highest non-retracted id (<= as_of) covering it."""
        out: dict[str, dict[str, Version]] = {}
        for v in self.versions(kind, include_retracted=False):  # newest first
            if as_of is not None and v.id > as_of:
                continue
            per = out.setdefault(v.level or "", {})
            for p in v.periods:
                per.setdefault(p, v)
        return out

    def current_rows(self, level: str, kind: str = "coverage", as_of: int | None = None) -> pd.DataFrame:
        """Rows in force at ``level``: each period from its own version (empty frame when none)."""
        per = self.current(kind, as_of).get(level or "", {})
        parts = []
        for period, v in sorted(per.items()):
            frame = self.rows(v.id)
            if "periode" in frame:
                frame = frame[frame["periode"].astype(str) == period]
            parts.append(frame)
        if not parts:
            return pd.DataFrame()
        return pd.concat(parts, ignore_index=True)

    def change_token(self) -> str:
        """Moves on every publish/retract/restore/alias change; one single-row read."""
        with self._read() as conn:
            return str(conn.execute(select(S.state.c.serial).where(S.state.c.id == 1)).scalar_one())
