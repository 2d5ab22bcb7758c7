"""`python -m bench` writes every section of RESULTS.md from one run, marks what it could not measure, and
refuses a dirty tree (issue 29).

The bench runs as a subprocess on a copy of this work tree committed into a scratch git repository (tests never
import bench/), every measuring step skipped: what is left is the bookkeeping under test, on real git.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.paths import ROOT

SECTIONS = ("main", "version_check", "phone", "hosting", "api", "growth")
STEPS = "setup,payload,fidelity,rerun,browser,version_check,load,proxy,phone,api,growth"
NOT_MEASURED = "tidak terukur / not measured"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """The project's files as they are now (tracked and new, not ignored), committed: a clean tree."""
    repo = tmp_path_factory.mktemp("bench_tree")
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        src = ROOT / name
        if src.is_file() and not src.is_symlink():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / name)
    shutil.copytree(ROOT / "bench", repo / "bench", dirs_exist_ok=True, ignore=shutil.ignore_patterns("out"))
    (repo / ".gitignore").write_text((ROOT / ".gitignore").read_text(encoding="utf-8"), encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "scratch")
    return repo


def _bench(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(repo))
    return subprocess.run(
        [sys.executable, "-m", "bench", "--skip", STEPS, *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _rows(md: str) -> list[str]:
    """Every data row of every Markdown table (no header, no separator)."""
    out, in_table = [], False
    for line in md.splitlines():
        if line.startswith("|"):
            if in_table and not set(line.replace("|", "").strip()) <= set("-: "):
                out.append(line)
            in_table = True
        else:
            in_table = False
    return out


def test_every_section_is_written_and_an_unmeasured_row_keeps_its_goal(tree: Path) -> None:
    out = tree / "out.md"
    done = _bench(tree, "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    md = out.read_text(encoding="utf-8")
    commit = _git(tree, "rev-parse", "--short", "HEAD").strip()
    for key in SECTIONS:
        block = re.search(rf"<!-- section:{key} -->(.*?)<!-- /section:{key} -->", md, re.S)
        assert block, f"section {key} missing"
        body = block.group(1)
        assert f"Commit `{commit}` (clean tree)" in body, key  # each section states its commit …
        assert "load average" in body and "runs behind each median" in body and "cores" in body, key
        assert NOT_MEASURED in body, key  # … and, nothing measured, says so
    # the goals stay, beside the reason
    assert re.search(
        r"\| .*map.s data as shipped \| .* \| ≤ 1,500,000 B \| tidak terukur / not measured: skipped with --skip \|", md
    )
    assert "≤ 10 s" in md and "≤ 3 s" in md  # the phone's polygon and cold-view goals
    assert "p95 ≤ 1.5 s, 0 errors" in md and "growth ≤ 50 MB" in md  # the crowd and the soak
    assert "DIRTY" not in md and "dirty tree" not in md.replace("clean tree", "")


def test_a_dirty_tree_is_refused(tree: Path) -> None:
    (tree / "uncommitted.txt").write_text("a change nobody committed\n", encoding="utf-8")
    try:
        out = tree / "refused.md"
        done = _bench(tree, "--out", str(out))
        assert done.returncode == 2
        assert "uncommitted.txt" in done.stderr and "--allow-dirty" in done.stderr
        assert not out.exists()
    finally:
        (tree / "uncommitted.txt").unlink()


def test_a_dirty_tree_with_the_flag_marks_every_row(tree: Path) -> None:
    (tree / "README.md").write_text("changed\n", encoding="utf-8") if (tree / "README.md").exists() else None
    (tree / "uncommitted.txt").write_text("a change nobody committed\n", encoding="utf-8")
    try:
        out = tree / "dirty.md"
        done = _bench(tree, "--allow-dirty", "--quick", "--out", str(out))
        assert done.returncode == 0, done.stderr[-2000:]
        md = out.read_text(encoding="utf-8")
        rows = _rows(md)
        assert len(rows) > 20
        assert all(row.rstrip().endswith("| dirty tree | quick run (development) |") for row in rows), [
            r for r in rows if "dirty tree" not in r
        ][:3]
        assert md.count("**dirty tree**") == len(SECTIONS)  # each section's stamp names it too
    finally:
        (tree / "uncommitted.txt").unlink()
        _git(tree, "checkout", "-q", "--", ".")
