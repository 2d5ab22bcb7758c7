"""``python -m geo check``: the join report a data officer runs on a table, as text and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from geo.paths import ROOT
from geo.sample import ensure_samples
from tests.support.recap import recap_xlsx, sample_figures

SIX = """kabupaten,periode,tenaga_kerja,peserta_aktif
KAB. SAMBAS,2024,300000,90000
Kab Kubu Raya,2024,290000,98000
6171,2024,300000,150000
Kabupaten Pontianak,2024,140000,40000
Pontianak,2024,100000,30000
Kabupaten Xyz,2024,1000,100
"""


def check(path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geo", "check", str(path), "--level", "kabupaten", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture
def six(tmp_path):
    path = tmp_path / "enam.csv"
    path.write_text(SIX, encoding="utf-8")
    return path


def test_json_report(six):
    proc = check(six, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["file"] == "enam.csv" and report["level"] == "kabupaten" and report["rows"] == 6
    assert report["summary"] == {
        "rows": 6,
        "matched": 4,
        "unmatched": 1,
        "ambiguous": 1,
        "invalid": 0,
        "duplicate": 0,
        "left_out": 2,
    }
    matched = {r["input"]: r["kode"] for r in report["matched"]}
    assert matched == {
        "KAB. SAMBAS": "61.01",
        "Kab Kubu Raya": "61.12",
        "6171": "61.71",
        "Kabupaten Pontianak": "61.02",
    }
    [ambiguous] = report["ambiguous"]
    assert (ambiguous["baris"], ambiguous["input"]) == (6, "Pontianak")
    assert ambiguous["candidates"] == ["61.02 Kabupaten Mempawah", "61.71 Kota Pontianak"]
    [unmatched] = report["unmatched"]
    assert (unmatched["baris"], unmatched["input"], unmatched["kode"]) == (7, "Kabupaten Xyz", None)
    assert unmatched["reason"]
    assert report["row_errors"] == []
    assert len(report["areas_without_data"]["2024"]) == 10


def test_text_report(six):
    proc = check(six)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "6 baris: 4 cocok, 1 tidak cocok, 1 ambigu, 0 tidak valid, 0 duplikat." in out
    assert "Baris 2: KAB. SAMBAS → 61.01 Kabupaten Sambas" in out
    assert "Baris 4: 6171 → 61.71 Kota Pontianak" in out
    assert "Baris 5: Kabupaten Pontianak → 61.02 Kabupaten Mempawah" in out
    assert "Baris 6: Pontianak → ambigu" in out and "Baris 7: Kabupaten Xyz → tidak cocok" in out


def test_text_report_in_english(six):
    proc = check(six, "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "6 rows: 4 matched, 1 unmatched, 1 ambiguous, 0 invalid, 0 duplicate." in proc.stdout
    assert 'name "Kabupaten Xyz" not found' in proc.stdout


def test_invalid_row_exits_1(tmp_path):
    path = tmp_path / "salah.csv"
    path.write_text(SIX + "Kota Singkawang,2024,100,150\n", encoding="utf-8")
    proc = check(path, "--json")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["summary"]["invalid"] == 1
    [error] = report["row_errors"]
    assert (error["row"], error["column"], error["code"]) == (8, "peserta_aktif", "table.peserta_exceeds")
    text = check(path)
    assert text.returncode == 1 and "[error] Baris 8, Kolom peserta_aktif:" in text.stdout


def test_a_cell_that_is_not_a_period_exits_1_and_a_date_is_told(tmp_path):
    path = tmp_path / "periode.csv"
    path.write_text(
        "kabupaten,periode,tenaga_kerja,peserta_aktif\n"
        "KAB. SAMBAS,Juni 2024,300000,90000\nKab Kubu Raya,Triwulan II,290000,98000\n"
        "Kota Pontianak,15/06/2024,300000,150000\nKab. Sambas,06/2024,300000,90000\n",
        encoding="utf-8",
    )
    proc = check(path, "--json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    errors = {(e["row"], e["column"], e["code"]) for e in report["row_errors"] if e["severity"] == "error"}
    assert errors == {(3, "periode", "table.period_invalid"), (5, None, "table.duplicate")}
    assert report["summary"]["invalid"] == 1 and report["summary"]["duplicate"] == 1
    assert {e["code"] for e in report["row_errors"] if e["severity"] == "info"} >= {"table.period_day"}
    assert list(report["areas_without_data"]) == ["2024-06"]  # one period, not three
    text = check(path)
    assert text.returncode == 1
    assert '[error] Baris 3, Kolom periode: "Triwulan II" bukan periode' in text.stdout
    assert "dibaca sebagai bulannya (baris 4)" in text.stdout
    assert "(Juni 2024)" in text.stdout  # the period as people read it


@pytest.mark.parametrize("content", [b"%PDF-1.4\n", bytes(range(256)) * 4, b"a,b\n1,2\n"])
def test_unusable_file_exits_2_without_traceback(tmp_path, content):
    path = tmp_path / "rusak.csv"
    path.write_bytes(content)
    proc = check(path)
    assert proc.returncode == 2
    assert "GAGAL / FAILED" in proc.stderr and "Traceback" not in proc.stderr + proc.stdout


def test_sample_table_checks_clean():
    proc = check(ensure_samples()["kabupaten"], "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    rows = ensure_samples()["kabupaten"].read_text(encoding="utf-8").count("\n") - 1  # twelve months, one gap
    assert report["summary"]["matched"] == rows > 14 * 11 and report["row_errors"] == []


# --- recap sheets: a merged header of two rows, a totals row of SUM formulas never computed ---------------


def test_recap_sheet_with_merged_header_and_totals_row(tmp_path):
    path = recap_xlsx(tmp_path / "rekap_juni.xlsx")
    proc = check(path, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"] == {
        "rows": 15,
        "matched": 14,
        "unmatched": 1,
        "ambiguous": 0,
        "invalid": 0,
        "duplicate": 0,
        "left_out": 1,
    }
    assert {r["kode"]: r["baris"] for r in report["matched"]} == {
        kode: 6 + i for i, (kode, *_rest) in enumerate(sample_figures())
    }
    [total] = report["unmatched"]
    assert (total["baris"], total["input"], total["reason_code"]) == (20, "JUMLAH", "join.reason.total_row")
    assert [e["code"] for e in report["row_errors"] if e["row"] == 20] == ["table.total_uncomputed"]
    assert not [e for e in report["row_errors"] if e["severity"] != "info"]
    [note] = report["notes"]
    assert note.startswith("Judul kolom dibaca dari 2 baris (sel gabungan, baris 4–5)")
    assert "Jumlah Tenaga Kerja → tenaga_kerja, Jumlah Peserta Aktif → peserta_aktif" in note
    assert report["areas_without_data"] == {"2024-06": []}

    text = check(path)
    assert text.returncode == 0, text.stderr
    assert note in text.stdout and "15 baris: 14 cocok, 1 tidak cocok, 0 ambigu, 0 tidak valid" in text.stdout
    assert "Baris 20: JUMLAH → tidak cocok: baris jumlah/provinsi" in text.stdout
    english = check(path, "--lang", "en")
    assert "Header read from 2 rows (merged cells, rows 4–5): Kabupaten/Kota → kabupaten" in english.stdout


def test_recap_sheet_lacking_a_column_exits_2_naming_it(tmp_path):
    proc = check(recap_xlsx(tmp_path / "rekap.xlsx", second="Perempuan"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "Kolom wajib tidak ada: peserta_aktif" in proc.stderr and "Jumlah Tenaga Kerja" in proc.stderr
