"""The sample tables classified as the app does it: a real classified frame for tests and the bench."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2024-12"  # the sample's latest month (geo.sample.LATEST): what a view without a period shows


def app_modules_present() -> bool:
    return (ROOT / "geo" / "table.py").is_file() and (ROOT / "geo" / "join.py").is_file()


def sample_rows(level: str) -> pd.DataFrame:
    """The sample table for ``level`` read plainly by code (what a join by kode yields)."""
    from geo.sample import ensure_samples

    path = ensure_samples()[level]
    df = pd.read_csv(path, dtype={"kode": str, "periode": str, "target_persen": str})
    df["target_persen"] = pd.to_numeric(df["target_persen"], errors="coerce")
    return df


def classified(level: str, target: float | None = None, period: str | None = PERIOD) -> tuple[pd.DataFrame, str]:
    """The sample classification of ``level``; via the app's own table reader and join when present.

    Returns (frame, how) where ``how`` says which path produced it.
    """
    from geo import DEFAULT_TARGET, boundaries, classify

    target = DEFAULT_TARGET if target is None else target
    areas = boundaries.areas(level)
    table_level = level if level in ("kabupaten", "desa") else "desa"
    if app_modules_present():
        try:
            from geo.join import join
            from geo.sample import ensure_samples
            from geo.table import read_table

            table = read_table(ensure_samples()[table_level])
            matched = join(table, table_level, boundaries.areas(table_level)).matched
            how = "geo.table.read_table + geo.join.join"
        except Exception as exc:  # the app's join is new: fall back, but say so
            matched = sample_rows(table_level)
            how = f"plain CSV by kode (app join failed: {type(exc).__name__}: {exc})"
    else:
        matched = sample_rows(table_level)
        how = "plain CSV by kode (geo.table/geo.join not present)"
    if table_level == level:
        return classify.classify(matched, areas, target, period), how
    base = classify.classify(matched, boundaries.areas(table_level), target, period)
    return classify.aggregate(base, areas, "kode_kec", target), how


def scoped(frame: pd.DataFrame, kab: str | None) -> pd.DataFrame:
    """The same scope filter screens/desa.py applies."""
    if not kab:
        return frame
    return frame[frame["kode"].str.startswith(kab + ".") | (frame["kode"] == kab)]


def one_month_csv(level: str, period: str = PERIOD, as_period: str | None = None) -> bytes:
    """One month of the sample table for ``level`` (its latest by default) as a CSV file, the period written as
    ``as_period`` when given: what an officer brings each month (the sample itself holds twelve)."""
    df = sample_rows(level)
    df = df[df["periode"] == period].assign(periode=as_period or period)
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")
