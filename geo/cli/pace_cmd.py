"""``python -m geo pace``: the monev pace on the command line, on the data in force (the published store, else the
sample), worked out by the same core as the pages (``geo.view.inforce`` → ``geo.pace``): the same figures, the
same sentence, the same ranking."""

from __future__ import annotations

import argparse
import json
import math

import pandas as pd

from .. import LEVELS
from .. import fmt as numfmt
from .. import pace as monev
from ..period import label as period_label
from ..plan import scope as in_scope
from ..text import t
from ..view import inforce, shown
from .common import CliError, err, scope


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pace", help="each area's pace against the pace its targets need (monev), on the data in force")
    p.add_argument("--level", choices=LEVELS, help="default: kabupaten, or desa with --kab")
    p.add_argument("--kab", help="kode kabupaten/kota, e.g. 61.04 (kecamatan/desa levels)")
    p.add_argument("--period", help="the pace as of this period (default: the latest)")
    p.add_argument("--v", type=int, help="the published data as of this version (as a link's ?v=)")
    p.add_argument("--top", type=int, default=10, help="areas furthest behind to list (text output; default 10)")
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.add_argument("--json", action="store_true", help="every area in scope, as JSON")
    p.set_defaults(func=run)


def _plain(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def _row(row: pd.Series | None) -> dict | None:
    return None if row is None else {k: _plain(v) for k, v in row.items()}


def run(args: argparse.Namespace) -> int:
    """Print the pace (text or ``--json``); exit 0, or 2 with a one-line reason."""
    lang = args.lang
    level = args.level or ("desa" if args.kab else "kabupaten")
    try:
        kab = scope(args.kab, level, lang)
    except CliError as exc:
        return err(str(exc))
    d = inforce.data_in_force(args.v)
    if args.period and args.period not in d.periods:
        periods = ", ".join(d.periods) or "–"
        return err(t("pace.cli_unknown_period", lang, value=args.period, periods=periods))
    period = d.period_or_latest(args.period)
    frame = in_scope(inforce.areas(level), kab)
    frame = monev.joined(frame, inforce.paced(d, level, period))
    total = inforce.pace_total(d, level, kab, period) if kab else inforce.pace_total(d, "kabupaten", None, period)
    names = dict(zip(inforce.areas("kabupaten")["kode"], inforce.areas("kabupaten")["nama"]))
    area = names.get(kab, kab) if kab else t("level.provinsi", lang)
    win = monev.window(list(inforce.series_until(d, level, period)))
    label = shown.data_label(d, level, period, lang)
    if kab:
        area = monev.area_name(area, kab, level, inforce.series_until(d, level, period), lang)
    sentence = monev.sentence(total, area, lang)
    ranked = monev.shortfall_ranking(frame, len(frame))
    if args.json:
        cols = ["kode", "nama", *monev.FRAME_COLUMNS]
        out = {
            "level": level,
            "kab": kab,
            "period": period,
            "window": win.key if win else None,
            "window_label": win.label(lang) if win else None,
            "label": label,
            "sample": d.is_sample,
            "area": area,
            "total": _row(total),
            "sentence": sentence,
            "furthest_behind": ranked["kode"].tolist(),
            "areas": [{c: _plain(v) for c, v in r.items()} for r in frame[cols].to_dict("records")],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"{t('pace.title', lang)} · {t(f'level.{level}', lang)} · {area}")
    print(label or "–")
    print(t("pace.caption", lang, level=t(f"level.{level}", lang), window=win.label(lang) if win else "–"))
    print(sentence)
    print(t("pace.ranking_title", lang, level=t(f"level.{level}", lang)) + ":")
    if ranked.empty:
        print("  " + t("pace.ranking_empty", lang))
    for i, r in enumerate(ranked.head(max(args.top, 0)).itertuples(), 1):
        reached = (
            period_label(r.bulan_tercapai, lang) if isinstance(r.bulan_tercapai, str) else t("pace.not_reached", lang)
        )
        print(
            f"  {i}. {r.kode} {r.nama}: "
            f"{t('pace.col.now', lang)} {numfmt.number(r.laju_per_bulan, lang)}; "
            f"{t('pace.col.needed', lang)} {numfmt.number(r.laju_dibutuhkan, lang)}; "
            f"{t('pace.col.shortfall', lang)} {numfmt.number(r.kekurangan_laju, lang)}; "
            f"{t('pace.col.reached', lang)} {reached}; {t(f'pace.status.{r.status_laju}', lang)}"
        )
    return 0
