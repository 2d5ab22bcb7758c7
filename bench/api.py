"""The open-data API under load (issue 16): requests a second and p95, and what it costs the map's sessions.

    python -m bench api [--seconds 15] [--clients 20]   (prints; the figures that count: python run.py bench)

1. **One process, cached**: a real `streamlit run app.py` on a store with the sample tables published;
   20 clients, each on its own keep-alive connection, ask as fast as they can for the current
   kabupaten JSON, then for the province's desa GeoJSON (gzip accepted, as pandas/QGIS/browsers do),
   after one warm-up request (the answer is then cached). Requests a second, latency p50/p95, server CPU
   a request (psutil, user + system of the app process).
2. **Sessions while the API is loaded, through `serve`** (nginx + 2 processes): 20 new map-page sessions
   (`/desa?kab=61.04`, bench/load.py's websocket client) alone, then again while 20 API clients (in a
   separate process, half on each URL) load the same stack.

The rate limit is off for the bench (``KALBAR_API_RATE=0``): it measures capacity, not the limit. The
API clients are a minimal HTTP/1.1 keep-alive loop on asyncio (no library), so the client costs little
of the shared CPUs. Load average is recorded beside every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import subprocess
import sys
import time
from pathlib import Path

from . import common

KAB_JSON = "/api/v1/kabupaten.json"
DESA_GEOJSON = "/api/v1/desa.geojson"
SESSION_PATH = "/desa?kab=61.04"
SESSIONS_P95_TARGET_S = 1.5
GOALS = (
    (
        f"`serve` (nginx + 2 processes): 20 new sessions of `{SESSION_PATH}`, while 20 API clients load the same stack",
        f"p95 ≤ {SESSIONS_P95_TARGET_S} s, 0 errors",
    ),
)


# --- a minimal keep-alive HTTP client ------------------------------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body bytes, answered from nginx's cache) of one response on a keep-alive connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    chunked = hit = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name.lower() == "x-cache-status":
            hit = value.strip().upper() == "HIT"
    if chunked:
        size = 0
        while True:
            n = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if n == 0:
                await reader.readuntil(b"\r\n")
                break
            await reader.readexactly(n + 2)
            size += n
        return status, size, hit
    await reader.readexactly(length)
    return status, length, hit


async def _client(
    host: str, port: int, paths: list[str], until: float, out: list, i: int, tls: ssl.SSLContext | None = None
) -> None:
    """Ask again and again on one keep-alive connection (HTTP/1.1, over TLS when ``tls``: `serve` is HTTPS); open a
    new one when the server closes it (nginx does after 1,000 requests on a connection)."""
    reader, writer = await asyncio.open_connection(host, port, ssl=tls)
    k = i
    try:
        while time.perf_counter() < until:
            path = paths[k % len(paths)]
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: gzip\r\n"
                f"User-Agent: kalbar-bench-api\r\nX-Forwarded-For: 198.51.100.{i + 1}\r\n\r\n"
            )
            t0 = time.perf_counter()
            try:
                writer.write(request.encode("ascii"))
                await writer.drain()
                status, size, hit = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                reader, writer = await asyncio.open_connection(host, port, ssl=tls)
                continue  # the same request again on the new connection
            k += 1
            out.append((path, status, time.perf_counter() - t0, size, hit))
    finally:
        writer.close()


def load(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    """``clients`` keep-alive connections asking for ``paths`` (client i starts at path i) for ``seconds``."""
    scheme, _, rest = base.partition("://")
    host, _, port = rest.partition(":")
    tls = None
    if scheme == "https":  # the stack's throw-away certificate: this client measures time, not trust
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    out: list = []
    until = time.perf_counter() + seconds
    t0 = time.perf_counter()

    async def run() -> None:
        await asyncio.gather(*(_client(host, int(port), paths, until, out, i, tls) for i in range(clients)))

    asyncio.run(run())
    wall = time.perf_counter() - t0
    return summary(out, wall)


def summary(out: list, wall: float) -> dict:
    from .load import pct

    by: dict[str, dict] = {}
    for path in sorted({p for p, *_ in out}):
        rows = [r for r in out if r[0] == path]
        ok = [r for r in rows if r[1] == 200]
        lat = [r[2] for r in ok]
        by[path] = {
            "requests": len(rows),
            "errors": len(rows) - len(ok),
            "rps": round(len(ok) / wall, 1),
            "p50_ms": round(pct(lat, 50) * 1000, 1) if lat else None,
            "p95_ms": round(pct(lat, 95) * 1000, 1) if lat else None,
            "bytes": ok[0][3] if ok else None,
            "nginx_cache_hits": sum(1 for r in ok if r[4]),
        }
    return {"wall_s": round(wall, 2), "paths": by}


# --- the two parts --------------------------------------------------------------------------------------


def _published_store(tmp: Path) -> str:
    from geo.sample import ensure_samples
    from geo.store import open_store

    url = f"sqlite:///{tmp / 'bench_api.sqlite'}"
    store = open_store(url)
    for level, path in ensure_samples().items():
        store.publish(path.read_bytes(), path.name, level, "bench")
    store.dispose()
    return url


def _warm(base: str) -> None:
    import urllib.request

    for path in (KAB_JSON, DESA_GEOJSON):
        req = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, timeout=300) as r:
            r.read()


def _settle(proc, idle: float = 0.15, timeout: float = 180.0) -> None:  # noqa: ANN001 - a psutil.Process
    """Wait until the server is idle (its render-ahead thread draws 15 snapshots after start and after a
    publish): a measurement must not charge that work to the API."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and proc.cpu_percent(interval=1.0) / 100 > idle:
        pass


def one_process(db_url: str, clients: int, seconds: float) -> dict:
    """Part 1: the cached answers of one process, one URL at a time."""
    import psutil

    from tests.support.server import Server

    from .load import loadavg

    out: dict = {}
    with Server("bench_api", env={"KALBAR_DATABASE_URL": db_url, "KALBAR_API_RATE": "0"}) as srv:
        _warm(srv.url)
        proc = psutil.Process(srv.proc.pid)
        for path in (KAB_JSON, DESA_GEOJSON):
            _settle(proc)
            load0, cpu0 = loadavg(), sum(proc.cpu_times()[:2])
            r = load(srv.url, [path], clients, seconds)
            row = r["paths"][path]
            row["server_cpu_ms_per_request"] = round(
                (sum(proc.cpu_times()[:2]) - cpu0) / max(row["requests"], 1) * 1000, 2
            )
            row |= {"load_before": load0, "load_after": loadavg(), "clients": clients, "seconds": seconds}
            out[path] = row
    return out


def _api_load_process(base: str, clients: int, seconds: float) -> subprocess.Popen:
    args = [sys.executable, "-m", "bench.api", "_load", base, str(clients), str(seconds)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, cwd=common.ROOT, text=True)


def through_serve(db_url: str, clients: int, seconds: float) -> dict:
    """Part 2: 20 new sessions through `serve` alone, then while the API is loaded (same stack)."""
    import os

    from deploy.stack import Stack

    from .load import loadavg, run_burst

    env = dict(os.environ) | {"KALBAR_DATABASE_URL": db_url, "KALBAR_API_RATE": "0"}
    # nginx's per-address limits off too: 20 API clients from one address would be answered 429
    stack = Stack(replicas=2, name="bench_api", env=env, log=lambda _m: None, rate_limits=False)
    stack.start(warm_path=SESSION_PATH)
    try:
        import psutil

        for port in stack.app_ports:  # each process caches its own answers
            _warm(f"http://127.0.0.1:{port}")
        for app in stack.apps:
            _settle(psutil.Process(app.pid))
        url = stack.url + SESSION_PATH
        alone = run_burst(url, 20, stack.pids)
        time.sleep(2)
        loader = _api_load_process(stack.url, clients, seconds)
        time.sleep(min(3.0, seconds / 4))  # the API load is running
        load0 = loadavg()
        loaded = run_burst(url, 20, stack.pids)
        api_out, _ = loader.communicate(timeout=seconds + 120)
        api = json.loads(api_out.strip().splitlines()[-1])
        return {"alone": alone, "with_api": loaded, "api": api, "load_during": [load0, loadavg()]}
    finally:
        stack.stop()


def measure(clients: int = 20, seconds: float = 15.0) -> dict:
    import tempfile

    from . import machine

    m = machine.info()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = _published_store(Path(tmp))
        return {
            "date": m["date"],
            "commit": m["commit"],
            "cores": m.get("cores"),
            "one_process": one_process(db_url, clients, seconds),
            "serve": through_serve(db_url, clients, seconds * 2),
        }


# --- RESULTS.md -----------------------------------------------------------------------------------------


def section(r: dict) -> str:
    def load_txt(row: dict) -> str:
        return f"{row.get('load_before')} → {row.get('load_after')}"

    lines = [
        "## Open-data API under load (issue 16)",
        "",
        f"Measured {r['date']} at commit `{r['commit']}` on {r.get('cores')} cores by `python -m bench api`. Other "
        "helpers' work shared the machine; the load average (1/5/15 min) stands beside each figure.",
        "",
        "| figure | value | target | result | load avg |",
        "|---|---|---|---|---|",
    ]
    names = {KAB_JSON: "current kabupaten JSON", DESA_GEOJSON: "province desa GeoJSON (2,130 features)"}
    for path, row in r["one_process"].items():
        lines.append(
            f"| one process, cached, {row['clients']} concurrent clients: {names[path]} (`{path}`, gzip, "
            f"{row['bytes']:,} B) | {row['rps']} requests/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
            f"errors {row['errors']}; server CPU {row['server_cpu_ms_per_request']} ms/request | — | info | "
            f"{load_txt(row)} |"
        )
    s = r["serve"]
    for key, label in (("alone", "alone"), ("with_api", "while 20 API clients load the same stack")):
        b = s[key]
        ok = b["p95_s"] is not None and b["p95_s"] <= SESSIONS_P95_TARGET_S and b["errors"] == 0
        target = f"p95 ≤ {SESSIONS_P95_TARGET_S} s, 0 errors" if key == "with_api" else "—"
        verdict = ("PASS" if ok else "FAIL") if key == "with_api" else "info"
        lines.append(
            f"| `serve` (nginx + 2 processes): 20 new sessions of `{SESSION_PATH}`, {label} | p50 {b['p50_s']:.2f} s, "
            f"p95 {b['p95_s']:.2f} s, max {b['max_s']:.2f} s; errors {b['errors']}; server CPU "
            f"{b['server_cpu_per_session_s']} s/session | {target} | {verdict} | "
            f"{b['load_before']} → {b['load_after']} |"
        )
    for path, row in s["api"]["paths"].items():
        lines.append(
            f"| `serve`: the API load meanwhile, {names.get(path, path)} | {row['rps']} requests/s, p50 "
            f"{row['p50_ms']} ms, p95 {row['p95_ms']} ms, errors {row['errors']}; from nginx's cache "
            f"{row['nginx_cache_hits']} of {row['requests']} | — | info | "
            f"{s['load_during'][0]} → {s['load_during'][1]} |"
        )
    lines += [
        "",
        "How: each API client is one keep-alive HTTP/1.1 connection (a minimal asyncio loop, `Accept-Encoding: gzip`) "
        "asking again as soon as an answer has arrived; the answers are cached (built once per data version and "
        "query, gzipped once). The rate limit is off (`KALBAR_API_RATE=0`): this measures capacity. In part 2 the "
        "API clients run in their own process, 10 on each URL, through nginx (which answers repeats from its cache, "
        "as deployed), and the 20 sessions start 3 s into that load (bench/load.py: all at once, each from its page "
        "GET to script finished). Each server is idle before a measurement (its snapshot render-ahead done).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "_load":  # the API load of part 2, in its own process
        base, clients, seconds = argv[1], int(argv[2]), float(argv[3])
        print(json.dumps(load(base, [KAB_JSON, DESA_GEOJSON], clients, seconds)))
        return 0
    ap = argparse.ArgumentParser(prog="python -m bench api")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=15.0)
    args = ap.parse_args(argv)
    common.setup_env()
    common.ensure_ready()
    r = measure(args.clients, args.seconds)
    (common.OUT / "api.json").write_text(json.dumps(r, indent=1, default=str), encoding="utf-8")
    print(section(r))
    print("(bench/out/api.json; bench/RESULTS.md is written only by a whole `python run.py bench`)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
