"""Hosting benches: a briefing room over the websocket (load) and first visits through nginx (proxy).

    python -m bench load  [--quick] [--no-soak] [--soak-sessions 1000 --soak-seconds 600] [--baseline COMMIT]
    python -m bench proxy [--reps 3]

*load*: new sessions on /desa?kab=61.04 with bench/load.py, for the code before the session-cost
work (BASELINE_COMMIT, unpacked with ``git archive`` into .run/) and for this tree, each as one
process and through HTTPS nginx with 2 processes (what ``run.py serve`` starts); bursts of 20 and 50
sessions opened at once (a barrier), each timed from its page's GET to its script run's end, then a soak
through the 2-process stack. *proxy*: Chromium, throttled to
4 Mbit/s + 100 ms, first visits (empty cache) through nginx, ours and the naive baseline.
Every figure carries the load average read next to it: other work on the machine shows there.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

from .common import ROOT
from .report import NOT_MEASURED

BASELINE_COMMIT = "17e5d0c"  # main when the session-cost work started (Styler tables, no per-process table caches)
PAGE = "/desa?kab=61.04"
BURSTS = (20, 50)
CONFIGS = ("baseline_1", "ours_1", "baseline_2", "ours_2")
# issue 9 "Done when": through serve --replicas 2
TARGETS = {20: 1.5, 50: 3.0}
SOAK_GROWTH_MB = 50.0
CROWD_SPAN = "page GET → script finished"  # what each session of a burst is timed over (bench/load.py)
POLYGON_TARGET_S = {"desa_ketapang": 4.0, "desa_province": 7.0}
PAGE_LABEL = {"desa_ketapang": "Ketapang desa map (262)", "desa_province": "province desa map (2,130)"}
SOAK_LABEL = "this code, 2 processes via nginx: soak, 1,000 sessions over 600 s"
GOALS = (
    *(
        (f"this code, 2 processes via nginx: {n} simultaneous new sessions, {CROWD_SPAN}", f"p95 ≤ {t:g} s, 0 errors")
        for n, t in TARGETS.items()
    ),
    (SOAK_LABEL, f"growth ≤ {SOAK_GROWTH_MB:g} MB"),
    *(
        (f"ours: {PAGE_LABEL[name]}, first visit (empty cache) via nginx", f"≤ {t:g} s to polygons")
        for name, t in POLYGON_TARGET_S.items()
    ),
)


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def baseline_tree(commit: str = BASELINE_COMMIT) -> Path:
    """The project at ``commit`` (git archive), sharing this tree's boundary cache and Leaflet copy."""
    dest = ROOT / ".run" / f"baseline-{commit}"
    if not (dest / "app.py").is_file():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    vendor = dest / "static" / "vendor"
    if not vendor.exists():
        vendor.parent.mkdir(parents=True, exist_ok=True)
        vendor.symlink_to((ROOT / "static" / "vendor").resolve(), target_is_directory=True)
    return dest


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "?"


def _stack_env() -> dict:
    from geo.paths import cache_dir

    env = dict(os.environ)
    env["KALBAR_CACHE_DIR"] = str(cache_dir())  # the baseline tree has no .cache of its own
    return env


def _bursts(url: str, pids: list[int], sizes, log) -> dict:
    from . import load

    out = {}
    for n in sizes:
        r = load.run_burst(url, n, pids)
        key, k = str(n), 1
        while key in out:  # a size asked for again (--sizes 20,50,20,50) is a run of its own
            k += 1
            key = f"{n} (run {k})"
        out[key] = r
        log(
            f"      {n:3d} sessions, {CROWD_SPAN}: p50 {r['p50_s'] or 0:.2f} s, p95 {r['p95_s'] or 0:.2f} s, max "
            f"{r['max_s'] or 0:.2f} s (after the websocket: p95 {r['ws_p95_s'] or 0:.2f} s), errors {r['errors']}, "
            f"server CPU {r.get('server_cpu_per_session_s')} "
            f"s/session, RSS {r['rss_before_mb']} → {r['rss_after_mb']} MB, load {r['load_before']}"
            + (f", per process {r['replicas']}" if r["replicas"] else "")
        )
        time.sleep(3)
    return out


def measure_load(
    quick: bool = False,
    soak: bool = True,
    soak_sessions: int = 1000,
    soak_seconds: float = 600.0,
    baseline: str = BASELINE_COMMIT,
    log=print,
    configs: tuple[str, ...] = CONFIGS,
    sizes: tuple[int, ...] | None = None,
) -> dict:
    """The crowd: bursts through each of ``configs`` ("baseline_1", "ours_2", …), then the soak (ours_2)."""
    import asyncio

    from deploy.stack import Stack, nginx_available

    from . import load

    sizes = sizes or ((5, 10) if quick else BURSTS)
    out: dict = {
        "page": PAGE,
        "baseline_commit": baseline,
        "cpus": os.cpu_count(),
        "configs": {},
        "load_start": loadavg(),
    }
    problem = nginx_available()
    if problem:
        return {**out, "skipped": problem}
    roots = {"ours": ROOT}
    if any(c.startswith("baseline") for c in configs):
        roots["baseline"] = baseline_tree(baseline)
    for who, replicas in (tuple(c.split("_")) for c in configs):
        replicas = int(replicas)
        name = f"{who}_{replicas}"
        log(f"   {who}, {replicas} process(es){' behind nginx' if replicas > 1 else ', direct'}:")
        stack = Stack(
            replicas=replicas, app_root=roots[who], name=f"bench_{name}", env=_stack_env(), log=lambda m: None
        )
        try:
            stack.start(warm_path=PAGE)
            # one process is measured on its own port (the original set-up), two through nginx
            url = (stack.url if replicas > 1 else f"http://127.0.0.1:{stack.app_ports[0]}") + PAGE
            pids = stack.pids
            row = {
                "replicas": replicas,
                "via": "nginx" if replicas > 1 else "direct",
                "bursts": _bursts(url, pids, sizes, log),
            }
            if soak and who == "ours" and replicas == 2:
                n, secs = (100, 30.0) if quick else (soak_sessions, soak_seconds)
                log(f"   soak: {n} sessions over {secs:.0f} s through nginx, 2 processes …")
                row["soak"] = asyncio.run(
                    load.soak(url, n, secs, pids, sample_after=min(100, n // 2), log=lambda m: log("   " + m))
                )
                row["soak"]["measured"] = f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {_commit()}"
                m = row["soak"]["memory"]
                log(
                    f"      soak: p95 {row['soak']['p95_s'] or 0:.2f} s, errors {row['soak']['errors']}, RSS "
                    f"before {m['before_mb']} MB, after first {min(100, n // 2)} {m.get('after_first_mb')} "
                    f"MB, end {m['end_mb']} MB (growth {m.get('growth_after_first_mb')} MB)"
                )
            out["configs"][name] = row
        except Exception as exc:  # one config failing must not lose the others
            out["configs"][name] = {"skipped": f"error: {type(exc).__name__}: {exc}"}
            log(f"   !! {name}: {exc}")
        finally:
            stack.stop()
    out["load_end"] = loadavg()
    return out


def measure_proxy(reps: int = 3, log=print) -> dict:
    """First visits (new browser context each time) through nginx, throttled: ours and the naive app."""
    from playwright.sync_api import sync_playwright

    from deploy.stack import Stack, nginx_available

    from . import browser
    from .servers import Server, prepare_naive

    for problem in (browser.unavailable(), nginx_available()):
        if problem:
            return {"skipped": problem}
    counts = browser.expected_counts()
    out: dict = {"throttle": browser.THROTTLE, "reps": reps, "timing": {}, "errors": {}, "load_start": loadavg()}
    # plain HTTP/1.1 + gzip (what the bench can always do), then HTTPS + HTTP/2 + brotli as on a server
    # (self-signed certificate; Chromium uses brotli only over HTTPS)
    for who, tls in (("ours", False), ("naive", False), ("ours", True), ("naive", True)):
        label = who + ("_tls" if tls else "")
        naive = None
        stack = None
        try:
            if who == "naive":
                naive = Server(f"naive_proxy{'_tls' if tls else ''}", prepare_naive())
                naive.start()
                stack = Stack(
                    replicas=0, app_ports=[naive.port], name=f"bench_proxy_{label}", log=lambda m: None, tls=tls
                )
                stack.start(warm_path=None)
            else:
                stack = Stack(replicas=2, name=f"bench_proxy_{label}", log=lambda m: None, tls=tls)
                stack.start(warm_path=PAGE)
            with sync_playwright() as pw:
                chromium = browser.launch(pw, spki_pin=stack.spki_pin())
                out["chromium"] = chromium.version
                for name in browser.TIMED:
                    url = stack.url + browser.PAGES[name][0 if who == "ours" else 1]
                    ctx = chromium.new_context(
                        viewport=browser.VIEWPORT, ignore_https_errors=True
                    )  # warm the server, unthrottled
                    try:
                        browser.load(ctx, url, counts[name], throttle=None)
                    finally:
                        ctx.close()
                    runs = []
                    for _ in range(reps):
                        ctx = chromium.new_context(viewport=browser.VIEWPORT, ignore_https_errors=True)  # empty cache
                        try:
                            r = browser.load(ctx, url, counts[name], browser.THROTTLE, waterfall=True)
                        finally:
                            ctx.close()
                        r.pop("waterfall", None)
                        r["load"] = loadavg()
                        runs.append(r)
                        ms = "—" if r["ms"] is None else f"{round(r['ms']):,}"
                        log(
                            f"   {label:9s} {name:14s} first visit via nginx: {ms} ms, HTTP {r['http_bytes']:,} B, "
                            f"{'drawn' if r['ok'] else 'NOT DRAWN ' + str(r['paths']) + ' ' + str(r['errors'])[:200]}"
                            f"; load {r['load']}"
                        )
                    ok = [x["ms"] for x in runs if x["ok"]]
                    out["timing"].setdefault(name, {})[label] = {
                        "cold_median_ms": statistics.median(ok) if len(ok) == len(runs) else None,
                        "cold_ms": [x["ms"] for x in runs],
                        "http_bytes": statistics.median(x["http_bytes"] for x in runs),
                        "errors": sorted({e for x in runs for e in x["errors"]})[:5],
                        "loads": [x["load"] for x in runs],
                        "encodings": sorted({e for x in runs for e in x.get("encodings") or []}),
                    }
                chromium.close()
        except Exception as exc:
            import traceback

            out["errors"][label] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-1500:]}"
            log(f"   !! {label}: {type(exc).__name__}: {exc}")
        finally:
            if stack:
                stack.stop()
            if naive:
                naive.stop()
    out["load_end"] = loadavg()
    return out


def rows(h: dict) -> list[tuple[str, str, str, str, str]]:
    """(figure, value, target, result, load average) for RESULTS.md."""
    out = []
    ld = h.get("load") or {}
    for name, row in (ld.get("configs") or {}).items():
        who, replicas = name.split("_")
        label = (
            f"{'before (' + ld.get('baseline_commit', '?') + ')' if who == 'baseline' else 'this code'}"
            f", {replicas} process{'es via nginx' if replicas != '1' else ', direct'}"
        )
        if "skipped" in row:
            out.append((f"{label}: new sessions", "skipped", "—", row["skipped"], "—"))
            continue
        for key, r in row["bursts"].items():
            n = key.split()[0]
            tgt = TARGETS.get(int(n)) if (who == "ours" and replicas == "2") else None
            cpu = r.get("server_cpu_per_session_s")
            ws = f" (after the websocket opened: p95 {r['ws_p95_s']:.2f} s)" if r.get("ws_p95_s") is not None else ""
            val = (
                f"p50 {r['p50_s'] or 0:.2f} s, p95 {r['p95_s'] or 0:.2f} "
                f"s, max {r['max_s'] or 0:.2f} s{ws}; errors {r['errors']}; "
                + (f"server CPU {cpu:.3f} s/session; " if cpu is not None else "")
                + f"RSS {r['rss_before_mb']} → {r['rss_after_mb']} MB"
            )
            res = "info"
            if tgt is not None:
                res = "PASS" if (r["p95_s"] is not None and r["p95_s"] <= tgt and r["errors"] == 0) else "FAIL"
            out.append(
                (
                    f"{label}: {n} simultaneous new sessions, "
                    + (CROWD_SPAN if r.get("measured") == CROWD_SPAN else "websocket connect → script finished")
                    + key[len(n) :],
                    val,
                    f"p95 ≤ {tgt:g} s, 0 errors" if tgt else "—",
                    res,
                    r["load_before"],
                )
            )
        if name == "ours_2" and not row.get("soak"):
            out.append(
                (
                    SOAK_LABEL,
                    f"{NOT_MEASURED}: no soak in this run (--quick or --no-soak)",
                    f"growth ≤ {SOAK_GROWTH_MB:g} MB",
                    NOT_MEASURED,
                    "—",
                )
            )
        if row.get("soak"):
            s = row["soak"]
            m = s["memory"]
            g = m.get("growth_after_first_mb")
            res = "n/a" if g is None else ("PASS" if g <= SOAK_GROWTH_MB and s["errors"] == 0 else "FAIL")
            when = f" (kept from {s['from_earlier_run']})" if s.get("from_earlier_run") else ""
            out.append(
                (
                    f"{label}: soak, {s['sessions']} sessions over {s['duration_s']:.0f} s{when}",
                    f"RSS before {m['before_mb']} MB, after first {m.get('sample_after', 100)} "
                    f"{m.get('after_first_mb')} MB, end {m['end_mb']} MB (growth {g} MB); p95 "
                    f"{s['p95_s'] or 0:.2f} s; errors {s['errors']}",
                    f"growth ≤ {SOAK_GROWTH_MB:g} MB",
                    res,
                    f"{m.get('after_first_load')} / {m.get('end_load')}",
                )
            )
    if not ld or ld.get("skipped") or not ld.get("configs"):
        why = str(ld.get("skipped") or "this run did not reach this step").splitlines()[0][:200]
        out += [(fig, f"{NOT_MEASURED}: {why}", goal, NOT_MEASURED, "—") for fig, goal in GOALS[:3]]
    px = h.get("proxy") or {}
    if not px.get("timing"):
        why = str(px.get("skipped") or "this run did not reach this step").splitlines()[0][:200]
        out += [(fig, f"{NOT_MEASURED}: {why}", goal, NOT_MEASURED, "—") for fig, goal in GOALS[3:]]
    for name, row in (px.get("timing") or {}).items():
        for who in ("ours", "naive", "ours_tls", "naive_tls"):
            r = row.get(who)
            if not r:
                continue
            med = r["cold_median_ms"]
            tgt = POLYGON_TARGET_S.get(name) if who.startswith("ours") else None
            res = "info" if tgt is None else ("n/a" if med is None else ("PASS" if med / 1000 <= tgt else "FAIL"))
            label = PAGE_LABEL[name]
            served = "/".join(e for e in r.get("encodings") or [] if e != "none") or "no compression"
            via = f"{'HTTPS + HTTP/2' if who.endswith('_tls') else 'HTTP/1.1'}, served {served}"
            out.append(
                (
                    f"{'ours' if who.startswith('ours') else 'naive baseline'}: {label}, first visit "
                    f"(empty cache) via nginx ({via}), 4 Mbit/s + 100 ms, median of {len(r['cold_ms'])}",
                    ("—" if med is None else f"{med / 1000:.2f} s")
                    + f" (runs: {', '.join('—' if x is None else f'{x / 1000:.1f}' for x in r['cold_ms'])}"
                    f" s; HTTP {r['http_bytes'] / 1e6:.2f} MB)",
                    f"≤ {tgt:g} s to polygons" if tgt else "—",
                    res,
                    " / ".join(r["loads"]),
                )
            )
    return out


def section(h: dict) -> str:
    ld, px = h.get("load") or {}, h.get("proxy") or {}
    lines = [
        "## Hosting: a briefing room and first visits through nginx (issue 9)",
        "",
        f"Measured {h.get('date', '?')} at commit `{h.get('commit', '?')}` "
        f"on {ld.get('cpus') or os.cpu_count()} cores by "
        "`python -m bench load` and `python -m bench proxy` (both also run in `python run.py bench`). "
        "Load average (1/5/15 min) is shown next to each figure: other work was running on this machine, so these "
        "timings are pessimistic; re-run on a quiet machine for the real figures.",
        "",
        "| figure | value | target | result | load avg |",
        "|---|---|---|---|---|",
    ]
    for row in rows(h):
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in row) + " |")
    lines += [
        "",
        "How: *new sessions* — a briefing's start: `bench/load.py` opens all sessions of a burst at once (each "
        "waits at a barrier, then all send their page GET together) through the HTTPS nginx + app processes that "
        "`python run.py serve` starts (one process: straight to its port), speaking Streamlit's websocket protocol "
        "without a browser: GET the page (cookies), open `/_stcore/stream` with them, send the first "
        "`rerun_script` BackMsg (query string, page name), read ForwardMsgs until `script_finished`. Each session "
        "is timed from its page's GET to its script run's end (what a person in the room waits for, less the "
        "browser's own work); the part after the websocket opened is shown beside it. An exception element "
        "counts as an error. *Server CPU per session*: user+system CPU time of all app "
        "processes and nginx during the burst (psutil) divided by the sessions: unlike the latencies, other "
        "work on the machine barely changes it. All sessions of a burst start together and stay open until the "
        "last has run. Every process is warmed by one session first (as `serve` and the systemd unit do). "
        "*RSS*: all app processes + nginx (psutil). *Soak*: sessions at a steady rate, each closed after its "
        "script finished; memory after the first 100 and at the end (Streamlit keeps a closed session for "
        "`server.disconnectedSessionTTL` = 120 s, so both samples hold about the same number of recent "
        "sessions). *First visit via nginx*: as bench/browser.py (CDP throttle 500,000 B/s, 100 ms), new "
        "Chromium context per run, through the `serve` nginx config; the naive app runs behind the same config. "
        "Chromium asks for brotli only over HTTPS: the plain-HTTP runs get gzip over HTTP/1.1 (6 connections), "
        "the HTTPS runs (self-signed certificate, as `serve` makes) get brotli over HTTP/2, as a server with a "
        "certificate would; Chromium is told the certificate's key (`--ignore-certificate-errors-spki-list`), "
        "so it treats it as valid and caches as with a real one (with a certificate error it caches nothing, "
        "and the map's preloaded files were fetched twice). Where a first visit waits: `python -m "
        "bench.waterfall [--tls] [--page …]` prints every request and websocket frame of one throttled visit.",
    ]
    if ld.get("configs"):
        lines.append("")
        lines.append(
            f"Load average: start {ld.get('load_start')}, end {ld.get('load_end')} (load); "
            f"start {px.get('load_start', '—')}, end {px.get('load_end', '—')} (proxy)."
        )
    for key in ("errors",):
        for who, err in (px.get(key) or {}).items():
            lines.append(f"- proxy `{who}` failed: `{err.splitlines()[0]}`")
    return "\n".join(lines) + "\n"
