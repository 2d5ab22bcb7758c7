"""Many new sessions over Streamlit's own websocket protocol, without a browser.

    python -m bench.load URL [--sessions 20] [--soak 1000 --duration 600] [--pids-file .run/serve.json]

Each session does what a browser opening a shared link does, minus the JS/CSS files
(``deploy.warm.one_session``: page GET with the proxy's and Streamlit's cookies, the websocket, the
first ``rerun_script``, ForwardMsgs until ``script_finished``). An exception element in the page or a
``page_not_found`` counts as an error. Only 127.0.0.1 is allowed; every loop is bounded.

A burst is a briefing's start: all its sessions wait at a barrier, then send their page GET together
(``deploy.warm.burst``). The crowd figure (``p50_s``/``p95_s``/``max_s``, what every bench row of new sessions
shows) is each session's time from its page's GET to its script run's end (``script_finished``): what a person
in the room waits for. ``ws_*`` is the part after the websocket connected, ``get_*`` the page GET alone (both
information). Server memory is the RSS of the given processes (app replicas + nginx) read with psutil.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

from deploy.warm import Session, Target, burst, one_session


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def summarize(sessions: list[Session]) -> dict:
    ok = [s for s in sessions if s.ok]
    ws = [s.ws_s for s in ok]
    tot = [s.total_s for s in ok]
    get = [s.get_s for s in ok if s.get_s is not None]
    errors: dict[str, int] = {}
    for s in sessions:
        if not s.ok:
            errors[s.error[:100]] = errors.get(s.error[:100], 0) + 1
    return {
        "sessions": len(sessions),
        "ok": len(ok),
        "errors": len(sessions) - len(ok),
        "error_kinds": errors,
        "measured": "page GET → script finished",
        "p50_s": pct(tot, 50),
        "p95_s": pct(tot, 95),
        "max_s": max(tot) if tot else None,
        "ws_p50_s": pct(ws, 50),
        "ws_p95_s": pct(ws, 95),
        "get_p50_s": pct(get, 50),
        "get_p95_s": pct(get, 95),
        "mean_messages": statistics.mean(s.messages for s in ok) if ok else None,
        "mean_bytes": statistics.mean(s.bytes for s in ok) if ok else None,
        "route_cookies": len({s.route_cookie for s in ok if s.route_cookie}),
        "replicas": {r: sum(1 for s in ok if s.replica == r) for r in sorted({s.replica for s in ok if s.replica})},
    }


# --- server memory ----------------------------------------------------------------------------------


def _process_tree(pids: list[int]):
    """The processes and their children (nginx workers), each once; gone ones are skipped."""
    import psutil

    seen: set[int] = set()
    for pid in pids:
        try:
            p = psutil.Process(pid)
            procs = [p, *p.children(recursive=True)]
        except psutil.Error:
            continue
        for q in procs:
            if q.pid not in seen:
                seen.add(q.pid)
                yield q


def _tree_sum(pids: list[int], measure) -> tuple[float, int]:
    import psutil

    total, n = 0.0, 0
    for q in _process_tree(pids):
        n += 1
        try:
            total += measure(q)
        except psutil.Error:
            pass
    return total, n


def rss_mb(pids: list[int]) -> float | None:
    """Resident memory of the processes and their children (nginx workers), in MB (10^6 B)."""
    total, n = _tree_sum(pids, lambda q: q.memory_info().rss)
    return round(total / 1e6, 1) if n else None


def cpu_s(pids: list[int]) -> float | None:
    """CPU time (user + system) used so far by the processes and their children, in seconds."""
    total, n = _tree_sum(pids, lambda q: sum(q.cpu_times()[:2]))
    return total if n else None


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --- modes ------------------------------------------------------------------------------------------


async def soak(
    url: str, n: int, duration_s: float, pids: list[int], sample_after: int = 100, timeout: float = 120.0, log=print
) -> dict:
    """``n`` sessions at a steady rate over ``duration_s``; each closes when its script finished.

    Memory (RSS of ``pids`` and children) is sampled before, after the first ``sample_after``
    sessions have finished, and at the end.
    """
    target = Target.parse(url)
    interval = duration_s / n
    done: list[Session] = []
    mem = {"before_mb": rss_mb(pids), "before_load": loadavg(), "sample_after": sample_after}
    t_start = time.perf_counter()

    async def run_one() -> None:
        s = await one_session(target, timeout)
        done.append(s)
        if len(done) == sample_after:
            mem["after_first_mb"], mem["after_first_load"] = rss_mb(pids), loadavg()
            mem["after_first_at_s"] = round(time.perf_counter() - t_start, 1)
        if len(done) % 100 == 0:
            log(
                f"   soak: {len(done)}/{n} sessions, {sum(not x.ok for x in done)}"
                f" errors, RSS {rss_mb(pids)} MB, load {loadavg()}"
            )

    tasks = []
    for i in range(n):
        delay = t_start + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(run_one()))
    await asyncio.gather(*tasks)
    mem["end_mb"], mem["end_load"] = rss_mb(pids), loadavg()
    mem["elapsed_s"] = round(time.perf_counter() - t_start, 1)
    if mem.get("after_first_mb") is not None and mem["end_mb"] is not None:
        mem["growth_after_first_mb"] = round(mem["end_mb"] - mem["after_first_mb"], 1)
    return {**summarize(done), "memory": mem, "duration_s": duration_s, "rate_per_s": round(n / duration_s, 3)}


def run_burst(url: str, n: int, pids: list[int] | None = None, timeout: float = 180.0) -> dict:
    """One burst with memory and load average before and after (what the bench records)."""
    before, load0, cpu0 = rss_mb(pids or []), loadavg(), cpu_s(pids or [])
    t0 = time.perf_counter()
    sessions = asyncio.run(burst(url, n, timeout))
    out = summarize(sessions)
    cpu1 = cpu_s(pids or [])
    # server CPU per session: the machine-independent figure (other load on the machine does not inflate it)
    out["server_cpu_per_session_s"] = round((cpu1 - cpu0) / n, 4) if (cpu0 is not None and cpu1 is not None) else None
    out |= {
        "url": url,
        "wall_s": round(time.perf_counter() - t0, 2),
        "rss_before_mb": before,
        "rss_after_mb": rss_mb(pids or []),
        "load_before": load0,
        "load_after": loadavg(),
    }
    return out


def pids_from(path: Path) -> list[int]:
    """PIDs written by ``run.py serve`` (app replicas and nginx master)."""
    info = json.loads(path.read_text(encoding="utf-8"))
    return [int(p) for p in info.get("pids", [])]


def fmt_row(name: str, r: dict) -> str:
    def f(x):
        return "—" if x is None else f"{x:.2f}"

    return (
        f"{name}: {r['sessions']} sessions, p50 {f(r['p50_s'])} s, p95 {f(r['p95_s'])} s, max {f(r['max_s'])} s, "
        f"errors {r['errors']} {r['error_kinds'] or ''}; load {r.get('load_before', '?')} → {r.get('load_after', '?')}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("url", help="page to open, e.g. https://127.0.0.1:8443/desa?kab=61.04 (127.0.0.1 only)")
    ap.add_argument("--sessions", type=int, nargs="+", default=[20], help="burst sizes, run one after the other")
    ap.add_argument("--soak", type=int, default=0, help="soak: this many sessions at a steady rate (instead of bursts)")
    ap.add_argument("--duration", type=float, default=600.0, help="soak duration in seconds")
    ap.add_argument("--pids-file", type=Path, help="JSON with a 'pids' list (run.py serve writes .run/serve.json)")
    ap.add_argument("--timeout", type=float, default=180.0)
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = ap.parse_args(argv)
    pids = pids_from(args.pids_file) if args.pids_file else []
    out: dict = {}
    if args.soak:
        out["soak"] = asyncio.run(soak(args.url, args.soak, args.duration, pids, timeout=args.timeout))
        print(fmt_row("soak", out["soak"]), json.dumps(out["soak"]["memory"]))
    else:
        for i, n in enumerate(args.sessions):
            r = out[f"burst{i + 1}_{n}"] = run_burst(args.url, n, pids, args.timeout)
            print(fmt_row(f"burst {n}", r), f"RSS {r['rss_before_mb']} → {r['rss_after_mb']} MB", r["replicas"] or "")
    if args.json:
        print(json.dumps(out, indent=1))
    return 0 if all(r.get("errors", 0) == 0 for r in out.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
