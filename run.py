"""Set up everything and then start the app or run the tests — the README's two commands.

    python run.py app  [--source FOLDER] [-- streamlit args]
    python run.py test [--source FOLDER] [-- pytest args]
    python run.py bench [--source FOLDER]

Works the same on Windows, macOS and Linux: a virtual environment in .venv, the pinned
requirements, the boundary cache (from FOLDER, $KALBAR_BOUNDARY_SOURCE, or a download),
then the command. Re-running skips what is already done.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"
CHROMIUM = Path("/usr/bin/chromium")


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
        subprocess.check_call([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(REQUIREMENTS)])
        STAMP.write_text(digest)
    return py


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it with apt where we can (CI, dev boxes)."""
    if CHROMIUM.exists() or os.name == "nt" or not shutil.which("apt-get"):
        return
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        print("!! /usr/bin/chromium tidak ada / missing: apt-get install chromium (browser tests will be skipped)")
        return
    step("memasang / installing chromium (apt)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.call(prefix + ["apt-get", "update", "-qq"], env=env)
    subprocess.call(prefix + ["apt-get", "install", "-y", "-qq", "chromium", "poppler-utils"], env=env, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("app", "test", "bench", "setup"))
    parser.add_argument("--source", help="local copy of the upstream boundary folder (else $KALBAR_BOUNDARY_SOURCE, else download)")
    argv = sys.argv[1:]
    # Everything after "--" goes to streamlit / pytest untouched (argparse.REMAINDER would
    # also swallow our own --source when it follows the command).
    rest = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    args = parser.parse_args(own)

    py = ensure_venv()
    env = dict(os.environ)
    if args.source:
        env["KALBAR_BOUNDARY_SOURCE"] = str(Path(args.source).resolve())
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")

    step("data batas wilayah / boundary cache")
    ready = subprocess.run([str(py), "-c", "from geo.boundaries import cache_ready; from geo.sample import sample_path; "
                            "import sys; sys.exit(0 if cache_ready() and sample_path('desa').is_file() else 1)"], cwd=ROOT, env=env)
    if ready.returncode != 0:
        code = subprocess.call([str(py), "-m", "geo", "fetch"], cwd=ROOT, env=env)
        if code != 0:
            return code
    subprocess.check_call([str(py), "-c", "from geo.assets import ensure_static; ensure_static()"], cwd=ROOT, env=env)

    if args.command == "app":
        step("menjalankan aplikasi / starting the app")
        return subprocess.call([str(py), "-m", "streamlit", "run", "app.py", *rest], cwd=ROOT, env=env)
    if args.command == "test":
        ensure_chromium()
        step("menjalankan tes / running the tests")
        return subprocess.call([str(py), "-m", "pytest", "-q", *rest], cwd=ROOT, env=env)
    if args.command == "bench":
        ensure_chromium()
        return subprocess.call([str(py), "-m", "bench", *rest], cwd=ROOT, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
