"""geo/budget.py: who must budget how much (needed, committed by funder, left, rupiah), and the allocation of
bantuan iuran slots over needs net of commitments, for a year of the path (domain and ``python -m geo plan``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import budget, commitments, plan, targetpath
from geo.targets import merged, read_schedule

SCHEDULE = merged(
    read_schedule(
        "periode,kode,target_persen,keterangan\n2025,61,55,\n2026,61,58,\n2027,61,60,\n2026,61.04,65,Ketapang\n"
    ).rows
)
DESA = ["61.04.01.2011", "61.04.01.2012", "61.04.02.2001", "61.01.01.2001"]


def frame(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kode", "tenaga_kerja", "peserta_aktif"]).assign(has_data=True)


def commits(rows: list[tuple[str, str, int, int]]) -> commitments.Commitments:
    body = "penyandang_dana,kode,tahun,orang\n" + "".join(f"{f},{k},{y},{n}\n" for f, k, y, n in rows)
    return commitments.read(body, "k.csv")


def test_ancestors():
    assert budget.ancestors("61.04.01.2011") == ["61.04.01.2011", "61.04.01", "61.04", "61"]
    assert budget.ancestors("61") == ["61"]


def test_commitments_count_toward_their_area_and_every_containing_one():
    c = commits(
        [
            ("Pemdes", "61.04.01.2011", 2025, 10),
            ("desa", "61.04.01.2012", 2025, 5),
            ("Pemkab Ketapang", "61.04", 2025, 100),
            ("Pemprov", "61", 2025, 1000),
            ("CSR", "61.04.01", 2026, 7),
        ]
    )
    kab = frame([("61.04", 10_000, 4000), ("61.01", 10_000, 5000)])
    out = budget.budget(kab, SCHEDULE, "2025-06", c).set_index(["kode", "tahun"])
    assert out.loc[("61.04", 2025), "komitmen_pemdes"] == 15
    assert out.loc[("61.04", 2025), "komitmen_pemkab"] == 100
    assert out.loc[("61.04", 2025), "komitmen_pemprov"] == 0  # the province's own, not shared out
    assert out.loc[("61.04", 2026), "komitmen_lainnya"] == 7
    assert out.loc[("61.01", 2025), "komitmen_orang"] == 0
    need = out.loc[("61.04", 2025), "perlu_orang"]
    assert need == 5500 - 4000
    assert out.loc[("61.04", 2025), "sisa_orang"] == need - 115
    assert out.loc[("61.04", 2026), "perlu_orang"] == 6500 - 4000  # the regional 65% for 2026
    prov = budget.budget(budget.province_frame(kab), SCHEDULE, "2025-06", c).set_index("tahun")
    assert prov.loc[2025, "komitmen_orang"] == 1115 and prov.loc[2025, "komitmen_pemprov"] == 1000
    assert prov.loc[2025, "perlu_orang"] == 11_000 - 9000


def test_more_committed_than_needed_leaves_nothing():
    out = budget.budget(frame([("61.01", 100, 50)]), SCHEDULE, "2025", commits([("Pemkab", "61.01", 2025, 500)]))
    row = out[out["tahun"] == 2025].iloc[0]
    assert row["perlu_orang"] == 5 and row["komitmen_orang"] == 500 and row["sisa_orang"] == 0
    assert row["sisa_rupiah"] == 0


areas = st.lists(
    st.tuples(st.sampled_from(DESA), st.integers(1, 50_000), st.integers(0, 60_000)),
    min_size=1,
    max_size=4,
    unique_by=lambda r: r[0],
)
pledges = st.lists(
    st.tuples(
        st.sampled_from(["Pemprov", "Pemkab", "Pemdes", "CSR"]),
        st.sampled_from([*DESA, "61.04.01", "61.04", "61.01", "61"]),
        st.sampled_from([2025, 2026, 2027, 2030]),
        st.integers(0, 40_000),
    ),
    max_size=8,
    unique_by=lambda r: (r[0], r[1], r[2]),
)


@settings(max_examples=60)
@given(areas, pledges, st.integers(1, 200_000), st.integers(1, 120))
def test_left_is_never_negative_and_money_is_people_times_contribution_times_months(rows, pl, iuran, months):
    f = frame([(k, tk, min(ps, tk)) for k, tk, ps in rows])
    out = budget.budget(f, SCHEDULE, "2025-03", commits(pl) if pl else commitments.empty(), iuran, months)
    assert len(out) == len(f) * 3
    assert (out["sisa_orang"] >= 0).all() and (out["sisa_rupiah"] >= 0).all()
    assert (out["sisa_orang"] == np.maximum(out["perlu_orang"] - out["komitmen_orang"], 0)).all()
    assert (out["komitmen_orang"] == out[budget.PEOPLE].sum(axis=1)).all()
    for people, rupiah in [
        ("perlu_orang", "perlu_rupiah"),
        ("sisa_orang", "sisa_rupiah"),
        ("komitmen_orang", "komitmen_rupiah"),
        *zip(budget.PEOPLE, budget.RUPIAH),
    ]:
        assert (out[rupiah] == out[people] * iuran * months).all()
    need = targetpath.needed(f, SCHEDULE, "2025-03")
    assert out["perlu_orang"].tolist() == need["perlu_orang"].astype(int).tolist()  # not recomputed


@settings(max_examples=60)
@given(areas, pledges)
def test_desa_sum_to_their_kabupaten_when_commitments_are_at_desa_level(rows, pl):
    """With every commitment at desa level, a kabupaten's committed people are the sum of its desa's; the scope
    total (per_year) is the sum of the desa rows, people and rupiah alike."""
    f = frame([(k, tk, min(ps, tk)) for k, tk, ps in rows])
    pl = [p for p in pl if p[1] in set(f["kode"])]  # at the desa of the table
    c = commits(pl) if pl else commitments.empty()
    desa = budget.budget(f, SCHEDULE, "2025", c)
    kab = f.assign(kab=f["kode"].str[:5]).groupby("kab", as_index=False)[["tenaga_kerja", "peserta_aktif"]].sum()
    kab = budget.budget(kab.rename(columns={"kab": "kode"}), SCHEDULE, "2025", c).set_index(["kode", "tahun"])
    for (k, year), part in desa.groupby([desa["kode"].str[:5], "tahun"]):
        for col in [*budget.PEOPLE, "komitmen_orang", *budget.RUPIAH, "komitmen_rupiah"]:
            assert kab.loc[(k, year), col] == part[col].sum()
    total = budget.per_year(desa).set_index("tahun")
    for year, part in desa.groupby("tahun"):
        for col in budget.SUMMED:
            assert total.loc[year, col] == part[col].sum()
        assert total.loc[year, "sisa_rupiah"] == plan.cost(total.loc[year, "sisa_orang"])


def test_for_plan_nets_commitments_and_takes_the_years_need():
    f = frame([("61.04", 10_000, 4000), ("61.01", 10_000, 5400)]).assign(gap=[1024, 0], target_efektif=50.24)
    c = commits([("Pemkab", "61.04", 2025, 300), ("Pemkab", "61.04", 2026, 900), ("Pemdes", "61.01.01.2001", 2026, 50)])
    today = budget.for_plan(f, SCHEDULE, "2025", c).set_index("kode")
    assert today.loc["61.04", "gap"] == 1024 - 300 and today.loc["61.01", "gap"] == 0
    y2026 = budget.for_plan(f, SCHEDULE, "2025", c, 2026).set_index("kode")
    assert y2026.loc["61.04", "gap"] == 6500 - 4000 - 900 and y2026.loc["61.04", "target_efektif"] == 65
    assert y2026.loc["61.01", "gap"] == 5800 - 5400 - 50
    result = plan.plan(y2026.reset_index().assign(nama="x", cakupan=50.0), 400)
    assert result.items.set_index("kode").loc["61.01", "reaches_target"]  # 350 closes it


# --- python -m geo plan --year / --commitments ---------------------------------------------------------

TABLE = "kode,periode,tenaga_kerja,peserta_aktif\n61.04,2025,10000,4000\n61.01,2025,10000,5400\n61.71,2025,1000,700\n"


def run(*args: str) -> subprocess.CompletedProcess:
    from geo.paths import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geo", "plan", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=180
    )


@pytest.fixture
def files(tmp_path):
    table, sched, comm = tmp_path / "cakupan.csv", tmp_path / "target.csv", tmp_path / "komitmen.csv"
    table.write_text(TABLE, encoding="utf-8")
    sched.write_text(
        "periode,kode,target_persen\n2025,61,55\n2026,61,58\n2027,61,60\n2026,61.04,65\n", encoding="utf-8"
    )
    comm.write_text("penyandang_dana,kode,tahun,orang\nPemkab,61.04,2026,900\nPemerintah Desa,61.01.01.2001,2026,50\n")
    return ["--table", str(table), "--targets", str(sched), "--commitments", str(comm)]


def test_cli_plan_for_a_year_net_of_commitments(files):
    proc = run("--level", "kabupaten", "--slots", "400", "--year", "2026", "--json", *files)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    gap = {a["kode"]: a["gap"] for a in out["allocation"]}
    assert gap == {"61.04": 1600, "61.01": 350, "61.71": 0}
    assert out["year"] == 2026 and out["committed"] == 950
    assert {a["kode"]: a["reaches_target"] for a in out["allocation"]}["61.01"]
    today = json.loads(run("--level", "kabupaten", "--slots", "400", "--json", *files).stdout)
    assert {a["kode"]: a["gap"] for a in today["allocation"]}["61.04"] == 1500  # 2025's 55%, nothing committed


def test_cli_plan_refuses_a_year_off_the_path_and_bad_commitments(files, tmp_path):
    proc = run("--level", "kabupaten", "--slots", "400", "--year", "2031", *files)
    assert proc.returncode == 2 and "2031" in proc.stderr and "2025, 2026, 2027" in proc.stderr
    bad = tmp_path / "salah.csv"
    bad.write_text("penyandang_dana,kode,tahun,orang\nPemkab,61.04,2026,-9\n", encoding="utf-8")
    proc = run("--level", "kabupaten", "--slots", "1", *files[:4], "--commitments", str(bad))
    assert proc.returncode == 2 and "baris 2" in proc.stderr and "orang" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_page_allocation_for_a_year_agrees_with_the_cli(tmp_path, monkeypatch, files):
    """The scenario panel's year control and the published commitments give the CLI's allocation."""
    from geo.store import URL_ENV, open_store
    from geo.text import t
    from tests.support.apptest import open_app, upload

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv(URL_ENV, url)
    monkeypatch.delenv("KALBAR_TARGETS", raising=False)
    store = open_store(url)
    store.add_user("ana", "editor", "kata sandi panjang")
    store.publish_targets(open(files[3], "rb").read(), "target.csv", "ana")
    store.publish_commitments(open(files[5], "rb").read(), "komitmen.csv", "ana")
    store.dispose()
    at = upload(open_app("screens/kabupaten.py", slots="400"), "cakupan.csv", TABLE.encode())
    at.selectbox(key="w_plan_year").set_value(2026).run()
    assert not at.exception
    col = t("plan.col_slots", "id")
    shown = next(d.value for d in at.dataframe if col in d.value.columns)
    shown = shown[shown[t("col.kode", "id")] != ""].set_index(t("col.kode", "id"))
    cli = json.loads(run("--level", "kabupaten", "--slots", "400", "--year", "2026", "--json", *files).stdout)
    assert shown[col].astype(int).to_dict() == {a["kode"]: a["slots"] for a in cli["allocation"] if a["gap"] > 0}
    assert shown[t("col.gap", "id")].astype(int).to_dict() == {"61.04": 1600, "61.01": 350}
    assert any("950 orang" in c.value for c in at.caption)
