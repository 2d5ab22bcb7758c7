"""Which database, how to connect, and bringing its schema up to date (Alembic, no alembic.ini).

SQLite (the default, a git-ignored file) runs in WAL mode with a busy timeout; write transactions
start with BEGIN IMMEDIATE so two writers queue instead of failing half-way. PostgreSQL is used
when ``KALBAR_DATABASE_URL`` or ``[connections.peta]`` in the secrets says so (``geo.settings``).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from .. import settings
from ..paths import ROOT

URL_ENV = settings.DATABASE_URL_ENV
DEFAULT_SQLITE = ROOT / ".data" / "peta.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
_LOCK_KEY = 61_8_2024  # advisory lock id: one process migrates at a time on PostgreSQL


def resolve_url(url: str | None = None) -> str:
    """The argument, else the environment, else secrets.toml, else the default SQLite file."""
    chosen = url or settings.database_url_setting()
    if not chosen:
        return f"sqlite:///{DEFAULT_SQLITE}"
    u = make_url(chosen)
    if u.drivername in ("postgresql", "postgres"):  # plain libpq-style URL: use psycopg 3
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # noqa: ANN001
            immediate = conn.get_execution_options().get("write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    args = {"connect_timeout": 5} if u.get_backend_name() == "postgresql" else {}
    return create_engine(u, pool_pre_ping=True, connect_args=args)


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """``alembic upgrade head``, once per database even when several processes start together."""
    if current_revision(engine) == head_revision():
        return
    cfg = _alembic_config()
    with engine.connect().execution_options(write=True) as conn:
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
