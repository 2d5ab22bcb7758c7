"""The one skeleton of the three map pages (Ringkasan, Kabupaten/Kota, Desa/Kelurahan).

A map page is: the view state from the URL and the sidebar (:func:`start`), the classified areas
in view (:func:`view`), the head of the page with its figures and the map, or presentation mode
(:func:`top`), then the page's own blocks below. A click on the map is handled by the page:
the summary and the kabupaten page open the desa page one level down (:func:`open_desa`), the
desa page drills down in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from geo import maps, ranking, viewstate
from geo.classify import Totals, totals
from geo.text import t
from geo.viewstate import ViewState

from . import blocks, cache, phone, present, session
from .session import Source
from .sidebar import sidebar
from .viewstate import effective_period, read, targets_token

DESA_PAGE = "screens/desa.py"


@dataclass(frozen=True)
class MapView:
    """What one run of a map page shows: the areas of ``level`` in ``scope``, classified, and how to draw them."""

    state: ViewState
    src: Source
    level: str
    scope: str | None  # kabupaten or kecamatan code the view is limited to
    period: str | None
    frame: pd.DataFrame  # every area in scope (search and below-only dim it, never drop it)
    tot: Totals
    opts: maps.MapOptions
    frame_key: tuple  # what the map's cached payload depends on
    area_label: str
    title: str
    dim: frozenset[str] = frozenset()  # areas the search or below-only filter greys out
    matches: pd.Series | None = None  # areas whose name matches the search, when there is one
    table_frame: pd.DataFrame | None = None  # the areas the tables list (the filters applied)

    @property
    def listed(self) -> pd.DataFrame:
        return self.frame if self.table_frame is None else self.table_frame

    @property
    def lang(self) -> str:
        return self.state.lang


def start(default: ViewState) -> tuple[Source, ViewState]:
    """The data this run shows and the view state from the URL, with the sidebar laid out."""
    src = session.source()
    state = read(default, src)
    phone.layout()
    sidebar(state)
    return src, state


def view(
    state: ViewState,
    src: Source,
    level: str,
    area_label: str,
    title: str,
    scope: str | None = None,
    filtered: bool = False,
) -> MapView:
    """Classify the areas of ``level`` (with the change since the previous period), limited to ``scope``.

    ``filtered``: the search text and below-only of the state grey out areas on the map and leave them out
    of the tables (the desa page); the figures always count every area in scope.
    """
    period = effective_period(state)
    frame = blocks.with_change(cache.classified(src, level, state.target, period), level, period)
    if scope:
        frame = frame[frame["kode"].str.startswith(scope + ".") | (frame["kode"] == scope)]
    matches, mask = ranking.view_filters(frame, state.q, state.below) if filtered else (None, None)
    dim = frozenset(frame.loc[~mask, "kode"]) if mask is not None else frozenset()
    opts = blocks.map_options(state, level, title=title, subtitle=period, frame=frame)
    frame_key = (src.key, level, scope, state.target, period, state.lang, state.sel, dim, targets_token(state))
    return MapView(
        state,
        src,
        level,
        scope,
        period,
        frame,
        totals(frame, state.target),
        opts,
        frame_key,
        area_label,
        title,
        dim,
        matches,
        frame[mask] if mask is not None else None,
    )


def top(
    v: MapView, heading: str, map_key: str, caption: str | None = None, notes: tuple[tuple[str, str], ...] = ()
) -> str | None:
    """Title, data label, figures, cost and the map; or the presentation. Returns a clicked area's code.

    ``notes`` are (kind, text) pairs shown above the figures ("info" or "warning"), e.g. a search result.
    """
    if v.state.present:
        return present.show(v.frame, v.tot, v.state, v.level, v.area_label, v.period, v.opts, v.frame_key, map_key)
    # One container: on phones (ui/phone) its captions move below the map, the rest stays on the first screen.
    with st.container(key="pjk-top"):
        st.title(heading)
        if caption:
            st.container(key="pjk-later-caption").caption(caption)
        blocks.sample_banner(v.lang, v.level, v.period)
        for kind, text in notes:
            (st.info if kind == "info" else st.warning)(text)
        blocks.metrics(
            v.tot, t(f"level.{v.level}", v.lang), v.lang, cache.workers_note(v.src, v.level, v.lang), v.level
        )
        with st.container(key="pjk-later-cost"):
            blocks.cost_line(v.frame, v.tot, v.state)
        return blocks.show_map(v.frame, v.opts, v.frame_key, dim=v.dim, key=map_key)


def open_desa(state: ViewState, kode: str) -> None:
    """A click on a kabupaten: the desa page one level down; colouring, planning inputs and version carried."""
    st.switch_page(DESA_PAGE, query_params=viewstate.to_query(state.drill(kode), ViewState(level="desa")))
