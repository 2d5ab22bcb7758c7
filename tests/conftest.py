"""Shared fixtures: the real boundary cache (built from the local upstream copy when missing)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from geo import boundaries
from geo.paths import ROOT

CANDIDATES = [ROOT.parent / "shared" / "data" / "wilayah_boundaries", ROOT.parent.parent / "shared" / "data" / "wilayah_boundaries"]


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
        return pd.DataFrame(boundaries.load(level).drop(columns=["geometry", "display"]))

    return get
