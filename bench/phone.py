"""The shared link on a phone (issues 17 and 29): figure and picture, polygons, bytes, and what the slowest run
waited for.

    python -m bench phone [--reps 5] [--configs embedded,serve_tls,naive] [--views …] [--profiles midrange,slow4g]

Chromium with mobile emulation (390×844, device scale factor 3, ``is_mobile``, touch, Playwright's Pixel 7 user
agent), a new browser context (empty cache) for every run, median of the runs, basemap ``none`` (no tiles
offline). Profiles:

- ``midrange`` (the default, issue 29): a mid-range Android phone as Lighthouse's mobile profile models it:
  Slow 4G (CDP ``Network.emulateNetworkConditions`` 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency; it throttles
  the websocket too) *and* a 4× CPU slowdown (CDP ``Emulation.setCPUThrottlingRate``, rate 4);
- ``slow4g``: the network only (issue 17's profile).

Views: two *warmed* (Ketapang's and the province's desa map: each server's render-ahead drew their pictures, and
one unthrottled visit warmed its caches) and two *cold* ones no warm-up touches, a different address every run
(so every run is cold on the server too): Ketapang in English with a target filter (``?lang=en&target=N``), and
another kabupaten in English. Set-ups:

- ``embedded``: ``streamlit run app.py`` (tests/support/server.py ``Server``), what ``python run.py app`` runs;
- ``serve_tls``: ``run.py serve``'s stack (deploy.stack ``Stack``: 2 app processes behind nginx) over HTTPS,
  HTTP/2, the self-signed certificate trusted through its key, as ``hosting.measure_proxy`` does;
- ``naive``: the naive folium baseline (bench/naive_app.py) under ``streamlit run``, Ketapang only, one run.

Figures per run, all from navigation start (``page.goto``) on the page's own clock: *figure and picture* (the
first animation frame in which the instant block's coverage figure and its loaded image are on screen),
*polygons* (``tests.support.browser.load``: every area's ``path.leaflet-interactive`` in the map iframe),
*bytes before the polygons* (HTTP on the wire + websocket payload). The slowest run of each row keeps its
waterfall: every request (start, end, bytes) and the page's script/layout/task time (CDP ``Performance``).
"""

from __future__ import annotations

import re
import statistics
import time
import urllib.request

from . import browser
from .common import ROOT
from .hosting import loadavg
from .report import NOT_MEASURED

PHONE = "390x844"
SCALE = 3
DEVICE_UA = "Pixel 7"  # only its user agent: the viewport and scale are the issue's
# Lighthouse's Slow 4G (1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT), in CDP's bytes per second
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
REPS = 5
CPU_MIDRANGE = 4  # Lighthouse's mobile CPU slowdown: a mid-range Android phone
PROFILES = ("midrange", "slow4g")
DEFAULT_PROFILES = ("midrange",)
PROFILE_LABEL = {
    "midrange": "mid-range phone: Slow 4G + 4× CPU slowdown",
    "slow4g": "Slow 4G only (no CPU slowdown)",
}
PROFILE_CPU = {"midrange": CPU_MIDRANGE, "slow4g": 1}
CONFIGS = ("embedded", "serve_tls", "naive")
CONFIG_LABEL = {
    "embedded": "embedded default (streamlit run app.py)",
    "serve_tls": "run.py serve over HTTPS (nginx, HTTP/2, 2 processes)",
    "naive": "naive baseline (embedded)",
}
KETAPANG = "61.04"
OTHER_KABS = ("61.03", "61.06", "61.07", "61.08", "61.12", "61.10", "61.01", "61.02", "61.09", "61.11")
# name -> (warm or cold, label); the address of run i is view_path(name, i)
VIEWS = ("ketapang", "province", "ketapang_cold", "other_cold")
VIEW_KIND = {"ketapang": "warm", "province": "warm", "ketapang_cold": "cold", "other_cold": "cold"}
VIEW_LABEL = {
    "ketapang": "Ketapang desa map (262), warmed",
    "province": "province desa map (2,130), warmed",
    "ketapang_cold": "Ketapang desa map (262), cold: English + a target filter (?lang=en&target=N, N new each run)",
    "other_cold": "another kabupaten's desa map, cold: English (?lang=en, a different kabupaten each run)",
}
# issue 29's goals (seconds) for the mid-range phone, the same on both set-ups of ours
PICTURE_TARGET_S = {"warm": 1.5, "cold": 3.0}
POLYGON_TARGET_S = {"ketapang": 10.0, "ketapang_cold": 10.0}
GOALS = (
    *(
        (f"{VIEW_LABEL[v]}, {CONFIG_LABEL[c]}: figure and picture on screen", f"≤ {PICTURE_TARGET_S[VIEW_KIND[v]]:g} s")
        for v in VIEWS
        for c in ("embedded", "serve_tls")
    ),
    *(
        (f"{VIEW_LABEL[v]}, {CONFIG_LABEL[c]}: interactive polygons drawn", f"≤ {POLYGON_TARGET_S[v]:g} s")
        for v in POLYGON_TARGET_S
        for c in ("embedded", "serve_tls")
    ),
)
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


def view_path(view: str, i: int, naive: bool = False) -> str:
    """The address of run ``i`` of ``view``: a cold view changes every run, so no run finds it warmed."""
    if view == "ketapang":
        return browser.PAGES["desa_ketapang"][1 if naive else 0]
    if view == "province":
        return browser.PAGES["desa_province"][1 if naive else 0]
    if view == "ketapang_cold":
        return f"/desa?kab={KETAPANG}&lang=en&target={41 + i}&basemap=none"
    return f"/desa?kab={OTHER_KABS[i % len(OTHER_KABS)]}&lang=en&basemap=none"


def view_count(view: str, i: int, counts: dict) -> int:
    """Polygons the view's map draws (every desa of its scope that has a shape)."""
    if view in ("ketapang", "ketapang_cold"):
        return counts["desa_ketapang"]
    if view == "province":
        return counts["desa_province"]
    from geo import boundaries

    gdf = boundaries.load("desa")
    kab = OTHER_KABS[i % len(OTHER_KABS)]
    return int(((~gdf["display"].is_empty) & gdf["kode"].str.startswith(kab + ".")).sum())


MAP_IFRAME_PAGE = "/component/streamlit_folium.st_folium/index.html"


def map_iframe_ms(waterfall: list[dict]) -> float | None:
    """When the page first asked for the map's iframe (st_folium's ``index.html``), from its first request: the
    moment the map's element was rendered, which the order of the page's script run decides (issue 29)."""
    return min((r["start_ms"] for r in waterfall if MAP_IFRAME_PAGE in r["url"]), default=None)


def one_run(
    chromium,
    url: str,
    expected: int,
    user_agent: str | None,
    throttle: dict | None = SLOW_4G,
    cpu_rate: float | None = CPU_MIDRANGE,
) -> dict:
    """One first visit on the phone: a new context (empty cache), throttled; the figures of this run and its
    waterfall."""
    ctx = phone_context(chromium, user_agent)
    try:
        ctx.add_init_script(MARKS_JS)
        r = browser.load(
            ctx, url, expected, throttle=throttle, timeout_s=TIMEOUT_S, probe=_probe, cpu_rate=cpu_rate, waterfall=True
        )
    finally:
        ctx.close()
    t0 = r["t0_epoch_ms"]
    marks = r.get("probe") or {}
    top = marks.get("page") or {}
    figure, picture = _since(top.get("figure"), t0), _since(top.get("picture"), t0)
    return {
        "url": url,
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
        "ms_map_frame": r.get("ms_map_frame"),
        "map_iframe_ms": map_iframe_ms(r.get("waterfall") or []),
        "paths": r["paths"],
        "expected": expected,
        "errors": r["errors"],
        "probe_error": marks.get("error"),
        "waterfall": r.get("waterfall") or [],
        "metrics": r.get("metrics") or {},
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


def _slowness(run: dict) -> float:
    return float("inf") if not run["ok"] else run["polygons_ms"]


def summary(runs: list[dict]) -> dict:
    """Medians of the runs; the slowest run (by polygons) keeps its waterfall, the others drop theirs."""
    keys = (
        "figure_and_picture_ms",
        "figure_ms",
        "picture_ms",
        "map_iframe_ms",
        "first_polygon_ms",
        "bytes_before_polygons",
    )
    out = {f"{k}_median": _median([r[k] for r in runs]) for k in keys}
    out["polygons_ms_median"] = _median([r["polygons_ms"] if r["ok"] else None for r in runs])
    out["http_bytes_median"] = statistics.median(r["http_bytes"] for r in runs)
    out["ws_bytes_median"] = statistics.median(r["ws_bytes"] for r in runs)
    slowest = max(range(len(runs)), key=lambda i: _slowness(runs[i]))
    out["slowest"] = {
        "run": slowest,
        "url": runs[slowest]["url"],
        "polygons_ms": runs[slowest]["polygons_ms"],
        "waterfall": runs[slowest]["waterfall"],
        "metrics": runs[slowest]["metrics"],
    }
    out["runs"] = [{k: v for k, v in r.items() if k not in ("waterfall", "metrics")} for r in runs]
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


def _measure_config(name: str, reps: int, views: tuple, profiles: tuple, counts: dict, log) -> dict:
    from playwright.sync_api import sync_playwright

    from deploy.stack import Stack

    from .servers import Server, prepare_naive

    naive = name == "naive"
    server = stack = None
    row: dict = {"pages": {}}
    try:
        if name == "serve_tls":
            stack = Stack(replicas=2, name="bench_phone_serve_tls", log=lambda m: None, tls=True)
            stack.start(warm_path=browser.PAGES["desa_ketapang"][0])
            base, direct = stack.url, [f"http://127.0.0.1:{p}" for p in stack.app_ports]
        else:
            server = Server(f"phone_{name}", prepare_naive() if naive else ROOT / "app.py").start()
            base, direct = server.url, [server.url]
        warm_views = [v for v in views if VIEW_KIND[v] == "warm" and (not naive or v == "ketapang")]
        if not naive:
            row["snapshot_first_request_s"] = warm_snapshots(direct, [view_path(v, 0) for v in warm_views], log)
        with sync_playwright() as pw:
            chromium = browser.launch(pw, spki_pin=stack.spki_pin() if stack else None)
            row["chromium"] = chromium.version
            ua = pw.devices[DEVICE_UA]["user_agent"]
            try:
                for view in warm_views:  # the caches, unthrottled (a cold view gets no warm-up at all)
                    warm = one_run(chromium, base + view_path(view, 0, naive), view_count(view, 0, counts), ua, None, 1)
                    log(f"   {name:9s} {view:13s} warm-up (unthrottled): polygons {_s(warm['polygons_ms'])}")
                cold_seen = 0
                for profile in profiles:
                    for view in views:
                        if naive and view != "ketapang":
                            continue
                        key = f"{profile}/{view}"
                        runs = []
                        try:
                            for i in range(1 if naive else reps):
                                k = cold_seen if VIEW_KIND[view] == "cold" else i
                                cold_seen += VIEW_KIND[view] == "cold"
                                url = base + view_path(view, k, naive)
                                r = one_run(
                                    chromium, url, view_count(view, k, counts), ua, SLOW_4G, PROFILE_CPU[profile]
                                )
                                runs.append(r)
                                drawn = (
                                    "" if r["ok"] else f" NOT DRAWN ({r['paths']} of {r['expected']}; {r['errors']})"
                                )
                                log(
                                    f"   {name:9s} {profile:8s} {view:13s} figure+picture "
                                    f"{_s(r['figure_and_picture_ms'])}, map iframe {_s(r['map_iframe_ms'])}, "
                                    f"polygons {_s(r['polygons_ms'])}{drawn}, "
                                    f"{_mb(r['bytes_before_polygons'])} before; script "
                                    f"{r['metrics'].get('ScriptDuration', 0):.2f} s; load {r['load']}"
                                )
                        except Exception as exc:  # noqa: BLE001 - the other views still get measured
                            row["pages"][key] = {"skipped": f"error: {type(exc).__name__}: {exc}"[:300]}
                            log(f"   !! {name} {key}: {type(exc).__name__}: {exc}")
                            continue
                        row["pages"][key] = {"profile": profile, "view": view, **summary(runs)}
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


def measure(
    reps: int = REPS,
    configs: tuple[str, ...] = CONFIGS,
    views: tuple[str, ...] = VIEWS,
    profiles: tuple[str, ...] = DEFAULT_PROFILES,
    log=print,
    save=None,
) -> dict:
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
        "profiles": list(profiles),
        "views": list(views),
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
            out["configs"][name] = _measure_config(name, reps, views, profiles, counts, log)
        except Exception as exc:  # one set-up failing must not lose the others
            import traceback

            out["configs"][name] = {"skipped": f"error: {type(exc).__name__}: {exc}"}
            out["errors"][name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-1500:]}"
            log(f"   !! {name}: {type(exc).__name__}: {exc}")
        if save:
            save(out)
    out["load_end"] = loadavg()
    return out


# --- the figures, for RESULTS.md ----------------------------------------------------------------------------


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


def _goals_of(profile: str, view: str, cfg: str) -> tuple[float | None, float | None]:
    """(picture goal, polygons goal) in seconds: issue 29's, for ours on the mid-range phone."""
    if cfg == "naive" or profile != "midrange":
        return None, None
    return PICTURE_TARGET_S[VIEW_KIND[view]], POLYGON_TARGET_S.get(view)


def figures(p: dict) -> list[dict]:
    """One entry per (profile, view, set-up, figure): label, value, goal, result, runs, load averages; a view or
    set-up that was not measured is listed with its goals."""
    out = []
    cfgs = p.get("configs") or {}
    profiles = p.get("profiles") or list(DEFAULT_PROFILES)
    for profile in profiles:
        for view in p.get("views") or VIEWS:
            for cfg in CONFIGS:
                if cfg not in cfgs or (cfg == "naive" and view != "ketapang"):
                    continue
                c = cfgs[cfg]
                row = c if "skipped" in c else (c.get("pages") or {}).get(f"{profile}/{view}")
                base = {"profile": profile, "view": view, "cfg": cfg}
                pic_t, poly_t = _goals_of(profile, view, cfg)
                if not row or "skipped" in row:
                    why = (row or {}).get("skipped") or "this run did not measure it"
                    for what, tgt in (("figure and picture on screen", pic_t), ("interactive polygons drawn", poly_t)):
                        out.append(
                            base
                            | {"what": what, "value": NOT_MEASURED, "target": f"≤ {tgt:g} s" if tgt else "—"}
                            | {"result": f"{NOT_MEASURED}: {why}"[:300], "runs": "", "load": "—", "n": 0}
                        )
                    continue
                runs = row.get("runs", [])
                n = len(runs)
                naive = cfg == "naive"
                pic_key = "first_polygon_ms" if naive else "figure_and_picture_ms"
                pic = row.get(f"{pic_key}_median")
                figs = f" (figure {_s(row.get('figure_ms_median'))}, picture {_s(row.get('picture_ms_median'))})"
                out.append(
                    base
                    | {
                        "what": "first polygon drawn (no picture)" if naive else "figure and picture on screen",
                        "value": (_med_s(pic, runs) if naive else _s(pic)) + ("" if naive else figs),
                        "target": f"≤ {pic_t:g} s" if pic_t else "—",
                        "result": _verdict(None if pic is None else pic / 1000, pic_t),
                        "runs": ", ".join(_run_s(r, r[pic_key]) for r in runs),
                        "load": _loads(row),
                        "n": n,
                    }
                )
                poly = row.get("polygons_ms_median")
                out.append(
                    base
                    | {
                        "what": "interactive polygons drawn",
                        "value": _med_s(poly, runs),
                        "target": f"≤ {poly_t:g} s" if poly_t else "—",
                        "result": _verdict(None if poly is None else poly / 1000, poly_t),
                        "runs": ", ".join(_run_s(r, r["polygons_ms"]) for r in runs),
                        "load": _loads(row),
                        "n": n,
                    }
                )
                b = row.get("bytes_before_polygons_median")
                out.append(
                    base
                    | {
                        "what": "bytes before the polygons (HTTP + websocket)",
                        "value": f"{_mb(b)} (HTTP {_mb(row.get('http_bytes_median'))}, "
                        f"websocket {_mb(row.get('ws_bytes_median'))})",
                        "target": "—",
                        "result": "info",
                        "runs": ", ".join(_mb(r["bytes_before_polygons"]) for r in runs),
                        "load": _loads(row),
                        "n": n,
                    }
                )
    return out


def _short(url: str) -> str:
    from urllib.parse import urlsplit

    u = urlsplit(url)
    path = u.path + (f"?{u.query}" if u.query else "")
    return path if len(path) <= 70 else path[:45] + "…" + path[-20:]


def waterfall_text(slowest: dict, top: int = 14) -> list[str]:
    """The slowest run's requests that ended last or weighed most, each file fetched twice named, and the
    page's script/layout/task time (CDP ``Performance``)."""
    wf = slowest.get("waterfall") or []
    met = slowest.get("metrics") or {}
    lines = [
        f"  - slowest run: `{_short(slowest.get('url', ''))}`, polygons {_s(slowest.get('polygons_ms'))}; page CPU "
        f"(slowed as the profile says) script {met.get('ScriptDuration', 0):.2f} s, layout "
        f"{met.get('LayoutDuration', 0):.2f} s, style {met.get('RecalcStyleDuration', 0):.2f} s, all tasks "
        f"{met.get('TaskDuration', 0):.2f} s; {len(wf)} requests, "
        f"{sum(r.get('bytes') or 0 for r in wf) / 1e3:,.0f} KB on the wire"
    ]
    fetched: dict[str, list[int]] = {}
    for r in wf:  # a file answered twice with bytes on the wire (a cache hit carries ~0 bytes)
        if r.get("status") == 200 and (r.get("bytes") or 0) > 1000:
            fetched.setdefault(r["url"], []).append(r["bytes"])
    twice = {u: b for u, b in fetched.items() if len(b) > 1}
    lines.append(
        "  - files downloaded more than once: "
        + (
            ", ".join(f"`{_short(u)}` ({len(b)}×, {sum(b[1:]) / 1e3:,.1f} KB extra)" for u, b in twice.items())
            if twice
            else "none"
        )
    )
    iframe_at = map_iframe_ms(wf)
    if iframe_at is not None:  # the map's element reached the page: everything after is the map's own start-up
        lines.append(
            f"  - the map's iframe was requested at {iframe_at / 1000:.2f} s (the map element had arrived in "
            "the script run's messages); the files it shares with the page's preloads came from the cache"
        )
    heavy = sorted(wf, key=lambda r: r.get("bytes") or 0, reverse=True)[:top]
    for r in sorted(heavy, key=lambda r: r["start_ms"]):
        end = "…" if r.get("end_ms") is None else f"{r['end_ms'] / 1000:.2f}"
        lines.append(
            f"    - {r['start_ms'] / 1000:.2f} → {end} s, {(r.get('bytes') or 0) / 1e3:,.1f} KB `{_short(r['url'])}`"
        )
    return lines


def section(p: dict) -> str:
    """The RESULTS.md section: every figure with its runs and the load average next to it."""
    thr = p.get("throttle") or SLOW_4G
    lines = [
        "## Phone, first visit: the mid-range phone (issues 17, 29)",
        "",
        f"Measured {p.get('date', '?')} at commit `{p.get('commit', '?')}`: {p.get('chromium') or 'Chromium'}, "
        f"mobile emulation {PHONE.replace('x', '×')} at device scale factor {SCALE}, `is_mobile`, touch, {DEVICE_UA} "
        f"user agent; CDP `Network.emulateNetworkConditions` {thr['downloadThroughput'] * 8 / 1e6:g} Mbit/s down, "
        f"{thr['uploadThroughput'] * 8 / 1e3:g} kbit/s up, {thr['latency']} ms latency (Lighthouse's Slow 4G), "
        f"and for the mid-range phone CDP `Emulation.setCPUThrottlingRate` {CPU_MIDRANGE}; a new browser context "
        "(empty cache) per run; the median of the runs listed in each row. Profiles measured: "
        + ", ".join(PROFILE_LABEL[x] for x in (p.get("profiles") or DEFAULT_PROFILES))
        + ".",
        "",
        "| profile | view | set-up | figure | median | runs | goal | result | load avg per run |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures(p):
        cells = [
            PROFILE_LABEL[f["profile"]],
            VIEW_LABEL[f["view"]],
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
        "app has no picture: its row is the first animation frame in which the map's iframe holds any polygon. "
        "*Interactive polygons* — `tests.support.browser.load`: every area's `path.leaflet-interactive` in the "
        "st_folium iframe. *Bytes before the polygons* — HTTP bytes on the wire (CDP `loadingFinished` "
        "`encodedDataLength`) plus the websocket frames' payload (after permessage-deflate: an upper bound of the "
        "wire). The throttle is CDP's, per request on localhost: connection set-up (TCP/TLS handshakes over a "
        "150 ms line) is not modelled, so a real phone waits a little longer. A *warmed* view: each app process's "
        "render-ahead finished, the page's picture fetched once straight from each process, one unthrottled "
        "visit. A *cold* view: no warm-up, and a different address every run.",
        "",
        "Where the slowest run of each row waited (its waterfall: the heaviest requests, start → end from the "
        "page's own request, bytes on the wire):",
    ]
    for cfg, c in (p.get("configs") or {}).items():
        if "skipped" in c:
            continue
        for key, row in (c.get("pages") or {}).items():
            if "slowest" not in row:
                continue
            profile, view = key.split("/", 1)
            out.append(f"- {PROFILE_LABEL[profile]}, {VIEW_LABEL[view]}, {CONFIG_LABEL[cfg]}:")
            out += waterfall_text(row["slowest"])
    out.append("")
    for cfg, c in (p.get("configs") or {}).items():
        if "skipped" in c:
            continue
        exts = sorted(
            {r.get("ws_extensions") or "none" for row in (c.get("pages") or {}).values() for r in row.get("runs", [])}
        ) or ["—"]
        extra = f"websocket extensions negotiated: {', '.join(exts)}"
        served = sorted(
            {
                r.get("encoding") or "none"
                for row in (c.get("pages") or {}).values()
                for r in (row.get("slowest") or {}).get("waterfall") or []
                if (r.get("bytes") or 0) > 0
            }
        )
        if served:
            extra += f"; HTTP content encodings served (slowest runs): {', '.join(served)}"
        first = c.get("snapshot_first_request_s") or {}
        if first:
            per = "; ".join(
                f"{path} {'—' if s is None else f'{s:.2f} s'}" for procs in first.values() for path, s in procs.items()
            )
            extra += f"; first request of each warmed view's picture per process, after render-ahead: {per}"
        hidden = [
            r["block_hidden_ms"]
            for row in (c.get("pages") or {}).values()
            for r in row.get("runs", [])
            if r.get("block_hidden_ms") is not None and r.get("picture_ms") is None
        ]
        if hidden:
            extra += f"; in {len(hidden)} run(s) the live app hid the instant block before its image had loaded"
        out.append(f"- {CONFIG_LABEL[cfg]}: {extra}.")
    out.append(f"- Load average: start {p.get('load_start', '—')}, end {p.get('load_end', '—')}.")
    for who, err in (p.get("errors") or {}).items():
        out.append(f"- `{who}` failed: `{err.splitlines()[0]}`")
    return out
