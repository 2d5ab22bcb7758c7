"""Bytes of the map as the browser gets it, built in-process for ours and for the naive baseline.

``html``: ``m.get_root().render()`` (the standalone map page folium would serve), UTF-8 bytes.
``component``: what ``st_folium`` actually puts in the component's arguments (the map script,
header and html strings), UTF-8 bytes; this is what rides the Streamlit websocket.
``gzip``: the html gzipped (level 6), for reference only: Streamlit does not compress its
websocket by default (server.enableWebsocketCompression = false).
"""

from __future__ import annotations

import gzip

from . import common, naive


def component_bytes(m) -> int:
    import streamlit_folium as sf

    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    return sum(len(s.encode("utf-8")) for s in (html, header, script))


def measure() -> dict:
    out: dict = {}
    how = None
    for name, (level, kab) in common.SCENARIOS.items():
        row = {}
        for who in ("ours", "naive"):
            if who == "ours":
                build = common.our_map
                m, n, how = common.our_map(level, kab)
            else:
                build = naive.naive_map
                m, n = naive.naive_map(level, kab)
            html = m.get_root().render().encode("utf-8")
            row[who] = {
                "features": n,
                "html_bytes": len(html),
                "gzip_bytes": len(gzip.compress(html, 6)),
                "component_bytes": component_bytes(build(level, kab)[0]),
            }
        out[name] = row
    out["_classification"] = how
    return out
