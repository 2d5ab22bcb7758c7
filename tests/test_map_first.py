"""The map's element is sent early in a map page's script run (issue 29), the page unchanged on screen.

Streamlit sends each element as the script creates it and the browser renders them in that order: on a
mid-range phone (Slow 4G and a 4× slower CPU) every widget sent before the map delayed its iframe by
seconds (the map's polygons at 15.9 s on ``/desa?kab=61.04``). Here a real ``streamlit run app.py``
session, spoken to over Streamlit's own websocket protocol (deploy/warm), records the elements of a first
visit in the order they arrive: the map comes before every sidebar widget, the desa page's selectors,
the tables and the downloads, while the selectors still stand above the map on the page.
"""

from __future__ import annotations

import asyncio

import pytest

from deploy.warm import Target, one_session
from streamlit_boundary import protocol
from tests.support.server import Server

MAP = "component_instance"  # st_folium
WIDGETS = {"radio", "selectbox", "number_input", "text_input", "checkbox", "button", "download_button"}
TABLES = {"dataframe", "arrow_data_frame"}  # the element's name in the protocol (Streamlit's recent, older)


@pytest.fixture(scope="module")
def server():
    with Server("map_first") as srv:
        yield srv


def elements(url: str) -> list[tuple[str, str, tuple[int, ...]]]:
    """The elements of the last script run of a first visit to ``url``, in the order they arrived."""
    runs: list[list] = [[]]

    def seen(kind: str, fm) -> None:  # noqa: ANN001 - a ForwardMsg
        if kind == "new_session":
            runs.append([])
        elif (element := protocol.element_in(fm)) is not None:
            runs[-1].append(element)

    session = asyncio.run(one_session(Target.parse(url), timeout=120, on_message=seen))
    assert session.ok, session.error
    return runs[-1]


@pytest.mark.parametrize("path", ["/desa?kab=61.04", "/desa?lang=en&kab=61.04&q=sungai", "/kabupaten", "/"])
def test_the_map_is_sent_before_the_widgets_and_tables(server, path):
    got = elements(server.url + path)
    kinds = [kind for _where, kind, _place in got]
    assert kinds.count(MAP) == 1, kinds
    at = kinds.index(MAP)
    sidebar = [i for i, (where, _kind, _place) in enumerate(got) if where == "sidebar"]
    assert len(sidebar) >= 8, got  # the sidebar is still there: language, inputs, basemap, colouring, data, share
    assert min(sidebar) > at, f"sidebar element #{min(sidebar)} {got[min(sidebar)]} sent before the map (#{at})"
    assert any(kind in TABLES for kind in kinds[at:]) or path == "/", kinds  # the summary has no table
    before = [got[i] for i in range(at) if got[i][1] in WIDGETS | TABLES]
    assert not before, f"sent before the map: {before}"


def test_the_desa_selectors_stand_above_the_map_though_sent_after_it(server):
    got = elements(server.url + "/desa?kab=61.04")
    kinds = [kind for _where, kind, _place in got]
    at = kinds.index(MAP)
    above = [i for i, (where, kind, place) in enumerate(got) if kind == "selectbox" and place < got[at][2]]
    assert [got[i][0] for i in above] == ["main"] * 3, got  # kabupaten, kecamatan, map level: above the map
    assert min(above) > at, f"selector #{min(above)} sent before the map (#{at})"
