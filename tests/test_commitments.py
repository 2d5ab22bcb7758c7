"""geo/commitments.py: who pays (reader, messy spellings, validation) and its publishing (store, CLI, page)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from geo import commitments
from geo.text import t

# What an officer's file looks like: funders spelled five ways, BPS codes, "26.373", a title-cased header,
# a blank line and a note that is a spreadsheet payload.
MESSY = """Penyandang Dana,Kode Wilayah,Tahun,Jumlah Orang,Keterangan
Pemerintah Provinsi,61,2025,26.373,Pergub Kalbar 4/2023
pemprov kalbar,61,Tahun 2026,"27,000",
PEMKAB KETAPANG,6104,2025,1200,APBD Kabupaten
Pemkot,61.71,2025,0,belum dianggarkan

Pemerintah Desa,6104012011,2025,25,"=HYPERLINK(""http://x"",""klik"")"
desa,61.04.01.2012,2026,30,aparat desa dan BPD
CSR,61.04.01,2025,300,Bank X
swasta,61.04,2026,15,-cmd
"""


def test_reads_the_spellings_officers_use():
    c = commitments.read(MESSY, "komitmen.csv")
    rows = c.rows
    assert list(rows.columns) == commitments.COLUMNS and len(rows) == 8
    assert rows["penyandang_dana"].tolist() == [
        "pemprov",
        "pemprov",
        "pemkab",
        "pemkab",
        "pemdes",
        "pemdes",
        "lainnya",
        "lainnya",
    ]
    assert rows["kode"].tolist()[:5] == ["61", "61", "61.04", "61.71", "61.04.01.2011"]
    assert rows["tahun"].tolist()[:2] == [2025, 2026]
    assert rows["orang"].tolist()[:4] == [26373, 27000, 1200, 0]


def test_a_payload_in_a_cell_stays_text():
    rows = commitments.read(MESSY, "komitmen.csv").rows
    assert rows["keterangan"].iloc[4] == '=HYPERLINK("http://x","klik")'
    assert rows["keterangan"].iloc[7] == "-cmd"


@pytest.mark.parametrize(
    ("body", "row", "column", "key"),
    [
        ("Pemerintah,61,2025,10,", 2, "penyandang_dana", "commit.bad_funder"),
        ('=cmd|"/c calc"!A1,61,2025,10,', 2, "penyandang_dana", "commit.bad_funder"),
        ("Pemprov,61.99,2025,10,", 2, "kode", "commit.bad_kode"),  # no such kabupaten
        ("Pemprov,61.04.01.9999,2025,10,", 2, "kode", "commit.bad_kode"),  # no such desa
        ("Pemprov,62.01,2025,10,", 2, "kode", "commit.bad_kode"),  # another province
        ("Pemprov,Ketapang,2025,10,", 2, "kode", "commit.bad_kode"),
        ("Pemprov,61,20x5,10,", 2, "tahun", "commit.bad_year"),
        ("Pemprov,61,2025-06,10,", 2, "tahun", "commit.bad_year"),  # a month is not a budget year
        ("Pemprov,61,2025,-5,", 2, "orang", "commit.negative_people"),
        ("Pemprov,61,2025,2.5,", 2, "orang", "commit.bad_people"),
        ("Pemprov,61,2025,banyak,", 2, "orang", "commit.bad_people"),
        ("Pemprov,61,2025,,", 2, "orang", "commit.bad_people"),
    ],
)
def test_bad_rows_name_row_and_column(body, row, column, key):
    with pytest.raises(commitments.CommitmentsError) as exc:
        commitments.read("penyandang_dana,kode,tahun,orang,keterangan\n" + body + "\n", "k.csv")
    p = exc.value.problems[0]
    assert (p.row, p.column, p.key) == (row, column, key)
    text = exc.value.message("id")
    assert text.startswith(f"baris {row}, kolom {column}: ") and "Traceback" not in text


def test_every_bad_row_is_named_and_duplicates_too():
    body = "penyandang_dana,kode,tahun,orang\nPemprov,61,2025,10\nX,61,2025,1\nprovinsi,61,2025,3\n"
    with pytest.raises(commitments.CommitmentsError) as exc:
        commitments.read(body, "k.csv")
    assert [(p.row, p.column, p.key) for p in exc.value.problems] == [
        (3, "penyandang_dana", "commit.bad_funder"),
        (4, "kode", "commit.duplicate"),
    ]


def test_missing_columns_and_empty():
    for body, key in [
        ("", "commit.empty"),
        ("penyandang_dana,kode,orang\nPemprov,61,3\n", "commit.missing_columns"),
        ("penyandang_dana,kode,tahun,orang\n", "commit.no_rows"),
    ]:
        with pytest.raises(commitments.CommitmentsError) as exc:
            commitments.read(body, "k.csv")
        assert exc.value.problems[0].key == key


def test_template_reads_back():
    c = commitments.read(commitments.template_csv(), "templat.csv")
    assert set(c.rows["penyandang_dana"]) == set(commitments.FUNDERS)


def test_store_publish_versions_and_in_force(store):
    """All or nothing; the same bytes give the same version; each year from its newest version; retract."""
    assert store.commitments() is None
    with pytest.raises(commitments.CommitmentsError):
        store.publish_commitments(
            b"penyandang_dana,kode,tahun,orang\nPemprov,61,2025,10\nX,61,2025,1\n", "s.csv", "ana"
        )
    assert store.versions(commitments.KIND) == [] and store.commitments() is None  # nothing written
    first = store.publish_commitments(MESSY.encode(), "komitmen.csv", "ana", "APBD 2025")
    v = first.version
    assert first.created and v.kind == "commitments" and v.level is None and v.periods == ("2025", "2026")
    assert v.n_rows == 8 and v.note == "APBD 2025" and v.published_by == "ana"
    again = store.publish_commitments(MESSY.encode(), "lagi.csv", "ana")
    assert not again.created and again.version.id == v.id
    c = store.commitments()
    assert c.origin == "published" and c.version == str(v.id) and len(c.rows) == 8
    assert c.rows["orang"].sum() == 26373 + 27000 + 1200 + 0 + 25 + 30 + 300 + 15
    fix = store.publish_commitments(b"penyandang_dana,kode,tahun,orang\nPemprov,61,2026,28000\n", "fix.csv", "ana")
    c = store.commitments()
    assert c.version == f"{v.id},{fix.version.id}"
    y2026 = c.rows[c.rows["tahun"] == 2026]
    assert y2026[["penyandang_dana", "kode", "orang"]].values.tolist() == [["pemprov", "61", 28000]]  # all of 2026
    assert len(c.rows[c.rows["tahun"] == 2025]) == 5  # 2025 still from the first version
    store.retract(fix.version.id, "ana")
    assert len(store.commitments().rows) == 8
    actions = [e.action for e in store.audit()]
    assert actions.count("publish") == 2 and "retract" in actions
    assert [x.kind for x in store.versions(None)] == ["commitments", "commitments"]


def _geo(*args: str, env: dict) -> subprocess.CompletedProcess:
    from geo.paths import ROOT

    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        input="kata sandi panjang\n",
    )


def test_cli_template_publish_show(tmp_path):
    env = {"KALBAR_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}"}
    template = tmp_path / "templat.csv"
    assert _geo("commitments", "template", "--out", str(template), env=env).returncode == 0
    assert commitments.read(template.read_bytes(), "templat.csv").rows.shape[0] == 4
    bad = tmp_path / "salah.csv"
    bad.write_text("penyandang_dana,kode,tahun,orang\nPemprov,61.99,2025,10\nPemdes,61,2025,-1\n", encoding="utf-8")
    good = tmp_path / "komitmen.csv"
    good.write_text(MESSY, encoding="utf-8")
    assert _geo("users", "add", "ana", "--role", "editor", "--password-stdin", env=env).returncode == 0

    proc = _geo("commitments", "publish", str(bad), "--by", "ana", env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "baris 2, kolom kode" in proc.stdout and "baris 3, kolom orang" in proc.stdout
    proc = _geo("commitments", "publish", str(good), "--by", "budi", env=env)  # not an editor
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    shown = json.loads(_geo("commitments", "show", "--json", env=env).stdout)
    assert shown["origin"] == "none" and shown["rows"] == []

    proc = _geo("commitments", "publish", str(good), "--by", "ana", "--note", "APBD", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["created"] and out["years"] == ["2025", "2026"]
    again = json.loads(_geo("commitments", "publish", str(good), "--by", "ana", "--json", env=env).stdout)
    assert not again["created"] and again["version"] == out["version"]
    shown = json.loads(_geo("commitments", "show", "--json", env=env).stdout)
    assert shown["origin"] == "published" and len(shown["rows"]) == 8
    text = _geo("commitments", "show", env=env).stdout
    assert "Pemprov" in text and "26.373" in text
    versions = _geo("versions", "--kind", "commitments", env=env).stdout
    assert len([line for line in versions.splitlines() if line.strip()]) == 1


def test_editor_section_validates_then_publishes(tmp_path, monkeypatch):
    """ui/commitmentpanel.panel: a bad file lists rows and columns and publishes nothing; a good one is published."""
    from streamlit.testing.v1 import AppTest

    from geo.store import open_store

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    store = open_store(url)
    store.add_user("ana", "editor", "kata sandi panjang")
    store.dispose()

    def page():
        from ui.auth import Identity
        from ui.commitmentpanel import panel

        panel(Identity("ana", "editor", "password"), "id")

    at = AppTest.from_function(page, default_timeout=60)
    at.run()
    assert not at.exception
    assert any(t("commit.none", "id") == c.value for c in at.caption)
    at.get("file_uploader")[0].upload(
        "salah.csv", b"penyandang_dana,kode,tahun,orang\nPemprov,61,2025,-4\n", "text/csv"
    )
    at.run()
    problems = at.dataframe[0].value
    assert problems.iloc[0].tolist()[:2] == [2, "orang"]
    assert not at.button  # nothing to publish
    at.get("file_uploader")[0].upload("komitmen.csv", MESSY.encode(), "text/csv")
    at.run()
    at.button(key="w_commit_publish").click().run()
    assert not at.exception
    assert any("versi 1" in s.value for s in at.success)
    store = open_store(url)
    try:
        assert len(store.commitments().rows) == 8
    finally:
        store.dispose()
    shown = at.dataframe[-1].value
    assert isinstance(shown, pd.DataFrame) and '=HYPERLINK("http://x","klik")' in set(shown.iloc[:, -1])
