"""View state <-> URL query <-> widgets. The URL is the source of truth, so links reproduce views."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo import viewstate
from geo.text import t
from geo.viewstate import ViewState

from . import data, safe

_SYNCED = "_synced_query"
_WIDGETS = ("target", "basemap", "lang", "below", "q", "present", "level", "kab", "kec", "color", "period")


def _params() -> dict[str, str]:
    return {k: st.query_params.get(k) for k in st.query_params.keys()}


def read(default: ViewState, source: data.Source) -> ViewState:
    """The state for this run; widget keys are reset from the URL only when the URL changed from outside."""
    params = _params()
    state, problems = viewstate.parse(
        params,
        data.areas("kabupaten")["kode"],
        data.areas("kecamatan")["kode"],
        data.areas("desa")["kode"],
        data.periods(source),
        default,
    )
    for p in problems:
        st.warning(safe.md(t(p.key, state.lang, param=p.param, value=p.value)), icon=":material/warning:")
    from_url = st.session_state.get(_SYNCED) != params or bool(problems)
    for name in _WIDGETS:
        # Streamlit drops a widget's value when a page without it runs (page switch), so a
        # missing key is refilled from the URL too; otherwise the widget would reset to 0.
        if from_url or f"w_{name}" not in st.session_state:
            st.session_state[f"w_{name}"] = getattr(state, name)
        else:
            # A page switch gives the same key a new widget, which would start from its default
            # (the target from min_value 0): hand the value over explicitly.
            st.session_state[f"w_{name}"] = st.session_state[f"w_{name}"]
    st.session_state[_SYNCED] = params
    return state


def from_widgets(state: ViewState) -> ViewState:
    """Apply the shared widgets' current values."""
    ss = st.session_state
    return replace(
        state,
        target=float(ss.get("w_target", state.target)),
        basemap=ss.get("w_basemap", state.basemap),
        lang=ss.get("w_lang", state.lang),
        below=bool(ss.get("w_below", state.below)),
        q=str(ss.get("w_q", state.q) or ""),
        present=bool(ss.get("w_present", state.present)),
        color=ss.get("w_color", state.color),
        period=ss.get("w_period", state.period),
    )


def write(state: ViewState, default: ViewState) -> None:
    """Put the state in the address bar (only when it changed, so reruns stay quiet)."""
    query = viewstate.to_query(state, default)
    if query != _params():
        st.query_params.from_dict(query)
    st.session_state[_SYNCED] = query


def share_url(state: ViewState, default: ViewState, page_path: str) -> str:
    from urllib.parse import urlencode

    base = st.context.url.split("?")[0] if getattr(st.context, "url", None) else ""
    if base and page_path and not base.rstrip("/").endswith(page_path):
        root = base.rstrip("/").rsplit("/", 1)[0] if base.rstrip("/").rsplit("/", 1)[-1] in ("kabupaten", "desa", "ringkasan") else base.rstrip("/")
        base = f"{root}/{page_path}"
    query = urlencode(viewstate.to_query(state, default))
    return f"{base}?{query}" if query else base
