"""One `streamlit run` of the app (or another script) on a free localhost port, for tests and the bench."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deploy.stack import STREAMLIT_FLAGS, free_port

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
LOG_DIR = ROOT / "bench" / "out"  # git-ignored; where the bench and the tests have always written server logs


class Server:
    """``streamlit run script`` on 127.0.0.1 (a context manager: started on enter, stopped on exit)."""

    def __init__(
        self,
        name: str,
        script: Path = APP,
        port: int | None = None,
        env: dict[str, str] | None = None,
        log_dir: Path = LOG_DIR,
    ):
        self.name = name
        self.script = script
        self.port = port or free_port()
        self.extra_env = dict(env or {})  # e.g. a test's own database (KALBAR_DATABASE_URL) or HOME
        self.proc: subprocess.Popen | None = None
        self.log = log_dir / f"server_{name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> Server:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env.update(self.extra_env)
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            *STREAMLIT_FLAGS,
            "--server.port",
            str(self.port),
            "--server.enableStaticServing",
            "true",
        ]
        self.log.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no bench/out yet
        self._log = open(self.log, "w")
        # Each app runs from its own folder, so each gets its own .streamlit/config.toml: ours, or
        # Streamlit's defaults for the bench's naive baseline ("built the usual way").
        self.proc = subprocess.Popen(cmd, cwd=self.script.parent, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited ({self.proc.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} server did not come up in {timeout} s; see {self.log}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# The sign-in settings a developer's shell may carry; blank, so a test's server has only its own account.
SIGN_IN_VARS = ("KALBAR_REQUIRE_SIGN_IN", "KALBAR_EDITOR_EMAILS", "KALBAR_ADMIN_EMAILS")


@contextmanager
def with_account(name: str, folder: Path, user: str, role: str, password: str) -> Iterator[Server]:
    """The app over a throw-away SQLite store in ``folder`` holding one built-in account (the browser tests
    that sign in, and the docs' screenshots); ``srv.tmp`` is ``folder``, for the files a test uploads."""
    from geo.store import open_store  # noqa: PLC0415 - the store only for the servers that need an account

    url = f"sqlite:///{(folder / 'peta.sqlite').as_posix()}"
    store = open_store(url)
    try:
        store.add_user(user, role, password)
    finally:
        store.dispose()
    with Server(name, APP, env={"KALBAR_DATABASE_URL": url, **dict.fromkeys(SIGN_IN_VARS, "")}) as srv:
        srv.tmp = folder
        yield srv
