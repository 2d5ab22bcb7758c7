"""``/api/v1``: the published figures as a read API (CSV, JSON, GeoJSON), the versions, the target schedule,
a Frictionless Data Package and the OpenAPI document, with a short page for people.

Each answer is made by ``geo.opendata`` from ``server.query``'s view of the request and cached by
``server.httpapi`` per data version and query (ETag, 304, gzip, CORS, JSON errors, rate limit).
"""

from __future__ import annotations

import html
import re
from collections.abc import Hashable
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo import LEVELS, opendata, settings
from geo.origin import public_origin
from geo.source import load_upstream
from geo.store import StoreError
from geo.text import t
from geo.view import connection, inforce

from . import query
from .httpapi import PINNED_CACHE_CONTROL, ApiError, Body, answer, body, endpoint, request_lang

PREFIX = "/api/v1"
METHODS = ["GET", "HEAD", "OPTIONS"]
_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]+")


def site_root(request: Request) -> str:
    """The site's configured public origin (``geo.origin``), never the request's Host or X-Forwarded-Host: an
    answer nginx caches must not carry links a client chose."""
    return public_origin(request.scope.get("server"))


def _query(request: Request, allowed: tuple[str, ...] | set[str]) -> dict[str, str]:
    return query.params(request.query_params.multi_items(), allowed)


async def _answer(request: Request, key: Hashable, build, pinned: bool = False) -> Response:  # noqa: ANN001
    if pinned:
        return await answer(request, key, build, PINNED_CACHE_CONTROL)
    return await answer(request, key, build)


# --- the figures ----------------------------------------------------------------------------------------


@endpoint
async def level_data(request: Request) -> Response:
    """``/api/v1/{kabupaten|kecamatan|desa}.{csv|json|geojson}``."""
    level, fmt = request.path_params["level"], request.path_params["fmt"]
    if level not in LEVELS or fmt not in opendata.FORMATS:
        raise ApiError(404, "api.error.not_found", path=request.url.path[:200])
    p = _query(request, query.VIEW_PARAMS)
    r = await run_in_threadpool(query.resolve, level, p)

    def build() -> Body:
        tbl = query.table(r)
        if fmt == "csv":
            content = opendata.to_csv(tbl)
        elif fmt == "json":
            content = opendata.to_json(tbl, query.meta(r))
        else:
            content = opendata.to_geojson(tbl, level, query.meta(r))
        name = _UNSAFE.sub("_", f"cakupan_{level}_{r.period or ''}").strip("_")
        return body(content, opendata.MEDIA_TYPES[fmt], f"{name}.{fmt}")

    return await _answer(request, ("data", fmt, r.key), build, r.pinned)


# --- about the data -------------------------------------------------------------------------------------


def _versions_key() -> tuple:
    s = connection.store_or_none()
    return ("versions", s.display_url if s else None, connection.change_token(s) if s else None)


def _versions_body() -> Body:
    s = connection.store_or_none()
    out: list[dict] = []
    if s is not None:
        try:
            for v in s.versions(kind=None):
                item = query.version_dict(v)
                if v.retracted:
                    item["retracted_reason"] = s.retraction(v.id)
                out.append(item)
        except StoreError:
            raise ApiError(503, "api.error.store") from None
    d = inforce.data_in_force(None)
    return body(opendata.dumps({"sample": d.is_sample, "count": len(out), "versions": out}), "application/json")


@endpoint
async def versions(request: Request) -> Response:
    """``/api/v1/versions``: every published version (coverage and targets), newest first, retracted ones too."""
    _query(request, ())
    key = await run_in_threadpool(_versions_key)
    return await answer(request, key, _versions_body)


@endpoint
async def target_schedule(request: Request) -> Response:
    """``/api/v1/targets.json``: the target schedule in force (published, else the file or the shipped default)."""
    _query(request, ("lang",))
    d = await run_in_threadpool(inforce.data_in_force, None)

    def build() -> Body:
        s = d.schedule
        rows = opendata.records(s.rows.sort_values(["periode", "kode"]))
        doc = {"origin": s.origin, "version": s.version, "count": len(rows), "targets": rows}
        return body(opendata.dumps(doc), "application/json")

    return await answer(request, ("targets", d.key), build)


def boundary_source() -> dict[str, str]:
    up = load_upstream()
    return {"attribution": up.attribution, "path": f"https://github.com/{up.repository}/tree/{up.commit}"}


@endpoint
async def datapackage(request: Request) -> Response:
    """``/api/v1/datapackage.json``: the Frictionless Data Package (``?v=N``: that version's)."""
    p = _query(request, ("v", "lang"))
    lang = request_lang(request)
    d = await run_in_threadpool(query.data_for, p)
    base = site_root(request) + PREFIX
    license_id = settings.data_license() or opendata.DEFAULT_LICENSE

    def build() -> Body:
        pinned = urlencode({"v": d.pinned}) if d.pinned is not None else ""
        doc = opendata.datapackage(
            base, pinned, lang, d.is_sample, query.versions_in_force(d, lang), boundary_source(), license_id
        )
        return body(opendata.dumps(doc), "application/json")

    return await _answer(request, ("datapackage", d.key, d.pinned, base, lang, license_id), build, d.pinned is not None)


@endpoint
async def openapi(request: Request) -> Response:
    """``/api/v1/openapi.json``: the OpenAPI 3.0 document of ``/api/v1`` and ``/ogc``."""
    _query(request, ("lang",))
    root, lang = site_root(request), request_lang(request)

    def build() -> Body:
        doc = opendata.openapi(root, lang)
        return body(opendata.dumps(doc), "application/vnd.oai.openapi+json;version=3.0")

    return await answer(request, ("openapi", root, lang), build)


@endpoint
async def page(request: Request) -> Response:
    """``/api/v1/``: a short page for people: what is here and how to ask for it."""
    _query(request, ("lang",))
    root, lang = site_root(request), request_lang(request)

    def build() -> Body:
        return body(_page(root, lang).encode("utf-8"), "text/html; charset=utf-8")

    return await answer(request, ("page", root, lang), build)


def _link(url: str) -> str:
    return f'<a href="{html.escape(url)}"><code>{html.escape(url)}</code></a>'


def _page(root: str, lang: str) -> str:
    e = html.escape
    api = root + PREFIX
    items = [f"{api}/versions", f"{api}/targets.json", f"{api}/datapackage.json", f"{api}/openapi.json"]
    items += [f"{api}/{level}.{fmt}" for level in LEVELS for fmt in opendata.FORMATS]
    items += [f"{api}/desa.csv?kab=61.04&below=1"]
    links = "".join(f"<li>{_link(u)}</li>" for u in items)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(t('api.page.title', lang))} — {e(t('app.title', lang))}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;color:#262730}code{background:#f3f3f5;padding:0 .2rem}</style></head><body>"
        f"<h1>{e(t('api.page.title', lang))}</h1><p>{e(t('api.page.intro', lang))}</p>"
        f"<ul>{links}</ul><p>{e(t('api.page.params', lang))}</p>"
        f"<p>{e(t('api.page.ogc', lang))} {_link(root + '/ogc/')}</p>"
        f"<p>{e(t('api.page.openapi', lang))} {_link(api + '/openapi.json')}</p>"
        "</body></html>"
    )


@endpoint
async def not_found(request: Request) -> Response:
    """Any other path under ``/api`` or ``/ogc``: a JSON 404 (never the app's HTML page)."""
    raise ApiError(404, "api.error.not_found", path=request.url.path[:200])


ROUTES = [
    Route(PREFIX, page, methods=METHODS),
    Route(PREFIX + "/", page, methods=METHODS),
    Route(PREFIX + "/versions", versions, methods=METHODS),
    Route(PREFIX + "/targets.json", target_schedule, methods=METHODS),
    Route(PREFIX + "/datapackage.json", datapackage, methods=METHODS),
    Route(PREFIX + "/openapi.json", openapi, methods=METHODS),
    Route(PREFIX + "/{level}.{fmt}", level_data, methods=METHODS),
]
CATCH_ALL = [Route("/api", not_found, methods=METHODS), Route("/api/{rest:path}", not_found, methods=METHODS)]
