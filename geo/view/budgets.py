"""The budget sheets of the data in force: what the page's download buttons and ``python -m geo pack`` /
``python -m geo budget`` make, from one place (the same Inputs, so a sheet from the page is the CLI's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from geo import PROVINCE_CODE, commitments, pace, plan, sheets, targets
from geo.text import t

from . import inforce, shown


def inputs(
    d: inforce.Data,
    commits: commitments.Commitments,
    period: str | None = None,
    lang: str = "id",
    iuran: int = plan.DEFAULT_IURAN,
    months: int = plan.DEFAULT_MONTHS,
    extra: Mapping[str, Sequence[str]] | None = None,
) -> sheets.Inputs:
    """The sheets' inputs for ``period`` (else the latest) of ``d``: kabupaten rows (own or rolled up), desa rows
    when a desa table exists, the schedule of ``d``, ``commits``, and the stamp or the sample label."""
    period = d.period_or_latest(period)
    if period is None:
        raise ValueError("no period in the data")
    kab = inforce.classified(d, "kabupaten", period, None)
    has_desa = targets.counted_from(d.matched.keys(), "desa") is not None
    desa = inforce.classified(d, "desa", period, None) if has_desa else None
    label = shown.data_label(d, "kabupaten", period, lang) or (t("sample.banner", lang) if d.is_sample else "")
    if extra is None:
        extra = pace_lines(d, period, lang)
    return sheets.Inputs(
        kabupaten=kab,
        desa=desa,
        schedule=d.schedule,
        period=period,
        commits=commits,
        is_sample=d.is_sample,
        label=label,
        lang=lang,
        iuran=iuran,
        months=months,
        workers_note=d.workers_note("desa", lang) if has_desa else None,
        extra=dict(extra or {}),
    )


def pace_lines(d: inforce.Data, period: str, lang: str = "id") -> dict[str, list[str]]:
    """Each kabupaten/kota's and the province's pace lines (``geo.pace.sheet_lines``) as of ``period``: the same
    figures the pace block of the pages shows."""
    paced = inforce.paced(d, "kabupaten", period).set_index("kode")
    out = {
        kab: pace.sheet_lines(paced.loc[kab] if kab in paced.index else None, sheets.kab_name(kab), lang)
        for kab in sheets.kab_codes()
    }
    out[PROVINCE_CODE] = pace.sheet_lines(
        inforce.pace_total(d, "kabupaten", None, period), t("level.provinsi", lang), lang
    )
    return out
