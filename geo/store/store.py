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
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, and_, case, delete, insert, null, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from .. import commitments, settings, targets
from ..names import name_key
from ..period import is_key as period_is_key
from ..period import ordered as by_time
from ..period import sort_key as by_time_key
from . import schema as S
from .models import (
    Alias,
    AuditEntry,
    PartialTable,
    PublishResult,
    SessionCheck,
    SignIn,
    SigninBlock,
    StoreError,
    StoreUnavailable,
    TableRefused,
    User,
    Version,
)
from .publishing import TARGETS_KIND, prepare, prepare_commitments, prepare_targets

ROLES = ("editor", "admin")
# Sign-in: failures count per (typed name, client address) pair, per typed name and per client address while
# the last one is recent (WINDOW). A pair is locked after PAIR_LOCK_AFTER and an address after
# CLIENT_LOCK_AFTER (an office behind one NAT shares an address), each for LOCKOUT unless an admin lifts it.
# A name alone is never locked (its name is public enough for anyone to lock everyone out): its failures
# from every address slow each check down (login_delay), capped at ACCOUNT_DELAY_CAP_S so the right password
# from a clean address still gets in within seconds; at ACCOUNT_NOTICE_AFTER admins are told (audit, admin page).
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(hours=1)
PAIR_LOCK_AFTER = 10
ACCOUNT_NOTICE_AFTER = 10
ACCOUNT_DELAY_CAP_S = 8.0
NEVER = 1 << 30  # a counter that never locks
CLIENT_FREE = 10
CLIENT_LOCK_AFTER = 30
HASH_WAIT_S = 30.0
HANDOFF = dt.timedelta(seconds=60)  # the one-time token's life between the page and /auth/session
SESSION_KEEP = dt.timedelta(days=30)  # ended or idle session rows are deleted after this
_hasher = PasswordHasher()  # argon2id, 64 MiB per hash: at most HASH_SLOTS at once per process
_hash_slots = threading.BoundedSemaphore(settings.hash_slots())
_DUMMY_HASH = _hasher.hash("not a password")


def _hash(password: str) -> str:
    with _hash_slots:
        return _hasher.hash(password)


def _check(hashed: str | None, password: str) -> bool | None:
    """argon2 verify under the process's hash slots (a missing hash checks a dummy, so it costs the same);
    None when no slot came free in HASH_WAIT_S."""
    if not _hash_slots.acquire(timeout=HASH_WAIT_S):
        return None
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False
    finally:
        _hash_slots.release()


def _display(value: str | None) -> str | None:
    """A display name as stored: trimmed, one line, at most 128 characters; empty is None."""
    text = " ".join(str(value or "").split())[:128]
    return text or None


def _versions_query():  # noqa: ANN202
    """Versions with what visitors see of their publisher: the account's display name and role (never the
    login name: geo.stamp.publisher)."""
    return select(
        S.versions, S.users.c.display_name.label("publisher"), S.users.c.role.label("publisher_role")
    ).outerjoin(S.users, S.users.c.name == S.versions.c.published_by)


def _digest(token: str) -> str:
    """Session and hand-off tokens are stored as their SHA-256 only."""
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; everything stored is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def login_delay(failures: int) -> float:
    """Seconds to wait before checking a password after ``failures`` recent failures for that name from any
    address (0.25 s at 3, doubling up to ACCOUNT_DELAY_CAP_S; the name itself is never locked)."""
    return 0.0 if failures < 3 else min(0.25 * 2 ** min(failures - 3, 16), ACCOUNT_DELAY_CAP_S)


def client_delay(failures: int) -> float:
    """The same for a client address, starting later (CLIENT_FREE): people behind one address share it."""
    return 0.0 if failures < CLIENT_FREE else min(0.25 * 2 ** min(failures - CLIENT_FREE, 16), 8.0)


def pair_subject(name: str, client: str) -> str:
    """The counter subject of one (account name, client address) pair: the address first (it has no space)."""
    return f"{client} {name}"


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

    def log_once(self, key: str, who: str, action: str, detail: dict | None = None) -> bool:
        """An audit row unless the same ``key`` was seen within ``FAILURE_WINDOW`` of its last sighting (one
        organisation sign-in, seen again by every reload, is one row); True when written."""
        with self._write() as conn:
            n, _ = self._counter(conn, "once", key[:128], 1 << 30, now())
            if n == 1:
                self._log(conn, who, action, detail or {})
        return n == 1

    def audit(self, limit: int = 200) -> list[AuditEntry]:
        with self._read() as conn:
            rows = conn.execute(select(S.audit).order_by(S.audit.c.id.desc()).limit(limit)).all()
        return [AuditEntry(r.id, _utc(r.at), r.who, r.action, json.loads(r.detail)) for r in rows]

    # --- users ----------------------------------------------------------------------------

    @staticmethod
    def _user(r) -> User:  # noqa: ANN001
        return User(
            r.id,
            r.name,
            r.role,
            r.email,
            bool(r.active),
            bool(r.password_hash),
            _utc(r.created_at),
            r.session_epoch,
            r.display_name or None,
        )

    def add_user(
        self,
        name: str,
        role: str,
        password: str | None = None,
        email: str | None = None,
        by: str = "cli",
        display_name: str | None = None,
    ) -> User:
        name = name.strip()
        if not name or len(name) > 128:
            raise StoreError(f"Nama pengguna tidak sah / invalid user name: {name!r}")
        if role not in ROLES:
            raise StoreError(f"Peran tidak dikenal / unknown role: {role!r} ({', '.join(ROLES)})")
        email = email.strip().lower() if email else None
        shown = _display(display_name)
        hashed = _hash(password) if password else None
        try:
            with self._write() as conn:
                conn.execute(
                    insert(S.users).values(
                        name=name,
                        email=email,
                        role=role,
                        password_hash=hashed,
                        active=True,
                        created_at=now(),
                        display_name=shown,
                    )
                )
                self._log(conn, by, "user_add", {"name": name, "role": role, "email": email, "display_name": shown})
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
        """Change an account and end its sessions: they end at their next run (the epoch no longer matches)."""
        with self._write() as conn:
            done = conn.execute(
                update(S.users)
                .where(S.users.c.name == name)
                .values(session_epoch=S.users.c.session_epoch + 1, **values)
            ).rowcount
            if not done:
                raise StoreError(f"Pengguna tidak dikenal / unknown user: {name}")
            user_id = conn.execute(select(S.users.c.id).where(S.users.c.name == name)).scalar_one()
            conn.execute(
                update(S.web_sessions)
                .where(S.web_sessions.c.user_id == user_id, S.web_sessions.c.ended_at.is_(None))
                .values(ended_at=now(), end_reason="changed", handoff_hash=None, token_hash=None)
            )
            self._log(conn, by, action, {"name": name, **detail})

    def set_role(self, name: str, role: str, by: str) -> None:
        if role not in ROLES:
            raise StoreError(f"Peran tidak dikenal / unknown role: {role!r} ({', '.join(ROLES)})")
        self._change_user(name, by, "user_role", {"role": role}, role=role)

    def set_active(self, name: str, active: bool, by: str) -> None:
        self._change_user(name, by, "user_active", {"active": bool(active)}, active=bool(active))

    def set_display_name(self, name: str, display_name: str | None, by: str) -> None:
        """What visitors see for this account's versions (empty: the role's word); sessions go on."""
        shown = _display(display_name)
        with self._write() as conn:
            self._bump(conn)  # versions in the open data and on pages name it: a visible change
            done = conn.execute(update(S.users).where(S.users.c.name == name).values(display_name=shown)).rowcount
            if not done:
                raise StoreError(f"Pengguna tidak dikenal / unknown user: {name}")
            self._log(conn, by, "user_display_name", {"name": name, "display_name": shown})

    def publishers(self) -> dict[str, tuple[str | None, str]]:
        """Login name -> (display name or None, role), for showing a version's publisher without its login."""
        with self._read() as conn:
            rows = conn.execute(select(S.users.c.name, S.users.c.display_name, S.users.c.role)).all()
        return {r.name: (r.display_name or None, r.role) for r in rows}

    def set_password(self, name: str, password: str, by: str) -> None:
        if not password:
            raise StoreError("Kata sandi kosong / empty password")
        self._change_user(name, by, "user_password", {}, password_hash=_hash(password))

    # --- sign-in ---------------------------------------------------------------------------------

    def _counter(self, conn: Connection, kind: str, subject: str, lock_after: int, stamp: dt.datetime):  # noqa: ANN202
        """Count one failure for (kind, subject) in ONE statement (an upsert), so parallel attempts each get
        their own number on SQLite and PostgreSQL alike; returns (failures including this one, audit_id).

        A counter starts again once its last failure is older than the window; a locked one (``lock_after``
        reached) keeps counting but its lock runs from the failure that reached it, for ``LOCKOUT``."""
        c = S.signin_counters.c
        dialect_insert = pg_insert if self.backend == "postgresql" else sqlite_insert
        expired = or_(and_(c.n < lock_after, c.last_at < stamp - FAILURE_WINDOW), c.last_at < stamp - LOCKOUT)
        stmt = (
            dialect_insert(S.signin_counters)
            .values(kind=kind, subject=subject, n=1, last_at=stamp, audit_id=None)
            .on_conflict_do_update(
                index_elements=[c.kind, c.subject],
                set_={
                    "n": case((expired, 1), else_=c.n + 1),
                    "last_at": case((or_(expired, c.n < lock_after), stamp), else_=c.last_at),
                    "audit_id": case((expired, null()), else_=c.audit_id),
                },
            )
            .returning(c.n, c.audit_id)
        )
        r = conn.execute(stmt).one()
        return int(r.n), r.audit_id

    def _aggregate(self, conn: Connection, kind: str, subject: str, action: str, who: str, detail: dict) -> None:
        """One audit row per (kind, subject) and window, its count updated in place: attacker-chosen names
        or a flood of refusals never push real entries off the admin page."""
        stamp = now()
        n, audit_id = self._counter(conn, kind, subject, 1 << 30, stamp)
        body = json.dumps({**detail, "attempts": n, "last": stamp.isoformat()}, ensure_ascii=False, default=str)
        if audit_id is not None:
            conn.execute(update(S.audit).where(S.audit.c.id == audit_id).values(detail=body))
            return
        res = conn.execute(insert(S.audit).values(at=stamp, who=who, action=action, detail=body))
        conn.execute(
            update(S.signin_counters)
            .where(S.signin_counters.c.kind == kind, S.signin_counters.c.subject == subject)
            .values(audit_id=int(res.inserted_primary_key[0]))
        )

    def sign_in(self, name: str, password: str, client: str = "") -> SignIn:
        """Check a built-in account's password, counting the attempt first.

        The attempt is counted (per name and address pair, per typed name and per client address, each by one
        atomic upsert) before its wait and its argon2 check, so parallel attempts cannot all see the same count;
        a success takes its pair's failures back. A locked pair or address is refused without hashing; the name's
        failures from everywhere only slow the check (at most ACCOUNT_DELAY_CAP_S). Hashes run at most
        ``HASH_SLOTS`` at a time per process. Unknown names never get audit rows of their own."""
        name, client = name.strip()[:128], (client.strip() or "local")[:64]
        pair = pair_subject(name, client)
        stamp = now()
        with self._write() as conn:
            conn.execute(delete(S.signin_counters).where(S.signin_counters.c.last_at < stamp - LOCKOUT))
            par, _ = self._counter(conn, "pair", pair, PAIR_LOCK_AFTER, stamp)
            acc, _ = self._counter(conn, "account", name, NEVER, stamp)
            cli, _ = self._counter(conn, "client", client, CLIENT_LOCK_AFTER, stamp)
            r = conn.execute(select(S.users).where(S.users.c.name == name)).first()
            locked = par > PAIR_LOCK_AFTER or cli > CLIENT_LOCK_AFTER
            who = name if r is not None else "?"
            if par == PAIR_LOCK_AFTER + 1:  # the first attempt refused: one row per lock, not per attempt
                self._log(conn, who, "login_locked", {"client": client, "by": "pair"})
            if cli == CLIENT_LOCK_AFTER + 1:
                self._log(conn, "?", "login_locked", {"client": client, "by": "client"})
            if acc == ACCOUNT_NOTICE_AFTER and r is not None:  # once per window: admins are told
                self._log(conn, name, "login_many_failures", {"failures": acc, "client": client})
        if locked:
            return SignIn("locked", None, 0.0, acc, cli)
        delay = max(login_delay(acc - 1), client_delay(cli - 1))
        if delay:
            time.sleep(delay)
        ok = _check(r.password_hash if r is not None and r.password_hash else None, password or "")
        if ok is None:
            outcome = "busy"
        else:
            outcome = "ok" if ok and r is not None and bool(r.active) else "wrong"
        with self._write() as conn:
            if outcome == "ok":
                self._forgive(conn, name, client, pair)
                self._log(conn, name, "login", {"client": client, "via": "password", "delay_s": delay})
                return SignIn("ok", self._user(r), delay, 0, max(cli - 1, 0))
            if r is None:
                self._aggregate(conn, "unknown", client, "login_failed_unknown", "?", {"client": client})
            else:
                self._log(
                    conn,
                    name,
                    "login_failed" if outcome == "wrong" else "login_busy",
                    {"client": client, "failures": acc, "client_failures": cli, "known_user": True, "delay_s": delay},
                )
        return SignIn(outcome, None, delay, acc, cli)

    @staticmethod
    def _forgive(conn: Connection, name: str, client: str, pair: str) -> None:
        """A right password: this pair's failures (its own typos, counted in the name's too) are taken back,
        and one from the address; failures of the name from other addresses keep counting."""
        c = S.signin_counters.c
        own = conn.execute(select(c.n).where(c.kind == "pair", c.subject == pair)).scalar_one_or_none() or 0
        conn.execute(delete(S.signin_counters).where(c.kind == "pair", c.subject == pair))
        conn.execute(
            update(S.signin_counters)
            .where(c.kind == "account", c.subject == name)
            .values(n=case((c.n > own, c.n - own), else_=0))
        )
        conn.execute(
            update(S.signin_counters)
            .where(c.kind == "client", c.subject == client)
            .values(n=case((c.n > 1, c.n - 1), else_=0))
        )

    def verify_password(self, name: str, password: str, client: str = "") -> User | None:
        """The active user when ``password`` is right (see :meth:`sign_in`)."""
        return self.sign_in(name, password, client).user

    @staticmethod
    def _lock_after(kind: str) -> int:
        return {"pair": PAIR_LOCK_AFTER, "client": CLIENT_LOCK_AFTER}.get(kind, NEVER)

    def failures(self, kind: str, subject: str) -> int:
        """Failures counted for an account name, a client address or a pair (:func:`pair_subject`) within the
        window (0 when lapsed)."""
        with self._read() as conn:
            r = conn.execute(
                select(S.signin_counters).where(
                    S.signin_counters.c.kind == kind, S.signin_counters.c.subject == subject
                )
            ).first()
        return self._live(r, self._lock_after(kind))

    @staticmethod
    def _live(r, lock_after: int) -> int:  # noqa: ANN001
        if r is None:
            return 0
        age = now() - _utc(r.last_at)
        return 0 if age > LOCKOUT or (r.n < lock_after and age > FAILURE_WINDOW) else int(r.n)

    def recent_failures(self, name: str) -> int:
        return self.failures("account", name.strip()[:128])

    def signin_wait(self, name: str) -> float:
        """The wait the next check of ``name`` would get from the name's failures alone (≤ ACCOUNT_DELAY_CAP_S)."""
        return login_delay(self.recent_failures(name))

    def signin_blocks(self) -> list[SigninBlock]:
        """Locked (name, address) pairs and addresses, slowed addresses, and existing accounts slowed by recent
        failures (never locked), most failures first. A pair's subject is ``"<address> <name>"``."""
        with self._read() as conn:
            rows = conn.execute(
                select(S.signin_counters).where(S.signin_counters.c.kind.in_(("account", "client", "pair")))
            ).all()
            names = {n for (n,) in conn.execute(select(S.users.c.name))}
        out = []
        for r in rows:
            lock_after = self._lock_after(r.kind)
            n = self._live(r, lock_after)
            if r.kind == "account":
                shown = r.subject in names and bool(login_delay(n))
            elif r.kind == "pair":
                shown = r.subject.partition(" ")[2] in names and n >= lock_after
            else:
                shown = bool(client_delay(n)) or n >= lock_after
            if shown:
                out.append(SigninBlock(r.kind, r.subject, n, _utc(r.last_at), n >= lock_after))
        return sorted(out, key=lambda b: (-b.failures, b.kind, b.subject))

    def lift_block(self, kind: str, subject: str, by: str) -> None:
        """An admin lifts a lock (or a slow-down) on an account or a client address."""
        with self._write() as conn:
            conn.execute(
                delete(S.signin_counters).where(
                    S.signin_counters.c.kind == kind, S.signin_counters.c.subject == subject
                )
            )
            self._log(conn, by, "signin_unlock", {"kind": kind, "subject": subject})

    # --- sessions of built-in accounts ------------------------------------------------------------

    def start_session(self, name: str, client: str = "") -> tuple[int, str]:
        """A server-side session for an active user: (its id, a one-time hand-off token valid ``HANDOFF``)
        that /auth/session exchanges for the session cookie."""
        token = secrets.token_urlsafe(32)
        stamp = now()
        with self._write() as conn:
            conn.execute(delete(S.web_sessions).where(S.web_sessions.c.last_seen < stamp - SESSION_KEEP))
            r = conn.execute(select(S.users).where(S.users.c.name == name, S.users.c.active.is_(True))).first()
            if r is None:
                raise StoreError(f"Pengguna tidak dikenal / unknown user: {name}")
            res = conn.execute(
                insert(S.web_sessions).values(
                    user_id=r.id,
                    epoch=r.session_epoch,
                    handoff_hash=_digest(token),
                    handoff_until=stamp + HANDOFF,
                    client=(client or "local")[:64],
                    created_at=stamp,
                    last_seen=stamp,
                )
            )
        return int(res.inserted_primary_key[0]), token

    def redeem_handoff(self, token: str) -> str | None:
        """Swap a one-time hand-off token (once, before it lapses) for the session's cookie token."""
        if not token or len(token) > 100:
            return None
        cookie = secrets.token_urlsafe(32)
        ws = S.web_sessions.c
        with self._write() as conn:
            done = conn.execute(
                update(S.web_sessions)
                .where(ws.handoff_hash == _digest(token), ws.handoff_until > now(), ws.ended_at.is_(None))
                .values(handoff_hash=None, handoff_until=None, token_hash=_digest(cookie))
            ).rowcount
        return cookie if done == 1 else None

    def session_by_cookie(self, cookie: str) -> int | None:
        """The session id a cookie token belongs to (checked further by :meth:`check_session`)."""
        if not cookie or len(cookie) > 100:
            return None
        with self._read() as conn:
            return conn.execute(
                select(S.web_sessions.c.id).where(S.web_sessions.c.token_hash == _digest(cookie))
            ).scalar_one_or_none()

    def check_session(self, session_id: int, idle: dt.timedelta) -> SessionCheck:
        """Does the session still hold? Ends it when idle for longer than ``idle`` or when its account changed
        since (epoch), was deactivated or removed; touches ``last_seen`` at most every ``idle``/10 (≤ 60 s)."""
        ws = S.web_sessions.c
        with self._read() as conn:
            r = conn.execute(
                select(ws.id.label("sid"), ws.epoch, ws.last_seen, ws.ended_at, ws.end_reason, S.users)
                .join(S.users, S.users.c.id == ws.user_id)
                .where(ws.id == int(session_id))
            ).first()
        if r is None:
            return SessionCheck(None, "unknown")
        if r.ended_at is not None:
            return SessionCheck(None, r.end_reason or "ended", r.sid)
        stamp = now()
        reason = (
            "inactive"
            if not r.active
            else "changed"
            if r.epoch != r.session_epoch
            else "idle"
            if stamp - _utc(r.last_seen) > idle
            else ""
        )
        if reason:
            self.end_session(r.sid, reason)
            return SessionCheck(None, reason, r.sid)
        if stamp - _utc(r.last_seen) > min(idle / 10, dt.timedelta(seconds=60)):
            with self._write() as conn:
                conn.execute(update(S.web_sessions).where(ws.id == r.sid).values(last_seen=stamp))
        return SessionCheck(self._user(r), "", r.sid)

    def end_session(self, session_id: int, reason: str = "logout", by: str | None = None) -> None:
        """End a session (sign-out, idle, account change); a sign-out by ``by`` is audited."""
        ws = S.web_sessions.c
        with self._write() as conn:
            conn.execute(
                update(S.web_sessions)
                .where(ws.id == int(session_id), ws.ended_at.is_(None))
                .values(ended_at=now(), end_reason=reason[:16], handoff_hash=None, token_hash=None)
            )
            if by is not None:
                self._log(conn, by, "logout", {"via": "password", "session": int(session_id)})

    def change_own_password(self, name: str, old: str, new: str, client: str = "") -> SignIn:
        """A signed-in user's own change: the old password is checked like a sign-in (counted, slowed,
        locked); on success the new one is set and every session of the account ends (epoch)."""
        if not new:
            raise StoreError("Kata sandi kosong / empty password")
        check = self.sign_in(name, old, client)
        if check.outcome == "ok":
            self._change_user(name, name, "user_password_self", {"client": client}, password_hash=_hash(new))
        return check

    def secret(self, name: str) -> str:
        """A secret generated on first use and kept in the store (shared by every process on the database)."""
        with self._read() as conn:
            value = conn.execute(select(S.secrets.c.value).where(S.secrets.c.name == name)).scalar_one_or_none()
        if value is not None:
            return value
        dialect_insert = pg_insert if self.backend == "postgresql" else sqlite_insert
        with self._write() as conn:
            conn.execute(
                dialect_insert(S.secrets).values(name=name, value=secrets.token_urlsafe(48)).on_conflict_do_nothing()
            )
            return conn.execute(select(S.secrets.c.value).where(S.secrets.c.name == name)).scalar_one()

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
            r.publisher or None,
            r.publisher_role,
        )

    def versions(self, kind: str | None = "coverage", include_retracted: bool = True) -> list[Version]:
        """Newest first; ``kind=None`` lists every kind."""
        q = _versions_query().order_by(S.versions.c.id.desc())
        if kind:
            q = q.where(S.versions.c.kind == kind)
        if not include_retracted:
            q = q.where(S.versions.c.retracted.is_(False))
        with self._read() as conn:
            return [self._version(r) for r in conn.execute(q)]

    def version(self, version_id: int) -> Version | None:
        with self._read() as conn:
            r = conn.execute(_versions_query().where(S.versions.c.id == int(version_id))).first()
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

    def unreadable_periods(self, kind: str | None = None) -> list[tuple[Version, tuple[str, ...]]]:
        """Versions holding a period that is not a year or a month (text kept by migration 0004 because it
        could not be read, or would have put an area twice in one period), with those periods: for an admin."""
        out = []
        for v in self.versions(kind):
            odd = tuple(p for p in v.periods if p and not period_is_key(p))
            if odd:
                out.append((v, odd))
        return out

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
            _versions_query()
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
                    periods=json.dumps(by_time(set(map(str, periods)))),
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
            r = conn.execute(_versions_query().where(S.versions.c.id == version_id)).one()
        return PublishResult(self._version(r), True)

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

    def publish_commitments(self, content: bytes, filename: str, by: str, note: str = "") -> PublishResult:
        """Validate and publish a commitments table (``kind="commitments"``), as ``publish_targets`` does:
        nothing written on any bad row (``commitments.CommitmentsError``); the same bytes twice give the
        existing version."""
        prepared = prepare_commitments(content, filename)
        return self.publish_rows(
            commitments.KIND, None, filename, content, prepared.rows, prepared.report, prepared.periods, by, note
        )

    def commitments(self) -> commitments.Commitments | None:
        """The published commitments in force (each year from its newest version), or None when none is."""
        rows = self.current_rows(None, kind=commitments.KIND)
        if rows is None or len(rows) == 0:
            return None
        per = self.current(commitments.KIND).get("", {})
        version = ",".join(str(i) for i in sorted({v.id for v in per.values()}))
        return commitments.from_stored(rows, version or None)

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
        for period, v in sorted(per.items(), key=lambda item: by_time_key(item[0])):
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
