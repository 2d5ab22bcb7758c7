"""``python -m geo pace``: the pace on the command line, on a published monthly history (the same figures as
``geo.pace`` and the pages), text and JSON; a bad scope or period is one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from geo import pace
from geo.paths import ROOT
from geo.targets import read_schedule
from tests.support.pace import DESA, KAB, SCHEDULE, frames, publish_history


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KALBAR_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "geo", "pace", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=180
    )


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('cli_pace') / 'peta.sqlite'}"
    publish_history(url)
    return url


def test_json_for_a_kabupatens_desa_is_geo_paces(url):
    proc = run(url, "--kab", "61.04", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["level"] == "desa" and out["kab"] == "61.04" and out["period"] == "2025-06"
    assert out["window"] == "2025-01/2025-06" and not out["sample"] and "versi" in out["label"]
    want = pace.by_area(frames(DESA), read_schedule(SCHEDULE)).set_index("kode")
    got = {a["kode"]: a for a in out["areas"]}
    assert len(got) == 262  # every desa of Ketapang
    for kode, row in want.iterrows():
        assert got[kode]["status_laju"] == row["status"]
        assert got[kode]["laju_per_bulan"] == pytest.approx(row["laju_per_bulan"], abs=1e-3)
        assert got[kode]["bulan_tercapai"] == row["bulan_tercapai"]
        assert got[kode]["status_laju_akhir"] == row["status_akhir"] and got[kode]["tahun_akhir"] == 2029
    assert out["furthest_behind"] == pace.shortfall_ranking(want.reset_index(), 1000)["kode"].tolist()
    total = pace.total(frames(DESA), read_schedule(SCHEDULE), "61.04")
    assert out["total"]["laju_per_bulan"] == pytest.approx(total["laju_per_bulan"], abs=1e-3)
    name = "Kabupaten Ketapang (8 desa/kelurahan yang melapor)"  # the page's words: summed from its 8 desa
    assert out["sentence"] == pace.sentence(total, name, "id")


def test_text_for_the_province(url):
    proc = run(url, "--top", "3", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    province = pace.total(frames(KAB), read_schedule(SCHEDULE))
    lines = proc.stdout.splitlines()
    assert pace.sentence(province, "West Kalimantan Province", "en") in lines
    assert "latest 6 months (January 2025 – June 2025)" in proc.stdout
    ranked = pace.shortfall_ranking(pace.by_area(frames(KAB), read_schedule(SCHEDULE)), 3)
    listed = [line.split()[1] for line in lines if line.startswith(("  1.", "  2.", "  3."))]
    assert listed == ranked["kode"].tolist()


def test_bad_scope_and_period_are_one_line(url):
    proc = run(url, "--kab", "61.99")
    assert proc.returncode == 2 and proc.stderr.startswith("GAGAL / FAILED") and "Traceback" not in proc.stderr
    proc = run(url, "--period", "2031-01")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "Periode 2031-01 tidak ada" in proc.stderr and "2025-06" in proc.stderr
