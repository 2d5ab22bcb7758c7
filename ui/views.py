"""Page building blocks. Each takes the view state and already-cached data, and lays out widgets."""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st
from streamlit_folium import st_folium

from geo import LEVELS, fmt, maps
from geo.classify import Totals, totals
from geo.export import to_csv, to_xlsx
from geo.assets import standalone_html
from geo.table import TableError, template_csv
from geo.text import t
from geo.viewstate import BASEMAP_CHOICES, ViewState

from . import data, safe

SOURCE_KEY = "source"


def pinned_version() -> int | None:
    """The ``v`` of the address (the URL is the source of truth; a bad value is reported by state.read)."""
    raw = st.query_params.get("v")
    return int(raw) if raw and raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31 else None


def source() -> data.Source:
    """An upload previewed in this session, else the published data (latest or pinned), else the sample."""
    chosen = st.session_state.get(SOURCE_KEY, data.SAMPLE)
    if not chosen.is_sample:
        return chosen
    # Asked ~20 times a run: answered once per run (begin_run clears the memo; the link's ``v`` is part of the key).
    pinned = pinned_version()
    memo = st.session_state.get(data.RUN_MEMO)
    if memo is not None and memo[0] == pinned:
        return memo[1]
    published, _messages = data.published_source(pinned)
    chosen = published or data.SAMPLE
    st.session_state[data.RUN_MEMO] = (pinned, chosen)
    return chosen


def data_messages(lang: str) -> None:
    """Why the published data is not what the link asked for, or cannot be read (never a traceback)."""
    _published, messages = data.published_source(pinned_version())
    for key, params in messages:
        (st.error if key == "store.unreachable" else st.warning)(t(key, lang, **params), icon=":material/warning:")


def stamp_text(level: str, period: str | None, lang: str) -> str | None:
    """Which published version a view of ``level`` in ``period`` shows (None for sample/upload data)."""
    from geo.stamp import stamp

    src = source()
    vid = data.version_for(src, level, period)
    version = data.version_info(vid) if vid is not None else None
    if version is None:
        return None
    return stamp(version, period, lang, pinned=src.as_of is not None)


def show_stamp(level: str, period: str | None, lang: str) -> None:
    if text := stamp_text(level, period, lang):
        # st.html with escaped text: the name and the period come from users, never Markdown or HTML
        st.html(f'<div data-testid="pjk-stamp" style="font-size:.875rem;color:#555;margin:-.4rem 0 .4rem 0">'
                f'{html.escape(text)}</div>')


def sidebar(state: ViewState) -> None:
    """Shared controls: language, data, target, period, basemap."""
    lang = state.lang
    # Less empty space above the content, so the map shows on a 1366×768 laptop without scrolling.
    st.html("<style>[data-testid='stMainBlockContainer']{padding-top:4.25rem !important}</style>")
    sb = st.sidebar
    sb.radio(t("control.language", lang), ["id", "en"], key="w_lang", horizontal=True, format_func=lambda c: {"id": "Bahasa Indonesia", "en": "English"}[c])
    planning_inputs(sb, state)
    periods = data.periods(source())
    if len(periods) > 1:
        sb.selectbox(t("control.period", lang), [None, *periods], key="w_period", format_func=lambda p: p or f"{periods[-1]} ({t('control.latest', lang)})")
    sb.selectbox(t("control.basemap", lang), list(BASEMAP_CHOICES), key="w_basemap", format_func=lambda b: t(f"basemap.{b}", lang))
    colorings = ["gap", "coverage"] + (["change"] if len(periods) > 1 else [])
    if st.session_state.get("w_color") not in colorings:  # "change" from a link, with one period only
        st.session_state["w_color"] = "gap"
    sb.radio(t("control.color", lang), colorings, key="w_color",
             format_func=lambda c: t("legend.color_gap" if c == "gap" else f"color.{c}", lang))
    sb.toggle(t("control.present", lang), key="w_present")
    with sb.expander(t("control.data", lang), expanded=not source().is_sample):
        src = source()
        st.caption(t("using.sample", lang) if src.is_sample else t("publish.using", lang) if src.is_published
                   else safe.md(t("publish.preview", lang, name=src.name)))
        version_picker(lang)
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
        has_published = data.published_source(None)[0] is not None
        if not src.is_sample and not src.is_published and st.button(
                t("publish.use_published" if has_published else "control.use_sample", lang)):
            st.session_state[SOURCE_KEY] = data.SAMPLE
            st.rerun()
        for lv in ("kabupaten", "desa"):
            st.download_button(
                t("template.download", lang, level=t(f"level.{lv}", lang)), template_csv(lv).encode("utf-8"),
                file_name=f"templat_{lv}.csv", mime="text/csv", key=f"tpl_{lv}",
            )


def planning_inputs(sb, state: ViewState) -> None:
    """Target ("what if", empty = schedule), contribution per month and months: part of the URL."""
    from geo import plan, targets

    lang = state.lang
    default, label = targets.province_default(data.target_schedule(), effective_period(state))
    sb.number_input(t("control.target", lang), min_value=0.0, max_value=100.0, step=0.5, format="%.2f", key="w_target",
                    help=t("targets.control_help", lang), placeholder=t("targets.control_placeholder", lang, target=f"{fmt.percent(default, lang)} ({label})"))
    c1, c2 = sb.columns([3, 2])
    c1.number_input(t("cost.iuran", lang), min_value=1, max_value=plan.MAX_IURAN, step=100, key="w_iuran", help=t("cost.iuran_help", lang))
    c2.number_input(t("cost.bulan", lang), min_value=1, max_value=plan.MAX_MONTHS, step=1, key="w_bulan")
    if not st.session_state.get("w_present"):  # the schedule in force (hidden with the sidebar when presenting)
        box = sb.expander(t("targets.title", lang), icon=":material/flag:")

        def schedule() -> None:
            from .targets_editor import schedule_view

            with box:
                schedule_view(lang)

        after_page(schedule)


def after_page(fn: Callable[[], None]) -> None:
    """Run ``fn`` once the page is written (app.py calls run_after_page after the page).

    Elements reach the browser in the order the script writes them, and each kind of element
    needs its own JavaScript: a table in the sidebar, written first, made a first visit fetch
    the table code (~300 KB) before the map's. Written last, into its expander, it no longer
    delays the map; it still shows in its place.
    """
    st.session_state.setdefault(data.AFTER_PAGE, []).append(fn)


def run_after_page() -> None:
    for fn in st.session_state.pop(data.AFTER_PAGE, []):
        fn()


def cost_line(frame, tot: Totals, state: ViewState) -> None:
    """Where the targets came from, and 'Rp … per tahun untuk mencapai target', under the figures."""
    from geo import plan

    lang = state.lang
    note = target_note(frame, lang)
    if note:
        st.caption(safe.md(note))  # carries the schedule's keterangan, which an editor typed
    period_word = t("cost.per_year", lang) if state.bulan == 12 else t("cost.per_months", lang, months=state.bulan)
    st.caption(t("cost.line", lang, total=fmt.rupiah_short(plan.cost(tot.gap_to_target, state.iuran, state.bulan), lang), period=period_word,
                 sum=fmt.rupiah_short(plan.cost(tot.gap_sum, state.iuran, state.bulan), lang), people=fmt.number(tot.gap_to_target, lang),
                 iuran=fmt.rupiah(state.iuran, lang), months=state.bulan))


def targets_token(state: ViewState) -> str:
    """Changes when the target schedule in use changes (part of the map cache keys)."""
    import hashlib

    if state.target is not None:
        return "what-if"
    return hashlib.sha256(repr(data.target_schedule().key).encode()).hexdigest()[:12]


def target_note(frame, lang: str) -> str:
    """Where the targets in view came from, for the legend and exports (one group-by per frame and language)."""
    return data.target_note(data.frame_digest(frame), frame, lang)


def version_picker(lang: str) -> None:
    """Open an older published version: the choice goes into the address (``v``), so links keep it."""
    from geo.stamp import when
    from geo.store import StoreError

    s = data.store()
    if isinstance(s, StoreError) or data.change_token() is None:
        return
    versions = data.versions_list(s.display_url, data.change_token())
    if not versions:
        return
    ids = [None, *[v.id for v in versions]]
    label = {v.id: t("version.option", lang, id=v.id, periods=", ".join(v.periods) or "–",
                     level=t(f"level.{v.level}", lang) if v.level else "–", when=when(v.published_at)) for v in versions}
    pinned = pinned_version()
    if st.session_state.get("w_version") != pinned:  # the URL is the source of truth
        st.session_state["w_version"] = pinned if pinned in ids else None

    def chosen() -> None:
        value = st.session_state.get("w_version")
        if value is None:
            st.query_params.pop("v", None)
        else:
            st.query_params["v"] = str(value)

    st.selectbox(t("version.label", lang), ids, key="w_version", on_change=chosen,
                 format_func=lambda i: t("version.latest", lang) if i is None else label[i])


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


def sample_banner(lang: str, level: str | None = None, period: str | None = None) -> None:
    """The sample label, or the stamp of the published version shown, and any data message."""
    data_messages(lang)
    if source().is_sample:
        st.warning(f"**{t('sample.banner', lang)}** — {t('sample.explain', lang)}", icon=":material/science:")
    elif level:
        show_stamp(level, period, lang)


def metrics(tot: Totals, level_label: str, lang: str, large: bool = False) -> None:
    cols = st.columns(4)
    diff = tot.coverage - tot.target
    cols[0].metric(t("metric.coverage_of", lang), fmt.percent(tot.coverage, lang), t("metric.vs_target", lang, diff=fmt.points(diff, lang)), delta_color="green" if diff >= 0 else "red", delta_arrow="up" if diff >= 0 else "down")
    cols[1].metric(t("metric.below_count", lang, level=level_label), t("metric.below_value", lang, n=fmt.number(tot.below, lang), total=fmt.number(tot.areas_with_data, lang)))
    cols[2].metric(t("metric.gap", lang), fmt.number(tot.gap_to_target, lang))
    cols[3].metric(t("metric.bantuan", lang), fmt.number(tot.bantuan, lang))
    st.caption(f"{t('metric.target', lang)}: {fmt.percent(tot.target, lang)} · {t('metric.tenaga_kerja', lang)}: {fmt.number(tot.tenaga_kerja, lang)} · "
               f"{t('metric.peserta', lang)}: {fmt.number(tot.peserta_aktif, lang)} — {t('map.click_hint', lang)}")


def map_options(state: ViewState, level: str, title: str | None = None, subtitle: str | None = None, legend_scale: float = 1.0,
                frame=None) -> maps.MapOptions:
    color = state.color if state.color != "change" or len(data.periods(source())) > 1 else "gap"
    note = target_note(frame, state.lang) if frame is not None else ""
    note = f" · {note}" if note else ""
    return maps.MapOptions(
        color=color,
        level=level, target=display_target(state), lang=state.lang, basemap=state.basemap, is_sample=source().is_sample,
        title=title, subtitle=subtitle, selected=state.sel, legend_scale=legend_scale,
        source_line=t("map.source_line", state.lang) + note + (f" · {t('sample.banner', state.lang)}" if source().is_sample else ""),
    )


def display_target(state: ViewState) -> float:
    """The what-if target, else the schedule's province default for the period (legend, subtitles)."""
    from geo import targets

    if state.target is not None:
        return float(state.target)
    return targets.province_default(data.target_schedule(), effective_period(state))[0]


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

            named = stamp_text(level, period, lang) or (src.name if not src.is_sample else "")
            # Titles carry the file name and period from the table: '$' must not start matplotlib math
            # (geo.render also turns it off; kept here so the page never depends on that default).
            with matplotlib.rc_context({"text.parse_math": False}):
                return render_map(frame, level, lang=lang, title=title, period=period, target=display_target(state),
                                  is_sample=src.is_sample, data_source=named, kab=kab, fmt=fmt_,
                                  color=opts.color, iuran=state.iuran, months=state.bulan)

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


def column_formats(shown, lang: str) -> dict:
    """Numbers in the UI language through Streamlit's column formats: cells stay numeric (sorting
    stays numeric) and nothing is formatted per cell in Python, so a table costs a new session
    only its Arrow bytes (a pandas Styler cost ~0.1 s per session for the 262 Ketapang desa).
    Thousands use the language's separator (printf ``%'.,d``); percentages follow the browser's
    locale in Indonesian, two decimals in English.
    """
    counts = "%'.,d" if lang == "id" else "%,d"
    config = {t(k, lang): st.column_config.NumberColumn(format=counts)
              for k in ("col.rank", "col.tenaga_kerja", "col.peserta_aktif", "col.gap", "col.bantuan", "cost.col",
                        "plan.col_slots", "plan.col_cost")}
    config |= {t(k, lang): st.column_config.NumberColumn(format="localized" if lang == "id" else "%.2f")
               for k in ("col.cakupan", "col.target", "col.change", "plan.col_new_coverage")}
    return {k: v for k, v in config.items() if k in shown.columns}


def show_table(shown, lang: str) -> None:
    """Sortable table with numbers in the UI language."""
    st.dataframe(shown, hide_index=True, column_config=column_formats(shown, lang))


def area_table(frame, level: str, state: ViewState, file_stem: str) -> None:
    from geo import plan

    lang = state.lang
    file_stem = safe.file_part(file_stem, 120)  # the period comes from the table
    frame = plan.with_cost(frame, state.iuran, state.bulan)  # the cost of each area's gap, a column of the table and downloads
    if lang == "en" and "target_sumber_en" in frame:
        frame = frame.assign(target_sumber=frame["target_sumber_en"])  # where each target came from, in the UI language
    shown = data.ranked_tables(data.frame_digest(frame), frame, level, lang)[0]
    show_table(shown, lang)
    notes = [t("download.note", lang), t("cost.note", lang, iuran=fmt.rupiah(state.iuran, lang), months=state.bulan)]
    if note := target_note(frame, lang):
        notes.append(note)
    if stamp := stamp_text(level, effective_period(state), lang):
        notes.insert(0, stamp)
    sample = source().is_sample
    c1, c2 = st.columns(2)
    c1.download_button("CSV", lambda: to_csv(shown, sample, lang, notes), file_name=f"{file_stem}.csv", mime="text/csv",
                       key=f"csv_{file_stem}", icon=":material/download:", on_click="ignore")
    c2.download_button("XLSX", lambda: to_xlsx(shown, sample, lang, notes), file_name=f"{file_stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx_{file_stem}",
                       icon=":material/download:", on_click="ignore")


def priorities(frame, level: str, lang: str, n: int = 10) -> None:
    _shown, top, share = data.ranked_tables(data.frame_digest(frame), frame, level, lang, n)
    if top.empty:
        return
    st.markdown(f"**{t('priority.title', lang, n=len(top))}** — {t('priority.share', lang, share=fmt.percent(share, lang, 1))}")
    show_table(top, lang)


def stored_reports(level: str, lang: str) -> None:
    """For published data: the join report stored with each version in force at ``level``."""
    src = source()
    for vid in sorted({v for lv, _p, v in src.published if lv == level}):
        version = data.version_info(vid)
        report = data.stored_report(vid)
        s = report.get("summary", {})
        problems = s.get("unmatched", 0) + s.get("ambiguous", 0) + s.get("invalid", 0) + s.get("duplicate", 0)
        title = t("join.title", lang) + " — " + t(f"level.{level}", lang) + f" · v{vid}"
        with st.expander(title, expanded=False):
            st.text(t("publish.report_stored", lang, id=vid, file=version.filename if version else "?"))
            st.text(t("join.summary", lang, rows=s.get("rows", 0), matched=s.get("matched", 0), unmatched=s.get("unmatched", 0),
                      ambiguous=s.get("ambiguous", 0), invalid=s.get("invalid", 0), duplicate=s.get("duplicate", 0)))
            rows = [r for key in ("unmatched", "ambiguous", "invalid", "duplicate") for r in report.get(key, [])]
            if problems and rows:
                st.dataframe([{t("col.row", lang): r.get("baris"), "input": r.get("input"), "status": r.get("status"),
                               "reason": r.get("reason")} for r in rows], hide_index=True)


def join_report(level: str, lang: str) -> None:
    if source().is_published:
        stored_reports(level, lang)
        return
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
        not_ok = data.join_report_messages(source(), level, lang)
        if len(not_ok):
            st.dataframe(not_ok, hide_index=True)
        missing = sum(len(v) for v in result.areas_without_data.values())
        st.caption(t("join.no_data_areas", lang, n=fmt.number(missing, lang)))
