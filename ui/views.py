"""Page building blocks. Each takes the view state and already-cached data, and lays out widgets."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo import LEVELS, fmt, maps, ranking
from geo.classify import Totals, totals
from geo.export import to_csv, to_xlsx
from geo.assets import standalone_html
from geo.table import TableError, template_csv
from geo.text import t
from geo.viewstate import BASEMAP_CHOICES, ViewState

from . import data, safe

SOURCE_KEY = "source"


def source() -> data.Source:
    return st.session_state.get(SOURCE_KEY, data.SAMPLE)


def sidebar(state: ViewState) -> None:
    """Shared controls: language, data, target, period, basemap."""
    lang = state.lang
    # Less empty space above the content, so the map shows on a 1366×768 laptop without scrolling.
    st.html("<style>[data-testid='stMainBlockContainer']{padding-top:4.25rem !important}</style>")
    sb = st.sidebar
    sb.radio(t("control.language", lang), ["id", "en"], key="w_lang", horizontal=True, format_func=lambda c: {"id": "Bahasa Indonesia", "en": "English"}[c])
    sb.number_input(t("control.target", lang), min_value=0.0, max_value=100.0, step=0.5, format="%.2f", key="w_target", help=t("control.target_help", lang))
    periods = data.periods(source())
    if len(periods) > 1:
        sb.selectbox(t("control.period", lang), [None, *periods], key="w_period", format_func=lambda p: p or f"{periods[-1]} ({t('control.latest', lang)})")
    sb.selectbox(t("control.basemap", lang), list(BASEMAP_CHOICES), key="w_basemap", format_func=lambda b: t(f"basemap.{b}", lang))
    if len(periods) > 1:
        sb.radio(t("control.color", lang), ["coverage", "change"], key="w_color", horizontal=True, format_func=lambda c: t(f"color.{c}", lang))
    sb.toggle(t("control.present", lang), key="w_present")
    with sb.expander(t("control.data", lang), expanded=not source().is_sample):
        src = source()
        st.caption(t("using.sample", lang) if src.is_sample else safe.md(t("using.upload", lang, name=src.name)))
        level = st.selectbox(t("control.upload_level", lang), list(LEVELS), format_func=lambda lv: t(f"level.{lv}", lang), key="w_upload_level")
        up = st.file_uploader(t("control.upload", lang), type=["csv", "xlsx"], help=t("control.upload_help", lang), key="w_upload")
        if up is not None:
            candidate = data.upload_source(up.name, up.getvalue(), level)
            if candidate != src and st.session_state.get("_rejected", (None,))[0] != candidate.key:
                try:
                    data.level_tables(candidate)  # read + join once; a bad file never becomes the source
                except TableError as exc:
                    st.session_state["_rejected"] = (candidate.key, candidate.name, exc)
                else:
                    st.session_state[SOURCE_KEY] = candidate
                    st.rerun()
        rejected = st.session_state.get("_rejected")
        if rejected and up is not None and rejected[0] == data.upload_source(up.name, up.getvalue(), level).key:
            st.error(safe.md(t("error.upload_rejected", lang, name=rejected[1], detail=rejected[2].message(lang))), icon=":material/error:")
        if not src.is_sample and st.button(t("control.use_sample", lang)):
            st.session_state[SOURCE_KEY] = data.SAMPLE
            st.rerun()
        for lv in ("kabupaten", "desa"):
            st.download_button(
                t("template.download", lang, level=t(f"level.{lv}", lang)), template_csv(lv).encode("utf-8"),
                file_name=f"templat_{lv}.csv", mime="text/csv", key=f"tpl_{lv}",
            )


def share_link(state: ViewState, default: ViewState, page_path: str) -> None:
    """The "Bagikan tautan" control: the address that reopens exactly this view."""
    from .state import share_url

    lang = state.lang
    with st.sidebar.expander(t("share.label", lang), icon=":material/link:", expanded=False):
        # A text box, not st.code: the code block pulls Streamlit's 1.5 MB syntax highlighter into
        # every first visit, which on a 4 Mbit/s line costs about 3 s before the map appears.
        url = share_url(state, default, page_path)
        st.text_input(t("share.caption", lang), url, key=f"share_{page_path}_{hash(url)}")
        st.caption(t("share.help", lang))


def effective_period(state: ViewState) -> str | None:
    periods = data.periods(source())
    return state.period if state.period in periods else (periods[-1] if periods else None)


def sample_banner(lang: str) -> None:
    if source().is_sample:
        st.warning(f"**{t('sample.banner', lang)}** — {t('sample.explain', lang)}", icon=":material/science:")


def metrics(tot: Totals, level_label: str, lang: str, large: bool = False) -> None:
    cols = st.columns(4)
    diff = tot.coverage - tot.target
    cols[0].metric(t("metric.coverage_of", lang), fmt.percent(tot.coverage, lang), t("metric.vs_target", lang, diff=fmt.points(diff, lang)), delta_color="green" if diff >= 0 else "red", delta_arrow="up" if diff >= 0 else "down")
    cols[1].metric(t("metric.below_count", lang, level=level_label), t("metric.below_value", lang, n=fmt.number(tot.below, lang), total=fmt.number(tot.areas_with_data, lang)))
    cols[2].metric(t("metric.gap", lang), fmt.number(tot.gap_to_target, lang))
    cols[3].metric(t("metric.bantuan", lang), fmt.number(tot.bantuan, lang))
    st.caption(f"{t('metric.target', lang)}: {fmt.percent(tot.target, lang)} · {t('metric.tenaga_kerja', lang)}: {fmt.number(tot.tenaga_kerja, lang)} · "
               f"{t('metric.peserta', lang)}: {fmt.number(tot.peserta_aktif, lang)} — {t('map.click_hint', lang)}")


def map_options(state: ViewState, level: str, title: str | None = None, subtitle: str | None = None, legend_scale: float = 1.0) -> maps.MapOptions:
    color = state.color if len(data.periods(source())) > 1 else "coverage"
    return maps.MapOptions(
        color=color,
        level=level, target=state.target, lang=state.lang, basemap=state.basemap, is_sample=source().is_sample,
        title=title, subtitle=subtitle, selected=state.sel, legend_scale=legend_scale,
        source_line=t("map.source_line", state.lang) + (f" · {t('sample.banner', state.lang)}" if source().is_sample else ""),
    )


def show_map(frame, opts: maps.MapOptions, frame_key: tuple, dim: frozenset[str] = frozenset(), height: int = 560,
             key: str = "map", extra_panels: list[tuple[str, str]] | None = None, fill: bool = False) -> str | None:
    """Draw the map; return the code of a newly clicked area (pan/zoom return nothing: no rerun)."""
    payload = data.map_payload(frame_key + (opts.color,), frame, opts, dim)
    own = bool(frame["own_target"].any()) if "own_target" in frame else False
    m = maps.map_from_payload(payload, opts, own, extra_panels=tuple(extra_panels or ()), fill_frame=fill)
    out = st_folium(m, key=key, height=height, use_container_width=True, returned_objects=["last_active_drawing"])
    feature = (out or {}).get("last_active_drawing") or {}
    kode = (feature.get("properties") or {}).get("kode")
    token = (key, frame_key, kode)
    if kode and st.session_state.get("_last_click") != token:
        st.session_state["_last_click"] = token
        return str(kode)
    return None


def map_downloads(frame, opts: maps.MapOptions, level: str, state: ViewState, title: str, period: str | None,
                  file_stem: str, dim: frozenset[str] = frozenset()) -> None:
    """The current map as PNG (1920×1080) and PDF for slides, and as a standalone HTML file.

    Every file is made only when its button is clicked (deferred), so re-runs stay fast.
    """
    lang = state.lang
    src = source()
    kab = state.kab if level != "kabupaten" and not state.kec else None
    file_stem = safe.file_part(file_stem, 120)  # the period and names come from the table

    def static(fmt_: str):
        def make() -> bytes:
            import matplotlib
            from geo.render import render_map

            # Titles carry the file name and period from the table: '$' must not start matplotlib math.
            with matplotlib.rc_context({"text.parse_math": False}):
                return render_map(frame, level, lang=lang, title=title, period=period, target=state.target,
                                  is_sample=src.is_sample, data_source=src.name if not src.is_sample else "", kab=kab, fmt=fmt_)

        return make

    def html_file() -> bytes:
        return standalone_html(maps.build_map(frame, opts, dim=set(dim))).encode("utf-8")

    c1, c2, c3 = st.columns(3)
    c1.download_button(t("download.png", lang), static("png"), file_name=f"{file_stem}.png", mime="image/png",
                       key=f"png_{file_stem}", icon=":material/image:", on_click="ignore")
    c2.download_button(t("download.pdf", lang), static("pdf"), file_name=f"{file_stem}.pdf", mime="application/pdf",
                       key=f"pdf_{file_stem}", icon=":material/picture_as_pdf:", on_click="ignore")
    c3.download_button(t("download.map", lang), html_file, file_name=f"{file_stem}.html", mime="text/html",
                       key=f"html_{file_stem}", icon=":material/map:", on_click="ignore")


def with_change(frame, level: str, period: str | None):
    """Add ``change_pp`` (since the previous period) when the table has one to compare with."""
    change = data.change_pp(source(), level, period)
    return frame.assign(change_pp=frame["kode"].map(change)) if len(change) else frame


def number_style(shown, lang: str):
    """Numbers shown in the UI language (26.373 / 35,35%) whatever the browser's locale.

    A Styler only changes what is displayed: the cells stay numbers, so sorting stays numeric.
    """
    counts = [t(k, lang) for k in ("col.rank", "col.tenaga_kerja", "col.peserta_aktif", "col.gap", "col.bantuan")]
    pcts = [t(k, lang) for k in ("col.cakupan", "col.target")]
    formats = {c: (lambda v: fmt.number(v, lang)) for c in counts if c in shown}
    formats |= {c: (lambda v: fmt.percent(v, lang)) for c in pcts if c in shown}
    if t("col.change", lang) in shown:
        formats[t("col.change", lang)] = lambda v: fmt.points(v, lang)
    return shown.style.format(formats, na_rep="–")


STYLER_MAX_ROWS = 600  # a Styler costs ~0.1 ms per cell to send; the 2,131-row province table would take ~0.2 s


def show_table(shown, lang: str) -> None:
    """Sortable table with numbers in the UI language.

    Up to STYLER_MAX_ROWS rows: exact formats through a Styler. Larger (the province-wide desa
    table): Streamlit's own column formats, which keep re-runs fast; thousands use the
    language's separator (printf ``%'.,d``), percentages follow the browser's locale.
    """
    if len(shown) <= STYLER_MAX_ROWS:
        st.dataframe(number_style(shown, lang), hide_index=True)
        return
    counts = "%'.,d" if lang == "id" else "%,d"
    config = {t(k, lang): st.column_config.NumberColumn(format=counts)
              for k in ("col.rank", "col.tenaga_kerja", "col.peserta_aktif", "col.gap", "col.bantuan")}
    config |= {t(k, lang): st.column_config.NumberColumn(format="localized" if lang == "id" else "%.2f")
               for k in ("col.cakupan", "col.target", "col.change")}
    st.dataframe(shown, hide_index=True, column_config=config)


def area_table(frame, level: str, state: ViewState, file_stem: str) -> None:
    lang = state.lang
    file_stem = safe.file_part(file_stem, 120)  # the period comes from the table
    table = ranking.area_table(frame, level)
    shown = ranking.labelled(table, lang, with_totals=frame)
    show_table(shown, lang)
    notes = [t("download.note", lang)]
    sample = source().is_sample
    c1, c2 = st.columns(2)
    c1.download_button("CSV", lambda: to_csv(shown, sample, lang, notes), file_name=f"{file_stem}.csv", mime="text/csv",
                       key=f"csv_{file_stem}", icon=":material/download:", on_click="ignore")
    c2.download_button("XLSX", lambda: to_xlsx(shown, sample, lang, notes), file_name=f"{file_stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx_{file_stem}",
                       icon=":material/download:", on_click="ignore")


def priorities(frame, level: str, lang: str, n: int = 10) -> None:
    table = ranking.area_table(frame, level)
    top, share = ranking.priorities(table, n)
    if top.empty:
        return
    st.markdown(f"**{t('priority.title', lang, n=len(top))}** — {t('priority.share', lang, share=fmt.percent(share, lang, 1))}")
    st.dataframe(number_style(ranking.labelled(top[["rank", "nama", "parent", "cakupan", "target_efektif", "gap"]], lang), lang), hide_index=True)


def join_report(level: str, lang: str) -> None:
    tables = data.level_tables(source())
    if level not in tables:
        return
    table, result = tables[level]
    s = result.summary()
    title = t("join.title", lang) + " — " + t(f"level.{level}", lang)
    problems = s.get("unmatched", 0) + s.get("ambiguous", 0) + s.get("invalid", 0) + s.get("duplicate", 0)
    with st.expander(title, expanded=problems > 0 and not source().is_sample):
        st.write(t("join.summary", lang, rows=s.get("rows", len(result.report)), matched=s.get("matched", 0), unmatched=s.get("unmatched", 0), ambiguous=s.get("ambiguous", 0), invalid=s.get("invalid", 0), duplicate=s.get("duplicate", 0)))
        issues = [i for i in table.issues if i.severity == "error"]
        if issues:
            st.dataframe(
                [{t("col.row", lang): i.row, t("col.column", lang): i.column, t("col.problem", lang): i.message(lang)} for i in issues],
                hide_index=True,
            )
        report = result.report_messages(lang)
        not_ok = report[report["status"] != "matched"]
        if len(not_ok):
            st.dataframe(not_ok, hide_index=True)
        missing = sum(len(v) for v in result.areas_without_data.values())
        st.caption(t("join.no_data_areas", lang, n=fmt.number(missing, lang)))
