"""View state <-> URL query <-> widgets. The URL is the source of truth, so links reproduce views."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import streamlit as st

from geo import viewstate
from geo.text import t
from geo.view import shown
from geo.viewstate import ViewState

from . import cache, safe
from .session import Source, source

SYNCED_KEY = "_synced_query"  # session_state: the URL as this session last read or wrote it
_WIDGETS = (
    "target",
    "basemap",
    "lang",
    "below",
    "q",
    "present",
    "level",
    "kab",
    "kec",
    "color",
    "period",
    "iuran",
    "bulan",
    "slots",
)


def _params() -> dict[str, str]:
    return {k: st.query_params.get(k) for k in st.query_params.keys()}


def read(page: str, src: Source) -> ViewState:
    """The state for this run; widget keys are reset from the URL only when the URL changed from outside."""
    params = _params()
    state, problems = shown.parse(page, params, cache.data(src))
    for p in problems:
        st.warning(safe.md(t(p.key, state.lang, param=p.param, value=p.value)), icon=":material/warning:")
    from_url = st.session_state.get(SYNCED_KEY) != params or bool(problems)
    for name in _WIDGETS:
        # Streamlit drops a widget's value when a page without it runs (page switch), so a
        # missing key is refilled from the URL too; otherwise the widget would reset to 0.
        if from_url or f"w_{name}" not in st.session_state:
            st.session_state[f"w_{name}"] = getattr(state, name)
        else:
            # The same sidebar control on another page is a new widget, which would start at its
            # default (number inputs: their minimum, e.g. a 0% target or Rp1). Set by us, the value carries over.
            st.session_state[f"w_{name}"] = st.session_state[f"w_{name}"]
    st.session_state[SYNCED_KEY] = params
    return state


def from_widgets(state: ViewState) -> ViewState:
    """Apply the shared widgets' current values."""
    ss = st.session_state
    return replace(
        state,
        target=_what_if(ss.get("w_target", state.target)),
        basemap=ss.get("w_basemap", state.basemap),
        lang=ss.get("w_lang", state.lang),
        below=bool(ss.get("w_below", state.below)),
        q=str(ss.get("w_q", state.q) or ""),
        present=bool(ss.get("w_present", state.present)),
        color=ss.get("w_color", state.color),
        period=_period_choice(ss.get("w_period", state.period)),
        iuran=int(ss.get("w_iuran", state.iuran) or state.iuran),
        bulan=int(ss.get("w_bulan", state.bulan) or state.bulan),
        slots=int(ss.get("w_slots", state.slots) or 0),
    )


def _period_choice(value: str | None) -> str | None:
    """The sidebar's period: the latest is the default view (None, no ``period`` in the URL), any other is kept."""
    periods = cache.periods(source())
    return None if value is None or (periods and value == periods[-1]) else value


def _what_if(value) -> float | None:
    """The sidebar target: empty = the target schedule, a number = "what if" for every area."""
    return None if value is None else float(value)


def write(state: ViewState, default: ViewState) -> None:
    """Put the state in the address bar (only when it changed, so reruns stay quiet)."""
    query = viewstate.to_query(state, default)
    if query != _params():
        st.query_params.from_dict(query)
    st.session_state[SYNCED_KEY] = query


PAGE_PATHS = ("ringkasan", "kabupaten", "desa", "terbitkan", "admin", "masuk")  # url_path of every st.Page in shell.py
DEFAULT_PAGE = "ringkasan"  # st.navigation serves the default page at the root only ("/ringkasan" is "page not found")


def share_url(state: ViewState, default: ViewState, page_path: str) -> str:
    """The address that reopens this view: the app's root plus the page's path (none for the default page)."""
    base = st.context.url.split("?")[0] if getattr(st.context, "url", None) else ""
    root = base.rstrip("/")
    if root.rsplit("/", 1)[-1] in PAGE_PATHS:
        root = root.rsplit("/", 1)[0]
    page = "" if page_path in ("", DEFAULT_PAGE) else page_path
    url = f"{root}/{page}"
    query = urlencode(viewstate.to_query(state, default))
    return f"{url}?{query}" if query else url


def effective_period(state: ViewState) -> str | None:
    """The period a view shows: the one asked for if the data has it, else the latest."""
    return cache.data(source()).period_or_latest(state.period)


def display_target(state: ViewState) -> float:
    """The what-if target, else the schedule's province default for the period (legend, subtitles)."""
    return shown.display_target(cache.data(source()), state, effective_period(state))
