"""A copy of Streamlit's own static files for nginx, with pre-compressed .gz and .br beside each.

Streamlit 1.67 serves its 4.8 MB of JS/CSS uncompressed on purpose (a proxy is expected to
compress). Pre-compressing once at set-up costs nothing per visitor and allows the best levels
(gzip -9, brotli -q 9). Re-run after upgrading Streamlit; a file missing from the copy is still
served (by Streamlit, compressed on the fly by nginx). The copy's two first-visit fonts are trimmed
to what the app shows (deploy/fontsubset.py), and the map component's hashed files are copied too, so
nginx can serve them pre-compressed with a long cache (they are preloaded with the page).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from streamlit_boundary.frontend import component_dirs
from streamlit_boundary.frontend import static_dir as streamlit_static_dir

from . import fontsubset

ROOT = Path(__file__).resolve().parent.parent
COMPRESS = {".js", ".css", ".json", ".svg", ".ttf", ".html", ".txt", ".map", ".wasm"}


def _brotli_cli() -> str | None:
    return shutil.which("brotli")


def prepare(dest: Path, source: Path | None = None, log=print) -> dict:
    """Copy ``source`` (Streamlit's static folder) to ``dest``; write .gz (and .br) copies.

    Idempotent: a stamp of the source listing skips the work when nothing changed.
    """
    source = source or streamlit_static_dir()
    files = sorted(p for p in source.rglob("*") if p.is_file())
    stamp_value = hashlib.sha256(
        "\n".join(f"{p.relative_to(source)}:{p.stat().st_size}" for p in files).encode()
    ).hexdigest()
    brotli = _brotli_cli()
    stamp = dest / ".kalbar-static"
    slim_fonts = (source / "media").is_dir() and (source / "js").is_dir()  # Streamlit's folder (not a component's)
    wanted = f"{stamp_value} br={bool(brotli)}" + (
        f" fonts={fontsubset.stamp(source / 'js', ROOT)}" if slim_fonts else ""
    )
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        return {"dest": str(dest), "files": len(files), "skipped": True}
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)

    def one(src: Path) -> tuple[int, int, int]:
        out = dest / src.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, out)
        if src.suffix not in COMPRESS or src.stat().st_size < 1024:
            return 0, 0, 0
        data = src.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        (out.parent / (out.name + ".gz")).write_bytes(packed)
        size_br = 0
        if brotli:  # quality 9: within a few % of 11 at a tenth of the time
            subprocess.run([brotli, "-q", "9", "-f", "-o", str(out) + ".br", str(out)], check=True)
            size_br = (out.parent / (out.name + ".br")).stat().st_size
        return len(data), len(packed), size_br

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        sizes = list(pool.map(one, files))
    if slim_fonts:
        fontsubset.slim(dest, ROOT, log=log)
    raw, gz, br = (sum(s[i] for s in sizes) for i in range(3))
    stamp.write_text(wanted)
    log(
        f"   static files: {len(files)} to {dest}; compressible {raw / 1e6:.1f} MB -> gzip {gz / 1e6:.1f} MB"
        + (f", brotli {br / 1e6:.1f} MB" if brotli else "")
    )
    return {"dest": str(dest), "files": len(files), "raw": raw, "gz": gz, "br": br}


def prepare_www(www: Path, log=print) -> dict:
    """Everything nginx serves from disk: ``www/static`` (Streamlit) and ``www/component/<name>``."""
    out = {"static": prepare(www / "static", streamlit_static_dir() / "static", log=log)}
    for name, build in component_dirs().items():
        out[name] = prepare(www / "component" / name, build, log=log)
    return out
