"""``python -m geo plan``: the scenario allocation on the command line (text and JSON)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from geo import DEFAULT_TARGET
from geo.paths import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geo", "plan", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=180
    )


def sample_gaps() -> np.ndarray:
    from geo import boundaries, targets
    from geo.cli.common import matched_tables as _matched_tables

    tables, _n, _s = _matched_tables(None, "id")
    frame = targets.classify_level(tables, boundaries.areas, "kabupaten", None, DEFAULT_TARGET, None)
    return np.sort(frame.loc[frame["gap"] > 0, "gap"].to_numpy())


def test_json_kabupaten_sample():
    proc = run("--level", "kabupaten", "--slots", "26373", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    gaps = sample_gaps()
    expected = int((np.cumsum(gaps) <= 26_373).sum())
    assert out["areas_reaching_target"] == expected
    assert out["slots_used"] == sum(a["slots"] for a in out["allocation"]) == 26_373
    assert out["cost_rupiah"] == out["slots_used"] * 16_800 * 12
    assert {"kode", "nama", "gap", "slots", "reaches_target"} <= set(out["allocation"][0])
    assert all(a["slots"] <= a["gap"] for a in out["allocation"])
    assert sum(a["reaches_target"] for a in out["allocation"]) == expected
    assert out["is_sample"] and out["note"] == "Data contoh, bukan data resmi"


def test_iuran_bulan_and_text():
    proc = run("--level", "kabupaten", "--slots", "1.000", "--iuran", "20000", "--bulan", "6")
    assert proc.returncode == 0, proc.stderr
    assert "Rp120.000.000" in proc.stdout  # 1,000 × 20,000 × 6
    assert "Data contoh, bukan data resmi" in proc.stdout
    proc = run("--level", "kabupaten", "--slots", "1000", "--iuran", "20000", "--bulan", "6", "--lang", "en")
    assert "Rp120,000,000" in proc.stdout and "Rp 120 million" in proc.stdout


def test_scope_kab_desa():
    proc = run("--level", "desa", "--kab", "6104", "--slots", "300", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["kab"] == "61.04"
    assert all(a["kode"].startswith("61.04.") for a in out["allocation"])
    assert out["slots_used"] == 300


def test_bad_input_is_one_line():
    for args in (
        ["--slots", "abc"],
        ["--slots", "-5"],
        ["--slots", "5", "--iuran", "0"],
        ["--slots", "5", "--bulan", "1000"],
        ["--slots", "5", "--target", "120"],
        ["--slots", "5", "--period", "1999"],
    ):
        proc = run("--level", "kabupaten", *args)
        assert proc.returncode == 2, (args, proc.stdout)
        assert "Traceback" not in proc.stderr and proc.stderr.startswith("GAGAL / FAILED:"), proc.stderr


def test_what_if_target_replaces_all():
    low = json.loads(run("--level", "kabupaten", "--slots", "0", "--json", "--target", "10").stdout)
    assert sum(a["gap"] for a in low["allocation"]) < sum(int(g) for g in sample_gaps())


def test_schedule_file(tmp_path):
    sched = tmp_path / "target.csv"
    sched.write_text(
        "periode,kode,target_persen,keterangan\n2024,61,50.24,RPJMN 2024\n2024,61.71,40,Perwal\n", encoding="utf-8"
    )
    base = json.loads(run("--level", "kabupaten", "--slots", "0", "--json").stdout)
    out = json.loads(run("--level", "kabupaten", "--slots", "0", "--json", "--targets", str(sched)).stdout)
    gap = {a["kode"]: a["gap"] for a in out["allocation"]}
    base_gap = {a["kode"]: a["gap"] for a in base["allocation"]}
    assert gap["61.71"] == 0 < base_gap["61.71"]  # Kota Pontianak (48.5%) is above its own 40%
    assert gap["61.01"] == base_gap["61.01"]
    bad = tmp_path / "bad.csv"
    bad.write_text("periode,kode,target_persen\n2025,61,abc\n", encoding="utf-8")
    proc = run("--level", "kabupaten", "--slots", "1", "--targets", str(bad))
    assert proc.returncode == 2 and "baris 2" in proc.stderr and "target_persen" in proc.stderr


def test_period_in_any_spelling():
    proc = run("--level", "kabupaten", "--slots", "0", "--json", "--period", "Des 2024")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["period"] == "2024-12"
