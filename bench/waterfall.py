"""One throttled first visit through nginx, as a waterfall: which requests and websocket frames come when.

    python -m bench.waterfall [--page /desa?kab=61.04&basemap=none] [--tls] [--replicas 2] [--no-throttle]
                              [--phone] [--embedded]

Prints every HTTP request (start, first byte, end in ms from navigation; bytes on the wire; frame)
and the websocket frames, then the moment the expected polygons were in the map. It is the tool
for finding what a first visit waits on; the figures that count are in `python -m bench proxy`.
"""

from __future__ import annotations

import argparse
import time
import warnings


def run(
    page_path: str, tls: bool, replicas: int, throttle: bool, log=print, phone: bool = False, embedded: bool = False
) -> dict:
    from playwright.sync_api import sync_playwright

    from deploy.stack import Stack

    from . import browser, common

    common.setup_env()
    warnings.filterwarnings("ignore")
    common.ensure_ready()
    counts = browser.expected_counts()
    name = next((n for n, p in browser.PAGES.items() if p[0] == page_path), None)
    expected = counts[name] if name else 1
    if embedded:  # `streamlit run app.py`, as `python run.py app` (and the phone bench's "embedded")
        from tests.support.server import Server

        stack = Server("bench_waterfall")
        stack.start()
        stack.spki_pin = lambda: None
    else:
        stack = Stack(replicas=replicas, name="bench_waterfall", log=lambda m: None, tls=tls)
        stack.start(warm_path=page_path)
    reqs: dict[str, dict] = {}
    frames: list[tuple[float, int, str]] = []
    big: list[str] = []
    try:
        with sync_playwright() as pw:
            chromium = browser.launch(pw, spki_pin=stack.spki_pin())
            warm = chromium.new_context(viewport=browser.VIEWPORT, ignore_https_errors=True)
            browser.load(warm, stack.url + page_path, expected, throttle=None)
            warm.close()
            if phone:
                from .phone import phone_context

                ctx = phone_context(chromium)
            else:
                ctx = chromium.new_context(viewport=browser.VIEWPORT, ignore_https_errors=True)
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            if throttle:
                if phone:
                    from .phone import SLOW_4G

                    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
                else:
                    cdp.send("Network.emulateNetworkConditions", browser.THROTTLE)
            t0 = {"ts": None}

            def rel(ts: float) -> float:
                if t0["ts"] is None:
                    t0["ts"] = ts
                return (ts - t0["ts"]) * 1000

            def will(ev):
                reqs[ev["requestId"]] = {
                    "url": ev["request"]["url"],
                    "start": rel(ev["timestamp"]),
                    "type": ev.get("type"),
                    "initiator": (ev.get("initiator") or {}).get("type"),
                }

            def resp(ev):
                r = reqs.get(ev["requestId"])
                if r is not None:
                    r["ttfb"] = rel(ev["timestamp"])
                    r["status"] = ev["response"].get("status")
                    r["proto"] = ev["response"].get("protocol")
                    r["enc"] = (ev["response"].get("headers") or {}).get("content-encoding") or (
                        ev["response"].get("headers") or {}
                    ).get("Content-Encoding")

            def fin(ev):
                r = reqs.get(ev["requestId"])
                if r is not None:
                    r["end"] = rel(ev["timestamp"])
                    r["bytes"] = int(ev.get("encodedDataLength", 0))

            def wsframe(ev):
                data = ev["response"].get("payloadData", "")
                if len(data) > 100_000:
                    big.append(data)
                frames.append((rel(ev["timestamp"]), len(data), "recv " + _kind(data)))

            def wssent(ev):
                frames.append((rel(ev["timestamp"]), len(ev["response"].get("payloadData", "")), "sent"))

            cdp.on("Network.requestWillBeSent", will)
            cdp.on("Network.responseReceived", resp)
            cdp.on("Network.loadingFinished", fin)
            cdp.on("Network.webSocketFrameReceived", wsframe)
            cdp.on("Network.webSocketFrameSent", wssent)
            wall0 = time.time() * 1000
            page.goto(stack.url + page_path, wait_until="commit")
            done = None
            deadline = time.perf_counter() + 120
            while time.perf_counter() < deadline and done is None:
                frame = browser.current_map_frame(page)
                if frame is None:
                    page.wait_for_timeout(20)
                    continue
                try:
                    done = float(
                        frame.wait_for_function(
                            browser.WAIT_JS, arg=expected, polling="raf", timeout=60000
                        ).json_value()
                    )
                except Exception:
                    page.wait_for_timeout(20)
            page.wait_for_timeout(1500)
            chromium.close()
    finally:
        stack.stop()
    rows = sorted(reqs.values(), key=lambda r: r["start"])
    total = 0
    for r in rows:
        total += r.get("bytes", 0)
        url = r["url"].split("://", 1)[-1].split("/", 1)[-1][:70]
        log(
            f"{r['start']:7.0f} {r.get('ttfb', float('nan')):7.0f} "
            f"{r.get('end', float('nan')):7.0f}  {r.get('bytes', 0):8,d} {str(r.get('status')):4s} "
            f"{str(r.get('enc') or ''):3.3s} {str(r.get('type') or '')[:10]:10s} /{url}"
        )
    rec = [f for f in frames if f[2].startswith("recv")]
    log(
        f"websocket: {len(rec)} frames received, {sum(f[1] for f in rec):,}"
        f" chars; first {rec[0][0]:.0f} ms, last {rec[-1][0]:.0f} ms"
        if rec
        else "no websocket frames"
    )
    for i, f in enumerate(frames):
        if i < 60 or f[1] >= 2000:
            log(f"   ws {f[0]:7.0f} ms {f[1]:9,d} {f[2]}")
    nav_offset = None
    polygons_ms = None if done is None else done - wall0
    log(
        f"HTTP total {total:,} B in {len(rows)} requests; polygons ({expected}) "
        f"at {polygons_ms and round(polygons_ms)} ms (wall clock from goto)"
    )
    return {"big_frames": big, "requests": rows, "frames": frames, "polygons_ms": polygons_ms, "nav_offset": nav_offset}


def _kind(payload: str) -> str:
    """A rough name for a websocket frame (base64 protobuf): what a reader of the waterfall wants to know."""
    import base64

    try:
        raw = base64.b64decode(payload)
    except Exception:
        return ""
    for marker, name in ((b"st_folium", "map"), (b"ARROW1", "table"), (b"vega", "chart")):
        if marker in raw:
            return name
    return ""


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.waterfall")
    ap.add_argument("--page", default="/desa?kab=61.04&basemap=none")
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--no-throttle", action="store_true")
    ap.add_argument("--phone", action="store_true", help="the phone bench's profile: 390×844 touch, Slow 4G")
    ap.add_argument("--embedded", action="store_true", help="streamlit run app.py instead of nginx + processes")
    a = ap.parse_args()
    run(a.page, a.tls, a.replicas, not a.no_throttle, phone=a.phone, embedded=a.embedded)


if __name__ == "__main__":
    main()
