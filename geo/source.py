"""Obtain the pinned upstream boundary files, verified byte for byte.

Two ways in: a local folder with the upstream layout (``KALBAR_BOUNDARY_SOURCE`` or
``--source``), or a download from the pinned commit. Either way every file must match the
sha256 in our own copy of the manifest (``data/SHA256SUMS``), so a stale or tampered copy
can never reach the cache.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import settings
from .paths import DATA_DIR, SOURCE_ENV

Progress = Callable[[str], None]


class SourceError(RuntimeError):
    """The boundary files could not be obtained or did not verify."""


@dataclass(frozen=True)
class Upstream:
    repository: str
    commit: str
    url_pattern: str
    attribution: str
    files: dict[str, str]  # relative path -> sha256

    def url(self, path: str) -> str:
        return self.url_pattern.format(commit=self.commit, path=path)

    @property
    def boundary_files(self) -> list[str]:
        return [p for p in self.files if p.endswith(".sql")]


def load_upstream(data_dir: Path = DATA_DIR) -> Upstream:
    meta = json.loads((data_dir / "upstream.json").read_text(encoding="utf-8"))
    files: dict[str, str] = {}
    for line in (data_dir / meta["manifest"]).read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, path = line.split(maxsplit=1)
            files[path.strip().lstrip("*")] = digest.lower()
    return Upstream(meta["repository"], meta["commit"], meta["url_pattern"], meta["attribution"], files)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fix_hint(upstream: Upstream) -> str:
    return (
        "Cara memperbaiki / how to fix:\n"
        f"  1) arahkan ke salinan lokal / point to a local copy: set {SOURCE_ENV}=<folder> "
        "atau/or `python -m geo fetch --source <folder>` (folder berisi db/kab, db/kec, db/kel "
        "seperti upstream / with the upstream layout);\n"
        f"  2) atau pastikan internet dapat menjangkau / or make sure this machine can reach "
        f"{upstream.url('<path>')}"
    )


def resolve_source(source: str | os.PathLike[str] | None) -> Path | None:
    """An explicit source wins over the environment; None means download."""
    value = source if source not in (None, "") else settings.env(SOURCE_ENV)
    return Path(value).expanduser().resolve() if value else None


def obtain(
    workdir: Path,
    source: str | os.PathLike[str] | None = None,
    progress: Progress = print,
    upstream: Upstream | None = None,
) -> dict[str, Path]:
    """Return verified local paths for every boundary file, downloading into ``workdir`` if needed."""
    upstream = upstream or load_upstream()
    folder = resolve_source(source)
    result: dict[str, Path] = {}
    names = upstream.boundary_files
    for i, rel in enumerate(names, 1):
        expected = upstream.files[rel]
        if folder is not None:
            path = folder / rel
            if not path.is_file():
                raise SourceError(
                    f"Berkas batas wilayah tidak ada / boundary file missing: {path}\n{_fix_hint(upstream)}"
                )
            progress(f"[{i}/{len(names)}] periksa / verify {rel}")
        else:
            path = workdir / "raw" / rel
            if not (path.is_file() and sha256_file(path) == expected):
                _download(
                    upstream.url(rel), path, progress, f"[{i}/{len(names)}] unduh / download {rel}", upstream, expected
                )
            else:
                progress(f"[{i}/{len(names)}] sudah ada / already downloaded {rel}")
        actual = sha256_file(path)
        if actual != expected:
            raise SourceError(
                f"Checksum tidak cocok / checksum mismatch for {rel}: expected {expected}, got {actual} ({path}).\n"
                f"{_fix_hint(upstream)}"
            )
        result[rel] = path
    return result


def _download(
    url: str, dest: Path, progress: Progress, label: str, upstream: Upstream, expected: str | None = None
) -> None:
    """Download to a temporary file beside ``dest`` and move it in only when complete and verified."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=".part-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as resp:
            total = int(resp.headers.get("Content-Length") or 0)
            done, last = 0, -1
            while block := resp.read(1 << 16):
                out.write(block)
                done += len(block)
                pct = int(done * 100 / total) if total else -1
                if pct // 25 != last:
                    last = pct // 25
                    size = f"{done / 1e6:.1f} MB" + (f" / {total / 1e6:.1f} MB" if total else "")
                    progress(f"{label}: {size}")
        # http.client returns a short body silently when the connection drops early.
        if total and done != total:
            raise SourceError(
                f"Unduhan terputus / incomplete download: {url} ({done} of {total} bytes).\n{_fix_hint(upstream)}"
            )
        if expected is not None and (actual := sha256_file(tmp)) != expected:
            raise SourceError(
                f"Checksum tidak cocok / checksum mismatch for {url}: "
                f"expected {expected}, got {actual}.\n{_fix_hint(upstream)}"
            )
        shutil.move(str(tmp), dest)
    except (urllib.error.URLError, http.client.HTTPException, OSError, TimeoutError) as exc:
        raise SourceError(
            f"Sumber tidak dapat dijangkau / source unreachable: {url} ({exc}).\n{_fix_hint(upstream)}"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
