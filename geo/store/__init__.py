"""The shared store: published versions, users, aliases and the audit log (SQLite or PostgreSQL).

``open_store()`` is the one way in; no other module of the project writes SQL (``backup.py`` copies the
whole database to one file and back, for ``python -m geo backup|restore-backup``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .engine import DEFAULT_SQLITE, URL_ENV, make_engine, migrate, resolve_url
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
from .publishing import TARGETS_KIND
from .store import Store, client_delay, login_delay, short_error

__all__ = [
    "open_store",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "PartialTable",
    "TableRefused",
    "User",
    "Version",
    "Alias",
    "AuditEntry",
    "PublishResult",
    "SignIn",
    "SigninBlock",
    "SessionCheck",
    "client_delay",
    "TARGETS_KIND",
    "URL_ENV",
    "DEFAULT_SQLITE",
    "login_delay",
    "resolve_url",
]


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Connect and migrate (``alembic upgrade head``). ``create=False``: a missing default SQLite file
    is not created (StoreError instead), for read-only users such as ``python -m geo check``."""
    resolved = resolve_url(url.strip() if url and url.strip() else None)
    try:
        u = make_url(resolved)
    except ArgumentError:
        raise StoreUnavailable(f"Alamat basis data tidak sah / invalid database URL: {url!r}") from None
    shown = u.render_as_string(hide_password=True)
    if not create and u.get_backend_name() == "sqlite" and u.database and not Path(u.database).exists():
        raise StoreUnavailable(f"Belum ada basis data / no database yet: {shown}")
    try:
        engine = make_engine(resolved)
        migrate(engine)
    except SQLAlchemyError as exc:
        raise StoreUnavailable(
            f"Basis data tidak dapat dipakai / database unusable: {shown}: {short_error(exc)}"
        ) from None
    except Exception as exc:  # a driver or alembic error outside SQLAlchemy's hierarchy (e.g. missing driver module)
        raise StoreUnavailable(
            f"Basis data tidak dapat dipakai / database unusable: {shown}: {type(exc).__name__}: {short_error(exc)}"
        ) from None
    return Store(engine)
