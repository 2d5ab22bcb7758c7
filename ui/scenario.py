"""The scenario panel: N new bantuan iuran recipients, where they go, what it costs, the map after."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import budget, fmt, maps, plan, plan_map, targetpath
from geo.classify import Totals
from geo.text import t
from geo.view import shown
from geo.viewstate import ViewState

from . import blocks, cache, session


def allocation_frame(result: plan.Plan, lang: str) -> pd.DataFrame:
    """The allocation for the screen and for a budget proposal: areas with a gap, translated headers, a totals row."""
    table = plan.allocation_table(result)
    table = table[table["gap"] > 0].reset_index(drop=True)
    total = {
        "kode": "",
        "nama": t("col.total", lang),
        "tenaga_kerja": table["tenaga_kerja"].sum(),
        "peserta_aktif": table["peserta_aktif"].sum(),
        "cakupan": result.coverage_before,
        "target_efektif": float("nan"),
        "gap": table["gap"].sum(),
        "slots": result.slots_used,
        "cakupan_baru": result.coverage_after,
        "reaches_target": fmt.number(result.areas_reaching_target, lang),
        "biaya": result.cost_rupiah,
    }
    table["reaches_target"] = table["reaches_target"].map(lambda v: t("plan.yes" if v else "plan.no", lang))
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    for col in ("cakupan", "target_efektif", "cakupan_baru"):
        table[col] = table[col].astype(float).round(2)
    return table.rename(
        columns={
            "kode": t("col.kode", lang),
            "nama": t("col.nama", lang),
            "tenaga_kerja": t("col.tenaga_kerja", lang),
            "peserta_aktif": t("col.peserta_aktif", lang),
            "cakupan": t("col.cakupan", lang),
            "target_efektif": t("col.target", lang),
            "gap": t("col.gap", lang),
            "slots": t("plan.col_slots", lang),
            "cakupan_baru": t("plan.col_new_coverage", lang),
            "reaches_target": t("plan.col_reaches", lang),
            "biaya": t("plan.col_cost", lang),
        }
    )


def _needs(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, int | None, str | None]:
    """The areas' needs for the allocation: a year of the target path (a control; default today's gap), less
    the published commitments for that year (``geo.budget.for_plan``). Returns (frame, year, commitments key)."""
    periods = frame["periode"].dropna().astype(str) if "periode" in frame else pd.Series(dtype=str)
    if periods.empty:
        return frame, None, None
    period = periods.iloc[0]
    schedule = session.target_schedule()
    years = targetpath.years(schedule, period)
    year = st.selectbox(
        t("budget.year", lang),
        [None, *years],
        format_func=lambda y: t("budget.year_today", lang) if y is None else str(y),
        key="w_plan_year",
        help=t("budget.year_help", lang),
    )
    commits = session.commitments_in_force()
    out = budget.for_plan(frame, schedule, period, commits, year)
    n = int(out["komitmen_orang"].fillna(0).sum())
    if n:
        shown_year = year if year is not None else int(period[:4])
        st.caption(t("budget.committed_note", lang, n=fmt.number(n, lang), year=shown_year))
    return out, year, commits.version


def panel(
    frame: pd.DataFrame,
    level: str,
    state: ViewState,
    file_stem: str,
    area_label: str,
    frame_key: tuple,
    province: Totals | None = None,
) -> plan.Plan | None:
    """Lay out the scenario for the areas of ``frame`` (already scoped and filtered); return the plan."""
    lang = state.lang
    st.subheader(t("plan.title", lang))
    st.number_input(
        t("plan.slots", lang),
        min_value=0,
        max_value=plan.MAX_SLOTS,
        step=100,
        key="w_slots",
        help=t("plan.slots_help", lang),
    )
    frame, year, commits_key = _needs(frame, lang)
    slots = int(st.session_state.get("w_slots") or 0)
    if slots <= 0:
        st.caption(t("plan.none", lang))
        return None
    result = plan.plan(frame, slots, state.iuran, state.bulan)
    below = int((frame["gap"].fillna(0) > 0).sum())  # areas still needing people (the year's, net of commitments)
    c = st.columns(4)
    c[0].metric(
        t("plan.metric_reached", lang),
        t("metric.below_value", lang, n=fmt.number(result.areas_reaching_target, lang), total=fmt.number(below, lang)),
    )
    c[1].metric(t("plan.metric_cost", lang), fmt.rupiah_short(result.cost_rupiah, lang))
    c[2].metric(
        t("plan.metric_coverage", lang),
        fmt.percent(result.coverage_after, lang),
        fmt.points(result.coverage_after - result.coverage_before, lang),
    )
    c[3].metric(t("plan.metric_used", lang, slots=fmt.number(slots, lang)), fmt.number(result.slots_used, lang))
    lines = [
        t(
            "plan.result",
            lang,
            reached=fmt.number(result.areas_reaching_target, lang),
            below=fmt.number(below, lang),
            used=fmt.number(result.slots_used, lang),
            slots=fmt.number(slots, lang),
            cost=fmt.rupiah_short(result.cost_rupiah, lang),
            exact=fmt.rupiah(result.cost_rupiah, lang),
        ),
        t(
            "plan.coverage",
            lang,
            area=area_label,
            before=fmt.percent(result.coverage_before, lang),
            after=fmt.percent(result.coverage_after, lang),
        ),
    ]
    if province is not None and province.tenaga_kerja > 0:
        after = (province.peserta_aktif + result.slots_used) / province.tenaga_kerja * 100
        prov = t(
            "plan.coverage",
            lang,
            area=t("level.provinsi", lang),
            before=fmt.percent(province.coverage, lang),
            after=fmt.percent(after, lang),
        )
        if prov not in lines:
            lines.append(prov)
    st.caption(
        " · ".join(lines) + " · " + t("cost.basis", lang, iuran=fmt.rupiah(state.iuran, lang), months=state.bulan)
    )

    after = plan.scenario_frame(frame, result)
    title = t("plan.map_title", lang, n=fmt.number(slots, lang))
    d = cache.data(session.source())
    opts = shown.map_options(d, state, level, title, area_label, target_note=cache.target_note(after, lang))
    opts = maps.MapOptions(**{**opts.__dict__, "selected": None, "color": "coverage"})
    payload = cache.scenario_payload(
        frame_key + ("scenario", slots, state.iuran, state.bulan, year, commits_key), after, opts
    )
    st_folium(
        plan_map.scenario_map(payload, after, opts),
        key="map_scenario",
        height=480,
        use_container_width=True,
        returned_objects=[],
    )

    allocated = allocation_frame(result, lang)
    blocks.show_table(allocated, lang)
    notes = [
        t(
            "plan.export_note",
            lang,
            slots=fmt.number(slots, lang),
            iuran=fmt.rupiah(state.iuran, lang),
            months=state.bulan,
            cost=fmt.rupiah(result.cost_rupiah, lang),
            reached=fmt.number(result.areas_reaching_target, lang),
        ),
        cache.target_note(frame, lang),
        t("download.note", lang),
    ]
    notes = [n for n in notes if n]
    blocks.downloads(
        allocated,
        lang,
        notes,
        f"alokasi_{file_stem}_{slots}",
        key_prefix="plan_",
        key_stem=file_stem,
        label=t("plan.download", lang),
        sheet=t("plan.col_slots", lang),
    )
    return result
