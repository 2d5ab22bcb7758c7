"""Set up everything and then start the app or run the tests — the README's two commands.

    python run.py app  [--source FOLDER] [-- streamlit args]
    python run.py test [--source FOLDER] [-- pytest args]     (ruff check, then pytest)
    python run.py bench [--source FOLDER] [-- bench args, e.g. load / proxy / phone]
    python run.py serve [--source FOLDER] [--replicas N] [--port 8443] [--http-port 8080] [-- e.g. --no-warm]

Works the same on Windows, macOS and Linux: a virtual environment in .venv, the pinned
requirements, the boundary cache (from FOLDER, $KALBAR_BOUNDARY_SOURCE, or a download),
then the command. Re-running skips what is already done.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"
CHROMIUM = Path("/usr/bin/chromium")
# A PostgreSQL cluster of our own on localhost, shared by every checkout on the machine (reused when running)
PG_CLUSTER, PG_PORT, PG_ROLE = "kalbar", int(os.environ.get("KALBAR_PG_PORT", "54329")), "kalbar"
PG_URL_ENV = "KALBAR_TEST_POSTGRES_URL"


# What a terminal (Ctrl-C, closing the window) or a supervisor (kill, systemd) sends to stop a command.
STOP_SIGNALS = [getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, n)]
STOP_GRACE_S = 60  # serve's clean-up waits up to 15 s for nginx and 20 s for the apps


class Stopped(Exception):
    """A stop signal reached run.py (alone, or with its whole process group)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_stop(signum, _frame) -> None:
    raise Stopped(signum)


def catch_stop_signals() -> None:
    """A stop signal becomes ``Stopped``: a short step's child (subprocess.run/call/check_call) is
    killed on the way out, and run_child passes it on to the long-running one."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, _on_stop)


def _own_children() -> list[int]:
    """This process's live children, from /proc (Linux; [] elsewhere). run.py runs before the venv
    exists, so it cannot use deploy.stack.descendants."""
    me, found = str(os.getpid()), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == me and fields[0] not in ("Z", "X"):
            found.append(int(stat.parent.name))
    return found


def run_child(cmd: list[str], **kw) -> int:
    """Run the app, the serve stack, the tests or the bench until it ends, and pass a stop signal
    that reaches run.py on to it (once), then wait for its own clean-up (the serve stack stops nginx
    and every app process); after STOP_GRACE_S it is killed. So `kill <run.py>` ends everything
    started, as does a signal to the whole group (then the child gets it twice; both stop cleanly)."""
    proc: subprocess.Popen | None = None
    deadline = None
    while True:
        try:
            if proc is None:
                proc = subprocess.Popen(cmd, **kw)
            if deadline is None:
                return proc.wait()
            return proc.wait(max(0.0, deadline - time.monotonic()))
        except Stopped as stop:
            if proc is None:  # the signal came while it was being started: end whatever was forked
                for pid in _own_children():
                    os.kill(pid, signal.SIGKILL)
                raise
            if deadline is None:
                deadline = time.monotonic() + STOP_GRACE_S
                try:
                    proc.send_signal(stop.signum)
                except (OSError, ValueError):  # already gone; or Windows (SIGINT: the console sends Ctrl-C to all)
                    pass
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def step(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def ensure_venv() -> Path:
    py = venv_python()
    if not py.exists():
        step("membuat / creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        step("memasang paket / installing requirements")
        subprocess.check_call(
            [str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(REQUIREMENTS)]
        )
        STAMP.write_text(digest)
    return py


def apt_prefix() -> list[str] | None:
    """How this machine runs apt-get: [] as root, ["sudo", "-n"] with sudo; None without apt or a way to run it
    (Windows, macOS, other Linux). Where it is not None, `test` installs and starts the real services itself."""
    if os.name == "nt" or not shutil.which("apt-get"):
        return None
    if os.geteuid() == 0:
        return []
    return ["sudo", "-n"] if shutil.which("sudo") else None


def ensure_chromium() -> str | None:
    """Browser tests drive Debian's Chromium, the PDF checks read with poppler's pdftotext; install each with apt
    where we can (CI, dev boxes). Returns what is still missing (None: nothing)."""
    wanted = {"chromium": CHROMIUM.exists(), "poppler-utils": bool(shutil.which("pdftotext"))}
    missing = [pkg for pkg, there in wanted.items() if not there]
    for pkg in missing if apt_prefix() is not None else ():
        _apt_install(pkg)  # one at a time: poppler-utils does not wait on chromium
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} missing (apt-get install chromium)")
    if not shutil.which("pdftotext"):
        problems.append("pdftotext missing (apt-get install poppler-utils)")
    return "; ".join(problems) or None


AXE_VERSION = "4.11.1"  # axe-core, the accessibility rules the browser tests inject (tests/support/axe.py)
AXE_JS = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


def ensure_axe() -> str | None:
    """axe-core from npm into the git-ignored .cache/npm (once; offline afterwards). Returns why it is missing."""
    if AXE_JS.is_file():
        return None
    npm = shutil.which("npm")
    if npm is None and apt_prefix() is not None:
        _apt_install("npm")
        npm = shutil.which("npm")
    if npm is None:
        return "npm missing (apt-get install npm): the accessibility tests need axe-core"
    step(f"axe-core {AXE_VERSION} (npm) untuk tes aksesibilitas / for the accessibility tests")
    cmd = [npm, "install", "--prefix", str(AXE_JS.parents[2]), "--no-audit", "--no-fund", f"axe-core@{AXE_VERSION}"]
    if subprocess.call(cmd, cwd=ROOT, stdout=subprocess.DEVNULL) != 0 or not AXE_JS.is_file():
        return f"npm install axe-core@{AXE_VERSION} failed"
    return None


def _pg_bin() -> Path | None:
    """The newest installed PostgreSQL server binaries (Debian layout)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def _apt_install(*packages: str) -> bool:
    prefix = apt_prefix()
    if prefix is None:
        return False
    step("memasang / installing " + " ".join(packages) + " (apt)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.call(prefix + ["apt-get", "update", "-qq"], env=env)
    return (
        subprocess.call(prefix + ["apt-get", "install", "-y", "-qq", *packages], env=env, stdout=subprocess.DEVNULL)
        == 0
    )


def _as_postgres(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(run_as + cmd, capture_output=True, text=True, **kw)


def _pg_ready(bin_dir: Path) -> bool:
    return subprocess.run([str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(PG_PORT)]).returncode == 0


def ensure_postgres(install: bool = True) -> tuple[str | None, str]:
    """A running PostgreSQL on 127.0.0.1:PG_PORT with role+database ``kalbar``: (URL, "") or (None, why not).

    Debian's packages (installed with apt when missing), one cluster ``kalbar`` made with pg_createcluster
    (root) and reused by every later run and every checkout; a file lock keeps parallel runs from racing.
    """
    if os.name == "nt" or sys.platform == "darwin":
        return None, "PostgreSQL set-up is automated for Debian/Ubuntu only; set KALBAR_TEST_POSTGRES_URL"
    bin_dir = _pg_bin()
    if bin_dir is None and install:
        _apt_install("postgresql")
        bin_dir = _pg_bin()
    if bin_dir is None:
        return None, "PostgreSQL is not installed (apt-get install postgresql failed or not allowed)"
    if os.geteuid() != 0:
        return None, "starting the test PostgreSQL cluster needs root (pg_createcluster); set KALBAR_TEST_POSTGRES_URL"
    import fcntl  # noqa: PLC0415 - POSIX only; this path never runs on Windows

    version = bin_dir.parent.name
    password = PG_ROLE  # local test cluster on 127.0.0.1 only
    with open("/tmp/kalbar-postgres.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _pg_ready(bin_dir):
            exists = any(
                line.split()[:2] == [version, PG_CLUSTER]
                for line in subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout.splitlines()
            )
            if not exists:
                step(f"PostgreSQL: membuat klaster / creating cluster {version}/{PG_CLUSTER} on port {PG_PORT}")
                made = subprocess.run(
                    ["pg_createcluster", version, PG_CLUSTER, "-p", str(PG_PORT)], capture_output=True, text=True
                )
                if made.returncode != 0:
                    return None, f"pg_createcluster failed: {made.stderr.strip()[:300]}"
            started = subprocess.run(["pg_ctlcluster", version, PG_CLUSTER, "start"], capture_output=True, text=True)
            if started.returncode != 0 and not _pg_ready(bin_dir):
                return None, f"pg_ctlcluster start failed: {started.stderr.strip()[:300]}"
            for _ in range(50):
                if _pg_ready(bin_dir):
                    break
                time.sleep(0.2)
            else:
                return None, f"PostgreSQL did not accept connections on 127.0.0.1:{PG_PORT}"
        psql = [str(bin_dir / "psql"), "-p", str(PG_PORT), "-v", "ON_ERROR_STOP=1", "-tAq"]
        role = _as_postgres(psql + ["-c", f"SELECT 1 FROM pg_roles WHERE rolname = '{PG_ROLE}'"])
        if role.returncode != 0:
            return None, f"psql as postgres failed: {role.stderr.strip()[:300]}"
        if role.stdout.strip() != "1":
            made = _as_postgres(psql + ["-c", f"CREATE ROLE {PG_ROLE} LOGIN CREATEDB PASSWORD '{password}'"])
            if made.returncode != 0:
                return None, f"creating role failed: {made.stderr.strip()[:300]}"
        db = _as_postgres(psql + ["-c", f"SELECT 1 FROM pg_database WHERE datname = '{PG_ROLE}'"])
        if db.stdout.strip() != "1":
            made = _as_postgres([str(bin_dir / "createdb"), "-p", str(PG_PORT), "-O", PG_ROLE, PG_ROLE])
            if made.returncode != 0:
                return None, f"createdb failed: {made.stderr.strip()[:300]}"
    return f"postgresql://{PG_ROLE}:{password}@127.0.0.1:{PG_PORT}/{PG_ROLE}", ""


# --- serve: the production stack (nginx + N app processes) on this machine --------------------------

NGINX_PACKAGES = ("nginx", "libnginx-mod-http-brotli-filter", "libnginx-mod-http-brotli-static", "brotli")


def ensure_nginx() -> str | None:
    """`serve` and the deployment tests run Debian's nginx (and its brotli modules where Debian has them).
    Returns why nginx is still missing (None: installed, or not a machine with apt)."""
    if os.name == "nt" or not shutil.which("apt-get"):
        return None
    missing = [p for p in NGINX_PACKAGES if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return None
    prefix = apt_prefix()
    if prefix is None:
        print(f"!! nginx tidak lengkap / missing: apt-get install {' '.join(missing)} (serve and deploy tests need it)")
        return f"nginx missing: apt-get install {' '.join(missing)}"
    step(f"memasang / installing {' '.join(missing)} (apt)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.call(prefix + ["apt-get", "install", "-y", "-qq", "nginx"], env=env, stdout=subprocess.DEVNULL) != 0:
        subprocess.call(prefix + ["apt-get", "update", "-qq"], env=env)
        subprocess.call(prefix + ["apt-get", "install", "-y", "-qq", "nginx"], env=env, stdout=subprocess.DEVNULL)
    for optional in missing[1:]:  # brotli: only where the distribution has it
        subprocess.call(
            prefix + ["apt-get", "install", "-y", "-qq", optional],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        return "nginx missing: apt-get install nginx failed"
    return None


def serve(py: Path, env: dict, args: argparse.Namespace, rest: list[str]) -> int:
    """N Streamlit processes on free local ports behind nginx on --port; Ctrl-C stops everything."""
    ensure_nginx()
    start_pg = globals().get("ensure_postgres")  # the store's local PostgreSQL (run.py test), where present
    if args.replicas > 1 and not env.get("KALBAR_DATABASE_URL") and callable(start_pg):
        url, why = start_pg()
        if url:
            env["KALBAR_DATABASE_URL"] = url
            step("PostgreSQL lokal untuk data terbit / local PostgreSQL for published data")
        else:
            print(f"!! PostgreSQL: {why}")
    step(f"menjalankan / starting nginx + {args.replicas} proses aplikasi / app processes")
    cmd = [str(py), "-m", "deploy", "serve", "--replicas", str(args.replicas), "--port", str(args.port)]
    cmd += ["--http-port", str(args.http_port), *rest]
    return run_child(cmd, cwd=ROOT, env=env)


def test_services(env: dict) -> dict[str, str]:
    """Install and start what the tests use (Chromium, poppler, PostgreSQL, nginx); sets ``PG_URL_ENV`` in ``env``.
    Returns {service: why it is not ready} for those that are not."""
    problems: dict[str, str] = {}
    why = ensure_chromium()
    if why:
        problems["Chromium/poppler"] = why
    why = ensure_axe()
    if why:
        problems["axe-core"] = why
    if not env.get(PG_URL_ENV):
        step("PostgreSQL untuk tes / for the tests")
        url, why = ensure_postgres()
        if url:
            env[PG_URL_ENV] = url
        else:
            problems["PostgreSQL"] = f"{why} (or set {PG_URL_ENV})"
    why = ensure_nginx()
    if why:
        problems["nginx"] = why
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("app", "test", "bench", "setup", "serve"))
    parser.add_argument("--replicas", type=int, default=2, help="serve: app processes behind nginx")
    parser.add_argument("--port", type=int, default=8443, help="serve: nginx's HTTPS port on 127.0.0.1")
    parser.add_argument("--http-port", type=int, default=8080, help="serve: plain HTTP, redirects to HTTPS")
    parser.add_argument(
        "--source", help="local copy of the upstream boundary folder (else $KALBAR_BOUNDARY_SOURCE, else download)"
    )
    argv = sys.argv[1:]
    # Everything after "--" goes to streamlit / pytest untouched (argparse.REMAINDER would
    # also swallow our own --source when it follows the command).
    rest = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    args = parser.parse_args(own)

    catch_stop_signals()
    py = ensure_venv()
    env = dict(os.environ)
    if args.source:
        env["KALBAR_BOUNDARY_SOURCE"] = str(Path(args.source).resolve())
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")

    step("data batas wilayah / boundary cache")
    ready = subprocess.run(
        [
            str(py),
            "-c",
            "from geo.boundaries import cache_ready; from geo.sample import sample_path; "
            "import sys; sys.exit(0 if cache_ready() and sample_path('desa').is_file() else 1)",
        ],
        cwd=ROOT,
        env=env,
    )
    if ready.returncode != 0:
        code = subprocess.call([str(py), "-m", "geo", "fetch"], cwd=ROOT, env=env)
        if code != 0:
            return code
    subprocess.check_call([str(py), "-c", "from geo.assets import ensure_static; ensure_static()"], cwd=ROOT, env=env)
    subprocess.check_call([str(py), "-m", "deploy", "fonts"], cwd=ROOT, env=env)  # trimmed fonts (server/fonts.py)

    if args.command == "app":
        step("menjalankan aplikasi / starting the app")
        return run_child([str(py), "-m", "streamlit", "run", "app.py", *rest], cwd=ROOT, env=env)
    if args.command == "serve":
        return serve(py, env, args, rest)
    if args.command == "test":
        problems = test_services(env)
        if problems:
            if apt_prefix() is not None:  # Debian/Ubuntu: we install these, so a missing one is a broken set-up
                print("!! layanan untuk tes tidak siap / services for the tests are not ready:", file=sys.stderr)
                for what, why in problems.items():
                    print(f"!!   {what}: {why}", file=sys.stderr)
                print(
                    "!! `python run.py test` installs and starts them on Debian/Ubuntu (apt-get as root or with"
                    f" sudo); fix the above, or point {PG_URL_ENV} at a PostgreSQL server, and run again.",
                    file=sys.stderr,
                )
                return 1
            for what, why in problems.items():  # elsewhere: the tests that need them are skipped, saying why
                print(f"!! {what}: {why} (tests that need it will be skipped)")
        step("ruff check (pyproject.toml)")
        if subprocess.call([str(py), "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT, env=env) != 0:
            print("!! ruff check: perbaiki / fix the findings above (ruff check --fix)", file=sys.stderr)
            return 1
        step("menjalankan tes / running the tests")
        return run_child([str(py), "-m", "pytest", "-q", *rest], cwd=ROOT, env=env)
    if args.command == "bench":
        ensure_chromium()
        ensure_nginx()
        return run_child([str(py), "-m", "bench", *rest], cwd=ROOT, env=env)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Stopped as stopped:  # during set-up: the step's child was killed on the way out
        sys.exit(128 + stopped.signum)
