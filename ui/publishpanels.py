"""The publishing page's parts: join report of an upload, area pickers, publish, version history,
and the target schedule (published like a coverage table: same store, versions, audit).

Everything a user controls (file names, notes, names, cells) is shown as plain text or in
dataframes, never as Markdown.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from geo import LEVELS, fmt, targets
from geo.access import EDITOR
from geo.period import label as period_label
from geo.report import level_hint, report_frame, report_notes
from geo.stamp import when
from geo.store import PartialTable, StoreError, TableRefused
from geo.table import TableError, parse_period
from geo.text import t
from geo.view import shown

from . import auth, blocks, errors, safe, session, uploads

PROBLEMS = ("unmatched", "ambiguous", "invalid")
COUNTS = ("rows", "matched", "unmatched", "ambiguous", "invalid", "duplicate")
RESULT_KEY = "editor_result"
TOAST_KEY = "editor_toast"  # a message to show as a toast on the next run (after st.rerun)


# --- preview: the join report before anything is written ------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def _preview(
    content: bytes,
    filename: str,
    level: str,
    url: str,  # noqa: ARG001
    token: str,  # noqa: ARG001
    picks: tuple[tuple[int, str], ...],
    period: str | None,
) -> dict:
    return session.store().preview(content, filename, level, dict(picks), period)


def preview(
    content: bytes, filename: str, level: str, picks: dict[int, str] | None = None, period: str | None = None
) -> dict:
    """The report ``publish`` would store for this file (stored aliases and ``picks`` applied), without publishing.

    Cached per file, picks and the store's change token, so a click elsewhere on the page does not
    join the table again; an alias added or removed since changes the token.
    """
    store = session.store()
    return _preview(
        content,
        filename,
        level,
        store.display_url,
        store.change_token(),
        tuple(sorted((picks or {}).items())),
        period,
    )


def _summary(report: dict) -> dict[str, int]:
    s = report.get("summary", {})
    out = {k: int(s.get(k, 0) or 0) for k in COUNTS}
    out["left_out"] = out["rows"] - out["matched"]  # the same sum as geo.join.JoinResult.summary
    return out


def show_report(report: dict, lg: str) -> None:
    """Counts, then every problem row with its row number and column (as a table: plain text)."""
    s = _summary(report)
    cols = st.columns(len(COUNTS))
    for col, key in zip(cols, COUNTS):
        col.metric(t(f"editor.count.{key}", lg), fmt.number(s[key], lg))
    for note in report_notes(report, lg):  # how the header was read; column names come from the file
        st.info(safe.md(note), icon=":material/table_rows:")
    issues = [e for e in report.get("row_errors", []) if e.get("severity") in ("error", "warning")]
    if issues:
        st.caption(t("editor.row_errors", lg))
        rows = pd.DataFrame(
            {
                t("report.col.row", lg): pd.array([e.get("row") for e in issues], dtype="Int64"),  # None: "–"
                t("col.column", lg): [e.get("column") or "" for e in issues],
                t("col.problem", lg): [str(e.get("message") or "") for e in issues],
            }
        )
        blocks.table(rows, lg)
    st.caption(t("report.all_rows", lg))
    blocks.table(report_frame(report, lg), lg)


def pickers(report: dict, key: str, lg: str) -> dict[int, str]:
    """For each unmatched/ambiguous row, a choice among its suggested official areas (None: leave it)."""
    picks: dict[int, str] = {}
    suggestions = report.get("suggestions") or {}
    rows = [r for k in ("unmatched", "ambiguous") for r in report.get(k, []) if suggestions.get(str(r.get("baris")))]
    if not rows:
        return picks
    st.subheader(t("editor.pick_title", lg))
    st.caption(t("editor.pick_help", lg))
    for r in sorted(rows, key=lambda r: int(r.get("baris") or 0)):
        baris = int(r["baris"])
        found = suggestions[str(baris)]
        labels = {
            s["kode"]: " ".join(
                x for x in (s["kode"], s.get("nama") or "", f"({s['where']})" if s.get("where") else "") if x
            )
            for s in found
        }
        st.text(f"{t('col.row', lg)} {baris}: {r.get('input') or ''}")  # the cell as written: plain text
        choice = st.selectbox(
            t("editor.pick_label", lg, row=baris),
            [None, *labels],
            key=f"pick_{key}_{baris}",
            format_func=lambda k, labels=labels: t("editor.pick_none", lg) if k is None else labels.get(k, k),
        )
        if choice:
            picks[baris] = choice
    return picks


# --- the publish panel -------------------------------------------------------------------------------


def publish_panel(ident: auth.Identity, lg: str) -> None:
    store = session.store()
    level = st.selectbox(
        t("editor.level", lg), list(LEVELS), key="pub_level", format_func=lambda lv: t(f"level.{lv}", lg)
    )
    up = st.file_uploader(
        t("editor.upload", lg),
        type=["csv", "xlsx"],
        key="pub_file",
        help=t("control.upload_help", lg),
        max_upload_size=uploads.max_upload_mb(),
    )
    if up is None:
        shown_result(None)
        return
    content = up.getvalue()
    key = hashlib.sha256(content).hexdigest()[:12] + level
    shown_result(key)
    try:
        report = preview(content, up.name, level)
        period = period_input(report, key, lg)
        if period:
            report = preview(content, up.name, level, period=period)
    except TableError as exc:
        st.error(t("editor.unreadable", lg), icon=":material/error:")
        st.text(up.name)
        st.text(exc.message(lg))  # may quote cells of the file: plain text
        return
    except TableRefused as exc:
        st.error(safe.md(exc.message(lg)), icon=":material/error:")
        return
    except StoreError as exc:
        errors.store_failed(exc, lg)
        return
    st.subheader(t("editor.report_title", lg))
    st.text(up.name)
    if hint := level_hint(report, lg):
        st.warning(hint, icon=":material/swap_vert:")
    report_box = st.container()  # filled after the pickers: the report shows what the picks change
    picks = pickers(report, key, lg)
    if picks:
        try:
            report = preview(content, up.name, level, picks, period)
        except StoreError as exc:
            errors.store_failed(exc, lg)
            return
    with report_box:
        show_report(report, lg)
    s = _summary(report)
    if s["matched"] == 0:  # nothing can be published at a level where nothing matched
        st.error(t("editor.cannot_publish", lg), icon=":material/block:")
        return
    if report.get("period", {}).get("missing") and not period:
        st.info(t("editor.need_period", lg), icon=":material/event:")
        return
    note = st.text_area(t("editor.note", lg), key="pub_note", max_chars=2000)
    confirmed = True
    if s["left_out"] > 0:
        st.warning(
            t("editor.left_out", lg, n=fmt.number(s["left_out"], lg), rows=fmt.number(s["rows"], lg)),
            icon=":material/warning:",
        )
        confirmed = st.checkbox(t("editor.confirm_left_out", lg, n=fmt.number(s["left_out"], lg)), key=f"confirm_{key}")
    if st.button(
        t("editor.publish", lg), type="primary", key="pub_go", disabled=not confirmed, icon=":material/publish:"
    ):
        try:
            result = store.publish(
                content,
                up.name,
                level,
                by=ident.name,
                note=note or "",
                accept_partial=s["left_out"] > 0 and confirmed,
                picks=picks or None,
                period=period,
            )
        except PartialTable as exc:
            st.error(t("editor.still_partial", lg, n=fmt.number(_summary(exc.report)["left_out"], lg)))
            return
        except TableRefused as exc:  # a table problem, never "database unavailable"
            st.error(safe.md(exc.message(lg)), icon=":material/error:")
            return
        except StoreError as exc:
            errors.store_failed(exc, lg)
            return
        st.session_state[RESULT_KEY] = (result.version.id, result.created, key)
        st.session_state[TOAST_KEY] = t(
            "editor.published" if result.created else "editor.same_bytes", lg, version=result.version.id
        )
        session.refresh_now()  # the viewing pages of this process see the new version at once
        st.rerun()


def period_input(report: dict, key: str, lg: str) -> str | None:
    """The period for a table that names none, asked here (checked like a table's period cells); None until
    a valid one is typed. A table with its own period shows it instead."""
    info = report.get("period") or {}
    if not info.get("missing"):
        periods = [p for p in info.get("periods", []) if p]
        if periods:
            st.caption(t("publish.period_from_table", lg, periods=", ".join(period_label(p, lg) for p in periods)))
        return None
    typed = st.text_input(
        t("publish.period_label", lg), key=f"pub_period_{key}", max_chars=20, help=t("publish.period_help", lg)
    )
    if not typed.strip():
        st.warning(safe.md(t("publish.period_missing", lg, file=report.get("file", ""))), icon=":material/event:")
        return None
    period = parse_period(typed)
    if period is None:
        st.error(safe.md(t("publish.period_invalid", lg, value=typed.strip()[:40])), icon=":material/error:")
        return None
    st.caption(t("publish.period_given", lg, period=period_label(period, lg)))
    return period


def toast() -> None:
    """The message of the action just done, as a toast: seen wherever the officer is looking after st.rerun."""
    if message := st.session_state.pop(TOAST_KEY, None):
        st.toast(safe.md(message), icon=":material/check_circle:")  # may name a file: plain text


def view_url(version_id: int) -> str:
    """The address that reopens what this page showed for ``version_id`` (``geo.view.shown.version_link``):
    under the configured public origin, else (a local run without one) this browser's own address."""
    version = session.version_info(version_id)
    path = shown.version_link(version) if version is not None else f"/?v={version_id}"
    here = (st.context.url or "").split("?")[0].rstrip("/") if getattr(st.context, "url", None) else ""
    root = here.rsplit("/", 1)[0] if here.rsplit("/", 1)[-1] in ("terbitkan", "admin", "masuk") else here
    return shown.absolute(path, urlsplit(root)._replace(path="").geturl() if root else "")


def shown_result(upload_key: str | None) -> None:
    """The outcome of the last publish in this session (version number, whether it was new, the link),
    while the file published is still the one in the upload box (or the box was emptied)."""
    done = st.session_state.get(RESULT_KEY)
    if not done or (upload_key is not None and upload_key != done[2]):
        return
    lg = auth.lang()
    version_id, created, _key = done
    if created:
        st.success(t("editor.published", lg, version=version_id), icon=":material/check_circle:")
    else:
        st.info(t("editor.same_bytes", lg, version=version_id), icon=":material/info:")
    url = view_url(version_id)
    st.link_button(t("editor.view_link", lg, version=version_id), url, icon=":material/open_in_new:")
    st.text_input(t("editor.share_caption", lg), url, key=f"pub_url_{version_id}")


# --- versions -------------------------------------------------------------------------------------------


def _when(value, lg: str) -> str:  # noqa: ARG001 - one format in both languages
    """Kalbar's time (WIB), as the stamps on the map pages say it."""
    return when(value) if value is not None else "–"


PENDING_KEY = "ver_pending"  # session_state: ("retract" | "restore", version id) awaiting confirmation
NEWEST_KEY = "ver_newest"  # session_state: the newest version id the picker last saw


def _ask(action: str, version_id: int) -> None:
    st.session_state[PENDING_KEY] = (action, version_id)


def _confirm(v, action: str, ident: auth.Identity, reason: str, lg: str) -> None:  # noqa: ANN001 - a store Version
    """The confirmation naming the version, its file and its period; acts only on "yes"."""
    periods = ", ".join(period_label(p, lg) for p in v.periods) or "–"
    st.warning(
        safe.md(t(f"editor.confirm_{action}", lg, version=v.id, file=v.filename, periods=periods)),
        icon=":material/help:",
    )
    yes, no = st.columns(2)
    if yes.button(t(f"editor.yes_{action}", lg, version=v.id), key=f"yes_{action}_{v.id}", type="primary"):
        store = session.store()
        if action == "retract":
            store.retract(v.id, by=ident.name, reason=reason or "")
        else:
            store.restore(v.id, by=ident.name)
        st.session_state.pop(PENDING_KEY, None)
        st.session_state[TOAST_KEY] = t(f"editor.done_{action}", lg, version=v.id, file=v.filename, periods=periods)
        session.refresh_now()
        st.rerun()
    if no.button(t("editor.cancel", lg), key=f"no_{action}_{v.id}"):
        st.session_state.pop(PENDING_KEY, None)
        st.rerun()


def versions_panel(ident: auth.Identity, lg: str) -> None:
    store = session.store()
    try:
        versions = store.versions(include_retracted=True)
    except StoreError as exc:
        errors.store_failed(exc, lg)
        return
    if not versions:
        st.info(t("editor.no_versions", lg))
        return
    table = pd.DataFrame(
        [
            {
                t("editor.col.version", lg): v.id,
                t("editor.col.state", lg): t("editor.retracted" if v.retracted else "editor.active", lg),
                t("editor.col.level", lg): t(f"level.{v.level}", lg) if v.level in LEVELS else str(v.level or ""),
                t("editor.col.periods", lg): ", ".join(p or "–" for p in v.periods) or "–",
                t("editor.col.file", lg): v.filename,
                t("editor.col.rows", lg): f"{fmt.number(v.n_matched, lg)}/{fmt.number(v.n_rows, lg)}",
                t("editor.col.by", lg): v.published_by,
                t("editor.col.at", lg): _when(v.published_at, lg),
                t("editor.col.note", lg): v.note or "",
            }
            for v in versions
        ]
    )
    blocks.table(table, lg)
    by_id = {v.id: v for v in versions}  # newest first
    newest = versions[0].id
    if st.session_state.get(NEWEST_KEY) != newest or st.session_state.get("ver_pick") not in by_id:
        st.session_state["ver_pick"] = newest  # a new version (or none picked yet): the newest is selected
        st.session_state[NEWEST_KEY] = newest
    chosen = st.selectbox(
        t("editor.choose_version", lg),
        list(by_id),
        key="ver_pick",
        format_func=lambda i: (
            " · ".join(  # a selectbox option is plain text
                [str(i), by_id[i].filename, ", ".join(by_id[i].periods) or "–", _when(by_id[i].published_at, lg)]
            )
            + (f" ({t('editor.retracted', lg)})" if by_id[i].retracted else "")
        ),
    )
    v = by_id[chosen]
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        t("editor.download_original", lg),
        _checked_download(ident, lg, lambda: store.original(v.id)[1], "download_original", v.id),
        file_name=_safe_name(v.filename),
        key=f"orig_{v.id}",
        icon=":material/download:",
        on_click="ignore",
    )
    c2.download_button(
        t("editor.download_report", lg),
        _checked_download(
            ident,
            lg,
            lambda: json.dumps(store.report(v.id), ensure_ascii=False, indent=2, default=str).encode("utf-8"),
        ),
        file_name=f"laporan_versi_{v.id}.json",
        mime="application/json",
        key=f"rep_{v.id}",
        icon=":material/download:",
        on_click="ignore",
    )
    c3.link_button(t("editor.open_version", lg), view_url(v.id), icon=":material/open_in_new:")
    reason = st.text_input(t("editor.retract_reason", lg), key=f"reason_{v.id}") if not v.retracted else ""
    action = "restore" if v.retracted else "retract"
    st.button(
        t(f"editor.{action}", lg),
        key=f"{action}_{v.id}",
        icon=":material/restore:" if v.retracted else ":material/undo:",
        on_click=_ask,
        args=(action, v.id),
    )
    if st.session_state.get(PENDING_KEY) == (action, v.id):
        _confirm(v, action, ident, reason, lg)


def _checked_download(
    ident: auth.Identity, lg: str, build: Callable[[], bytes], action: str | None = None, version: int | None = None
) -> Callable[[], bytes]:
    """A deferred download (built when clicked, maybe long after this run): the role is checked again then,
    so a sign-out or a role change since the page was drawn refuses it; an original file's download is audited."""

    def run() -> bytes:
        if not auth.still_allowed(ident, EDITOR):
            raise PermissionError(t("auth.download_refused", lg))
        data = build()
        if action:
            session.store().log(ident.name, action, {"version": version})
        return data

    return run


def _safe_name(name: str) -> str:
    """The original file name as a download name: no path, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned or "tabel.csv"


# --- the target schedule --------------------------------------------------------------------------------


def targets_panel(ident: auth.Identity, lang: str) -> None:
    """Upload a target schedule, validate it (every bad row and column listed), then publish it as ``ident``."""
    st.subheader(t("targets.title", lang))
    up = st.file_uploader(
        t("targets.upload", lang), type=["csv", "xlsx"], key="w_targets_upload", max_upload_size=uploads.max_upload_mb()
    )
    if up is None:
        return
    content = up.getvalue()
    try:
        sched = targets.read_schedule(content, up.name)
    except targets.ScheduleError as exc:
        st.error(t("targets.refused", lang), icon=":material/error:")
        blocks.problems_table(exc.problems, lang)
        return
    st.success(t("targets.valid", lang, rows=fmt.number(len(sched.rows), lang)))
    blocks.table(sched.rows, lang)
    note = st.text_input(t("targets.note", lang), key="w_targets_note", max_chars=200)
    if st.button(t("targets.publish_button", lang), key="w_targets_publish", type="primary"):
        result = session.store().publish_targets(content, up.name, ident.name, note or "")
        v = result.version
        key = "targets.published" if result.created else "targets.already"
        st.success(safe.md(t(key, lang, version=v.id, rows=v.n_rows, periods=", ".join(v.periods))))
        session.refresh_now()  # a new change token: every process sees it on its next run
