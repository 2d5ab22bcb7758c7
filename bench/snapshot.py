"""The server layer's costs on a real `streamlit run app.py`: a cached snapshot's CPU, a cold render, the page.

    PYTHONPATH=. python bench/snapshot.py

CPU is the server process's own (user + system, /proc/<pid>/stat) over N requests, divided by N;
the client's time is not in it. Prints one line per figure (not written to RESULTS.md).
"""

from __future__ import annotations

import os
import time
import urllib.request

from tests.support.server import Server

N = 200
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def get(url: str, headers: dict[str, str] | None = None) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=120) as r:
        return r.read()


def per_request_ms(pid: int, url: str, headers: dict[str, str] | None = None) -> float:
    get(url, headers)  # warm
    before = cpu_s(pid)
    for _ in range(N):
        get(url, headers)
    return (cpu_s(pid) - before) / N * 1000


def main() -> None:
    with Server("bench_snapshot") as srv:
        pid = srv.proc.pid
        deadline = time.time() + 180
        cold_url = f"{srv.url}/snapshot/desa.png?kab=61.04&lang=en"  # not among the views rendered ahead
        while time.time() < deadline:  # the render-ahead thread: the last kabupaten's desa view is cached
            start = time.perf_counter()
            get(f"{srv.url}/snapshot/desa.png?kab=61.72")
            if time.perf_counter() - start < 0.1:
                break
            time.sleep(1)
        for label, url in (
            ("cold render, Ketapang desa (en)", cold_url),
            ("cold render, province desa", f"{srv.url}/snapshot/desa.png?lang=en"),
            ("cold render, province kabupaten", f"{srv.url}/snapshot/ringkasan.png?lang=en"),
        ):
            start, c0 = time.perf_counter(), cpu_s(pid)
            png = get(url)
            print(f"{label}: {time.perf_counter() - start:.2f} s wall, {cpu_s(pid) - c0:.2f} s CPU, {len(png)} bytes")
        cached = f"{srv.url}/snapshot/desa.png?kab=61.04"
        print(f"cached snapshot: {per_request_ms(pid, cached):.2f} ms CPU per request ({len(get(cached))} bytes)")
        page = f"{srv.url}/desa?kab=61.04"
        print(f"page HTML with preview: {per_request_ms(pid, page):.2f} ms CPU per request")
        gz = {"Accept-Encoding": "gzip"}
        print(f"page HTML with preview, gzip: {per_request_ms(pid, page, gz):.2f} ms CPU per request")
        health = f"{srv.url}/_stcore/health"
        print(f"baseline /_stcore/health: {per_request_ms(pid, health):.2f} ms CPU per request")


if __name__ == "__main__":
    main()
