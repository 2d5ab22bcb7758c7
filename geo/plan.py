"""Planning: what closing the gap costs, and where N new bantuan iuran recipients should go.

Cost of a gap = people × monthly contribution × months. The default contribution is the minimum
for non-wage workers (BPU, PP 44/2015 and amendments): JKK 1% of a declared income of
Rp1,000,000 (Rp10,000) plus JKM Rp6,800 = Rp16,800 per person per month, for 12 months.

The allocation is exact (see :func:`allocate_slots`), pure and deterministic, so the page and
``python -m geo plan`` give the same answer from the same frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .classify import AT_OR_ABOVE, BELOW, NO_DATA, coverage_pct

BPU_MIN_INCOME = 1_000_000  # lowest declared monthly income for a non-wage (BPU) participant
JKK_RATE_PERMILLE = 10  # JKK, risk class lowest: 1% of declared income
JKK_RUPIAH = BPU_MIN_INCOME * JKK_RATE_PERMILLE // 1000  # Rp10,000
JKM_RUPIAH = 6_800  # JKM for BPU: a flat Rp6,800
DEFAULT_IURAN = JKK_RUPIAH + JKM_RUPIAH  # Rp16,800 per person per month
DEFAULT_MONTHS = 12

MAX_IURAN = 10_000_000  # sanity bounds for URL/CLI input
MAX_MONTHS = 120
MAX_SLOTS = 100_000_000


def cost(people: float | np.ndarray | pd.Series, iuran: int = DEFAULT_IURAN, months: int = DEFAULT_MONTHS):
    """Rupiah to pay the contributions of ``people`` for ``months`` (NaN people stay NaN)."""
    return people * int(iuran) * int(months)


def gap_costs(gap_to_target: float, gap_sum: float, iuran: int = DEFAULT_IURAN, months: int = DEFAULT_MONTHS):
    """(people, rupiah) to reach the selection's target and (people, rupiah) for every area to reach its own, each
    counted only from a positive, known gap; None when neither needs anyone (no cost is made of zero people)."""

    def one(people: float) -> tuple[float, float] | None:
        if people is None or people != people or people <= 0:  # NaN or nothing to close
            return None
        return float(people), float(cost(people, iuran, months))

    whole, each = one(gap_to_target), one(gap_sum)
    return None if whole is None and each is None else (whole, each)


def with_cost(frame: pd.DataFrame, iuran: int = DEFAULT_IURAN, months: int = DEFAULT_MONTHS) -> pd.DataFrame:
    """``frame`` with a ``biaya`` column: the cost of each area's gap."""
    return frame.assign(biaya=cost(frame["gap"].astype(float), iuran, months))


def _order(gaps: np.ndarray, coverage: np.ndarray, codes: list[str]) -> list[int]:
    """Ascending gap; ties: lower coverage first (further behind), then kode (stable, deterministic)."""
    cov = np.where(np.isnan(coverage), np.inf, coverage)
    return sorted(range(len(gaps)), key=lambda i: (int(gaps[i]), float(cov[i]), codes[i]))


def allocate_slots(
    gaps: np.ndarray | list[int], n: int, coverage: np.ndarray | None = None, codes: list[str] | None = None
) -> np.ndarray:
    """Integer slots per area: as many areas as possible reach target, the rest of ``n`` by gap.

    Only areas with a positive gap take slots; an area never gets more than its gap, and the
    slots never add up to more than ``n`` (less when every gap can be closed).

    Exactness (exchange argument). An area reaches target iff it gets its whole gap. Let the
    positive gaps in ascending order be g1 ≤ g2 ≤ …, and k the largest count with
    g1 + … + gk ≤ n. Any set S of areas that all reach target has |S| members whose gaps sum
    to at most n; replacing each member by one of the |S| smallest gaps never raises the sum
    (the i-th smallest of S is ≥ gi), so g1 + … + g|S| ≤ n and |S| ≤ k. Taking the k smallest is
    therefore optimal, and it is what the loop below does: once g(k+1) does not fit, no later
    (larger) gap fits either. It also leaves the most slots over for the others.

    Ties between equal gaps: lower current coverage first, then kode. The leftover
    r = n − (g1 + … + gk) is shared among the remaining positive-gap areas in proportion to
    their gap (largest remainder, exact integer arithmetic; ties by larger gap, then order).
    Each of those gaps is > r, so no share can reach (or pass) its gap: the count stays k.
    """
    g = np.nan_to_num(np.asarray(gaps, dtype=float), nan=0.0)
    g = np.maximum(np.rint(g), 0).astype(np.int64)
    m = len(g)
    n = max(int(n), 0)
    cov = np.full(m, np.nan) if coverage is None else np.asarray(coverage, dtype=float)
    keys = [f"{i:08d}" for i in range(m)] if codes is None else [str(c) for c in codes]
    slots = np.zeros(m, dtype=np.int64)
    left = n
    rest: list[int] = []
    for i in _order(g, cov, keys):
        if g[i] <= 0:
            continue
        if not rest and g[i] <= left:
            slots[i] = g[i]
            left -= int(g[i])
        else:
            rest.append(i)
    total = int(sum(int(g[i]) for i in rest))
    if left > 0 and total > 0:
        share = min(left, total)
        quotas = [(share * int(g[i]) // total, share * int(g[i]) % total, pos, i) for pos, i in enumerate(rest)]
        given = 0
        for q, _r, _pos, i in quotas:
            slots[i] = min(q, int(g[i]))
            given += int(slots[i])
        spare = share - given
        for _q, _r, _pos, i in sorted(quotas, key=lambda x: (-x[1], -int(g[x[3]]), x[2])):
            if spare <= 0:
                break
            if slots[i] < g[i]:
                slots[i] += 1
                spare -= 1
    return slots


@dataclass(frozen=True)
class Plan:
    """A scenario: ``slots`` new bantuan iuran recipients allocated over the areas of ``items``."""

    items: (
        pd.DataFrame
    )  # kode, nama, gap, slots, reaches_target, tenaga_kerja, peserta_aktif, cakupan, cakupan_baru, biaya
    slots: int
    iuran: int
    months: int
    slots_used: int
    areas_reaching_target: int
    areas_at_target_before: int
    areas_at_target_after: int
    areas_with_data: int
    cost_rupiah: int
    coverage_before: float
    coverage_after: float
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The JSON of ``python -m geo plan --json``."""
        alloc = [
            {
                "kode": str(r.kode),
                "nama": str(r.nama),
                "gap": int(r.gap),
                "slots": int(r.slots),
                "reaches_target": bool(r.reaches_target),
                "cakupan": _num(r.cakupan),
                "cakupan_baru": _num(r.cakupan_baru),
                "biaya_rupiah": int(r.biaya),
            }
            for r in self.items.itertuples(index=False)
        ]
        return {
            "slots": self.slots,
            "iuran_rupiah": self.iuran,
            "bulan": self.months,
            "allocation": alloc,
            "areas_reaching_target": self.areas_reaching_target,
            "areas_at_target_before": self.areas_at_target_before,
            "areas_at_target_after": self.areas_at_target_after,
            "areas_with_data": self.areas_with_data,
            "slots_used": self.slots_used,
            "cost_rupiah": self.cost_rupiah,
            "coverage_before": _num(self.coverage_before),
            "coverage_after": _num(self.coverage_after),
            **self.extra,
        }


def _num(v: float) -> float | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else round(float(v), 4)


def plan(frame: pd.DataFrame, slots: int, iuran: int = DEFAULT_IURAN, months: int = DEFAULT_MONTHS) -> Plan:
    """Allocate ``slots`` over the areas of ``frame`` (``classify.classify`` rows, already scoped and filtered).

    Areas without data take no slots; the items list only areas with data, in allocation
    order of interest: reaching target first, then by slots, then by gap.
    """
    data = frame[frame["has_data"]] if "has_data" in frame else frame
    data = data.reset_index(drop=True)
    gap = data["gap"].fillna(0).astype(float).to_numpy()
    s = allocate_slots(gap, slots, data["cakupan"].to_numpy(dtype=float), data["kode"].astype(str).tolist())
    tk = data["tenaga_kerja"].astype(float)
    ps = data["peserta_aktif"].astype(float)
    items = pd.DataFrame(
        {
            "kode": data["kode"].astype(str),
            "nama": data["nama"].astype(str),
            "gap": gap.astype(np.int64),
            "slots": s,
            "tenaga_kerja": tk,
            "peserta_aktif": ps,
            "target_efektif": data["target_efektif"].astype(float) if "target_efektif" in data else np.nan,
            "cakupan": data["cakupan"].astype(float),
        }
    )
    items["reaches_target"] = (items["slots"] == items["gap"]) & (items["gap"] > 0)
    items["cakupan_baru"] = coverage_pct(ps + s, tk)
    items["biaya"] = cost(items["slots"], iuran, months).astype(np.int64)
    items = items.sort_values(
        ["reaches_target", "slots", "gap", "kode"], ascending=[False, False, False, True], kind="stable"
    ).reset_index(drop=True)
    used = int(s.sum())
    before = int((gap <= 0).sum())
    reached = int(items["reaches_target"].sum())
    return Plan(
        items=items,
        slots=int(slots),
        iuran=int(iuran),
        months=int(months),
        slots_used=used,
        areas_reaching_target=reached,
        areas_at_target_before=before,
        areas_at_target_after=before + reached,
        areas_with_data=len(items),
        cost_rupiah=int(cost(used, iuran, months)),
        coverage_before=float(coverage_pct(ps.sum(), tk.sum())),
        coverage_after=float(coverage_pct(ps.sum() + used, tk.sum())),
    )


def scenario_frame(frame: pd.DataFrame, result: Plan) -> pd.DataFrame:
    """``frame`` as it would be after the scenario: peserta + slots, coverage and gap recomputed.

    Adds ``slots`` and ``crosses`` (True for areas the scenario brings to target) for the map.
    """
    by_kode = result.items.set_index("kode")
    out = frame.copy()
    add = out["kode"].map(by_kode["slots"]).fillna(0).astype(float)
    out["slots"] = add
    out["crosses"] = out["kode"].map(by_kode["reaches_target"]).fillna(False).astype(bool)
    has = out["has_data"] if "has_data" in out else pd.Series(True, index=out.index)
    out["peserta_aktif"] = out["peserta_aktif"] + add.where(has, 0)
    out["cakupan"] = coverage_pct(out["peserta_aktif"], out["tenaga_kerja"])
    out["gap"] = (out["gap"] - add).where(has)

    out["status"] = np.where(~has, NO_DATA, np.where(out["gap"] > 0, BELOW, AT_OR_ABOVE))
    return out


def allocation_table(result: Plan) -> pd.DataFrame:
    """The allocation as a machine table for CSV/XLSX (translated by the caller)."""
    cols = [
        "kode",
        "nama",
        "tenaga_kerja",
        "peserta_aktif",
        "cakupan",
        "target_efektif",
        "gap",
        "slots",
        "cakupan_baru",
        "reaches_target",
        "biaya",
    ]
    return result.items[cols].copy()


def parse_whole(value: object, low: int, high: int) -> int | None:
    """A whole number in [low, high] from text people type ("26.373", "26,373", "26373"); None if not."""
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if text.lower().startswith("rp"):
        text = text[2:]
    if not text:
        return None
    # Thousands separators only (no decimals for people, rupiah or months).
    digits = (
        text.replace(".", "").replace(",", "")
        if all(len(part) == 3 for part in text.replace(",", ".").split(".")[1:])
        else text
    )
    if not digits.isdigit():
        return None
    number = int(digits)
    return number if low <= number <= high else None


def parse_slots(value: object) -> int | None:
    return parse_whole(value, 0, MAX_SLOTS)


def parse_iuran(value: object) -> int | None:
    return parse_whole(value, 1, MAX_IURAN)


def parse_months(value: object) -> int | None:
    return parse_whole(value, 1, MAX_MONTHS)


def scope(frame: pd.DataFrame, kab: str | None = None, kec: str | None = None) -> pd.DataFrame:
    """The areas of ``frame`` inside kabupaten ``kab`` / kecamatan ``kec`` (as the pages scope them)."""
    code = kec or kab
    if not code:
        return frame
    return frame[frame["kode"].str.startswith(code + ".") | (frame["kode"] == code)]
