"""The budget sheets of the data in force: what the page's download buttons and ``python -m geo pack`` /
``python -m geo budget`` make, from one place (the same Inputs, so a sheet from the page is the CLI's).

A file costs seconds of CPU (the pack: 15 pages with maps, 4–7 s) and any visitor may ask for one, so a file made
is kept (bounded by entries and bytes) and asked again for nothing; a new one is made one at a time per process,
and each client may cause only a few a minute (``KALBAR_SHEET_RATE``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from geo import PROVINCE_CODE, commitments, pace, plan, settings, targets
from geo.lru import LRU
from geo.ratelimit import RateLimit, rate_from_env
from geo.text import t

from . import inforce, shown

if TYPE_CHECKING:
    from geo import sheets  # matplotlib: imported when a file is made, not when a page only offers one


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
    from geo import sheets  # noqa: PLC0415

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
    from geo import sheets  # noqa: PLC0415

    paced = inforce.paced(d, "kabupaten", period).set_index("kode")
    out = {
        kab: pace.sheet_lines(paced.loc[kab] if kab in paced.index else None, sheets.kab_name(kab), lang)
        for kab in sheets.kab_codes()
    }
    out[PROVINCE_CODE] = pace.sheet_lines(
        inforce.pace_total(d, "kabupaten", None, period), t("level.provinsi", lang), lang
    )
    return out


# --- the files, made once and at a bounded rate ------------------------------------------------------------

KINDS = ("pack", "sheet", "csv")
FILE_ENTRIES = 32
FILE_BYTES = 64 * 1024 * 1024  # a pack is ~2 MB, a sheet ~0.3 MB
RATE_ENV = "KALBAR_SHEET_RATE"  # "per_minute[,burst]" of new files one client may cause; "0": no limit
DEFAULT_RATE = (6.0, 4.0)  # a planner's pack, sheet and CSV at once, then one every 10 s
MAKE_WAIT_S = 60.0  # how long a request waits for the file being made before it to finish

_files: LRU[tuple, bytes] = LRU(FILE_ENTRIES, FILE_BYTES, len)
_making = threading.Lock()  # one file at a time per process: a flood of new files queues instead of taking the CPU
limiter = RateLimit(*rate_from_env(settings.env(RATE_ENV), DEFAULT_RATE))


class Busy(Exception):
    """This client asked for too many new files, or the process is busy making others: try again in ``wait`` s."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"busy; try again in {wait:.0f} s")
        self.wait = wait


def file_key(
    kind: str,
    d: inforce.Data,
    commits: commitments.Commitments,
    period: str | None,
    lang: str,
    iuran: int,
    months: int,
    kab: str | None = None,
) -> tuple:
    """What a file is made from: two requests with the same key get the same bytes."""
    if kind not in KINDS:
        raise ValueError(f"unknown budget file {kind!r}")
    return (kind, kab if kind != "pack" else None, d.key, commits.key, d.period_or_latest(period), lang, iuran, months)


def budget_file(
    kind: str,
    d: inforce.Data,
    commits: commitments.Commitments,
    period: str | None,
    lang: str = "id",
    iuran: int = plan.DEFAULT_IURAN,
    months: int = plan.DEFAULT_MONTHS,
    kab: str | None = None,
    client: str | None = None,
) -> bytes:
    """The briefing pack (``pack``), a kabupaten/kota's sheet (``sheet``) or its desa's APBDes CSV (``csv``).

    A file already made is returned at once. Otherwise ``client`` (a visitor's address; None for the CLI) must
    be within its rate and the process free within ``MAKE_WAIT_S``, else :class:`Busy`."""
    key = file_key(kind, d, commits, period, lang, iuran, months, kab)
    if (made := _files.get(key)) is not None:
        return made
    if client is not None and (wait := limiter.take(client)) > 0:
        raise Busy(wait)
    if not _making.acquire(timeout=MAKE_WAIT_S):
        raise Busy(MAKE_WAIT_S)
    try:
        if (made := _files.get(key)) is not None:  # made while this request waited
            return made
        return _files.put(key, _make(kind, inputs(d, commits, period, lang, iuran, months), kab))
    finally:
        _making.release()


def _make(kind: str, inp: sheets.Inputs, kab: str | None) -> bytes:
    from geo import sheets  # noqa: PLC0415

    makers: dict[str, Callable[[], bytes]] = {
        "pack": lambda: sheets.pack_pdf(inp),
        "sheet": lambda: sheets.sheet_pdf(inp, kab or ""),
        "csv": lambda: sheets.desa_csv(inp, kab or ""),
    }
    return makers[kind]()


def wait_for(client: str) -> float:
    """Seconds until ``client`` may cause a new file (0: now): the page says so instead of a failing button."""
    return limiter.wait(client)
