"""Page blocks of the map pages: the data label, the figures, the map, its downloads, the tables.

Each takes the view state and already-cached data, and lays out widgets.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import fmt, mapgeo, maps, plan
from geo.assets import standalone_html
from geo.classify import Totals, reported_note, totals
from geo.export import to_csv, to_xlsx
from geo.text import t
from geo.view import shown
from geo.viewstate import ViewState

from . import cache, errors, phone, safe, session
from .urlstate import display_target, effective_period

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from geo.targets import Problem

MAP_HEIGHT = 560


# --- which data: sample label, stamp, messages -------------------------------------------------------


def data_messages(lang: str) -> None:
    """Why the published data is not what the link asked for, or cannot be read (never a traceback)."""
    _published, messages = session.published_source(session.pinned_version())
    for key, params in messages:
        if key == "store.unreachable":  # "database unavailable"; host, port and driver for admins only
            st.error(t(key, lang), icon=":material/warning:")
            errors.show_detail(params["error"])
        else:
            st.warning(t(key, lang, **params), icon=":material/warning:")


def stamp_text(level: str, period: str | None, lang: str) -> str | None:
    """Which published version a view of ``level`` in ``period`` shows (None for sample/upload data)."""
    d = cache.data(session.source())
    if d.is_sample:
        return None
    return shown.data_label(d, level, period, lang) or None


def show_stamp(level: str, period: str | None, lang: str) -> None:
    if text := stamp_text(level, period, lang):
        # st.html with escaped text: the name and the period come from users, never Markdown or HTML
        st.html(
            f'<div class="pjk-stamp" data-pjk="pjk-stamp" style="font-size:.875rem;color:#555;margin:-.4rem 0 .4rem 0">'
            f"{html.escape(text)}</div>"
        )


def sample_banner(lang: str, level: str | None = None, period: str | None = None) -> None:
    """The sample label, or the stamp of the published version shown, and any data message."""
    data_messages(lang)
    if session.source().is_sample:
        st.container(key="pjk-sample-full").warning(
            f"**{t('sample.banner', lang)}** — {t('sample.explain', lang)}", icon=":material/science:"
        )
        phone.sample_chip(lang)  # phones: the label in one line (ui/phone)
    elif level:
        show_stamp(level, period, lang)


# --- the figures ------------------------------------------------------------------------------------


def metrics(
    tot: Totals, level_label: str, lang: str, workers_note: str | None = None, level: str | None = None
) -> None:
    """The four headline figures, and a line with target, workers and participants (below the map on phones).

    ``workers_note`` says what the workers count when it is the village ecosystem, so a desa-level
    "Tenaga kerja" is never read as the kabupaten level's population; a partial table's figures say how
    many areas were reported (geo.classify.reported_note).
    """
    if level and (note := reported_note(tot, level, lang)):
        st.warning(note, icon=":material/incomplete_circle:")
    cols = st.container(key="pjk-figs").columns(4)
    diff = tot.coverage - tot.target
    cols[0].metric(
        t("metric.coverage_of", lang),
        fmt.percent(tot.coverage, lang),
        t("metric.vs_target", lang, diff=fmt.points(diff, lang)),
        delta_color="green" if diff >= 0 else "red",
        delta_arrow="up" if diff >= 0 else "down",
    )
    cols[1].metric(
        t("metric.below_count", lang, level=level_label),
        t("metric.below_value", lang, n=fmt.number(tot.below, lang), total=fmt.number(tot.areas_with_data, lang)),
    )
    # the people to enrol so that every area below target reaches it (the cost line's "each area" figure);
    # the pooled figure, smaller where areas above target make up for others, is named as such in the cost line
    cols[2].metric(t("metric.gap", lang), fmt.number(tot.gap_sum, lang), help=t("metric.gap_help", lang))
    cols[3].metric(t("metric.bantuan", lang), fmt.number(tot.bantuan, lang))
    workers = t("workers.label_ecosystem" if workers_note else "metric.tenaga_kerja", lang)
    later = st.container(key="pjk-later-figs")
    later.caption(
        f"{t('metric.target', lang)}: {fmt.percent(tot.target, lang)} · "
        f"{workers}: {fmt.number(tot.tenaga_kerja, lang)} · "
        f"{t('metric.peserta', lang)}: {fmt.number(tot.peserta_aktif, lang)} — {t('map.click_hint', lang)}"
    )
    if workers_note:
        later.caption(workers_note + ".")


def cost_line(frame: pd.DataFrame, tot: Totals, state: ViewState) -> None:
    """Where the targets came from, and 'Rp … per tahun untuk mencapai target', under the figures."""
    lang = state.lang
    note = cache.target_note(frame, lang)
    if note:
        st.caption(safe.md(note))  # carries the schedule's keterangan, which an editor typed
    if not tot.areas_with_data:
        return
    costs = plan.gap_costs(tot.gap_to_target, tot.gap_sum, state.iuran, state.bulan)
    if costs is None:  # nobody to enrol: no cost line made of "0 orang"
        st.caption(t("cost.none", lang))
        return
    period_word = t("cost.per_year", lang) if state.bulan == 12 else t("cost.per_months", lang, months=state.bulan)
    parts = []
    for key, figure in list(zip(("cost.part_province", "cost.part_each"), costs))[::-1]:  # the headline's first
        if figure is not None:
            people, rupiah = figure
            parts.append(
                t(key, lang, total=fmt.rupiah_short(rupiah, lang), period=period_word, people=fmt.number(people, lang))
            )
    basis = t("cost.basis", lang, iuran=fmt.rupiah(state.iuran, lang), months=state.bulan)
    st.caption(t("cost.line_parts", lang, parts="; ".join(parts), basis=basis))


# --- the map ----------------------------------------------------------------------------------------


def show_map(
    frame: pd.DataFrame,
    opts: maps.MapOptions,
    frame_key: tuple,
    dim: frozenset[str] = frozenset(),
    height: int = MAP_HEIGHT,
    key: str = "map",
    extra_panels: list[tuple[str, str]] | None = None,
    fill: bool = False,
) -> str | None:
    """Draw the map; return the code of a newly clicked area (pan/zoom return nothing: no rerun)."""
    payload, features = cache.map_payload(frame_key + (opts.color,), frame, opts, dim)
    mapgeo.hold(features)  # every run: the server answers for the file while the map is on screen
    own = bool(frame["own_target"].any()) if "own_target" in frame else False
    m = maps.map_from_payload(payload, opts, own, extra_panels=tuple(extra_panels or ()), fill_frame=fill)
    out = st_folium(m, key=key, height=height, use_container_width=True, returned_objects=["last_active_drawing"])
    feature = (out or {}).get("last_active_drawing") or {}
    kode = (feature.get("properties") or {}).get("kode")
    token = (key, frame_key, kode)
    if kode and st.session_state.get("_last_click") != token:
        st.session_state["_last_click"] = token
        return str(kode)
    return None


def map_downloads(
    frame: pd.DataFrame,
    opts: maps.MapOptions,
    level: str,
    state: ViewState,
    title: str,
    period: str | None,
    file_stem: str,
    dim: frozenset[str] = frozenset(),
) -> None:
    """The current map as PNG (1920×1080) and PDF for slides, and as a standalone HTML file.

    Every file is made only when its button is clicked (deferred), so re-runs stay fast.
    """
    lang = state.lang
    src = session.source()
    kab = state.kab if level != "kabupaten" and not state.kec else None
    file_stem = safe.file_part(file_stem, 120)  # the period and names come from the table

    def static(fmt_: str):  # noqa: ANN202 - a deferred download's callable
        def make() -> bytes:
            # matplotlib (~0.5 s to import) only when someone asks for a picture, not on a process's first page
            import matplotlib  # noqa: PLC0415 - see above

            from geo.render import render_map  # noqa: PLC0415 - see above

            named = stamp_text(level, period, lang) or (src.name if not src.is_sample else "")
            # Titles carry the file name and period from the table: '$' must not start matplotlib math
            # (geo.render also turns it off; kept here so the page never depends on that default).
            with matplotlib.rc_context({"text.parse_math": False}):
                return render_map(
                    frame,
                    level,
                    lang=lang,
                    title=title,
                    period=period,
                    target=display_target(state),
                    is_sample=src.is_sample,
                    data_source=named,
                    kab=kab,
                    fmt=fmt_,
                    color=opts.color,
                    iuran=state.iuran,
                    months=state.bulan,
                    workers_note=cache.workers_note(src, level, lang),
                )

        return make

    def html_file() -> bytes:
        return standalone_html(maps.build_map(frame, opts, dim=set(dim))).encode("utf-8")

    download_row(
        [
            Download(
                t("download.png", lang),
                static("png"),
                f"{file_stem}.png",
                "image/png",
                f"png_{file_stem}",
                ":material/image:",
            ),
            Download(
                t("download.pdf", lang),
                static("pdf"),
                f"{file_stem}.pdf",
                "application/pdf",
                f"pdf_{file_stem}",
                ":material/picture_as_pdf:",
            ),
            Download(
                t("download.map", lang),
                html_file,
                f"{file_stem}.html",
                "text/html",
                f"html_{file_stem}",
                ":material/map:",
            ),
        ]
    )


class Download(NamedTuple):
    """One file a button offers: made by ``data`` only when clicked (no rerun: ``on_click="ignore"``)."""

    label: str
    data: Callable[[], bytes]
    file_name: str
    mime: str | None
    key: str
    icon: str = ":material/download:"  # written out whole: deploy/fontsubset keeps the icons it finds so in the code


def download_row(items: list[Download]) -> None:
    """Buttons side by side, one column each."""
    for col, d in zip(st.columns(len(items)), items, strict=True):
        col.download_button(
            d.label,
            d.data,
            file_name=d.file_name,
            mime=d.mime,
            key=d.key,
            icon=d.icon,
            on_click="ignore",
        )


# --- tables -----------------------------------------------------------------------------------------


COUNT_COLUMNS = (
    "col.rank",
    "col.tenaga_kerja",
    "col.peserta_aktif",
    "col.gap",
    "col.bantuan",
    "cost.col",
    "plan.col_slots",
    "plan.col_cost",
)
PERCENT_COLUMNS = ("col.cakupan", "col.target", "col.change", "plan.col_new_coverage")
ID_COLUMNS = ("editor.col.version", "report.col.row", "col.row")  # and "id": written as they are, no separators


def cell_formats(frame: pd.DataFrame, lang: str) -> dict[str, Callable[[object], str]]:
    """Each numeric column's cell text in the page's language (geo.fmt): counts 26.373 / 26,373, percentages
    and points 38,33 / 38.33, identifiers as written. Text columns keep their own text."""
    counts = {t(k, lang) for k in COUNT_COLUMNS}
    percents = {t(k, lang) for k in PERCENT_COLUMNS}
    ids = {"id", *(t(k, lang) for k in ID_COLUMNS)}
    out: dict[str, Callable[[object], str]] = {}
    for col in frame.columns:
        dtype = frame[col].dtype
        if col in ids:
            out[col] = fmt.whole
        elif col in percents:
            out[col] = partial(fmt.number, lang=lang, digits=2)
        elif col in counts or pd.api.types.is_integer_dtype(dtype):
            out[col] = partial(fmt.number, lang=lang)
        elif pd.api.types.is_float_dtype(dtype):
            out[col] = partial(fmt.number, lang=lang, digits=2)
    return out


def styled(frame: pd.DataFrame, lang: str) -> Styler:
    """``frame`` with its cell text in the page's language and "–" where there is no data.

    Why a Styler: Streamlit's own number formats cannot write a decimal comma (printf) or follow the
    browser's locale instead of the page's ("localized"), and show a missing number as "None". A Styler's
    text travels beside the raw values (``display_values``): the grid shows the text, sorts on the numbers,
    and shows it as plain text (never Markdown/HTML). Formatting only, no per-cell styles.
    """
    return frame.style.format(cell_formats(frame, lang), na_rep=fmt.MISSING)


def problems_table(problems: Sequence[Problem], lang: str) -> None:
    """Every bad row and column of a refused schedule or commitments file, one line each (cells as plain text)."""
    table(
        pd.DataFrame(
            {
                t("col.row", lang): pd.array([p.row for p in problems], dtype="Int64"),
                t("col.column", lang): [p.column or "" for p in problems],
                t("col.problem", lang): [
                    t(p.key, lang, **p.params) if p.cause is None else p.message(lang) for p in problems
                ],
            }
        ),
        lang,
    )


def table(frame: pd.DataFrame, lang: str, *, shared: bool = False, key: str | None = None) -> None:
    """Every table of the app: numbers in the page's language, "–" for no data, sortable by value.

    ``shared``: a table every viewer of a view sees alike (the map pages'): drawn once per process and
    content, then replayed (the Styler costs ~0.15 s for the province's 2,131 desa rows; a replay does not).
    ``key`` names that content when the caller already has a hash that fixes it (else the cells are hashed).
    """
    try:
        digest = (key or _digest(frame)) if shared else None
    except TypeError:  # a cell pandas cannot hash: drawn for this session only
        digest = None
    if digest:
        _shared_table(digest, frame, lang)
    else:
        _draw(frame, lang)


def _draw(frame: pd.DataFrame, lang: str) -> None:
    st.dataframe(styled(frame, lang), hide_index=True, placeholder=fmt.MISSING)


def _digest(frame: pd.DataFrame) -> str:
    """Content hash of a shown table (headers, types, cells; ~1 ms for 2,131 rows)."""
    digest = hashlib.sha1(repr([(str(c), str(d)) for c, d in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@st.cache_resource(show_spinner=False, max_entries=16)  # the province's desa table: ~0.85 MB an entry
def _shared_table(digest: str, _frame: pd.DataFrame, lang: str) -> None:  # noqa: ARG001 - the key
    """Streamlit records the element drawn here and replays it on a hit (cached functions replay their
    elements), so a new session of the same view gets the table without building the Styler again."""
    _draw(_frame, lang)


def show_table(shown: pd.DataFrame, lang: str, key: str | None = None) -> None:
    """A map page's table (sortable, numbers in the UI language), shared by every viewer of the view."""
    table(shown, lang, shared=True, key=key)


def downloads(
    shown: pd.DataFrame,
    lang: str,
    notes: list[str],
    stem: str,
    *,
    key_prefix: str = "",
    key_stem: str | None = None,
    label: str = "",
    sheet: str | None = None,
) -> None:
    """CSV and XLSX of a shown table, with the sample label and ``notes``; made only when clicked."""
    sample = session.source().is_sample
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet_kw = {"sheet": sheet} if sheet else {}
    key_stem = stem if key_stem is None else key_stem
    download_row(
        [
            Download(
                f"{label} (CSV)" if label else "CSV",
                lambda: to_csv(shown, sample, lang, notes),
                f"{stem}.csv",
                "text/csv",
                f"{key_prefix}csv_{key_stem}",
            ),
            Download(
                f"{label} (XLSX)" if label else "XLSX",
                lambda: to_xlsx(shown, sample, lang, notes, **sheet_kw),
                f"{stem}.xlsx",
                xlsx,
                f"{key_prefix}xlsx_{key_stem}",
            ),
        ]
    )


def area_table(frame: pd.DataFrame, level: str, state: ViewState, file_stem: str) -> None:
    lang = state.lang
    file_stem = safe.file_part(file_stem, 120)  # the period comes from the table
    frame = plan.with_cost(
        frame, state.iuran, state.bulan
    )  # each area's cost of the gap: a column here and in downloads
    if lang == "en" and "target_sumber_en" in frame:
        frame = frame.assign(target_sumber=frame["target_sumber_en"])  # where each target came from, in the UI language
    digest = cache.frame_digest(frame)
    shown = cache.ranked_tables(digest, frame, level, lang)[0]
    show_table(shown, lang, key=f"area:{digest}:{level}:{lang}")  # ranked_tables' key fixes the table
    notes = [t("download.note", lang), t("cost.note", lang, iuran=fmt.rupiah(state.iuran, lang), months=state.bulan)]
    if note := cache.target_note(frame, lang):
        notes.append(note)
    if partial := reported_note(totals(frame), level, lang):  # a partial table says so in the file too
        notes.insert(0, partial)
    if workers := cache.workers_note(session.source(), level, lang):
        notes.append(workers)
    if stamp_line := stamp_text(level, effective_period(state), lang):
        notes.insert(0, stamp_line)
    downloads(shown, lang, notes, file_stem)


def priorities(frame: pd.DataFrame, level: str, lang: str, n: int = 10) -> None:
    digest = cache.frame_digest(frame)
    _shown, top, share = cache.ranked_tables(digest, frame, level, lang, n)
    if top.empty:
        return
    st.markdown(
        f"**{t('priority.title', lang, n=len(top))}** — {t('priority.share', lang, share=fmt.percent(share, lang, 1))}"
    )
    show_table(top, lang, key=f"top:{digest}:{level}:{lang}:{n}")
