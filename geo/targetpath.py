"""The target path: for each area, each coming year's target and the people still to enrol to meet it.

One home for "how many people does this area need by the end of year Y", used by the pace (how fast they
must come) and the budgets (who pays for them). Years run from the year of the data's latest period (the next
year for December data: its own year has ended) to the last year the schedule names (2029 in an RPJMN
schedule), at least that one year.

The workforce (``tenaga_kerja``) is held at its latest figure: no table gives a forecast of it, and a planner
reads "people needed" against the workers counted today. A row's own ``target_persen`` is the target of its
own period only; later years take the schedule's target for the area (a regional override, else the
province default), as ``geo.targets`` resolves it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .classify import gap_people
from .period import from_key
from .targets import Schedule, area_targets

COLUMNS = ["kode", "tahun", "target_persen", "target_orang", "perlu_orang"]


def years(schedule: Schedule, period: str) -> list[int]:
    """The years of the path: the coming year ends after ``period`` to the schedule's last year (at least the
    first). Data of December stands at its year's end: that year's target is past, not coming, so the path
    starts with the next year (a December's "this year" would ask for the whole gap within one month)."""
    p = from_key(period)
    first = p.year + (1 if p.month == 12 else 0)
    named = pd.to_numeric(schedule.rows["periode"].astype(str).str[:4], errors="coerce").dropna()
    last = int(named.max()) if len(named) else first
    return list(range(first, max(first, last) + 1))


def target_people(target_pct: np.ndarray | float, tenaga_kerja: np.ndarray | float) -> np.ndarray:
    """Participants an area must have to meet ``target_pct`` (ceil, as the gap counts them)."""
    return gap_people(target_pct, tenaga_kerja, 0)


def needed(frame: pd.DataFrame, schedule: Schedule, period: str, through: list[int] | None = None) -> pd.DataFrame:
    """One row per area of ``frame`` and year of the path (``COLUMNS``): the year's target, the participants it
    means and the people still to enrol by that year's end, counted from ``frame``'s participants (the data
    of ``period``). Areas with no workers counted get no rows: a target of nobody is not a need."""
    counted = frame[pd.to_numeric(frame["tenaga_kerja"], errors="coerce") > 0]
    kode = counted["kode"].astype(str).reset_index(drop=True)
    tk = pd.to_numeric(counted["tenaga_kerja"]).to_numpy(dtype=float)
    peserta = pd.to_numeric(counted["peserta_aktif"], errors="coerce").fillna(0).to_numpy(dtype=float)
    parts = []
    for year in through or years(schedule, period):
        pct, _ = area_targets(schedule, kode, str(year))
        pct = pct.to_numpy(dtype=float)
        parts.append(
            pd.DataFrame(
                {
                    "kode": kode,
                    "tahun": year,
                    "target_persen": pct,
                    "target_orang": target_people(pct, tk),
                    "perlu_orang": gap_people(pct, tk, peserta),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True)[COLUMNS]
