"""Start and stop the two Streamlit servers (ours and the naive baseline) for the browser bench."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.server import Server, free_port  # noqa: F401 (the one `streamlit run` helper; bench modules use it)

from .common import BENCH, OUT, ROOT

NAIVE_DIR = OUT / "naive"


def prepare_naive() -> Path:
    """A copy of bench/naive_app.py beside a link to the project's static folder (local Leaflet)."""
    NAIVE_DIR.mkdir(parents=True, exist_ok=True)
    script = NAIVE_DIR / "naive_app.py"
    shutil.copyfile(BENCH / "naive_app.py", script)
    link = NAIVE_DIR / "static"
    if not link.exists():
        try:
            link.symlink_to(ROOT / "static", target_is_directory=True)
        except OSError:  # no symlinks (Windows without rights): copy
            shutil.copytree(ROOT / "static", link)
    return script
