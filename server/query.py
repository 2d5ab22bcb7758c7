"""An open-data request's parameters → the data in force and the open-data table, as the map shows it.

Shared by ``/api/v1`` (``server.api``) and ``/ogc`` (``server.ogc``). The parameters are the pages' own
(``geo.viewstate.parse``, so ``kab``, ``kec``, ``below``, ``target``, ``iuran``, ``lang`` and ``v`` mean
what they mean in a view URL; ``periode`` is ``period``), the data is the core's
(``geo.view.inforce``: published, as of ``v``, else the sample), and so is the classification. Unlike a
page, which falls back to a default view with a message, a bad parameter here is a 400 naming it, an unknown version a
404 and a retracted one a 410 with the reason it was retracted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo import LEVELS, opendata, pace, plan, targets, viewstate
from geo.classify import reported_note, totals
from geo.lru import LRU
from geo.stamp import publisher, when
from geo.store import StoreError, Version
from geo.text import t
from geo.view import connection, inforce, shown
from geo.view.inforce import Data

from .httpapi import ApiError

VIEW_PARAMS = ("v", "periode", "period", "kab", "kec", "below", "target", "iuran", "lang")
MAX_VALUE = 64  # characters: every value the API takes is a code, a number or a word
MAX_QUERY = 2048
_TO_VIEW = {"periode": "period"}


def params(query: Iterable[tuple[str, str]], allowed: Iterable[str]) -> dict[str, str]:
    """The last value of each parameter; a name not in ``allowed``, a value too long or a query too long is a
    400 naming it (an API answers a typo with an error, not with other data)."""
    allowed = set(allowed)
    out: dict[str, str] = {}
    length = 0
    for name, value in query:
        length += len(name) + len(value) + 2
        if length > MAX_QUERY:
            raise ApiError(400, "api.error.too_long", param=name[:MAX_VALUE])
        if name not in allowed:
            raise ApiError(400, "api.error.unknown_param", param=name[:MAX_VALUE])
        if len(value) > MAX_VALUE:
            raise ApiError(400, "api.error.too_long", param=name)
        out[name] = value.strip()
    if "period" in out and "periode" not in out:
        out["periode"] = out.pop("period")
    out.pop("period", None)
    return out


@dataclass(frozen=True)
class Resolved:
    """What an open-data request shows: the data in force, the level and the view's settings."""

    data: Data
    level: str
    period: str | None
    kab: str | None
    kec: str | None
    below: bool
    target: float | None
    iuran: int
    lang: str
    query: dict[str, str]  # the normalised parameters (carried by links: next pages, resources)

    @property
    def key(self) -> tuple:
        """Everything the table depends on (the data version included): the cache key of every answer."""
        d = self.data
        return (
            d.key,
            d.pinned,
            self.level,
            self.period,
            self.kab,
            self.kec,
            self.below,
            self.target,
            self.iuran,
            self.lang,
        )

    @property
    def pinned(self) -> bool:
        return self.data.pinned is not None


_versions: LRU[tuple, tuple[int, str]] = LRU(256)


def check_version(v: int) -> None:
    """404 when ``v`` is not a published coverage version, 410 (with the reason) when it was retracted."""
    s = connection.store_or_none()
    if s is None:
        raise ApiError(503, "api.error.store")
    key = (s.display_url, connection.change_token(s), v)
    found = _versions.get(key)
    if found is None:
        try:
            version = s.version(v)
            if version is None or version.kind != "coverage":
                found = (404, "")
            elif version.retracted:
                found = (410, s.retraction(v))
            else:
                found = (200, "")
        except StoreError:
            raise ApiError(503, "api.error.store") from None
        _versions.put(key, found)
    status, reason = found
    if status == 404:
        raise ApiError(404, "api.error.unknown_version", param="v", v=v)
    if status == 410:
        if reason:
            raise ApiError(410, "api.error.retracted_reason", param="v", v=v, reason=" ".join(reason.split()))
        raise ApiError(410, "api.error.retracted", param="v", v=v)


def version_of(p: Mapping[str, str]) -> int | None:
    """``v`` as a version number (checked: 404/410), or None for the latest; 400 when it is not a number."""
    raw = p.get("v", "")
    if not raw:
        return None
    number = viewstate.parse_version(raw)
    if number is None:
        raise ApiError(400, "api.error.bad_param", param="v", value=raw)
    check_version(number)
    return number


def data_for(p: Mapping[str, str]) -> Data:
    pinned = version_of(p)
    d = inforce.data_in_force(pinned)
    if pinned is not None and d.pinned != pinned:  # read failed after the check: not the version asked for
        raise ApiError(503, "api.error.store")
    return d


_resolved: LRU[tuple, Resolved] = LRU(512)


def resolve(level: str, p: Mapping[str, str]) -> Resolved:
    """The request's view of ``level``; a 400 naming the first bad parameter (cached per data version and query:
    a client asking again costs a dictionary look-up)."""
    d = data_for(p)
    key = (d.key, d.pinned, level, tuple(sorted(p.items())))
    if (hit := _resolved.get(key)) is not None:
        return hit
    return _resolved.put(key, _resolve(d, level, p))


def _resolve(d: Data, level: str, p: Mapping[str, str]) -> Resolved:
    view_params = {_TO_VIEW.get(k, k): val for k, val in p.items() if k in VIEW_PARAMS and k != "v"}
    state, problems = viewstate.parse(
        view_params,
        inforce.areas("kabupaten")["kode"],
        inforce.areas("kecamatan")["kode"],
        inforce.areas("desa")["kode"],
        d.periods,
    )
    if problems:
        bad = problems[0]
        name = next((k for k, val in _TO_VIEW.items() if val == bad.param), bad.param)
        raise ApiError(400, "api.error.bad_param", param=name, value=bad.value)
    if state.kec and level == "kabupaten":
        raise ApiError(400, "api.error.not_here", param="kec", level=level)
    query = {k: val for k, val in p.items() if val != "" and k in VIEW_PARAMS}
    return Resolved(
        data=d,
        level=level,
        period=state.period or d.latest_period(),
        kab=state.kab,
        kec=state.kec,
        below=state.below,
        target=state.target,
        iuran=state.iuran,
        lang=state.lang,
        query=query,
    )


# --- the table and what describes it ------------------------------------------------------------------


def scoped(r: Resolved) -> pd.DataFrame:
    """The classified areas in the request's scope (every one: the figures count them all)."""
    frame = plan.scope(inforce.classified(r.data, r.level, r.period, r.target), r.kab, r.kec)
    return pace.joined(frame, inforce.paced(r.data, r.level, r.period))  # the pace's columns (geo.pace)


_tables: LRU[tuple, pd.DataFrame] = LRU(32)


def table(r: Resolved) -> pd.DataFrame:
    """The open-data table of the request (below-target only with ``below=1``), cached per ``Resolved.key``."""
    if (hit := _tables.get(r.key)) is not None:
        return hit
    frame = scoped(r)
    if r.below:
        frame = frame[frame["status"].eq("below")]
    label = t("sample.banner", r.lang) if r.data.is_sample else None
    return _tables.put(r.key, opendata.table(frame, r.level, r.period, r.lang, r.iuran, label))


def version_dict(v: Version) -> dict[str, Any]:
    return {
        "id": v.id,
        "kind": v.kind,
        "level": v.level,
        "periods": list(v.periods),
        "published_at": v.published_at.isoformat(),
        "published_by": publisher(v),  # the display name or the role, never the login name
        "note": v.note,
        "retracted": v.retracted,
        "sha256": v.sha256,
        "filename": v.filename,
    }


def meta(r: Resolved) -> dict[str, Any]:
    """What the figures are: level, period, which version (or the sample, labelled), the notes a page shows."""
    d = r.data
    frame = scoped(r)
    version = d.version_for(r.level, r.period) if not d.is_sample else None
    notes = [
        note
        for note in (
            reported_note(totals(frame, r.target), r.level, r.lang),
            targets.legend_label(frame, r.lang),
            targets.workers_note(d.matched.keys(), r.level, r.lang),
        )
        if note
    ]
    return {
        "level": r.level,
        "periode": r.period,
        "sample": d.is_sample,
        "label": shown.data_label(d, r.level, r.period, r.lang),
        "version": version.id if version is not None else None,
        "as_of": d.pinned,
        "parameters": r.query,
        "notes": notes,
    }


def versions_in_force(d: Data, lang: str = "id") -> list[dict[str, Any]]:
    """The published versions the figures come from (for the data package's sources)."""
    seen = {v.id: v for per in d.versions.values() for v in per.values()}
    return [
        {
            "id": v.id,
            "level": t(f"level.{v.level}", lang) if v.level in LEVELS else v.level,
            "periods": ", ".join(v.periods),
            "when": when(v.published_at),
            "by": publisher(v, lang),
        }
        for v in sorted(seen.values(), key=lambda v: v.id)
    ]
