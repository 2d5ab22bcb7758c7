"""Turn results.json into the printed table and bench/RESULTS.md."""

from __future__ import annotations

from .browser import KINDS
from .common import BYTES_TARGET, FIDELITY_TARGET_M, RERUN_TARGET_S, SCENARIO_LABEL, SPEEDUP_TARGET

COMMAND = "python run.py bench --source ../shared/data/wilayah_boundaries"
NOT_MEASURED = "tidak terukur / not measured"

# The goals of the main table, by the step that measures them; each figure is a part of its row's label, so a
# row the run did not produce (a step skipped or failed, or one page of it) is listed as not measured.
_P, _K = SCENARIO_LABEL["desa_province"], SCENARIO_LABEL["desa_ketapang"]
_FASTER = f"ours ≥ {SPEEDUP_TARGET:g}× faster"
STEP_GOALS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "payload": (("1 bytes", f"{_P}: map HTML (render()", "—"), ("1 bytes", f"{_K}: map HTML (render()", "—")),
    "browser": (
        ("1 bytes", f"{_P}: the map's data as shipped", f"≤ {BYTES_TARGET['desa_province']:,} B"),
        ("1 bytes", f"{_K}: the map's data as shipped", f"≤ {BYTES_TARGET['desa_ketapang']:,} B"),
        ("1 bytes", f"{_P}: first visit as the browser fetches it, by kind", "—"),
        ("1 bytes", f"{_K}: first visit as the browser fetches it, by kind", "—"),
        ("3 to polygons, 4 Mbit/s + 100 ms", f"{_P}: repeat visit", _FASTER),
        ("3 to polygons, 4 Mbit/s + 100 ms", f"{_P}: first visit (empty cache)", _FASTER),
        ("3 to polygons, 4 Mbit/s + 100 ms", f"{_K}: repeat visit", _FASTER),
        ("3 to polygons, 4 Mbit/s + 100 ms", f"{_K}: first visit (empty cache)", _FASTER),
    ),
    "rerun": tuple(
        ("2 re-run", f"{label}: {what}", f"≤ {RERUN_TARGET_S} s")
        for label in (_P, _K)
        for what in ("target changed", "below-target toggle flipped")
    ),
    "fidelity": (
        ("4 fidelity (UTM 49S)", "desa: Hausdorff display↔source, max", f"≤ {FIDELITY_TARGET_M:g} m"),
        (
            "4 fidelity (UTM 49S)",
            "desa overview (what the province's desa map draws): Hausdorff overview↔source, max",
            "≤ 500 m",
        ),
    ),
}
GOALS = tuple((fig, goal) for rows in STEP_GOALS.values() for _sec, fig, goal in rows)


def unmeasured_rows(r: dict, measured: list[tuple]) -> list[tuple[str, str, str, str, str, str]]:
    """The main table's goals with no row this run (``measured``: the rows it has): listed, never dropped."""
    out = []
    for step, goals in STEP_GOALS.items():
        value = r.get(step)
        why = value.get("skipped") if isinstance(value, dict) else None
        if why is None:
            why = (
                "this run did not reach this step"
                if not value
                else f"step `{step}` ran but gave no figure for this (see its errors)"
            )
        why = str(why).splitlines()[0][:200]
        for sec, fig, goal in goals:
            if not any(fig in row[1] for row in measured):
                out.append((sec, fig, NOT_MEASURED, "—", goal, f"{NOT_MEASURED}: {why}"))
    return out


def _b(n) -> str:
    if n is None:
        return "—"
    if n >= 1_000_000:
        return f"{n / 1e6:.2f} MB"
    if n >= 1_000:
        return f"{n / 1e3:.1f} KB"
    return f"{n} B"


def _s(x) -> str:
    return "—" if x is None else f"{x:.3f} s"


def _ms(x) -> str:
    return "—" if x is None else f"{x / 1000:.2f} s"


def _m(x) -> str:
    return "—" if x is None else f"{x:,.1f} m"


def _le(value, target, fmt) -> str:
    if value is None:
        return "n/a"
    pct = (value - target) / target * 100
    return f"{'PASS' if value <= target else 'FAIL'} ({pct:+.0f}% vs target)"


def rows(r: dict) -> list[tuple[str, str, str, str, str, str]]:
    """(section, figure, ours, naive, target, result)."""
    out = []
    pay = r.get("payload") or {}
    br = r.get("browser") or {}
    bb = br.get("bytes", {}) if isinstance(br, dict) else {}
    for name in ("kabupaten", "desa_province", "desa_ketapang"):
        label = SCENARIO_LABEL[name]
        tgt = BYTES_TARGET[name]
        p = pay.get(name)
        if p:
            o, n = p["ours"]["html_bytes"], p["naive"]["html_bytes"]
            out.append(
                (
                    "1 bytes",
                    f"{label}: map HTML (render(), the download's map; no longer what a page sends)",
                    _b(o),
                    _b(n),
                    "—",
                    f"{n / o:.1f}× smaller",
                )
            )
        w = bb.get(name, {})
        if w.get("ours") or w.get("naive"):
            ok, nk = (w.get("ours") or {}).get("by_kind") or {}, (w.get("naive") or {}).get("by_kind") or {}
            o, n = ok.get("map_data"), nk.get("map_data")
            out.append(
                (
                    "1 bytes",
                    f"{label}: the map's data as shipped (largest websocket message + /mapgeo + /mapfeat, on the wire)",
                    _b(o),
                    _b(n),
                    f"≤ {_b(tgt)}" if tgt else "—",
                    _le(o, tgt, _b) if (tgt and o) else (f"{n / o:.1f}× smaller" if (o and n) else "n/a"),
                )
            )
            if ok:
                kinds = ", ".join(f"{k.replace('_', '/')} {_b(ok[k])}" for k in (*KINDS, "websocket") if ok.get(k))
                out.append(
                    (
                        "1 bytes",
                        f"{label}: first visit as the browser fetches it, by kind",
                        _b(ok.get("total")),
                        _b(nk.get("total")),
                        "—",
                        kinds,
                    )
                )
            o = (w.get("ours") or {}).get("ws_max_frame")
            n = (w.get("naive") or {}).get("ws_max_frame")
            out.append(
                (
                    "1 bytes",
                    f"{label}: map message on the websocket (Chromium)",
                    _b(o),
                    _b(n),
                    "—",
                    f"{n / o:.1f}× smaller" if (o and n) else "n/a",
                )
            )
            o = (w.get("ours") or {}).get("ws_recv_bytes")
            n = (w.get("naive") or {}).get("ws_recv_bytes")
            out.append(
                (
                    "1 bytes",
                    f"{label}: whole page, websocket total",
                    _b(o),
                    _b(n),
                    "—",
                    f"{n / o:.1f}× smaller" if (o and n) else "n/a",
                )
            )
            o = (w.get("ours") or {}).get("http_bytes")
            n = (w.get("naive") or {}).get("http_bytes")
            out.append(("1 bytes", f"{label}: HTTP, first visit (Streamlit/Leaflet files)", _b(o), _b(n), "—", "info"))

    rr = r.get("rerun") or {}
    for name in ("desa_province", "desa_ketapang"):
        row = rr.get(name)
        if not row:
            continue
        label = SCENARIO_LABEL[name]
        o, n = row.get("ours", {}), row.get("naive", {})
        if o.get("unchanged_rerun_s") is not None:
            out.append(
                (
                    "2 re-run",
                    f"{label}: plain re-run, nothing changed (1 run)",
                    _s(o.get("unchanged_rerun_s")),
                    _s(n.get("unchanged_rerun_s")),
                    "—",
                    "info",
                )
            )
        for key, what in (
            ("target_change_median_s", "target changed (new value each run)"),
            ("below_toggle_median_s", "below-target toggle flipped"),
        ):
            ov, nv = o.get(key), n.get(key)
            out.append(
                (
                    "2 re-run",
                    f"{label}: {what}, median of {o.get('reps', '?')}/{n.get('reps', '?')}",
                    _s(ov) if "error" not in o else "ERROR",
                    _s(nv) if "error" not in n else "ERROR",
                    f"≤ {RERUN_TARGET_S} s",
                    _le(ov, RERUN_TARGET_S, _s),
                )
            )

    ts = (r.get("version_check") or {}).get("two_servers") or {}
    if ts and "skipped" not in ts:
        from .version_check import PROPAGATION_TARGET_S, propagation_verdict

        shown = [x for x in (ts.get("b_s"), ts.get("a_s")) if x is not None]
        out.append(
            (
                "2 re-run",
                "new published version on a second app process (fresh session)",
                _s(max(shown)) if len(shown) == 2 else "never",
                "—",
                f"≤ {PROPAGATION_TARGET_S:g} s",
                propagation_verdict(ts),
            )
        )

    tm = br.get("timing", {}) if isinstance(br, dict) else {}
    for name in ("desa_province", "desa_ketapang"):
        row = tm.get(name)
        if not row:
            continue
        label = SCENARIO_LABEL[name]
        o, n = row.get("ours", {}), row.get("naive", {})
        for key, what in (
            ("warm_median_ms", f"repeat visit (Streamlit files cached), median of {br.get('reps')}"),
            ("cold_ms", "first visit (empty cache), 1 run"),
        ):
            ov, nv = o.get(key), n.get(key)
            ratio = (nv / ov) if (ov and nv) else None
            res = "n/a" if ratio is None else f"{'PASS' if ratio >= SPEEDUP_TARGET else 'FAIL'} ({ratio:.1f}× faster)"
            out.append(
                (
                    "3 to polygons, 4 Mbit/s + 100 ms",
                    f"{label}: {what}",
                    _ms(ov),
                    _ms(nv),
                    f"ours ≥ {SPEEDUP_TARGET:g}× faster",
                    res,
                )
            )

    fid = r.get("fidelity") or {}
    for level in ("desa", "kecamatan", "kabupaten"):
        f = fid.get(level)
        if not f:
            continue
        tgt = FIDELITY_TARGET_M if level == "desa" else None
        out.append(
            (
                "4 fidelity (UTM 49S)",
                f"{level}: Hausdorff display↔source, max (p99)"
                + (" (what the kabupaten's desa maps draw)" if level == "desa" else ""),
                f"{_m(f['hausdorff_max_m'])} ({_m(f['hausdorff_p99_m'])})",
                "0 m (source)",
                f"≤ {tgt:g} m" if tgt else "—",
                (_le(f["hausdorff_max_m"], tgt, _m) + f", {f['areas_over_100m']} areas > 100 m")
                if tgt
                else f"{f['areas_over_100m']} areas > 100 m",
            )
        )
        ok = f["coverage_valid_display"] and f["overlap_m2_display"] == 0
        out.append(
            (
                "4 fidelity (UTM 49S)",
                f"{level}: overlaps between neighbours (pairs, m²); coverage_is_valid",
                f"{f['overlap_pairs_display']}, {f['overlap_m2_display']:,.0f} m²; {f['coverage_valid_display']}",
                f"{f['overlap_pairs_source']}, {f['overlap_m2_source']:,.0f} m²; {f['coverage_valid_source']}",
                "none introduced",
                "PASS" if ok else "FAIL",
            )
        )
        out.append(
            (
                "4 fidelity (UTM 49S)",
                f"{level}: gaps (enclosed holes, m²); new holes vs source",
                f"{f['gap_holes_display']}, {f['gap_m2_display']:,.0f} m²; new "
                f"{f['new_gap_parts_display']}, {f['new_gap_m2_display']:,.0f} m²",
                f"{f['gap_holes_source']}, {f['gap_m2_source']:,.0f} m²",
                "none introduced",
                "PASS"
                if f["new_gap_parts_display"] == 0
                else f"FAIL ({f['new_gap_parts_display']} new, {f['new_gap_m2_display']:,.0f} m²)",
            )
        )
        if level == "desa" and fid.get("desa_overview"):
            ov = fid["desa_overview"]
            out.append(
                (
                    "4 fidelity (UTM 49S)",
                    "desa overview (what the province's desa map draws): Hausdorff overview↔source, max (p99)",
                    f"{_m(ov['hausdorff_max_m'])} ({_m(ov['hausdorff_p99_m'])})",
                    "0 m (source)",
                    f"≤ {ov['target_m']:g} m",
                    _le(ov["hausdorff_max_m"], ov["target_m"], _m) + f", {ov['areas_over_target']} areas over",
                )
            )
        if level == "desa":
            out.append(
                (
                    "4 fidelity (UTM 49S)",
                    "desa as shipped (1e-4° polylines): overlaps; new gaps",
                    f"{f['overlap_pairs_shipped']} pairs {f['overlap_m2_shipped']:,.0f} m²; "
                    f"{f['new_gap_parts_shipped']} new, {f['new_gap_m2_shipped']:,.0f} m²"
                    + (
                        f"; {f['invalid_shipped']} rings pinched by the grid (repaired)"
                        if "invalid_shipped" in f
                        else ""
                    ),
                    "—",
                    "—",
                    "info",
                )
            )
    return out + unmeasured_rows(r, out)


def table(r: dict) -> str:
    head = ["section", "figure", "ours", "naive baseline", "target", "result"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for row in rows(r):
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in row) + " |")
    return "\n".join(lines)


def verdicts(r: dict) -> list[str]:
    out = []
    for _sec, fig, _o, _n, _t, res in rows(r):
        if res.startswith("PASS") or res.startswith("FAIL"):
            out.append(f"- {res.split(' ')[0]}: {fig} — {res}")
    return out
