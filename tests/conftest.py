"""Shared fixtures: the real boundary cache (built from the local upstream copy when missing)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings as hypothesis_settings

from geo import boundaries
from geo.paths import ROOT
from tests.support.browser import chromium, new_page, require_chromium
from tests.support.server import Server
from tests.support.services import require

# Property tests check what holds, not how fast: on a shared 2-core machine a first example can take 0.4 s
# (imports, a loaded CPU), which hypothesis's default 200 ms deadline reports as a flaky failure.
hypothesis_settings.register_profile("kalbar", deadline=None)
hypothesis_settings.load_profile("kalbar")

CANDIDATES = [
    ROOT.parent / "shared" / "data" / "wilayah_boundaries",
    ROOT.parent.parent / "shared" / "data" / "wilayah_boundaries",
]


def _source() -> str | None:
    env = os.environ.get("KALBAR_BOUNDARY_SOURCE")
    if env:
        return env
    for c in CANDIDATES:
        if (c / "SHA256SUMS").is_file():
            return str(c)
    return None


@pytest.fixture(scope="session", autouse=True)
def boundary_cache() -> Path:
    """Tests use the real Kalbar boundaries; build the cache once if set-up has not."""
    path = boundaries.ensure_cache(_source(), progress=lambda _msg: None)
    from geo.sample import ensure_samples

    ensure_samples()
    return path


@pytest.fixture(scope="session")
def areas():
    """Attribute tables (no geometry) per level, as the join and classifier take them."""

    def get(level: str) -> pd.DataFrame:
        return boundaries.areas(level)

    return get


# --- the store: SQLite and the real PostgreSQL that `python run.py test` starts ------------------

PG_URL_ENV = "KALBAR_TEST_POSTGRES_URL"


@pytest.fixture(scope="session", autouse=True)
def no_render_ahead():
    """App servers started by the tests do not render the 17 common pictures ahead (~20 s of CPU each, on a
    2-core machine, for pictures most tests never open); a test about it turns it on (``KALBAR_RENDER_AHEAD``)."""
    old = os.environ.get("KALBAR_RENDER_AHEAD")
    os.environ["KALBAR_RENDER_AHEAD"] = "0"
    yield
    if old is None:
        os.environ.pop("KALBAR_RENDER_AHEAD", None)
    else:
        os.environ["KALBAR_RENDER_AHEAD"] = old


@pytest.fixture(scope="session", autouse=True)
def isolated_store(tmp_path_factory):
    """Tests never read or write the checkout's own store (.data/peta.sqlite): a fresh empty one instead."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'peta.sqlite'}"
    old = os.environ.get("KALBAR_DATABASE_URL")
    os.environ["KALBAR_DATABASE_URL"] = url
    yield url
    if old is None:
        os.environ.pop("KALBAR_DATABASE_URL", None)
    else:
        os.environ["KALBAR_DATABASE_URL"] = old


@pytest.fixture(scope="session")
def pg_database():
    """A uniquely named database for this test session on the test cluster, dropped afterwards.

    The cluster URL comes from run.py (``KALBAR_TEST_POSTGRES_URL``); run directly, pytest reuses
    a running cluster the same way (without installing). Without one, the PostgreSQL tests fail where
    `python run.py test` sets it up (Debian/Ubuntu) and are skipped elsewhere, saying why; an error
    of the set-up itself is an error, not a skip."""
    import secrets

    from sqlalchemy.engine import make_url

    base = os.environ.get(PG_URL_ENV)
    how = f"or set {PG_URL_ENV} to a PostgreSQL server where this user may CREATE DATABASE"
    if not base:
        import run

        base, why = run.ensure_postgres(install=False)
        require("PostgreSQL", None if base else why, how)
    import psycopg

    admin = make_url(base).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    name = f"kalbar_test_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        where = admin.render_as_string(hide_password=True)
        require("PostgreSQL", f"{where} not usable: {str(exc).strip()}", how)
    yield admin.set(database=name).render_as_string(hide_password=False)
    _drop_database(dsn, name)


def _drop_database(dsn: str, name: str, attempts: int = 20) -> None:
    """Drop the session's database. WITH (FORCE) ends our own leftover connections, but not a
    server process of another role: an autovacuum worker that has just started on the database
    ("must be a member of the role whose process is being terminated", seen once in a fresh-clone
    run). It finishes in moments on a database this small, so try again; if the database still
    cannot go, leave it (its name says whose it was) and say so, rather than fail a green run."""
    import time
    import warnings

    import psycopg

    for attempt in range(attempts):
        try:
            with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse) as exc:
            last = exc
            time.sleep(0.25 * (attempt + 1))
    warnings.warn(f"test database {name} left behind: {str(last).strip()}", stacklevel=1)


def _pg_schema_url(database_url: str, schema: str) -> str:
    """The session database with its own schema for one test (tables, alembic_version and all)."""
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return (
        make_url(database_url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database per test: a SQLite file, or a schema in the session's PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'peta.sqlite'}"
    import secrets

    return _pg_schema_url(request.getfixturevalue("pg_database"), f"t_{secrets.token_hex(5)}")


@pytest.fixture
def pg_url(pg_database) -> str:
    """A fresh, empty schema in the session's PostgreSQL database (see pg_database when there is none)."""
    import secrets

    return _pg_schema_url(pg_database, f"t_{secrets.token_hex(5)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store_url(request, tmp_path):
    """Makes fresh, empty stores of one backend, each a whole database (a backup covers the whole
    database, not one schema): a SQLite file not yet created, or a new PostgreSQL database (dropped after)."""
    import itertools

    made: list[str] = []
    numbers = itertools.count(1)
    if request.param == "postgresql":
        import psycopg
        from sqlalchemy.engine import make_url

        base = make_url(request.getfixturevalue("pg_database"))
        dsn = base.render_as_string(hide_password=False)

    def new() -> str:
        n = next(numbers)
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / f'store{n}' / 'peta.sqlite'}"
        name = f"{base.database}_{n}"
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    new.backend = request.param
    yield new
    for name in made:
        _drop_database(dsn, name)


@pytest.fixture
def store(db_url):
    from geo.store import open_store

    s = open_store(db_url)
    yield s
    s.dispose()


@pytest.fixture
def media(monkeypatch):
    """The file behind an AppTest download button, generated as a click would (deferred or not)."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.media_file_manager import MediaFileManager

    managers: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            managers.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)

    def get(button) -> bytes:
        mgr = managers[-1]
        url = mgr.execute_deferred(button.proto.deferred_file_id) if button.proto.deferred_file_id else button.proto.url
        return mgr._storage.get_file(url.rsplit("/", 1)[-1]).content

    return get


# --- the app with accounts (AppTest against a real SQLite store) ------------------------------------


@pytest.fixture
def empty_app_store(tmp_path, monkeypatch):
    """A fresh SQLite store that the app opens through KALBAR_DATABASE_URL, with no sign-in settings
    inherited from the environment; the test adds its accounts."""
    from geo.store import open_store

    for var in ("KALBAR_REQUIRE_SIGN_IN", "KALBAR_EDITOR_EMAILS", "KALBAR_ADMIN_EMAILS"):
        monkeypatch.delenv(var, raising=False)
    url = f"sqlite:///{(tmp_path / 'peta.sqlite').as_posix()}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    return open_store(url)


# --- the browser tests: Debian's Chromium against `streamlit run` on localhost (tests/support) ------


@pytest.fixture(scope="module")
def server(request):
    """`streamlit run app.py` on a free port, for the browser tests of one module."""
    require_chromium()  # before starting a server that no browser could open
    with Server(request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium for one module (fails on Debian/Ubuntu without it, skips elsewhere, saying why)."""
    require_chromium()
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A page in a fresh browser context (1400×1000, 90 s default timeout)."""
    context, pg = new_page(browser)
    yield pg
    context.close()
