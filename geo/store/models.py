"""What the store hands out: plain frozen records, so callers never hold a database row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class StoreError(Exception):
    """The database is unreachable, broken, or refused an operation; the message is one clear line."""


class PartialTable(Exception):
    """A table with unmatched, ambiguous or invalid rows was offered without ``accept_partial``."""

    def __init__(self, report: dict) -> None:
        self.report = report
        s = report.get("summary", {})
        super().__init__(
            f"unmatched={s.get('unmatched', 0)} ambiguous={s.get('ambiguous', 0)} invalid={s.get('invalid', 0)}"
        )


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str  # "editor" | "admin"
    email: str | None
    active: bool
    has_password: bool
    created_at: dt.datetime


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
