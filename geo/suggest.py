"""Closest official areas for the rows a join could not settle, so an editor can pick one.

Names are compared with rapidfuzz on their normalised form (no "Kab."/"Desa" prefix, folded
case and accents), only among areas within the parents the row names (kabupaten/kecamatan)
when those are known; otherwise among all areas of the level.
"""

from __future__ import annotations

import pandas as pd
from rapidfuzz import fuzz, process

from .join import JoinResult, Matcher
from .names import normalise_name
from .table import CoverageTable

LIMIT = 5
# WRatio (0-100) below which a name is not offered: one or two typing slips in a kabupaten or desa name
# ("Sambsa" -> Sambas 83, "Mempawa" -> Mempawah 93) score above it, while names that only share a few
# letters ("Xyz" -> Kubu Raya 36, "Sungai Raya" -> Sanggau 60) fall below; an editor shown no suggestion
# is told "no close match" rather than offered unrelated areas.
MIN_SCORE = 75.0


def suggest(table: CoverageTable, result: JoinResult, areas: pd.DataFrame, limit: int = LIMIT) -> dict[int, list[dict]]:
    """{report row number: [{kode, nama, where, score}, ...] best first} for unmatched and ambiguous rows
    (an empty list: nothing scored MIN_SCORE or more)."""
    level = result.level
    matcher = Matcher(level, areas)
    index = matcher.index
    wanted = result.report[result.report["status"].isin(("unmatched", "ambiguous"))]
    if wanted.empty:
        return {}
    rows = {int(r["baris"]): r for r in table.data.to_dict(orient="records")}
    all_choices = {code: normalise_name(name, level) for code, name in index.names.items()}
    out: dict[int, list[dict]] = {}
    for baris, status, candidates in zip(wanted["baris"].astype(int), wanted["status"], wanted["candidates"]):
        row = rows.get(baris)
        name = matcher.own_name(row) if row is not None else None
        # an ambiguous name's candidates (also those found through a former name) come first
        first = [
            c.split(" ")[0] for c in (candidates if status == "ambiguous" else []) if c.split(" ")[0] in index.names
        ]
        found: list[tuple[str, float]] = [(c, 100.0) for c in first]
        if name:
            scope, _problem = matcher._parents(row)
            choices = (
                all_choices
                if scope is None
                else {c: n for c, n in all_choices.items() if index.parents.get(c) in scope}
            )
            found += [
                (code, score)
                for _t, score, code in process.extract(
                    normalise_name(name, level),
                    choices,
                    scorer=fuzz.WRatio,
                    limit=limit + len(first),
                    score_cutoff=MIN_SCORE,
                )
                if code not in first
            ]
        out[baris] = [
            {
                "kode": code,
                "nama": index.names[code],
                "where": matcher.where.get(code, ""),
                "score": round(float(score), 1),
            }
            for code, score in found[: max(limit, len(first))]
        ]
    return out
