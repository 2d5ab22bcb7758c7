"""Where the project keeps its committed data and its rebuilt cache."""

from __future__ import annotations

from pathlib import Path

from . import settings

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
STATIC_DIR = ROOT / "static"

SOURCE_ENV = "KALBAR_BOUNDARY_SOURCE"
CACHE_ENV = "KALBAR_CACHE_DIR"


def fonts_dir() -> Path:
    """Streamlit's first-visit fonts, trimmed at set-up (``python -m deploy fonts``), served by ``server/fonts.py``."""
    return ROOT / ".cache" / "fonts"


def cache_dir() -> Path:
    """The git-ignored cache; overridable so tests and CI can point elsewhere."""
    override = settings.cache_dir_setting()
    return Path(override).expanduser().resolve() if override else ROOT / ".cache" / "boundaries"
