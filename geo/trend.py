"""Coverage against target per period, for the province or one area: the series behind the trend chart.

Figures are weighted by workers (Σ peserta / Σ tenaga kerja), as everywhere else, and the target
is the workers-weighted effective target, so per-row targets and changing targets show as they were.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from . import DEFAULT_TARGET
from .classify import totals
from .period import sort_key as period_sort_key

COLUMNS = ["periode", "cakupan", "target", "tenaga_kerja", "peserta_aktif", "areas_with_data"]


def in_scope(frame: pd.DataFrame, scope: str | None) -> pd.DataFrame:
    """Rows of ``frame`` inside area ``scope`` (itself or below it); the whole frame for the province."""
    if not scope:
        return frame
    kode = frame["kode"].astype(str)
    return frame[(kode == scope) | kode.str.startswith(scope + ".")]


def series(
    frames: Mapping[str, pd.DataFrame], scope: str | None = None, target: float = DEFAULT_TARGET
) -> pd.DataFrame:
    """One row per period that has data in ``scope``: coverage %, target %, workers and participants.

    ``frames`` maps each period to the classified frame of that period (any level; the
    province or a kabupaten/kecamatan is summed from the rows inside it).
    """
    rows = []
    for period in sorted(frames, key=period_sort_key):
        part = in_scope(frames[period], scope)
        if "has_data" in part and not part["has_data"].any():
            continue
        tot = totals(part, target)
        if tot.tenaga_kerja <= 0:
            continue
        rows.append(
            {
                "periode": period,
                "cakupan": tot.coverage,
                "target": tot.target,
                "tenaga_kerja": tot.tenaga_kerja,
                "peserta_aktif": tot.peserta_aktif,
                "areas_with_data": tot.areas_with_data,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
