"""Regenerate bench/RESULTS.md from a results dict (the same data as bench/out/results.json)."""

from __future__ import annotations

from pathlib import Path

from . import report
from .common import BENCH, ROOT

METHOD = """\
## How each figure is measured

1. **Bytes.** *Map HTML*: the folium map built in-process — ours with `geo.maps.build_map` on the
   sample classification (basemap `none`), the baseline with `bench/naive.py` — rendered with
   `m.get_root().render()`, UTF-8 bytes (1 KB = 1,000 B, 1 MB = 1,000,000 B). *Websocket*: both
   apps served by `streamlit run` and opened in headless Chromium (Playwright, unthrottled, fresh
   context), counting every websocket frame received until the socket has been quiet for 1.5 s;
   the *map message* is the largest frame (the st_folium component with the map), the *total* is
   the whole page (map, tables, widgets). *HTTP first visit*: CDP `Network.loadingFinished`
   `encodedDataLength` summed over the page and the map iframe (Streamlit's own JS/CSS, the
   st_folium component, Leaflet).
2. **Re-run after a filter change.** `streamlit.testing.v1.AppTest`: ours is `app.py` (st.navigation)
   switched to `screens/desa.py` with `?basemap=none` (+ `kab=61.04`), the baseline is
   `bench/naive_app.py?level=desa`. One run warms the caches; then the target number_input is set
   to a new value each time (45, 46, …: real recomputation) and, separately, the below-target
   toggle is flipped; each `run()` is timed. The naive province page takes ~10 s a run, so it gets
   3 runs instead of 5.
3. **Navigation to polygons drawn.** Chromium with CDP `Network.emulateNetworkConditions`
   (500,000 B/s down and up, 100 ms latency; it throttles the websocket too); time from
   `page.goto` to the first animation frame in which the st_folium iframe's Leaflet map holds
   one `path.leaflet-interactive` per area (2,130 or 262). *First visit*: new browser context (empty
   cache), one run. *Repeat visit*: same context, so Streamlit's hashed JS/CSS come from cache —
   median of the runs. Each server is warmed first by the unthrottled byte-count load.
4. **Fidelity.** `display` vs `geometry` from `geo.boundaries.load(level)`, reprojected to
   EPSG:32749 (WGS 84 / UTM 49S; Kalbar is 108.8–114.2°E, zone 49; 49N/EPSG:32649 gives the same
   distances, only the false northing differs; scale error ≤ ~0.1%). Per area,
   `shapely.hausdorff_distance` of the two boundaries (densify 0.25); max and 99th percentile.
   Overlaps: pairwise intersections of neighbours (STRtree) computed on the lon/lat geometry as
   stored, their areas measured in UTM. Gaps: the holes enclosed by the union of all areas; a hole
   is *new* when less than half of it was already a hole in the source. `coverage_is_valid` runs on
   lon/lat (an exact-noding check: reprojection alone moves T-junction vertices by nanometres and
   would make any coverage "invalid"). The *as shipped* row decodes the 1e-4° polylines the browser
   actually receives.

The baseline loads the same local Leaflet files as our app (folium's CDN scripts cannot load on
this offline machine), which spares it the jQuery/Bootstrap/CDN requests a real naive app makes:
the comparison favours the baseline. Streamlit 1.67 serves its own JS/CSS uncompressed (its static
routes bypass gzip), so a first visit costs 4.5–6.5 MB before any map data for either app.
"""


def _profile_top(path: Path, n: int = 8) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    root = str(ROOT)
    out = []
    for line in lines:
        parts = line.split(None, 5)
        if len(parts) == 6 and root in parts[5] and ".venv" not in parts[5] and "/bench/" not in parts[5]:
            out.append(f"{float(parts[3]):.3f} s cumulative — `{parts[5].replace(root + '/', '')}`")
        if len(out) >= n:
            break
    return out


def findings(r: dict) -> list[str]:
    out = []
    prof = ROOT / "bench" / "out" / "profile_rerun_ours_desa_province.txt"
    top = _profile_top(prof)
    if top:
        out.append(
            "Where our province desa page spends a target-change re-run (one extra, "
            "untimed target change under cProfile, script thread, project code only; "
            "profiling inflates the times):\n" + "\n".join(f"   - {t}" for t in top)
        )
    tm = (r.get("browser") or {}).get("timing", {}) if isinstance(r.get("browser"), dict) else {}
    for name, row in tm.items():
        for who in ("ours", "naive"):
            w = (row.get(who) or {}).get("warm") or []
            if w and w[0].get("ms_map_frame") and w[0].get("ms"):
                out.append(
                    f"{report.SCENARIO_LABEL[name]}, {who}, repeat visit: the map message had arrived at "
                    f"{w[0]['ms_map_frame'] / 1000:.2f} s, polygons drawn at {w[0]['ms'] / 1000:.2f} s."
                )
    fid = r.get("fidelity", {})
    if fid.get("desa"):
        worst = ", ".join(f"{w['nama']} {w['kode']} {w['m']:.0f} m" for w in fid["desa"]["worst"])
        f = fid["desa"]
        out.append(
            f"Desa furthest from source: {worst}. Vertices: source "
            f"{f['vertices_source']:,}, display {f['vertices_display']:,}."
        )
    for level in ("kabupaten", "kecamatan"):
        f = fid.get(level)
        if f:
            out.append(
                f"{level}: display has {f['vertices_display']:,} vertices vs {f['vertices_source']:,} in the source; "
                f"worst {f['worst'][0]['nama']} {f['hausdorff_max_m']:.0f} m; the source itself overlaps by "
                f"{f['overlap_m2_source'] / 1e6:.1f} km² ({f['overlap_pairs_source']} pairs), which cleaning resolves."
            )
    m = r.get("machine", {})
    out.append(
        f"Load average (1/5/15 min) at start {' '.join(m.get('loadavg_start', []))}"
        f", at end {' '.join(m.get('loadavg_end', []))}: "
        "other work shares this machine, so timings carry noise."
    )
    for name, err in (r.get("errors") or {}).items():
        out.append(f"Step `{name}` failed: `{err.splitlines()[0]}` (traceback in bench/out/results.json).")
    return out


HOSTING_BEGIN = "<!-- hosting: written by bench/hosting.py (python -m bench load / proxy) -->"
HOSTING_END = "<!-- /hosting -->"


def _hosting_block(h: dict) -> str:
    from .hosting import section

    return f"{HOSTING_BEGIN}\n{section(h)}{HOSTING_END}"


def _existing_hosting(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    if HOSTING_BEGIN in text and HOSTING_END in text:
        return text[text.index(HOSTING_BEGIN) : text.index(HOSTING_END) + len(HOSTING_END)]
    return None


def update_hosting(h: dict, path: Path = BENCH / "RESULTS.md") -> Path:
    """Replace (or append) only the hosting section, keeping the rest of RESULTS.md."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Bench results\n"
    old = _existing_hosting(path)
    block = _hosting_block(h)
    text = text.replace(old, block) if old else text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    return path


PHONE_BEGIN = "<!-- phone: written by bench/phone.py (python -m bench phone) -->"
PHONE_END = "<!-- /phone -->"


def _phone_block(p: dict) -> str:
    from .phone import section

    return f"{PHONE_BEGIN}\n{section(p)}{PHONE_END}"


def _existing_phone(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    if PHONE_BEGIN in text and PHONE_END in text:
        return text[text.index(PHONE_BEGIN) : text.index(PHONE_END) + len(PHONE_END)]
    return None


def update_phone(p: dict, path: Path = BENCH / "RESULTS.md") -> Path:
    """Replace (or add, before the hosting section) only the phone section, keeping the rest of RESULTS.md."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Bench results\n"
    old = _existing_phone(path)
    block = _phone_block(p)
    if old:
        text = text.replace(old, block)
    elif HOSTING_BEGIN in text:
        text = text.replace(HOSTING_BEGIN, block + "\n\n" + HOSTING_BEGIN, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def write(r: dict, path: Path = BENCH / "RESULTS.md") -> Path:
    m = r.get("machine", {})
    pk = m.get("packages", {})
    secs = r.get("seconds", {})
    text = [
        "# Bench results: our map vs a naive folium baseline",
        "",
        f"Measured {m.get('date')} at commit `{m.get('commit')}` by `python -m bench` "
        f"({secs.get('total', 0):.0f} s). Reproduce from the project root:",
        "",
        "```",
        report.COMMAND,
        "```",
        "",
        "(or `KALBAR_BOUNDARY_SOURCE=../shared/data/wilayah_boundaries PYTHONPATH=. .venv/bin/python -m bench`;"
        " raw figures go to `bench/out/results.json`, this file is regenerated.)",
        "",
        "## Machine",
        "",
        f"- CPU: {m.get('cpu')}, {m.get('cores')} cores; RAM {m.get('ram_gb')} GB",
        f"- OS: {m.get('os')}",
        f"- Python {m.get('python')}; {m.get('chromium')}",
        "- " + ", ".join(f"{k} {v}" for k, v in pk.items()),
        f"- Sample classification via: {(r.get('setup') or {}).get('classification', '?')}",
        "",
        "## Results",
        "",
        report.table(r),
        "",
        "## Verdicts",
        "",
        *report.verdicts(r),
        "",
        METHOD,
        "## Notes from this run",
        "",
        *[f"- {f}" for f in findings(r)],
        "",
    ]
    from .version_check import END, START, section

    old = path.read_text(encoding="utf-8") if path.exists() else ""
    vc = r.get("version_check")
    if isinstance(vc, dict) and "skipped" not in vc:
        text.append(section(vc))
    elif START in old and END in old:  # keep the last measured section when this run skipped it
        text.append(START + old.split(START, 1)[1].split(END, 1)[0] + END + "\n")
    ph = r.get("phone")
    phone = _phone_block(ph) if (isinstance(ph, dict) and "skipped" not in ph) else _existing_phone(path)
    if phone:
        text += [phone, ""]
    hosting = _hosting_block(r["hosting"]) if r.get("hosting") else _existing_hosting(path)
    if hosting:
        text += [hosting, ""]
    path.write_text("\n".join(text), encoding="utf-8")
    return path
