"""deploy/fontsubset.py: the two first-visit fonts trimmed for nginx's copy (real Streamlit font files)."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from deploy import fontsubset, staticfiles
from geo.paths import fonts_dir
from tests.support.server import Server

ROOT = Path(__file__).resolve().parent.parent
MEDIA = staticfiles.streamlit_static_dir() / "static" / "media"
JS = staticfiles.streamlit_static_dir() / "static" / "js"


def _ligature_names(path: Path) -> set[str]:
    return set(fontsubset._ligatures(TTFont(path)))


@pytest.fixture(scope="module")
def icon_font(tmp_path_factory) -> tuple[Path, Path]:
    src = next(MEDIA.glob(fontsubset.ICON_FONT))
    out = tmp_path_factory.mktemp("fonts") / src.name
    shutil.copyfile(src, out)
    fontsubset.slim_icon_font(out, fontsubset.icon_names(out, JS, ROOT))
    return src, out


def test_project_icons_found_in_the_pages():
    names = fontsubset.project_icons(ROOT)
    # the navigation's and the breadcrumb's icons (shell.py, screens/desa.py)
    assert {"insights", "map", "holiday_village", "home"} <= names


def test_icon_font_keeps_every_icon_the_app_and_streamlit_name(icon_font):
    src, out = icon_font
    kept = _ligature_names(out)
    material, _ = fontsubset.streamlit_words(JS)
    known = _ligature_names(src)
    wanted = (fontsubset.project_icons(ROOT) | material) & known
    assert wanted <= kept, sorted(wanted - kept)
    # Streamlit's own chrome (sidebar, navigation, expanders) as seen in a browser
    assert {"keyboard_double_arrow_left", "expand_more", "keyboard_arrow_right", "keyboard_arrow_down"} <= kept


def test_icon_font_is_much_smaller_and_drops_unused_icons(icon_font):
    src, out = icon_font
    assert out.stat().st_size < src.stat().st_size / 4
    kept, known = _ligature_names(out), _ligature_names(src)
    assert len(kept) < len(known) / 4
    assert "android_cell_dual_4_bar_alert" in known and "android_cell_dual_4_bar_alert" not in kept


def test_icon_ligature_still_maps_to_its_glyph(icon_font):
    """The name 'map' still turns into the same icon glyph (same outline) in the subset."""
    src, out = icon_font
    a, b = TTFont(src), TTFont(out)
    ga, gb = fontsubset._ligatures(a)["map"], fontsubset._ligatures(b)["map"]
    ca, cb = a["glyf"][ga], b["glyf"][gb]
    ca.expand(a["glyf"]), cb.expand(b["glyf"])
    assert ca.numberOfContours == cb.numberOfContours > 0
    assert list(ca.coordinates) == list(cb.coordinates)


@pytest.mark.parametrize("pattern", fontsubset.TEXT_FONTS)
def test_text_font_keeps_latin_and_the_apps_symbols(tmp_path, pattern):
    src = next(MEDIA.glob(pattern))
    out = tmp_path / src.name
    shutil.copyfile(src, out)
    info = fontsubset.slim_text_font(out)
    cmap = TTFont(out).getBestCmap()
    for ch in "AZaz09 Rp 1.234,5% – — … ≥ ≤ → × é ü ñ “”":
        assert ord(ch) in cmap, ch
    assert ord("Д") in TTFont(src).getBestCmap() and ord("Д") not in cmap  # falls back to the browser's sans-serif
    assert "fvar" in TTFont(out)  # still the variable font: every weight
    assert info["bytes_after"] < info["bytes_before"] / 2


def test_stamp_changes_with_the_projects_icons(tmp_path):
    (tmp_path / "app.py").write_text('st.Page(x, icon=":material/map:")\n')
    before = fontsubset.stamp(JS, tmp_path)
    (tmp_path / "app.py").write_text('st.Page(x, icon=":material/map:")\nst.button("x", icon=":material/rocket:")\n')
    assert fontsubset.stamp(JS, tmp_path) != before


def test_the_embedded_default_serves_the_trimmed_fonts(tmp_path):
    """`streamlit run app.py` answers Streamlit's font URLs with set-up's trimmed copies (server/fonts.py)."""
    fontsubset.prepare(fonts_dir(), ROOT, staticfiles.streamlit_static_dir())
    trimmed = sorted(fonts_dir().glob("*.woff2"))
    assert {p.name for p in trimmed} == {p.name for p in MEDIA.glob("*.woff2") if p.match(fontsubset.ICON_FONT)} | {
        p.name for pattern in fontsubset.TEXT_FONTS for p in MEDIA.glob(pattern)
    }
    with Server("fonts", env={"HOME": str(tmp_path)}) as server:
        for path in trimmed:
            with urllib.request.urlopen(f"{server.url}/static/media/{path.name}", timeout=60) as r:
                body, headers = r.read(), r.headers
            assert body == path.read_bytes() and len(body) < (MEDIA / path.name).stat().st_size / 2, path.name
            assert headers["Content-Type"] == "font/woff2" and "immutable" in headers["Cache-Control"]
            url = f"{server.url}/static/media/{path.name}"
            req = urllib.request.Request(url, headers={"If-None-Match": headers["ETag"]})
            try:
                urllib.request.urlopen(req, timeout=60)
                raise AssertionError("expected 304")
            except urllib.error.HTTPError as err:
                assert err.code == 304
        # other media still come from Streamlit
        other = next(p for p in MEDIA.glob("*.woff2") if p.name not in {t.name for t in trimmed})
        with urllib.request.urlopen(f"{server.url}/static/media/{other.name}", timeout=60) as r:
            assert r.read() == other.read_bytes()


def test_every_icon_name_is_written_out_whole():
    """The trimmed icon font keeps the ``:material/NAME:`` it finds in the code: a name put together at run time
    (``f":material/{name}:"``) is missed, and the nginx site shows the icon as its name, many em wide (a budget
    button did: "picture_as_pdf")."""
    built = []
    for entry in fontsubset.PROJECT_DIRS:
        p = ROOT / entry
        for f in [p] if p.is_file() else sorted(p.rglob("*.py")) if p.is_dir() else []:
            text = f.read_text(encoding="utf-8")
            built += [f"{f.relative_to(ROOT)}" for marker in (":material/{", ':material/" +') if marker in text]
    assert not built, built
    assert {"picture_as_pdf", "table", "image", "map", "download", "speed"} <= fontsubset.project_icons(ROOT)
