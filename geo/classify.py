"""Coverage, target, status and gap per area; totals for a selection.

gap = ceil(target% × tenaga_kerja) − peserta_aktif, floored at 0 (PRODUCT.md). Areas with
no matched row stay in the frame with status ``no_data`` so maps never draw them as 0%.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from . import DEFAULT_TARGET, fmt
from .text import t

BELOW, AT_OR_ABOVE, NO_DATA = "below", "at_or_above", "no_data"
NUMERIC = ["tenaga_kerja", "peserta_aktif", "penerima_bantuan_iuran"]
AREA_COLUMNS = ["kode", "nama", "jenis", "kode_kab", "kode_kec", "nama_kab", "nama_kec"]


def gap_people(
    target_pct: np.ndarray | float, tenaga_kerja: np.ndarray | float, peserta: np.ndarray | float
) -> np.ndarray:
    """People still to enrol; rounding guards against 50.24/100*1000 = 502.40000000000003-style noise."""
    needed = np.ceil(np.round(np.asarray(target_pct, dtype=float) * np.asarray(tenaga_kerja, dtype=float) / 100.0, 6))
    return np.maximum(needed - np.asarray(peserta, dtype=float), 0)


def coverage_pct(peserta: np.ndarray | float, tenaga_kerja: np.ndarray | float) -> np.ndarray:
    tk = np.asarray(tenaga_kerja, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(tk > 0, np.asarray(peserta, dtype=float) / tk * 100.0, np.nan)


def _status(cov: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """Below target exactly when people are still to enrol (ceil semantics, as the gap).

    Comparing the float coverage with the target instead disagrees at the boundary:
    314 of 625 is exactly 50.24% but 314 / 625 * 100 = 50.239999999999995.
    """
    return np.where(np.isnan(cov), NO_DATA, np.where(gap > 0, BELOW, AT_OR_ABOVE))


def classify(
    matched: pd.DataFrame,
    areas: gpd.GeoDataFrame | pd.DataFrame,
    target: float = DEFAULT_TARGET,
    period: str | None = None,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Every area of ``areas`` with its figures for ``period`` (the only/first one when None).

    A row's own ``target_persen`` wins over the global ``target``.
    """
    rows = matched
    if period is not None and "periode" in rows:
        rows = rows[rows["periode"] == period]
    keep = [c for c in ["kode", "target_persen", *NUMERIC] if c in rows]
    data = rows[keep].drop_duplicates("kode")
    out = areas.merge(data, on="kode", how="left")
    for col in NUMERIC + ["target_persen"]:
        if col not in out:
            out[col] = np.nan
        out[col] = out[col].astype(float)
    out["has_data"] = out["tenaga_kerja"].notna() & out["peserta_aktif"].notna()
    out["target_efektif"] = out["target_persen"].fillna(float(target))
    out["own_target"] = out["target_persen"].notna()
    out["cakupan"] = coverage_pct(out["peserta_aktif"], out["tenaga_kerja"])
    gap = gap_people(out["target_efektif"], out["tenaga_kerja"], out["peserta_aktif"])
    out["status"] = _status(out["cakupan"].to_numpy(), np.asarray(gap))
    out["gap"] = np.where(out["status"] == NO_DATA, np.nan, gap)
    out["periode"] = period
    return out


@dataclass(frozen=True)
class Totals:
    """Figures for a whole selection, weighted by workers (not an average of percentages)."""

    areas: int
    areas_with_data: int
    below: int
    tenaga_kerja: float
    peserta_aktif: float
    bantuan: float
    coverage: float
    target: float
    gap_to_target: float  # ceil(target × Σ tenaga_kerja) − Σ peserta
    gap_sum: float  # Σ of each area's own gap: what closing every below-target area takes


def totals(classified: pd.DataFrame, target: float | None = DEFAULT_TARGET) -> Totals:
    """``target`` only fills in for frames without ``target_efektif`` (None: the shipped default)."""
    target = DEFAULT_TARGET if target is None else target
    data = classified[classified["has_data"]] if "has_data" in classified else classified
    tk = float(data["tenaga_kerja"].sum())
    ps = float(data["peserta_aktif"].sum())
    cov = float(coverage_pct(ps, tk))
    # The selection's target: workers-weighted mean of each area's effective target.
    eff = data["target_efektif"] if "target_efektif" in data else pd.Series(target, index=data.index)
    tgt = float(np.average(eff, weights=data["tenaga_kerja"])) if tk > 0 else float(target)
    return Totals(
        areas=len(classified),
        areas_with_data=len(data),
        below=int((classified["status"] == BELOW).sum()),
        tenaga_kerja=tk,
        peserta_aktif=ps,
        bantuan=float(data["penerima_bantuan_iuran"].sum(min_count=1))
        if "penerima_bantuan_iuran" in data
        else float("nan"),
        coverage=cov,
        target=tgt,
        gap_to_target=float(gap_people(tgt, tk, ps)),
        gap_sum=float(data["gap"].sum()),
    )


def reported_note(tot: Totals, level: str, lang: str = "id") -> str | None:
    """ "7 dari 14 kabupaten/kota dilaporkan" when the table covers only part of the selection, else None.

    Decided once for every place a figure is shown (page, presentation, PNG/PDF, CSV/XLSX): a partial table's
    figure IS shown, computed from the areas reported only, and always carries this note beside it; the
    areas without data are "tidak dilaporkan", never counted in it (see README, tests/test_classify.py)."""
    if tot.areas == 0 or tot.areas_with_data >= tot.areas:
        return None
    return t(
        "partial.reported",
        lang,
        n=fmt.number(tot.areas_with_data, lang),
        total=fmt.number(tot.areas, lang),
        level=t(f"partial.level.{level}", lang),
    )


def aggregate(
    classified: pd.DataFrame, parents: gpd.GeoDataFrame | pd.DataFrame, key: str, target: float = DEFAULT_TARGET
) -> pd.DataFrame:
    """Roll lower-level figures up to ``parents`` (joined on ``key``: kode_kec or kode_kab).

    Parent target = workers-weighted mean of the children's effective targets, so per-row targets carry up.
    """
    data = classified[classified["has_data"]].copy()
    data["_target_w"] = data["target_efektif"] * data["tenaga_kerja"]
    sums = data.groupby(key)[["tenaga_kerja", "peserta_aktif", "penerima_bantuan_iuran", "_target_w"]].sum(min_count=1)
    sums["target_persen"] = sums.pop("_target_w") / sums["tenaga_kerja"]
    sums.loc[np.isclose(sums["target_persen"], target), "target_persen"] = np.nan
    sums = sums.reset_index().rename(columns={key: "kode"})
    return classify(sums, parents, target)
