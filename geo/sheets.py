"""Budget sheets: one A4 page per kabupaten/kota that its bupati/wali kota can sign off, a province page, the
briefing pack (all of them in one PDF) and the per-desa CSV for the APBDes.

A page shows the area's figure against target, its map (``geo.render.draw_area_map``: the briefing map's
colours and marking), the areas inside it furthest behind, and per year of the target path the people and
rupiah needed, what each funder has committed and what is left (``geo.budget``). It carries the data's stamp
(``geo.stamp`` via the caller's ``label``) or "Data contoh, bukan data resmi" for the sample.

``extra`` lines per area (keyed by kode, "61" for the province) are printed under the figures: the pace and
status lines of the monev work go there, so this module does not compute them.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import PROVINCE_CODE, boundaries, budget, commitments, export, plan, render
from . import fmt as numfmt
from .classify import BELOW
from .commitments import FUNDERS, Commitments
from .period import label as period_label
from .ranking import area_table, priorities
from .targetpath import years
from .targets import Schedule
from .text import t

A4_LANDSCAPE = (11.69, 8.27)
INK, MUTED, ALERT = render.INK, render.MUTED, render.ALERT
ROW_BG = "#f3f3f3"


@dataclass(frozen=True)
class Inputs:
    """What every sheet of one pack is made from: the classified areas of one period, the schedule, the
    commitments, and the line saying which data it is (a stamp, or the sample label)."""

    kabupaten: pd.DataFrame  # classified kabupaten/kota rows of ``period`` (targets.classify_level)
    desa: pd.DataFrame | None  # classified desa rows of ``period``; None when no desa figures exist
    schedule: Schedule
    period: str
    commits: Commitments
    is_sample: bool
    label: str  # the stamp line (geo.stamp) or the sample banner
    lang: str = "id"
    iuran: int = plan.DEFAULT_IURAN
    months: int = plan.DEFAULT_MONTHS
    workers_note: str | None = None  # what the desa workers count (the village ecosystem)
    extra: Mapping[str, Sequence[str]] = field(default_factory=dict)  # lines per kode (pace, status)

    def budget_of(self, frame: pd.DataFrame) -> pd.DataFrame:
        return budget.budget(frame, self.schedule, self.period, self.commits, self.iuran, self.months)


def kab_codes() -> list[str]:
    """Every kabupaten/kota code, in code order (the pack's page order)."""
    return sorted(boundaries.areas("kabupaten")["kode"].astype(str))


def kab_name(kab: str) -> str:
    names = dict(zip(boundaries.areas("kabupaten")["kode"], boundaries.areas("kabupaten")["nama"]))
    return str(names.get(kab, kab))


def signer(kab: str, lang: str) -> str:
    """Who signs a kabupaten's sheet: "Bupati Ketapang", "Wali Kota Pontianak"."""
    name = kab_name(kab)
    if name.startswith("Kota "):
        return t("budget.sign_kota", lang, name=name.removeprefix("Kota "))
    return t("budget.sign_kab", lang, name=name.removeprefix("Kabupaten "))


# --- the per-desa table (APBDes) ------------------------------------------------------------------------


def desa_table(inp: Inputs, kab: str) -> pd.DataFrame:
    """One row per desa of ``kab`` and year of the path: its people and rupiah needed, committed by funder, left
    (``geo.budget`` columns, with names). Desa without workers counted have no rows (no need)."""
    if inp.desa is None:
        return pd.DataFrame(columns=["kode", "desa", "kecamatan", *budget.COLUMNS[1:]])
    frame = inp.desa[inp.desa["kode"].astype(str).str.startswith(kab + ".")]
    rows = inp.budget_of(frame)
    names = frame.set_index("kode")
    rows.insert(1, "desa", rows["kode"].map(names["nama"]).astype(str))
    rows.insert(2, "kecamatan", rows["kode"].map(names["nama_kec"]).fillna("").astype(str))
    return rows.sort_values(["kode", "tahun"]).reset_index(drop=True)


def desa_csv(inp: Inputs, kab: str) -> bytes:
    """The desa table as CSV (cells that look like formulas neutralised), headed by the data's label and the
    basis of the rupiah."""
    lang = inp.lang
    table = desa_table(inp, kab)
    notes = [
        inp.label,
        t("budget.csv_note", lang, area=kab_name(kab), iuran=numfmt.rupiah(inp.iuran, lang), months=inp.months),
        t("budget.rule_committed", lang),
    ]
    if inp.workers_note:
        notes.append(inp.workers_note)
    return export.to_csv(table, is_sample=False, lang=lang, notes=notes)


# --- pages ----------------------------------------------------------------------------------------------


def _page() -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE, dpi=150, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _header(fig: Figure, inp: Inputs, title: str) -> None:
    lang = inp.lang
    path = years(inp.schedule, inp.period)
    fig.text(0.025, 0.965, title, fontsize=15, fontweight="bold", color=INK, va="top")
    sub = t(
        "budget.subtitle",
        lang,
        period=period_label(inp.period, lang),
        first=path[0],
        last=path[-1],
        iuran=numfmt.rupiah(inp.iuran, lang),
        months=inp.months,
    )
    fig.text(0.025, 0.925, sub, fontsize=9, color=MUTED, va="top")
    if inp.is_sample:
        fig.text(
            0.975,
            0.965,
            t("sample.banner", lang),
            fontsize=10,
            fontweight="bold",
            color=render.SAMPLE_INK,
            va="top",
            ha="right",
            bbox=dict(boxstyle="round,pad=0.35", facecolor=render.SAMPLE_BG, edgecolor=render.SAMPLE_EDGE),
        )


WRAP = 88  # characters of a figure line in the right-hand column (9.5 pt on A4 landscape)


def _figures(fig: Figure, inp: Inputs, row: pd.Series, extra: Sequence[str], y: float) -> float:
    """The area's figure against target, then the ``extra`` lines; returns the next free height."""
    lang = inp.lang
    x = 0.46
    fig.text(x, y, t("budget.figure_title", lang), fontsize=11, fontweight="bold", color=INK, va="top")
    y -= 0.035
    lines = [
        (
            t(
                "budget.figure_coverage",
                lang,
                coverage=numfmt.percent(row.get("cakupan"), lang),
                target=numfmt.percent(row.get("target_efektif"), lang),
                period=period_label(inp.period, lang),
            ),
            True,
        ),
        (
            t(
                "budget.figure_people",
                lang,
                peserta=numfmt.number(row.get("peserta_aktif"), lang),
                tk=numfmt.number(row.get("tenaga_kerja"), lang),
            ),
            False,
        ),
    ]
    gap = row.get("gap")
    if gap is not None and gap == gap and gap > 0:
        lines.append(
            (
                t(
                    "budget.figure_gap",
                    lang,
                    gap=numfmt.number(gap, lang),
                    rupiah=numfmt.rupiah_short(plan.cost(gap, inp.iuran, inp.months), lang),
                ),
                False,
            )
        )
    lines += [(str(e), False) for e in extra]
    for text, bold in lines:
        # wrapped here, not by matplotlib, so each wrapped line moves the next one down (a pace sentence is long)
        for part in textwrap.wrap(text, WRAP) or [""]:
            fig.text(
                x,
                y,
                part,
                fontsize=9.5,
                color=ALERT if bold and row.get("status") == BELOW else INK,
                va="top",
                fontweight="bold" if bold else "normal",
            )
            y -= 0.024
        y -= 0.006
    return y


def _behind(fig: Figure, inp: Inputs, frame: pd.DataFrame, level: str, y: float, n: int = 6) -> None:
    """The ``n`` areas inside furthest behind (largest gap), with their coverage and gap."""
    lang = inp.lang
    x, x1 = 0.46, 0.975
    n = max(1, min(n, int((y - 0.059 - 0.47) / 0.027)))  # extra lines above (pace, status) leave fewer rows
    top, _share = priorities(area_table(frame, level), n)
    key = "budget.behind_desa" if level == "desa" else "budget.behind_kab"
    fig.text(x, y, t(key, lang, n=len(top)), fontsize=11, fontweight="bold", color=INK, va="top")
    y -= 0.033
    if top.empty:
        reported = frame["has_data"].astype(bool).any() if "has_data" in frame else len(frame) > 0
        # no figures at all is not "none below target": say which it is
        fig.text(
            x,
            y,
            t("budget.none_behind" if reported else "budget.none_reported", lang),
            fontsize=9,
            color=MUTED,
            va="top",
        )
        return
    fig.text(x1 - 0.12, y, t("col.cakupan", lang), fontsize=8, color=MUTED, va="top", ha="right")
    fig.text(x1, y, t("col.gap", lang), fontsize=8, color=MUTED, va="top", ha="right")
    y -= 0.026
    for i, r in enumerate(top.itertuples(index=False), 1):
        name = f"{i}. {r.nama}"
        if level == "desa":
            name += f" ({t('jenis.kecamatan', lang)} {str(r.parent).split(', ')[0]})"
        fig.text(x, y, name[:70], fontsize=9, color=INK, va="top")
        fig.text(x1 - 0.12, y, numfmt.percent(r.cakupan, lang, 1), fontsize=9, color=INK, va="top", ha="right")
        fig.text(x1, y, numfmt.number(r.gap, lang), fontsize=9, fontweight="bold", color=ALERT, va="top", ha="right")
        y -= 0.027
    if level == "desa" and inp.workers_note:  # the desa figures count the village ecosystem, not all workers
        fig.text(x, y - 0.004, textwrap.fill(inp.workers_note, 95), fontsize=7, color=MUTED, va="top")


def _budget_table(fig: Figure, inp: Inputs, rows: pd.DataFrame, top: float) -> float:
    """Per year: target, people and rupiah needed, committed by each funder, left. Returns the table's bottom."""
    lang = inp.lang
    heads = [
        t("commit.col.year", lang),
        t("budget.col_target", lang),
        t("budget.col_needed", lang),
        *[commitments.funder_label(f, lang) for f in FUNDERS],
        t("budget.col_left", lang),
    ]
    widths = [0.06, 0.07, 0.15, 0.12, 0.12, 0.12, 0.12, 0.19]
    x0 = 0.025
    xs = np.concatenate([[x0], x0 + np.cumsum(widths)])
    fig.text(x0, top, t("budget.table_title", lang), fontsize=11, fontweight="bold", color=INK, va="bottom")
    y = top - 0.01
    h_head = 0.03
    h_row = min(0.038, (top - 0.01 - h_head - 0.15) / max(len(rows), 1))  # a long schedule: closer rows
    fig.add_artist(
        Rectangle(
            (x0, y - h_head), sum(widths), h_head, transform=fig.transFigure, facecolor="#dddddd", edgecolor="none"
        )
    )
    for i, head in enumerate(heads):
        fig.text(
            xs[i + 1] - 0.006, y - h_head / 2, head, fontsize=8, fontweight="bold", color=INK, va="center", ha="right"
        )
    y -= h_head
    for n, r in enumerate(rows.itertuples(index=False)):
        if n % 2:
            fig.add_artist(
                Rectangle(
                    (x0, y - h_row), sum(widths), h_row, transform=fig.transFigure, facecolor=ROW_BG, edgecolor="none"
                )
            )
        cells = [
            (str(r.tahun), ""),
            (numfmt.percent(r.target_persen, lang), ""),
            (numfmt.number(r.perlu_orang, lang), numfmt.rupiah_short(r.perlu_rupiah, lang)),
            *[
                (numfmt.number(getattr(r, p), lang), numfmt.rupiah_short(getattr(r, m), lang) if getattr(r, m) else "")
                for p, m in zip(budget.PEOPLE, budget.RUPIAH)
            ],
            (numfmt.number(r.sisa_orang, lang), numfmt.rupiah_short(r.sisa_rupiah, lang)),
        ]
        for i, (people, money) in enumerate(cells):
            last = i == len(cells) - 1
            fig.text(
                xs[i + 1] - 0.006,
                y - 0.006,
                people,
                fontsize=9,
                va="top",
                ha="right",
                color=ALERT if last and r.sisa_orang > 0 else INK,
                fontweight="bold" if last else "normal",
            )
            if money:
                fig.text(xs[i + 1] - 0.006, y - 0.024, money, fontsize=7.5, va="top", ha="right", color=MUTED)
        y -= h_row
    return y


def _notes_and_foot(fig: Figure, inp: Inputs, y: float, sign: str | None) -> None:
    lang = inp.lang
    notes = [
        t("budget.rule_needed", lang, period=period_label(inp.period, lang)),
        t("budget.rule_committed", lang)
        + (" " + t("budget.commit_version", lang, version=inp.commits.version) if inp.commits.version else ""),
        t("budget.rule_left", lang, iuran=numfmt.rupiah(inp.iuran, lang), months=inp.months),
    ]
    y -= 0.008
    for note in notes:
        wrapped = textwrap.fill(note, 130)
        fig.text(0.025, y, wrapped, fontsize=7, color=MUTED, va="top", linespacing=1.25)
        y -= 0.0165 * (wrapped.count("\n") + 1)
    if sign:
        fig.text(0.72, min(y + 0.06, 0.125), sign, fontsize=9, color=INK, va="top")
        fig.add_artist(Rectangle((0.72, 0.045), 0.255, 0.001, transform=fig.transFigure, facecolor=INK))
        fig.text(0.72, 0.04, t("budget.sign_name", lang), fontsize=7.5, color=MUTED, va="top")
    foot = inp.label or (t("sample.banner", lang) if inp.is_sample else "")
    fig.text(
        0.025,
        0.015,
        foot,
        fontsize=7.5,
        color=ALERT if inp.is_sample else MUTED,
        va="bottom",
        fontweight="bold" if inp.is_sample else "normal",
    )


def _map(fig: Figure, frame: pd.DataFrame, level: str, kab: str | None, lang: str) -> None:
    ax = fig.add_axes((0.02, 0.44, 0.41, 0.46), label="map")
    mark = render.draw_area_map(ax, frame, level, kab)
    fig.text(0.025, 0.435, t(f"budget.map_legend_{mark}", lang), fontsize=7, color=MUTED, va="top")


def kab_figure(inp: Inputs, kab: str) -> Figure:
    """The budget sheet of kabupaten/kota ``kab``: one A4 landscape page."""
    lang = inp.lang
    row = inp.kabupaten.set_index("kode").loc[kab]
    fig = _page()
    with rc_context({"text.parse_math": False}):  # stamps carry display names: a '$' prints as itself
        _header(fig, inp, t("budget.title", lang, area=kab_name(kab)))
        desa = inp.desa[inp.desa["kode"].astype(str).str.startswith(kab + ".")] if inp.desa is not None else None
        if desa is not None and len(desa):
            _map(fig, desa, "desa", kab, lang)
        y = _figures(fig, inp, row, inp.extra.get(kab, ()), 0.885)
        if desa is not None and len(desa):
            _behind(fig, inp, desa, "desa", min(y - 0.01, 0.72))
        rows = inp.budget_of(inp.kabupaten[inp.kabupaten["kode"] == kab])
        bottom = _budget_table(fig, inp, rows, 0.40)
        _notes_and_foot(fig, inp, bottom, signer(kab, lang))
    return fig


def province_figure(inp: Inputs) -> Figure:
    """The province page: the province against target, its kabupaten/kota map, those furthest behind, and
    the province's budget per year (the province's commitments and everything committed inside it)."""
    lang = inp.lang
    prov = budget.province_frame(inp.kabupaten)
    tot_tk, tot_ps = float(prov["tenaga_kerja"].iloc[0]), float(prov["peserta_aktif"].iloc[0])
    rows = inp.budget_of(prov)
    first = rows.iloc[0] if len(rows) else None
    cov = tot_ps / tot_tk * 100 if tot_tk > 0 else float("nan")
    target = float(first["target_persen"]) if first is not None else float("nan")
    gap = float(first["perlu_orang"]) if first is not None else float("nan")
    row = pd.Series(
        {
            "cakupan": cov,
            "target_efektif": target,
            "peserta_aktif": tot_ps,
            "tenaga_kerja": tot_tk,
            "gap": gap,
            "status": BELOW if gap == gap and gap > 0 else "",
        }
    )
    fig = _page()
    with rc_context({"text.parse_math": False}):
        _header(fig, inp, t("budget.title", lang, area=t("level.provinsi", lang)))
        _map(fig, inp.kabupaten, "kabupaten", None, lang)
        y = _figures(fig, inp, row, inp.extra.get(PROVINCE_CODE, ()), 0.885)
        _behind(fig, inp, inp.kabupaten, "kabupaten", min(y - 0.01, 0.72))
        bottom = _budget_table(fig, inp, rows, 0.40)
        _notes_and_foot(fig, inp, bottom, t("budget.sign_prov", lang))
    return fig


def _pdf_metadata() -> dict:
    return {"Creator": "Peta Cakupan Jamsostek Kalbar", "Producer": None, "CreationDate": None}


def sheet_pdf(inp: Inputs, kab: str) -> bytes:
    """One kabupaten/kota's budget sheet as a one-page PDF."""
    buf = io.BytesIO()
    kab_figure(inp, kab).savefig(buf, format="pdf", facecolor="white", metadata=_pdf_metadata())
    return buf.getvalue()


def sheet_png(inp: Inputs, kab: str | None, dpi: int = 110) -> bytes:
    """A sheet as PNG (the province page when ``kab`` is None), for a preview on the page."""
    fig = kab_figure(inp, kab) if kab else province_figure(inp)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    return buf.getvalue()


def pack_pdf(inp: Inputs, kabs: Sequence[str] | None = None) -> bytes:
    """The briefing pack: the province page, then a page per kabupaten/kota (code order), in one PDF."""
    buf = io.BytesIO()
    with PdfPages(buf, metadata=_pdf_metadata()) as pdf:
        pdf.savefig(province_figure(inp), facecolor="white")
        have = set(inp.kabupaten["kode"].astype(str))
        for kab in kabs or kab_codes():
            if kab in have:
                pdf.savefig(kab_figure(inp, kab), facecolor="white")
    return buf.getvalue()
