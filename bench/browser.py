"""Chromium (Playwright) loads of both apps: time to polygons drawn, bytes on the wire.

Throttling uses CDP Network.emulateNetworkConditions on the page's target (it covers the
same-origin st_folium iframe, HTTP and the Streamlit websocket).
"""

from __future__ import annotations

# The one Chromium launch and the measured page load live in the test harness; the bench uses the same.
from tests.support.browser import (  # noqa: F401 (bench modules use them as bench.browser.*)
    THROTTLE,
    VIEWPORT,
    WAIT_JS,
    current_map_frame,
    launch,
    load,
    unavailable,
)

# name -> (our path, naive path); expected polygon counts come from the boundaries
PAGES = {
    "kabupaten": ("/ringkasan?basemap=none", "/?level=kabupaten"),
    "desa_province": ("/desa?basemap=none", "/?level=desa"),
    "desa_ketapang": ("/desa?kab=61.04&basemap=none", "/?level=desa&kab=61.04"),
}
TIMED = ("desa_province", "desa_ketapang")
KINDS = ("html", "scripts", "css_fonts", "picture", "mapgeo", "mapfeat", "other")


def kind_of(url: str, first: bool) -> str:
    """What a request of a first visit carries, by its path (the page's own document is the first)."""
    from urllib.parse import urlsplit

    path = urlsplit(url).path
    if first:
        return "html"
    if path.startswith("/mapgeo/"):
        return "mapgeo"
    if path.startswith("/mapfeat/"):
        return "mapfeat"
    if path.startswith("/snapshot/"):
        return "picture"
    if path.endswith((".js", ".mjs")):
        return "scripts"
    if path.endswith((".css", ".woff2", ".woff", ".ttf")):
        return "css_fonts"
    return "other"


def bytes_by_kind(r: dict) -> dict[str, int]:
    """A settled first visit's bytes on the wire by kind, the websocket's (all frames and the map message) and
    the map's data as shipped: the map message plus the /mapgeo and /mapfeat files the map draws from."""
    out = dict.fromkeys(KINDS, 0)
    for i, req in enumerate(r.get("waterfall") or []):
        out[kind_of(req["url"], i == 0)] += int(req.get("bytes") or 0)
    out["websocket"] = int(r.get("ws_recv_bytes") or 0)
    out["map_message"] = int(r.get("ws_max_frame") or 0)
    out["map_data"] = out["map_message"] + out["mapgeo"] + out["mapfeat"]
    out["total"] = sum(out[k] for k in KINDS) + out["websocket"]
    return out


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
                        r = load(ctx, url, counts[name], throttle=None, settle=True, waterfall=True)
                    finally:
                        ctx.close()
                    r["by_kind"] = bytes_by_kind(r)
                    r.pop("waterfall", None)
                    out["bytes"].setdefault(name, {})[who] = r
                    log(
                        f"   {who:5s} {name:14s} bytes: ws {r['ws_recv_bytes']:,} (map frame "
                        f"{r['ws_max_frame']:,}), http cold {r['http_bytes']:,}; {'ok' if r['ok'] else 'NOT DRAWN'}"
                    )
                for name in TIMED:
                    url = server.url + PAGES[name][0 if who == "ours" else 1]
                    ctx = browser.new_context(viewport=VIEWPORT)
                    try:
                        cold = load(ctx, url, counts[name], THROTTLE)
                        log(f"   {who:5s} {name:14s} throttled cold: {cold['ms'] and round(cold['ms']):,} ms")
                        warm = []
                        for _ in range(reps):
                            warm.append(load(ctx, url, counts[name], THROTTLE))
                            log(
                                f"   {who:5s} {name:14s} throttled warm: "
                                f"{warm[-1]['ms'] and round(warm[-1]['ms']):,} ms"
                            )
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
