"""geo/targets.py: the target schedule (reader, validation, precedence) and its use in classification."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pandas as pd
import pytest

from geo import DEFAULT_TARGET, targets
from geo.classify import classify
from geo.cli.common import schedule_in_force
from geo.text import t

SCHEDULE = """periode,kode,target_persen,keterangan
2024,61,50.24,RPJMN 2024
2025,61,52,RPJMN 2025
2025,61.71,45,"Perwal, ditetapkan daerah"
"""


def test_shipped_schedule_is_2024_only():
    s = targets.shipped()
    assert s.rows.to_dict("records") == [
        {"periode": "2024", "kode": "61", "target_persen": 50.24, "keterangan": "RPJMN 2024"}
    ]
    assert targets.province_default(s, "2024") == (50.24, "RPJMN 2024")
    # A later period without its own default keeps the latest earlier one; an earlier one the earliest.
    assert targets.province_default(s, "2026")[0] == 50.24
    assert targets.province_default(s, "2020-01")[0] == 50.24


def test_read_valid_schedule_with_aliases_and_indonesian_numbers():
    text = "Tahun;Kode;Target (%);Keterangan\n2025;61;52,5;RPJMN\n2025-06;6171;45;\n"
    s = targets.read_schedule(text, "target.csv")
    assert s.rows["kode"].tolist() == ["61", "61.71"]
    assert s.rows["target_persen"].tolist() == [52.5, 45.0]
    assert s.rows["periode"].tolist() == ["2025", "2025-06"]


def test_schedule_periods_in_any_spelling_are_keys():
    text = "periode;kode;target_persen\nTahun 2025;61;52,5\nJuni 2025;6171;45\n07/2025;6172;46\n"
    s = targets.read_schedule(text, "target.csv")
    assert s.rows["periode"].tolist() == ["2025", "2025-06", "2025-07"]
    with pytest.raises(targets.ScheduleError):  # a month and the same month spelled otherwise: one period twice
        targets.read_schedule("periode,kode,target_persen\nJuni 2025,61,50\n2025-06,61,51\n", "t.csv")


@pytest.mark.parametrize(
    "body, row, column",
    [
        ("2025,61,abc,x", 2, "target_persen"),
        ("2025,61,0,x", 2, "target_persen"),
        ("2025,61,101,x", 2, "target_persen"),
        ("25,61,50,x", 2, "periode"),
        ("2025,62.01,50,x", 2, "kode"),
        ("2025,61.99,50,x", 2, "kode"),
        ("2025,61.71.01,50,x", 2, "kode"),
        ("2025,61,50,x\n2025,61,51,y", 3, "kode"),
        ("Triwulan II 2025,61,50,x", 2, "periode"),
    ],
)
def test_bad_rows_name_row_and_column(body, row, column):
    with pytest.raises(targets.ScheduleError) as err:
        targets.read_schedule("periode,kode,target_persen,keterangan\n" + body + "\n", "t.csv")
    problems = err.value.problems
    assert any(p.row == row and p.column == column for p in problems), [(p.row, p.column) for p in problems]
    msg = err.value.message("id")
    assert f"baris {row}" in msg and f"kolom {column}" in msg
    assert f"row {row}" in err.value.message("en")


def test_missing_columns_and_empty():
    with pytest.raises(targets.ScheduleError) as err:
        targets.read_schedule("periode,target\n2025,50\n", "t.csv")
    assert "kode" in err.value.message("en")
    with pytest.raises(targets.ScheduleError):
        targets.read_schedule("", "t.csv")
    with pytest.raises(targets.ScheduleError):
        targets.read_schedule("periode,kode,target_persen\n", "t.csv")


def test_cells_stay_plain_text():
    s = targets.read_schedule('periode,kode,target_persen,keterangan\n2025,61,52,=HYPERLINK("x")\n', "t.csv")
    assert s.rows["keterangan"].iloc[0] == '=HYPERLINK("x")'  # kept as text; exports neutralise it


def _areas() -> pd.DataFrame:
    return pd.DataFrame(
        {"kode": ["61.01", "61.71", "61.72"], "nama": ["Kabupaten Sambas", "Kota Pontianak", "Kota Singkawang"]}
    )


def _matched(period: str, own: dict[str, float] | None = None) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "kode": ["61.01", "61.71", "61.72"],
            "tenaga_kerja": [1000, 1000, 1000],
            "peserta_aktif": [480, 470, 505],
            "periode": period,
        }
    )
    rows["target_persen"] = rows["kode"].map(own or {})
    return rows


def test_precedence_row_over_regional_over_default():
    sched = targets.merged(targets.read_schedule(SCHEDULE, "t.csv").rows)
    base = classify(_matched("2025", {"61.72": 60.0}), _areas(), DEFAULT_TARGET, "2025")
    out = targets.apply(base, None, sched, "2025").set_index("kode")
    assert out.at["61.01", "target_efektif"] == 52.0 and out.at["61.01", "target_sumber"] == "RPJMN 2025"
    assert out.at["61.71", "target_efektif"] == 45.0 and "Kota Pontianak 2025" in out.at["61.71", "target_sumber"]
    assert (
        out.at["61.72", "target_efektif"] == 60.0
        and out.at["61.72", "target_sumber_en"] == "target in the coverage table"
    )
    # Gaps and status follow each area's own target: 61.01 needs 520 - 480, 61.71 is above 45%.
    assert out.at["61.01", "gap"] == 40 and out.at["61.01", "status"] == "below"
    assert out.at["61.71", "gap"] == 0 and out.at["61.71", "status"] == "at_or_above"
    assert out.at["61.72", "gap"] == 95


def test_periods_use_their_own_schedule():
    sched = targets.merged(targets.read_schedule(SCHEDULE, "t.csv").rows)
    out24 = targets.apply(classify(_matched("2024"), _areas(), DEFAULT_TARGET, "2024"), None, sched, "2024").set_index(
        "kode"
    )
    assert set(out24["target_efektif"]) == {50.24}  # the 2025 regional target does not reach back to 2024
    assert out24.at["61.71", "status"] == "below"
    out_month = targets.apply(
        classify(_matched("2025-06"), _areas(), DEFAULT_TARGET, "2025-06"), None, sched, "2025-06"
    ).set_index("kode")
    assert out_month.at["61.71", "target_efektif"] == 45.0 and out_month.at["61.01", "target_efektif"] == 52.0


def test_what_if_replaces_every_target():
    sched = targets.merged(targets.read_schedule(SCHEDULE, "t.csv").rows)
    base = classify(_matched("2025", {"61.72": 60.0}), _areas(), DEFAULT_TARGET, "2025")
    out = targets.apply(base, 40.0, sched, "2025")
    assert set(out["target_efektif"]) == {40.0}
    assert (out["status"] == "at_or_above").all()
    assert "bagaimana jika" in targets.legend_label(out, "id") and "what if" in targets.legend_label(out, "en")


def test_legend_label_names_each_source():
    sched = targets.merged(targets.read_schedule(SCHEDULE, "t.csv").rows)
    out = targets.apply(classify(_matched("2025"), _areas(), DEFAULT_TARGET, "2025"), None, sched, "2025")
    label = targets.legend_label(out, "id")
    assert label.startswith("target: 52,00% (RPJMN 2025)")
    assert "45,00% (Kota Pontianak 2025, Perwal, ditetapkan daerah)" in label


def test_roll_up_from_desa_keeps_the_regional_source(areas):
    from geo.cli.common import matched_tables as _matched_tables

    tables, _n, _s = _matched_tables(None, "id")
    desa = tables["desa"].assign(periode="2025")
    sched = targets.merged(targets.read_schedule(SCHEDULE, "t.csv").rows)
    kab = targets.classify_level({"desa": desa}, areas, "kabupaten", "2025", None, sched).set_index("kode")
    assert math.isclose(kab.at["61.71", "target_efektif"], 45.0)
    assert "Kota Pontianak" in kab.at["61.71", "target_sumber"]
    assert math.isclose(kab.at["61.01", "target_efektif"], 52.0)
    desa_frame = targets.classify_level({"desa": desa}, areas, "desa", "2025", None, sched)
    pontianak = desa_frame[desa_frame["kode"].str.startswith("61.71.")]
    assert len(pontianak) and (pontianak["target_efektif"] == 45.0).all()


def test_env_file_schedule(tmp_path, monkeypatch):
    monkeypatch.setenv("KALBAR_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")  # no store: the file
    path = tmp_path / "target.csv"
    path.write_text(SCHEDULE, encoding="utf-8")
    monkeypatch.setenv(targets.ENV_FILE, str(path))
    sched = schedule_in_force()
    assert targets.province_default(sched, "2025")[0] == 52.0
    path.write_text("periode,kode,target_persen\n2025,61,abc\n", encoding="utf-8")
    assert schedule_in_force().rows.equals(targets.shipped().rows)  # a broken file never takes over


def test_in_force_published_else_file_else_shipped(tmp_path):
    """targets.in_force opens nothing: the schedule it is given, else the file, else shipped."""
    path = tmp_path / "target.csv"
    path.write_text(SCHEDULE, encoding="utf-8")
    from_file = targets.in_force(None, str(path))
    assert from_file.origin == "file" and from_file.version == "target.csv"
    assert targets.province_default(from_file, "2025")[0] == 52.0
    published = targets.merged(targets.read_schedule(SCHEDULE, "t.csv").rows, origin="published", version="7")
    assert targets.in_force(published, str(path)) is published
    assert targets.in_force(None, str(tmp_path / "missing.csv")).rows.equals(targets.shipped().rows)
    assert targets.in_force(None).origin == targets.in_force(None, "").origin == "shipped"


def test_store_publish_targets_and_target_schedule(store):
    """Store.publish_targets validates (nothing written on a bad row); Store.target_schedule reads what is in force."""
    assert store.target_schedule() is None  # nothing published
    with pytest.raises(targets.ScheduleError):
        store.publish_targets(b"periode,kode,target_persen\n2025,61,abc\n", "salah.csv", "ana")
    assert store.versions("targets") == [] and store.target_schedule() is None
    result = store.publish_targets(SCHEDULE.encode(), "target.csv", "ana", "RPJMN 2025")
    v = result.version
    assert result.created
    assert v.kind == "targets" and v.level is None and v.periods == ("2024", "2025") and v.n_rows == 3
    assert v.note == "RPJMN 2025" and v.published_by == "ana"
    again = store.publish_targets(SCHEDULE.encode(), "lagi.csv", "ana")
    assert again.version.id == v.id and not again.created  # same bytes: the same version
    sched = store.target_schedule()
    assert sched.origin == "published" and sched.version == str(v.id)
    assert targets.province_default(sched, "2025") == (52.0, "RPJMN 2025")
    fix = store.publish_targets(
        b"periode,kode,target_persen,keterangan\n2025,61,51.5,koreksi\n", "koreksi.csv", "ana"
    ).version
    sched = store.target_schedule()
    assert sched.version == f"{v.id},{fix.id}" and targets.province_default(sched, "2025")[0] == 51.5
    assert targets.province_default(sched, "2024")[0] == 50.24
    store.retract(fix.id, "ana")
    assert targets.province_default(store.target_schedule(), "2025")[0] == 52.0


# --- publishing through the store (python -m geo targets ...) -----------------------------------------


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


def test_cli_publish_show_retract(tmp_path, monkeypatch):
    import json

    env = {"KALBAR_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}"}
    monkeypatch.setenv("KALBAR_DATABASE_URL", env["KALBAR_DATABASE_URL"])
    monkeypatch.delenv(targets.ENV_FILE, raising=False)
    good, bad = tmp_path / "target.csv", tmp_path / "salah.csv"
    good.write_text(SCHEDULE, encoding="utf-8")
    bad.write_text("periode,kode,target_persen\n2025,61,abc\n2025,61.99,40\n", encoding="utf-8")
    assert _geo("users", "add", "ana", "--role", "editor", "--password-stdin", env=env).returncode == 0

    proc = _geo("targets", "publish", str(bad), "--as", "ana", env=env)
    assert proc.returncode == 1
    assert "baris 2, kolom target_persen" in proc.stdout and "baris 3, kolom kode" in proc.stdout
    proc = _geo("targets", "publish", str(good), "--as", "budi", env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert schedule_in_force().origin == "shipped"  # nothing published yet

    proc = _geo("targets", "publish", str(good), "--as", "ana", "--note", "RPJMN 2025", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    version = json.loads(proc.stdout)["version"]
    sched = schedule_in_force()
    assert sched.origin == "published" and targets.province_default(sched, "2025") == (52.0, "RPJMN 2025")
    assert targets.province_default(sched, "2024") == (50.24, "RPJMN 2024")  # the shipped 2024 default stays
    shown = json.loads(_geo("targets", "show", "--period", "2025", "--json", env=env).stdout)
    assert shown["default"]["target_persen"] == 52.0 and len(shown["rows"]) == 2

    # A correction for 2025 is a new version; the old one stays readable.
    fix = tmp_path / "koreksi.csv"
    fix.write_text("periode,kode,target_persen,keterangan\n2025,61,51.5,RPJMN 2025 (koreksi)\n", encoding="utf-8")
    assert _geo("targets", "publish", str(fix), "--as", "ana", env=env).returncode == 0
    sched = schedule_in_force()
    assert targets.province_default(sched, "2025")[0] == 51.5
    assert "61.71" not in set(sched.rows["kode"])  # the whole of 2025 comes from the newest version
    versions = _geo("versions", "--kind", "targets", env=env).stdout
    assert len([line for line in versions.splitlines() if line.strip()]) == 2

    # Retracting the correction brings the first version back; the audit log has it all.
    newest = max(int(line.split()[0]) for line in versions.splitlines() if line.strip())
    assert _geo("retract", str(newest), "--as", "ana", env=env).returncode == 0
    assert targets.province_default(schedule_in_force(), "2025")[0] == 52.0
    from geo.store import open_store

    store = open_store(env["KALBAR_DATABASE_URL"])
    actions = [(e.action, e.who) for e in store.audit()]
    store.dispose()
    assert actions.count(("publish", "ana")) == 2 and ("retract", "ana") in actions
    assert version != newest


def test_editor_section_validates_then_publishes(tmp_path, monkeypatch):
    """ui/publishpanels.targets_panel: a bad file lists rows and columns and publishes nothing; a good one is."""
    from streamlit.testing.v1 import AppTest

    from geo.store import open_store

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    store = open_store(url)
    store.add_user("ana", "editor", "kata sandi panjang")
    store.dispose()

    def page():
        from ui.auth import Identity
        from ui.publishpanels import targets_panel
        from ui.sidebar import schedule_view

        targets_panel(Identity("ana", "editor", "password"), "id")
        schedule_view("id")

    at = AppTest.from_function(page, default_timeout=60)
    at.run()
    assert not at.exception
    at.get("file_uploader")[0].upload("salah.csv", b"periode,kode,target_persen\n2025,61,abc\n", "text/csv")
    at.run()
    problems = at.dataframe[0].value
    assert problems.iloc[0].tolist()[:2] == [2, "target_persen"]
    assert not at.button  # nothing to publish
    at.get("file_uploader")[0].upload("target.csv", SCHEDULE.encode(), "text/csv")
    at.run()
    at.button(key="w_targets_publish").click().run()
    assert not at.exception
    assert any("versi 1" in s.value for s in at.success)
    sched = schedule_in_force()
    assert sched.origin == "published" and targets.province_default(sched, "2025")[0] == 52.0
    from tests.support.apptest import shown_with

    _raw, schedule = shown_with(at, t("targets.col_note", "id"))  # the sidebar's schedule, as the grid writes it
    row = schedule[schedule[t("col.periode", "id")] == "2025"].set_index(t("col.nama", "id"))[t("col.target", "id")]
    assert row["Kota Pontianak"] == "45,00" and row[t("level.provinsi", "id")] == "52,00"


@pytest.mark.parametrize(
    ("levels", "level", "expected"),
    [
        ({"kabupaten", "desa"}, "kabupaten", "kabupaten"),  # its own table wins
        ({"desa"}, "kabupaten", "desa"),  # rolled up from the desa table
        ({"desa"}, "kecamatan", "desa"),
        ({"kecamatan", "desa"}, "kabupaten", "kecamatan"),  # the first finer table, not the finest
        ({"kabupaten"}, "desa", None),  # a coarser table never gives a finer level's figures
        (set(), "kabupaten", None),
        ({"desa": object()}, "desa", "desa"),  # any collection of level names (a dict of tables too)
    ],
)
def test_counted_from_names_the_table_a_levels_figures_come_from(levels, level, expected):
    assert targets.counted_from(levels, level) == expected


def test_workers_note_only_when_the_figures_count_the_village_ecosystem():
    """The desa table's workers are the village ecosystem (PRODUCT.md): said wherever its figures are shown."""
    note = targets.workers_note({"desa"}, "kabupaten", "id")
    assert note and "aparat desa" in note.lower()
    assert targets.workers_note({"desa"}, "desa", "en") == t("workers.ecosystem", "en")
    assert targets.workers_note({"kabupaten", "desa"}, "kabupaten") is None  # all workers, from its own table
    assert targets.workers_note(set(), "kabupaten") is None
