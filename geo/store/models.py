"""What the store hands out: plain frozen records, so callers never hold a database row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..text import t


class StoreError(Exception):
    """The database is unreachable, broken, or refused an operation; the message is one clear line."""


class StoreUnavailable(StoreError):
    """The database itself failed (unreachable, broken, no such file). The message names the driver,
    host, port and database: for the log, the command line and admins, never for a viewer (the pages
    say "database unavailable" and log this)."""


class PartialTable(Exception):
    """A table with unmatched, ambiguous or invalid rows was offered without ``accept_partial``."""

    def __init__(self, report: dict) -> None:
        self.report = report
        s = report.get("summary", {})
        super().__init__(
            f"unmatched={s.get('unmatched', 0)} ambiguous={s.get('ambiguous', 0)} invalid={s.get('invalid', 0)}"
        )


class TableRefused(Exception):
    """The table cannot be published as asked (no period, or no row matched at the chosen level).

    A problem of the table, never of the database: pages and the CLI say what to do (exit 1, not 2).
    ``key`` is a text key; ``params`` values named ``level``/``other`` are level names, rendered per language."""

    def __init__(self, key: str, report: dict | None = None, **params: str) -> None:
        self.key, self.params, self.report = key, params, report or {}
        super().__init__(f"{self.message('id')} / {self.message('en')}")

    def message(self, lang: str = "id") -> str:
        shown = {k: t(f"level.{v}", lang) if k in ("level", "other") else v for k, v in self.params.items()}
        return t(self.key, lang, **shown)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str  # "editor" | "admin"
    email: str | None
    active: bool
    has_password: bool
    created_at: dt.datetime
    session_epoch: int = 0  # moves on a password reset, (de)activation or role change
    display_name: str | None = None  # what visitors see instead of ``name`` (None: the role's word)


@dataclass(frozen=True)
class Version:
    """One published table; immutable except for the retracted flag."""

    id: int
    kind: str  # "coverage" | "targets" | ...
    level: str | None
    periods: tuple[str, ...]
    filename: str
    sha256: str
    note: str
    published_by: str
    published_at: dt.datetime  # UTC, aware
    retracted: bool
    n_rows: int
    n_matched: int
    summary: dict = field(default_factory=dict, hash=False, compare=False)
    publisher: str | None = field(default=None, compare=False)  # the account's display name, for visitors
    publisher_role: str | None = field(default=None, compare=False)  # editor | admin (None: no such account)


@dataclass(frozen=True)
class Alias:
    """A spelling seen in a table (``name``) that means area ``kode`` at ``level`` (within ``parent``)."""

    id: int
    level: str
    name: str
    kode: str
    parent: str | None
    created_by: str
    created_at: dt.datetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    who: str
    action: str
    detail: dict


@dataclass(frozen=True)
class PublishResult:
    version: Version
    created: bool  # False: the same bytes were already published (nothing written)


@dataclass(frozen=True)
class SignIn:
    """What one password attempt came to: ``outcome`` ok | wrong | locked | busy.

    ``delay_s`` is the wait this attempt served before its check (from the failures counted before it);
    ``account_failures``/``client_failures`` count this attempt too (a success is taken back)."""

    outcome: str
    user: User | None
    delay_s: float
    account_failures: int
    client_failures: int


@dataclass(frozen=True)
class SigninBlock:
    """A sign-in counter an admin may lift: kind "account" (a user name) or "client" (an address)."""

    kind: str
    subject: str
    failures: int
    last_at: dt.datetime
    locked: bool


@dataclass(frozen=True)
class SessionCheck:
    """A built-in sign-in's server-side session, checked on a run: ``user`` when it still holds, else
    ``reason`` why it ended (ended | changed | idle | inactive | unknown)."""

    user: User | None
    reason: str
    session_id: int | None = None
