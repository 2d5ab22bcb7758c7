"""python -m deploy {serve|nginx-site|static|fonts|warm} ...

serve       --replicas N --port P --http-port H   N app processes + nginx on 127.0.0.1: HTTPS on P (a
            self-signed certificate in .run/serve/), a redirect to it on H (what `run.py serve` runs)
nginx-site  [--replicas N | --ports 8501,8502] [--first-port 8501] --server-name NAME [--listen "443"]
            [--public-url URL] [--http-listen 80] [--tls-cert F --tls-key F] [--acme-root DIR] [--static-root DIR]
            [--brotli auto|on|off]     print the nginx site file for a server (HTTPS; Let's Encrypt's
            certificate of NAME unless --tls-cert/--tls-key)
static      DEST                    copy Streamlit's static files (fonts trimmed) to DEST/static and the map
                                    component's to DEST/component, with .gz/.br copies
fonts       [DEST]                  the trimmed first-visit fonts for the embedded default (.cache/fonts)
warm        --port P [--path /desa?kab=61.04]   open one session on an app process (fills its caches)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from geo.origin import PUBLIC_URL_ENV
from geo.paths import ROOT, fonts_dir

from . import fontsubset, nginxconf, staticfiles, warm
from .stack import Stack, descendants, end_processes

# what a terminal (Ctrl-C, closing it) or a supervisor (systemd, kill) sends to stop `serve`
STOP_SIGNALS = [signal.SIGTERM, signal.SIGINT] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])


def _serve(args) -> int:
    secrets = nginxconf.ROOT / ".streamlit" / "secrets.toml"
    has_secret = secrets.is_file() and "[connections.peta]" in secrets.read_text(encoding="utf-8", errors="replace")
    if args.replicas > 1 and not os.environ.get("KALBAR_DATABASE_URL") and not has_secret:
        print(
            "!! KALBAR_DATABASE_URL is not set: each process keeps its own published data. Data published in one\n"
            "   process is not seen by the others; with more than one replica use the PostgreSQL store\n"
            "   (KALBAR_DATABASE_URL=postgresql+psycopg://...). "
            "/ Data terbit tidak dibagi antar-proses tanpa PostgreSQL.",
            flush=True,
        )
    stack = Stack(
        replicas=args.replicas,
        port=args.port,
        http_port=None if args.no_tls else args.http_port,
        replica_header=not args.no_replica_header,
        tls=not args.no_tls,
    )
    stop = {"now": False}

    def on_signal(signum, _frame) -> None:
        if stop["now"]:  # a second signal (the group's and run.py's copy of one stop) must not cut the clean-up
            return
        stop["now"] = True
        raise KeyboardInterrupt  # also interrupts a start still under way; `finally` stops what runs

    for sig in STOP_SIGNALS:
        signal.signal(sig, on_signal)
    print(f"==> starting {args.replicas} app process(es) and nginx on {stack.url} …", flush=True)
    try:
        stack.start(warm_path=None if args.no_warm else "/desa?kab=61.04")
        print(
            f"==> ready: {stack.url}"
            + (f"  ({stack.http_url} redirects there; a self-signed certificate)" if stack.http_url else "")
            + f"\n    app ports {', '.join(map(str, stack.app_ports))}; logs and config in "
            f"{stack.prefix.relative_to(nginxconf.ROOT)}/; Ctrl-C stops everything",
            flush=True,
        )
        while not stop["now"]:
            dead = [i for i, p in enumerate(stack.apps) if p.poll() is not None]
            if dead or (stack.nginx and stack.nginx.poll() is not None):
                print(
                    f"!! a process exited (apps {dead}, nginx {stack.nginx.poll() if stack.nginx else None}); stopping",
                    flush=True,
                )
                return 1
            time.sleep(0.5)
    except RuntimeError as exc:
        print(f"!! {exc}", flush=True)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        stop["now"] = True  # from here on every stop signal is ignored: the clean-up runs to its end
        stack.stop()
        # Anything still below this process (an app started in the instant a signal came, before the
        # stack recorded it): found through /proc, ended too.
        end_processes(descendants(os.getpid()))
        print("==> stopped", flush=True)
    return 0


def _nginx_site(args) -> int:
    ports = (
        [int(p) for p in args.ports.split(",")] if args.ports else [args.first_port + i for i in range(args.replicas)]
    )
    found = nginxconf.brotli_modules()
    brotli = {"auto": found, "on": (True, True), "off": (False, False)}[args.brotli]
    if bool(args.tls_cert) != bool(args.tls_key):
        print("!! --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    if args.server_name == "_":
        print(
            "!! give the site's name: --server-name NAME (any other Host is turned away; HTTPS uses certbot's "
            "/etc/letsencrypt/live/NAME/ unless --tls-cert/--tls-key; README: HTTPS)",
            file=sys.stderr,
        )
        return 2
    if args.tls_cert:
        cert, key = Path(args.tls_cert), Path(args.tls_key)
    else:
        cert, key = nginxconf.letsencrypt_pair(args.server_name.split()[0])
    opts = nginxconf.SiteOptions(
        ports=ports,
        static_root=Path(args.static_root),
        listen=args.listen,
        http_listen=args.http_listen,
        server_name=args.server_name,
        public_url=args.public_url or os.environ.get(PUBLIC_URL_ENV) or None,
        brotli=brotli[0],
        brotli_static=brotli[1],
        app_static=Path(args.app_static),
        tls_cert=cert,
        tls_key=key,
        acme_root=Path(args.acme_root),
    )
    sys.stdout.write(nginxconf.render_site(opts))
    return 0


def _warm(args) -> int:
    deadline = time.time() + args.timeout
    while True:  # the process may still be starting (systemd ExecStartPost)
        s = asyncio.run(
            warm.one_session(warm.Target.parse(f"http://127.0.0.1:{args.port}{args.path}"), timeout=args.timeout)
        )
        if s.ok or time.time() > deadline:
            break
        time.sleep(1)
    print(f"warm 127.0.0.1:{args.port}{args.path}: {'ok' if s.ok else s.error} ({s.ws_s or 0:.2f} s)")
    return 0 if s.ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m deploy", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--replicas", type=int, default=2)
    s.add_argument("--port", type=int, default=8443, help="HTTPS")
    s.add_argument("--http-port", type=int, default=8080, help="plain HTTP: a redirect to HTTPS")
    s.add_argument("--no-warm", action="store_true", help="do not open a warm-up session on each process")
    s.add_argument("--no-replica-header", action="store_true", help="omit X-Kalbar-Replica (which process answered)")
    s.add_argument("--no-tls", action="store_true", help="plain HTTP on --port, no redirect or HSTS (comparisons only)")
    n = sub.add_parser("nginx-site")
    n.add_argument("--replicas", type=int, default=3)
    n.add_argument("--first-port", type=int, default=8501)
    n.add_argument("--ports", help="comma list; overrides --replicas/--first-port")
    n.add_argument("--server-name", default="_", help="the site's name(s), e.g. peta.contoh.go.id (required)")
    n.add_argument(
        "--public-url",
        help="the origin links name (default $KALBAR_PUBLIC_URL, else https://<first server name>); set the same "
        "KALBAR_PUBLIC_URL (or KALBAR_SERVER_NAME) in /etc/kalbar/kalbar.env for the app processes",
    )
    n.add_argument("--listen", default="443", help="HTTPS (with HTTP/2)")
    n.add_argument("--http-listen", default="80", help="plain HTTP: a redirect to HTTPS and certbot's challenges")
    n.add_argument("--tls-cert", help="certificate chain; default /etc/letsencrypt/live/<server-name>/fullchain.pem")
    n.add_argument("--tls-key", help="its key; default /etc/letsencrypt/live/<server-name>/privkey.pem")
    n.add_argument("--acme-root", default=str(nginxconf.ACME_ROOT), help="certbot --webroot -w DIR")
    n.add_argument(
        "--static-root", default="/var/lib/kalbar/www", help="where `python -m deploy static` put Streamlit's files"
    )
    n.add_argument("--app-static", default="/opt/kalbar/app/static", help="the project's static folder (Leaflet)")
    n.add_argument(
        "--brotli",
        choices=("auto", "on", "off"),
        default="auto",
        help="auto: when Debian's brotli modules are installed",
    )
    st = sub.add_parser("static")
    st.add_argument("dest", type=Path)
    f = sub.add_parser("fonts", help="the trimmed fonts for the embedded default (server/fonts.py serves them)")
    f.add_argument("dest", type=Path, nargs="?", default=fonts_dir())
    w = sub.add_parser("warm")
    w.add_argument("--port", type=int, required=True)
    w.add_argument("--path", default="/desa?kab=61.04")
    w.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args(argv)
    if args.cmd == "serve":
        return _serve(args)
    if args.cmd == "nginx-site":
        return _nginx_site(args)
    if args.cmd == "static":
        staticfiles.prepare_www(args.dest)
        return 0
    if args.cmd == "fonts":
        fontsubset.prepare(args.dest, ROOT, staticfiles.streamlit_static_dir())
        return 0
    return _warm(args)


if __name__ == "__main__":
    sys.exit(main())
