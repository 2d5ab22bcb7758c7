"""`python run.py app` and `python run.py serve` end every process they started, whatever stop
signal reaches them: SIGTERM (kill, systemd), SIGINT (Ctrl-C) or SIGHUP (the terminal closed), sent
to run.py alone or to its whole process group (what a terminal or a supervisor does).

Each run starts in a process group of its own; the processes below run.py are found through /proc
(not by name: other servers run on this machine) and each must be gone once run.py has exited.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from deploy.stack import STREAMLIT_FLAGS, descendants, free_port, nginx_available, process_table
from tests.support.services import require

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    (signal.SIGTERM, "group"),
    (signal.SIGTERM, "run.py"),
    (signal.SIGINT, "group"),
    (signal.SIGINT, "run.py"),
    (signal.SIGHUP, "group"),
    (signal.SIGHUP, "run.py"),
]


def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat): tells a survivor from a reused pid."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()[19]


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:120]
    except OSError:
        return "?"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _run(args: list[str], log: Path, tmp_path: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env["KALBAR_DATABASE_URL"] = f"sqlite:///{tmp_path / 'store.db'}"  # not the machine's PostgreSQL
    with open(log, "w") as out:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "run.py"), *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it
        )


def _wait_ready(proc: subprocess.Popen, ready, log: Path, timeout: float = 240) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"run.py exited {proc.returncode} before it was ready:\n{log.read_text()[-3000:]}")
        if ready():
            return
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail(f"not ready in {timeout} s:\n{log.read_text()[-3000:]}")


def _stop_and_check(proc: subprocess.Popen, sig: int, target: str, expect_at_least: int, log: Path) -> None:
    started = {pid: _start_time(pid) for pid in descendants(proc.pid)}
    assert len(started) >= expect_at_least, [_comm(p) for p in started]
    try:
        if target == "group":
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        proc.wait(120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(1)  # a process whose parent ended is reaped by init: give it that moment
    table = process_table()
    left = [
        f"{pid} {_comm(pid)}"
        for pid, when in started.items()
        if pid in table and table[pid][1] not in ("Z", "X") and _start_time(pid) == when
    ]
    for pid in started:  # never leave one behind for the next test, whatever happened
        if pid in table and _start_time(pid) == started[pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert not left, f"still running after {signal.Signals(sig).name} to {target}: {left}\n{log.read_text()[-2000:]}"


@pytest.mark.parametrize("sig,target", CASES, ids=[f"{s.name}-{t}" for s, t in CASES])
def test_run_app_stops_its_streamlit(sig, target, tmp_path):
    port = free_port()
    log = tmp_path / "run.log"
    proc = _run(["app", "--", *STREAMLIT_FLAGS, "--server.port", str(port)], log, tmp_path)
    _wait_ready(proc, lambda: _answers(f"http://127.0.0.1:{port}/_stcore/health"), log)
    _stop_and_check(proc, sig, target, 1, log)


@pytest.mark.parametrize("sig,target", CASES, ids=[f"{s.name}-{t}" for s, t in CASES])
def test_run_serve_stops_nginx_and_every_app_process(sig, target, tmp_path):
    require("nginx", nginx_available(), "install nginx (Debian's package) for the deployment tests")
    log = tmp_path / "run.log"
    ports = ["--port", str(free_port()), "--http-port", str(free_port())]
    proc = _run(["serve", "--replicas", "2", *ports, "--", "--no-warm"], log, tmp_path)
    _wait_ready(proc, lambda: "==> ready" in log.read_text(errors="replace"), log)
    # deploy serve, two app processes, nginx's master and its worker
    _stop_and_check(proc, sig, target, 5, log)
