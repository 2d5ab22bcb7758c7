"""Growth (issue 29): the figures with 1, 12 and 60 monthly versions of every desa in the store.

    python -m bench growth [--versions 1,12,60] [--reps 5] [--backends sqlite,postgresql]

A generator publishes month after month of the whole province's desa table (2,130 rows each; about 128,000
rows at 60) through the store's normal door (``Store.publish``: read, join, one transaction a version), on
SQLite and, when the project's test cluster is reachable (as bench/version_check.py finds it), on PostgreSQL.
Each month's table is the sample desa table with its period set to that month and its active participants
moved a little (deterministically), so every version is new data. At each count the bench measures, on a fresh
``streamlit run app.py`` on that store (its render-ahead finished first):

- *new session*: bench/load.py's websocket client on ``/desa?kab=61.04`` (page GET → script finished), one at a
  time;
- *re-run*: AppTest on the desa page (Ketapang), the target changed (a new value each run);
- *API*: ``/api/v1/desa.geojson`` (gzip): the first request after start (built), then cached;
- *first visit*: Chromium, new context, unthrottled, ``/desa?kab=61.04`` to its polygons drawn;
- *store size* (the SQLite file, ``pg_database_size``) and *one more month*: the time of the publish that
  brought the store to that count.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from . import common
from .report import NOT_MEASURED

VERSIONS = (1, 12, 60)
REPS = 5
SESSION_PATH = "/desa?kab=61.04"
API_PATH = "/api/v1/desa.geojson"
FIRST_YEAR = 2021
FIGURES = (
    ("publish_s", "one more month: publish the N-th version (2,130 rows)"),
    ("store_mb", "store size"),
    ("session_s", f"new session of `{SESSION_PATH}` (page GET → script finished)"),
    ("rerun_s", "re-run: target changed, desa page Ketapang (AppTest)"),
    ("api_first_s", f"API `{API_PATH}`, first request after start (built)"),
    ("api_s", f"API `{API_PATH}`, cached"),
    ("first_visit_s", f"first visit in Chromium (unthrottled), `{SESSION_PATH}` to polygons"),
    ("rerun_pace_s", "re-run: target changed, desa page Ketapang in `?color=pace` (AppTest)"),
    ("pace_first_s", "pace of every desa, first time (the series of every month read, geo.pace.by_area)"),
    ("pace_s", "pace of every desa alone (geo.pace.by_area on the series)"),
    ("pack_s", "briefing pack: province + 14 kabupaten/kota pages (geo.sheets.pack_pdf)"),
)
SCHEDULE = (  # an illustrative schedule to 2029, published before the months, so the pace has targets to meet
    "periode,kode,target_persen,keterangan\n"
    + "".join(f"{y},61,{40 + 5 * (y - FIRST_YEAR)},bench\n" for y in range(FIRST_YEAR, 2030))
)
GOALS = tuple((f"{label}, at {n} versions", "— (how it grows)") for n in VERSIONS for _k, label in FIGURES)


def month(i: int) -> str:
    """The i-th month's period key (0 → January of FIRST_YEAR), as geo.period writes it."""
    return f"{FIRST_YEAR + i // 12}-{i % 12 + 1:02d}"


def month_table(base, i: int) -> bytes:  # noqa: ANN001 - a pandas frame
    """The sample desa table as the i-th month: its period, and active participants moved by a small
    deterministic step (never above the workforce), so every month is a new table."""
    frame = base.copy()
    frame["periode"] = month(i)
    step = ((frame.index.to_series() * 7 + i * 13) % 11 - 5).astype(int)
    frame["peserta_aktif"] = (frame["peserta_aktif"] + step).clip(lower=0, upper=frame["tenaga_kerja"])
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def generate(store, start: int, stop: int, log=print) -> list[float]:  # noqa: ANN001 - a geo.store Store
    """Publish months ``start`` … ``stop - 1`` through ``Store.publish``; the seconds of each publish."""
    import pandas as pd

    from geo.sample import LATEST, ensure_samples

    base = pd.read_csv(ensure_samples()["desa"], dtype={"kode": str, "periode": str})
    base = base[base["periode"] == LATEST].reset_index(drop=True)  # one month of the sample's history: 2,130 rows
    times = []
    for i in range(start, stop):
        content = month_table(base, i)
        t0 = time.perf_counter()
        result = store.publish(content, f"desa-{month(i)}.csv", "desa", "bench-growth", accept_partial=True)
        times.append(time.perf_counter() - t0)
        if not result.created:
            raise RuntimeError(f"month {month(i)} was already published")
    if times:
        log(f"      published {stop - start} month(s) in {sum(times):.1f} s (last {times[-1]:.2f} s)")
    return times


def store_mb(url: str) -> float:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        return round(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6, 2)
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url).set(drivername="postgresql")
    with psycopg.connect(u.render_as_string(hide_password=False)) as conn:
        return round(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6, 2)


def _get_s(url: str) -> float:
    import urllib.request

    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as r:
        r.read()
    return time.perf_counter() - t0


def _reruns(db_url: str, reps: int, color: str | None = None) -> list[float]:
    """AppTest re-runs of the desa page (Ketapang) on this store, the target changed each time (in the colour
    mode ``color``, else the page's default)."""
    from streamlit.testing.v1 import AppTest

    old = os.environ.get("KALBAR_DATABASE_URL")
    os.environ["KALBAR_DATABASE_URL"] = db_url
    try:
        at = AppTest.from_file(str(common.ROOT / "shell.py"), default_timeout=300)
        at.run()
        at.switch_page("screens/desa.py")
        at.query_params = {"basemap": "none", "kab": "61.04"} | ({"color": color} if color else {})
        at.run()
        if at.exception:
            raise RuntimeError(str(at.exception[0].value)[:300])
        out = []
        for i in range(reps):
            at.number_input(key="w_target").set_value(45 + i)
            t0 = time.perf_counter()
            at.run()
            out.append(time.perf_counter() - t0)
            if at.exception:
                raise RuntimeError(str(at.exception[0].value)[:300])
        return out
    finally:
        if old is None:
            os.environ.pop("KALBAR_DATABASE_URL", None)
        else:
            os.environ["KALBAR_DATABASE_URL"] = old


def _monev(db_url: str, reps: int) -> dict:
    """In this process, on this store: the pace of every desa (first: the series of every month read and summed;
    then the pace alone) and the briefing pack."""
    from geo import pace, sheets
    from geo.cli.common import commitments_in_force
    from geo.view import budgets, connection, inforce

    old = os.environ.get("KALBAR_DATABASE_URL")
    os.environ["KALBAR_DATABASE_URL"] = db_url
    try:
        connection.refresh()
        d = inforce.data_in_force()
        t0 = time.perf_counter()
        frames = inforce.series(d, "desa")
        pace.by_area(frames, d.schedule)
        out: dict = {"pace_first_s": [time.perf_counter() - t0], "pace_s": [], "pack_s": []}
        for _ in range(reps):
            t0 = time.perf_counter()
            pace.by_area(frames, d.schedule)
            out["pace_s"].append(time.perf_counter() - t0)
        for _ in range(min(reps, 2)):
            t0 = time.perf_counter()
            sheets.pack_pdf(budgets.inputs(d, commitments_in_force()))
            out["pack_s"].append(time.perf_counter() - t0)
        return out
    finally:
        if old is None:
            os.environ.pop("KALBAR_DATABASE_URL", None)
        else:
            os.environ["KALBAR_DATABASE_URL"] = old
        connection.refresh()


def _first_visits(base: str, reps: int) -> list[float | None]:
    from playwright.sync_api import sync_playwright

    from . import browser

    expected = browser.expected_counts()["desa_ketapang"]
    out = []
    with sync_playwright() as pw:
        chromium = browser.launch(pw)
        try:
            for _ in range(reps):
                ctx = chromium.new_context(viewport=browser.VIEWPORT)
                try:
                    r = browser.load(ctx, base + SESSION_PATH + "&basemap=none", expected, throttle=None)
                finally:
                    ctx.close()
                out.append(r["ms"] / 1000 if r["ok"] else None)
        finally:
            chromium.close()
    return out


def measure_at(db_url: str, reps: int, log=print) -> dict:
    """The figures of one store as it is now, on a fresh app process."""
    import psutil

    from tests.support.server import Server

    from .api import _settle
    from .load import loadavg, run_burst

    row: dict = {"load_before": loadavg()}
    with Server("bench_growth", env={"KALBAR_DATABASE_URL": db_url, "KALBAR_API_RATE": "0"}) as srv:
        row["api_first_s"] = [_get_s(srv.url + API_PATH)]
        _settle(psutil.Process(srv.proc.pid))
        run_burst(srv.url + SESSION_PATH, 1)  # the page's own caches, as serve's warm-up does
        row["session_s"] = [run_burst(srv.url + SESSION_PATH, 1)["p50_s"] for _ in range(reps)]
        row["api_s"] = [_get_s(srv.url + API_PATH) for _ in range(reps)]
        from .browser import unavailable

        if unavailable() is None:
            row["first_visit_s"] = _first_visits(srv.url, reps)
    row["rerun_s"] = _reruns(db_url, reps)
    row["rerun_pace_s"] = _reruns(db_url, reps, "pace")
    row |= _monev(db_url, reps)
    row["load_after"] = loadavg()
    for key in ("session_s", "rerun_s", "rerun_pace_s", "api_s", "first_visit_s", "pace_s", "pack_s"):
        if row.get(key):
            log(f"      {key}: median {_median(row[key])}")
    return row


def _median(values: list | None) -> float | None:
    if not values or any(v is None for v in values):
        return None
    return round(statistics.median(values), 4)


def backend(name: str, url: str, versions: tuple[int, ...], reps: int, log=print) -> dict:
    """Grow one store to each count in ``versions``, measuring at each."""
    from geo.store import open_store

    out: dict = {"counts": {}, "publish_all_s": []}
    store = open_store(url)
    try:
        store.publish_targets(SCHEDULE.encode(), "target-bench.csv", "bench-growth")
        have = 0
        for n in sorted(versions):
            log(f"   {name}: growing to {n} version(s) …")
            times = generate(store, have, n, log)
            out["publish_all_s"] += times
            have = n
            row = {"publish_s": [times[-1]] if times else [], "store_mb": [store_mb(url)], "rows": n * 2130}
            try:
                row |= measure_at(url, reps, log)
            except Exception as exc:  # noqa: BLE001 - the other counts still get measured
                row["error"] = f"{type(exc).__name__}: {exc}"[:300]
                log(f"   !! {name} at {n}: {row['error']}")
            out["counts"][str(n)] = row
    finally:
        store.dispose()
    out["generate_s"] = round(sum(out["publish_all_s"]), 1)
    return out


def measure(versions: tuple[int, ...] = VERSIONS, reps: int = REPS, backends=("sqlite", "postgresql"), log=print):
    from . import machine
    from .version_check import _drop, _postgres

    m = machine.info()
    out: dict = {"date": m["date"], "commit": m["commit"], "versions": list(versions), "reps": reps, "backends": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in backends:
            t0 = time.perf_counter()
            if name == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'bench_growth.sqlite'}"
            else:
                url, why = _postgres()
                if not url:
                    out["backends"][name] = {"skipped": why}
                    continue
            try:
                out["backends"][name] = backend(name, url, versions, reps, log)
            except Exception as exc:  # noqa: BLE001 - one backend failing must not lose the other
                out["backends"][name] = {"skipped": f"error: {type(exc).__name__}: {exc}"[:300]}
                log(f"   !! {name}: {exc}")
            finally:
                if name == "postgresql":
                    _drop(url)
            out["backends"][name]["wall_s"] = round(time.perf_counter() - t0, 1)
    return out


def _fmt(key: str, values: list | None) -> str:
    med = _median(values)
    if med is None:
        return "—"
    return f"{med:.2f} MB" if key == "store_mb" else f"{med:.3f} s"


def section(g: dict) -> str:
    lines = [
        "## Growth: 1, 12 and 60 monthly versions of every desa (issue 29)",
        "",
        f"Measured {g.get('date')} at commit `{g.get('commit')}`; median of {g.get('reps')} per figure (the runs in "
        "each cell's brackets). A generator publishes each month's table of all 2,130 desa through `Store.publish`.",
        "",
        "| backend | figure | " + " | ".join(f"{n} version(s)" for n in g.get("versions", VERSIONS)) + " | growth |",
        "|---|---|" + "---|" * len(g.get("versions", VERSIONS)) + "---|",
    ]
    for name, b in (g.get("backends") or {}).items():
        if "skipped" in b:
            lines.append(f"| {name} | every figure | {NOT_MEASURED}: {b['skipped']} |" + " |" * len(g["versions"]))
            continue
        for key, label in FIGURES:
            cells, meds = [], []
            for n in g["versions"]:
                row = b["counts"].get(str(n)) or {}
                if row.get(key) is None:
                    cells.append(f"{NOT_MEASURED}" + (f": {row['error']}" if row.get("error") else ""))
                    meds.append(None)
                    continue
                runs = ", ".join("—" if v is None else f"{v:.3f}" for v in row[key])
                cells.append(f"{_fmt(key, row[key])} ({runs})" if len(row[key]) > 1 else _fmt(key, row[key]))
                meds.append(_median(row[key]))
            lines.append(f"| {name} | {label} | " + " | ".join(cells) + f" | {_growth(meds, g['versions'])} |")
        lines.append(
            f"| {name} | generator: all {max(g['versions'])} months published | {b.get('generate_s')} s in all "
            f"({b.get('wall_s')} s with the measurements) |" + " |" * (len(g["versions"]) - 1) + " info |"
        )
    lines += [
        "",
        "*Growth*: the last count's median over the first's (×), and what that says: *flat* (≤ 1.5×), *grows* "
        "(more), measured, not assumed. Why a figure grows is in the closing note of the run; each new session "
        "and first visit reads only the period in force, while the store keeps every version's rows.",
        "",
    ]
    return "\n".join(lines)


def _growth(meds: list, versions) -> str:
    if len(meds) < 2 or meds[0] in (None, 0) or meds[-1] is None:
        return "—"
    ratio = meds[-1] / meds[0]
    return f"{ratio:.1f}× from {versions[0]} to {versions[-1]}: {'flat' if ratio <= 1.5 else 'grows'}"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench growth")
    ap.add_argument("--versions", default=",".join(map(str, VERSIONS)))
    ap.add_argument("--reps", type=int, default=REPS)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args(argv)
    common.setup_env()
    import warnings

    warnings.filterwarnings("ignore")
    import streamlit.logger

    streamlit.logger.set_log_level("error")
    common.ensure_ready()
    versions = tuple(int(v) for v in args.versions.split(",") if v.strip())
    g = measure(versions, args.reps, tuple(b.strip() for b in args.backends.split(",") if b.strip()))
    (common.OUT / "growth.json").write_text(json.dumps(g, indent=1, default=str), encoding="utf-8")
    print(section(g))
    print("(bench/out/growth.json; bench/RESULTS.md is written only by a whole `python run.py bench`)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
