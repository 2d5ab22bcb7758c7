"""What a view URL shows, worked out outside any script run: for the instant picture and the link preview.

The same answer as the pages (``ui/session`` + ``ui/cache`` + ``ui/mappage``), from the same domain
functions: the published data in force (latest per period, or as of the version a link pins) read
through the store's one door, else the sample tables; the target schedule in force;
``geo.targets.classify_level``; ``geo.viewstate.parse`` with each page's default. No
``st.session_state`` here: these requests come before, or without, a Streamlit session.
Everything is cached on the store's change token, in bounded LRU caches.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd

from geo import LEVELS, boundaries, ranking, targets, viewstate
from geo.classify import Totals, totals
from geo.join import join
from geo.lru import LRU
from geo.period import sort_key as period_sort_key
from geo.sample import ensure_samples
from geo.stamp import stamp
from geo.store import Store, StoreError, Version, open_store, resolve_url
from geo.table import read_table
from geo.text import t
from geo.viewstate import ViewState

# The three map pages by URL path, with the defaults their scripts parse the URL with (screens/*.py).
PAGES: dict[str, tuple[str, ViewState]] = {
    "/": ("ringkasan", ViewState(level="kabupaten")),
    "/kabupaten": ("kabupaten", ViewState(level="kabupaten")),
    "/desa": ("desa", ViewState(level="desa")),
}
PAGE_DEFAULTS = {name: default for name, default in PAGES.values()}
TOKEN_TTL_S = 1.0  # as ui/session: a new version shows within a second
RETRY_OPEN_S = 10.0  # after a failed open, answer with the sample data (labelled) before trying again


# --- the store, outside a script run ----------------------------------------------------------------

_lock = threading.Lock()
_stores: dict[str, Store] = {}  # one per database URL (in practice one)
_failed: dict[str, float] = {}  # url -> monotonic time of the last failed open
_tokens: dict[str, tuple[float, str | None]] = {}


def store() -> Store | None:
    """The process's store for the server layer; None when it cannot be opened (the sample is shown, labelled)."""
    url = resolve_url(os.environ.get("KALBAR_DATABASE_URL") or None)
    with _lock:
        if url in _stores:
            return _stores[url]
        if time.monotonic() - _failed.get(url, -RETRY_OPEN_S) < RETRY_OPEN_S:
            return None
    try:
        opened = open_store(url)
    except StoreError:
        with _lock:
            _failed[url] = time.monotonic()
        return None
    with _lock:
        return _stores.setdefault(url, opened)


def change_token(s: Store) -> str | None:
    """The store's change token, asked at most once per TOKEN_TTL_S (one single-row query)."""
    with _lock:
        seen = _tokens.get(s.display_url)
        if seen is not None and time.monotonic() - seen[0] < TOKEN_TTL_S:
            return seen[1]
    try:
        value: str | None = s.change_token()
    except StoreError:
        value = None
    with _lock:
        _tokens[s.display_url] = (time.monotonic(), value)
    return value


# --- the data in force --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Data:
    """The tables a view is classified from, and what identifies them (the key images are cached on)."""

    key: str
    is_sample: bool
    matched: dict[str, pd.DataFrame] = field(repr=False)
    versions: dict[str, dict[str, Version]] = field(repr=False)  # level -> period -> version in force
    pinned: int | None  # the version the link pins, when it is a live coverage version
    schedule: targets.Schedule = field(repr=False)
    periods: tuple[str, ...]

    def version_for(self, level: str, period: str | None) -> Version | None:
        """The version a ``level`` view of ``period`` shows: its own level's, else the finer one rolled up."""
        for lv in LEVELS[LEVELS.index(level) :]:
            if per := self.versions.get(lv):
                return per.get(period if period is not None else max(per, key=period_sort_key))
        return None


@lru_cache(maxsize=4)
def areas(level: str) -> pd.DataFrame:
    """A level's areas (attributes only), as the pages' ``ui.cache.areas``."""
    return boundaries.areas(level)[["kode", "nama", "jenis", "kode_kab", "kode_kec", "nama_kab", "nama_kec"]]


@lru_cache(maxsize=1)
def _sample_tables() -> dict[str, pd.DataFrame]:
    return {level: join(read_table(path), level, areas(level)).matched for level, path in ensure_samples().items()}


def _periods(matched: Mapping[str, pd.DataFrame]) -> tuple[str, ...]:
    found: set[str] = set()
    for frame in matched.values():
        found.update(frame["periode"].dropna().astype(str))
    return tuple(sorted(found, key=period_sort_key))


_data: LRU[tuple, Data] = LRU(8)


def data_in_force(pinned: int | None) -> Data:
    """Published data (as of ``pinned`` when that is a live coverage version), else the sample tables."""
    env_file = os.environ.get(targets.ENV_FILE, "")
    s = store()
    token = change_token(s) if s is not None else None
    cache_key = (s.display_url if s else "", token, pinned, env_file)
    if (hit := _data.get(cache_key)) is not None:
        return hit
    return _data.put(cache_key, _read(s, token, pinned, env_file))


def _read(s: Store | None, token: str | None, pinned: int | None, env_file: str) -> Data:
    published_schedule, current, rows = None, {}, {}
    if s is not None and token is not None:
        try:
            if pinned is not None:
                v = s.version(pinned)
                if v is None or v.kind != "coverage" or v.retracted:
                    pinned = None  # the page says why (version.unknown / version.retracted) and shows the latest
            current = s.current(as_of=pinned)
            published_schedule = s.target_schedule()
            for level, per in current.items():
                parts = [s.rows(v.id).pipe(lambda f, p=p: f[f["periode"].astype(str) == p]) for p, v in per.items()]
                rows[level] = pd.concat(parts, ignore_index=True)
        except StoreError:
            current, rows, published_schedule = {}, {}, None
    schedule = targets.in_force(published_schedule, env_file or None)
    if rows:
        in_force = sorted((lv, p, v.id) for lv, per in current.items() for p, v in per.items())
        key = "pub-" + hashlib.sha256(repr((in_force, schedule.key)).encode()).hexdigest()[:16]
        return Data(key, False, rows, current, pinned, schedule, _periods(rows))
    matched = _sample_tables()
    key = "sample-" + hashlib.sha256(repr(schedule.key).encode()).hexdigest()[:16]
    return Data(key, True, matched, {}, None, schedule, _periods(matched))


# --- one view -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """What the page at ``path`` with this query shows first: the classified areas, figures and labels."""

    page: str  # ringkasan | kabupaten | desa
    path: str
    state: ViewState
    data: Data = field(repr=False)
    level: str
    kab: str | None  # the kabupaten the image zooms to (as the PNG export)
    period: str | None
    frame: pd.DataFrame = field(repr=False)
    tot: Totals
    target: float  # the what-if target, else the schedule's province default (legend)
    area: str
    title: str  # "Cakupan Jamsostek Kabupaten Ketapang — Desa/Kelurahan"
    map_title: str  # the image's title, with the period
    label: str  # the published data's stamp, or the sample label
    query: dict[str, str]  # the view's parameters, normalised (only what differs from the page's default)

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def image_key(self) -> tuple:
        """Everything the image depends on (two links to the same picture share one render)."""
        s = self.state
        return (self.data.key, self.level, s.kab, s.kec, self.period, s.target, s.color, s.lang, s.iuran, s.bulan)

    def render_args(self) -> dict:
        """``geo.render.render_snapshot`` arguments, as the page's PNG download passes them."""
        return dict(
            lang=self.lang,
            title=self.map_title,
            period=self.period,
            target=self.target,
            is_sample=self.data.is_sample,
            data_source="" if self.data.is_sample else self.label,
            kab=self.kab,
            color=self.state.color,
            iuran=self.state.iuran,
            months=self.state.bulan,
        )


_classified: LRU[tuple, pd.DataFrame] = LRU(32)
_views: LRU[tuple, View] = LRU(256)


def classified(d: Data, level: str, period: str | None, what_if: float | None) -> pd.DataFrame:
    """``classify_level`` on the data in force, with the change since the previous period (as the pages)."""
    key = (d.key, level, period, what_if)
    if (hit := _classified.get(key)) is not None:
        return hit
    frame = targets.classify_level(d.matched, areas, level, period, what_if, d.schedule)
    if level in d.matched and period is not None:
        change = ranking.change_since_previous(d.matched[level], period, list(d.periods))
        if len(change):
            frame = frame.assign(change_pp=frame["kode"].map(change))
    return _classified.put(key, frame)


def _params(query: Mapping[str, str | list[str]]) -> dict[str, str]:
    """The last value of each parameter, as ``st.query_params`` reads a URL."""
    out = {}
    for name, value in query.items():
        out[name] = value[-1] if isinstance(value, list) and value else value if isinstance(value, str) else ""
    return out


def view(path: str, query: Mapping[str, str | list[str]]) -> View | None:
    """The view a map page's URL opens (None for other paths); bad parameters fall back as the pages do."""
    if path not in PAGES:
        return None
    params = _params(query)
    raw_v = params.get("v", "")
    pinned = int(raw_v) if raw_v.isascii() and raw_v.isdigit() and 0 < int(raw_v) < 2**31 else None
    d = data_in_force(pinned)
    key = (path, tuple(sorted(params.items())), d.key, d.pinned)
    if (hit := _views.get(key)) is not None:
        return hit
    return _views.put(key, _build(path, params, d))


def _names(level: str) -> dict[str, str]:
    frame = areas(level)
    return dict(zip(frame["kode"], frame["nama"]))


def data_label(d: Data, level: str, period: str | None, lang: str) -> str:
    """The stamp of the published version a ``level`` view of ``period`` shows, or the sample label; "" when
    published data has nothing at this level (the page shows no stamp either)."""
    if d.is_sample:
        return t("sample.banner", lang)
    version = d.version_for(level, period)
    return stamp(version, period, lang, pinned=d.pinned is not None) if version is not None else ""


def latest_period(d: Data) -> str | None:
    """The period a view without one shows: the latest of the data in force."""
    return d.periods[-1] if d.periods else None


def _build(path: str, params: dict[str, str], d: Data) -> View:
    page, default = PAGES[path]
    state, _problems = viewstate.parse(
        params, areas("kabupaten")["kode"], areas("kecamatan")["kode"], areas("desa")["kode"], d.periods, default
    )
    lang = state.lang
    if page == "ringkasan":
        level = "kabupaten"
    elif page == "kabupaten":
        state = replace(state, level="kabupaten", kab=None, kec=None)
        level = "kabupaten"
    else:
        level = state.level
    period = state.period if state.period in d.periods else latest_period(d)
    frame = classified(d, level, period, state.target)
    scope = (state.kec or state.kab) if page == "desa" else None
    if scope:
        frame = frame[frame["kode"].str.startswith(scope + ".") | (frame["kode"] == scope)]
    if page == "desa" and state.kec:
        area = _names("kecamatan").get(state.kec, state.kec)
    elif page == "desa" and state.kab:
        area = _names("kabupaten").get(state.kab, state.kab)
    else:
        area = t("level.provinsi", lang)
    level_name = t(f"level.{level}", lang)
    target = float(state.target) if state.target is not None else targets.province_default(d.schedule, period)[0]
    label = data_label(d, level, period, lang)
    map_title = (
        t("map.title", lang, area=area, level=level_name, period=period)
        if period
        else t("render.title_no_period", lang, area=area, level=level_name)
    )
    return View(
        page=page,
        path=path,
        state=state,
        data=d,
        level=level,
        kab=state.kab if page == "desa" and level != "kabupaten" and not state.kec else None,
        period=period,
        frame=frame,
        tot=totals(frame, state.target),
        target=target,
        area=area,
        title=t("preview.title", lang, area=area, level=level_name),
        map_title=map_title,
        label=label,
        query=viewstate.to_query(state, default),
    )


def views_to_render_ahead() -> list[tuple[str, dict[str, str]]]:
    """The common links: the province (summary, Kabupaten page, the province's desa map) and each
    kabupaten/kota's desa page (views that draw the same picture share one render)."""
    province = [("/", {}), ("/kabupaten", {}), ("/desa", {})]
    return province + [("/desa", {"kab": kode}) for kode in areas("kabupaten")["kode"]]
