"""The desa page's explorer controls: kabupaten → kecamatan → map level, search, below-only, breadcrumb.

Bound to the URL through the ``w_*`` keys like the sidebar. In presentation mode they move to the
(hidden) sidebar: still rendered, so their state and the URL survive; a click on the map still drills down.
"""

from __future__ import annotations

import streamlit as st

from geo import LEVELS
from geo.text import t
from geo.viewstate import ViewState

from . import cache, phone, safe, urlstate


def names(level: str) -> dict[str, str]:
    areas = cache.areas(level)
    return dict(zip(areas["kode"], areas["nama"], strict=True))


def _kec_choices(kab: str | None) -> list[str | None]:
    kec_areas = cache.areas("kecamatan")
    return [None, *kec_areas.kode[kec_areas.kode_kab == kab]] if kab else [None]


def settle() -> None:
    """Make the kabupaten, kecamatan and map level valid before the view reads them: the page sends its map
    before these selectors are laid out (ui/mappage)."""
    ss = st.session_state
    if ss.get("w_kab") not in (None, *cache.areas("kabupaten").kode):
        ss["w_kab"] = None
    kab = ss.get("w_kab")
    if ss.get("w_kec") not in _kec_choices(kab):
        ss["w_kec"] = None
    kec = ss.get("w_kec")
    allowed = [lv for lv in LEVELS if (lv != "kabupaten" or not kab) and (lv != "kecamatan" or not kec)]
    if ss.get("w_level") not in allowed:
        ss["w_level"] = "desa"


def place(lang: str):  # noqa: ANN201 - the selectors' container, or None in presentation mode
    """The selectors' place above the map, reserved before the map is sent; :func:`controls` fills it after.

    In presentation mode they go to the (hidden) sidebar instead: None here, their container made by
    :func:`controls` after the sidebar's own controls.
    """
    if st.session_state.get("w_present"):
        return None
    # on phones folded behind one line saying the selection (ui/phone); on wider screens as they are
    box = st.container(key="pjk-explorer")
    # after the selectors in the page (wide screens never show it), first on a phone's screen (CSS order)
    phone.selection_line(_selection(lang), lang)
    return box


def controls(box, lang: str):  # noqa: ANN001, ANN201 - the container from place (or None); the breadcrumb's
    """Kabupaten, kecamatan, map level and search (valid values: :func:`settle`), in ``box`` or, in
    presentation mode, in the sidebar; returns their container (the breadcrumb follows in it)."""
    kab_areas = cache.areas("kabupaten")
    kab_names, kec_names = names("kabupaten"), names("kecamatan")
    if box is None:
        box = st.sidebar.container()
    c1, c2, c3, c4 = box.columns(4, vertical_alignment="bottom")
    c1.selectbox(
        t("control.kabupaten", lang),
        [None, *kab_areas.kode],
        key="w_kab",
        placeholder=t("control.all_province", lang),
        format_func=lambda k: t("control.all_province", lang) if k is None else kab_names[k],
    )
    kab = st.session_state.get("w_kab")
    c2.selectbox(
        t("control.kecamatan", lang),
        _kec_choices(kab),
        key="w_kec",
        disabled=not kab,
        placeholder=t("control.all_kecamatan", lang),
        format_func=lambda k: t("control.all_kecamatan", lang) if k is None else kec_names[k],
    )
    kec = st.session_state.get("w_kec")
    allowed = [lv for lv in LEVELS if (lv != "kabupaten" or not kab) and (lv != "kecamatan" or not kec)]
    c3.selectbox(t("control.map_level", lang), allowed, key="w_level", format_func=lambda lv: t(f"level.{lv}", lang))
    c4.text_input(t("control.search", lang), key="w_q", placeholder=t("control.search_placeholder", lang))
    return box


def _selection(lang: str) -> list[str]:
    """The current selection in words: kabupaten, kecamatan, map level, search text, below-only."""
    ss = st.session_state
    kab, kec, level, q = ss.get("w_kab"), ss.get("w_kec"), ss.get("w_level") or "desa", ss.get("w_q")
    return [
        names("kabupaten").get(kab, "") if kab else t("control.all_province", lang),
        names("kecamatan").get(kec, "") if kec else "",
        t(f"level.{level}", lang) if level in LEVELS else "",
        f"“{q}”" if q else "",
        t("phone.below_only", lang) if ss.get("w_below") else "",
    ]


def breadcrumb(box, state: ViewState, default: ViewState) -> None:  # noqa: ANN001 - a Streamlit container
    """Province › kabupaten › kecamatan, each a step back up; and the below-only toggle."""
    lang, kab, kec = state.lang, state.kab, state.kec
    crumbs = box.columns([1, 1.3, 1.3, 1.6], vertical_alignment="center")
    crumbs[3].toggle(t("control.below_only", lang), key="w_below")
    if kab and crumbs[0].button(
        t("breadcrumb.province", lang), icon=":material/home:", disabled=not kab, key="bc_prov"
    ):
        go(state.up("provinsi"), default)
    if kab and crumbs[1].button("› " + safe.md(names("kabupaten")[kab]), disabled=not kec, key="bc_kab"):
        go(state.up("kabupaten"), default)
    if kec:
        crumbs[2].markdown(f"› **{safe.md(names('kecamatan')[kec])}**")


def go(state: ViewState, default: ViewState) -> None:
    """Open ``state`` on this page: into the URL, widgets refilled from it on the next run."""
    urlstate.write(state, default)
    st.session_state.pop(urlstate.SYNCED_KEY, None)  # the URL changed here: refill the widgets from it
    st.rerun()
