"""A planner's year of tables for the monev walk (tests/test_browser_monev.py, tests/support/monev_shots.py):
twelve months (Juli 2024 – Juni 2025) of the 14 kabupaten/kota and of 32 desa of Ketapang, written as officers
write them (title rows, semicolons, Indonesian thousands "10.000", months spelled "Juli 2024" and "Jan-25", a
month missing for an area, a JUMLAH row), a target schedule to 2029 and two funders' commitments.

``frames`` gives the same figures straight to ``geo.pace`` (no store, no page): what the pages must agree with.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geo import boundaries, commitments
from geo.period import label as period_label
from tests.support.pace import KAB as KAB_PACE

MONTHS = [f"2024-{m:02d}" for m in range(7, 13)] + [f"2025-{m:02d}" for m in range(1, 7)]
KAB = {k: (tk, start, step) for k, (tk, start, step) in KAB_PACE.items()}  # (workers, July 2024, a month)
KETAPANG = "61.04"
SCHEDULE = (
    "periode,kode,target_persen,keterangan\n"
    "2025,61,55,contoh uji\n2026,61,58,\n2027,61,61,\n2028,61,65,\n2029,61,70,RPJMN contoh\n"
    "2025,61.04,52,Ketapang\n"
)
# Pemprov: the province's bantuan iuran (at 61: the province's, not Ketapang's) and a share placed in Ketapang;
# Pemkab Ketapang (written "Pemerintah Kabupaten Ketapang", thousands with a dot) for 2025 and 2026.
COMMITMENTS = (
    "penyandang_dana;kode;tahun;orang;keterangan\n"
    "Pemprov Kalbar;61;2025;26.373;Pergub 4/2023\n"
    "Pemprov Kalbar;61;2026;26.373;Pergub 4/2023\n"
    "Pemerintah Provinsi;61.04;2026;1.850;pekerja rentan Ketapang\n"
    "Pemerintah Kabupaten Ketapang;61.04;2025;1.234;APBD Ketapang\n"
    "Pemerintah Kabupaten Ketapang;61.04;2026;2.345;APBD Ketapang\n"
)
MISSING = {("61.06", "2025-03"), ("61.04.02.2001", "2024-11")}  # an area that did not report that month


def desa_codes(n: int = 32) -> list[str]:
    """``n`` real desa of Ketapang, spread over its kecamatan."""
    codes = sorted(c for c in boundaries.areas("desa")["kode"].astype(str) if c.startswith(KETAPANG + "."))
    step = max(1, len(codes) // n)
    picked = codes[::step][: n - 1]
    return sorted(set(picked) | {"61.04.02.2001"})


def desa_table() -> dict[str, tuple[int, int, int]]:
    """Each desa's (workers, July 2024, new participants a month): generated once from a fixed seed, with one
    desa above target, one flat and one falling (so every pace status shows)."""
    rng = np.random.default_rng(28)
    out = {}
    for code in desa_codes():
        tk = int(rng.integers(150, 900))
        start = int(tk * rng.uniform(0.1, 0.45))
        step = min(int(rng.integers(-2, 25)), int(tk * 0.9 - start) // 11)  # never more participants than workers
        out[code] = (tk, start, step)
    codes = list(out)
    out[codes[0]] = (300, 200, 1)  # already above 52 %
    out[codes[1]] = (500, 120, 0)  # flat
    out[codes[2]] = (600, 150, -3)  # falling
    return out


def points(table: dict[str, tuple[int, int, int]]) -> dict[str, list[tuple[str, int, int]]]:
    """Per month: (kode, workers, participants) of every area that reported it."""
    return {
        p: [(k, tk, start + step * i) for k, (tk, start, step) in table.items() if (k, p) not in MISSING]
        for i, p in enumerate(MONTHS)
    }


def frames(table: dict[str, tuple[int, int, int]]) -> dict[str, pd.DataFrame]:
    """The figures of the tables, as geo.pace takes them."""
    return {p: pd.DataFrame(r, columns=["kode", "tenaga_kerja", "peserta_aktif"]) for p, r in points(table).items()}


def dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def kab_files() -> dict[str, bytes]:
    """Two files of the kabupaten/kota: July–December 2024 as a recap sheet (title rows, semicolons, names,
    "Juli 2024", "10.000"), January–June 2025 with BPS codes and "Jan-25"."""
    names = boundaries.areas("kabupaten").set_index("kode")["nama"]
    first, second = [], []
    for n, (period, rows) in enumerate(points(KAB).items()):
        for i, (k, tk, ps) in enumerate(rows, 1):
            if n < 6:
                first.append(
                    f"{i};{str(names[k]).upper()};{period_label(period, 'id')};{dotted(tk)};{dotted(ps)};dinas\n"
                )
            else:
                year, month = period.split("-")
                spelled = f"{period_label(period, 'id')[:3]}-{year[2:]}"
                second.append(f'{k.replace(".", "")},"{dotted(tk)}","{dotted(ps)}",{spelled}\n')
    head = "REKAP CAKUPAN JAMSOSTEK KAB/KOTA;;;;;\nJuli - Desember 2024;;;;;\n;;;;;\n"
    return {
        "rekap_kabkota_jul-des_2024.csv": (
            head + "No;Kabupaten/Kota;Periode;Tenaga Kerja;Peserta Aktif;Sumber\n" + "".join(first)
        ).encode(),
        "cakupan_kabkota_2025_semester1.csv": ("kode,tenaga_kerja,peserta_aktif,periode\n" + "".join(second)).encode(),
    }


def desa_file() -> bytes:
    """The desa of Ketapang, every month in one file, with the officer's JUMLAH row at the end."""
    names = boundaries.areas("desa").set_index("kode")["nama"]
    table = desa_table()
    body = "".join(
        f"{k};{names[k]};{period_label(p, 'id')};{dotted(tk)};{dotted(ps)}\n"
        for p, rows in points(table).items()
        for k, tk, ps in rows
    )
    total = sum(ps for k, tk, ps in points(table)[MONTHS[-1]])
    return ("kode;desa;periode;tenaga_kerja;peserta_aktif\n" + body + f";JUMLAH;;;{dotted(total)}\n").encode()


def write(folder: Path) -> dict[str, Path]:
    """Every file the planner uploads, written to ``folder``: {role: path}."""
    out = {}
    for i, (name, content) in enumerate(kab_files().items(), 1):
        (folder / name).write_bytes(content)
        out[f"kab{i}"] = folder / name
    files = {
        "desa": ("desa_ketapang_jul2024-jun2025.csv", desa_file()),
        "targets": ("target_2025-2029.csv", SCHEDULE.encode()),
        "commitments": ("komitmen_pendanaan.csv", COMMITMENTS.encode()),
    }
    for role, (name, content) in files.items():
        (folder / name).write_bytes(content)
        out[role] = folder / name
    return out


def committed(kode: str) -> pd.DataFrame:
    """People each funder has committed toward ``kode`` per year (``geo.budget``'s rule), from the file."""
    from geo import budget

    c = commitments.read(COMMITMENTS.encode(), "komitmen_pendanaan.csv")
    have = budget.committed(c)
    return have[have["kode"] == kode].set_index("tahun")
