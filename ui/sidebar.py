"""The sidebar of the map pages: language, planning inputs, period, colouring, data, share link.

Every control is bound to the URL through a ``w_*`` key (see ui/urlstate), so a link reopens it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import LEVELS, fmt, plan, targets
from geo.period import label as period_label
from geo.stamp import when
from geo.store import StoreError
from geo.table import TableError, template_csv
from geo.text import t
from geo.viewstate import BASEMAP_CHOICES, ViewState
from streamlit_boundary import dom

from . import blocks, cache, safe, session, uploads
from .urlstate import effective_period, share_url

REJECTED_KEY = "_rejected"  # session_state: (source key, file name, TableError) of the last refused upload


def page_css() -> None:
    """Less empty space above the content, so the map shows on a 1366×768 laptop without scrolling."""
    st.html(dom.css("<style>[testid=stMainBlockContainer]{padding-top:4.25rem !important}</style>"))


def colorings(periods: list[str]) -> list[str]:
    """The colourings the sidebar offers: "change" only when there are two periods to compare."""
    return ["gap", "coverage"] + (["change"] if len(periods) > 1 else []) + ["pace"]


def settle() -> None:
    """Make the sidebar's period and colouring valid before the view reads them: the map page works out its
    view and sends its map before the sidebar's widgets are laid out (ui/mappage)."""
    periods = cache.periods(session.source())
    # Each period once, always one chosen: the latest stands for "no period in the URL" (ui/urlstate).
    if len(periods) > 1 and st.session_state.get("w_period") not in periods:
        st.session_state["w_period"] = periods[-1]
    if st.session_state.get("w_color") not in colorings(periods):  # "change" from a link, with one period only
        st.session_state["w_color"] = "gap"


def sidebar(state: ViewState) -> None:
    """Shared controls: language, data, target, period, basemap (their values made valid by :func:`settle`)."""
    lang = state.lang
    sb = st.sidebar
    sb.radio(
        t("control.language", lang),
        ["id", "en"],
        key="w_lang",
        horizontal=True,
        format_func=lambda c: {"id": "Bahasa Indonesia", "en": "English"}[c],
    )
    planning_inputs(sb, state)
    periods = cache.periods(session.source())
    if len(periods) > 1:
        # Each period once, always one chosen (no placeholder in Streamlit's English): the latest stands for
        # "no period in the URL"; any other choice goes into the URL and the share link (ui/urlstate.from_widgets).
        latest = periods[-1]
        sb.selectbox(
            t("control.period", lang),
            periods,
            key="w_period",
            format_func=lambda p: (
                (period_label(p, lang) or "–") + (f" ({t('control.latest', lang)})" if p == latest else "")
            ),
        )
    sb.selectbox(
        t("control.basemap", lang),
        list(BASEMAP_CHOICES),
        key="w_basemap",
        format_func=lambda b: t(f"basemap.{b}", lang),
    )
    sb.radio(
        t("control.color", lang),
        colorings(periods),
        key="w_color",
        format_func=lambda c: t("legend.color_gap" if c == "gap" else f"color.{c}", lang),
    )
    sb.toggle(t("control.present", lang), key="w_present")
    with sb.expander(t("control.data", lang), expanded=not session.source().is_sample):
        data_section(lang)


def data_section(lang: str) -> None:
    """Which data is shown, an older version, a planner's own table (a preview), the templates."""
    src = session.source()
    st.caption(
        t("using.sample", lang)
        if src.is_sample
        else t("publish.using", lang)
        if src.is_published
        else safe.md(t("publish.preview", lang, name=src.name))
    )
    version_picker(lang)
    if uploads.allowed():
        upload_section(src, lang)
    else:
        st.caption(t("upload.visitors_off", lang))
    if (
        not src.is_sample
        and not src.is_published
        and st.button(t("publish.use_published" if session.has_published() else "control.use_sample", lang))
    ):
        session.use(session.SAMPLE)
        st.rerun()
    for lv in ("kabupaten", "desa"):
        st.download_button(
            t("template.download", lang, level=t(f"level.{lv}", lang)),
            template_csv(lv).encode("utf-8"),
            file_name=f"templat_{lv}.csv",
            mime="text/csv",
            key=f"tpl_{lv}",
        )


def upload_section(src: session.Source, lang: str) -> None:
    """A planner's own table, previewed in this session only (bounded: ui/uploads, geo/limits)."""
    level = st.selectbox(
        t("control.upload_level", lang),
        list(LEVELS),
        format_func=lambda lv: t(f"level.{lv}", lang),
        key="w_upload_level",
    )
    up = st.file_uploader(
        t("control.upload", lang),
        type=["csv", "xlsx"],
        help=t("control.upload_help", lang),
        key="w_upload",
        max_upload_size=uploads.max_upload_mb(),
    )
    if up is not None:
        candidate = session.upload_source(up.name, up.getvalue(), level)
        if candidate != src and st.session_state.get(REJECTED_KEY, (None,))[0] != candidate.key:
            try:
                cache.level_tables(candidate, wait=False)  # read + join once; a bad file never becomes the source
            except uploads.Busy:
                st.warning(t("upload.busy", lang), icon=":material/hourglass_top:")
            except TableError as exc:
                st.session_state[REJECTED_KEY] = (candidate.key, candidate.name, exc)
            else:
                session.use(candidate)
                st.rerun()
    rejected = st.session_state.get(REJECTED_KEY)
    if rejected and up is not None and rejected[0] == session.upload_source(up.name, up.getvalue(), level).key:
        st.error(
            safe.md(t("error.upload_rejected", lang, name=rejected[1], detail=rejected[2].message(lang))),
            icon=":material/error:",
        )


def planning_inputs(sb, state: ViewState) -> None:  # noqa: ANN001 - the sidebar's DeltaGenerator
    """Target ("what if", empty = schedule), contribution per month and months: part of the URL."""
    lang = state.lang
    default, label = targets.province_default(session.target_schedule(), effective_period(state))
    sb.number_input(
        t("control.target", lang),
        min_value=0.0,
        max_value=100.0,
        step=0.5,
        format="%.2f",
        key="w_target",
        help=t("targets.control_help", lang),
        placeholder=t("targets.control_placeholder", lang, target=f"{fmt.percent(default, lang)} ({label})"),
    )
    c1, c2 = sb.columns([3, 2])
    c1.number_input(
        t("cost.iuran", lang),
        min_value=1,
        max_value=plan.MAX_IURAN,
        step=100,
        key="w_iuran",
        help=t("cost.iuran_help", lang),
    )
    c2.number_input(t("cost.bulan", lang), min_value=1, max_value=plan.MAX_MONTHS, step=1, key="w_bulan")
    if not st.session_state.get("w_present"):  # the schedule in force (hidden with the sidebar when presenting)
        box = sb.expander(t("targets.title", lang), icon=":material/flag:")

        def schedule() -> None:
            with box:
                schedule_view(lang)

        session.after_page(schedule)


def schedule_view(lang: str) -> None:
    """The target schedule in force, one row per period and area, with where it came from."""
    sched = session.target_schedule()
    rows = sched.rows.sort_values(["periode", "kode"])
    kab = cache.areas("kabupaten")
    names = dict(zip(kab["kode"], kab["nama"], strict=True))
    shown = pd.DataFrame(
        {
            t("col.periode", lang): rows["periode"],
            t("col.kode", lang): rows["kode"],
            t("col.nama", lang): rows["kode"].map(
                lambda k: t("level.provinsi", lang) if k == "61" else names.get(k, k)
            ),
            t("col.target", lang): rows["target_persen"],  # a number: the table writes it in the page's language
            t("targets.col_note", lang): rows["keterangan"],
        }
    )
    st.caption(
        t("targets.show_origin", lang, origin=t(f"targets.origin_{sched.origin}", lang), version=sched.version or "–")
    )
    # the same for every viewer of a schedule: drawn once per process and content, replayed for each new session
    blocks.table(shown, lang, shared=True)
    st.caption(t("targets.control_help", lang))


def version_picker(lang: str) -> None:
    """Open an older published version: the choice goes into the address (``v``), so links keep it."""
    try:
        versions = session.versions()
    except StoreError:
        return
    if not versions:
        return
    ids = [None, *[v.id for v in versions]]
    label = {
        v.id: t(
            "version.option",
            lang,
            id=v.id,
            periods=", ".join(period_label(p, lang) for p in v.periods) or "–",
            level=t(f"level.{v.level}", lang) if v.level else "–",
            when=when(v.published_at),
        )
        for v in versions
    }
    pinned = session.pinned_version()
    if st.session_state.get("w_version") != pinned:  # the URL is the source of truth
        st.session_state["w_version"] = pinned if pinned in ids else None

    def chosen() -> None:
        value = st.session_state.get("w_version")
        if value is None:
            st.query_params.pop("v", None)
        else:
            st.query_params["v"] = str(value)

    st.selectbox(
        t("version.label", lang),
        ids,
        key="w_version",
        on_change=chosen,
        format_func=lambda i: t("version.latest", lang) if i is None else label[i],
    )


def share_link(state: ViewState, default: ViewState, page_path: str) -> None:
    """The "Bagikan tautan" control: the address that reopens exactly this view."""
    lang = state.lang
    with st.sidebar.expander(t("share.label", lang), icon=":material/link:", expanded=False):
        # A text box, not st.code: the code block pulls Streamlit's 1.5 MB syntax highlighter into
        # every first visit, which on a 4 Mbit/s line costs about 3 s before the map appears.
        url = share_url(state, default, page_path)
        st.text_input(t("share.caption", lang), url, key=f"share_{page_path}_{hash(url)}")
        st.caption(t("share.help", lang))
