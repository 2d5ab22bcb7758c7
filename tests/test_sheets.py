"""geo/sheets.py: the budget sheets (one page per kabupaten/kota), the briefing pack and the per-desa APBDes CSV,
from the CLI (``python -m geo budget`` / ``pack``) and the pages' buttons, on data published to a temporary store."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from geo import boundaries, budget, export, sheets
from geo.text import t

pytestmark = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler's pdfinfo is not installed")

PAYLOAD = '=HYPERLINK("http://x.test","$klik$")'  # a display name an admin typed: stays text everywhere
SCHEDULE = "periode,kode,target_persen,keterangan\n2025,61,55,RPJMN\n2026,61,58,\n2027,61,60,RPJMN 2027\n"
COMMITMENTS = (
    "penyandang_dana,kode,tahun,orang,keterangan\n"
    "Pemerintah Provinsi,61,2025,26.373,Pergub 4/2023\n"
    "pemkab ketapang,61.04,2026,500,APBD\n"
    "Pemerintah Desa,{d0},2026,3,APBDes\n"
    "CSR,{d1},2027,2,-cmd\n"
)


def pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_text(pdf: bytes, tmp_path) -> str:
    from tests.support.services import require_pdftotext

    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    return subprocess.run([require_pdftotext(), "-layout", str(path), "-"], capture_output=True, text=True).stdout


@pytest.fixture
def published(tmp_path, monkeypatch):
    """A store with a kabupaten table (all 14, messy numbers), a desa table for a few Ketapang desa, a schedule to
    2027 and commitments; the process's store points at it."""
    from geo.store import URL_ENV, open_store

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv(URL_ENV, url)
    monkeypatch.delenv("KALBAR_TARGETS", raising=False)
    kab = boundaries.areas("kabupaten")
    desa = boundaries.areas("desa")
    desa = desa[desa["kode"].str.startswith("61.04.01.")].head(6)
    kab_csv = "kode,periode,tenaga_kerja,peserta_aktif\n" + "".join(  # "10.000": Indonesian thousands
        f"{k},2025,{f'{10_000 + 1000 * i:,}'.replace(',', '.')},{3000 + 400 * i}\n" for i, k in enumerate(kab["kode"])
    )
    desa_csv = "kode,periode,tenaga_kerja,peserta_aktif\n" + "".join(
        f"{k},2025,{40 + 5 * i},{10 + 3 * i}\n" for i, k in enumerate(desa["kode"])
    )
    s = open_store(url)
    s.add_user("ana", "editor", "kata sandi panjang")
    s.set_display_name("ana", PAYLOAD, "ana")
    s.publish(kab_csv.encode(), "kabupaten.csv", "kabupaten", "ana")
    s.publish(desa_csv.encode(), "desa.csv", "desa", "ana", accept_partial=True)
    s.publish_targets(SCHEDULE.encode(), "target.csv", "ana")
    codes = list(desa["kode"])
    s.publish_commitments(COMMITMENTS.format(d0=codes[0], d1=codes[1]).encode(), "komitmen.csv", "ana")
    s.dispose()
    return {"url": url, "desa": codes}


def _inputs():
    from geo.cli.common import commitments_in_force
    from geo.view import budgets, inforce

    return budgets.inputs(inforce.data_in_force(), commitments_in_force())


def test_sheet_and_pack_from_published_data(published, tmp_path):
    inp = _inputs()
    assert not inp.is_sample and inp.period == "2025" and inp.commits.origin == "published"
    sheet = sheets.sheet_pdf(inp, "61.04")
    assert pages(sheet, tmp_path) == 1
    text = pdf_text(sheet, tmp_path)
    assert "Kabupaten Ketapang" in text and "Bupati Ketapang" in text
    assert PAYLOAD in text  # the stamp's display name, printed as typed (no math, no markup)
    assert "versi" in text and t("sample.banner", "id") not in text
    rows = inp.budget_of(inp.kabupaten[inp.kabupaten["kode"] == "61.04"]).set_index("tahun")
    assert rows.loc[2026, "komitmen_pemkab"] == 500 and rows.loc[2026, "komitmen_pemdes"] == 3
    for year in (2025, 2026, 2027):
        assert f"{rows.loc[year, 'sisa_orang']:,}".replace(",", ".") in text
    start = time.perf_counter()
    pack = sheets.pack_pdf(inp)
    took = time.perf_counter() - start
    assert pages(pack, tmp_path) == 1 + 14
    assert took < 60, took
    first = pdf_text(pack, tmp_path).split("\f")[0]
    assert t("level.provinsi", "id") in first and "Gubernur Kalimantan Barat" in first
    assert "26.373" in first  # the province's own commitment counts on its page


def test_a_sheet_without_desa_figures_says_so_not_that_none_is_behind(published, tmp_path):
    """Sambas has no desa in the desa table: its sheet says nothing was published there, never "none below target"."""
    text = " ".join(pdf_text(sheets.sheet_pdf(_inputs(), "61.01"), tmp_path).split())
    assert t("budget.none_reported", "id") in text
    assert t("budget.none_behind", "id") not in text


def test_extra_lines_per_area_are_printed(published, tmp_path):
    from dataclasses import replace

    inp = replace(_inputs(), extra={"61.04": ["Laju: 120 peserta baru per bulan; perlu 410"], "61": ["Provinsi: X"]})
    assert "Laju: 120 peserta baru per bulan; perlu 410" in pdf_text(sheets.sheet_pdf(inp, "61.04"), tmp_path)
    assert "Provinsi: X" in pdf_text(sheets.pack_pdf(inp, ["61.04"]), tmp_path).split("\f")[0]


def _csv_rows(data: bytes) -> tuple[list[str], pd.DataFrame]:
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    notes = [line for line in lines if line.startswith('"#')]
    body = "\n".join(line for line in lines if not line.startswith('"#'))
    return notes, pd.read_csv(io.StringIO(body), dtype={"kode": str})


def test_desa_csv_sums_equal_the_budget_and_cells_stay_text(published):
    inp = _inputs()
    _notes, table = _csv_rows(sheets.desa_csv(inp, "61.04"))
    desa = inp.desa[inp.desa["kode"].str.startswith("61.04.")]
    expected = budget.per_year(budget.budget(desa, inp.schedule, inp.period, inp.commits)).set_index("tahun")
    got = table.groupby("tahun")[budget.SUMMED].sum()
    assert sorted(got.index) == [2025, 2026, 2027] and len(table) == len(published["desa"]) * 3
    for col in budget.SUMMED:
        assert got[col].tolist() == expected.loc[got.index, col].tolist()
    assert table.set_index(["kode", "tahun"]).loc[(published["desa"][0], 2026), "komitmen_pemdes"] == 3
    assert (table["sisa_rupiah"] == table["sisa_orang"] * 16_800 * 12).all()
    # No cell a spreadsheet would run: the stamp's display name is in a note, neutralised.
    raw = list(csv.reader(io.StringIO(sheets.desa_csv(inp, "61.04").decode("utf-8-sig"))))
    assert all(not cell.startswith(export.FORMULA_PREFIXES) for row in raw for cell in row)
    assert any(PAYLOAD in row[0] for row in raw if row and row[0].startswith("# "))


def _geo(*args: str, url: str) -> subprocess.CompletedProcess:
    from geo.paths import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "KALBAR_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def test_cli_budget_and_pack(published, tmp_path):
    url = published["url"]
    sheet, table, pack = tmp_path / "sheet.pdf", tmp_path / "apbdes.csv", tmp_path / "paket.pdf"
    proc = _geo("budget", "--kab", "6104", "--out", str(sheet), "--csv", str(table), url=url)
    assert proc.returncode == 0, proc.stderr
    assert pages(sheet.read_bytes(), tmp_path) == 1
    _notes, rows = _csv_rows(table.read_bytes())
    assert set(rows["kode"]) == set(published["desa"])
    proc = _geo("pack", "--out", str(pack), url=url)
    assert proc.returncode == 0, proc.stderr
    assert pages(pack.read_bytes(), tmp_path) == 15
    for bad in (
        ["budget", "--kab", "61.99", "--out", str(sheet)],
        ["budget", "--kab", "61.04"],
        ["pack", "--out", str(pack), "--period", "2019"],
    ):
        proc = _geo(*bad, url=url)
        assert proc.returncode == 2 and proc.stderr.startswith("GAGAL") and "Traceback" not in proc.stderr


def test_sample_sheet_is_labelled(tmp_path, monkeypatch):
    monkeypatch.setenv("KALBAR_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
    inp = _inputs()
    assert inp.is_sample
    text = pdf_text(sheets.sheet_pdf(inp, "61.71"), tmp_path)
    assert t("sample.banner", "id") in text and "Wali Kota Pontianak" in text
    notes, _rows = _csv_rows(sheets.desa_csv(inp, "61.71"))
    assert t("sample.banner", "id") in notes[0]


def test_page_buttons_give_the_sheet_the_csv_and_the_pack(published, media, tmp_path):
    from tests.support.apptest import open_app

    at = open_app("screens/desa.py", kab="61.04")
    assert not at.exception
    buttons = {b.proto.label: b for b in at.get("download_button")}
    sheet = media(buttons[t("budget.download_sheet", "id")])
    assert pages(sheet, tmp_path) == 1
    _notes, rows = _csv_rows(media(buttons[t("budget.download_csv", "id")]))
    assert set(rows["kode"]) == set(published["desa"])
    assert pages(media(buttons[t("budget.download_pack", "id")]), tmp_path) == 15


def test_each_sheet_says_the_pace_the_pages_show(published, tmp_path):
    """Without lines given, the sheets print each area's pace as the pace block does (geo.pace through the core)."""
    from geo import pace
    from geo.view import inforce

    inp = _inputs()
    d = inforce.data_in_force()
    row = inforce.paced(d, "kabupaten", inp.period).set_index("kode").loc["61.04"]
    lines = pace.sheet_lines(row, sheets.kab_name("61.04"), "id")
    assert inp.extra["61.04"] == lines and len(lines) == 3  # the schedule runs to 2027: two years named
    assert lines[0] == pace.sentence(row, sheets.kab_name("61.04"), "id")
    assert t(f"pace.status.{row['status']}", "id") in lines[1]
    text = pdf_text(sheets.sheet_pdf(inp, "61.04"), tmp_path)
    for line in lines:  # wrapped to the right-hand column: each wrapped part whole on the page
        assert all(part in text for part in textwrap.wrap(line, sheets.WRAP)), (line, text[:1500])
    province = inp.extra["61"]
    assert province[0].startswith(t("level.provinsi", "id"))


# --- the files behind the buttons: made once, one at a time, a few new ones a minute per visitor ----------------


def test_a_file_asked_again_is_not_made_again_and_a_visitor_cannot_make_many(published, monkeypatch):
    """Any visitor may click a button, and the pack costs seconds of CPU: the same file is made once (whoever asks),
    new files are made one at a time, and one client may cause only a few a minute; the CLI is not limited."""
    import threading

    from geo.commitments import empty
    from geo.ratelimit import RateLimit
    from geo.view import budgets, inforce

    made: list[tuple] = []
    real = budgets._make

    def counted(kind, inp, kab):
        made.append((kind, kab, inp.iuran))
        return real(kind, inp, kab)

    monkeypatch.setattr(budgets, "_make", counted)
    monkeypatch.setattr(budgets, "_files", budgets.LRU(budgets.FILE_ENTRIES, budgets.FILE_BYTES, len))
    monkeypatch.setattr(budgets, "limiter", RateLimit(2, 2))  # two new files at once, then one every 30 s
    d, commits = inforce.data_in_force(), empty()

    first = budgets.budget_file("csv", d, commits, None, kab="61.04", client="203.0.113.7")
    again = budgets.budget_file("csv", d, commits, None, kab="61.04", client="198.51.100.1")
    assert first == again and b"kode" in first
    assert made == [("csv", "61.04", budgets.plan.DEFAULT_IURAN)]  # the second visitor got the file made

    budgets.budget_file("csv", d, commits, None, iuran=20_000, kab="61.04", client="203.0.113.7")
    with pytest.raises(budgets.Busy) as busy:  # a third new file from the same address within the minute
        budgets.budget_file("csv", d, commits, None, iuran=20_001, kab="61.04", client="203.0.113.7")
    assert 25 < busy.value.wait <= 30 and budgets.wait_for("203.0.113.7") > 25
    assert budgets.budget_file("csv", d, commits, None, iuran=20_000, kab="61.04", client="203.0.113.7")  # made
    assert budgets.wait_for("198.51.100.1") == 0  # another address is not held back by it
    budgets.budget_file("csv", d, commits, None, iuran=20_002, kab="61.04")  # the CLI: no client, no limit
    assert len(made) == 3

    # the same new file asked by many at once is made once: the others wait for it
    monkeypatch.setattr(budgets, "limiter", RateLimit(0, 1))
    got: list[bytes] = []
    threads = [
        threading.Thread(
            target=lambda c=f"10.0.0.{i}": got.append(
                budgets.budget_file("csv", d, commits, None, iuran=30_000, kab="61.04", client=c)
            )
        )
        for i in range(6)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(got) == 6 and len(set(got)) == 1 and len(made) == 4
    with pytest.raises(ValueError):
        budgets.file_key("zip", d, commits, None, "id", 1, 1)
