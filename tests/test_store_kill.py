"""A publish is one transaction: a real SIGKILL mid-publish, and two publishers at once (both backends)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.paths import ROOT
from geo.store import open_store
from tests.support.sample import one_month_csv

WORKER = """
import sys, time
import tests.support.pause  # KALBAR_TEST_PAUSE_IN_PUBLISH: stop inside the publish's transaction
from pathlib import Path
from geo.store import open_store
url, path, name, by = sys.argv[1:5]
store = open_store(url)
content = Path(path).read_bytes()
from geo.boundaries import areas
areas("desa")  # boundaries loaded before we say we are ready
print("ready", flush=True)
start = time.perf_counter()
res = store.publish(content, name, "desa", by, accept_partial=True)
print("done", res.version.id, round(time.perf_counter() - start, 3), flush=True)
"""

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("SIGKILL is POSIX", allow_module_level=True)


def desa_variant(tmp_path: Path, period: str) -> Path:
    """The 2,130-row sample desa table (its latest month) restated as another period: a new version, same size."""
    out = tmp_path / f"desa_{period}.csv"
    out.write_bytes(one_month_csv("desa", as_period=period))
    return out


def start_worker(url: str, path: Path, by: str, env_extra: dict[str, str] | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, url, str(path), path.name, by],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    line = proc.stdout.readline()
    assert line.strip() == "ready", (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.time() < deadline, "the worker never reached the transaction"
        time.sleep(0.02)


def assert_complete(store, version_id: int) -> None:
    v = store.version(version_id)
    assert v is not None and v.n_rows == 2130 and v.n_matched == 2130
    rows = store.rows(version_id)
    assert len(rows) == 2130 and rows["kode"].is_unique
    assert store.report(version_id)["summary"]["matched"] == 2130
    name, content = store.original(version_id)
    import hashlib

    assert hashlib.sha256(content).hexdigest() == v.sha256


def test_sigkill_inside_the_transaction_leaves_no_trace(db_url, tmp_path):
    store = open_store(db_url)
    first = store.publish(one_month_csv("desa"), "desa.csv", "desa", "ana").version
    token, audit_before = store.change_token(), len(store.audit())
    marker = tmp_path / "in-transaction"
    proc = start_worker(
        db_url, desa_variant(tmp_path, "2025"), "budi", {"KALBAR_TEST_PAUSE_IN_PUBLISH": f"60:{marker}"}
    )
    wait_for(marker, proc)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL
    # the killed transaction had inserted its version row and aliases: none of it is visible
    assert [v.id for v in store.versions()] == [first.id] and store.change_token() == token
    assert len(store.audit()) == audit_before
    assert_complete(store, first.id)
    assert list(store.current()["desa"]) == ["2024-12"]
    # and the database is not left locked: the same table publishes completely now
    again = store.publish(desa_variant(tmp_path, "2025").read_bytes(), "desa_2025.csv", "desa", "budi").version
    assert_complete(store, again.id)
    assert sorted(store.current()["desa"]) == ["2024-12", "2025"]
    store.dispose()


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.35, 0.5, 0.8, 1.2])
def test_sigkill_at_any_moment_leaves_complete_or_absent(db_url, tmp_path, delay):
    """No hook: kill after ``delay`` s of a real publish (read, join, report, write); never half a version."""
    store = open_store(db_url)
    first = store.publish(one_month_csv("desa"), "desa.csv", "desa", "ana").version
    proc = start_worker(db_url, desa_variant(tmp_path, "2026"), "budi")
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    ids = [v.id for v in store.versions()]
    assert ids[-1] == first.id and len(ids) in (1, 2)
    for version_id in ids:
        assert_complete(store, version_id)
    store.dispose()


def test_two_publishers_at_once_make_two_complete_versions(db_url, tmp_path):
    store = open_store(db_url)
    marker = tmp_path / "a-in-transaction"
    a = start_worker(db_url, desa_variant(tmp_path, "2025"), "ana", {"KALBAR_TEST_PAUSE_IN_PUBLISH": f"1.5:{marker}"})
    b = start_worker(db_url, desa_variant(tmp_path, "2026"), "budi")
    wait_for(marker, a)
    b_out, b_err = b.communicate(timeout=120)  # B reaches its transaction while A holds the write lock
    a_out, a_err = a.communicate(timeout=120)
    assert a.returncode == 0 and b.returncode == 0, (a_err, b_err)
    a_id, b_id = int(a_out.split()[1]), int(b_out.split()[1])
    assert a_id != b_id and sorted([v.id for v in store.versions()]) == sorted([a_id, b_id])
    for version_id in (a_id, b_id):
        assert_complete(store, version_id)
    cur = store.current()["desa"]
    assert (cur["2025"].id, cur["2025"].published_by, cur["2026"].id, cur["2026"].published_by) == (
        a_id,
        "ana",
        b_id,
        "budi",
    )
    assert store.change_token() == "2"
    store.dispose()
