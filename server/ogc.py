"""``/ogc``: OGC API – Features, Part 1 (Core, GeoJSON, OpenAPI 3.0), so QGIS and ArcGIS add a layer by URL.

Three collections, ``kabupaten``, ``kecamatan`` and ``desa``, whose features are the open-data table's rows
(``server.query``, the same as ``/api/v1/{level}.geojson``) with the map's display geometry. ``items`` takes
``limit``/``offset`` (with ``next``/``prev`` links), ``bbox`` (CRS84) and ``datetime`` (it picks the period),
and the API's own parameters (``periode``, ``kab``, ``kec``, ``below``, ``v`` …), declared in the OpenAPI
document; every other parameter is a 400, as Part 1 asks.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Hashable, Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo import LEVELS, opendata
from geo.lru import LRU
from geo.period import sort_key as period_sort_key
from geo.text import t
from geo.view.inforce import Data

from . import query
from .api import METHODS, not_found, site_root
from .httpapi import PINNED_CACHE_CONTROL, ApiError, Body, answer, body, endpoint, request_lang

PREFIX = "/ogc"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
JSON, GEOJSON = "application/json", "application/geo+json"
FORMATS = {"json", "geojson", JSON, GEOJSON}
PAGING = ("limit", "offset", "bbox", "datetime", "f")
CARRIED = tuple(p for p in query.VIEW_PARAMS if p != "period")  # carried on every link


def _params(request: Request, extra: tuple[str, ...] = ()) -> dict[str, str]:
    p = query.params(request.query_params.multi_items(), (*query.VIEW_PARAMS, "f", *extra))
    if p.get("f", "json") not in FORMATS:
        raise ApiError(400, "api.error.bad_param", param="f", value=p["f"])
    return p


def _carry(p: Mapping[str, str], **more: object) -> str:
    items = {k: v for k, v in p.items() if k in CARRIED and v != ""}
    items.update({k: str(v) for k, v in more.items()})
    return ("?" + urlencode(items)) if items else ""


def _link(href: str, rel: str, kind: str, title: str | None = None) -> dict[str, str]:
    out = {"href": href, "rel": rel, "type": kind}
    return out | ({"title": title} if title else {})


async def _json(request: Request, key: Hashable, make, pinned: bool = False) -> Response:  # noqa: ANN001
    def build() -> Body:
        return body(opendata.dumps(make()), JSON)

    return await answer(request, key, build, PINNED_CACHE_CONTROL) if pinned else await answer(request, key, build)


# --- landing page, conformance, collections -------------------------------------------------------------


@endpoint
async def landing(request: Request) -> Response:
    p = _params(request)
    root, lang = site_root(request), request_lang(request)
    base, carry = root + PREFIX, _carry(p)

    def make() -> dict[str, Any]:
        return {
            "title": t("opendata.landing.title", lang),
            "description": t("opendata.description", lang),
            "links": [
                _link(f"{base}/{carry}", "self", JSON),
                _link(f"{root}/api/v1/openapi.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0"),
                _link(f"{root}/api/v1/", "service-doc", "text/html"),
                _link(f"{base}/conformance{carry}", "conformance", JSON),
                _link(f"{base}/collections{carry}", "data", JSON),
                _link(f"{root}/api/v1/datapackage.json", "describedby", JSON),
            ],
        }

    return await _json(request, ("ogc-landing", root, carry, lang), make)


@endpoint
async def conformance(request: Request) -> Response:
    _params(request)
    return await _json(request, ("ogc-conformance",), lambda: {"conformsTo": CONFORMANCE})


def _span(period: str) -> tuple[dt.datetime, dt.datetime]:
    """A period's time span [start, end): "2024" the year, "2024-06" the month."""
    year, _, month = period.partition("-")
    if month:
        start = dt.datetime(int(year), int(month), 1, tzinfo=dt.UTC)
        end = dt.datetime(int(year) + int(month) // 12, int(month) % 12 + 1, 1, tzinfo=dt.UTC)
    else:
        start, end = dt.datetime(int(year), 1, 1, tzinfo=dt.UTC), dt.datetime(int(year) + 1, 1, 1, tzinfo=dt.UTC)
    return start, end


def _spans(periods: tuple[str, ...] | list[str]) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """The time span of each period that is one (the unnamed default period and legacy text have none)."""
    out = {}
    for p in periods:
        try:
            out[p] = _span(p)
        except ValueError:
            continue
    return out


def _iso(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _collection(level: str, root: str, carry: str, d: Data, lang: str) -> dict[str, Any]:
    base = f"{root}{PREFIX}/collections/{level}"
    spans = list(_spans(d.periods).values())
    extent: dict[str, Any] = {"spatial": {"bbox": [opendata.extent(level)], "crs": CRS84}}
    if spans:
        last = max(end for _s, end in spans) - dt.timedelta(seconds=1)
        extent["temporal"] = {"interval": [[_iso(min(s for s, _e in spans)), _iso(last)]], "trs": GREGORIAN}
    name = t(f"level.{level}", lang)
    return {
        "id": level,
        "title": t("opendata.collection.title", lang, level=name),
        "description": t("opendata.collection.description", lang, level=name)
        + (f" {t('sample.banner', lang)}." if d.is_sample else ""),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent,
        "links": [
            _link(f"{base}{carry}", "self", JSON),
            _link(f"{base}/items{carry}", "items", GEOJSON),
            _link(f"{root}/api/v1/{level}.csv{carry}", "alternate", "text/csv"),
        ],
    }


@endpoint
async def collections(request: Request) -> Response:
    p = _params(request)
    root, lang, carry = site_root(request), request_lang(request), _carry(p)
    d = await run_in_threadpool(query.data_for, p)

    def make() -> dict[str, Any]:
        return {
            "links": [_link(f"{root}{PREFIX}/collections{carry}", "self", JSON)],
            "collections": [_collection(level, root, carry, d, lang) for level in LEVELS],
        }

    return await _json(request, ("ogc-collections", d.key, d.pinned, root, carry, lang), make, d.pinned is not None)


def _level(request: Request) -> str:
    level = request.path_params["cid"]
    if level not in LEVELS:
        raise ApiError(404, "api.error.not_found", path=request.url.path[:200])
    return level


@endpoint
async def collection(request: Request) -> Response:
    level = _level(request)
    p = _params(request)
    root, lang, carry = site_root(request), request_lang(request), _carry(p)
    d = await run_in_threadpool(query.data_for, p)
    key = ("ogc-collection", level, d.key, d.pinned, root, carry, lang)
    return await _json(request, key, lambda: _collection(level, root, carry, d, lang), d.pinned is not None)


# --- items ---------------------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})?)?)?)?$", re.ASCII
)


def _when(text: str) -> tuple[dt.datetime, dt.datetime] | None:
    """An ISO 8601 year, month, date or date-time as a span [start, end) in UTC; None when unreadable or when the
    span does not fit Python's datetimes (year 0, ``9999-12-31``: its end is in year 10000; an offset past year 1)."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        y, mo, day, hh, _mm, _ss, _zone = m.groups()
        if hh is not None:
            at = dt.datetime.fromisoformat(text.strip().replace("z", "Z").replace("t", "T"))
            at = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
            return at, at + dt.timedelta(microseconds=1)
        if day is not None:
            start = dt.datetime(int(y), int(mo), int(day), tzinfo=dt.UTC)
            return start, start + dt.timedelta(days=1)
        if mo is not None:
            return _span(f"{y}-{mo}")
        return _span(y)
    except (ValueError, OverflowError):
        return None


def period_of(value: str, periods: tuple[str, ...]) -> str | None:
    """The latest period whose span meets ``datetime`` (an instant or an interval, ``..`` open); None: none does.
    An unreadable value is a 400 naming ``datetime``."""
    low, high = dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC)
    if "/" in value:
        start_text, _, end_text = value.partition("/")
        start = _when(start_text) if start_text not in ("", "..") else (low, low)
        end = _when(end_text) if end_text not in ("", "..") else (high, high)
        if start is None or end is None or start[0] > end[1]:
            raise ApiError(400, "api.error.bad_param", param="datetime", value=value)
        wanted = (start[0], end[1])
    else:
        found = _when(value)
        if found is None:
            raise ApiError(400, "api.error.bad_param", param="datetime", value=value)
        wanted = found
    spans = _spans(periods)
    meets = [p for p, (start, end) in spans.items() if start < wanted[1] and wanted[0] < end]
    # the latest start: a month before the year holding it (an instant in June 2024 is "2024-06", not "2024")
    return max(meets, key=lambda p: (spans[p][0], period_sort_key(p))) if meets else None


def _number(p: Mapping[str, str], name: str, default: int, low: int) -> int:
    raw = p.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < low or len(raw) > 9:
        raise ApiError(400, "api.error.bad_param", param=name, value=raw)
    return int(raw)


def _bbox(raw: str) -> tuple[float, float, float, float] | None:
    if raw == "":
        return None
    try:
        nums = [float(x) for x in raw.split(",")]
    except ValueError:
        nums = []
    if len(nums) == 6:  # 3D: minx, miny, minz, maxx, maxy, maxz
        nums = [nums[0], nums[1], nums[3], nums[4]] if math.isfinite(nums[2]) and math.isfinite(nums[5]) else []
    if (
        len(nums) != 4
        or not all(math.isfinite(n) for n in nums)
        or not all(-180 <= n <= 180 for n in nums[0::2])  # CRS84: longitude, latitude
        or not all(-90 <= n <= 90 for n in nums[1::2])
        or nums[0] > nums[2]
        or nums[1] > nums[3]
    ):
        raise ApiError(400, "api.error.bad_param", param="bbox", value=raw)
    return nums[0], nums[1], nums[2], nums[3]


_features: LRU[tuple, tuple[list[str], list[str]]] = LRU(16)


def features(r: query.Resolved) -> tuple[list[str], list[str]]:
    """(codes, feature texts) of the request's table, in code order, cached per ``Resolved.key``."""
    if (hit := _features.get(r.key)) is not None:
        return hit
    tbl = query.table(r)
    return _features.put(r.key, (tbl["kode"].tolist(), opendata.features(tbl, r.level)))


def _resolve_items(level: str, p: dict[str, str]) -> tuple[query.Resolved | None, dict[str, str]]:
    """The view of an items request; None when ``datetime`` meets no period (an empty page)."""
    view = {k: v for k, v in p.items() if k in query.VIEW_PARAMS}
    if p.get("datetime"):
        if view.get("periode"):
            raise ApiError(400, "api.error.bad_param", param="datetime", value=p["datetime"])
        period = period_of(p["datetime"], query.data_for(view).periods)
        if period is None:
            return None, view
        view["periode"] = period
    return query.resolve(level, view), view


@endpoint
async def items(request: Request) -> Response:
    level = _level(request)
    p = _params(request, PAGING)
    limit = min(_number(p, "limit", opendata.DEFAULT_LIMIT, 1), opendata.MAX_LIMIT)
    offset = _number(p, "offset", 0, 0)
    box = _bbox(p.get("bbox", ""))
    root = site_root(request)
    r, view = await run_in_threadpool(_resolve_items, level, p)
    base = f"{root}{PREFIX}/collections/{level}/items"
    paging = {k: p[k] for k in ("bbox", "datetime") if p.get(k)}

    def page_link(rel: str, at: int) -> dict[str, str]:
        return _link(base + _carry(p, **paging, limit=limit, offset=at), rel, GEOJSON)

    def build() -> Body:
        codes, feats = features(r) if r is not None else ([], [])
        if box is not None:
            inside = opendata.in_bbox(level, box)
            feats = [f for code, f in zip(codes, feats) if code in inside]
        chosen = feats[offset : offset + limit]
        links = [page_link("self", offset)]
        if offset + limit < len(feats):
            links.append(page_link("next", offset + limit))
        if offset > 0:
            links.append(page_link("prev", max(0, offset - limit)))
        links.append(_link(f"{root}{PREFIX}/collections/{level}{_carry(p)}", "collection", JSON))
        meta = query.meta(r) if r is not None else {"level": level, "periode": None}
        head = {**meta, "numberMatched": len(feats), "numberReturned": len(chosen), "links": links}
        return body(opendata.feature_collection(chosen, head), GEOJSON)

    data_key = r.key if r is not None else (level, tuple(sorted(view.items())))
    key = ("ogc-items", data_key, box, limit, offset, root, tuple(sorted(p.items())))
    pinned = r is not None and r.pinned
    return await answer(request, key, build, PINNED_CACHE_CONTROL) if pinned else await answer(request, key, build)


@endpoint
async def item(request: Request) -> Response:
    level = _level(request)
    fid = request.path_params["fid"][:64]
    p = _params(request)
    root = site_root(request)
    r, _view = await run_in_threadpool(_resolve_items, level, p)
    if r is None:
        raise ApiError(404, "api.error.unknown_feature", kode=fid, level=level)

    def build() -> Body:
        codes, feats = features(r)
        if fid not in codes:
            raise ApiError(404, "api.error.unknown_feature", kode=fid, level=level)
        feature = feats[codes.index(fid)]
        links = [
            _link(f"{root}{PREFIX}/collections/{level}/items/{fid}{_carry(p)}", "self", GEOJSON),
            _link(f"{root}{PREFIX}/collections/{level}{_carry(p)}", "collection", JSON),
        ]
        return body((feature[:-1] + ',"links":' + opendata.dumps(links).decode("utf-8") + "}").encode("utf-8"), GEOJSON)

    key = ("ogc-item", r.key, fid, root, tuple(sorted(p.items())))
    return await answer(request, key, build, PINNED_CACHE_CONTROL) if r.pinned else await answer(request, key, build)


ROUTES = [
    Route(PREFIX, landing, methods=METHODS),
    Route(PREFIX + "/", landing, methods=METHODS),
    Route(PREFIX + "/conformance", conformance, methods=METHODS),
    Route(PREFIX + "/collections", collections, methods=METHODS),
    Route(PREFIX + "/collections/{cid}", collection, methods=METHODS),
    Route(PREFIX + "/collections/{cid}/items", items, methods=METHODS),
    Route(PREFIX + "/collections/{cid}/items/{fid}", item, methods=METHODS),
]
CATCH_ALL = [Route(PREFIX + "/{rest:path}", not_found, methods=METHODS)]
