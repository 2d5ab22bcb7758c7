"""A store as an older version of the app left it: its schema at an earlier Alembic revision, for the migration
and backup tests (each then opens it with today's code)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, text

from geo.store.engine import _alembic_config, make_engine

OLD_USER = {
    "0001": "INSERT INTO users (name, email, role, password_hash, active, created_at) "
    "VALUES ('lama', NULL, :role, NULL, :t, CURRENT_TIMESTAMP)",
    "0002": "INSERT INTO users (name, email, role, password_hash, active, created_at, session_epoch) "
    "VALUES ('lama', NULL, :role, NULL, :t, CURRENT_TIMESTAMP, 0)",
}


def engine_at(url: str, revision: str) -> Engine:
    """An engine on ``url`` whose schema is at ``revision`` (``alembic upgrade REVISION``)."""
    engine = make_engine(url)
    cfg = _alembic_config()
    with engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return engine


def add_old_user(engine: Engine, revision: str, role: str = "editor") -> None:
    """The account 'lama' as that revision's code wrote it (no password: a built-in account set up later)."""
    with engine.begin() as conn:
        conn.execute(text(OLD_USER[revision]), {"t": True, "role": role})
