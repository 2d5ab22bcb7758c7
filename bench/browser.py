"""Chromium (Playwright) loads of both apps: time to polygons drawn, bytes on the wire.

Throttling uses CDP Network.emulateNetworkConditions on the page's target (it covers the
same-origin st_folium iframe, HTTP and the Streamlit websocket).
"""

from __future__ import annotations

import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
THROTTLE = {"offline": False, "latency": 100, "downloadThroughput": 500_000, "uploadThroughput": 500_000}
VIEWPORT = {"width": 1400, "height": 1000}

COUNT_JS = "() => { const m = document.querySelector('.leaflet-container'); return m ? m.querySelectorAll('path.leaflet-interactive').length : -1; }"
WAIT_JS = "(n) => { const m = document.querySelector('.leaflet-container'); " \
          "const c = m ? m.querySelectorAll('path.leaflet-interactive').length : 0; return c >= n ? Date.now() : false; }"


def unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright not importable: {exc}"
    return None


def launch(pw, spki_pin: str | None = None):
    """Debian's Chromium; ``spki_pin`` (deploy.stack.Stack.spki_pin) makes a throw-away certificate count as valid."""
    extra = [f"--ignore-certificate-errors-spki-list={spki_pin}"] if spki_pin else []
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS + extra)


def _map_frame(page):
    for fr in page.frames:
        if "streamlit_folium" in fr.url:
            return fr
    return None


def load(context, url: str, expected: int, throttle: dict | None = THROTTLE, timeout_s: float = 180.0, settle: bool = False) -> dict:
    """Navigate a new page of ``context`` to ``url``; wait until ``expected`` polygons are in the map.

    ``ms`` is navigation start to the first animation frame with the polygons in the DOM.
    With ``settle`` the page stays open until the websocket has been quiet for 1.5 s, so the
    byte counts cover the whole script run, not only what arrived before the polygons.
    """
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttle:
        cdp.send("Network.emulateNetworkConditions", throttle)
    http = {"bytes": 0, "requests": 0, "cached": 0}
    ws = {"recv": 0, "sent": 0, "frames": 0, "max_frame": 0, "max_frame_at": None, "last_at": None}

    def finished(ev):
        http["bytes"] += int(ev.get("encodedDataLength", 0))
        http["requests"] += 1

    def served_from_cache(_ev):
        http["cached"] += 1

    def on_ws(sock):
        def recv(payload):
            n = len(payload) if isinstance(payload, (bytes, bytearray)) else len(payload.encode("utf-8"))
            ws["recv"] += n
            ws["frames"] += 1
            ws["last_at"] = time.perf_counter()
            if n > ws["max_frame"]:
                ws["max_frame"], ws["max_frame_at"] = n, ws["last_at"]

        def sent(payload):
            ws["sent"] += len(payload) if isinstance(payload, (bytes, bytearray)) else len(payload.encode("utf-8"))

        sock.on("framereceived", recv)
        sock.on("framesent", sent)

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.requestServedFromCache", served_from_cache)
    page.on("websocket", on_ws)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:300]))

    t0_ms = time.time() * 1000
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    done_ms = None
    deadline = t0 + timeout_s
    while time.perf_counter() < deadline:
        frame = _map_frame(page)
        if frame is None:
            page.wait_for_timeout(25)
            continue
        try:
            handle = frame.wait_for_function(WAIT_JS, arg=expected, polling="raf", timeout=max(1.0, deadline - time.perf_counter()) * 1000)
            done_ms = float(handle.json_value())
            break
        except Exception as exc:  # frame re-mounted or detached: look again
            if "Timeout" in type(exc).__name__ or "Timeout" in str(exc)[:80]:
                break
            page.wait_for_timeout(25)
    wall = time.perf_counter() - t0
    count = -1
    frame = _map_frame(page)
    if frame is not None:
        try:
            count = int(frame.evaluate(COUNT_JS))
        except Exception:
            pass
    if settle:
        quiet_deadline = time.perf_counter() + 30
        while time.perf_counter() < quiet_deadline:
            page.wait_for_timeout(250)
            if ws["last_at"] is None or time.perf_counter() - ws["last_at"] > 1.5:
                break
    result = {
        "url": url,
        "ok": done_ms is not None,
        "ms": (done_ms - t0_ms) if done_ms is not None else None,
        "wall_s": wall,
        "paths": count,
        "expected": expected,
        "http_bytes": http["bytes"],
        "http_requests": http["requests"],
        "http_from_cache": http["cached"],
        "ws_recv_bytes": ws["recv"],
        "ws_sent_bytes": ws["sent"],
        "ws_frames": ws["frames"],
        "ws_max_frame": ws["max_frame"],
        "ms_map_frame": (ws["max_frame_at"] - t0) * 1000 if ws["max_frame_at"] else None,
        "throttled": bool(throttle),
        "errors": errors[:5],
    }
    page.close()
    return result


# name -> (our path, naive path); expected polygon counts come from the boundaries
PAGES = {
    "kabupaten": ("/ringkasan?basemap=none", "/?level=kabupaten"),
    "desa_province": ("/desa?basemap=none", "/?level=desa"),
    "desa_ketapang": ("/desa?kab=61.04&basemap=none", "/?level=desa&kab=61.04"),
}
TIMED = ("desa_province", "desa_ketapang")


def expected_counts() -> dict[str, int]:
    from geo import boundaries

    from .common import SCENARIOS

    out = {}
    for name, (level, kab) in SCENARIOS.items():
        gdf = boundaries.load(level)
        if kab:
            gdf = gdf[gdf["kode"].str.startswith(kab + ".")]
        out[name] = int((~gdf["display"].is_empty).sum())
    return out


def run(reps: int = 3, log=print) -> dict:
    """Bytes (unthrottled, settled) for every page; throttled cold + warm loads for the desa pages."""
    import statistics

    from playwright.sync_api import sync_playwright

    from .common import ROOT
    from .servers import Server, prepare_naive

    reason = unavailable()
    if reason:
        return {"skipped": reason}
    counts = expected_counts()
    out: dict = {"throttle": THROTTLE, "reps": reps, "bytes": {}, "timing": {}, "errors": {}}
    for who in ("ours", "naive"):
        server = Server(who, ROOT / "app.py") if who == "ours" else Server(who, prepare_naive())
        try:
            server.start()
        except Exception as exc:
            out["errors"][who] = f"server: {exc}"
            log(f"   !! {who} server: {exc}")
            continue
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                out["chromium"] = browser.version
                for name, paths in PAGES.items():
                    url = server.url + paths[0 if who == "ours" else 1]
                    ctx = browser.new_context(viewport=VIEWPORT)
                    try:
                        r = load(ctx, url, counts[name], throttle=None, settle=True)
                    finally:
                        ctx.close()
                    out["bytes"].setdefault(name, {})[who] = r
                    log(f"   {who:5s} {name:14s} bytes: ws {r['ws_recv_bytes']:,} (map frame {r['ws_max_frame']:,}), http cold {r['http_bytes']:,}; {'ok' if r['ok'] else 'NOT DRAWN'}")
                for name in TIMED:
                    url = server.url + PAGES[name][0 if who == "ours" else 1]
                    ctx = browser.new_context(viewport=VIEWPORT)
                    try:
                        cold = load(ctx, url, counts[name], THROTTLE)
                        log(f"   {who:5s} {name:14s} throttled cold: {cold['ms'] and round(cold['ms']):,} ms")
                        warm = []
                        for _ in range(reps):
                            warm.append(load(ctx, url, counts[name], THROTTLE))
                            log(f"   {who:5s} {name:14s} throttled warm: {warm[-1]['ms'] and round(warm[-1]['ms']):,} ms")
                    finally:
                        ctx.close()
                    ok = [w["ms"] for w in warm if w["ok"]]
                    out["timing"].setdefault(name, {})[who] = {
                        "cold_ms": cold["ms"] if cold["ok"] else None,
                        "cold": cold,
                        "warm_ms": ok,
                        "warm_median_ms": statistics.median(ok) if len(ok) == len(warm) else None,
                        "warm": warm,
                    }
                browser.close()
        except Exception as exc:
            import traceback

            out["errors"][who] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-2000:]}"
            log(f"   !! {who}: {type(exc).__name__}: {exc}")
        finally:
            server.stop()
    return out
