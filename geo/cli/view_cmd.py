"""``python -m geo view LINK``: what a shared link shows, worked out by the same core as the page and the
link preview (``geo.view``), on the store this machine is configured with; ``--png`` writes its picture."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..text import t
from ..view import shown
from .common import err


def add_parser(sub: argparse._SubParsersAction) -> None:
    view = sub.add_parser("view", help="what a link shows: its figures, stamp and title (and --png its picture)")
    view.add_argument("link", help='a page link or its path and query, e.g. "/desa?kab=61.04&v=3"')
    view.add_argument("--json", action="store_true", help="print JSON")
    view.add_argument("--png", help="write the link's picture (the page's PNG snapshot, 1200×630) here")
    view.set_defaults(func=run)


def _number(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 4)


def describe(v: shown.Shown) -> dict:
    """The figures and labels of a view, as plain values (the same the page shows first)."""
    tot = v.tot
    return {
        "page": v.page,
        "path": v.path,
        "query": v.query,
        "level": v.level,
        "scope": v.scope,
        "period": v.period,
        "title": v.preview_title,
        "label": v.label,
        "sample": v.data.is_sample,
        "pinned": v.data.pinned,
        "version": (ver.id if (ver := v.data.version_for(v.level, v.period)) is not None else None),
        "areas": tot.areas,
        "areas_with_data": tot.areas_with_data,
        "below_target": tot.below,
        "coverage": _number(tot.coverage),
        "target": _number(v.target),
        "gap_sum": _number(tot.gap_sum),
        "messages": [key for key, _params in v.data.messages],
    }


def run(args: argparse.Namespace) -> int:
    """Exit 0, or 2 with a one-line reason for a link that is not a map page's."""
    parts = urlsplit(args.link.strip())
    query = {k: vals for k, vals in parse_qs(parts.query, keep_blank_values=True).items()}
    v = shown.view(parts.path or "/", query)
    if v is None:
        path = parts.path
        return err(t("cli.view.not_a_map", "id", path=path) + " / " + t("cli.view.not_a_map", "en", path=path))
    facts = describe(v)
    if args.png:
        from ..render import render_snapshot  # noqa: PLC0415 - matplotlib only for this option

        Path(args.png).write_bytes(render_snapshot(v.frame, v.level, **v.render_args()))
        facts["png"] = args.png
    if args.json:
        print(json.dumps(facts, ensure_ascii=False, indent=2))
    else:
        print(facts["title"])
        print(facts["label"] or "–")
        for name in ("period", "areas", "areas_with_data", "below_target", "coverage", "target", "gap_sum"):
            print(f"  {name}: {facts[name]}")
    return 0
