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


def launch(pw):
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)


def _map_frame(page):
    for fr in page.frames:
        if "streamlit_folium" in fr.url:
            return fr
    return None


def load(context, url: str, expected: int, throttle: dict | None = THROTTLE, timeout_s: float = 180.0) -> dict:
    """Navigate a new page of ``context`` to ``url``; wait until ``expected`` polygons are in the map."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttle:
        cdp.send("Network.emulateNetworkConditions", throttle)
    http = {"bytes": 0, "requests": 0, "cached": 0}
    ws = {"recv": 0, "sent": 0, "frames": 0, "max_frame": 0}

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
            ws["max_frame"] = max(ws["max_frame"], n)

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
    # let trailing websocket traffic for this run land before reading the counters
    page.wait_for_timeout(300)
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
        "errors": errors[:5],
    }
    page.close()
    return result
