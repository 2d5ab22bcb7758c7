"""The pace (laju): how many new participants a month each area gets, how many it needs, and when it gets there.

One home for the monev figures (issue 28), used by the map pages, the exports, the open data, OGC and the CLI:

- **laju_per_bulan**: the least-squares slope of ``peserta_aktif`` against time in months over a stated window:
  the latest 6 months of a monthly series, the latest 2 years of a yearly one (a year's figure stands at its
  December, so the slope of a yearly series is already per month: per year / 12). The window is the series'
  (the latest period of all the tables), not each area's: an area that stopped reporting has no points in it.
  Missing points are skipped; ``titik`` says how many were used; fewer than 2 and the pace is unknown
  (status ``few``: "belum cukup data"), never guessed.
- **per target year** of the path (``geo.targetpath``: this year to the schedule's last, which gives each year's
  target and the people still needed; not recomputed here): the pace needed = people needed / months from the
  area's latest figure to that year's December (at least 1); the month the area reaches that year's target at
  today's pace (the first month where peserta + laju × months ≥ the year's target people, up to December
  2100, else None); and a status in plain words (``STATUSES``, texts ``pace.status.*``).

Workers are held at their latest figure (as ``geo.targetpath`` does): no table forecasts them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import PROVINCE_CODE, fmt, targetpath
from .period import MAX_YEAR, from_key, ordered
from .period import label as period_label
from .targets import Schedule
from .text import t
from .trend import in_scope

WINDOW = {"month": 6, "year": 2}  # points of the series' own kind: the latest 6 months, the latest 2 years
STEP = {"month": 1, "year": 12}  # months between two points of that kind
HORIZON = MAX_YEAR * 12 + 11  # December 2100: a projected month past it is "not within the horizon"

MET, ON_TRACK, BEHIND, NEVER, FEW, NO_DATA = "met", "on_track", "behind", "never", "few", "no_data"
STATUSES = (MET, ON_TRACK, BEHIND, NEVER, FEW, NO_DATA)  # text keys pace.status.<status>

YEAR_COLUMNS = ["tahun", "target_persen", "target_orang", "perlu_orang", "laju_dibutuhkan", "bulan_tercapai", "status"]
PER_YEAR = ["tahun", "target_orang", "perlu_orang", "laju_dibutuhkan", "bulan_tercapai", "status", "kekurangan_laju"]
LAST_SUFFIX = "_akhir"  # the last year of the schedule (2029 in an RPJMN schedule); no suffix: this year
COLUMNS = [
    "kode",
    "laju_per_bulan",
    "titik",
    "jendela",
    "periode_terakhir",
    "peserta_aktif",
    "tenaga_kerja",
    *PER_YEAR,
    *[c + LAST_SUFFIX for c in PER_YEAR],
]


def month_index(key: str) -> int:
    """Months since year 0 of a period key: a month is itself, a year stands at its December."""
    p = from_key(key)
    return p.year * 12 + (11 if p.month is None else p.month - 1)


def month_key(index: int) -> str:
    """The month key ("2025-06") of a :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Window:
    """The window the pace is fitted over: the series' kind, its points at most, and its first and last period."""

    kind: str  # "month" | "year"
    size: int
    first: int  # month index of the window's start (inclusive)
    last: int  # month index of the series' latest period
    latest: str  # the series' latest period key

    @property
    def key(self) -> str:
        """The window as one value: "2025-01/2025-06" (monthly) or "2023/2024" (yearly)."""
        if self.kind == "year":
            return f"{self.first // 12:04d}/{self.last // 12:04d}"
        return f"{month_key(self.first)}/{month_key(self.last)}"

    def label(self, lang: str = "id") -> str:
        """ "6 bulan terakhir (Januari 2025 – Juni 2025)" / "2 tahun terakhir (2023 – 2024)"."""
        if self.kind == "year":
            span = f"{self.first // 12} – {self.last // 12}"
        else:
            span = f"{period_label(month_key(self.first), lang)} – {period_label(month_key(self.last), lang)}"
        return t(f"pace.window_{self.kind}", lang, n=self.size, span=span)


def window(periods: list[str] | tuple[str, ...]) -> Window | None:
    """The window of a series with these periods: its kind is the kind of its latest period."""
    keys = [p for p in ordered(periods) if _is_key(p)]
    if not keys:
        return None
    latest = keys[-1]
    kind = from_key(latest).kind
    last = month_index(latest)
    size = WINDOW[kind]
    return Window(kind, size, last - (size - 1) * STEP[kind], last, latest)


def _is_key(key: object) -> bool:
    try:
        from_key(str(key))
    except ValueError:
        return False
    return True


def long_series(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per area and period with both figures (kode, periode, t, peserta_aktif, tenaga_kerja).

    ``frames`` maps each period key to the frame of that period at one level (matched rows or classified
    areas; rows without data are skipped). Two periods at one month (a December and its year) keep the year.
    """
    cols: dict[str, list[np.ndarray]] = {"kode": [], "peserta_aktif": [], "tenaga_kerja": [], "periode": [], "t": []}
    for period in ordered(frames):  # arrays gathered, one frame built: 60 months of 2,130 desa in one go
        if not _is_key(period):
            continue
        f = frames[period]
        if "has_data" in f:
            f = f[f["has_data"].astype(bool)]
        cols["kode"].append(f["kode"].astype(str).to_numpy())
        cols["peserta_aktif"].append(pd.to_numeric(f["peserta_aktif"], errors="coerce").to_numpy(dtype=float))
        cols["tenaga_kerja"].append(pd.to_numeric(f["tenaga_kerja"], errors="coerce").to_numpy(dtype=float))
        cols["periode"].append(np.full(len(f), period, dtype=object))
        cols["t"].append(np.full(len(f), month_index(period), dtype=np.int64))
    if not cols["kode"]:
        return pd.DataFrame(columns=["kode", "periode", "t", "peserta_aktif", "tenaga_kerja"])
    out = pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})  # in time order: a year after its December
    out = out[out["peserta_aktif"].notna() & out["tenaga_kerja"].notna()]
    out = out.drop_duplicates(["kode", "periode"], keep="first").drop_duplicates(["kode", "t"], keep="last")
    return out[["kode", "periode", "t", "peserta_aktif", "tenaga_kerja"]].reset_index(drop=True)


def slopes(long: pd.DataFrame, win: Window) -> pd.DataFrame:
    """Per area: the least-squares slope of peserta against months over ``win`` and the points used."""
    inside = long[(long["t"] >= win.first) & (long["t"] <= win.last)]
    if inside.empty:
        return pd.DataFrame({"laju_per_bulan": pd.Series(dtype=float), "titik": pd.Series(dtype=int)})
    t_ = inside["t"].astype(float)
    g = inside.assign(_t=t_).groupby("kode")
    n = g.size()
    mean_t, mean_y = g["_t"].mean(), g["peserta_aktif"].mean()
    dt_ = inside["t"].astype(float) - inside["kode"].map(mean_t)
    dy = inside["peserta_aktif"] - inside["kode"].map(mean_y)
    sxy = (dt_ * dy).groupby(inside["kode"]).sum()
    sxx = (dt_ * dt_).groupby(inside["kode"]).sum()
    slope = (sxy / sxx).where((n >= 2) & (sxx > 0))
    return pd.DataFrame({"laju_per_bulan": slope.astype(float), "titik": n.astype(int)})


def reach_month(peserta: float, pace: float, target_people: float, start: int) -> int | None:
    """The first month (index) from ``start`` on where peserta + pace × months ≥ target_people; None when the pace
    is unknown, zero or negative with people still needed, or the month is past the horizon."""
    if peserta >= target_people:
        return start
    if not (pace > 0) or math.isnan(pace):
        return None
    months = round((target_people - peserta) / pace, 9)
    if not math.isfinite(months) or start + math.ceil(months) > HORIZON:  # too slow to get there by 2100
        return None
    return start + math.ceil(months)


def status_of(perlu: float, pace: float, reached: int | None, deadline: int) -> str:
    """The status in plain words for one target year (see ``STATUSES``)."""
    if perlu <= 0:
        return MET
    if pace is None or math.isnan(pace):
        return FEW
    if pace <= 0:
        return NEVER
    return ON_TRACK if reached is not None and reached <= deadline else BEHIND


def path(
    frames: Mapping[str, pd.DataFrame], schedule: Schedule, ends_only: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, Window | None]:
    """(per area: pace and latest figures; per area and year of the path: ``YEAR_COLUMNS``; the window).
    ``ends_only``: this year and the schedule's last only (what :func:`by_area` shows)."""
    win = window(list(frames))
    long = long_series(frames)
    if win is None or long.empty:
        empty = pd.DataFrame(columns=["kode", "laju_per_bulan", "titik", "periode_terakhir", "t"])
        return empty, pd.DataFrame(columns=["kode", *YEAR_COLUMNS]), win
    latest = long.groupby("kode", sort=False).tail(1).set_index("kode")  # each area's latest figures
    fit = slopes(long, win)
    areas = pd.DataFrame(
        {
            "laju_per_bulan": fit["laju_per_bulan"].reindex(latest.index),
            "titik": fit["titik"].reindex(latest.index).fillna(0).astype(int),
            "periode_terakhir": latest["periode"],
            "t": latest["t"].astype(int),
            "peserta_aktif": latest["peserta_aktif"],
            "tenaga_kerja": latest["tenaga_kerja"],
        }
    ).reset_index()
    years = targetpath.years(schedule, win.latest)
    need = targetpath.needed(areas, schedule, win.latest, sorted({years[0], years[-1]}) if ends_only else years)
    rows = need.merge(areas[["kode", "laju_per_bulan", "t", "peserta_aktif"]], on="kode", how="left")
    deadline = rows["tahun"].astype(int).to_numpy() * 12 + 11
    rows["laju_dibutuhkan"] = rows["perlu_orang"] / np.maximum(deadline - rows["t"], 1)
    reached = _reach_months(rows["peserta_aktif"], rows["laju_per_bulan"], rows["target_orang"], rows["t"])
    rows["bulan_tercapai"] = [None if m < 0 else month_key(int(m)) for m in reached]
    rows["status"] = _statuses(
        rows["perlu_orang"].to_numpy(float), rows["laju_per_bulan"].to_numpy(float), reached, deadline
    )
    return areas, rows[["kode", *YEAR_COLUMNS]], win


def _reach_months(peserta: pd.Series, pace_: pd.Series, target: pd.Series, start: pd.Series) -> np.ndarray:
    """:func:`reach_month` for every row at once (-1 for None): thousands of areas × years on each new data."""
    p, v, g, s0 = (np.asarray(x, dtype=float) for x in (peserta, pace_, target, start))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a pace near 0: past the horizon
        months = np.ceil(np.round((g - p) / v, 9))
    month = s0 + months
    out = np.where(p >= g, s0, np.where((v > 0) & (month <= HORIZON), month, -1))
    return np.nan_to_num(out, nan=-1).astype(np.int64)


def _statuses(perlu: np.ndarray, pace_: np.ndarray, reached: np.ndarray, deadline: np.ndarray) -> np.ndarray:
    """:func:`status_of` for every row at once."""
    on_time = (reached >= 0) & (reached <= deadline)
    return np.select(
        [perlu <= 0, np.isnan(pace_), pace_ <= 0, on_time],
        [MET, FEW, NEVER, ON_TRACK],
        default=BEHIND,
    ).astype(object)


def by_area(frames: Mapping[str, pd.DataFrame], schedule: Schedule) -> pd.DataFrame:
    """One row per area (``COLUMNS``): the pace, this year's target and the schedule's last year's target."""
    areas, rows, win = path(frames, schedule, ends_only=True)
    out = areas.drop(columns="t").assign(jendela=win.key if win else None)
    if rows.empty:
        for c in PER_YEAR + [c + LAST_SUFFIX for c in PER_YEAR]:
            out[c] = np.nan
        return out.reindex(columns=COLUMNS)
    rows = rows.merge(areas[["kode", "laju_per_bulan"]], on="kode", how="left")
    rows["kekurangan_laju"] = rows["laju_dibutuhkan"] - rows["laju_per_bulan"]
    first, last = rows["tahun"].min(), rows["tahun"].max()
    now = rows[rows["tahun"] == first].set_index("kode")[PER_YEAR]
    end = rows[rows["tahun"] == last].set_index("kode")[PER_YEAR].add_suffix(LAST_SUFFIX)
    out = out.join(now, on="kode").join(end, on="kode")
    # an area with figures but no workers counted has no need and no status of its own
    for suffix in ("", LAST_SUFFIX):
        out["status" + suffix] = out["status" + suffix].fillna(NO_DATA)
        reached = out["bulan_tercapai" + suffix].astype(object)
        out["bulan_tercapai" + suffix] = reached.where(reached.notna(), None)  # a month key, or None
    return out.reindex(columns=COLUMNS)


def summed(frames: Mapping[str, pd.DataFrame], scope: str | None = None) -> dict[str, pd.DataFrame]:
    """The province (or ``scope``, a kabupaten/kecamatan code) as one area per period: Σ peserta, Σ workers of
    the areas with data in it (as the trend and the headline sum them)."""
    out = {}
    for period, frame in frames.items():
        part = in_scope(frame, scope)
        if "has_data" in part:
            part = part[part["has_data"].astype(bool)]
        ps = pd.to_numeric(part["peserta_aktif"], errors="coerce")
        tk = pd.to_numeric(part["tenaga_kerja"], errors="coerce")
        both = ps.notna() & tk.notna()
        if not both.any():
            continue
        out[period] = pd.DataFrame(
            {"kode": [scope or PROVINCE_CODE], "peserta_aktif": [ps[both].sum()], "tenaga_kerja": [tk[both].sum()]}
        )
    return out


def total(frames: Mapping[str, pd.DataFrame], schedule: Schedule, scope: str | None = None) -> pd.Series | None:
    """The row of :func:`by_area` for the province as a whole (or ``scope``); None without data."""
    out = by_area(summed(frames, scope), schedule)
    return None if out.empty else out.iloc[0]


def shortfall_ranking(frame: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The areas furthest behind: pace needed − pace today for this year's target, largest first; areas met
    (even with a falling pace), ahead, or with an unknown pace are not ranked. ``frame``: :func:`by_area`'s, or a
    frame :func:`joined` gave the pace's columns."""
    status = frame["status_laju"] if "status_laju" in frame else frame["status"]  # joined, or by_area's own
    behind = frame[frame["kekurangan_laju"].notna() & (frame["kekurangan_laju"] > 0) & (status != MET)]
    return behind.sort_values(["kekurangan_laju", "kode"], ascending=[False, True]).head(n)


# The pace's columns as a classified frame carries them (the map's colouring, the tables, the exports): its
# own status and figures beside the coverage status; the latest figures are the frame's own already.
FRAME_RENAME = {"status": "status_laju", "status" + LAST_SUFFIX: "status_laju" + LAST_SUFFIX}
FRAME_COLUMNS = [FRAME_RENAME.get(c, c) for c in COLUMNS if c not in ("kode", "peserta_aktif", "tenaga_kerja")]


def joined(frame: pd.DataFrame, paced: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (areas of one level) with each area's pace columns (``FRAME_COLUMNS``); no figures: no data."""
    cols = paced.drop(columns=["peserta_aktif", "tenaga_kerja"]).rename(columns=FRAME_RENAME)
    out = frame.drop(columns=[c for c in FRAME_COLUMNS if c in frame]).merge(cols, on="kode", how="left")
    for c in ("status_laju", "status_laju" + LAST_SUFFIX):
        out[c] = out[c].fillna(NO_DATA)
    out["titik"] = out["titik"].fillna(0).astype(int)
    return out


# --- what a leader reads: one sentence, and the path drawn -------------------------------------------------


def area_name(area: str, scope: str | None, level: str, frames: Mapping[str, pd.DataFrame], lang: str = "id") -> str:
    """``area`` as its pace's sentence names it: when the figures are summed from a finer level than the scope's
    own (a kabupaten's desa on the desa page), how many areas of that level reported in the latest period, so
    "Kabupaten Ketapang" from 32 desa is never read as the kabupaten's own table (the budget sheet's)."""
    own = {5: "kabupaten", 8: "kecamatan"}.get(len(scope or ""))
    if own is None or own == level or not frames:
        return area
    latest = ordered(frames)[-1]
    n = int(in_scope(frames[latest], scope)["kode"].nunique())
    return t("pace.area_summed", lang, area=area, n=fmt.number(n, lang), level=t(f"level.{level}", lang).lower())


def sentence(row: pd.Series | None, area: str, lang: str = "id") -> str:
    """One sentence for ``area`` (a row of :func:`by_area` / :func:`total`): the pace needed for this year's
    target against today's ("Ketapang butuh 410 peserta baru per bulan untuk target 2025; laju sekarang 120.")."""
    if row is None or pd.isna(row.get("tahun")):
        return t("pace.sentence_no_data", lang, area=area)
    year = int(row["tahun"])
    now = row["laju_per_bulan"]
    if row["status"] == MET:
        return t("pace.sentence_met", lang, area=area, year=year, pace=fmt.number(now, lang))
    need = fmt.number(math.ceil(row["laju_dibutuhkan"]), lang)
    if pd.isna(now):
        return t("pace.sentence_few", lang, area=area, need=need, year=year, n=int(row["titik"]))
    return t("pace.sentence", lang, area=area, need=need, year=year, pace=fmt.number(now, lang))


def status_line(row: pd.Series, suffix: str = "", lang: str = "id") -> str | None:
    """ "Target 2029: Tertinggal (tercapai setelah tenggat) · tercapai Mei 2031 pada laju sekarang" for this year's
    target (``suffix`` "") or the schedule's last (:data:`LAST_SUFFIX`); None when the row has no such year."""
    year = row.get("tahun" + suffix)
    if year is None or pd.isna(year):
        return None
    status = t(f"pace.status.{row.get('status' + suffix) or NO_DATA}", lang)
    reached = row.get("bulan_tercapai" + suffix)
    if isinstance(reached, str) and row.get("status" + suffix) != MET:
        return t("pace.status_line_reached", lang, year=int(year), status=status, when=period_label(reached, lang))
    return t("pace.status_line", lang, year=int(year), status=status)


def sheet_lines(row: pd.Series | None, area: str, lang: str = "id") -> list[str]:
    """What a budget sheet says of an area's pace: the one sentence, then the status for this year's target and
    (when the schedule runs further) for its last year's."""
    lines = [sentence(row, area, lang)]
    if row is not None:
        lines += [x for x in (status_line(row, "", lang),) if x]
        if row.get("tahun" + LAST_SUFFIX) != row.get("tahun"):
            lines += [x for x in (status_line(row, LAST_SUFFIX, lang),) if x]
    return lines


def _month_start(index: int) -> pd.Timestamp:
    return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)


def path_lines(frames: Mapping[str, pd.DataFrame], schedule: Schedule, scope: str | None = None) -> pd.DataFrame:
    """The path chart's lines for the province or ``scope`` (columns seri, bulan, orang): the published points
    (``published``), the target schedule as steps (``target``: each year's target people from its January to
    its December), the line at today's pace (``pace``) and the line needed (``needed``: from the latest figure
    to this year's and the last year's target, each at its December). Empty without data."""
    one = summed(frames, scope)
    long = long_series(one)
    _areas, rows, _win = path(one, schedule)
    if long.empty or rows.empty:
        return pd.DataFrame(columns=["seri", "bulan", "orang"])
    parts = [
        pd.DataFrame(
            {"seri": "published", "bulan": [_month_start(i) for i in long["t"]], "orang": long["peserta_aktif"]}
        )
    ]
    last_t, now = int(long["t"].iloc[-1]), float(long["peserta_aktif"].iloc[-1])
    steps = []
    for r in rows.itertuples():
        steps += [(_month_start(r.tahun * 12), r.target_orang), (_month_start(r.tahun * 12 + 11), r.target_orang)]
    parts.append(pd.DataFrame(steps, columns=["bulan", "orang"]).assign(seri="target"))
    end = int(rows["tahun"].max()) * 12 + 11
    rate = _areas["laju_per_bulan"].iloc[0]
    if not pd.isna(rate):
        parts.append(
            pd.DataFrame(
                {
                    "seri": "pace",
                    "bulan": [_month_start(last_t), _month_start(end)],
                    "orang": [now, now + rate * (end - last_t)],
                }
            )
        )
    first, final = rows.iloc[0], rows.iloc[-1]
    needed = [
        (_month_start(last_t), now),
        (_month_start(int(first["tahun"]) * 12 + 11), max(now, first["target_orang"])),
    ]
    if final["tahun"] != first["tahun"]:
        needed.append((_month_start(end), max(now, final["target_orang"])))
    parts.append(pd.DataFrame(needed, columns=["bulan", "orang"]).assign(seri="needed"))
    return pd.concat(parts, ignore_index=True)[["seri", "bulan", "orang"]]
