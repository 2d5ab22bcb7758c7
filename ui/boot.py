"""First-run preparation, once per server process: Leaflet files, boundary cache, sample tables."""

from __future__ import annotations

import streamlit as st

from geo.assets import ensure_static
from geo.boundaries import cache_ready, ensure_cache
from geo.sample import ensure_samples
from geo.source import SourceError


@st.cache_resource(show_spinner="Menyiapkan data batas wilayah / preparing boundary data …")
def prepare() -> str | None:
    """None when ready, else the error text to show (never a traceback)."""
    try:
        ensure_static()
        if not cache_ready():
            ensure_cache(progress=lambda _msg: None)
        ensure_samples()
    except (SourceError, RuntimeError, OSError) as exc:
        return str(exc)
    return None
