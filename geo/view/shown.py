"""One view of a map page, worked out once: what the page's run, the link preview, the instant picture, the
map's files and the CLI all show for the same address.

A map page's view is its page (summary, kabupaten/kota, desa), its state (``geo.viewstate``: from the URL,
or from the page's widgets, which the page writes back to the URL) and the data in force
(``geo.view.inforce``). From those follow, here and nowhere else: the page's defaults, the version a link
pins, the level and scope shown, the period (asked for, else the latest), the classified areas in scope,
the headline totals, the titles, the stamp, the map's options and the areas the search and below-only
filters grey out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import pandas as pd

from geo import maps, pace, ranking, targets, viewstate
from geo.classify import Totals, totals
from geo.lru import LRU
from geo.origin import public_origin
from geo.period import label as period_name
from geo.period import latest
from geo.plan import scope as in_scope
from geo.stamp import stamp
from geo.store import Version
from geo.text import t
from geo.viewstate import ViewState

from . import inforce
from .inforce import Data

# The three map pages: their URL path and the default their URL is parsed with (the pages' own defaults).
PAGES: dict[str, ViewState] = {
    "ringkasan": ViewState(level="kabupaten"),
    "kabupaten": ViewState(level="kabupaten"),
    "desa": ViewState(level="desa"),
}
PATHS: dict[str, str] = {"/": "ringkasan", "/kabupaten": "kabupaten", "/desa": "desa"}
PAGE_PATHS = {page: path for path, page in PATHS.items()}


def default(page: str) -> ViewState:
    """The view a page's address without parameters opens."""
    return PAGES[page]


def params_of(query: Mapping[str, str | list[str]]) -> dict[str, str]:
    """The last value of each parameter, as ``st.query_params`` reads a URL."""
    out = {}
    for name, value in query.items():
        out[name] = value[-1] if isinstance(value, list) and value else value if isinstance(value, str) else ""
    return out


def pinned_version(params: Mapping[str, str | list[str]]) -> int | None:
    """The version a link pins (``?v=N``), when it is a well-formed version number (``geo.viewstate``)."""
    raw = params_of(params).get("v")
    return viewstate.parse_version(raw) if raw else None


def parse(page: str, params: Mapping[str, str | list[str]], d: Data) -> tuple[ViewState, list[viewstate.Problem]]:
    """The view state of a page's URL against the data in force; bad parameters are dropped, each named."""
    return viewstate.parse(
        params_of(params),
        inforce.areas("kabupaten")["kode"],
        inforce.areas("kecamatan")["kode"],
        inforce.areas("desa")["kode"],
        d.periods,
        default(page),
    )


def for_page(page: str, state: ViewState) -> ViewState:
    """The state as ``page`` shows it: the summary and the kabupaten page show the kabupaten level of the
    province; the desa page keeps a highlight only inside its scope."""
    if page == "kabupaten":
        return replace(state, level="kabupaten", kab=None, kec=None)
    if page == "ringkasan":
        return replace(state, level="kabupaten")
    if state.sel and not state.sel.startswith(state.kec or state.kab or "61"):
        return replace(state, sel=None)
    return state


def level_of(page: str, state: ViewState) -> str:
    return "kabupaten" if page in ("ringkasan", "kabupaten") else state.level


def scope_of(page: str, state: ViewState) -> str | None:
    """The kabupaten or kecamatan code the view is limited to (the desa page only)."""
    return (state.kec or state.kab) if page == "desa" else None


def _names(level: str) -> dict[str, str]:
    frame = inforce.areas(level)
    return dict(zip(frame["kode"], frame["nama"]))


def area_name(page: str, state: ViewState) -> str:
    """The area in view: the kecamatan or kabupaten of the desa page's scope, else the province."""
    if page == "desa" and state.kec:
        return _names("kecamatan").get(state.kec, state.kec)
    if page == "desa" and state.kab:
        return _names("kabupaten").get(state.kab, state.kab)
    return t("level.provinsi", state.lang)


def display_target(d: Data, state: ViewState, period: str | None) -> float:
    """The what-if target, else the schedule's province default for the period (legend, subtitles)."""
    if state.target is not None:
        return float(state.target)
    return targets.province_default(d.schedule, period)[0]


def data_label(d: Data, level: str, period: str | None, lang: str) -> str:
    """The stamp of the published version a ``level`` view of ``period`` shows, or the sample label; "" for
    an upload, or when published data has nothing at this level."""
    if d.is_sample:
        return t("sample.banner", lang)
    version = d.version_for(level, period)
    return stamp(version, period, lang, pinned=d.pinned is not None) if version is not None else ""


def colour(d: Data, state: ViewState) -> str:
    """The map's colouring: "change" needs two periods; with one it is the gap to target."""
    return state.color if state.color != "change" or len(d.periods) > 1 else "gap"


def map_options(
    d: Data,
    state: ViewState,
    level: str,
    title: str | None = None,
    subtitle: str | None = None,
    legend_scale: float = 1.0,
    frame: pd.DataFrame | None = None,
    target_note: str | None = None,
) -> maps.MapOptions:
    """How a view's map is drawn (page, presentation, scenario, the page's first HTML and the exports)."""
    period = d.period_or_latest(state.period)
    pace_years = (
        pd.to_numeric(frame["tahun"], errors="coerce").dropna() if frame is not None and "tahun" in frame else ()
    )
    if target_note is None:
        target_note = targets.legend_label(frame, state.lang) if frame is not None else ""
    note = f" · {target_note}" if target_note else ""
    if workers := d.workers_note(level, state.lang):
        note += f" · {workers}"
    return maps.MapOptions(
        color=colour(d, state),
        level=level,
        target=display_target(d, state, period),
        lang=state.lang,
        basemap=state.basemap,
        is_sample=d.is_sample,
        title=title,
        subtitle=subtitle,
        selected=state.sel,
        legend_scale=legend_scale,
        iuran=state.iuran,
        months=state.bulan,
        pace_year=int(pace_years.iloc[0]) if len(pace_years) else None,
        source_line=t("map.source_line", state.lang)
        + note
        + (f" · {t('sample.banner', state.lang)}" if d.is_sample else ""),
    )


@dataclass(frozen=True)
class Shown:
    """What a map page shows for one state and one data in force."""

    page: str  # ringkasan | kabupaten | desa
    state: ViewState
    data: Data = field(repr=False)
    level: str
    scope: str | None  # the kabupaten or kecamatan code the view is limited to
    period: str | None
    frame: pd.DataFrame = field(repr=False)  # every area in scope (the filters grey out, never drop)
    tot: Totals
    target: float  # the what-if target, else the schedule's province default (legend)
    area: str  # the area in view ("Kabupaten Ketapang", "Provinsi")
    title: str  # the map's title: the province, or "{area} — {level}" on the desa page
    preview_title: str  # "Cakupan Jamsostek Kabupaten Ketapang — Desa/Kelurahan"
    map_title: str  # the image's title, with the period
    label: str  # the published data's stamp, or the sample label
    opts: maps.MapOptions
    dim: frozenset[str] = frozenset()  # areas the search or below-only filter greys out
    matches: pd.Series | None = field(default=None, repr=False)  # name matches of the search, if any
    table_frame: pd.DataFrame | None = field(default=None, repr=False)  # the areas the tables list
    # the pace colouring (?color=pace): the area in view's and the province's pace (geo.pace; None without data)
    pace_area: pd.Series | None = field(default=None, repr=False)
    pace_province: pd.Series | None = field(default=None, repr=False)

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def path(self) -> str:
        return PAGE_PATHS[self.page]

    @property
    def listed(self) -> pd.DataFrame:
        return self.frame if self.table_frame is None else self.table_frame

    @property
    def query(self) -> dict[str, str]:
        """The view's parameters, normalised (only what differs from the page's default)."""
        return viewstate.to_query(self.state, default(self.page))

    @property
    def kab(self) -> str | None:
        """The kabupaten the picture zooms to (as the PNG export)."""
        s = self.state
        return s.kab if self.page == "desa" and self.level != "kabupaten" and not s.kec else None

    @property
    def frame_key(self) -> tuple:
        """What the map's payload depends on (the data's key includes the schedule)."""
        s = self.state
        # the pace colouring's frame carries the pace's columns: a frame of its own
        return (self.data.key, self.level, self.scope, s.target, self.period, s.lang, s.sel, self.dim) + (
            ("pace",) if s.color == "pace" else ()
        )

    @property
    def image_key(self) -> tuple:
        """Everything the picture depends on (two links to the same picture share one render)."""
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


def _frame_bytes(v: Shown) -> int:
    """What a cached view holds beyond the shared classified frame: its scoped rows and listed rows."""
    frames = (v.frame, v.table_frame) if v.table_frame is not None else (v.frame,)
    return int(sum(f.memory_usage(index=True, deep=False).sum() for f in frames))


# Bounded by bytes too: each distinct query (a search, a what-if target) is a view of its own, and anyone may ask.
_shown: LRU[tuple, Shown] = LRU(256, max_bytes=48 * 2**20, size_of=_frame_bytes)


def shown(page: str, state: ViewState, d: Data) -> Shown:
    """The view of ``page`` in ``state`` on the data ``d`` (cached: a briefing room opening one link shares it)."""
    state = for_page(page, state)
    key = (page, state, d.key, d.pinned)
    if (hit := _shown.get(key)) is not None:
        return hit
    return _shown.put(key, _build(page, state, d))


def _build(page: str, state: ViewState, d: Data) -> Shown:
    lang = state.lang
    level = level_of(page, state)
    period = d.period_or_latest(state.period)
    scope = scope_of(page, state)
    frame = in_scope(inforce.classified(d, level, period, state.target), scope)
    pace_area = pace_province = None
    if colour(d, state) == "pace":  # each area's pace for this year's target: the colouring, ranking and sentence
        frame = pace.joined(frame, inforce.paced(d, level, period))
        pace_province = inforce.pace_total(d, "kabupaten", None, period)
        pace_area = inforce.pace_total(d, level, scope, period) if scope else pace_province
    area = area_name(page, state)
    level_name = t(f"level.{level}", lang)
    title = f"{area} — {level_name}" if page == "desa" else area
    matches, mask = ranking.view_filters(frame, state.q, state.below) if page == "desa" else (None, None)
    dim = frozenset(frame.loc[~mask, "kode"]) if mask is not None else frozenset()
    period_label = period_name(period, lang) if period else None
    map_title = (
        t("map.title", lang, area=area, level=level_name, period=period_label)
        if period
        else t("render.title_no_period", lang, area=area, level=level_name)
    )
    return Shown(
        page=page,
        state=state,
        data=d,
        level=level,
        scope=scope,
        period=period,
        frame=frame,
        tot=totals(frame, state.target),
        target=display_target(d, state, period),
        area=area,
        title=title,
        preview_title=t("preview.title", lang, area=area, level=level_name),
        map_title=map_title,
        label=data_label(d, level, period, lang),
        opts=map_options(d, state, level, title=title, subtitle=period_label, frame=frame),
        dim=dim,
        matches=matches,
        table_frame=frame[mask] if mask is not None else None,
        pace_area=pace_area,
        pace_province=pace_province,
    )


def view(path: str, query: Mapping[str, str | list[str]]) -> Shown | None:
    """The view a map page's URL opens outside a script run (None for other paths); bad parameters fall back
    as the pages do."""
    page = PATHS.get(path)
    if page is None:
        return None
    d = inforce.data_in_force(pinned_version(query))
    state, _problems = parse(page, query, d)
    return shown(page, state, d)


_features: LRU[tuple, tuple[str, bytes]] = LRU(64, max_bytes=32 * 2**20, size_of=lambda p: len(p[0]) + len(p[1]))


def map_parts(v: Shown) -> tuple[str, bytes]:
    """(the map's message, its features file) for a view; the same for the page's run and its first HTML."""
    key = v.frame_key + (v.opts,)
    if (hit := _features.get(key)) is not None:
        return hit
    return _features.put(key, maps.coverage_parts(v.frame, v.opts, set(v.dim)))


def version_link(version: Version) -> str:
    """The path and query that reopen what the publish page showed for ``version``: the page of its level, its
    (latest) period, and the data as it stood at that version (``?v=N``: the versions in force when N was
    published, N included; a later correction of another period does not change it)."""
    page = "kabupaten" if version.level in (None, "kabupaten") else "desa"
    level = version.level if version.level in ("kecamatan", "desa") else default(page).level
    period = latest(version.periods) if version.periods else None
    query = viewstate.to_query(ViewState(level=level, period=period, version=version.id), default(page))
    return PAGE_PATHS[page] + "?" + urlencode(query)


def absolute(path: str, fallback_origin: str = "") -> str:
    """``path`` under the site's configured public origin (``geo.origin``), else ``fallback_origin``."""
    return (public_origin() or fallback_origin.rstrip("/")) + path


def views_to_render_ahead() -> list[tuple[str, dict[str, str]]]:
    """The common links: the province (summary, Kabupaten page, the province's desa map) and each
    kabupaten/kota's desa page (views that draw the same picture share one render)."""
    province = [("/", {}), ("/kabupaten", {}), ("/desa", {})]
    return province + [("/desa", {"kab": kode}) for kode in inforce.areas("kabupaten")["kode"]]
