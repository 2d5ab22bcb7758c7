"""One month is one period: re-key the periods of versions already published ("Juni 2024" -> "2024-06").

Before this, a period was the text of the table's cell, so "Juni 2024", "06/2024" and "2024-06" were three
periods. Each version's ``periods`` and its rows' ``periode`` are re-keyed to the canonical key where
:mod:`geo.period` reads them; the text as published stays in the version's report (``period_original``:
key -> the spellings it replaced). What cannot be read, or what would put one area twice in one period of
a version, is left as it is and named in the report (``period_unreadable``); ``Store.unreadable_periods``
lists those versions for an admin. Data only: the schema does not change, and the downgrade keeps the keys.

Revision ID: 0004
Revises: 0003
"""

import io
import json

import pandas as pd
import sqlalchemy as sa
from alembic import op

from geo.period import ordered, parse

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_versions = sa.table(
    "versions", sa.column("id", sa.Integer), sa.column("periods", sa.Text), sa.column("kind", sa.String)
)
_data = sa.table(
    "version_data",
    sa.column("version_id", sa.Integer),
    sa.column("report", sa.Text),
    sa.column("rows", sa.LargeBinary),
    sa.column("n_rows", sa.Integer),
)


def rekey(periods: list[str], rows: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """(old -> key for each period that changes, the periods left as they are); "" (no period) is kept."""
    mapping = {p: parse(p) for p in periods if p and parse(p) is not None and parse(p) != p}
    unreadable = [p for p in periods if p and parse(p) is None]
    if "periode" in rows and "kode" in rows and mapping:
        keyed = rows["periode"].astype(str).map(lambda p: mapping.get(p, p))
        twice = rows.assign(periode=keyed).duplicated(["kode", "periode"], keep=False)
        for old in sorted(set(rows.loc[twice, "periode"].astype(str)) & set(mapping)):
            unreadable.append(old)  # one area twice in one period: an admin decides, nothing is dropped
            del mapping[old]
    return mapping, unreadable


def upgrade() -> None:
    conn = op.get_bind()
    for vid, periods_json in conn.execute(sa.select(_versions.c.id, _versions.c.periods)).all():
        periods = [str(p) for p in json.loads(periods_json)]
        if all(not p or parse(p) == p for p in periods):
            continue
        data = conn.execute(
            sa.select(_data.c.report, _data.c.rows, _data.c.n_rows).where(_data.c.version_id == vid)
        ).first()
        rows = pd.read_parquet(io.BytesIO(data.rows)) if data is not None else pd.DataFrame()
        mapping, unreadable = rekey(periods, rows)
        new_periods = ordered({mapping.get(p, p) for p in periods})
        conn.execute(sa.update(_versions).where(_versions.c.id == vid).values(periods=json.dumps(new_periods)))
        if data is None:
            continue
        report = json.loads(data.report)
        if not isinstance(report, dict):
            report = {"report": report}
        original: dict[str, list[str]] = {}
        for old, key in mapping.items():
            original.setdefault(key, []).append(old)
        report["period_original"] = {k: sorted(v) for k, v in original.items()}
        report["period_unreadable"] = sorted(unreadable)
        info = report.get("period")
        if isinstance(info, dict) and isinstance(info.get("periods"), list):
            info["periods"] = ordered({mapping.get(str(p), str(p)) for p in info["periods"]})
        values: dict = {"report": json.dumps(report, ensure_ascii=False, default=str)}
        if mapping and "periode" in rows:
            rows["periode"] = [mapping.get(str(p), p) if p is not None else p for p in rows["periode"]]
            buf = io.BytesIO()
            rows.to_parquet(buf, index=False)
            values["rows"] = buf.getvalue()
        conn.execute(sa.update(_data).where(_data.c.version_id == vid).values(**values))


def downgrade() -> None:
    """The canonical keys stay: the text as published is in each report's ``period_original``."""
