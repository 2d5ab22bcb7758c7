"""Tables planners sort and download: one row per area, ranked by gap, with a totals row."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from . import fmt
from .classify import BELOW, NO_DATA, Totals, totals
from .period import ordered as by_time
from .text import t

COLUMNS = [
    "rank",
    "kode",
    "nama",
    "parent",
    "tenaga_kerja",
    "peserta_aktif",
    "cakupan",
    "target_efektif",
    "gap",
    "status",
]


@lru_cache(maxsize=8192)  # the areas' names, folded once (a search folds them all)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def view_filters(frame: pd.DataFrame, q: str, below: bool) -> tuple[pd.Series | None, pd.Series | None]:
    """(name matches of the search, areas kept by search and below-only together); None where no filter.

    The desa page greys out the areas the filters leave on the map and lists only the others
    (``ui/mappage``); the page's first HTML works out the same map for its link (``server/mapfiles``)."""
    matches = name_matches(frame["nama"], q) if q else None
    keep = frame["status"].eq("below") if below else None
    mask = None
    for m in (matches, keep):
        if m is not None:
            mask = m if mask is None else (mask & m)
    return matches, mask


def name_matches(names: pd.Series, query: str, cutoff: float = 0.75) -> pd.Series:
    """Tolerant search: case/punctuation-insensitive substring, or a close spelling of a word."""
    q = _fold(query)
    if not q:
        return pd.Series(True, index=names.index)
    folded = names.map(_fold)

    def close(word: str) -> bool:
        # the two upper bounds first (as difflib.get_close_matches): the same answer, most words in microseconds
        sm = difflib.SequenceMatcher(None, q, word)
        return sm.real_quick_ratio() >= cutoff and sm.quick_ratio() >= cutoff and sm.ratio() >= cutoff

    def hit(name: str) -> bool:
        if q in name:
            return True
        return any(close(w) for w in name.split()) or close(name)

    return folded.map(hit)


def area_table(classified: pd.DataFrame, level: str) -> pd.DataFrame:
    """Machine table (numbers stay numbers), sorted by gap, largest first; rank 1 = largest gap."""
    df = classified.copy()
    if level == "desa":
        df["parent"] = df["nama_kec"].fillna("") + ", " + df["nama_kab"].fillna("")
    elif level == "kecamatan":
        df["parent"] = df["nama_kab"]
    else:
        df["parent"] = "Kalimantan Barat"
    df["rank"] = df["gap"].rank(method="min", ascending=False).astype("Int64")
    df = df.sort_values(["gap", "cakupan", "kode"], ascending=[False, True, True], na_position="last")
    cols = COLUMNS + [c for c in ("change_pp", "penerima_bantuan_iuran", "biaya", "target_sumber") if c in df]
    return df[cols].reset_index(drop=True)


def priorities(table: pd.DataFrame, n: int = 10) -> tuple[pd.DataFrame, float]:
    """The ``n`` areas with the largest gap, and the share of the selection's total gap they hold."""
    ranked = table[table["gap"] > 0].head(n)
    total = float(table["gap"].sum())
    return ranked, (float(ranked["gap"].sum()) / total * 100 if total > 0 else 0.0)


def totals_row(classified: pd.DataFrame, lang: str) -> dict:
    tot: Totals = totals(classified)
    return {
        "rank": pd.NA,
        "kode": "",
        "nama": t("col.total", lang),
        "parent": "",
        "tenaga_kerja": tot.tenaga_kerja,
        "peserta_aktif": tot.peserta_aktif,
        "cakupan": tot.coverage,
        "target_efektif": tot.target,
        "gap": tot.gap_sum,
        "status": BELOW if tot.gap_to_target > 0 else ("at_or_above" if tot.areas_with_data else NO_DATA),
        "penerima_bantuan_iuran": tot.bantuan,
        **({"biaya": float(classified["biaya"].sum(min_count=1))} if "biaya" in classified else {}),
    }


def labelled(table: pd.DataFrame, lang: str, with_totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table with translated headers and status words; numbers stay numeric for sorting."""
    df = table.copy()
    if with_totals is not None:
        row = {k: v for k, v in totals_row(with_totals, lang).items() if k in df.columns}
        df = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
    if "status" in df:
        df["status"] = df["status"].map(lambda s: t(f"status.{s}", lang) if isinstance(s, str) else s)
    names = {
        "rank": t("col.rank", lang),
        "kode": t("col.kode", lang),
        "nama": t("col.nama", lang),
        "parent": t("col.parent", lang),
        "tenaga_kerja": t("col.tenaga_kerja", lang),
        "peserta_aktif": t("col.peserta_aktif", lang),
        "cakupan": t("col.cakupan", lang),
        "target_efektif": t("col.target", lang),
        "gap": t("col.gap", lang),
        "status": t("col.status", lang),
        "change_pp": t("col.change", lang),
        "penerima_bantuan_iuran": t("col.bantuan", lang),
        "biaya": t("cost.col", lang),
        "target_sumber": t("targets.col_source", lang),
    }
    for col in ("cakupan", "target_efektif", "change_pp"):
        if col in df:
            df[col] = df[col].astype(float).round(2)
    return df.rename(columns=names)


def formatted(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Display strings in the language's number format (for printouts and screenshots)."""
    df = table.copy()
    for col in ("tenaga_kerja", "peserta_aktif", "gap", "penerima_bantuan_iuran"):
        if col in df:
            df[col] = df[col].map(lambda v: fmt.number(v, lang))
    if "biaya" in df:
        df["biaya"] = df["biaya"].map(lambda v: fmt.rupiah(v, lang))
    for col in ("cakupan", "target_efektif"):
        if col in df:
            df[col] = df[col].map(lambda v: fmt.percent(v, lang))
    return df


def below_count(classified: pd.DataFrame) -> int:
    return int((classified["status"] == BELOW).sum())


def change_since_previous(matched: pd.DataFrame, period: str, periods: list[str]) -> pd.Series:
    """Coverage change in percentage points per kode against the previous period by time (NaN if none)."""
    periods = by_time(periods)
    if period not in periods or periods.index(period) == 0:
        return pd.Series(dtype=float)
    prev = periods[periods.index(period) - 1]

    def cov(p: str) -> pd.Series:
        rows = matched[matched["periode"] == p].drop_duplicates("kode").set_index("kode")
        tk = rows["tenaga_kerja"].astype(float)
        return (rows["peserta_aktif"].astype(float) / tk.where(tk > 0) * 100).rename(p)

    return (cov(period) - cov(prev)).replace([np.inf, -np.inf], np.nan)
