"""The phone layout: what changes when the screen is at most 640 px wide (a link opened from a chat).

All of it is CSS under one media query, so a wider screen sees exactly the desktop page. Blocks that
move or fold on phones sit in containers with ``pjk-*`` keys (Streamlit gives each a ``st-key-…`` class):

- ``pjk-top``: the head of a map page. On phones its notes (``pjk-later-*``: captions, the cost line) move
  below the map (CSS ``order``), so the first screen holds a one-line title, the compact sample label or
  stamp, the figures in two columns, and the top of the map.
- ``pjk-sample-full`` / ``pjk-sample-chip``: the sample banner; on phones the one-line chip instead.
- ``pjk-sel-line`` / ``pjk-explorer``: the desa page's selectors fold behind one line that says the current
  selection (a ``<details>`` summary; tapping it shows the selectors, which are rendered once, here).
- the map's iframe takes a share of the screen's height instead of a fixed 560 px.

Inside the map (its own document), the legend and title box fold into one button (geo/maps.py CSS).
"""

from __future__ import annotations

import html

import streamlit as st

from geo.text import t
from streamlit_boundary import dom

NARROW = "(max-width: 640px)"  # the phone layout's one breakpoint (Streamlit stacks columns at 640 px too)
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'

_CSS = dom.css(f"""
<style>
/* every width: Streamlit fades captions to 60% opacity (#828180 on white, 3.9:1: fails WCAG AA); 6.4:1 here */
[testid=stCaptionContainer] {{opacity: 1 !important; color: #5e5d5c !important;}}
.st-key-pjk-sample-chip, .st-key-pjk-sel-line {{display: none;}}
@media {NARROW} {{
  [testid=stMainBlockContainer] {{padding: 3.6rem .8rem 1rem .8rem !important;}}
  [testid=stHeading] h1 {{font-size: 1.3rem !important; line-height: 1.35; padding: .1rem 0 0 0 !important;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
  [testid=stHeading] h1 [testid=stHeaderActionElements] {{display: none;}}
  /* the stamp line (which period, which version) in full under the title, never under its letters */
  [testid=stHeading] {{margin-bottom: 0 !important;}}
  .pjk-stamp {{margin: .6rem 0 .2rem 0 !important; line-height: 1.35; position: relative;}}
  .st-key-pjk-top {{gap: .45rem;}}
  .st-key-pjk-top > div:has(> [class*="st-key-pjk-later"]) {{order: 10;}}
  .st-key-pjk-sample-full {{display: none;}}
  .st-key-pjk-sample-chip, .st-key-pjk-sel-line {{display: block;}}
  div:has(> .st-key-pjk-sel-line) {{order: -1;}}
  .pjk-chip {{display: inline-block; padding: .05rem .5rem; font-size: .8rem; font-weight: 700; color: #5c4400;
    background: #fff3cd; border: 1px solid #b8860b; border-radius: .3rem;}}
  .st-key-pjk-figs [testid=stHorizontalBlock] {{flex-wrap: wrap !important; gap: .25rem .75rem !important;}}
  .st-key-pjk-figs [testid=stColumn] {{flex: 1 1 calc(50% - .5rem) !important;
    min-width: calc(50% - .5rem) !important; width: calc(50% - .5rem) !important;}}
  .st-key-pjk-figs [testid=stMetricValue] {{font-size: 1.35rem !important;}}
  .st-key-pjk-figs [testid=stMetricLabel] p {{font-size: .78rem !important;}}
  .st-key-pjk-figs [testid=stMetricDelta] {{font-size: .75rem !important;}}
  {MAP_IFRAME} {{height: 68vh !important; min-height: 300px;}}
  body:not(:has(.pjk-sel[open])) .st-key-pjk-explorer {{display: none;}}
  .pjk-sel summary {{font-size: .9rem; padding: .4rem .6rem; border: 1px solid #bbb; border-radius: .4rem;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; color: #1a1a1a;}}
  .pjk-sel summary b {{font-weight: 700;}}
  .pjk-sel summary span {{color: #225ea8; text-decoration: underline;}}
}}
</style>
""")


def layout() -> None:
    """The phone layout's CSS (and the caption contrast fix for every width), once per page run."""
    st.html(_CSS)


def sample_chip(lang: str) -> None:
    """The sample label in one line, for phones (the full banner is hidden there)."""
    with st.container(key="pjk-sample-chip"):
        st.html(f'<div class="pjk-chip">{html.escape(t("sample.banner", lang))}</div>')


def selection_line(parts: list[str], lang: str) -> None:
    """One line saying the desa page's current selection; a tap shows the selectors (phones only).

    ``parts`` are area names and the level, shown as plain text.
    """
    said = " · ".join(html.escape(p) for p in parts if p)
    with st.container(key="pjk-sel-line"):
        st.html(
            f'<details class="pjk-sel"><summary><b>{said}</b> — '
            f"<span>{html.escape(t('phone.change', lang))}</span></summary></details>"
        )
