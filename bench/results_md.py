"""bench/RESULTS.md, written wholly from one run's results (the same data as bench/out/results.json).

Every section is always written: what the run measured, or each of its goals marked not measured with why;
each section states its commit, machine, load and the runs behind each median. A dirty tree or a quick run
marks every row of every table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import report
from .common import BENCH, ROOT

METHOD = """\
### How each figure is measured

1. **Bytes.** *The map's data as shipped* (the goal): a settled first visit in Chromium (unthrottled, new
   context), bytes on the wire per request kind (CDP `loadingFinished` `encodedDataLength`: the page's HTML,
   scripts, CSS/fonts, the picture, `/mapgeo`, `/mapfeat`) and the websocket; the map's data is the largest
   websocket message plus the `/mapgeo` and `/mapfeat` files (for the naive app the message holds all the
   geometry). *Map HTML* (information only: the download's map, no longer what a page sends): the folium map
   built in-process — ours with `geo.maps.build_map` on the
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
    fid = r.get("fidelity") or {}
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


NOT_MEASURED = report.NOT_MEASURED
DIRTY = "dirty tree"
QUICK = "quick run (development)"


@dataclass(frozen=True)
class Section:
    """One section of RESULTS.md: the steps whose figures it shows, its goals (listed, marked not measured,
    when a step gave nothing), how many runs stand behind each median, and its renderer."""

    key: str
    title: str
    steps: tuple[str, ...]
    goals: tuple[tuple[str, str], ...]
    runs: Callable[[dict], str]
    render: Callable[[dict], str]


def _arg(r: dict, name: str, default=None):  # noqa: ANN001 - any figure
    return (r.get("args") or {}).get(name, default)


def _measured(value) -> bool:  # noqa: ANN001 - a step's result
    return isinstance(value, dict) and bool(value) and "skipped" not in value


def _why(r: dict, step: str) -> str:
    value = r.get(step)
    if isinstance(value, dict) and value.get("skipped"):
        return str(value["skipped"]).splitlines()[0][:300]
    if value is None:
        return "this run did not reach this step"
    return "no figures"


def _main_body(r: dict) -> str:
    return "\n".join(
        [report.table(r), "", "### Verdicts", "", *report.verdicts(r), "", METHOD, "### Notes from this run", ""]
        + [f"- {f}" for f in findings(r)]
    )


def _version_body(r: dict) -> str:
    from .version_check import section

    return section(r["version_check"])


def _phone_body(r: dict) -> str:
    from .phone import section

    return section(r["phone"])


def _hosting_body(r: dict) -> str:
    from .hosting import section

    m = r.get("machine") or {}
    return section(
        {"load": r.get("load") or {}, "proxy": r.get("proxy") or {}, "date": m.get("date"), "commit": m.get("commit")}
    )


def _api_body(r: dict) -> str:
    from .api import section

    return section(r["api"])


def _growth_body(r: dict) -> str:
    from .growth import section

    return section(r["growth"])


def _goals(module: str, name: str = "GOALS") -> tuple[tuple[str, str], ...]:
    import importlib

    return tuple(getattr(importlib.import_module(f"bench.{module}"), name))


SECTIONS: tuple[Section, ...] = (
    Section(
        "main",
        "Results: bytes, re-run, to polygons, fidelity (ours vs a naive folium baseline)",
        ("payload", "fidelity", "rerun", "browser"),
        report.GOALS,
        lambda r: (
            f"browser repeat visits: median of {_arg(r, 'reps', '?')}; first visits: 1 run; re-runs: median of "
            f"{_arg(r, 'rerun_reps', '?')} (naive province: {min(3, _arg(r, 'rerun_reps', 3))}); bytes and "
            "fidelity: 1 run (deterministic)"
        ),
        _main_body,
    ),
    Section(
        "version_check",
        "Version check per re-run (published data)",
        ("version_check",),
        (("new published version on a second app process (fresh session)", "≤ 5 s"),),
        lambda r: (
            f"change_token(): 300 calls per backend; re-runs: median of "
            f"{((r.get('version_check') or {}).get('sqlite') or {}).get('reruns', '?')} with and without the check; "
            "the second process: 1 run"
        ),
        _version_body,
    ),
    Section(
        "phone",
        "Phone, first visit: Slow 4G, and the mid-range phone (Slow 4G + 4× CPU slowdown)",
        ("phone",),
        (),
        lambda r: f"median of {(r.get('phone') or {}).get('reps', '?')} per row (each row lists its runs)",
        _phone_body,
    ),
    Section(
        "hosting",
        "Hosting: a briefing room (the crowd) and first visits through nginx",
        ("load", "proxy"),
        (),
        lambda r: (
            "one burst per size (p50/p95 over its sessions); first visits via nginx: median of "
            f"{1 if r.get('quick') else 3} per row"
        ),
        _hosting_body,
    ),
    Section(
        "api",
        "Open-data API under load",
        ("api",),
        (),
        lambda r: "one load per figure (p50/p95 over its requests); sessions: one burst of 20",
        _api_body,
    ),
    Section(
        "growth",
        "Growth: 1, 12 and 60 monthly versions of every desa",
        ("growth",),
        (),
        lambda r: f"median of {(r.get('growth') or {}).get('reps', '?')} per figure (each row lists its runs)",
        _growth_body,
    ),
)


def goals(section: Section) -> tuple[tuple[str, str], ...]:
    """A section's goals: its own list, or its module's GOALS (kept beside the figures they judge)."""
    if section.goals:
        return section.goals
    module = {"hosting": "hosting", "phone": "phone", "api": "api", "growth": "growth"}[section.key]
    return _goals(module)


def _stamp(r: dict, section: Section) -> str:
    m, tree = r.get("machine") or {}, r.get("tree") or {}
    state = (
        f"**{DIRTY}**: {tree['why']}"
        if tree.get("why")
        else f"**{DIRTY}**: {tree.get('changed_count', len(tree.get('changed', [])))} file(s) differ from the commit "
        f"({', '.join(tree.get('changed', [])[:5])}{'…' if tree.get('changed_count', 0) > 5 else ''})"
        if tree.get("dirty")
        else "clean tree"
    )
    loads = (r.get("steps") or {}) if isinstance(r.get("steps"), dict) else {}
    load = "; ".join(
        f"{step} {' '.join(loads[step].get('load_start', []))} → {' '.join(loads[step].get('load_end', []))}"
        for step in section.steps
        if step in loads
    )
    try:
        runs = section.runs(r)
    except Exception:  # noqa: BLE001 - a stamp never stops the file being written
        runs = "?"
    return (
        f"*Commit `{tree.get('commit') or m.get('commit', '?')}` ({state}); {m.get('date', '?')}; machine "
        f"{m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('ram_gb', '?')} GB, {m.get('chromium', '?')}; "
        f"load average (1/5/15 min) {load or '—'}; runs behind each median: {runs}; "
        f"{QUICK if r.get('quick') else 'full run'}.*"
    )


def _unmeasured(r: dict, section: Section) -> str:
    why = "; ".join(f"{step}: {_why(r, step)}" for step in section.steps if not _measured(r.get(step)))
    lines = ["| figure | value | goal | why |", "|---|---|---|---|"]
    rows = goals(section) or (("every figure of this section", "—"),)
    lines += [f"| {fig} | {NOT_MEASURED} | {goal} | {why} |".replace("\n", " ") for fig, goal in rows]
    return "\n".join(lines) + "\n"


def mark_tables(md: str, header: str, mark: str) -> str:
    """Add a column ``header`` to every Markdown table, ``mark`` in every row: a whole run's caveat stays on each
    figure, wherever it is copied to."""
    out, in_table = [], False
    for line in md.splitlines():
        if line.startswith("|") and line.rstrip().endswith("|"):
            line = line.rstrip()
            if not in_table:
                out.append(f"{line} {header} |")
                in_table = True
            elif set(line.replace("|", "").strip()) <= set("-: "):
                out.append(f"{line}---|")
            else:
                out.append(f"{line} {mark} |")
        else:
            in_table = False
            out.append(line)
    return "\n".join(out) + ("\n" if md.endswith("\n") else "")


def render_section(r: dict, section: Section) -> str:
    """The section as measured; the steps it could not measure listed with their goals, never left out."""
    parts = [f"<!-- section:{section.key} -->", f"## {section.title}", "", _stamp(r, section), ""]
    if section.key == "main":
        # the main table has a row per figure: report.rows lists an unmeasured step's goals itself
        parts.append(_main_body(r))
    elif all(_measured(r.get(step)) for step in section.steps) or (
        section.key == "hosting" and any(_measured(r.get(step)) for step in section.steps)
    ):
        try:
            body = section.render(r).splitlines()
            heading = next((i for i, line in enumerate(body) if line.startswith("## ")), None)
            if heading is not None and heading < 3:  # the section's own title: ours stands above it
                del body[heading]
            parts.append("\n".join(body).strip("\n") + "\n")
        except Exception as exc:  # noqa: BLE001 - a renderer's bug must not drop the section
            parts.append(f"Rendering failed: `{type(exc).__name__}: {exc}`.\n")
            parts.append(_unmeasured(r, section))
    else:
        parts.append(_unmeasured(r, section))
    parts.append(f"<!-- /section:{section.key} -->")
    return "\n".join(parts).rstrip("\n") + "\n"


def render(r: dict) -> str:
    """All of RESULTS.md from one run's results: every section, in order."""
    m = r.get("machine") or {}
    tree = r.get("tree") or {}
    pk = m.get("packages", {})
    secs = r.get("seconds", {})
    head = [
        "# Bench results",
        "",
        f"Written wholly by one run: `{report.COMMAND}` at commit `{tree.get('commit') or m.get('commit')}`, "
        f"{m.get('date')}, {secs.get('total', 0):.0f} s. Raw figures: `bench/out/results.json`. Never edit by "
        "hand: every section below comes from this run; a figure it could not measure is listed as "
        f"*{NOT_MEASURED}* with its goal and why.",
        "",
    ]
    if tree.get("dirty"):
        head += [f"**{DIRTY.upper()}**: measured with uncommitted changes; every row is marked *{DIRTY}*.", ""]
    if r.get("quick"):
        head += [f"**QUICK RUN (development)**: fewer runs and smaller loads; every row is marked *{QUICK}*.", ""]
    head += [
        "## Machine",
        "",
        f"- CPU: {m.get('cpu')}, {m.get('cores')} cores; RAM {m.get('ram_gb')} GB",
        f"- OS: {m.get('os')}",
        f"- Python {m.get('python')}; {m.get('chromium')}",
        "- " + ", ".join(f"{k} {v}" for k, v in pk.items()),
        f"- Sample classification via: {(r.get('setup') or {}).get('classification', '?')}",
        f"- Load average (1/5/15 min) at start {' '.join(m.get('loadavg_start', []))}, at end "
        f"{' '.join(m.get('loadavg_end', []))}",
        "",
    ]
    text = "\n".join(head) + "\n" + "\n".join(render_section(r, s) for s in SECTIONS)
    if tree.get("dirty"):
        text = mark_tables(text, "tree", DIRTY)
    if r.get("quick"):
        text = mark_tables(text, "run", QUICK)
    return text


def write(r: dict, path: Path = BENCH / "RESULTS.md") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(r), encoding="utf-8")
    return path
