"""The published figures as open data: one table per level, as CSV, JSON and GeoJSON, with its schema.

The read API (``server/api``, ``server/ogc``) serves what this module makes, from the same classified
frame the map shows (``geo.targets.classify_level``): the same targets, the same below-target status
and the same cost of the gap (``geo.plan.cost``) for the same URL parameters. The columns are fixed
(``columns``) so that Excel, pandas, QGIS and a data portal can rely on them; sample data carries a
``sample`` column and its label, as every page and download does. Text cells that start like a
formula are neutralised as in the downloads (``geo.export``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely

from . import LEVELS, boundaries, plan
from .classify import BELOW, NO_DATA
from .export import to_csv as export_csv
from .period import label as period_label
from .text import t

FORMATS = ("csv", "json", "geojson")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "geojson": "application/geo+json"}
COORD_DECIMALS = 5  # ~1 m; the display geometry is already simplified at 44 m (desa) or more
MONTHS_PER_YEAR = 12
MAX_LIMIT = 1000  # OGC API items per page at most: the province's 2,130 desa come in three pages
DEFAULT_LIMIT = 100

# name -> (Table Schema type, description key); the order is the order of the columns.
FIELDS: dict[str, str] = {
    "kode": "string",
    "nama": "string",
    "kabupaten": "string",
    "kecamatan": "string",
    "periode": "string",
    "periode_label": "string",
    "tenaga_kerja": "integer",
    "peserta_aktif": "integer",
    "cakupan_persen": "number",
    "target_persen": "number",
    "sumber_target": "string",
    "di_bawah_target": "boolean",
    "kekurangan_peserta": "integer",
    "biaya_rupiah_per_tahun": "integer",
    "penerima_bantuan_iuran": "integer",
    # the pace (geo.pace, issue 28): today's, the pace needed for this year's and the schedule's last target
    "laju_per_bulan": "number",
    "laju_titik": "integer",
    "laju_jendela": "string",
    "laju_tahun_target": "integer",
    "laju_dibutuhkan_per_bulan": "number",
    "laju_bulan_tercapai": "string",
    "laju_status": "string",
    "laju_status_label": "string",
    "laju_tahun_target_akhir": "integer",
    "laju_dibutuhkan_per_bulan_akhir": "number",
    "laju_bulan_tercapai_akhir": "string",
    "laju_status_akhir": "string",
}
SAMPLE_FIELDS = {"sample": "boolean", "label": "string"}
_PARENTS = {"kabupaten": (), "kecamatan": ("kabupaten",), "desa": ("kabupaten", "kecamatan")}
_INTEGERS = [name for name, kind in FIELDS.items() if kind == "integer"]


def columns(level: str, is_sample: bool = False) -> list[str]:
    """The open-data columns of ``level`` in order: the parents' names only where they apply."""
    drop = {"kabupaten", "kecamatan"} - set(_PARENTS[level])
    names = [c for c in FIELDS if c not in drop]
    return names + (list(SAMPLE_FIELDS) if is_sample else [])


def _whole(values: pd.Series) -> pd.Series:
    """Counts of people and rupiah as nullable integers (sums of rolled-up areas arrive as floats)."""
    return pd.Series(np.round(values.astype(float)), index=values.index).astype("Int64")


def table(
    frame: pd.DataFrame,
    level: str,
    period: str | None,
    lang: str = "id",
    iuran: int = plan.DEFAULT_IURAN,
    sample_label: str | None = None,
) -> pd.DataFrame:
    """The open-data table of a classified frame (``classify_level`` rows, already scoped and filtered).

    Sorted by code. ``sample_label`` (the sample banner) adds the ``sample`` and ``label`` columns.
    Percentages are rounded to two decimals, as the page shows them; areas without data keep their
    row with empty figures (the map's "not reported").
    """
    f = frame.sort_values("kode", kind="stable").reset_index(drop=True)
    has = f["status"].ne(NO_DATA)
    source = "target_sumber_en" if lang == "en" and "target_sumber_en" in f else "target_sumber"
    gap = f["gap"].astype(float).where(has)
    out = pd.DataFrame(
        {
            "kode": f["kode"].astype(str),
            "nama": f["nama"].astype(str),
            "kabupaten": f["nama_kab"].fillna("").astype(str) if "nama_kab" in f else "",
            "kecamatan": f["nama_kec"].fillna("").astype(str) if "nama_kec" in f else "",
            "periode": "" if period is None else str(period),
            "periode_label": period_label(period, lang),
            "tenaga_kerja": f["tenaga_kerja"].where(has),
            "peserta_aktif": f["peserta_aktif"].where(has),
            "cakupan_persen": f["cakupan"].astype(float).where(has).round(2),
            "target_persen": f["target_efektif"].astype(float).round(2),
            "sumber_target": f[source].astype(str),
            "di_bawah_target": pd.Series(f["status"].eq(BELOW), dtype="boolean").where(has, pd.NA),
            "kekurangan_peserta": gap,
            "biaya_rupiah_per_tahun": plan.cost(gap, iuran, MONTHS_PER_YEAR),
            "penerima_bantuan_iuran": f["penerima_bantuan_iuran"].where(has)
            if "penerima_bantuan_iuran" in f
            else np.nan,
        }
    )
    out = out.assign(**_pace_columns(f, lang))
    for name in _INTEGERS:
        out[name] = _whole(out[name])
    if sample_label is not None:
        out["sample"] = True
        out["label"] = sample_label
    return out[columns(level, sample_label is not None)]


def _pace_columns(f: pd.DataFrame, lang: str) -> dict[str, Any]:
    """The pace's columns of a frame ``geo.pace.joined`` gave them (else empty, status "no_data")."""
    n = len(f)

    def col(name: str, fill: Any = np.nan) -> pd.Series:
        return f[name].reset_index(drop=True) if name in f else pd.Series([fill] * n, dtype=object)

    def text(values: pd.Series) -> pd.Series:
        return values.map(lambda v: v if isinstance(v, str) else "")

    def number(values: pd.Series) -> pd.Series:
        return pd.to_numeric(values, errors="coerce").astype(float).round(2)

    status, status_end = col("status_laju", "no_data"), col("status_laju_akhir", "no_data")
    return {
        "laju_per_bulan": number(col("laju_per_bulan")),
        "laju_titik": pd.to_numeric(col("titik", 0), errors="coerce"),
        "laju_jendela": text(col("jendela", "")),
        "laju_tahun_target": pd.to_numeric(col("tahun"), errors="coerce"),
        "laju_dibutuhkan_per_bulan": number(col("laju_dibutuhkan")),
        "laju_bulan_tercapai": text(col("bulan_tercapai", "")),
        "laju_status": status.astype(str),
        "laju_status_label": status.map(lambda s: t(f"pace.status.{s}", lang)),
        "laju_tahun_target_akhir": pd.to_numeric(col("tahun_akhir"), errors="coerce"),
        "laju_dibutuhkan_per_bulan_akhir": number(col("laju_dibutuhkan_akhir")),
        "laju_bulan_tercapai_akhir": text(col("bulan_tercapai_akhir", "")),
        "laju_status_akhir": status_end.astype(str),
    }


# --- the three formats --------------------------------------------------------------------------------


def to_csv(tbl: pd.DataFrame) -> bytes:
    """UTF-8 with BOM and CRLF, formula-like cells neutralised (``geo.export.to_csv``), no comment lines:
    the first line is the header, so pandas, Excel's Data → From Web and a portal read it as it is."""
    return export_csv(tbl)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def records(tbl: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as JSON-ready dicts (missing values are ``null``; numpy scalars become Python numbers)."""
    cols = list(tbl.columns)
    return [{c: _plain(v) for c, v in zip(cols, row)} for row in tbl.itertuples(index=False, name=None)]


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; names are data (never markup), so they are written as they are."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_plain).encode("utf-8")


def to_json(tbl: pd.DataFrame, meta: Mapping[str, Any]) -> bytes:
    """``meta`` (level, period, version, sample, label, notes …), then ``count``, ``columns`` and ``data``."""
    return dumps({**meta, "count": len(tbl), "columns": list(tbl.columns), "data": records(tbl)})


@lru_cache(maxsize=len(LEVELS))
def geometries(level: str) -> dict[str, str]:
    """Each area's display geometry (the map's, ``geo.boundaries``) as GeoJSON text, lon/lat to 5 decimals."""
    gdf = boundaries.load(level)
    rounded = shapely.transform(np.asarray(gdf["display"].values), lambda c: np.round(c, COORD_DECIMALS))
    return dict(zip(gdf["kode"].astype(str), shapely.to_geojson(rounded)))


@lru_cache(maxsize=len(LEVELS))
def bounds(level: str) -> pd.DataFrame:
    """Each area's display bounding box (minx, miny, maxx, maxy), indexed by code."""
    gdf = boundaries.load(level)
    box = shapely.bounds(np.asarray(gdf["display"].values))
    return pd.DataFrame(box, columns=["minx", "miny", "maxx", "maxy"], index=gdf["kode"].astype(str))


def extent(level: str) -> list[float]:
    """The level's bounding box [minx, miny, maxx, maxy] (CRS84)."""
    b = bounds(level)
    return [float(b["minx"].min()), float(b["miny"].min()), float(b["maxx"].max()), float(b["maxy"].max())]


def in_bbox(level: str, box: tuple[float, float, float, float]) -> set[str]:
    """Codes whose display geometry intersects ``box`` (minx, miny, maxx, maxy)."""
    b = bounds(level)
    near = b[(b["minx"] <= box[2]) & (b["maxx"] >= box[0]) & (b["miny"] <= box[3]) & (b["maxy"] >= box[1])]
    if near.empty:
        return set()
    gdf = boundaries.load(level).set_index("kode")
    shapes = np.asarray(gdf.loc[near.index, "display"].values)
    hit = shapely.intersects(shapes, shapely.box(*box))
    return set(near.index[hit])


def features(tbl: pd.DataFrame, level: str) -> list[str]:
    """One GeoJSON Feature (text) per row: ``id`` the code, the display geometry, the row as properties."""
    geom = geometries(level)
    out = []
    for row in records(tbl):
        kode = row["kode"]
        out.append(
            '{"type":"Feature","id":'
            + json.dumps(kode)
            + ',"geometry":'
            + geom.get(kode, "null")
            + ',"properties":'
            + dumps(row).decode("utf-8")
            + "}"
        )
    return out


def feature_collection(feats: Iterable[str], meta: Mapping[str, Any]) -> bytes:
    """A GeoJSON FeatureCollection of feature texts; ``meta`` as foreign members before ``features``."""
    head = dumps({"type": "FeatureCollection", **meta}).decode("utf-8")[:-1]
    return (head + ',"features":[' + ",".join(feats) + "]}").encode("utf-8")


def to_geojson(tbl: pd.DataFrame, level: str, meta: Mapping[str, Any]) -> bytes:
    return feature_collection(features(tbl, level), meta)


# --- describing it: Table Schema, Data Package, OpenAPI -------------------------------------------------


def schema(level: str, lang: str = "id", is_sample: bool = False) -> dict[str, Any]:
    """The Frictionless Table Schema of ``level``'s table."""
    kinds = {**FIELDS, **SAMPLE_FIELDS}
    fields = []
    for name in columns(level, is_sample):
        field: dict[str, Any] = {
            "name": name,
            "type": kinds[name],
            "description": t(f"opendata.field.{name}", lang),
        }
        if name == "kode":
            field["constraints"] = {"required": True, "unique": True}
        fields.append(field)
    return {"fields": fields, "primaryKey": ["kode"], "missingValues": [""]}


LICENSES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
DEFAULT_LICENSE = "CC-BY-4.0"


def datapackage(
    base: str,
    query: str,
    lang: str,
    is_sample: bool,
    versions: list[dict[str, Any]],
    boundary: Mapping[str, str],
    license_id: str = DEFAULT_LICENSE,
) -> dict[str, Any]:
    """A Frictionless (Tabular) Data Package: a CSV and a GeoJSON resource per level with their schemas.

    ``base`` is the API's absolute URL (``…/api/v1``); ``query`` the query string every resource URL
    carries (``v=7``: the package of a pinned version lists that version's files). ``versions`` are the
    published versions the figures come from; ``boundary`` the pinned upstream (repository, commit,
    licence, attribution).
    """
    suffix = f"?{query}" if query else ""
    title, path = LICENSES.get(license_id, (license_id, ""))
    resources = []
    for level in LEVELS:
        for fmt in ("csv", "geojson"):
            res: dict[str, Any] = {
                "name": f"{level}-{fmt}",
                "path": f"{base}/{level}.{fmt}{suffix}",
                "title": t("opendata.resource", lang, level=t(f"level.{level}", lang)),
                "format": fmt,
                "mediatype": MEDIA_TYPES[fmt].split(";")[0],
                "encoding": "utf-8-sig" if fmt == "csv" else "utf-8",
            }
            if fmt == "csv":
                res["profile"] = "tabular-data-resource"
                res["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
                res["schema"] = schema(level, lang, is_sample)
            else:
                res["sources"] = [{"title": boundary["attribution"], "path": boundary["path"]}]
            resources.append(res)
    sources = [{"title": boundary["attribution"], "path": boundary["path"]}]
    if is_sample:
        sources.append({"title": t("sample.banner", lang)})
    for v in versions:
        sources.append({"title": t("opendata.source_version", lang, **v)})
    return {
        "profile": "data-package",
        "name": "cakupan-jamsostek-kalbar",
        "title": t("app.title", lang),
        "description": t("opendata.description", lang) + (f" {t('sample.banner', lang)}." if is_sample else ""),
        "homepage": base.rsplit("/api/", 1)[0] + "/",
        "keywords": ["BPJS Ketenagakerjaan", "jamsostek", "Kalimantan Barat", "cakupan", "desa"],
        "licenses": [{"name": license_id, "title": title, **({"path": path} if path else {})}],
        "sources": sources,
        "resources": resources,
    }


def _param(name: str, lang: str, schema_: dict[str, Any], where: str = "query") -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema_,
        "description": t(f"opendata.param.{name}", lang),
    }


def _get(summary: str, parameters: list[dict[str, Any]], responses: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def openapi(
    base: str, lang: str = "id", max_limit: int = MAX_LIMIT, default_limit: int = DEFAULT_LIMIT
) -> dict[str, Any]:
    """The OpenAPI 3.0 document of ``/api/v1`` and ``/ogc`` (``base``: the site's absolute URL, no slash)."""
    common = [
        _param("v", lang, {"type": "integer", "minimum": 1}),
        _param("periode", lang, {"type": "string", "pattern": r"^\d{4}(-\d{2})?$"}),
        _param("kab", lang, {"type": "string", "pattern": r"^61\.\d{2}$"}),
        _param("kec", lang, {"type": "string", "pattern": r"^61\.\d{2}\.\d{2}$"}),
        _param("below", lang, {"type": "string", "enum": ["0", "1"]}),
        _param("target", lang, {"type": "number", "minimum": 0, "maximum": 100}),
        _param("iuran", lang, {"type": "integer", "minimum": 1, "maximum": plan.MAX_IURAN}),
        _param("lang", lang, {"type": "string", "enum": ["id", "en"]}),
    ]
    error = {"description": t("opendata.doc.error", lang), "content": {"application/json": {}}}
    errors = {"400": error, "404": error, "410": error, "429": error}
    paths: dict[str, Any] = {
        "/api/v1/versions": _get(t("opendata.doc.versions", lang), [], {"200": _ok("json")}),
        "/api/v1/targets.json": _get(t("opendata.doc.targets", lang), [], {"200": _ok("json")}),
        "/api/v1/datapackage.json": _get(t("opendata.doc.datapackage", lang), common[:1], {"200": _ok("json")}),
    }
    for level in LEVELS:
        for fmt in FORMATS:
            paths[f"/api/v1/{level}.{fmt}"] = {
                "get": {
                    "summary": t(f"opendata.doc.{fmt}", lang, level=t(f"level.{level}", lang)),
                    "parameters": common if level != "kabupaten" else [p for p in common if p["name"] != "kec"],
                    "responses": {"200": _ok(fmt), "304": {"description": "Not Modified"}, **errors},
                }
            }
    collection = _param("collectionId", lang, {"type": "string", "enum": list(LEVELS)}, "path")
    paging = [
        _param("limit", lang, {"type": "integer", "minimum": 1, "maximum": max_limit, "default": default_limit}),
        _param("offset", lang, {"type": "integer", "minimum": 0, "default": 0}),
        {
            **_param("bbox", lang, {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}),
            "style": "form",
            "explode": False,
        },
        _param("datetime", lang, {"type": "string"}),
    ]
    ogc = {
        "/ogc/": t("opendata.doc.landing", lang),
        "/ogc/conformance": t("opendata.doc.conformance", lang),
        "/ogc/collections": t("opendata.doc.collections", lang),
    }
    for path, summary in ogc.items():
        paths[path] = {"get": {"summary": summary, "responses": {"200": _ok("json")}}}
    paths["/ogc/collections/{collectionId}"] = _get(
        t("opendata.doc.collection", lang), [collection], {"200": _ok("json"), "404": error}
    )
    paths["/ogc/collections/{collectionId}/items"] = {
        "get": {
            "summary": t("opendata.doc.items", lang),
            "parameters": [collection, *paging, *common],
            "responses": {"200": _ok("geojson"), **errors},
        }
    }
    paths["/ogc/collections/{collectionId}/items/{featureId}"] = {
        "get": {
            "summary": t("opendata.doc.item", lang),
            "parameters": [collection, _param("featureId", lang, {"type": "string"}, "path"), *common],
            "responses": {"200": _ok("geojson"), **errors},
        }
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": t("app.title", lang) + " — API",
            "version": "1",
            "description": t("opendata.description", lang),
        },
        "servers": [{"url": base}],
        "paths": paths,
    }


def _ok(fmt: str) -> dict[str, Any]:
    return {"description": "OK", "content": {MEDIA_TYPES[fmt].split(";")[0]: {}}}
