"""Debian's Chromium driven by Playwright: the one launch, the offline guard, and finding the map.

Never a browser download: Playwright starts /usr/bin/chromium (``executable_path``).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from geo.text import t

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
# the bench's slow line (CDP Network.emulateNetworkConditions): 4 Mbit/s, 100 ms
THROTTLE = {"offline": False, "latency": 100, "downloadThroughput": 500_000, "uploadThroughput": 500_000}
LOCAL_HOSTS = ("127.0.0.1", "localhost")
MAP_FRAME = "streamlit_folium"
POLYGONS = "path.leaflet-interactive"

COUNT_JS = (
    "() => { const m = document.querySelector('.leaflet-container'); "
    "return m ? m.querySelectorAll('path.leaflet-interactive').length : -1; }"
)
WAIT_JS = (
    "(n) => { const m = document.querySelector('.leaflet-container'); "
    "const c = m ? m.querySelectorAll('path.leaflet-interactive').length : 0; "
    "return c >= n ? Date.now() : false; }"
)


def unavailable() -> str | None:
    """Why Chromium cannot be driven here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright not importable: {exc}"
    return None


def require_chromium() -> None:
    """Fail where `python run.py test` installs Chromium (Debian/Ubuntu), skip elsewhere; with the reason."""
    from .services import require

    require("Chromium", unavailable(), f"install Debian's chromium at {CHROMIUM}")


def launch(pw, spki_pin: str | None = None):
    """Debian's Chromium; ``spki_pin`` (deploy.stack.Stack.spki_pin) makes a throw-away certificate count as valid."""
    extra = [f"--ignore-certificate-errors-spki-list={spki_pin}"] if spki_pin else []
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS + extra)


@contextmanager
def chromium(spki_pin: str | None = None):
    """Playwright and a launched Chromium for the ``with`` block, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw, spki_pin)
        try:
            yield b
        finally:
            b.close()


def new_page(browser, viewport: dict | None = None, timeout_ms: float = 90_000):
    """(context, page): a fresh context (no cookies, no cache) at ``viewport``, with a long default timeout."""
    context = browser.new_context(viewport=viewport or VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    return context, page


# --- offline: nothing leaves localhost -----------------------------------------------------------------


def is_local(url: str) -> bool:
    """A request that stays on this machine: localhost, or a data:/blob:/about:/file: URL."""
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob", "about", "file") or (parsed.hostname or "") in LOCAL_HOSTS


def guard_offline(context, on_blocked=None) -> list[str]:
    """Route every request of ``context``: local ones pass; any other is aborted before it is sent.

    Returns the list the blocked URLs are appended to; ``on_blocked(url)`` is called for each too.
    """
    blocked: list[str] = []

    def guard(route):
        url = route.request.url
        if is_local(url):
            return route.continue_()
        blocked.append(url)
        if on_blocked:
            on_blocked(url)
        return route.abort()

    context.route("**/*", guard)
    return blocked


# --- the map (st_folium's iframe) ----------------------------------------------------------------------


def map_frame(page, min_polygons: int, deadline_s: float = 120):
    """The st_folium iframe once at least ``min_polygons`` areas are drawn in it (fails after ``deadline_s``)."""
    page.wait_for_selector(f'iframe[src*="{MAP_FRAME}"], iframe[title*="{MAP_FRAME}"]', state="attached")
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        for fr in page.frames:
            if MAP_FRAME in fr.url:
                try:
                    fr.wait_for_function(
                        "(n) => document.querySelectorAll('path.leaflet-interactive').length >= n",
                        arg=min_polygons,
                        timeout=2000,
                    )
                    return fr
                except Exception:
                    pass
        page.wait_for_timeout(100)
    raise AssertionError(f"map never showed {min_polygons} polygons")


def polygon_count(frame) -> int:
    return frame.evaluate(f"() => document.querySelectorAll('{POLYGONS}').length")


def point_on_page(page, frame, kode: str, level: str) -> tuple[float, float]:
    """Page pixel of a point inside area ``kode`` (where a person would point: mouse move, tooltip)."""
    from geo.boundaries import load

    gdf = load(level)
    pt = gdf.loc[gdf["kode"] == kode, "display"].iloc[0].representative_point()
    xy = frame.evaluate(
        "([lat, lng]) => { const m = window.pjkLayers.base._map; "
        "const p = m.latLngToContainerPoint([lat, lng]); "
        "const r = m.getContainer().getBoundingClientRect(); "
        "return [p.x + r.left, p.y + r.top]; }",
        [pt.y, pt.x],
    )
    box = frame.frame_element().bounding_box()
    return box["x"] + xy[0], box["y"] + xy[1]


# Inside the map's iframe: a point of area ``kode`` where the area itself is on top (not under the legend,
# the title box or another panel), within what the page shows; null when no such point exists.
_VISIBLE_POINT_JS = """([kode, top, bottom]) => {
  const P = window.pjkLayers, paths = new Set();
  for (const g of [P.base, P.below, P.selected]) {
    g.eachLayer(l => { if (l.feature && String(l.feature.properties.kode) === kode && l.getElement()) {
      paths.add(l.getElement()); } });
  }
  if (!paths.size) { return null; }
  const r = [...paths][0].getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  let best = null;
  for (let i = 1; i < 24; i++) { for (let j = 1; j < 24; j++) {
    const x = r.left + r.width * i / 24, y = r.top + r.height * j / 24;
    if (y < top || y > bottom || !paths.has(document.elementFromPoint(x, y))) { continue; }
    const d = (x - cx) ** 2 + (y - cy) ** 2;
    if (!best || d < best[2]) { best = [x, y, d]; }
  } }
  return best && [best[0], best[1]];
}"""


def settled(page, element, quiet_ms: int = 600, timeout_ms: int = 15_000) -> None:
    """Wait until the page's fonts are in and ``element`` has not moved for ``quiet_ms``.

    With the map's files preloaded the map is ready before the page around it has settled: a late font or
    block above it still moves it (63 px, measured with the Layout Instability API), and a click whose
    button comes down on one area and up on another is no click on either (the browser sends it to their
    common parent: the map, not the area)."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    last, still, waited = None, 0, 0
    while still < quiet_ms and waited < timeout_ms:
        box = element.bounding_box()
        still = still + 100 if box == last else 0
        last = box
        page.wait_for_timeout(100)
        waited += 100


def click_target(page, frame, kode: str, scroll: bool = True) -> tuple[float, float]:
    """Page pixel where a person would click area ``kode``: the map scrolled into view, the script run
    finished, the page settled, st_folium's click handlers attached, and a point where the area itself is
    on top.

    Fails saying which of these is missing (instead of a click into a panel, off screen, or on a map whose
    handlers were never attached, which all end in a drill-down that never comes)."""
    element = frame.frame_element()
    if scroll:
        element.scroll_into_view_if_needed()
    idle(page)
    settled(page, element)
    assert frame.evaluate("() => !!window.map && !!window.__GLOBAL_DATA__"), (
        "st_folium never initialised the map (its initComponent did not run): clicks cannot reach Python"
    )
    box = element.bounding_box()
    height = page.viewport_size["height"]
    xy = frame.evaluate(_VISIBLE_POINT_JS, [kode, max(0, -box["y"]) + 2, min(box["height"], height - box["y"]) - 2])
    assert xy, f"no visible point of area {kode} on the map (covered by panels or off screen)"
    return box["x"] + xy[0], box["y"] + xy[1]


# --- one measured page load (bytes on the wire, time to polygons): the bench, and the deploy test ----------


def current_map_frame(page):
    """The st_folium iframe as it is now (None before it is attached)."""
    for fr in page.frames:
        if "streamlit_folium" in fr.url:
            return fr
    return None


def load(
    context,
    url: str,
    expected: int,
    throttle: dict | None = THROTTLE,
    timeout_s: float = 180.0,
    settle: bool = False,
    probe=None,
    cpu_rate: float | None = None,
    waterfall: bool = False,
) -> dict:
    """Navigate a new page of ``context`` to ``url``; wait until ``expected`` polygons are in the map.

    ``ms`` is navigation start to the first animation frame with the polygons in the DOM.
    With ``settle`` the page stays open until the websocket has been quiet for 1.5 s, so the
    byte counts cover the whole script run, not only what arrived before the polygons
    (``*_at_done`` are the counts when the polygons were found). ``probe(page)``, when given, is
    called before the page closes; what it returns is the result's ``probe`` (the phone bench reads
    its own marks there). ``cpu_rate`` slows the page's CPU that many times (CDP
    ``Emulation.setCPUThrottlingRate``, as Lighthouse's mobile profile: 4 for a mid-range phone; the
    same-origin map iframe runs in the same renderer, so it is slowed too). With ``waterfall`` the result
    also lists every request (ms from the page's own request: start, end, bytes on the wire) and the page's
    CDP ``Performance`` metrics when the polygons were found (script, layout and task time).
    """
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttle:
        cdp.send("Network.emulateNetworkConditions", throttle)
    if cpu_rate and cpu_rate != 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_rate})
    if waterfall:
        cdp.send("Performance.enable")
    http = {"bytes": 0, "requests": 0, "cached": 0}
    requests: dict[str, dict] = {}

    def will_send(ev):
        requests.setdefault(ev["requestId"], {"url": ev["request"]["url"], "start": ev["timestamp"]})

    def response(ev):
        if ev["requestId"] in requests:
            resp = ev.get("response") or {}
            headers = {k.lower(): v for k, v in (resp.get("headers") or {}).items()}
            requests[ev["requestId"]].update(
                status=resp.get("status"), encoding=headers.get("content-encoding") or "none"
            )

    ws = {"recv": 0, "sent": 0, "frames": 0, "max_frame": 0, "max_frame_at": None, "last_at": None}

    def finished(ev):
        http["bytes"] += int(ev.get("encodedDataLength", 0))
        http["requests"] += 1
        if ev["requestId"] in requests:
            requests[ev["requestId"]].update(end=ev["timestamp"], bytes=int(ev.get("encodedDataLength", 0)))

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

    def handshake(ev):
        headers = {k.lower(): v for k, v in ((ev.get("response") or {}).get("headers") or {}).items()}
        ws["extensions"] = headers.get("sec-websocket-extensions", "")

    cdp.on("Network.loadingFinished", finished)
    if waterfall:
        cdp.on("Network.requestWillBeSent", will_send)
        cdp.on("Network.responseReceived", response)
    cdp.on("Network.requestServedFromCache", served_from_cache)
    cdp.on("Network.webSocketHandshakeResponseReceived", handshake)
    page.on("websocket", on_ws)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:300]))

    t0_ms = time.time() * 1000
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    done_ms = None
    deadline = t0 + timeout_s
    while time.perf_counter() < deadline:
        frame = current_map_frame(page)
        if frame is None:
            page.wait_for_timeout(25)
            continue
        try:
            left_ms = max(1.0, deadline - time.perf_counter()) * 1000
            handle = frame.wait_for_function(WAIT_JS, arg=expected, polling="raf", timeout=left_ms)
            done_ms = float(handle.json_value())
            break
        except Exception as exc:  # frame re-mounted or detached: look again
            if "Timeout" in type(exc).__name__ or "Timeout" in str(exc)[:80]:
                break
            page.wait_for_timeout(25)
    wall = time.perf_counter() - t0
    http_at_done, ws_at_done = http["bytes"], ws["recv"]
    metrics = None
    if waterfall:
        try:
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        except Exception:  # noqa: BLE001 - the page may be gone; the load's own figures stand
            metrics = None
    count = -1
    frame = current_map_frame(page)
    if frame is not None:
        try:
            count = int(frame.evaluate(COUNT_JS))
        except Exception:
            pass
    probed = None
    if probe is not None:
        try:
            probed = probe(page)
        except Exception as exc:  # noqa: BLE001 - a probe must not lose the load's own figures
            probed = {"error": f"{type(exc).__name__}: {exc}"[:300]}
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
        "http_bytes_at_done": http_at_done,
        "ws_recv_bytes_at_done": ws_at_done,
        "ws_extensions": ws.get("extensions"),
        "probe": probed,
        "ms_map_frame": (ws["max_frame_at"] - t0) * 1000 if ws["max_frame_at"] else None,
        "throttled": bool(throttle),
        "t0_epoch_ms": t0_ms,  # navigation start on the page's clock (Date.now()), for marks a probe reads
        "errors": errors[:5],
    }
    if waterfall:
        first = min((r["start"] for r in requests.values()), default=0.0)
        result["waterfall"] = sorted(
            (
                {
                    "url": r["url"],
                    "start_ms": round((r["start"] - first) * 1000),
                    "end_ms": round((r["end"] - first) * 1000) if "end" in r else None,
                    "bytes": r.get("bytes"),
                    "status": r.get("status"),
                    "encoding": r.get("encoding"),
                }
                for r in requests.values()
            ),
            key=lambda r: r["start_ms"],
        )
        result["metrics"] = metrics
        # what was served, not what was configured: the encodings of the responses that crossed the wire
        result["encodings"] = sorted(
            {r["encoding"] for r in result["waterfall"] if (r.get("bytes") or 0) > 0 and r.get("encoding")}
        )
    page.close()
    return result


# --- a signed-in editor in a page (the publish tests) ----------------------------------------------------


def sign_in(page, base: str, name: str, password: str, role: str = "editor") -> None:  # noqa: ANN001
    """The built-in sign-in form, as an editor fills it in; returns once the browser has been through
    /auth/session (which sets the sign-in cookie) and the new page says who is signed in."""
    page.goto(base + "/masuk")
    page.get_by_label(t("auth.name", "id")).fill(name)
    page.get_by_label(t("auth.password", "id")).fill(password)
    with page.expect_response(lambda r: "/auth/session" in r.url, timeout=90_000):
        page.get_by_role("button", name=t("auth.submit", "id"), exact=True).click()
    page.wait_for_url(base + "/masuk**", timeout=60_000)
    page.get_by_text(t("auth.signed_in", "id", role=t(f"auth.role.{role}", "id"))).wait_for(timeout=60_000)


def idle(page) -> None:
    """Wait until the script run has finished (Streamlit's running indicator gone), so clicks reach a current page."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=90_000)


def pick(page, box, option: str, tries: int = 6) -> None:  # noqa: ANN001 - Playwright page and locator
    """Pick ``option`` in the selectbox ``box`` (a locator) as a person would: a re-run that re-mounts the box
    between the click and its list closes the list, so open it again until the option shows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(tries):
        box.click()
        try:
            wanted.wait_for(state="visible", timeout=15_000)
        except PlaywrightTimeout:
            continue
        wanted.click()
        return
    raise AssertionError(f"the list never showed {option!r}")
