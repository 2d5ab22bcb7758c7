"""python -m bench [--quick] [--allow-dirty] [--skip STEP,…] [--out PATH]   (python run.py bench runs this)
   python -m bench load [--quick] [--no-soak] ...   only the briefing-room load bench (prints; bench/out/hosting.json)
                    [--configs ours_2,baseline_2] [--sizes 20,50] [--baseline COMMIT]
   python -m bench proxy [--reps N]                 only first visits through nginx (prints)
   python -m bench phone [--reps N] [--configs …]   only the phone first visits (prints; bench/out/phone.json)
   python -m bench api [--seconds S] [--clients N]  only the open-data API under load (prints)
   python -m bench growth [--versions 1,12,60]      only the growth rows (prints; bench/out/growth.json)

The whole run measures every step, keeps going when one fails (its error goes into the results), writes
bench/out/results.json after each step, and at the end writes ALL of bench/RESULTS.md from this run alone:
every section, each with its commit, machine, load and runs; a figure it could not measure is listed as not
measured, with its goal and why. The parts above only print: RESULTS.md is never a patchwork of runs.

A dirty git tree is refused (the figures would belong to no commit); ``--allow-dirty`` measures anyway and marks
every row "dirty tree". ``--quick`` (fewer runs, smaller loads) marks every row as a quick run. Both write to
bench/out/RESULTS.dev.md unless ``--out`` says otherwise: only a full run at a clean commit writes
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
import warnings
from pathlib import Path

from . import common

STEPS = (
    "setup",
    "payload",
    "fidelity",
    "rerun",
    "browser",
    "version_check",
    "load",
    "proxy",
    "phone",
    "api",
    "growth",
)


def _stop_on_term() -> None:
    import signal

    def stop(*_):  # `kill`: leave through the `finally` blocks, which stop the servers
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def hosting_only(argv: list[str]) -> int:
    """`python -m bench load|proxy`: run that part and print its section (bench/out/hosting.json)."""
    ap = argparse.ArgumentParser(prog=f"python -m bench {argv[0]}")
    ap.add_argument("--quick", action="store_true", help="load: bursts of 5 and 10, soak of 100 over 30 s")
    ap.add_argument("--no-soak", action="store_true")
    ap.add_argument("--soak-sessions", type=int, default=1000)
    ap.add_argument("--soak-seconds", type=float, default=600.0)
    ap.add_argument("--baseline", default=None, help="commit measured as 'before' (default: hosting.BASELINE_COMMIT)")
    ap.add_argument("--reps", type=int, default=3, help="proxy: first visits per page and app (median)")
    ap.add_argument("--configs", default=None, help="load: comma list of baseline_1, ours_1, baseline_2, ours_2")
    ap.add_argument("--sizes", default=None, help="load: comma list of burst sizes (default 20,50)")
    args = ap.parse_args(argv[1:])
    _stop_on_term()
    common.setup_env()
    warnings.filterwarnings("ignore")
    common.ensure_ready()
    from . import hosting, machine

    m = machine.info()
    h: dict = {"date": m["date"], "commit": m["commit"]}
    if argv[0] == "load":
        picked = {}
        if args.configs:
            picked["configs"] = tuple(c.strip() for c in args.configs.split(",") if c.strip())
            unknown = set(picked["configs"]) - set(hosting.CONFIGS)
            if unknown:
                ap.error(f"unknown configs: {', '.join(sorted(unknown))}")
        if args.sizes:
            picked["sizes"] = tuple(int(n) for n in args.sizes.split(","))
        h["load"] = hosting.measure_load(
            **picked,
            quick=args.quick,
            soak=not args.no_soak,
            soak_sessions=args.soak_sessions,
            soak_seconds=args.soak_seconds,
            baseline=args.baseline or hosting.BASELINE_COMMIT,
        )
    else:
        h["proxy"] = hosting.measure_proxy(reps=args.reps)
    (common.OUT / "hosting.json").write_text(json.dumps(h, indent=1, default=str), encoding="utf-8")
    print()
    print(hosting.section(h))
    print("(bench/out/hosting.json; bench/RESULTS.md is written only by a whole `python run.py bench`)")
    return 0


def phone_only(argv: list[str]) -> int:
    """`python -m bench phone`: the phone first visits only, printed (bench/out/phone.json)."""
    from . import phone

    ap = argparse.ArgumentParser(prog="python -m bench phone")
    ap.add_argument("--reps", type=int, default=phone.REPS, help="first visits per view and set-up (median)")
    ap.add_argument("--configs", default=",".join(phone.CONFIGS), help="comma list of: " + ", ".join(phone.CONFIGS))
    ap.add_argument("--views", default=",".join(phone.VIEWS), help="comma list of: " + ", ".join(phone.VIEWS))
    ap.add_argument("--profiles", default=",".join(phone.PROFILES), help="comma list of: " + ", ".join(phone.PROFILES))
    args = ap.parse_args(argv[1:])
    picked = {}
    for name, known in (("configs", phone.CONFIGS), ("views", phone.VIEWS), ("profiles", phone.PROFILES)):
        picked[name] = tuple(c.strip() for c in getattr(args, name).split(",") if c.strip())
        unknown = set(picked[name]) - set(known)
        if unknown:
            ap.error(f"unknown {name}: {', '.join(sorted(unknown))}")
    _stop_on_term()
    common.setup_env()
    warnings.filterwarnings("ignore")
    common.ensure_ready()
    from . import machine

    m = machine.info()
    p = phone.measure(reps=args.reps, **picked)
    p.update(date=m["date"], commit=m["commit"], chromium=m.get("chromium", ""))
    (common.OUT / "phone.json").write_text(json.dumps(p, indent=1, default=str), encoding="utf-8")
    print()
    print(phone.section(p))
    print("(bench/out/phone.json; bench/RESULTS.md is written only by a whole `python run.py bench`)")
    return 0


def refuse_dirty(tree: dict, allow_dirty: bool) -> str | None:
    """Why the run must not start (a dirty tree without --allow-dirty), else None."""
    if not tree.get("dirty") or allow_dirty:
        return None
    changed = ", ".join(tree.get("changed", [])[:10]) or tree.get("why", "?")
    return (
        f"the work tree differs from commit {tree.get('commit') or '?'} ({changed}): figures measured on it would "
        "belong to no commit. Commit (or stash) first, or pass --allow-dirty for a development run (every row is "
        "then marked 'dirty tree')."
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("load", "proxy"):
        return hosting_only(argv)
    if argv and argv[0] == "phone":
        return phone_only(argv)
    if argv and argv[0] == "api":
        from .api import main as api_main

        return api_main(argv[1:])
    if argv and argv[0] == "growth":
        from .growth import main as growth_main

        return growth_main(argv[1:])
    ap = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--reps", type=int, default=3, help="throttled repeat-visit loads per app and page (median)")
    ap.add_argument("--rerun-reps", type=int, default=5, help="AppTest re-runs per filter (median)")
    ap.add_argument("--phone-reps", type=int, default=5, help="phone first visits per view and set-up (median)")
    ap.add_argument("--growth-reps", type=int, default=5, help="growth: runs per figure (median)")
    ap.add_argument("--quick", action="store_true", help="a development run: fewer runs, smaller loads, marked so")
    ap.add_argument("--allow-dirty", action="store_true", help="measure a dirty tree (every row marked 'dirty tree')")
    ap.add_argument("--skip", default="", help="comma list of steps to skip: " + ",".join(STEPS))
    ap.add_argument("--out", default=None, help="where to write (default: bench/RESULTS.md; quick/dirty: bench/out/)")
    ap.add_argument("--no-write", action="store_true", help="write no Markdown (bench/out/results.json only)")
    args = ap.parse_args(argv)
    if args.quick:
        args.reps, args.rerun_reps, args.phone_reps, args.growth_reps = 1, 3, 1, 1
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(STEPS)
    if unknown:
        ap.error(f"unknown step(s): {', '.join(sorted(unknown))}")

    from . import machine

    tree = machine.tree_state()
    why = refuse_dirty(tree, args.allow_dirty)
    if why:
        print(f"!! bench refused: {why}", file=sys.stderr)
        return 2
    out_md = Path(args.out) if args.out else None
    if out_md is None:
        dev = args.quick or tree.get("dirty") or skip
        out_md = common.OUT / "RESULTS.dev.md" if dev else common.BENCH / "RESULTS.md"

    _stop_on_term()
    common.setup_env()
    warnings.filterwarnings("ignore")
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # AppTest re-runs would print deprecation notices by the hundred
    from . import report
    from .results_md import write

    results: dict = {
        "machine": machine.info(),
        "tree": tree,
        "quick": args.quick,
        "command": report.COMMAND,
        "args": vars(args),
        "errors": {},
        "seconds": {},
        "steps": {},
    }
    out_json = common.OUT / "results.json"

    def save() -> None:
        out_json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")

    def step(name: str, fn) -> None:
        if name in skip:
            results[name] = {"skipped": "skipped with --skip"}
            return
        print(f"==> {name}", flush=True)
        t0 = time.perf_counter()
        load0 = machine.loadavg()
        try:
            results[name] = fn()
        except Exception as exc:
            results["errors"][name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-3000:]}"
            results[name] = {"skipped": f"error: {type(exc).__name__}: {exc}"}
            print(f"   !! {name} failed: {type(exc).__name__}: {exc}", flush=True)
        results["seconds"][name] = round(time.perf_counter() - t0, 1)
        results["steps"][name] = {"load_start": load0, "load_end": machine.loadavg()}
        save()

    def lazy(module: str, fn: str, **kw):
        def call():
            import importlib

            return getattr(importlib.import_module(f"bench.{module}"), fn)(**kw)

        return call

    t_all = time.perf_counter()
    step("setup", lambda: (common.ensure_ready(), {"classification": common.classified("desa")[1]})[1])
    step("payload", lazy("payload", "measure"))
    step("fidelity", lazy("fidelity", "run"))
    step("rerun", lazy("rerun", "measure", reps=args.rerun_reps, naive_province_reps=min(3, args.rerun_reps)))
    step("browser", lazy("browser", "run", reps=args.reps))
    step("version_check", lazy("version_check", "measure"))
    step("load", lazy("hosting", "measure_load", quick=args.quick, soak=not args.quick))
    step("proxy", lazy("hosting", "measure_proxy", reps=1 if args.quick else 3))
    step("phone", lazy("phone", "measure", reps=args.phone_reps))
    step("api", lazy("api", "measure", seconds=5.0 if args.quick else 15.0))
    step("growth", lazy("growth", "measure", versions=(1, 12) if args.quick else (1, 12, 60), reps=args.growth_reps))
    if isinstance(results.get("phone"), dict):
        m = results["machine"]
        results["phone"].update(date=m["date"], commit=m["commit"], chromium=m.get("chromium", ""))
    results["seconds"]["total"] = round(time.perf_counter() - t_all, 1)
    results["machine"]["loadavg_end"] = machine.loadavg()
    after = machine.tree_state()
    if after.get("commit") != tree.get("commit"):  # the commit moved under the run: its figures belong to neither
        results["tree"] = {**tree, "dirty": True, "changed": [f"HEAD moved to {after.get('commit')} during the run"]}
    elif after.get("dirty") and not tree.get("dirty"):  # a file changed under the run
        results["tree"] = {**after, "changed": [f"changed during the run: {c}" for c in after.get("changed", [])]}
    save()

    print()
    print(report.table(results))
    print()
    print("\n".join(report.verdicts(results)))
    for name, err in results["errors"].items():
        print(f"\n!! {name}:\n{err}")
    if not args.no_write:
        path = write(results, out_md)
        shown = path.relative_to(common.ROOT) if path.is_relative_to(common.ROOT) else path
        print(f"\nwrote {shown} and {out_json.relative_to(common.ROOT)} ({results['seconds']['total']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
