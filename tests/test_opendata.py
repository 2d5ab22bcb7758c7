"""geo/opendata.py: the open-data table of a classified frame, its three formats and what describes them."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest
import shapely

from geo import LEVELS, boundaries, opendata, plan, targets
from geo.classify import BELOW, NO_DATA
from geo.join import join
from geo.sample import ensure_samples
from geo.table import read_table
from tests.support.sample import PERIOD

NAMED = [
    "kode",
    "nama",
    "kabupaten",
    "kecamatan",
    "periode",
    "periode_label",
    "tenaga_kerja",
    "peserta_aktif",
    "cakupan_persen",
    "target_persen",
    "sumber_target",
    "di_bawah_target",
    "kekurangan_peserta",
    "biaya_rupiah_per_tahun",
    "penerima_bantuan_iuran",
    "laju_per_bulan",
    "laju_titik",
    "laju_jendela",
    "laju_tahun_target",
    "laju_dibutuhkan_per_bulan",
    "laju_bulan_tercapai",
    "laju_status",
    "laju_status_label",
    "laju_tahun_target_akhir",
    "laju_dibutuhkan_per_bulan_akhir",
    "laju_bulan_tercapai_akhir",
    "laju_status_akhir",
]


@pytest.fixture(scope="module")
def tables(areas) -> dict[str, pd.DataFrame]:
    return {level: join(read_table(path), level, areas(level)).matched for level, path in ensure_samples().items()}


def classified(tables, areas, level: str, schedule: targets.Schedule | None = None) -> pd.DataFrame:
    return targets.classify_level(tables, areas, level, PERIOD, None, schedule or targets.shipped())


def test_columns_are_the_issues_in_its_order():
    assert opendata.columns("desa") == NAMED
    assert opendata.columns("kecamatan") == [c for c in NAMED if c != "kecamatan"]
    assert opendata.columns("kabupaten") == [c for c in NAMED if c not in ("kabupaten", "kecamatan")]
    assert opendata.columns("kabupaten", is_sample=True)[-2:] == ["sample", "label"]


@pytest.mark.parametrize("level", LEVELS)
def test_the_table_has_the_classified_frames_figures(tables, areas, level):
    frame = classified(tables, areas, level)
    tbl = opendata.table(frame, level, PERIOD, iuran=20_000)
    assert list(tbl.columns) == opendata.columns(level) and len(tbl) == len(frame)
    assert tbl["kode"].is_monotonic_increasing
    f = frame.set_index("kode").loc[tbl["kode"]]
    has = f["status"].ne(NO_DATA).to_numpy()
    assert has.sum() > 0
    np.testing.assert_array_equal(tbl["tenaga_kerja"].to_numpy()[has], f["tenaga_kerja"].to_numpy()[has])
    np.testing.assert_allclose(tbl["cakupan_persen"].to_numpy(float)[has], f["cakupan"].to_numpy()[has], atol=0.005)
    np.testing.assert_allclose(tbl["target_persen"].to_numpy(float), f["target_efektif"].to_numpy(), atol=0.005)
    np.testing.assert_array_equal(tbl["kekurangan_peserta"].to_numpy(float)[has], f["gap"].to_numpy()[has])
    assert (tbl["di_bawah_target"].to_numpy()[has] == (f["status"] == BELOW).to_numpy()[has]).all()
    cost = plan.cost(f["gap"].to_numpy()[has], 20_000, 12)
    np.testing.assert_array_equal(tbl["biaya_rupiah_per_tahun"].to_numpy(float)[has], cost)
    assert tbl.loc[~has, "di_bawah_target"].isna().all() and tbl.loc[~has, "kekurangan_peserta"].isna().all()
    if level != "kabupaten":
        assert (tbl["kabupaten"] == f["nama_kab"].to_numpy()).all()


def test_the_pace_columns_are_geo_paces(areas):
    """Three months of two kabupaten (one missing a month) and a schedule to 2029: the pace, the pace needed,
    the month reached and the status are ``geo.pace``'s, in the request's language; no pace: "no_data"."""
    from geo import pace

    schedule = targets.read_schedule("periode,kode,target_persen,keterangan\n2025,61,55,\n2029,61,70,\n")
    months = ["2025-01", "2025-02", "2025-03"]
    points = {
        p: pd.DataFrame(
            [(k, tk, ps + step * i) for k, tk, ps, step in (("61.04", 10_000, 4_000, 120), ("61.01", 5_000, 2_000, -5))]
            if p != "2025-02"
            else [("61.04", 10_000, 4_120)],
            columns=["kode", "tenaga_kerja", "peserta_aktif"],
        )
        for i, p in enumerate(months)
    }
    paced = pace.by_area(points, schedule)
    matched = {"kabupaten": pd.concat([f.assign(periode=p) for p, f in points.items()], ignore_index=True)}
    frame = targets.classify_level(matched, areas, "kabupaten", "2025-03", None, schedule)
    tbl = opendata.table(pace.joined(frame, paced), "kabupaten", "2025-03", lang="en").set_index("kode")
    want = paced.set_index("kode")
    for kode in ("61.04", "61.01"):
        assert tbl.at[kode, "laju_per_bulan"] == pytest.approx(want.at[kode, "laju_per_bulan"], abs=0.005)
        assert tbl.at[kode, "laju_titik"] == want.at[kode, "titik"]
        assert tbl.at[kode, "laju_dibutuhkan_per_bulan"] == pytest.approx(want.at[kode, "laju_dibutuhkan"], abs=0.005)
        assert tbl.at[kode, "laju_status"] == want.at[kode, "status"]
        assert tbl.at[kode, "laju_status_akhir"] == want.at[kode, "status_akhir"]
        assert tbl.at[kode, "laju_tahun_target"] == 2025 and tbl.at[kode, "laju_tahun_target_akhir"] == 2029
    assert tbl.at["61.04", "laju_bulan_tercapai"] == want.at["61.04", "bulan_tercapai"]
    assert (
        tbl.at["61.01", "laju_status"] == "never"
        and tbl.at["61.01", "laju_status_label"] == "Will not be reached at this pace"
    )
    assert tbl.at["61.01", "laju_bulan_tercapai"] == "" and tbl.at["61.04", "laju_jendela"] == "2024-10/2025-03"
    assert tbl.at["61.12", "laju_status"] == "no_data" and pd.isna(tbl.at["61.12", "laju_per_bulan"])
    # a frame without the pace's columns still has them, empty
    bare = opendata.table(frame, "kabupaten", "2025-03")
    assert (bare["laju_status"] == "no_data").all() and bare["laju_per_bulan"].isna().all()
    text = opendata.to_csv(tbl.reset_index()).decode("utf-8-sig")
    assert "laju_status" in text.splitlines()[0]


def test_the_period_keeps_its_iso_key_and_gains_a_label(tables, areas):
    frame = classified(tables, areas, "kabupaten")
    for lang, shown in (("id", "Juni 2024"), ("en", "June 2024")):
        tbl = opendata.table(frame, "kabupaten", "2024-06", lang)
        assert set(tbl["periode"]) == {"2024-06"} and set(tbl["periode_label"]) == {shown}
    assert set(opendata.table(frame, "kabupaten", "2024")["periode_label"]) == {"2024"}
    assert set(opendata.table(frame, "kabupaten", None)["periode_label"]) == {""}
    schema = {f["name"]: f for f in opendata.schema("kabupaten", "en")["fields"]}
    assert schema["periode_label"]["type"] == "string" and "June 2024" in schema["periode_label"]["description"]


def test_sample_rows_carry_the_sample_column_and_label(tables, areas):
    tbl = opendata.table(classified(tables, areas, "kabupaten"), "kabupaten", PERIOD, sample_label="Data contoh")
    assert tbl["sample"].all() and (tbl["label"] == "Data contoh").all()
    rows = list(csv.reader(io.StringIO(opendata.to_csv(tbl).decode("utf-8-sig"))))
    assert rows[0] == opendata.columns("kabupaten", True) and rows[1][-2:] == ["True", "Data contoh"]


def test_text_that_starts_like_a_formula_is_neutralised_in_the_csv(tables, areas):
    """The schedule's note is typed by an editor; it reaches the table as ``sumber_target``."""
    hostile = '=HYPERLINK("http://x","klik")'
    schedule = targets.merged(
        pd.DataFrame([{"periode": "2024", "kode": "61.04", "target_persen": 60.0, "keterangan": hostile}])
    )
    tbl = opendata.table(classified(tables, areas, "kabupaten", schedule), "kabupaten", PERIOD)
    assert hostile in tbl["sumber_target"].iloc[3]  # the JSON keeps the text as it is: data, not markup
    cells = [c for row in csv.reader(io.StringIO(opendata.to_csv(tbl).decode("utf-8-sig"))) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any("HYPERLINK" in c for c in cells)


def test_json_and_geojson_are_valid_with_nulls_for_missing_figures(tables, areas):
    partial = {"kabupaten": tables["kabupaten"][tables["kabupaten"]["kode"] != "61.71"]}
    tbl = opendata.table(classified(partial, areas, "kabupaten"), "kabupaten", PERIOD)
    doc = json.loads(opendata.to_json(tbl, {"level": "kabupaten"}))
    assert doc["count"] == 14 and doc["columns"] == opendata.columns("kabupaten")
    pontianak = next(r for r in doc["data"] if r["kode"] == "61.71")
    assert pontianak["tenaga_kerja"] is None and pontianak["di_bawah_target"] is None
    assert isinstance(doc["data"][0]["tenaga_kerja"], int) and isinstance(doc["data"][0]["di_bawah_target"], bool)
    geo = json.loads(opendata.to_geojson(tbl, "kabupaten", {"level": "kabupaten"}))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 14
    for feature in geo["features"]:
        shape = shapely.geometry.shape(feature["geometry"])
        assert shape.geom_type in ("Polygon", "MultiPolygon") and not shape.is_empty
        assert feature["id"] == feature["properties"]["kode"]


def test_bbox_finds_the_areas_it_touches():
    kab = boundaries.load("kabupaten").set_index("kode")
    point = kab.loc["61.71", "display"].representative_point()
    inside = (point.x - 0.001, point.y - 0.001, point.x + 0.001, point.y + 0.001)
    assert opendata.in_bbox("kabupaten", inside) == {"61.71"}
    assert len(opendata.in_bbox("kabupaten", tuple(opendata.extent("kabupaten")))) == 14
    assert opendata.in_bbox("kabupaten", (100.0, -10.0, 100.1, -9.9)) == set()
    minx, miny, maxx, maxy = opendata.extent("desa")
    assert 108 < minx < maxx < 115 and -4 < miny < maxy < 3


def test_the_data_package_lists_every_resource_with_its_schema():
    boundary = {"attribution": "Batas wilayah: x", "path": "https://github.com/x/y/tree/abc"}
    versions = [{"id": 3, "level": "Desa/Kelurahan", "periods": "2024", "when": "2026-01-01 08:00 WIB", "by": "ana"}]
    pkg = opendata.datapackage("https://peta.example/api/v1", "v=3", "id", False, versions, boundary)
    assert pkg["licenses"][0]["name"] == "CC-BY-4.0"
    assert [r["name"] for r in pkg["resources"]] == [f"{lv}-{f}" for lv in LEVELS for f in ("csv", "geojson")]
    for res in pkg["resources"]:
        assert res["path"].startswith("https://peta.example/api/v1/") and res["path"].endswith("?v=3")
        if res["format"] == "csv":
            level = res["name"].split("-")[0]
            assert [f["name"] for f in res["schema"]["fields"]] == opendata.columns(level)
    assert any("versi 3" in s["title"] for s in pkg["sources"]) and pkg["sources"][0]["path"].endswith("abc")


def test_openapi_names_every_route():
    doc = opendata.openapi("https://peta.example")
    for level in LEVELS:
        for fmt in opendata.FORMATS:
            assert f"/api/v1/{level}.{fmt}" in doc["paths"]
    assert "/ogc/collections/{collectionId}/items" in doc["paths"]
    limit = next(
        p for p in doc["paths"]["/ogc/collections/{collectionId}/items"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == opendata.MAX_LIMIT
