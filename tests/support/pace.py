"""A hand-made published monthly history for the pace's tests (tests/test_app_pace.py, test_cli_pace.py,
test_browser_pace.py): six months of the 14 kabupaten/kota and eight desa of Ketapang, with real-world gaps (a
month missing for an area), and a target schedule to 2029."""

from __future__ import annotations

import pandas as pd

MONTHS = [f"2025-{m:02d}" for m in range(1, 7)]
SCHEDULE = (
    "periode,kode,target_persen,keterangan\n"
    "2025,61,55,contoh uji\n2027,61,60,\n2029,61,70,RPJMN contoh\n2025,61.04,52,Ketapang\n"
)
KAB = {  # kode: (workers, participants in January, new participants a month)
    "61.01": (300_000, 90_000, 900),
    "61.02": (150_000, 40_000, 2_000),
    "61.03": (250_000, 60_000, 300),
    "61.04": (280_000, 70_000, 1_200),
    "61.05": (200_000, 80_000, -100),
    "61.06": (120_000, 30_000, 0),
    "61.07": (130_000, 70_000, 50),
    "61.08": (180_000, 50_000, 700),
    "61.09": (100_000, 30_000, 250),
    "61.10": (110_000, 25_000, 150),
    "61.11": (60_000, 20_000, 400),
    "61.12": (290_000, 98_000, 1_500),
    "61.71": (300_000, 150_000, 600),
    "61.72": (120_000, 50_000, 100),
}
DESA = {  # eight desa of Ketapang: (workers, January, a month)
    "61.04.01.2011": (400, 100, 10),
    "61.04.01.2012": (500, 120, 2),
    "61.04.01.2013": (300, 200, 0),
    "61.04.01.2014": (600, 150, -3),
    "61.04.01.2015": (350, 90, 25),
    "61.04.02.2001": (800, 100, 40),
    "61.04.02.2002": (250, 60, 1),
    "61.04.02.2003": (450, 300, 5),
}
MISSING = {("61.05", "2025-04"), ("61.04.01.2012", "2025-03"), ("61.04.02.2001", "2025-05")}  # real-world gaps


def rows(table: dict[str, tuple[int, int, int]]) -> dict[str, list[tuple[str, int, int]]]:
    return {
        p: [(k, tk, start + step * i) for k, (tk, start, step) in table.items() if (k, p) not in MISSING]
        for i, p in enumerate(MONTHS)
    }


def csv(period: str, points: list[tuple[str, int, int]]) -> bytes:
    body = "".join(f"{k},{period},{tk},{ps}\n" for k, tk, ps in points)
    return ("kode,periode,tenaga_kerja,peserta_aktif\n" + body).encode()


def frames(table) -> dict[str, pd.DataFrame]:
    """The same figures as the tables published, straight to geo.pace (no store, no page)."""
    return {p: pd.DataFrame(r, columns=["kode", "tenaga_kerja", "peserta_aktif"]) for p, r in rows(table).items()}


def publish_history(url: str) -> None:
    """The schedule and every monthly table (kabupaten and desa) published to the store at ``url``."""
    from geo.store import open_store

    store = open_store(url)
    try:
        store.add_user("ana", "editor", display_name="Tim Data Disnaker")
        store.publish_targets(SCHEDULE.encode(), "target.csv", "ana")
        for level, table in (("kabupaten", KAB), ("desa", DESA)):
            for period, points in rows(table).items():
                store.publish(csv(period, points), f"{level}_{period}.csv", level, "ana", accept_partial=True)
    finally:
        store.dispose()
