"""Backup and restore of the store on real SQLite and real PostgreSQL (geo/store/backup.py).

Every store here is a whole database (``new_store_url``): a backup covers the whole database.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from geo.paths import ROOT
from geo.sample import sample_path
from geo.store import open_store
from geo.store import schema as S
from geo.store.backup import BackupRefused, backup, backup_kind, backup_to_dir, restore
from geo.store.engine import current_revision, head_revision
from tests.support.oldstore import add_old_user, engine_at

KAB_2024 = b"""kode,kabupaten,periode,tenaga_kerja,peserta_aktif
61.01,Sambas,2024,300000,90000
61.12,Kubu Raya,2024,290000,98000
61.71,Kota Pontianak,2024,300000,150000
"""
MESSY = b"""kabupaten,periode,tenaga_kerja,peserta_aktif
KAB. SAMBAS,2023,300000,90000
Pontianak,2023,100000,30000
Kab Kubu Rayaa,2023,290000,98000
"""


def fill(url: str):
    """A store with what a backup must keep: versions (one retracted), aliases, accounts with and
    without a password, a password change, a failed sign-in, and their audit rows."""
    s = open_store(url)
    s.add_user("ana", "editor", "kata-sandi-ana", by="cli")
    s.add_user("budi", "admin", None, email="budi@contoh.go.id", by="ana")
    s.set_password("ana", "kata-sandi-baru", by="budi")
    v1 = s.publish(sample_path("kabupaten").read_bytes(), "contoh kabupaten.csv", "kabupaten", "ana", "contoh")
    s.publish(MESSY, "messy.csv", "kabupaten", "ana", "dengan alias", picks={3: "61.02", 4: "61.12"})
    s.retract(v1.version.id, "budi", "uji")
    assert s.sign_in("ana", "salah sekali", "10.0.0.1").outcome == "wrong"
    return s


def contents(s) -> dict:
    """Everything a viewer, an editor or an auditor can get out of a store (password hashes too)."""
    versions = s.versions(kind=None)
    with s.engine.connect() as conn:
        users = [tuple(r) for r in conn.execute(select(S.users).order_by(S.users.c.id))]
    return {
        "versions": [(v, v.summary) for v in versions],
        "originals": {v.id: s.original(v.id) for v in versions},
        "reports": {v.id: s.report(v.id) for v in versions},
        "users": users,
        "audit": s.audit(limit=100_000),
        "aliases": s.aliases(),
        "current": s.current(),
        "retraction": {v.id: s.retraction(v.id) for v in versions if v.retracted},
    }


def publisher(url: str, table: Path, pause_s: float, marker: Path) -> subprocess.Popen:
    """``python -m geo publish`` that stops for ``pause_s`` inside its open transaction (tests/support/pause),
    after its version row is written and before its data and audit row are."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KALBAR_DATABASE_URL": url}
    env["KALBAR_TEST_PAUSE_IN_PUBLISH"] = f"{pause_s}:{marker}"
    cmd = [sys.executable, "-m", "tests.support.pause", "geo", "publish", str(table), "--level", "kabupaten"]
    cmd += ["--as", "ana"]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_backup_during_a_publish_then_restore_gives_the_same_store(new_store_url, tmp_path):
    src = new_store_url()
    s = fill(src)
    before = contents(s)
    assert len(before["versions"]) == 2 and len(before["aliases"]) == 2 and len(before["users"]) == 2
    table = tmp_path / "kab 2024.csv"
    table.write_bytes(KAB_2024)
    marker = tmp_path / "in-publish"
    proc = publisher(src, table, 6, marker)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the publish never reached its transaction"
            time.sleep(0.05)
        file = tmp_path / ("b" + (".sqlite" if new_store_url.backend == "sqlite" else ".pgdump"))
        made = backup(file, src)
        assert proc.poll() is None, "the backup must have run while the publish was open"
    finally:
        out, errs = proc.communicate(timeout=180)
    assert proc.returncode == 0, errs
    assert "Versi 3 diterbitkan" in out
    assert len(s.versions()) == 3  # the publish landed, after the backup
    # the backup has the store as it was before that publish: not the half-written version
    assert made.counts == {"versions": 2, "users": 2, "audit": len(before["audit"]), "aliases": 2}
    assert made.kind == new_store_url.backend == backup_kind(file) and made.size == file.stat().st_size > 0
    assert made.revision == head_revision() and (file.stat().st_mode & 0o777) == 0o600
    assert not file.with_name(file.name + ".part").exists()

    dst = new_store_url()
    done = restore(file, dst)
    assert done.counts == made.counts and done.revision == done.revision_before == head_revision()
    back = open_store(dst)
    try:
        assert contents(back) == before
        for v in back.versions(kind=None):  # the matched rows, dtypes and all
            pd.testing.assert_frame_equal(back.rows(v.id), s.rows(v.id))
        assert [v.retracted for v in back.versions()] == [False, True]
        assert back.sign_in("ana", "kata-sandi-baru").outcome == "ok"
        assert back.user("budi").email == "budi@contoh.go.id" and not back.user("budi").has_password
        assert current_revision(back.engine) == head_revision()
        # the restored store takes new publishes as the app does
        new = back.publish(KAB_2024, "sesudah.csv", "kabupaten", "ana").version
        assert new.id > 2 and back.current()["kabupaten"]["2024"].id == new.id
    finally:
        back.dispose()
        s.dispose()


def test_backups_while_a_thread_publishes_are_each_whole(new_store_url, tmp_path):
    """Back up again and again while another thread publishes: each backup restores to a store whose
    every version has its data and its audit row (never half a publish)."""
    src = new_store_url()
    s = open_store(src)
    s.add_user("ana", "editor", "kata-sandi-ana")
    tables = [KAB_2024.replace(b"2024", str(year).encode()) for year in range(2018, 2023)]
    failures: list[BaseException] = []

    def publish_all() -> None:
        try:
            for i, content in enumerate(tables):
                s.publish(content, f"t{i}.csv", "kabupaten", "ana")
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)

    thread = threading.Thread(target=publish_all)
    thread.start()
    made = []
    while thread.is_alive() or not made:
        made.append(backup(tmp_path / f"b{len(made)}", src))
        time.sleep(0.02)
    thread.join()
    assert not failures
    assert min(m.counts["versions"] for m in made) < len(tables)  # some backups ran amid the publishing
    made.append(backup(tmp_path / "after", src))
    assert made[-1].counts["versions"] == len(tables)
    for result in [made[0], made[len(made) // 2], made[-1]]:
        dst = new_store_url()
        restore(result.path, dst)
        back = open_store(dst)
        try:
            versions = back.versions()
            assert len(versions) == result.counts["versions"]
            publishes = [e for e in back.audit(10_000) if e.action == "publish"]
            assert len(publishes) == len(versions)
            for v in versions:
                assert back.original(v.id)[1] == tables[int(v.filename[1:-4])]
                assert len(back.rows(v.id)) == 3
        finally:
            back.dispose()
    s.dispose()


def test_restore_only_into_an_empty_store(new_store_url, tmp_path):
    src = new_store_url()
    fill(src).dispose()
    file = backup(tmp_path / "b", src).path
    # a store with one account
    busy = new_store_url()
    b = open_store(busy)
    b.add_user("lain", "editor", None)
    b.dispose()
    with pytest.raises(BackupRefused) as refused:
        restore(file, busy)
    assert refused.value.key == "backup.not_empty"
    assert "0 versi, 1 pengguna, 1 baris audit, 0 alias" in refused.value.message("id")
    assert "Nothing was changed" in refused.value.message("en") and "\n" not in str(refused.value)
    b = open_store(busy)
    assert [u.name for u in b.users()] == ["lain"] and b.versions() == []
    b.dispose()
    # a store with only an audit row
    logged = new_store_url()
    b = open_store(logged)
    b.log("cli", "catatan")
    b.dispose()
    with pytest.raises(BackupRefused, match="1 audit rows"):
        restore(file, logged)
    # the restored store itself is no longer empty
    fresh = new_store_url()
    open_store(fresh).dispose()  # the schema freshly made by the app counts as empty
    assert restore(file, fresh).counts["versions"] == 2
    with pytest.raises(BackupRefused, match="2 versions, 2 users"):
        restore(file, fresh)


def test_a_file_of_the_wrong_kind_is_refused(new_store_url, tmp_path, request):
    src = new_store_url()
    fill(src).dispose()
    file = backup(tmp_path / "b", src).path
    if new_store_url.backend == "sqlite":
        other = request.getfixturevalue("pg_url")
        other_kind = "PostgreSQL"
    else:
        other = f"sqlite:///{tmp_path / 'other.sqlite'}"
        other_kind = "SQLite"
    with pytest.raises(BackupRefused) as refused:
        restore(file, other)
    mine = "SQLite" if other_kind == "PostgreSQL" else "PostgreSQL"
    message = refused.value.message("en")
    assert refused.value.key == "backup.wrong_kind"
    assert f"is a {mine} backup" in message and f"is {other_kind}: restore it into a {mine} store" in message
    assert "rahasia" not in message and "kalbar:kalbar@" not in message
    if other_kind == "SQLite":
        assert not (tmp_path / "other.sqlite").exists()
    dst = new_store_url()
    for name, content in {
        "catatan.csv": b"kode,periode\n61.01,2024\n",
        "kosong": b"",
        "potong": file.read_bytes()[:2048],  # the header is right, the rest is missing
    }.items():
        bad = tmp_path / name
        bad.write_bytes(content)
        with pytest.raises(BackupRefused) as refused:
            restore(bad, dst)
        assert refused.value.key in ("backup.not_backup", "backup.unreadable"), name
    if new_store_url.backend == "sqlite":  # another program's SQLite database
        foreign = tmp_path / "lain.sqlite"
        with sqlite3.connect(foreign) as conn:
            conn.execute("CREATE TABLE barang (id INTEGER)")
        with pytest.raises(BackupRefused, match="is not a backup of this map"):
            restore(foreign, dst)
    with pytest.raises(BackupRefused, match="No such backup file"):
        restore(tmp_path / "tidak-ada", dst)
    # nothing was made where the refusals pointed
    check = open_store(dst)
    assert check.versions() == [] and check.users() == []
    check.dispose()


def test_a_backup_from_a_newer_app_is_refused(tmp_path):
    src = f"sqlite:///{tmp_path / 'a.sqlite'}"
    fill(src).dispose()
    file = backup(tmp_path / "b.sqlite", src).path
    with sqlite3.connect(file) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(BackupRefused, match="newer version of the app"):
        restore(file, f"sqlite:///{tmp_path / 'c.sqlite'}")


def test_an_older_backup_is_migrated_on_restore(new_store_url, tmp_path):

    src = new_store_url()
    engine = engine_at(src, "0001")
    add_old_user(engine, "0001")
    made = backup(tmp_path / "lama", src)
    assert made.revision == "0001" and made.counts["users"] == 1
    assert current_revision(engine) == "0001"  # a backup never changes its store
    engine.dispose()
    dst = new_store_url()
    done = restore(made.path, dst)
    assert done.revision_before == "0001" and done.revision == head_revision() != "0001"
    back = open_store(dst)
    try:
        assert back.user("lama").role == "editor" and back.user("lama").session_epoch == 0
        back.set_password("lama", "kata-sandi-baru", by="admin")
        assert back.verify_password("lama", "kata-sandi-baru")
    finally:
        back.dispose()


def test_backup_refuses_a_missing_store_and_an_existing_file(tmp_path):
    missing = tmp_path / "tidak-ada.sqlite"
    with pytest.raises(BackupRefused, match="no store to back up"):
        backup(tmp_path / "b.sqlite", f"sqlite:///{missing}")
    assert not missing.exists() and not (tmp_path / "b.sqlite").exists()
    src = f"sqlite:///{tmp_path / 'a.sqlite'}"
    fill(src).dispose()
    (tmp_path / "ada.sqlite").write_bytes(b"lama")
    with pytest.raises(BackupRefused, match="already exists"):
        backup(tmp_path / "ada.sqlite", src)
    assert (tmp_path / "ada.sqlite").read_bytes() == b"lama"
    assert backup(tmp_path / "ada.sqlite", src, overwrite=True).counts["versions"] == 2
    with pytest.raises(BackupRefused, match="target folder does not exist"):
        backup(tmp_path / "no" / "b.sqlite", src)


def test_backup_to_dir_keeps_the_newest(tmp_path):
    src = f"sqlite:///{tmp_path / 'a.sqlite'}"
    fill(src).dispose()
    folder = tmp_path / "cadangan"
    folder.mkdir()
    (folder / "catatan.txt").write_text("jangan dihapus")
    (folder / "kalbar-backup-manual.sqlite").write_bytes(b"x")
    results = [backup_to_dir(folder, src, keep=2) for _ in range(4)]
    stamped = sorted(p.name for p in folder.iterdir() if p.name.startswith("kalbar-backup-2"))
    assert len(stamped) == 2 and results[-1].path.name in stamped and results[-2].path.name in stamped
    assert all(p.name.endswith(".sqlite") for p in results[-1].removed) and len(results[-1].removed) == 1
    assert {p.name for p in folder.iterdir()} >= {"catatan.txt", "kalbar-backup-manual.sqlite"}
    assert backup_kind(results[-1].path) == "sqlite"
    with pytest.raises(BackupRefused, match="--keep"):
        backup_to_dir(folder, src, keep=0)


def test_a_missing_postgresql_client_is_named(tmp_path, monkeypatch):
    from geo.store import backup as B

    monkeypatch.setattr(B, "PG_LIB", tmp_path / "none")
    monkeypatch.setenv("PATH", str(tmp_path / "none"))
    monkeypatch.delenv(B.PG_BIN_ENV, raising=False)
    with pytest.raises(BackupRefused) as refused:
        backup(tmp_path / "b.pgdump", "postgresql://kalbar:rahasia@127.0.0.1:9/kalbar")
    assert "apt-get install postgresql-client" in refused.value.message("en") and "pg_dump" in str(refused.value)
    assert list(tmp_path.iterdir()) == []  # no file, not even a part


def test_the_postgresql_password_goes_through_the_environment_only():
    from geo.store.backup import _libpq

    uri, env = _libpq(
        "postgresql+psycopg://peta:s%40nd%20i@db.contoh:5433/peta?sslmode=require&options=-csearch_path%3Dx"
    )
    assert uri == "postgresql://peta@db.contoh:5433/peta?sslmode=require&options=-csearch_path%3Dx"
    assert env["PGPASSWORD"] == "s@nd i" and "s@nd" not in uri and "nd%20i" not in uri
    uri, env = _libpq("postgresql+psycopg://peta@[::1]/peta")
    assert uri == "postgresql://peta@[::1]/peta"
