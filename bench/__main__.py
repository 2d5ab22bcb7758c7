"""python -m bench [--reps N] [--rerun-reps N] [--quick] [--skip browser,rerun,fidelity,payload]

Runs every step, keeps going when one fails (its error goes into the results), writes
bench/out/results.json after each step, then prints the table and regenerates bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
import warnings

from . import common


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3, help="throttled repeat-visit loads per app and page (median)")
    ap.add_argument("--rerun-reps", type=int, default=5, help="AppTest re-runs per filter (median)")
    ap.add_argument("--quick", action="store_true", help="1 browser repeat, 3 re-runs: a smoke run")
    ap.add_argument("--skip", default="", help="comma list of steps to skip: payload,fidelity,rerun,browser,version_check")
    ap.add_argument("--no-write", action="store_true", help="do not regenerate bench/RESULTS.md")
    args = ap.parse_args(argv)
    if args.quick:
        args.reps, args.rerun_reps = 1, 3
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    common.setup_env()
    warnings.filterwarnings("ignore")
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # AppTest re-runs would print deprecation notices by the hundred
    from . import machine, report

    results: dict = {"machine": machine.info(), "command": report.COMMAND, "args": vars(args), "errors": {}, "seconds": {}}
    out_json = common.OUT / "results.json"

    def save() -> None:
        out_json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")

    def step(name: str, fn) -> None:
        if name in skip:
            results[name] = {"skipped": "--skip"}
            return
        print(f"==> {name}", flush=True)
        t0 = time.perf_counter()
        try:
            results[name] = fn()
        except Exception as exc:
            results["errors"][name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-3000:]}"
            results[name] = {"skipped": f"error: {type(exc).__name__}: {exc}"}
            print(f"   !! {name} failed: {type(exc).__name__}: {exc}", flush=True)
        results["seconds"][name] = round(time.perf_counter() - t0, 1)
        save()

    t_all = time.perf_counter()
    step("setup", lambda: (common.ensure_ready(), {"classification": common.classified("desa")[1]})[1])
    from . import browser, fidelity, payload, rerun

    step("payload", payload.measure)
    step("fidelity", fidelity.run)
    step("rerun", lambda: rerun.measure(reps=args.rerun_reps, naive_province_reps=min(3, args.rerun_reps)))
    step("browser", lambda: browser.run(reps=args.reps))
    from . import version_check

    step("version_check", version_check.measure)
    results["seconds"]["total"] = round(time.perf_counter() - t_all, 1)
    results["machine"]["loadavg_end"] = machine.loadavg()
    save()

    print()
    print(report.table(results))
    print()
    print("\n".join(report.verdicts(results)))
    for name, err in results["errors"].items():
        print(f"\n!! {name}:\n{err}")
    if not args.no_write:
        from .results_md import write

        path = write(results)
        print(f"\nwrote {path.relative_to(common.ROOT)} and {out_json.relative_to(common.ROOT)} ({results['seconds']['total']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
