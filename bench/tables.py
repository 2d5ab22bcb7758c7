"""What the tables' cell text (ui/blocks.table: a pandas Styler) costs a new session, in one run.

    python -m bench.tables [--reps 7]
    python -m bench.tables --serve [--sessions 20 --rounds 3]

Three ways to draw the map pages' tables, switched in-process (AppTest runs the page in this process):

* ``before``: Streamlit's column formats (NumberColumn printf / "localized"), as at 87a7e8e: no cell text
  from Python, a decimal point in an English browser and "None" for no data;
* ``styler_each``: the Styler built in every session (``ui.blocks.table(shared=False)``);
* ``this_code``: the Styler drawn once per process and content and replayed (``ui.blocks.show_table``).

Per page (the province desa view, /desa?level=desa, 2,131 rows; Ketapang's 262 desa), each variant gets
one warm-up session, then ``reps`` new sessions, interleaved: the seconds spent inside the page's table
calls (the added cost itself), the page's whole script run (context, noisier), the tables' element bytes
and those bytes deflated as the websocket's permessage-deflate does (window 2^12, zlib's default level)
with the time that takes. Each variant also gets views no session has seen (a new target each time): the Styler is
built then, and a re-run after a filter change pays it too. Writes bench/out/tables.json.

``--serve``: the same page through ``run.py serve``'s stack (nginx, 2 app processes; deploy.stack), the code
at ``BEFORE`` (git archive, as bench/hosting.py) against this tree, each warmed on the page and by one burst
of 5 not counted; then ``rounds`` bursts of ``sessions`` simultaneous new sessions (bench/load.py: page GET →
script finished), alternating: p50/p95 and the server CPU per session (app processes + nginx, psutil).
Writes bench/out/tables_serve.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import zlib
from contextlib import contextmanager

from .common import KETAPANG, OUT, ROOT, setup_env

BEFORE = "87a7e8e"  # the commit before the tables' cell text
SERVE_PAGE = "/desa"  # the default desa view: the whole province, 2,130 desa
PAGES = {"desa_province": {"level": "desa"}, "desa_ketapang": {"level": "desa", "kab": KETAPANG}}
VARIANTS = ("before", "styler_each", "this_code")


def _before(shown, lang: str) -> None:
    """The tables as drawn before this change (ui/blocks.column_formats at 87a7e8e)."""
    import streamlit as st

    from geo.text import t
    from ui.blocks import COUNT_COLUMNS, PERCENT_COLUMNS

    counts = "%'.,d" if lang == "id" else "%,d"
    config = {t(k, lang): st.column_config.NumberColumn(format=counts) for k in COUNT_COLUMNS}
    config |= {
        t(k, lang): st.column_config.NumberColumn(format="localized" if lang == "id" else "%.2f")
        for k in PERCENT_COLUMNS
    }
    st.dataframe(shown, hide_index=True, column_config={k: v for k, v in config.items() if k in shown.columns})


@contextmanager
def variant(name: str, spent: list[float]):
    """ui.blocks.show_table drawn the ``name`` way, the seconds of each call appended to ``spent``."""
    from ui import blocks

    original = blocks.show_table
    draw = {
        "before": _before,
        "styler_each": lambda shown, lang: blocks.table(shown, lang),
        "this_code": original,
    }[name]

    def timed(shown, lang: str, key: str | None = None) -> None:
        t0 = time.perf_counter()
        draw(shown, lang, key) if name == "this_code" else draw(shown, lang)
        spent.append(time.perf_counter() - t0)

    blocks.show_table = timed
    try:
        yield
    finally:
        blocks.show_table = original


def new_session(query: dict[str, str]) -> tuple[float, object]:
    """A new AppTest session on the desa page with ``query``: (seconds of the desa page's run, the AppTest)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "shell.py"), default_timeout=180)
    at.run()  # the default page, as st.navigation needs first
    at.switch_page("screens/desa.py")
    at.query_params = {"basemap": "none", **query}
    t0 = time.perf_counter()
    at.run()
    took = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(str(at.exception[0].value)[:500])
    return took, at


def table_bytes(at) -> dict:
    """The page's tables as elements (Arrow data + cell text), and deflated as the websocket sends them."""
    raw = b"".join(d.proto.SerializeToString() for d in at.dataframe)
    times = []
    for _ in range(7):
        comp = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -12, 5)
        t0 = time.perf_counter()
        deflated = comp.compress(raw) + comp.flush(zlib.Z_SYNC_FLUSH)
        times.append(time.perf_counter() - t0)
    return {
        "bytes": len(raw),
        "deflated_bytes": len(deflated),
        "deflate_s": statistics.median(times),
        "rows": [len(d.value) for d in at.dataframe],
    }


def measure_page(query: dict[str, str], reps: int) -> dict:
    out: dict = {}
    spent: dict[str, list[float]] = {v: [] for v in VARIANTS}
    runs: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for name in VARIANTS:  # warm-up: process caches, and this code's replayed element
        with variant(name, []):
            new_session(query)
    sizes = {}
    for _ in range(reps):
        for name in VARIANTS:
            calls: list[float] = []
            with variant(name, calls):
                took, at = new_session(query)
            spent[name].append(sum(calls))
            runs[name].append(took)
            sizes[name] = table_bytes(at)
    for name in VARIANTS:
        out[name] = {
            "tables_s_median": statistics.median(spent[name]),
            "tables_s": spent[name],
            "page_run_s_median": statistics.median(runs[name]),
            "page_run_s": runs[name],
            **sizes[name],
        }
    for k, name in enumerate(VARIANTS):  # a view no session has seen (a new target): every cache misses
        calls_each: list[float] = []
        page_runs: list[float] = []
        for i in range(min(reps, 5)):
            calls = []
            with variant(name, calls):
                took, _at = new_session({**query, "target": f"{41 + k}.{i + 1}"})
            calls_each.append(sum(calls))
            page_runs.append(took)
        out[name]["new_view_tables_s_median"] = statistics.median(calls_each)
        out[name]["new_view_tables_s"] = calls_each
        out[name]["new_view_page_run_s_median"] = statistics.median(page_runs)
    for name in ("styler_each", "this_code"):
        out[name]["added_tables_s_per_session"] = out[name]["tables_s_median"] - out["before"]["tables_s_median"]
    return out


def serve_cost(sessions: int = 20, rounds: int = 3, log=print) -> dict:
    from deploy.stack import Stack

    from . import load
    from .hosting import _stack_env, baseline_tree

    roots = {"before": baseline_tree(BEFORE), "this_code": ROOT}
    stacks = {}
    out: dict = {"page": SERVE_PAGE, "before_commit": BEFORE, "sessions": sessions, "rounds": {}}
    try:
        for who, root in roots.items():
            stacks[who] = Stack(
                replicas=2, app_root=root, name=f"bench_tables_{who}", env=_stack_env(), log=lambda m: None
            )
            stacks[who].start(warm_path=SERVE_PAGE)
            load.run_burst(stacks[who].url + SERVE_PAGE, 5, stacks[who].pids)  # not counted
        for i in range(rounds):
            for who, stack in stacks.items():
                time.sleep(3)
                r = load.run_burst(stack.url + SERVE_PAGE, sessions, stack.pids)
                out["rounds"].setdefault(who, []).append(r)
                log(
                    f"   {who:9s} round {i + 1}: p50 {r['p50_s'] or 0:.2f} s, p95 {r['p95_s'] or 0:.2f} s, errors "
                    f"{r['errors']}, server CPU {r['server_cpu_per_session_s']} s/session, load {r['load_before']}"
                )
    finally:
        for stack in stacks.values():
            stack.stop()
    for who, rs in out["rounds"].items():
        out[who] = {
            "p95_s_median": statistics.median(r["p95_s"] or 0 for r in rs),
            "cpu_per_session_s_median": statistics.median(r["server_cpu_per_session_s"] or 0 for r in rs),
            "errors": sum(r["errors"] for r in rs),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.tables")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--serve", action="store_true", help="new sessions through the serve stack, before vs now")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    setup_env()
    import warnings

    warnings.filterwarnings("ignore")
    if args.serve:
        r = serve_cost(args.sessions, args.rounds)
        (OUT / "tables_serve.json").write_text(json.dumps(r, indent=2), encoding="utf-8")
        for who in ("before", "this_code"):
            print(
                f"{who:9s} {args.sessions} sessions on {SERVE_PAGE}: p95 {r[who]['p95_s_median']:.2f} s (median of "
                f"{args.rounds}), server CPU {r[who]['cpu_per_session_s_median'] * 1000:.0f} ms/session, "
                f"errors {r[who]['errors']}"
            )
        return 0
    results = {name: measure_page(q, args.reps) for name, q in PAGES.items()}
    (OUT / "tables.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    for page, row in results.items():
        for name in VARIANTS:
            r = row[name]
            extra = (
                f", new view {r['new_view_tables_s_median'] * 1000:.0f} ms"
                f" (page run {r['new_view_page_run_s_median']:.3f} s)"
            )
            print(
                f"{page:14s} {name:12s} tables {r['tables_s_median'] * 1000:6.1f} ms/session{extra}; "
                f"page run {r['page_run_s_median']:.3f} s; table bytes {r['bytes'] / 1e3:.0f} KB "
                f"(deflated {r['deflated_bytes'] / 1e3:.0f} KB in {r['deflate_s'] * 1000:.1f} ms)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
