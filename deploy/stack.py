"""The whole stack on one machine: N Streamlit processes on free local ports and nginx in front.

Used by ``python run.py serve``, by tests/test_deploy.py and by the bench. nginx runs as the
current user with its prefix (config, pid, logs, temp files) in a git-ignored folder (.run/).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from geo.limits import VISITOR_UPLOADS_ENV
from geo.origin import PUBLIC_URL_ENV, parse_origin
from streamlit_boundary import urls

from . import nginxconf, staticfiles
from .warm import Target, one_session

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / ".run"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STREAMLIT_FLAGS = [
    "--server.headless",
    "true",
    "--server.address",
    "127.0.0.1",
    "--server.fileWatcherType",
    "none",
    "--server.runOnSave",
    "false",
    "--browser.gatherUsageStats",
    "false",
    "--client.showErrorDetails",
    "none",  # a crash shows no traceback to a visitor; it goes to the log (.streamlit/config.toml says so too)
]


def self_signed_pem(days: int = 30) -> tuple[bytes, bytes]:
    """(certificate, key) in PEM for 127.0.0.1 and localhost, with the ``cryptography`` package
    (ImportError without it)."""
    import datetime as dt  # noqa: PLC0415
    import ipaddress  # noqa: PLC0415

    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state letter) of every process, from /proc (Linux; {} elsewhere)."""
    table: dict[int, tuple[int, str]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended while we looked
            continue
        # "pid (comm) S ppid ...": comm may hold spaces and parentheses, so split after the last ")"
        fields = text[text.rindex(")") + 2 :].split()
        table[int(stat.parent.name)] = (int(fields[1]), fields[0])
    return table


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (children, their children, ...), found through /proc: what a
    stop must end, whatever was recorded (a process started just as a signal came is found too)."""
    table = process_table()
    below: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, state) in table.items():
            if ppid == parent and state not in ("Z", "X"):
                below.append(child)
                todo.append(child)
    return below


def end_processes(pids: list[int], grace: float = 15) -> None:
    """SIGTERM each, wait up to ``grace`` s for all, then SIGKILL what is left."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.time() + grace
    while time.time() < deadline:
        table = process_table()
        if not [p for p in pids if p in table and table[p][1] not in ("Z", "X")]:
            return
        time.sleep(0.2)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def nginx_available() -> str | None:
    """None when nginx can be run, else why not."""
    if not Path(NGINX).is_file():
        return "nginx is not installed (Debian: apt-get install nginx)"
    if not Path("/etc/nginx/mime.types").is_file():
        return "/etc/nginx/mime.types missing (Debian's nginx-common)"
    return None


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None, what: str = "") -> None:
    context = ssl._create_unverified_context() if url.startswith("https:") else None  # our own self-signed pair
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{what} did not answer {url} within {timeout:.0f} s")


class Stack:
    """``replicas`` app processes of ``app_root``/app.py behind nginx on ``port``.

    ``replicas=0`` starts nginx only, in front of ``app_ports`` (processes started elsewhere).
    """

    def __init__(
        self,
        replicas: int = 2,
        port: int | None = None,
        app_root: Path = ROOT,
        name: str = "serve",
        python: str = sys.executable,
        env: dict | None = None,
        replica_header: bool = True,
        run_dir: Path = RUN_DIR,
        log=print,
        app_ports: list[int] | None = None,
        static_root: Path | None = None,
        tls: bool = True,
        http_port: int | None = 0,
        rate_limits: bool = True,
    ):
        self.replicas, self.app_root, self.name, self.python = replicas, Path(app_root), name, python
        self.port = port or free_port()
        self.prefix = run_dir / name
        self.static_root = static_root or RUN_DIR / "www"  # shared: prepared once, reused by every stack
        self.env = dict(env or os.environ)
        self.replica_header = replica_header
        self.tls = tls
        self.rate_limits = rate_limits  # nginx's per-address limits (off: a bench measuring capacity)
        # with TLS, plain HTTP on this port answers with a redirect to HTTPS (0: a free port; None: none)
        self.http_port = (http_port or free_port()) if tls and http_port is not None else None
        self.log = log
        self.app_ports: list[int] = list(app_ports or [])
        self.apps: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self._logs: list = []

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def http_url(self) -> str | None:
        """The plain-HTTP address that redirects to ``url`` (None without TLS)."""
        return f"http://127.0.0.1:{self.http_port}" if self.http_port else None

    def _self_signed(self) -> tuple[Path, Path]:
        """A throw-away certificate for 127.0.0.1 and localhost, kept in the stack's git-ignored folder
        (.run/serve/): HTTPS, HTTP/2, HSTS and the redirect as on a server. Made with the
        ``cryptography`` package when the venv has it, else with Debian's openssl."""
        cert, key = self.prefix / "tls.crt", self.prefix / "tls.key"
        if not cert.is_file() or not key.is_file():
            self.prefix.mkdir(parents=True, exist_ok=True)
            try:
                cert_pem, key_pem = self_signed_pem()
            except ImportError:
                subprocess.run(
                    [
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "30",
                        "-subj",
                        "/CN=127.0.0.1",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout",
                        str(key),
                        "-out",
                        str(cert),
                    ],
                    check=True,
                    capture_output=True,
                )
            else:
                key.write_bytes(key_pem)
                cert.write_bytes(cert_pem)
            key.chmod(0o600)
        return cert, key

    def spki_pin(self) -> str | None:
        """base64 SHA-256 of the certificate's public key, for Chromium's
        ``--ignore-certificate-errors-spki-list``: the browser then treats the throw-away certificate
        as valid, as it would a real one (with a certificate *error*, Chromium caches nothing)."""
        if not self.tls:
            return None
        cert, _ = self._self_signed()
        try:
            from cryptography import x509  # noqa: PLC0415
            from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
        except ImportError:
            pub = subprocess.run(
                ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True
            ).stdout
            der = subprocess.run(
                ["openssl", "pkey", "-pubin", "-outform", "der"], input=pub, check=True, capture_output=True
            ).stdout
        else:
            der = (
                x509.load_pem_x509_certificate(cert.read_bytes())
                .public_key()
                .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            )
        return base64.b64encode(hashlib.sha256(der).digest()).decode()

    def app_env(self) -> dict:
        """The app processes' environment: the stack's, the app on PYTHONPATH, and visitor uploads off unless
        the environment says otherwise (hosted in the open: only signed-in editors preview their own tables), and
        the site's public origin (geo/origin.py)."""
        env = dict(self.env)
        env["PYTHONPATH"] = str(self.app_root) + os.pathsep + env.get("PYTHONPATH", "")
        env.setdefault(VISITOR_UPLOADS_ENV, "0")
        env[PUBLIC_URL_ENV] = self.origin  # the links the app writes name the site nginx serves, never a Host header
        return env

    @property
    def origin(self) -> str:
        """The site's public origin: KALBAR_PUBLIC_URL when the environment sets it, else this stack's own URL."""
        return parse_origin(self.env.get(PUBLIC_URL_ENV) or self.url)

    def site_options(
        self, brotli: bool = False, brotli_static: bool = False, cert: Path | None = None, key: Path | None = None
    ) -> nginxconf.SiteOptions:
        return nginxconf.SiteOptions(
            ports=self.app_ports,
            static_root=self.static_root,
            listen=f"127.0.0.1:{self.port}",
            http_listen=f"127.0.0.1:{self.http_port}" if self.http_port else None,
            acme_root=self.prefix / "acme",
            server_name="127.0.0.1 localhost",  # any other Host is turned away, as on a server
            public_url=self.origin,
            brotli=brotli,
            brotli_static=brotli_static,
            replica_header=self.replica_header,
            rate_limits=self.rate_limits,
            tls_cert=cert,
            tls_key=key,
            api_cache=self.prefix / "api_cache",
        )

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.apps] + ([self.nginx.pid] if self.nginx else [])

    def start(self, warm_path: str | None = "/desa?kab=61.04", timeout: float = 120) -> Stack:
        try:
            self._start(warm_path, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, warm_path: str | None, timeout: float) -> None:
        problem = nginx_available()
        if problem:
            raise RuntimeError(problem)
        self.prefix.mkdir(parents=True, exist_ok=True)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        staticfiles.prepare_www(self.static_root, log=self.log)
        env = self.app_env()
        for i in range(self.replicas):
            port = free_port()
            log = open(self.prefix / f"app_{i}.log", "w")
            self._logs.append(log)
            proc = subprocess.Popen(
                [self.python, "-m", "streamlit", "run", "app.py", "--server.port", str(port), *STREAMLIT_FLAGS],
                cwd=self.app_root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.apps.append(proc)
            self.app_ports.append(port)
        brotli, brotli_static = nginxconf.brotli_modules()
        cert, key = self._self_signed() if self.tls else (None, None)
        site = self.site_options(brotli, brotli_static, cert, key)
        (self.prefix / "site.conf").write_text(nginxconf.render_site(site), encoding="utf-8")
        (self.prefix / "nginx.conf").write_text(
            nginxconf.render_main(self.prefix, brotli, brotli_static), encoding="utf-8"
        )
        args = [
            NGINX,
            "-p",
            str(self.prefix),
            "-c",
            str(self.prefix / "nginx.conf"),
            "-e",
            str(self.prefix / "error.log"),
        ]
        check = subprocess.run([*args, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {check.stderr.strip()}")
        nlog = open(self.prefix / "nginx.out", "w")
        self._logs.append(nlog)
        self.nginx = subprocess.Popen(
            [*args, "-g", "daemon off;"], stdout=nlog, stderr=subprocess.STDOUT, start_new_session=True
        )
        for i, (port, proc) in enumerate(zip(self.app_ports[: len(self.apps)], self.apps)):
            wait_http(
                f"http://127.0.0.1:{port}{urls.HEALTH}",
                timeout,
                proc,
                f"app process {i} (log {self.prefix / f'app_{i}.log'})",
            )
        wait_http(self.url + "/healthz", 30, self.nginx, f"nginx (log {self.prefix / 'error.log'})")
        if warm_path:
            self.warm(warm_path)
        (self.prefix / "serve.json").write_text(
            json.dumps(
                {"url": self.url, "http_url": self.http_url, "pids": self.pids, "app_ports": self.app_ports}, indent=1
            )
        )

    def warm(self, path: str) -> None:
        """One session per process, straight to its port: the boundary data and caches are loaded
        before the first viewer arrives (what the systemd unit's ExecStartPost does on a server)."""

        async def all_() -> list:
            return await asyncio.gather(
                *(one_session(Target.parse(f"http://127.0.0.1:{p}{path}"), timeout=180) for p in self.app_ports)
            )

        for port, s in zip(self.app_ports, asyncio.run(all_())):
            if not s.ok:
                self.log(f"!! warm-up of 127.0.0.1:{port} failed: {s.error}")

    def stop(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish open requests, then exit
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait(5)
        for proc in self.apps:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.apps:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        for f in self._logs:
            f.close()
        self._logs = []
        (self.prefix / "serve.json").unlink(missing_ok=True)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
