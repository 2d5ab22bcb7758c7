"""The naive baseline, built the usual way: raw GeoJSON of the source geometry in folium.

What a first version of such an app typically does: load the boundaries, merge the coverage
table, and hand the whole GeoDataFrame (``geometry`` column, unsimplified, full float
precision) to ``folium.GeoJson`` with a ``style_function`` and a ``GeoJsonTooltip``, shown
with ``st_folium``. No basemap (``tiles=None``), as for our app in the bench.

One concession, for the browser bench only: folium's default CDN scripts (Leaflet, jQuery,
Bootstrap, ...) cannot load on this offline machine, so the baseline map loads the same
local Leaflet files our app serves (``geo.assets.use_local_assets``). That removes the CDN
round trips the real baseline would make, so it favours the baseline.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo import DEFAULT_TARGET, boundaries
from geo.assets import use_local_assets

from .common import PERIOD, sample_rows

COLORS = ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"]
BREAKS = [20, 30, 40, 50, 60, 70]


def load_level(level: str) -> gpd.GeoDataFrame:
    """Boundaries (source geometry only) with the sample figures merged in."""
    gdf = boundaries.load(level)[["kode", "nama", "nama_kab", "nama_kec", "geometry"]].copy()
    table_level = "kabupaten" if level == "kabupaten" else "desa"
    rows = sample_rows(table_level)
    rows = rows[rows["periode"] == PERIOD][["kode", "tenaga_kerja", "peserta_aktif"]]
    gdf = gdf.merge(rows, on="kode", how="left")
    gdf["nama_kec"] = gdf["nama_kec"].fillna("")
    return gdf


def classify(
    gdf: gpd.GeoDataFrame, target: float = DEFAULT_TARGET, kab: str | None = None, below_only: bool = False
) -> gpd.GeoDataFrame:
    out = gdf[gdf["kode"].str.startswith(kab + ".")] if kab else gdf
    out = out.copy()
    out["cakupan"] = (out["peserta_aktif"] / out["tenaga_kerja"] * 100).round(2)
    out["status"] = np.where(
        out["cakupan"].isna(), "tidak ada data", np.where(out["cakupan"] < target, "di bawah target", "memenuhi target")
    )
    if below_only:
        out = out[out["status"] == "di bawah target"]
    return out


def color(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "#e6e6e6"
    return COLORS[int(np.searchsorted(BREAKS, value, side="right"))]


def build_map(gdf: gpd.GeoDataFrame, target: float = DEFAULT_TARGET, local_assets: bool = True) -> folium.Map:
    m = folium.Map(location=[-0.1, 111.0], zoom_start=7, tiles=None)
    if local_assets:
        use_local_assets(m)
    folium.GeoJson(
        gdf,
        name="cakupan",
        style_function=lambda f: {
            "fillColor": color(f["properties"]["cakupan"]),
            "color": "#1a1a1a" if f["properties"]["status"] == "di bawah target" else "#4d4d4d",
            "weight": 2 if f["properties"]["status"] == "di bawah target" else 0.5,
            "fillOpacity": 0.85,
        },
        highlight_function=lambda f: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(
            fields=["nama", "nama_kec", "nama_kab", "cakupan", "status"],
            aliases=["Wilayah", "Kecamatan", "Kabupaten/Kota", "Cakupan (%)", "Status"],
        ),
    ).add_to(m)
    if len(gdf):
        minx, miny, maxx, maxy = gdf.total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def naive_map(
    level: str, kab: str | None = None, target: float = DEFAULT_TARGET, local_assets: bool = True
) -> tuple[folium.Map, int]:
    gdf = classify(load_level(level), target, kab)
    return build_map(gdf, target, local_assets), len(gdf)
