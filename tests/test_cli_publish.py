"""``python -m geo users|publish|versions|retract|restore|aliases`` against both backends."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from geo.paths import ROOT
from geo.sample import sample_path
from geo.stamp import when
from tests.support.recap import recap_xlsx

MESSY = (
    "kabupaten,periode,tenaga_kerja,peserta_aktif\nKAB. SAMBAS,2024,300000,90000\n"
    "Pontianak,2024,100000,30000\nKab Kubu Rayaa,2024,10,x\n"
)
GOOD = (
    "kode,kabupaten,periode,tenaga_kerja,peserta_aktif\n"
    "61.01,Sambas,2024,300000,90000\n61.71,Kota Pontianak,2024,300000,150000\n"
)


def geo(db_url: str | None, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KALBAR_DATABASE_URL", None)
    if db_url:
        env["KALBAR_DATABASE_URL"] = db_url
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=180,
    )


def test_publish_workflow(db_url, tmp_path):
    good, messy = tmp_path / "baik.csv", tmp_path / "kacau.csv"
    good.write_text(GOOD, encoding="utf-8")
    messy.write_text(MESSY, encoding="utf-8")
    p = geo(db_url, "publish", str(good), "--level", "kabupaten", "--as", "ana")
    assert p.returncode == 2 and 'pengguna "ana" tidak dikenal' in p.stderr and "Traceback" not in p.stderr
    p = geo(db_url, "users", "add", "ana", "--role", "editor", "--password-stdin", stdin="rahasia-panjang\n")
    assert p.returncode == 0, p.stderr
    p = geo(db_url, "publish", str(good), "--level", "kabupaten", "--as", "ana", "--note", "Januari", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["created"] and out["version"]["id"] == 1 and out["version"]["note"] == "Januari"
    # the share link reopens this version: its level's page, its period, ?v=1 (as the publish page offers it)
    period = out["version"]["periods"][-1]
    assert out["link"].endswith(f"/kabupaten?period={period}&v=1"), out["link"]
    again = geo(db_url, "publish", str(good), "--level", "kabupaten", "--as", "ana")
    assert again.returncode == 0 and "versi 1" in again.stdout.lower()
    assert f"/kabupaten?period={period}&v=1" in again.stdout
    refused = geo(db_url, "publish", str(messy), "--level", "kabupaten", "--as", "ana")
    assert refused.returncode == 1
    assert (
        "3 baris: 1 cocok, 0 tidak cocok, 1 ambigu, 1 tidak valid" in refused.stdout
        and "61.02 Kabupaten Mempawah" in refused.stdout
    )
    refused_json = json.loads(
        geo(db_url, "publish", str(messy), "--level", "kabupaten", "--as", "ana", "--json").stdout
    )
    assert refused_json["published"] is False and refused_json["report"]["summary"]["invalid"] == 1
    partial = geo(db_url, "publish", str(messy), "--level", "kabupaten", "--as", "ana", "--accept-partial", "--json")
    assert partial.returncode == 0 and json.loads(partial.stdout)["version"]["n_matched"] == 1
    listed = json.loads(geo(db_url, "versions", "--json").stdout)
    assert [v["id"] for v in listed] == [2, 1] and listed[0]["n_rows"] == 3
    assert geo(db_url, "retract", "2", "--as", "ana", "--reason", "uji").returncode == 0
    text = geo(db_url, "versions").stdout
    assert "(ditarik)" in text.splitlines()[0] and "(ditarik)" not in text.splitlines()[1]
    published = dt.datetime.fromisoformat(listed[0]["published_at"])
    assert when(published) in text.splitlines()[0] and when(published).endswith(" WIB")  # the list speaks WIB
    assert geo(db_url, "restore", "2", "--as", "ana").returncode == 0
    assert "(ditarik)" not in geo(db_url, "versions").stdout
    assert geo(db_url, "retract", "9", "--as", "ana").returncode == 2
    users = json.loads(geo(db_url, "users", "list", "--json").stdout)
    assert [(u["name"], u["role"], u["has_password"]) for u in users] == [("ana", "editor", True)]
    assert users[0]["display_name"] is None
    # what visitors see instead of the login name, set and cleared from the command line
    shown = geo(db_url, "users", "display-name", "ana", "Bidang Kepesertaan", "--as", "root")
    assert shown.returncode == 0 and "Bidang Kepesertaan" in shown.stdout
    assert json.loads(geo(db_url, "users", "list", "--json").stdout)[0]["display_name"] == "Bidang Kepesertaan"
    cleared = geo(db_url, "users", "display-name", "ana", "--lang", "en")
    assert cleared.returncode == 0 and cleared.stdout.strip() == "Display name of ana for visitors: editor"
    assert geo(db_url, "users", "display-name", "nobody", "x").returncode != 0
    assert geo(db_url, "aliases", "list").stdout == ""
    assert geo(db_url, "aliases", "remove", "1", "--as", "ana").returncode == 2


def test_check_uses_the_store_aliases(tmp_path):
    from geo.store import open_store

    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    messy = tmp_path / "kacau.csv"
    messy.write_text(MESSY, encoding="utf-8")
    before = json.loads(geo(url, "check", str(messy), "--level", "kabupaten", "--json").stdout)
    assert before["summary"]["ambiguous"] == 1
    store = open_store(url)
    store.add_alias("kabupaten", "Pontianak", "61.71", "ana")
    store.dispose()
    after = json.loads(geo(url, "check", str(messy), "--level", "kabupaten", "--json").stdout)
    assert after["summary"]["ambiguous"] == 0 and after["summary"]["matched"] == 2
    [row] = [r for r in after["matched"] if r["baris"] == 3]
    assert row["kode"] == "61.71" and row["reason_code"] == "store.reason.alias"
    # aliases listed through the CLI
    assert "'Pontianak' → 61.71" in geo(url, "aliases", "list").stdout
    # a missing database does not break check, and is not created
    missing = tmp_path / "none.sqlite"
    p = geo(f"sqlite:///{missing}", "check", str(messy), "--level", "kabupaten", "--json")
    assert p.returncode == 1 and json.loads(p.stdout)["summary"]["ambiguous"] == 1 and not missing.exists()
    # an unreachable one neither (a note on stderr)
    p = geo("postgresql://x:y@127.0.0.1:9/z", "check", str(messy), "--level", "kabupaten")
    assert p.returncode == 1 and "aliases not used" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize(
    "url", ["postgresql://kalbar:secret@127.0.0.1:9/nothing", "sqlite:////proc/no/such/dir/x.sqlite"]
)
def test_broken_database_is_one_line_exit_2(url):
    for args in (["versions"], ["publish", str(sample_path("kabupaten")), "--level", "kabupaten", "--as", "ana"]):
        p = geo(url, *args)
        assert p.returncode == 2 and p.stdout == ""
        assert p.stderr.startswith("GAGAL / FAILED: ") and len(p.stderr.strip().splitlines()) == 1, p.stderr
        assert "secret" not in p.stderr and "Traceback" not in p.stderr
    p = geo(None, "versions", "--database", url)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1


def test_period_asked_and_wrong_level_refused_with_exit_1(db_url, tmp_path):
    """A table without a period needs --periode; a kabupaten table offered as desa is told and refused (1, not 2)."""
    desa = tmp_path / "desa tanpa periode.csv"
    desa.write_text("kode,desa,tenaga_kerja,peserta_aktif\n61.12.01.2001,Sungai Raya,180,60\n", encoding="utf-8")
    kab = tmp_path / "kab.csv"
    kab.write_text(GOOD, encoding="utf-8")
    assert (
        geo(db_url, "users", "add", "ana", "--role", "editor", "--password-stdin", stdin="rahasia-panjang\n").returncode
        == 0
    )
    p = geo(db_url, "publish", str(desa), "--level", "desa", "--as", "ana")
    assert p.returncode == 1 and "desa tanpa periode.csv" in p.stderr and "periode" in p.stderr
    assert "Traceback" not in p.stderr and "Basis data" not in p.stderr
    p = geo(db_url, "publish", str(desa), "--level", "desa", "--as", "ana", "--periode", "2024/13")
    assert p.returncode == 1 and '"2024/13"' in p.stderr
    p = geo(db_url, "publish", str(desa), "--level", "desa", "--as", "ana", "--periode", "2024/6", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["version"]["periods"] == ["2024-06"]
    p = geo(db_url, "publish", str(kab), "--level", "desa", "--as", "ana", "--accept-partial")
    assert p.returncode == 1, p.stderr
    assert "Kode ini kode Kabupaten/Kota: terbitkan di tingkat Kabupaten/Kota?" in p.stdout
    assert "Basis data" not in p.stderr and "Traceback" not in p.stderr
    versions = json.loads(geo(db_url, "versions", "--json").stdout)
    assert [v["level"] for v in versions] == ["desa"]  # nothing written by the refusals


def test_publish_a_recap_sheet_tells_how_its_header_was_read(db_url, tmp_path):
    path = recap_xlsx(tmp_path / "rekap_juni.xlsx")
    assert (
        geo(db_url, "users", "add", "ana", "--role", "editor", "--password-stdin", stdin="rahasia-panjang\n").returncode
        == 0
    )
    note = "Judul kolom dibaca dari 2 baris (sel gabungan, baris 4–5)"
    refused = geo(db_url, "publish", str(path), "--level", "kabupaten", "--as", "ana")
    assert refused.returncode == 1 and note in refused.stdout  # the totals row is left out: asked to accept
    assert "Baris 20: JUMLAH → tidak cocok: baris jumlah/provinsi" in refused.stdout
    done = geo(db_url, "publish", str(path), "--level", "kabupaten", "--as", "ana", "--accept-partial")
    assert done.returncode == 0, done.stderr
    assert note in done.stdout and "Jumlah Peserta Aktif → peserta_aktif" in done.stdout
    [version] = json.loads(geo(db_url, "versions", "--json").stdout)
    assert (version["n_matched"], version["n_rows"], version["periods"]) == (14, 15, ["2024-06"])
