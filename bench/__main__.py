"""python -m bench [--reps N] [--rerun-reps N] [--quick] [--skip browser,rerun,fidelity,payload,load,proxy,phone]
   python -m bench load [--quick] [--no-soak] ...   only the briefing-room load bench (bench/hosting.py)
   python -m bench proxy [--reps N]                 only first visits through nginx
   python -m bench phone [--reps N] [--configs …]   only the phone first visits over Slow 4G (bench/phone.py)
   python -m bench api [--seconds S] [--clients N]  only the open-data API under load (bench/api.py)

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


def hosting_only(argv: list[str]) -> int:
    """`python -m bench load|proxy`: run that part, keep the other one's last figures, rewrite its RESULTS.md
    section."""
    ap = argparse.ArgumentParser(prog=f"python -m bench {argv[0]}")
    ap.add_argument("--quick", action="store_true", help="load: bursts of 5 and 10, soak of 100 over 30 s")
    ap.add_argument("--no-soak", action="store_true")
    ap.add_argument("--soak-sessions", type=int, default=1000)
    ap.add_argument("--soak-seconds", type=float, default=600.0)
    ap.add_argument("--baseline", default=None, help="commit measured as 'before' (default: hosting.BASELINE_COMMIT)")
    ap.add_argument("--reps", type=int, default=3, help="proxy: first visits per page and app (median)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv[1:])
    import signal

    def stop(*_):  # `kill`: leave through the `finally` blocks, which stop the servers
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    common.setup_env()
    warnings.filterwarnings("ignore")
    common.ensure_ready()
    from . import hosting, machine
    from .results_md import update_hosting

    path = common.OUT / "hosting.json"
    h = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    m = machine.info()
    h.update(date=m["date"], commit=m["commit"])
    t0 = time.perf_counter()
    if argv[0] == "load":
        old_soak = ((h.get("load") or {}).get("configs") or {}).get("ours_2", {}).get("soak")
        h["load"] = hosting.measure_load(
            quick=args.quick,
            soak=not args.no_soak,
            soak_sessions=args.soak_sessions,
            soak_seconds=args.soak_seconds,
            baseline=args.baseline or hosting.BASELINE_COMMIT,
        )
        row = h["load"].get("configs", {}).get("ours_2")
        if args.no_soak and old_soak and row and "soak" not in row:  # keep the last soak (10 minutes) with its date
            row["soak"] = {**old_soak, "from_earlier_run": old_soak.get("measured") or "earlier run"}
    else:
        h["proxy"] = hosting.measure_proxy(reps=args.reps)
    path.write_text(json.dumps(h, indent=1, default=str), encoding="utf-8")
    print()
    print(hosting.section(h))
    if not args.no_write:
        print(
            f"wrote {update_hosting(h).relative_to(common.ROOT)} and "
            f"{path.relative_to(common.ROOT)} ({time.perf_counter() - t0:.0f} s)"
        )
    return 0


def phone_only(argv: list[str]) -> int:
    """`python -m bench phone`: the phone first visits only; rewrites RESULTS.md's phone section, keeps the rest."""
    from . import phone

    ap = argparse.ArgumentParser(prog="python -m bench phone")
    ap.add_argument("--reps", type=int, default=3, help="first visits per page and set-up (median)")
    ap.add_argument("--configs", default=",".join(phone.CONFIGS), help="comma list of: " + ", ".join(phone.CONFIGS))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv[1:])
    configs = tuple(c.strip() for c in args.configs.split(",") if c.strip())
    unknown = set(configs) - set(phone.CONFIGS)
    if unknown:
        ap.error(f"unknown set-up(s): {', '.join(sorted(unknown))}")
    import signal

    def stop(*_):  # `kill`: leave through the `finally` blocks, which stop the servers
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    common.setup_env()
    warnings.filterwarnings("ignore")
    common.ensure_ready()
    from . import machine
    from .results_md import update_phone

    m = machine.info()
    path = common.OUT / "phone.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    # set-ups not measured this time keep their last figures, marked with that run's date and commit
    earlier = f"{old.get('date')}, commit {old.get('commit')}"
    kept = {
        name: {**row, "from_earlier_run": row.get("from_earlier_run") or earlier}
        for name, row in (old.get("configs") or {}).items()
        if name not in configs and "skipped" not in row
    }
    t0 = time.perf_counter()

    def merged(p: dict) -> dict:
        return {**p, "configs": {**kept, **p.get("configs", {})}, "date": m["date"], "commit": m["commit"]}

    def save(p: dict) -> None:
        path.write_text(json.dumps(merged(p), indent=1, default=str))

    p = phone.measure(reps=args.reps, configs=configs, save=save)
    p.update(chromium=m.get("chromium", ""))
    p = merged(p)
    save(p)
    print()
    print(phone.section(p))
    if not args.no_write:
        print(
            f"wrote {update_phone(p).relative_to(common.ROOT)} and "
            f"{path.relative_to(common.ROOT)} ({time.perf_counter() - t0:.0f} s)"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("load", "proxy"):
        return hosting_only(argv)
    if argv and argv[0] == "phone":
        return phone_only(argv)
    if argv and argv[0] == "api":
        from .api import main as api_main

        return api_main(argv[1:])
    ap = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--reps", type=int, default=3, help="throttled repeat-visit loads per app and page (median)")
    ap.add_argument("--rerun-reps", type=int, default=5, help="AppTest re-runs per filter (median)")
    ap.add_argument("--quick", action="store_true", help="1 browser repeat, 3 re-runs: a smoke run")
    ap.add_argument(
        "--skip", default="", help="comma list of steps to skip: payload,fidelity,rerun,browser,version_check"
    )
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

    results: dict = {
        "machine": machine.info(),
        "command": report.COMMAND,
        "args": vars(args),
        "errors": {},
        "seconds": {},
    }
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
    from . import browser, fidelity, hosting, payload, rerun

    step("payload", payload.measure)
    step("fidelity", fidelity.run)
    step("rerun", lambda: rerun.measure(reps=args.rerun_reps, naive_province_reps=min(3, args.rerun_reps)))
    step("browser", lambda: browser.run(reps=args.reps))
    from . import version_check

    step("version_check", version_check.measure)
    step("load", lambda: hosting.measure_load(quick=args.quick, soak=not args.quick))
    step("proxy", lambda: hosting.measure_proxy(reps=1 if args.quick else 3))
    from . import phone

    step("phone", lambda: phone.measure(reps=1 if args.quick else 3))
    if isinstance(results.get("phone"), dict):
        results["phone"].update(
            date=results["machine"]["date"],
            commit=results["machine"]["commit"],
            chromium=results["machine"].get("chromium", ""),
        )
    results["seconds"]["total"] = round(time.perf_counter() - t_all, 1)
    results["machine"]["loadavg_end"] = machine.loadavg()
    save()

    print()
    print(report.table(results))
    print()
    print("\n".join(report.verdicts(results)))
    for name, err in results["errors"].items():
        print(f"\n!! {name}:\n{err}")
    # load/proxy figures also live in bench/out/hosting.json, so `python -m bench load|proxy` can redo one part
    hosting_path = common.OUT / "hosting.json"
    hosting_json = json.loads(hosting_path.read_text(encoding="utf-8")) if hosting_path.is_file() else {}
    hosting_json.update(date=results["machine"]["date"], commit=results["machine"]["commit"])
    for part in ("load", "proxy"):
        if part not in skip:
            hosting_json[part] = results.get(part)
    hosting_path.write_text(json.dumps(hosting_json, indent=1, default=str), encoding="utf-8")
    results["hosting"] = hosting_json
    if not args.no_write:
        from .results_md import write

        path = write(results)
        print(
            f"\nwrote {path.relative_to(common.ROOT)} and {out_json.relative_to(common.ROOT)}"
            f" ({results['seconds']['total']:.0f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
