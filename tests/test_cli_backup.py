"""``python -m geo backup|restore-backup`` against both backends (each store a whole database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from geo.cli.backup_cmd import size_text
from geo.paths import ROOT

GOOD = (
    "kode,kabupaten,periode,tenaga_kerja,peserta_aktif\n"
    "61.01,Sambas,2024,300000,90000\n61.71,Kota Pontianak,2024,300000,150000\n"
)


def geo(db_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``python -m geo ARGS`` against the store ``db_url`` (KALBAR_DATABASE_URL), as an admin runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KALBAR_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=180,
    )


def test_backup_and_restore_from_the_command_line(new_store_url, tmp_path):
    src = new_store_url()
    table = tmp_path / "baik.csv"
    table.write_text(GOOD, encoding="utf-8")
    assert (
        geo(src, "users", "add", "ana", "--role", "editor", "--password-stdin", stdin="rahasia-panjang\n").returncode
        == 0
    )
    assert geo(src, "publish", str(table), "--level", "kabupaten", "--as", "ana").returncode == 0
    file = tmp_path / "cadangan.bak"
    p = geo(src, "backup", str(file), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["counts"] == {"versions": 1, "users": 1, "audit": 2, "aliases": 0}
    assert out["kind"] == new_store_url.backend and out["size"] == file.stat().st_size and out["path"] == str(file)
    assert "***" in out["store"] or out["kind"] == "sqlite"
    # the same file again: refused, unless asked
    p = geo(src, "backup", str(file))
    assert p.returncode == 2 and "sudah ada" in p.stderr and "--overwrite" in p.stderr
    p = geo(src, "backup", str(file), "--overwrite")
    assert p.returncode == 0 and "1 versi, 1 pengguna, 2 baris audit, 0 alias" in p.stdout, p.stderr
    assert (
        "Cadangan SQLite ditulis" if new_store_url.backend == "sqlite" else "Cadangan PostgreSQL ditulis"
    ) in p.stdout

    # into the store it came from: not empty, refused in one line, nothing changed
    p = geo(src, "restore-backup", str(file))
    assert p.returncode == 2 and p.stdout == "" and len(p.stderr.strip().splitlines()) == 1
    assert p.stderr.startswith("GAGAL / FAILED: ") and "tidak kosong" in p.stderr and "Traceback" not in p.stderr
    p = geo(src, "restore-backup", str(file), "--lang", "en")
    assert "is not empty (1 versions, 1 users, 2 audit rows, 0 aliases)" in p.stderr
    # into an empty store: the same versions, accounts and audit rows
    dst = new_store_url()
    p = geo(dst, "restore-backup", str(file))
    assert p.returncode == 0, p.stderr
    assert "Dipulihkan dari" in p.stdout and "1 versi, 1 pengguna, 2 baris audit" in p.stdout
    for args in (["versions", "--json"], ["users", "list", "--json"]):
        assert json.loads(geo(dst, *args).stdout) == json.loads(geo(src, *args).stdout)
    p = geo(dst, "publish", str(table), "--level", "kabupaten", "--as", "ana")
    assert p.returncode == 0 and "versi 1" in p.stdout.lower()  # the same bytes: already published as 1
    # a file that is no backup
    p = geo(new_store_url(), "restore-backup", str(table))
    assert p.returncode == 2 and "bukan cadangan peta ini" in p.stderr and "Traceback" not in p.stderr


def test_backup_dir_keeps_n_and_names_what_it_deleted(tmp_path):
    src = f"sqlite:///{tmp_path / 'a.sqlite'}"
    assert geo(src, "users", "add", "ana", "--role", "admin", "--no-password").returncode == 0
    folder = tmp_path / "cadangan"
    folder.mkdir()
    first = json.loads(geo(src, "backup", "--dir", str(folder), "--keep", "1", "--json").stdout)
    p = geo(src, "backup", "--dir", str(folder), "--keep", "1", "--lang", "en")
    assert p.returncode == 0 and f"Old backup deleted: {first['path']}" in p.stdout
    assert [x.suffix for x in folder.iterdir()] == [".sqlite"]
    p = geo(src, "backup")
    assert p.returncode == 2 and "FILE or --dir" in p.stderr


def test_size_text():
    assert [size_text(n) for n in (0, 512, 2048, 5 * 1024 * 1024, 3 << 30)] == [
        "0 B",
        "512 B",
        "2.0 KB",
        "5.0 MB",
        "3.0 GB",
    ]
