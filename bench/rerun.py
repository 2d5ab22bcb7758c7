"""Warm re-run time after a filter change, with streamlit.testing.v1.AppTest.

Ours: shell.py (the script of app.py's st.App) through st.navigation, switched to screens/desa.py with the scope
in the query. Naive: bench/naive_app.py with ?level=desa(&kab=...). Each app is run once to warm its caches,
then a filter is changed and ``run()`` timed, five times:

* ``target``: the target number_input set to a value not seen before each time (45, 46, ...),
  so every run really recomputes the classification and the map (cache misses);
* ``below``: the below-target toggle flipped on/off (first flip computes, later flips may hit caches).

One extra target change, not timed, runs under cProfile (the script thread), written to
bench/out/profile_rerun_<app>_<scope>.txt.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from contextlib import contextmanager

from .common import BENCH, KETAPANG, OUT, ROOT

TARGETS = (45.0, 46.0, 47.0, 48.0, 49.0)
TOGGLES = (True, False, True, False, True)
PROFILE_TARGET = 44.0
SCOPES = {"desa_province": None, "desa_ketapang": KETAPANG}


def _exceptions(at) -> list[str]:
    return [str(e.value)[:500] for e in at.exception]


def _timed(at) -> float:
    t0 = time.perf_counter()
    at.run()
    return time.perf_counter() - t0


def ours(kab: str | None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "shell.py"), default_timeout=180)
    at.run()
    at.switch_page("screens/desa.py")
    at.query_params = {"basemap": "none", **({"kab": kab} if kab else {})}
    return at, "w_target", "w_below"


def naive(kab: str | None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(BENCH / "naive_app.py"), default_timeout=180)
    at.query_params = {"level": "desa", **({"kab": kab} if kab else {})}
    return at, "target", "below"


@contextmanager
def _profiled(path):
    """cProfile the script thread (AppTest runs the page in a ScriptRunner thread)."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = ScriptRunner._run_script
    prof = cProfile.Profile()

    def wrapped(self, rerun_data):
        prof.enable()
        try:
            return original(self, rerun_data)
        finally:
            prof.disable()

    ScriptRunner._run_script = wrapped
    try:
        yield
    finally:
        ScriptRunner._run_script = original
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
        path.write_text(buf.getvalue(), encoding="utf-8")


def measure_one(make, kab: str | None, profile_to=None, reps: int = 5, unchanged: bool = True) -> dict:
    at, k_target, k_below = make(kab)
    first = _timed(at)  # warms caches for this page
    errs = _exceptions(at)
    if errs:
        return {"error": errs[0], "first_run_s": first}
    warm = _timed(at) if unchanged else None  # a plain re-run, nothing changed
    target_times = []
    for v in TARGETS[:reps]:
        at.number_input(key=k_target).set_value(v)
        target_times.append(_timed(at))
        if _exceptions(at):
            return {"error": _exceptions(at)[0], "first_run_s": first}
    if profile_to is not None:  # one more change, profiled and not counted
        at.number_input(key=k_target).set_value(PROFILE_TARGET)
        with _profiled(profile_to):
            at.run()
    at.number_input(key=k_target).set_value(50.24)
    at.run()
    below_times = []
    for v in TOGGLES[:reps]:
        at.toggle(key=k_below).set_value(v)
        below_times.append(_timed(at))
        if _exceptions(at):
            return {"error": _exceptions(at)[0], "first_run_s": first}
    return {
        "reps": reps,
        "first_run_s": first,
        "unchanged_rerun_s": warm,
        "target_change_s": target_times,
        "target_change_median_s": statistics.median(target_times),
        "below_toggle_s": below_times,
        "below_toggle_median_s": statistics.median(below_times),
        "change_median_s": statistics.median(target_times + below_times),
    }


def measure(reps: int = 5, naive_province_reps: int = 3) -> dict:
    """Both scopes, both apps. The naive province page takes ~10 s a run, so it gets fewer runs."""
    out = {}
    for name, kab in SCOPES.items():
        row = {}
        for who, make in (("ours", ours), ("naive", naive)):
            prof = OUT / f"profile_rerun_{who}_{name}.txt"
            heavy = who == "naive" and kab is None
            try:
                row[who] = measure_one(
                    make,
                    kab,
                    profile_to=prof,
                    reps=min(reps, naive_province_reps) if heavy else reps,
                    unchanged=not heavy,
                )
                row[who]["profile"] = str(prof.relative_to(ROOT))
            except Exception as exc:  # report, keep going
                import traceback

                row[who] = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()[-3000:]}
        out[name] = row
    return out
