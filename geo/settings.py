"""Every setting of the app, read in one place with one precedence: the environment, then secrets.toml.

secrets.toml is read as Streamlit reads it: ``~/.streamlit/secrets.toml`` first, then the project's
``.streamlit/secrets.toml``, whose keys win; each file is parsed again only when it changes. The environment
is asked each time (a dictionary look-up): an admin's changed unit file, or a test, takes effect at once.
No other module reads ``os.environ`` or secrets.toml (tests/test_architecture.py checks it).
"""

from __future__ import annotations

import os
import threading
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # as geo.paths (which reads its cache setting here)

DATABASE_URL_ENV = "KALBAR_DATABASE_URL"
DATABASE_SECTION = ("connections", "peta")  # [connections.peta] url = "postgresql://..."
TARGETS_FILE_ENV = "KALBAR_TARGETS"
BOUNDARY_SOURCE_ENV = "KALBAR_BOUNDARY_SOURCE"
CACHE_DIR_ENV = "KALBAR_CACHE_DIR"
HASH_SLOTS_ENV = "KALBAR_HASH_SLOTS"
API_RATE_ENV = "KALBAR_API_RATE"
LICENSE_ENV = "KALBAR_DATA_LICENSE"
RENDER_AHEAD_ENV = "KALBAR_RENDER_AHEAD"

_lock = threading.Lock()
_parsed: dict[Path, tuple[float, dict[str, Any]]] = {}  # secrets file -> (mtime, its contents)


def environ() -> Mapping[str, str]:
    """The process environment, for the readers that take a mapping (access settings, upload limits)."""
    return os.environ


def env(name: str, default: str | None = None) -> str | None:
    """One environment setting; empty counts as unset."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def secrets_files(root: Path = ROOT) -> tuple[Path, ...]:
    """The secrets files in the order they are merged (a later file's keys win)."""
    return (Path.home() / ".streamlit" / "secrets.toml", root / ".streamlit" / "secrets.toml")


def _read(path: Path) -> dict[str, Any]:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    with _lock:
        hit = _parsed.get(path)
        if hit is not None and hit[0] == mtime:
            return hit[1]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}  # a broken secrets file must not take the app down: as if absent
    with _lock:
        _parsed[path] = (mtime, data)
    return data


def secrets_section(*names: str, root: Path = ROOT) -> dict[str, Any]:
    """A section of secrets.toml (``secrets_section("connections", "peta")``), merged over both files."""
    out: dict[str, Any] = {}
    for path in secrets_files(root):
        section: Any = _read(path)
        for name in names:
            section = section.get(name) if isinstance(section, dict) else None
        if isinstance(section, dict):
            out.update(section)
    return out


def has_secrets_section(*names: str, root: Path = ROOT) -> bool:
    return bool(secrets_section(*names, root=root))


def database_url_setting(root: Path = ROOT) -> str:
    """``KALBAR_DATABASE_URL``, else ``[connections.peta] url``; "" for the default SQLite file."""
    url = env(DATABASE_URL_ENV) or secrets_section(*DATABASE_SECTION, root=root).get("url")
    return url.strip() if isinstance(url, str) else ""


def targets_file() -> str | None:
    """A target schedule file the admin points to (``KALBAR_TARGETS``), used when none is published."""
    return env(TARGETS_FILE_ENV)


def boundary_source() -> str | None:
    """A local copy of the upstream boundary folder (``KALBAR_BOUNDARY_SOURCE``); None: download."""
    return env(BOUNDARY_SOURCE_ENV)


def cache_dir_setting() -> str | None:
    return env(CACHE_DIR_ENV)


def hash_slots() -> int:
    """Password hashes at once per process (argon2id, 64 MiB each)."""
    raw = env(HASH_SLOTS_ENV, "2") or "2"
    return max(1, int(raw)) if raw.isdigit() else 2


def api_rate() -> str | None:
    return env(API_RATE_ENV)


def data_license() -> str | None:
    return env(LICENSE_ENV)


def render_ahead() -> bool:
    """Whether each app process renders the common links' pictures ahead (``KALBAR_RENDER_AHEAD``, default on;
    "0" for a machine that should not spend ~20 s of CPU per data version on pictures nobody may open)."""
    return (env(RENDER_AHEAD_ENV, "1") or "1").strip().lower() not in ("0", "false", "no", "off")
