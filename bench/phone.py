"""The shared link on a phone over a weak signal (issue 17): figure and picture, polygons, bytes before them.

    python -m bench phone [--reps 3] [--configs embedded,serve_tls,naive]

Chromium with mobile emulation (390×844, device scale factor 3, ``is_mobile``, touch, Playwright's
Pixel 7 user agent) throttled to Lighthouse's Slow 4G figures through CDP
``Network.emulateNetworkConditions`` (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency; it throttles the
websocket too), a new browser context (empty cache) for every run, median of the runs, for the Ketapang
desa map and the province desa map (basemap ``none``, as everywhere in the bench: no tiles offline),
on three set-ups:

- ``embedded``: ``streamlit run app.py`` (tests/support/server.py ``Server``), what ``python run.py app`` runs;
- ``serve_tls``: ``run.py serve``'s stack (deploy.stack ``Stack``: 2 app processes behind nginx) over HTTPS,
  HTTP/2 + brotli, the self-signed certificate trusted through its key, as ``hosting.measure_proxy`` does;
- ``naive``: the naive folium baseline (bench/naive_app.py) under ``streamlit run`` (embedded).

Figures per run, all from navigation start (``page.goto``) on the page's own clock:

- *figure and picture*: the first animation frame in which the instant block (server/preview.py,
  ``#pjk-instant``) is displayed, its coverage figure is on screen and its image
  (``[data-pjk="pjk-instant-image"]``) has loaded (``complete``, ``naturalWidth`` > 0) and is visible
  in the viewport; for the naive app, which has no picture, the first frame with any polygon in its map's iframe;
- *polygons*: ``tests.support.browser.load`` — the first animation frame with every area's
  ``path.leaflet-interactive`` in the map iframe;
- *bytes before the polygons*: HTTP (CDP ``loadingFinished`` ``encodedDataLength``: compressed, on the
  wire) plus websocket frames received (their payload, after permessage-deflate when that was negotiated,
  so an upper bound of the wire), both counted until the polygons were found.
"""

from __future__ import annotations

import re
import statistics
import time
import urllib.request

from . import browser
from .common import ROOT
from .hosting import loadavg

PHONE = "390x844"
SCALE = 3
DEVICE_UA = "Pixel 7"  # only its user agent: the viewport and scale are the issue's
# Lighthouse's Slow 4G (1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT), in CDP's bytes per second
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
TIMED = ("desa_ketapang", "desa_province")
CONFIGS = ("embedded", "serve_tls", "naive")
CONFIG_LABEL = {
    "embedded": "embedded default (streamlit run app.py)",
    "serve_tls": "run.py serve over HTTPS (nginx, HTTP/2 + brotli, 2 processes)",
    "naive": "naive baseline (embedded)",
}
PAGE_LABEL = {"desa_ketapang": "Ketapang desa map (262)", "desa_province": "province desa map (2,130)"}
# issue 17's goals (seconds, bytes) per set-up; absent: reported only
PICTURE_TARGET_S = {"embedded": 1.5, "serve_tls": 1.5}
POLYGON_TARGET_S = {"embedded": 10.0, "serve_tls": 7.0}
BYTES_TARGET = {"embedded": 1_300_000}
TIMEOUT_S = 240.0  # the naive province page sends ~12 MB: over a minute at 1.6 Mbit/s

# Runs in the page before its own scripts: marks, on the page's clock, the first animation frame with the
# instant block's figure / loaded image on screen, when the block was hidden, and the first polygon drawn.
MARKS_JS = """(() => {
  if (window !== window.top || window.__pjkPhone) return;  // the page only
  const m = window.__pjkPhone = {figure: null, picture: null, hidden: null, firstPolygon: null};
  const end = Date.now() + 300000;
  const onScreen = (el) => {
    if (!el || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  };
  const tick = () => {
    const now = Date.now();
    const block = document.getElementById('pjk-instant');
    if (block && m.hidden === null) {
      if (getComputedStyle(block).display === 'none') { m.hidden = now; }
      else {
        const fig = block.querySelector('[data-pjk="pjk-instant-coverage"]');
        const img = block.querySelector('[data-pjk="pjk-instant-image"]');
        if (m.figure === null && onScreen(fig)) m.figure = now;
        if (m.picture === null && img && img.complete && img.naturalWidth > 0 && onScreen(img)) m.picture = now;
      }
    }
    // the map's iframe, looked into from the page (an init script does not reach the iframe's own document:
    // its first same-origin document reuses the Window of its initial about:blank)
    if (m.firstPolygon === null) {
      for (const f of document.querySelectorAll('iframe')) {
        let d = null;
        try { d = f.contentDocument; } catch (e) { d = null; }
        if (d && d.querySelector('.leaflet-container path.leaflet-interactive')) { m.firstPolygon = now; break; }
      }
    }
    if (now < end) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""


def _probe(page) -> dict:
    """The marks of the page and of the map iframe (read by ``browser.load`` before it closes the page)."""
    frame = browser.current_map_frame(page)
    return {
        "page": page.evaluate("() => window.__pjkPhone || null"),
        "map": frame.evaluate("() => window.__pjkPhone || null") if frame is not None else None,
    }


def _since(mark, t0) -> float | None:
    return None if mark is None else mark - t0


def one_run(chromium, url: str, expected: int, user_agent: str | None, throttle: dict | None = SLOW_4G) -> dict:
    """One first visit on the phone: a new context (empty cache), throttled; the figures of this run."""
    ctx = phone_context(chromium, user_agent)
    try:
        ctx.add_init_script(MARKS_JS)
        r = browser.load(ctx, url, expected, throttle=throttle, timeout_s=TIMEOUT_S, probe=_probe)
    finally:
        ctx.close()
    t0 = r["t0_epoch_ms"]
    marks = r.get("probe") or {}
    top = marks.get("page") or {}
    figure, picture = _since(top.get("figure"), t0), _since(top.get("picture"), t0)
    return {
        "ok": r["ok"],
        "polygons_ms": r["ms"],
        "figure_ms": figure,
        "picture_ms": picture,
        "figure_and_picture_ms": max(figure, picture) if (figure is not None and picture is not None) else None,
        "block_hidden_ms": _since(top.get("hidden"), t0),
        "first_polygon_ms": _since(top.get("firstPolygon"), t0),
        "http_bytes": r["http_bytes_at_done"],
        "ws_bytes": r["ws_recv_bytes_at_done"],
        "bytes_before_polygons": (r["http_bytes_at_done"] + r["ws_recv_bytes_at_done"]) if r["ok"] else None,
        "http_requests": r["http_requests"],
        "ws_extensions": r.get("ws_extensions"),
        "paths": r["paths"],
        "expected": expected,
        "errors": r["errors"],
        "probe_error": marks.get("error"),
        "load": loadavg(),
    }


def phone_context(chromium, user_agent: str | None = None):
    """A new browser context (empty cache) as the phone: 390×844 at scale 3, touch, ``is_mobile``."""
    w, h = browser_phone_size()
    return chromium.new_context(
        viewport={"width": w, "height": h},
        device_scale_factor=SCALE,
        is_mobile=True,
        has_touch=True,
        user_agent=user_agent,
        ignore_https_errors=True,
    )


def browser_phone_size() -> tuple[int, int]:
    from tests.support.phone import PHONES

    return PHONES[PHONE]


def _median(values: list) -> float | None:
    """The median when every run has the figure, else None (a run that never showed it fails the row)."""
    if not values or any(v is None for v in values):
        return None
    return statistics.median(values)


def summary(runs: list[dict]) -> dict:
    keys = ("figure_and_picture_ms", "figure_ms", "picture_ms", "first_polygon_ms", "bytes_before_polygons")
    out = {f"{k}_median": _median([r[k] for r in runs]) for k in keys}
    out["polygons_ms_median"] = _median([r["polygons_ms"] if r["ok"] else None for r in runs])
    out["http_bytes_median"] = statistics.median(r["http_bytes"] for r in runs)
    out["ws_bytes_median"] = statistics.median(r["ws_bytes"] for r in runs)
    out["runs"] = runs
    return out


def _get(url: str, timeout: float = 180) -> tuple[bytes, float]:
    import ssl

    context = ssl._create_unverified_context() if url.startswith("https:") else None
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout, context=context) as r:
        body = r.read()
    return body, time.perf_counter() - start


def warm_snapshots(bases: list[str], paths: list[str], log=print) -> dict:
    """Each app process: wait for the render-ahead thread (every view it renders cached), then fetch each measured
    page's HTML and its snapshot (timed: rendered ahead, it is a cache hit). Returns {base: {path: seconds
    of the snapshot request}}. A page whose picture is not rendered yet names the snapshot in ``src``; once
    rendered the picture is inside the page and ``data-snapshot`` names the PNG."""
    from geo.view.shown import PATHS, views_to_render_ahead

    def snapshot_url(path: str, query: dict) -> str:
        return f"/snapshot/{PATHS[path]}.png" + (f"?kab={query['kab']}" if query.get("kab") else "")

    ahead = [snapshot_url(p, q) for p, q in views_to_render_ahead()]
    out: dict = {}
    for base in bases:
        # The thread renders the list in order. A request renders a view itself when the thread has not reached
        # it (and caches it), so ask for each view once, from the end: the first fast answer is one the thread
        # rendered, and every view before it in the list is done too (at the front of the list: all ours).
        for url in reversed(ahead):
            _body, took = _get(base + url)
            if took < 0.25:
                break
            time.sleep(1)
        out[base] = {}
        for path in paths:
            page, _ = _get(base + path)
            match = re.search(rb'<img [^>]*data-snapshot="([^"]+)"[^>]*data-pjk="pjk-instant-image"', page)
            if not match:
                out[base][path] = None
                log(f"   !! no instant image in the HTML of {base}{path}")
                continue
            src = match.group(1).decode().replace("&amp;", "&")
            _png, took = _get(base + src)
            out[base][path] = round(took, 3)
    return out


def _measure_config(name: str, reps: int, counts: dict, log) -> dict:
    from playwright.sync_api import sync_playwright

    from deploy.stack import Stack

    from .servers import Server, prepare_naive

    server = stack = None
    row: dict = {"pages": {}}
    try:
        if name == "serve_tls":
            stack = Stack(replicas=2, name="bench_phone_serve_tls", log=lambda m: None, tls=True)
            stack.start(warm_path=browser.PAGES["desa_ketapang"][0])
            base, direct = stack.url, [f"http://127.0.0.1:{p}" for p in stack.app_ports]
        else:
            server = Server(f"phone_{name}", prepare_naive() if name == "naive" else ROOT / "app.py").start()
            base, direct = server.url, [server.url]
        if name != "naive":
            paths = [browser.PAGES[p][0] for p in TIMED]
            row["snapshot_first_request_s"] = warm_snapshots(direct, paths, log)
        with sync_playwright() as pw:
            chromium = browser.launch(pw, spki_pin=stack.spki_pin() if stack else None)
            row["chromium"] = chromium.version
            ua = pw.devices[DEVICE_UA]["user_agent"]
            try:
                for page in TIMED:
                    url = base + browser.PAGES[page][1 if name == "naive" else 0]
                    try:
                        warm = one_run(chromium, url, counts[page], ua, throttle=None)  # the caches, unthrottled
                    except Exception as exc:  # noqa: BLE001 - the other page still gets measured
                        row["pages"][page] = {"skipped": f"error: {type(exc).__name__}: {exc}"[:300]}
                        log(f"   !! {name} {page}: {type(exc).__name__}: {exc}")
                        continue
                    log(f"   {name:9s} {page:13s} warm-up (unthrottled): polygons {_s(warm['polygons_ms'])}")
                    runs = []
                    for _ in range(reps):
                        r = one_run(chromium, url, counts[page], ua)
                        runs.append(r)
                        drawn = "" if r["ok"] else f" NOT DRAWN ({r['paths']} of {r['expected']}; {r['errors']})"
                        log(
                            f"   {name:9s} {page:13s} figure+picture {_s(r['figure_and_picture_ms'])}, first polygon "
                            f"{_s(r['first_polygon_ms'])}, polygons {_s(r['polygons_ms'])}{drawn}"
                            f", {_mb(r['bytes_before_polygons'])} before (HTTP {r['http_bytes'] / 1e6:.2f}, "
                            f"ws {r['ws_bytes'] / 1e6:.2f}); load {r['load']}"
                        )
                    row["pages"][page] = {"url": url, **summary(runs)}
            finally:
                chromium.close()
    finally:
        if stack:
            stack.stop()
        if server:
            server.stop()
    return row


def _s(ms) -> str:
    return "—" if ms is None else f"{ms / 1000:.2f} s"


def measure(reps: int = 3, configs: tuple[str, ...] = CONFIGS, log=print, save=None) -> dict:
    """Every set-up in ``configs``, one after the other (never two at once on this machine)."""
    from deploy.stack import nginx_available

    reason = browser.unavailable()
    if reason:
        return {"skipped": reason}
    counts = browser.expected_counts()
    out: dict = {
        "phone": PHONE,
        "scale": SCALE,
        "throttle": SLOW_4G,
        "reps": reps,
        "configs": {},
        "errors": {},
        "load_start": loadavg(),
    }
    for name in configs:
        if name == "serve_tls" and nginx_available():
            out["configs"][name] = {"skipped": nginx_available()}
            continue
        try:
            out["configs"][name] = _measure_config(name, reps, counts, log)
        except Exception as exc:  # one set-up failing must not lose the others
            import traceback

            out["configs"][name] = {"skipped": f"error: {type(exc).__name__}: {exc}"}
            out["errors"][name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-1500:]}"
            log(f"   !! {name}: {type(exc).__name__}: {exc}")
        if save:
            save(out)
    out["load_end"] = loadavg()
    return out


# --- the figures, for report.py's table and RESULTS.md ------------------------------------------------------


def _verdict(value, target) -> str:
    if target is None:
        return "info"
    if value is None:
        return "FAIL (not reached in every run)"
    return f"{'PASS' if value <= target else 'FAIL'} ({(value - target) / target * 100:+.0f}% vs target)"


def _med_s(ms, runs: list[dict]) -> str:
    failed = sum(not r["ok"] for r in runs)
    if ms is None and failed:
        return f"— ({failed} of {len(runs)} run(s) not drawn in {TIMEOUT_S:g} s)"
    return _s(ms)


def _run_s(run: dict, ms) -> str:
    if ms is None and not run["ok"]:
        return f"not drawn in {TIMEOUT_S:g} s"
    return _s(ms)


def _mb(n) -> str:
    return "—" if n is None else f"{n / 1e6:.2f} MB"


def _loads(row: dict) -> str:
    return " / ".join(r["load"] for r in row.get("runs", []))


def figures(p: dict) -> list[dict]:
    """One entry per (page, set-up, figure): label, value, target text, result, runs, load averages."""
    out = []
    cfgs = p.get("configs") or {}
    for page in TIMED:
        for cfg in CONFIGS:
            c = cfgs.get(cfg)
            if c is None:
                continue
            if "skipped" in c:
                out.append(
                    {"page": page, "cfg": cfg, "what": "all figures", "value": "skipped", "target": "—"}
                    | {"result": c["skipped"], "runs": "", "load": "—", "value_raw": None, "n": 0}
                )
                continue
            row = (c.get("pages") or {}).get(page)
            if not row:
                continue
            if "skipped" in row:
                out.append(
                    {"page": page, "cfg": cfg, "what": "all figures", "value": "skipped", "target": "—"}
                    | {"result": row["skipped"], "runs": "", "load": "—", "value_raw": None, "n": 0}
                )
                continue
            runs = row.get("runs", [])
            n = len(runs)
            naive = cfg == "naive"
            pic_key = "first_polygon_ms" if naive else "figure_and_picture_ms"
            pic = row.get(f"{pic_key}_median")
            tgt = PICTURE_TARGET_S.get(cfg)
            out.append(
                {
                    "page": page,
                    "cfg": cfg,
                    "what": "first polygon drawn (no picture)" if naive else "figure and picture on screen",
                    "value": (_med_s(pic, runs) if naive else _s(pic))
                    + (
                        ""
                        if naive
                        else f" (figure {_s(row.get('figure_ms_median'))}, picture {_s(row.get('picture_ms_median'))})"
                    ),
                    "value_raw": pic,
                    "target": f"≤ {tgt:g} s" if tgt else "—",
                    "result": _verdict(None if pic is None else pic / 1000, tgt),
                    "runs": ", ".join(_run_s(r, r[pic_key]) for r in runs),
                    "load": _loads(row),
                    "n": n,
                }
            )
            poly = row.get("polygons_ms_median")
            tgt = POLYGON_TARGET_S.get(cfg)
            out.append(
                {
                    "page": page,
                    "cfg": cfg,
                    "what": "interactive polygons drawn",
                    "value": _med_s(poly, runs),
                    "value_raw": poly,
                    "target": f"≤ {tgt:g} s" if tgt else "—",
                    "result": _verdict(None if poly is None else poly / 1000, tgt),
                    "runs": ", ".join(_run_s(r, r["polygons_ms"]) for r in runs),
                    "load": _loads(row),
                    "n": n,
                }
            )
            b = row.get("bytes_before_polygons_median")
            tgt = BYTES_TARGET.get(cfg)
            out.append(
                {
                    "page": page,
                    "cfg": cfg,
                    "what": "bytes before the polygons (HTTP + websocket)",
                    "value": f"{_mb(b)} (HTTP {_mb(row.get('http_bytes_median'))}, "
                    f"websocket {_mb(row.get('ws_bytes_median'))})",
                    "value_raw": b,
                    "target": f"≤ {tgt / 1e6:g} MB" if tgt else "—",
                    "result": _verdict(b, tgt),
                    "runs": ", ".join(_mb(r["bytes_before_polygons"]) for r in runs),
                    "load": _loads(row),
                    "n": n,
                }
            )
    return out


def rows(p: dict) -> list[tuple[str, str, str, str, str, str]]:
    """(section, figure, ours, naive, target, result) for report.py's table: ours per set-up, the naive
    baseline's figure beside the embedded default's."""
    if not p:
        return []
    if p.get("skipped"):
        return [("5 phone, Slow 4G", "phone first visits in Chromium", "skipped", "skipped", "—", p["skipped"])]
    out = []
    figs = figures(p)
    naive = {(f["page"], f["what"].split(" ")[0]): f["value"] for f in figs if f["cfg"] == "naive"}
    naive_what = {"figure": "first", "interactive": "interactive", "bytes": "bytes"}
    for f in figs:
        if f["cfg"] == "naive":
            continue
        key = (f["page"], naive_what.get(f["what"].split(" ")[0], ""))
        show_naive = f["cfg"] == "embedded"
        out.append(
            (
                "5 phone, Slow 4G, empty cache",
                f"{PAGE_LABEL[f['page']]}: {f['what']}, {CONFIG_LABEL[f['cfg']]}, median of {f['n']}",
                f["value"],
                naive.get(key, "—") if show_naive else "—",
                f["target"],
                f["result"],
            )
        )
    return out


def section(p: dict) -> str:
    """The RESULTS.md section: every figure with its runs and the load average next to it."""
    thr = p.get("throttle") or SLOW_4G
    lines = [
        "## Phone, first visit over Slow 4G (issue 17)",
        "",
        f"Measured {p.get('date', '?')} at commit `{p.get('commit', '?')}` by `python -m bench phone` "
        f"(also part of `python run.py bench`): {p.get('chromium') or 'Chromium'}, mobile emulation "
        f"{PHONE.replace('x', '×')} at device scale factor {SCALE}, `is_mobile`, touch, {DEVICE_UA} user agent; "
        f"CDP `Network.emulateNetworkConditions` {thr['downloadThroughput'] * 8 / 1e6:g} Mbit/s down, "
        f"{thr['uploadThroughput'] * 8 / 1e3:g} kbit/s up, {thr['latency']} ms latency (Lighthouse's Slow 4G "
        f"figures); a new browser context (empty cache) per run; the median of the runs listed in each row. Load "
        "average (1/5/15 min) of each run is shown: other work shares this machine.",
        "",
        "| page | set-up | figure | median | runs | goal | result | load avg per run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures(p):
        cells = [
            PAGE_LABEL[f["page"]],
            CONFIG_LABEL[f["cfg"]],
            f["what"],
            f["value"],
            f["runs"],
            f["target"],
            f["result"],
            f["load"],
        ]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    lines += ["", *notes(p)]
    return "\n".join(lines) + "\n"


def notes(p: dict) -> list[str]:
    out = [
        "How: *figure and picture on screen* — an init script in the page marks, on the page's clock, the "
        "first animation frame in which the instant block (`#pjk-instant`, server/preview.py) is displayed, its "
        'coverage figure is in the viewport and its image `[data-pjk="pjk-instant-image"]` has loaded '
        "(`complete`, `naturalWidth` > 0) and is visible in the viewport; the time is from `page.goto`. The naive "
        "app has no picture: its row is the first animation frame of the page in which the map's iframe holds "
        "any polygon. *Interactive "
        "polygons* — `tests.support.browser.load`: every area's `path.leaflet-interactive` in the st_folium "
        "iframe (262 or 2,130). *Bytes before the polygons* — HTTP bytes on the wire (CDP `loadingFinished` "
        "`encodedDataLength`) plus the websocket frames' payload, both counted until the polygons were found; "
        "the websocket payload is counted after decompression, so where permessage-deflate was negotiated "
        "(below) the wire carried less. Basemap `none` (the machine is offline: no tiles), as in the rest of "
        "the bench; the snapshot does not depend on the basemap. Each server is warmed first (one unthrottled "
        "load per page; each app process's render-ahead thread finished, and each measured page's snapshot "
        "fetched once, straight from the process).",
    ]
    for cfg, c in (p.get("configs") or {}).items():
        if "skipped" in c:
            continue
        exts = sorted(
            {r.get("ws_extensions") or "none" for row in (c.get("pages") or {}).values() for r in row.get("runs", [])}
        ) or ["—"]
        extra = f"websocket extensions negotiated: {', '.join(exts)}"
        first = c.get("snapshot_first_request_s") or {}
        if first:
            per = "; ".join(
                f"{path} {'—' if s is None else f'{s:.2f} s'}" for procs in first.values() for path, s in procs.items()
            )
            extra += f"; first request of each measured snapshot per process, after render-ahead: {per}"
        hidden = [
            r["block_hidden_ms"]
            for row in (c.get("pages") or {}).values()
            for r in row.get("runs", [])
            if r.get("block_hidden_ms") is not None and r.get("picture_ms") is None
        ]
        if hidden:
            extra += f"; in {len(hidden)} run(s) the live app hid the instant block before its image had loaded"
        for page, row in (c.get("pages") or {}).items():
            for r in row.get("runs", []):
                if not r["ok"]:
                    drawn = "no map in the iframe" if r["paths"] < 0 else f"{r['paths']} polygons"
                    extra += (
                        f"; {PAGE_LABEL[page]}: polygons not drawn within {TIMEOUT_S:g} s ({drawn}); by then HTTP "
                        f"{_mb(r['http_bytes'])} and websocket {_mb(r['ws_bytes'])} had arrived"
                    )
        if c.get("from_earlier_run"):
            extra += f"; kept from an earlier run ({c['from_earlier_run']}): this run did not measure it"
        out.append(f"- {CONFIG_LABEL[cfg]}: {extra}.")
    out.append(f"- Load average: start {p.get('load_start', '—')}, end {p.get('load_end', '—')}.")
    for who, err in (p.get("errors") or {}).items():
        out.append(f"- `{who}` failed: `{err.splitlines()[0]}`")
    return out
