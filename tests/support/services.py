"""The real services the tests use (PostgreSQL, nginx, Chromium, poppler): fail or skip, saying why.

Where `python run.py test` installs them (Debian/Ubuntu: apt-get, as root or with sudo), a missing
service is a failure of the set-up, never a silent skip. Elsewhere (Windows, macOS, a Linux without
apt) the tests that need it are skipped with a reason that names what is missing and how to provide it.
"""

from __future__ import annotations

import pytest


def installed_by_run_py() -> bool:
    """Whether `python run.py test` installs and starts the services on this machine."""
    import run

    return run.apt_prefix() is not None


def require(what: str, problem: str | None, how: str) -> None:
    """Nothing when ``problem`` is None; else fail (where run.py installs ``what``) or skip, with the reason."""
    if not problem:
        return
    if installed_by_run_py():
        pytest.fail(f"{what}: {problem} (`python run.py test` installs it on Debian/Ubuntu; {how})", pytrace=False)
    pytest.skip(f"{what} not available: {problem}; {how}")


def require_pdftotext() -> str:
    """The path of poppler's ``pdftotext`` (fail on Debian/Ubuntu without it, skip elsewhere)."""
    import shutil

    found = shutil.which("pdftotext")
    require(
        "poppler (pdftotext)",
        None if found else "pdftotext not on PATH",
        "apt-get install poppler-utils, brew install poppler, or put poppler's pdftotext on PATH",
    )
    return found
