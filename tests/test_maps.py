"""The folium map: below-target styling, every area in the payload, escaping, offline Leaflet, size."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from geo import assets, maps, mapscript, sample, style
from geo.classify import BELOW, NO_DATA, classify
from geo.encode import PRECISION, decode_ring
from geo.maps import MapOptions, build_map, coverage_payload, features_in_map, json_for_script, rows_of

EVIL = '<script>alert(1)</script> "quoted" & co'
NO_DATA_CODE = "61.09"


def _matched(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(target_persen=np.nan)  # the sample carries no own targets


@pytest.fixture(scope="module")
def kab_classified(areas) -> pd.DataFrame:
    table = _matched(sample.kabupaten_table())
    table = table[table.kode != NO_DATA_CODE]  # one area without data
    return classify(table, areas("kabupaten"))


@pytest.fixture(scope="module")
def desa_classified(areas) -> pd.DataFrame:
    return classify(_matched(sample.desa_table()), areas("desa"))


def _payload_from_html(html: str) -> dict:
    m = re.search(r"var D = (\{.*?\});\n", html)
    assert m, "coverage payload not found in the page"
    return json.loads(m.group(1))


def _inner_html_blocks(html: str) -> list[str]:
    """The HTML of the map's corner blocks (``pjkMap.control(map, corner, class, html)``)."""
    return [json.loads(s) for s in re.findall(r'pjkMap\.control\(\w+, "\w+", "[\w-]+", (".*?")\);', html)]


@pytest.fixture(scope="module")
def kab_html(kab_classified) -> str:
    opts = MapOptions(
        level="kabupaten", is_sample=True, title="Cakupan Jamsostek Kalbar", subtitle="Kabupaten/Kota, 2024"
    )
    return build_map(kab_classified, opts).get_root().render()


# --- below target and no data are unmistakable -------------------------------------------


def test_minority_side_marked_and_explained(kab_html, kab_classified):
    """12 of 13 kabupaten with data are below target: the one at/above gets the outline, and the legend says so."""
    with_data = kab_classified[kab_classified.status != NO_DATA]
    assert (with_data.status == BELOW).sum() * 2 > len(with_data)
    assert style.BELOW_OUTLINE in kab_html
    payload = _payload_from_html(kab_html)
    assert payload["s"]["mark"] == "above" and payload["s"]["coloring"] == "gap"
    assert 'id="pjk-hatch"' in payload["defs"] and 'id="pjk-nodata"' in payload["defs"]
    assert payload["s"]["below_outline"] == style.BELOW_OUTLINE
    assert payload["s"]["ink"] == {k: list(v) for k, v in style.INK.items()}  # the JS scales with the same numbers
    legend = " ".join(_inner_html_blocks(kab_html))
    assert "Jarak ke target 50,24%" in legend
    assert "Garis tebal: mencapai target (50,24%)" in legend and 'data-kind="above"' in legend
    assert 'data-kind="below"' not in legend
    assert "5–10 poin di bawah target (40,24–45,24%)" in legend
    assert "Tidak dilaporkan" in legend and 'data-kind="no_data"' in legend
    assert "Data contoh, bukan data resmi" in legend  # sample label on the map


def test_below_side_hatched_when_it_is_the_minority(kab_classified):
    few = kab_classified.copy()
    ok = few.status != NO_DATA
    few.loc[ok, "status"] = ["below" if i < 4 else "at_or_above" for i in range(int(ok.sum()))]
    html = build_map(few, MapOptions(level="kabupaten")).get_root().render()
    payload = _payload_from_html(html)
    assert payload["s"]["mark"] == "below"
    legend = " ".join(_inner_html_blocks(html))
    assert "Di bawah target (50,24%) — diarsir" in legend and 'data-kind="below"' in legend
    assert "url(#pjk-hatch)" in mapscript.text()  # the map's script (one file for every map) fills with it


def test_mark_ignores_dimmed_areas(kab_classified):
    """Filtered-out (dimmed) areas are not drawn at full strength, so they do not decide the minority."""
    below = sorted(kab_classified.loc[kab_classified.status == BELOW, "kode"])
    n_above = int((kab_classified.status == "at_or_above").sum())
    assert maps.mark_for(kab_classified) == "above"
    assert maps.mark_for(kab_classified, set(below[: len(below) - n_above - 1])) == "above"  # one more below than above
    assert maps.mark_for(kab_classified, set(below[: len(below) - n_above])) == "below"  # as many below as above


@pytest.mark.parametrize(
    "color, title",
    [("gap", "Jarak ke target 50,24%"), ("coverage", "Cakupan (%)"), ("change", "Jarak ke target 50,24%")],
)
def test_colouring_option_fills_and_legend(kab_classified, color, title):
    """ "coverage" keeps the sequential scale; "change" without a previous period falls back to the default."""
    html = build_map(kab_classified, MapOptions(level="kabupaten", color=color)).get_root().render()
    payload = _payload_from_html(html)
    by_code = kab_classified.set_index("kode")
    drawn = "coverage" if color == "coverage" else "gap"
    assert payload["s"]["coloring"] == drawn
    for row in rows_of(payload):
        r = by_code.loc[row[0]]
        assert row[7] == style.area_fill(drawn, r["cakupan"], r["target_efektif"], r["status"])
    legend = " ".join(_inner_html_blocks(html))
    assert f'<div class="pjk-lg-title">{title}</div>' in legend


def test_fractional_zoom_and_tight_fit(kab_html):
    assert '"zoomSnap": 0.05' in kab_html
    assert "pjkMap.fitBeside(" in kab_html  # the map's script fits tightly, beside the panels
    assert "padding:[4,4]" in mapscript.text() and "paddingBottomRight: [right + 4, 4]" in mapscript.text()


@pytest.mark.parametrize("basemap", sorted(maps.BASEMAPS))
def test_basemap_tiles_as_configured(kab_classified, basemap):
    """Each basemap's tile layer carries its URL and attribution as written in BASEMAPS (its provider is made once,
    so a session's map does not search xyzservices for it); "none" has no tile layer."""
    html = build_map(kab_classified, MapOptions(level="kabupaten", basemap=basemap, is_sample=True)).get_root().render()
    layers = re.findall(r"L\.tileLayer\(\s*\"([^\"]+)\",\s*(\{.*?\})\s*\)", html, flags=re.S)
    entry = maps.BASEMAPS[basemap]
    if entry is None:
        assert layers == []
        return
    assert [url for url, _ in layers] == [entry[0]]
    options = json.loads(re.sub(r",\s*\}$", "}", layers[0][1]))  # folium's object ends with a trailing comma
    assert options["attribution"] == entry[1]
    assert (options["minZoom"], options["maxZoom"], options["maxNativeZoom"]) == (0, 18, 18)
    assert options["subdomains"] == "abc"


def test_every_area_in_the_payload(kab_html, kab_classified):
    payload = _payload_from_html(kab_html)
    codes = [row[0] for row in rows_of(payload)]
    assert sorted(codes) == sorted(kab_classified.kode) and len(codes) == 14
    assert len(payload["g"]) == 14
    statuses = {row[0]: row[6] for row in rows_of(payload)}
    assert statuses[NO_DATA_CODE] == 0  # no data, not 0%
    for kode, status in zip(kab_classified.kode, kab_classified.status):
        assert statuses[kode] == {NO_DATA: 0, BELOW: 1}.get(status, 2)


def test_features_in_map(kab_classified):
    m = build_map(kab_classified, MapOptions(level="kabupaten"))
    assert features_in_map(m) == 14


def test_payload_rows_match_the_js_mapping(kab_classified):
    """Python writes rows by position; the script reads them by position: the two must agree."""
    source = mapscript.SOURCE.read_text(encoding="utf-8")  # geo/map.js
    body = re.search(r"properties:\{(.*?)\}", source)
    index = {k: int(v) for k, v in re.findall(r"(\w+):(?:U\[\d\]\[)?p\[(\d+)\]", body.group(1))}
    shared = [(int(i), int(c)) for i, c in re.findall(r"U\[(\d)\]\[p\[(\d+)\]\]", body.group(1))]
    assert shared == list(enumerate(maps.SHARED_COLUMNS))  # the script reads each shared value from its list
    assert {"kode", "nama", "status", "fill", "selected", "dim"} <= set(index)
    payload = json.loads(
        coverage_payload(kab_classified, MapOptions(level="kabupaten", selected="61.71"), dim={"61.01", "61.02"})
    )
    for row in rows_of(payload):
        assert len(row) == max(index.values()) + 1
        assert row[index["selected"]] == (1 if row[0] == "61.71" else 0)
        assert row[index["dim"]] == (1 if row[0] in {"61.01", "61.02"} else 0)
    by_code = kab_classified.set_index("kode")
    for row in rows_of(payload):
        assert row[index["kode"]] == row[0]
        assert row[index["nama"]] == by_code.loc[row[0], "nama"]
        r = by_code.loc[row[0]]
        assert row[index["fill"]] == style.area_fill("gap", r["cakupan"], r["target_efektif"], r["status"])


def test_payload_geometry_is_the_display_geometry(kab_classified):
    from geo import boundaries

    payload = json.loads(coverage_payload(kab_classified, MapOptions(level="kabupaten")))
    display = boundaries.load("kabupaten").set_index("kode")["display"]
    i = [r[0] for r in rows_of(payload)].index("61.71")
    lat, lng = decode_ring(payload["g"][i][0][0])[0]
    first = display["61.71"].geoms[0] if display["61.71"].geom_type == "MultiPolygon" else display["61.71"]
    x, y = first.exterior.coords[0]
    assert (lng, lat) == pytest.approx((x, y), abs=0.5 / PRECISION + 1e-12)


def test_payload_survives_templating_verbatim(kab_classified):
    """Encoded geometry contains '{{' and '{%' now and then; the page must carry it untouched."""
    opts = MapOptions(level="kabupaten")
    payload = coverage_payload(kab_classified, opts)
    html = maps.map_from_payload(payload, opts).get_root().render()
    assert payload in html


def test_tooltip_figures_in_language(kab_classified):
    by_code = kab_classified.set_index("kode")
    for lang in ("id", "en"):
        payload = json.loads(coverage_payload(kab_classified, MapOptions(level="kabupaten", lang=lang)))
        row = next(r for r in rows_of(payload) if r[0] == "61.01")
        from geo import fmt

        assert row[3] == fmt.percent(by_code.loc["61.01", "cakupan"], lang)
        assert row[4] == ("50,24%" if lang == "id" else "50.24%")
        assert payload["labels"]["no_data"] == ("Tidak dilaporkan" if lang == "id" else "Not reported")
        nodata = next(r for r in rows_of(payload) if r[0] == NO_DATA_CODE)
        assert nodata[3] == "–" and nodata[5] == "–"


def test_english_legend_and_no_sample_label(kab_classified):
    html = build_map(kab_classified, MapOptions(level="kabupaten", lang="en")).get_root().render()
    legend = " ".join(_inner_html_blocks(html))
    assert (
        "Distance to target 50.24%" in legend
        and "Heavy outline: at or above target (50.24%)" in legend
        and "Not reported" in legend
    )
    assert "Data contoh" not in html  # real data: no sample label


def test_own_targets_in_legend(areas):
    table = _matched(sample.kabupaten_table())
    table.loc[table.kode == "61.71", "target_persen"] = 45.0
    c = classify(table, areas("kabupaten"))
    html = build_map(c, MapOptions(level="kabupaten")).get_root().render()
    legend = " ".join(_inner_html_blocks(html))
    assert "Jarak ke target masing-masing wilayah" in legend and "5–10 poin di bawah target masing-masing" in legend
    assert "Garis tebal: mencapai target wilayahnya" in legend
    payload = _payload_from_html(html)
    assert next(r for r in rows_of(payload) if r[0] == "61.71")[4] == "45,00%"


def test_desa_parent_label(desa_classified):
    payload = json.loads(coverage_payload(desa_classified, MapOptions(level="desa")))
    row = next(r for r in rows_of(payload) if r[0] == "61.01.01.2001")
    assert row[1] == "Dalam Kaum"
    assert row[2] == "Kecamatan Sambas, Kabupaten Sambas"


# --- escaping ----------------------------------------------------------------------------


def test_hostile_names_and_titles_are_escaped(kab_classified):
    evil = kab_classified.copy()
    evil.loc[evil.kode == "61.71", "nama"] = EVIL
    opts = MapOptions(level="kabupaten", title=EVIL, subtitle=EVIL, source_line=EVIL, is_sample=True)
    html = build_map(evil, opts).get_root().render()
    assert "<script>alert" not in html
    assert '</script> "quoted"' not in html
    assert '"quoted" & co' not in html
    # the data still says what the table said ...
    payload = _payload_from_html(html)
    assert next(r for r in rows_of(payload) if r[0] == "61.71")[1] == EVIL
    # ... and the HTML blocks put into the page are escaped for innerHTML
    blocks = _inner_html_blocks(html)
    assert blocks and all("<script>" not in b for b in blocks)
    joined = " ".join(blocks)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; co" in joined
    assert joined.count("&lt;script&gt;alert(1)") == 3  # title, subtitle, source line


def test_json_for_script_examples():
    out = json_for_script({"n": "</script><b>&"})
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == {"n": "</script><b>&"}
    with pytest.raises(ValueError):
        json_for_script({"x": float("nan")})


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=5), c, max_size=4),
        max_leaves=20,
    )
)
def test_json_for_script_round_trip(value):
    out = json_for_script(value)
    assert not set(out) & {"<", ">", "&"}
    assert out.isascii()
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == value


# --- offline Leaflet ---------------------------------------------------------------------


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+)"', html)


def test_leaflet_is_served_locally(kab_html):
    urls = _asset_urls(kab_html)
    assert f"{assets.STREAMLIT_BASE_URL}/leaflet.js" in urls
    assert f"{assets.STREAMLIT_BASE_URL}/leaflet.css" in urls
    assert not [u for u in urls if u.startswith(("http:", "https:", "//"))]
    for cdn in ("unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "netdna.bootstrapcdn.com"):
        assert cdn not in kab_html


def test_use_local_assets_drops_folium_cdn_defaults():
    import folium

    m = folium.Map()
    before = _asset_urls(m.get_root().render())
    assert any(u.startswith("http") for u in before)  # folium's own defaults come from CDNs
    m = assets.use_local_assets(folium.Map(), "/static/x")
    after = _asset_urls(m.get_root().render())
    assert sorted(after) == ["/static/x/leaflet.css", "/static/x/leaflet.js"]


def test_standalone_html_inlines_leaflet(kab_classified):
    m = build_map(kab_classified, MapOptions(level="kabupaten", basemap="none", is_sample=True))
    html = assets.standalone_html(m)
    assert _asset_urls(html) == []
    assert "pjk-inline-assets" not in html
    js = (assets.package_dir() / "leaflet.js").read_text(encoding="utf-8")
    css = (assets.package_dir() / "leaflet.css").read_text(encoding="utf-8")
    assert js[:2000].replace("</script", "<\\/script") in html
    assert css[:500] in html
    assert html.count("<script") == html.count("</script>")  # the inlined code never closes its tag early
    assert "Data contoh, bukan data resmi" in " ".join(_inner_html_blocks(html))
    assert features_in_map(m) == 14


def test_leaflet_files_exist_for_streamlit():
    target = assets.ensure_static()
    for name in assets.FILES:
        assert (target / name).is_file() and (target / name).stat().st_size > 1000


# --- size --------------------------------------------------------------------------------


def test_desa_province_payload_is_small(desa_classified):
    payload = coverage_payload(desa_classified, MapOptions(level="desa"))
    assert len(payload.encode("utf-8")) < 1_500_000
    data = json.loads(payload)
    assert len(data["f"]) == 2130 and len(data["g"]) == 2130
    assert sum(r[6] == 1 for r in data["f"]) == int((desa_classified.status == BELOW).sum())


def test_many_kabupaten_of_desa_go_as_the_overview(desa_classified):
    """The province's desa travel as the coarser overview (each desa still there, decodable on its grid,
    in less than half the characters); one kabupaten's desa keep the display geometry."""
    from geo import boundaries
    from geo.encode import OVERVIEW_PRECISION

    one_kab = desa_classified[desa_classified["kode"].str.startswith("61.04.")]
    assert json.loads(coverage_payload(one_kab, MapOptions(level="desa")))["p"] == PRECISION
    payload = json.loads(coverage_payload(desa_classified, MapOptions(level="desa")))
    assert payload["p"] == OVERVIEW_PRECISION
    assert len(payload["g"]) == len(desa_classified) == 2130

    def chars(geoms) -> int:
        return sum(len(ring) for polys in geoms for rings in polys for ring in rings)

    display, _ = maps.encoded_geometries("desa")
    assert chars(payload["g"]) < 0.5 * chars(display[r[0]] for r in rows_of(payload))
    overview = boundaries.overview("desa").set_axis(boundaries.load("desa")["kode"])
    kode = rows_of(payload)[0][0]
    lat, lng = decode_ring(payload["g"][0][0][0], OVERVIEW_PRECISION)[0]
    x, y = shapely.get_parts(overview[kode])[0].exterior.coords[0]
    assert (lng, lat) == pytest.approx((x, y), abs=0.5 / OVERVIEW_PRECISION + 1e-12)
