"""What the figures were measured on: CPU, cores, RAM, OS, Python, Chromium, package versions."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from .common import ROOT


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def info() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    mem_kb = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal:")), 0
    )
    os_name = next(
        (
            line.split("=", 1)[1].strip().strip('"')
            for line in _read("/etc/os-release").splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.platform(),
    )
    chromium = ""
    try:
        chromium = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        chromium = "not available"
    commit = ""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    versions = {}
    for pkg in ("streamlit", "streamlit-folium", "folium", "shapely", "geopandas", "playwright"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "-"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": f"{os_name} ({platform.system()} {platform.release()})",
        "python": platform.python_version(),
        "chromium": chromium.replace("\n", " ").split(" built on")[0] if chromium else "not available",
        "packages": versions,
        "commit": commit,
        "loadavg_start": _read("/proc/loadavg").split()[:3],
    }


def tree_state(root: Path = ROOT) -> dict:
    """The commit and whether the work tree differs from it (``git status --porcelain``: changed, staged or
    untracked files; git-ignored ones such as bench/out/ do not count). A figure is only a record of a commit
    when nothing else was in the tree it measured."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip()[:200]}")
        return done.stdout

    try:
        commit = git("rev-parse", "--short", "HEAD").strip()
        changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=all").splitlines() if line]
    except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
        return {"commit": "", "dirty": True, "changed": [], "why": f"not a git tree: {exc}"}
    return {"commit": commit, "dirty": bool(changed), "changed": changed[:20], "changed_count": len(changed)}


def loadavg() -> list[str]:
    return _read("/proc/loadavg").split()[:3]
