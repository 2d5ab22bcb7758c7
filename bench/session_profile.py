"""cProfile of new sessions in a real Streamlit server (script thread, incl. message serialization).

    python -m bench.session_profile [--sessions 10] [--url-path "/desa?kab=61.04"] [--root DIR] [--cpu]

Starts ``streamlit run app.py`` in a child process whose ScriptRunner runs are profiled, opens
``--sessions`` new sessions one after another with the load client (after one warm-up session
that fills the per-process caches), stops the server and writes the sorted profile to
bench/out/profile_session_<name>.txt. Sequential on purpose: one profiler, one script thread.
``--cpu`` times with the script thread's CPU clock (``time.thread_time``) instead of the wall clock: on a shared
machine other work then barely moves the figures, so two trees can be compared (what a run costs, not waits).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from deploy.stack import STREAMLIT_FLAGS

from .common import OUT, ROOT, setup_env

LAUNCH = r"""
import cProfile, io, os, pstats, sys
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
import time
prof = cProfile.Profile(time.thread_time) if os.environ.get("KALBAR_PROFILE_CPU") else cProfile.Profile()
state = {"runs": 0, "on": os.environ.get("KALBAR_PROFILE_SKIP", "1")}
original = ScriptRunner._run_script
def wrapped(self, rerun_data):
    state["runs"] += 1
    skip = state["runs"] <= int(os.environ.get("KALBAR_PROFILE_SKIP", "1"))
    if not skip:
        prof.enable()
    try:
        return original(self, rerun_data)
    finally:
        if not skip:
            prof.disable()
            dump()  # after every profiled run: Streamlit's SIGTERM handling can leave without running atexit
ScriptRunner._run_script = wrapped
def dump():
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(60)
    st.sort_stats("tottime").print_stats(30)
    open(os.environ["KALBAR_PROFILE_OUT"], "w").write(
        f"profiled runs: {state['runs'] - int(os.environ.get('KALBAR_PROFILE_SKIP', '1'))}"
        f" (clock: {'script thread CPU' if os.environ.get('KALBAR_PROFILE_CPU') else 'wall'})\n" + buf.getvalue()
    )
from streamlit.web.cli import main
sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
main()
"""


def run(
    sessions: int = 10, url_path: str = "/desa?kab=61.04", root: Path = ROOT, name: str = "ours", cpu: bool = False
) -> Path:
    from geo.paths import cache_dir

    from . import load
    from .servers import free_port

    setup_env()
    port = free_port()
    out = OUT / f"profile_session_{name}.txt"
    env = dict(
        os.environ,
        PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        KALBAR_PROFILE_OUT=str(out),
        KALBAR_PROFILE_SKIP="1",
        KALBAR_CACHE_DIR=str(cache_dir()),  # another tree (--root) has no .cache of its own
    )
    if cpu:
        env["KALBAR_PROFILE_CPU"] = "1"
    cmd = [
        sys.executable,
        "-c",
        LAUNCH,
        "--server.port",
        str(port),
        *STREAMLIT_FLAGS,
    ]
    log = open(OUT / f"profile_server_{name}.log", "w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        url = f"http://127.0.0.1:{port}{url_path}"
        for i in range(sessions + 1):  # the first fills the caches and is not profiled
            s = asyncio.run(load.one_session(load.Target.parse(url)))
            print(f"   session {i}: {'ok' if s.ok else s.error} {s.ws_s and round(s.ws_s, 3)} s", flush=True)
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.session_profile", description=__doc__)
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--url-path", default="/desa?kab=61.04")
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--name", default="ours")
    ap.add_argument("--cpu", action="store_true", help="time by the script thread's CPU clock, not the wall clock")
    a = ap.parse_args(argv)
    path = run(a.sessions, a.url_path, a.root.resolve(), a.name, a.cpu)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
