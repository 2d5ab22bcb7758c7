"""Who must budget how much: for each area and each year of the target path, the people needed, what each
funder has committed, what is left, and what it costs.

- **Needed** is ``geo.targetpath.needed``'s ``perlu_orang``: the people still to enrol by the end of that year
  to meet that year's target, counted from today's participants (not recomputed here). Contributions are paid
  every month, so a year's budget funds every one of them for the whole year.
- **Committed** (the rule chosen): a commitment counts toward the area it names *and every area containing
  it* (a desa's APBDes commitment counts for its kecamatan, its kabupaten and the province), never toward the
  areas inside the one it names (Pemprov's 26,373 people at ``61`` are the province's, not shared out over the
  kabupaten: nobody said where they go). So a parent's commitments are the sum of its children's plus its own.
- **Left** = needed − committed, never below 0 (more committed than needed leaves nothing, not a credit).
- **Rupiah** = people × the monthly contribution × months (``geo.plan.cost``; Rp16,800 × 12 by default).

The same functions give the allocation of bantuan iuran slots its needs (:func:`for_plan`): each area's need
for a year of the path (or today's gap) less what is committed for that year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import PROVINCE_CODE
from .commitments import FUNDERS, Commitments
from .plan import DEFAULT_IURAN, DEFAULT_MONTHS, cost
from .targetpath import needed
from .targets import Schedule

PEOPLE = [f"komitmen_{f}" for f in FUNDERS]  # people committed per funder
RUPIAH = [f"rupiah_{f}" for f in FUNDERS]  # their cost per funder
COLUMNS = [
    "kode",
    "tahun",
    "target_persen",
    "perlu_orang",
    *PEOPLE,
    "komitmen_orang",
    "sisa_orang",
    "perlu_rupiah",
    *RUPIAH,
    "komitmen_rupiah",
    "sisa_rupiah",
]
SUMMED = COLUMNS[COLUMNS.index("perlu_orang") :]  # what adds up over areas: people and rupiah


def ancestors(code: str) -> list[str]:
    """``code`` and every area containing it: 61.04.01.2011 -> [61.04.01.2011, 61.04.01, 61.04, 61]."""
    parts = str(code).split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def committed(commits: Commitments, years: list[int] | None = None) -> pd.DataFrame:
    """People committed per (kode, tahun) and funder (``PEOPLE`` columns), for every area a commitment counts
    toward (its own and every containing area: the rule in the module docstring)."""
    rows = commits.rows
    if years is not None:
        rows = rows[rows["tahun"].astype(int).isin([int(y) for y in years])]
    if rows.empty:
        return pd.DataFrame(columns=["kode", "tahun", *PEOPLE]).astype({"tahun": int})
    spread = rows.assign(kode=rows["kode"].astype(str).map(ancestors)).explode("kode")
    out = (
        spread.pivot_table(index=["kode", "tahun"], columns="penyandang_dana", values="orang", aggfunc="sum")
        .reindex(columns=list(FUNDERS))
        .fillna(0)
        .astype(np.int64)
    )
    out.columns = PEOPLE
    return out.reset_index().astype({"tahun": int})


def budget(
    frame: pd.DataFrame,
    schedule: Schedule,
    period: str,
    commits: Commitments,
    iuran: int = DEFAULT_IURAN,
    months: int = DEFAULT_MONTHS,
    through: list[int] | None = None,
) -> pd.DataFrame:
    """One row per area of ``frame`` (classified rows of one level, any scope) and year of the path (``COLUMNS``)."""
    need = needed(frame, schedule, period, through)
    if need.empty:
        return pd.DataFrame(columns=COLUMNS)
    need = need.assign(tahun=need["tahun"].astype(int))
    have = committed(commits, sorted(set(need["tahun"])))
    out = need.merge(have, on=["kode", "tahun"], how="left")
    out[PEOPLE] = out[PEOPLE].fillna(0).astype(np.int64)
    out["perlu_orang"] = out["perlu_orang"].astype(np.int64)
    out["komitmen_orang"] = out[PEOPLE].sum(axis=1).astype(np.int64)
    out["sisa_orang"] = np.maximum(out["perlu_orang"] - out["komitmen_orang"], 0).astype(np.int64)
    out["perlu_rupiah"] = cost(out["perlu_orang"], iuran, months).astype(np.int64)
    for people, rupiah in zip(PEOPLE, RUPIAH):
        out[rupiah] = cost(out[people], iuran, months).astype(np.int64)
    out["komitmen_rupiah"] = cost(out["komitmen_orang"], iuran, months).astype(np.int64)
    out["sisa_rupiah"] = cost(out["sisa_orang"], iuran, months).astype(np.int64)
    return out[COLUMNS]


def per_year(rows: pd.DataFrame) -> pd.DataFrame:
    """The sum over the areas of ``rows`` (a ``budget`` frame) per year: what a scope's areas must budget
    together (a kabupaten's desa for their APBDes, say). Each sum of rupiah is the cost of the summed people."""
    if rows.empty:
        return pd.DataFrame(columns=["tahun", *SUMMED])
    return rows.groupby("tahun", as_index=False)[SUMMED].sum()


def province_frame(kabupaten: pd.DataFrame) -> pd.DataFrame:
    """The province as one area (``kode`` 61) from its kabupaten/kota rows with data: workers and participants
    summed, as the province figure is."""
    data = kabupaten[pd.to_numeric(kabupaten["tenaga_kerja"], errors="coerce") > 0]
    return pd.DataFrame(
        {
            "kode": [PROVINCE_CODE],
            "nama": ["Kalimantan Barat"],
            "tenaga_kerja": [float(pd.to_numeric(data["tenaga_kerja"]).sum())],
            "peserta_aktif": [float(pd.to_numeric(data["peserta_aktif"], errors="coerce").fillna(0).sum())],
        }
    )


def for_plan(
    frame: pd.DataFrame,
    schedule: Schedule,
    period: str,
    commits: Commitments,
    year: int | None = None,
) -> pd.DataFrame:
    """``frame`` with each area's ``gap`` as the bantuan iuran allocation should see it: the people still needed
    for ``year`` of the path (its target in ``target_efektif``), else today's gap, less what is committed for
    that year (``year`` or the period's); never below 0. ``geo.plan.plan`` then allocates over these needs."""
    out = frame.copy()
    has = out["has_data"].astype(bool) if "has_data" in out else pd.Series(True, index=out.index)
    kode = out["kode"].astype(str)
    if year is not None:
        need = needed(out, schedule, period, [int(year)]).set_index("kode")
        gap = kode.map(need["perlu_orang"]).astype(float)
        out["target_efektif"] = kode.map(need["target_persen"]).astype(float).fillna(out.get("target_efektif"))
    else:
        gap = out["gap"].astype(float)
        year = int(str(period)[:4])
    have = committed(commits, [int(year)])
    total = have.set_index("kode")[PEOPLE].sum(axis=1) if len(have) else pd.Series(dtype=float)
    less = kode.map(total).fillna(0).astype(float)
    out["komitmen_orang"] = less.where(has, np.nan)
    out["gap"] = np.maximum(gap.fillna(0) - less, 0).where(has, np.nan)
    return out
