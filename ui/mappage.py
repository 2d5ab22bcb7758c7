"""The one skeleton of the three map pages (Ringkasan, Kabupaten/Kota, Desa/Kelurahan).

A map page is: the view state from the URL (:func:`start`), what the view shows (:func:`view`: the core's
``geo.view.shown``), the head of the page with its figures and the map, or presentation mode (:func:`top`), then
the sidebar's controls and share link (:func:`controls`, :func:`share`), then the page's own blocks below.
A click on the map is handled by the page: the summary and the kabupaten page open the desa page one level
down (:func:`open_desa`), the desa page drills down in place.

Why the map comes before the sidebar's widgets: Streamlit sends each element as the script creates it, and
a phone renders them in that order; on a mid-range phone (4× slower CPU) every widget sent before the map
delayed the map's iframe by seconds (issue 29). The sidebar is its own column, so building it after the map
changes nothing on screen; the values the view reads are made valid first (``sidebar.settle``).
"""

from __future__ import annotations

import streamlit as st

from geo import viewstate
from geo.text import t
from geo.view import shown
from geo.view.shown import Shown
from geo.viewstate import ViewState

from . import blocks, cache, phone, present, session
from .session import Source
from .sidebar import page_css, settle, share_link, sidebar
from .urlstate import read, write

SUMMARY_PAGE = "screens/ringkasan.py"
KABUPATEN_PAGE = "screens/kabupaten.py"
DESA_PAGE = "screens/desa.py"


def start(page: str) -> tuple[Source, ViewState]:
    """The data this run shows and the view state from the URL (the sidebar's values valid; its widgets are
    laid out after the map, by :func:`controls`)."""
    src = session.source()
    state = read(page, src)
    phone.layout()
    page_css()
    settle()
    return src, state


def view(page: str, state: ViewState, src: Source) -> Shown:
    """What the page shows for ``state`` (the core's ``geo.view.shown``: the same view the page's link
    preview, instant picture and map files were worked out for), with the state as the page shows it in the
    address bar (and in the share link, :func:`share`)."""
    state = shown.for_page(page, state)
    write(state, shown.default(page))
    return shown.shown(page, state, cache.data(src))


def controls(state: ViewState) -> None:
    """The sidebar's controls, for the view state read from the URL (``start``'s): after the map."""
    sidebar(state)


def share(v: Shown, page: str) -> None:
    """The "Bagikan tautan" control at the foot of the sidebar: the address that reopens this view."""
    share_link(v.state, shown.default(page), page)


def top(
    v: Shown, heading: str, map_key: str, caption: str | None = None, notes: tuple[tuple[str, str], ...] = ()
) -> str | None:
    """Title, data label, figures, cost and the map; or the presentation. Returns a clicked area's code.

    ``notes`` are (kind, text) pairs shown above the figures ("info" or "warning"), e.g. a search result.
    """
    if v.state.present:
        return present.show(v.frame, v.tot, v.state, v.level, v.area, v.period, v.opts, v.frame_key, map_key)
    # One container: on phones (ui/phone) its captions move below the map, the rest stays on the first screen.
    with st.container(key="pjk-top"):
        st.title(heading)
        if caption:
            st.container(key="pjk-later-caption").caption(caption)
        blocks.sample_banner(v.lang, v.level, v.period)
        for kind, text in notes:
            (st.info if kind == "info" else st.warning)(text)
        blocks.metrics(v.tot, t(f"level.{v.level}", v.lang), v.lang, v.data.workers_note(v.level, v.lang), v.level)
        with st.container(key="pjk-later-cost"):
            blocks.cost_line(v.frame, v.tot, v.state)
        return blocks.show_map(v.frame, v.opts, v.frame_key, dim=v.dim, key=map_key)


def open_desa(state: ViewState, kode: str) -> None:
    """A click on a kabupaten: the desa page one level down; colouring, planning inputs and version carried."""
    st.switch_page(DESA_PAGE, query_params=viewstate.to_query(state.drill(kode), shown.default("desa")))
