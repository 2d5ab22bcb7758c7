"""streamlit_boundary: one contract test per thing the app relies on that Streamlit does not promise to keep.

Run after an upgrade of Streamlit or st_folium: a failure names what moved.
"""

from __future__ import annotations

import re
import urllib.request

import pytest

import streamlit_boundary
from streamlit_boundary import dom, frontend, protocol, urls


def _bundle_text() -> str:
    js = frontend.static_dir() / "static" / "js"
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in js.glob("*.js"))


def test_the_version_check_names_what_to_recheck(monkeypatch):
    assert streamlit_boundary.check_version() is None  # requirements.txt pins the version checked
    monkeypatch.setattr(streamlit_boundary, "installed_version", lambda: "9.9.9")
    message = streamlit_boundary.check_version()
    assert "9.9.9" in message and "tests/test_streamlit_boundary.py" in message


def test_the_single_page_has_its_inline_script_and_entry_bundles():
    html = frontend.index_html()
    assert frontend.index_inline_scripts(html), "the CSP hashes index.html's inline script"
    bundles = frontend.entry_bundles(html)
    assert bundles and all((frontend.static_dir() / "static" / "js" / b).is_file() for b in bundles)


def test_the_map_components_files_exist():
    files = frontend.map_component_files()
    assert any(rel == "modulepreload" and url.startswith(urls.STATIC_JS) for url, rel, _as in files)
    folium = [url for url, _rel, _as in files if url.startswith(urls.COMPONENT + "streamlit_folium.st_folium/")]
    assert len(folium) == 1
    build = frontend.component_dirs()["streamlit_folium.st_folium"]
    assert (build / folium[0].split("streamlit_folium.st_folium/", 1)[1]).is_file()
    for url, _rel, _as in files:
        if url.startswith(urls.STATIC_JS):
            assert (frontend.static_dir() / url.lstrip("/")).is_file(), url


def test_the_connection_bypass_is_what_the_frontend_reads():
    text = _bundle_text()
    assert "window.__streamlit" in frontend.BYPASS_JS
    for name in ("BACKEND_BASE_URL", "HOST_CONFIG", "allowedOrigins", "useExternalAuthToken"):
        assert name in frontend.BYPASS_JS and name in text, name


def test_every_test_id_our_css_targets_is_in_the_bundle():
    text = _bundle_text()
    missing = sorted(name for name in dom.USED if not re.search(rf"[\"'`]{name}[\"'`]", text))
    assert not missing, f"Streamlit no longer names these elements: {missing} (ui/phone, ui/present, server/preview)"
    assert dom.css("[testid=stHeader] a") == '[data-testid="stHeader"] a'
    with pytest.raises(KeyError):
        dom.testid("stNotOneOfOurs")


def test_the_rerun_message_round_trips_and_a_page_can_redirect_only_in_a_run():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    raw = protocol.rerun_message("kab=61.04", "desa", "http://x/desa?kab=61.04")
    msg = BackMsg()
    msg.ParseFromString(raw)
    assert msg.rerun_script.query_string == "kab=61.04" and msg.rerun_script.page_name == "desa"
    finished = ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY).SerializeToString()
    kind, fm = protocol.read(finished)
    assert kind == "script_finished" and fm.script_finished in protocol.FINISHED_OK
    assert protocol.exception_in(fm) is None
    assert protocol.send_browser_to("/masuk") is False  # outside a script run


def test_the_servers_own_paths_answer(server):
    with urllib.request.urlopen(server.url + urls.HEALTH, timeout=10) as r:
        assert r.status == 200
    with urllib.request.urlopen(server.url + "/", timeout=10) as r:
        cookies = r.headers.get_all("Set-Cookie") or []
        page = r.read().decode("utf-8")
    assert any(c.startswith(urls.XSRF_COOKIE + "=") for c in cookies) or "xsrf" not in page.lower()
    assert any(b in page for b in frontend.entry_bundles())
    with urllib.request.urlopen(server.url + urls.APP_STATIC + "/vendor/leaflet/leaflet.js", timeout=10) as r:
        assert r.status == 200
