"""What the ``python -m geo`` commands share: one failure line, the store door, --kab, tables and the schedule.

Every failure is one line on stderr and exit status 2 (no traceback), so monthly automation can
tell "refused" (1) from "could not run" (2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .. import LEVELS, boundaries, commitments, settings, targets
from ..boundaries import CacheMissing
from ..join import join
from ..period import parse as parse_period
from ..sample import ensure_samples
from ..store import Store, StoreError, User, open_store
from ..table import CoverageTable, TableError, file_bytes, read_table
from ..text import t
from ..view import inforce


class CliError(Exception):
    """A request the command cannot honour; its text is the one line printed."""


def err(message: str) -> int:
    print(f"GAGAL / FAILED: {message}", file=sys.stderr)
    return 2


def file_content(path: Path) -> bytes | None:
    """A file to publish, refused before it is read when beyond the byte limit; None once stderr says why."""
    try:
        return file_bytes(path)
    except TableError as exc:
        err(str(exc))
    except OSError as exc:
        err(f"{path}: {exc.strerror or exc}")
    return None


def problems_told(read: Callable[[bytes, str], object], content: bytes, name: str, refused: str, lang: str) -> bool:
    """Validate a schedule or commitments file before the store is touched: True (and each bad row and column
    printed, then ``refused``) when ``read`` refuses it."""
    try:
        read(content, name)
    except targets.FileProblems as exc:
        for p in exc.problems:
            print(p.message(lang))
        print(t(refused, lang))
        return True
    return False


# --- the store ----------------------------------------------------------------------------------


def open_for(args: argparse.Namespace) -> Store:
    """The store of ``--database`` (else the default); created and migrated when missing."""
    return open_store(args.database)


def editor(store: Store, name: str) -> User | None:
    """The active user publishing/retracting, or None (after printing why)."""
    user = store.user(name)
    if user is None:
        print(
            f"GAGAL / FAILED: {t('store.cli.unknown_user', 'id', name=name)}"
            f" / {t('store.cli.unknown_user', 'en', name=name)}",
            file=sys.stderr,
        )
        return None
    if not user.active:
        print(
            f"GAGAL / FAILED: {t('store.cli.inactive_user', 'id', name=name)}"
            f" / {t('store.cli.inactive_user', 'en', name=name)}",
            file=sys.stderr,
        )
        return None
    return user


def store_options(json_output: bool = False) -> argparse.ArgumentParser:
    """The options every store command takes: ``--database``, ``--lang`` (and ``--json``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        help="database URL (default: $KALBAR_DATABASE_URL, [connections.peta] in "
        ".streamlit/secrets.toml, else .data/peta.sqlite)",
    )
    common.add_argument("--lang", choices=("id", "en"), default="id")
    if json_output:
        common.add_argument("--json", action="store_true")
    return common


def guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Store, table and cache errors become one line and exit status 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except (StoreError, TableError, CacheMissing) as exc:
            return err(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        except KeyboardInterrupt:
            return err("dibatalkan / interrupted")

    return run


def schedule_in_force(database: str | None = None) -> targets.Schedule:
    """The target schedule in force: published in the store, else $KALBAR_TARGETS, else shipped.

    Read-only (a missing default SQLite file is not created); a missing or unreachable store falls back.
    """
    published = None
    try:
        store = open_store(database, create=False)
    except StoreError:
        store = None
    if store is not None:
        try:
            published = store.target_schedule()
        except StoreError:
            published = None
        finally:
            store.dispose()
    return targets.in_force(published, settings.targets_file())


def commitments_in_force(database: str | None = None) -> commitments.Commitments:
    """The published commitments (read-only; a missing or unreachable store means none: nothing is shipped)."""
    try:
        store = open_store(database, create=False)
    except StoreError:
        return commitments.empty()
    try:
        return commitments.in_force(store.commitments())
    except StoreError:
        return commitments.empty()
    finally:
        store.dispose()


# --- scope and tables (render and plan) -----------------------------------------------------------


def normalise_kab(value: str) -> str:
    """'61.04' as given; BPS style '6104' gets its dot."""
    v = str(value).strip()
    return f"{v[:2]}.{v[2:]}" if len(v) == 4 and v.isdigit() else v


def table_level(table: CoverageTable) -> str:
    """The level of a coverage table: from its codes (dotted or BPS), else from its name columns."""
    rows = table.valid_rows if len(table.valid_rows) else table.data
    codes = rows["kode"].dropna().astype(str).str.strip() if "kode" in rows else pd.Series(dtype=str)
    codes = codes[codes != ""]
    if len(codes):
        by_dots = {1: "kabupaten", 2: "kecamatan", 3: "desa"}
        by_len = {4: "kabupaten", 6: "kecamatan", 7: "kecamatan", 10: "desa"}
        levels = codes.map(lambda c: by_dots.get(c.count(".")) if "." in c else by_len.get(len(c)))
        if levels.notna().any():
            return str(levels.dropna().mode().iloc[0])
    for level in ("desa", "kecamatan"):
        if level in rows and rows[level].fillna("").astype(str).str.strip().ne("").any():
            return level
    return "kabupaten"


def scope(kab_arg: str | None, level: str, lang: str) -> str | None:
    """The CLI's --kab, normalised and checked against the boundaries (render and plan share it)."""
    kab = normalise_kab(kab_arg) if kab_arg else None
    if kab and level == "kabupaten":
        raise CliError(t("render.error_kab_level", lang))
    try:
        kab_frame = boundaries.load("kabupaten")
    except CacheMissing as exc:
        raise CliError(f"{t('error.cache_missing', lang)} ({exc})") from None
    if kab and kab not in set(kab_frame["kode"]):
        choices = ", ".join(f"{k} {n}" for k, n in zip(kab_frame["kode"], kab_frame["nama"]))
        raise CliError(t("render.error_kab", lang, kode=kab_arg, choices=choices))
    return kab


def level_tables(
    table_path: str | None, level: str, period: str | None, lang: str
) -> tuple[dict[str, pd.DataFrame], dict[str, str], bool, str | None]:
    """Matched tables (the given file or the samples), the period (checked, or the latest), for --level."""
    tables, names, is_sample = matched_tables(table_path, lang)
    periods = list(inforce.periods_of(tables))
    if period is not None and period not in periods:
        period = parse_period(period) or period  # any spelling: "Juni 2024" -> "2024-06"
    if period is not None and period not in periods:
        raise CliError(t("render.error_period", lang, period=period, choices=", ".join(periods) or "–"))
    period = period or (periods[-1] if periods else None)
    if tables and all(LEVELS.index(lvl) < LEVELS.index(level) for lvl in tables):
        raise CliError(t("render.error_coarse_table", lang, table=", ".join(tables), level=level))
    return tables, names, is_sample, period


def matched_tables(table_path: str | None, lang: str) -> tuple[dict[str, pd.DataFrame], dict[str, str], bool]:
    """Matched rows per level: the given table (at its own level), else both sample tables."""
    if table_path:
        path = Path(table_path)
        if not path.is_file():
            raise CliError(t("render.error_no_file", lang, path=str(path)))
        try:
            table = read_table(path)
        except TableError as exc:
            raise CliError(exc.message(lang)) from None
        except OSError as exc:
            raise CliError(t("error.table_unreadable", lang, detail=str(exc))) from None
        lvl = table_level(table)
        return {lvl: join(table, lvl, boundaries.areas(lvl)).matched}, {lvl: path.name}, False

    paths = ensure_samples()
    tables = {lvl: result.matched for lvl, (_t, result) in inforce.sample_tables().items()}
    return tables, {lvl: p.name for lvl, p in paths.items()}, True
