"""Pages (AppTest): cost of the gap, the scenario panel, and per-period targets from the schedule.

The page and ``python -m geo plan`` must agree; exports carry the cost in both languages.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from geo import fmt, mapgeo, targets
from geo.maps import rows_of
from geo.paths import ROOT
from geo.text import t
from tests.support.apptest import SAMPLE_LABEL, below_metric, indonesian_patterns, texts, upload
from tests.support.apptest import open_app as app
from tests.support.sample import PERIOD
from tests.support.services import require_pdftotext

SLOTS = 26_373


def cli_plan(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "plan", *args, "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def metric(at, key: str, lang: str = "id") -> str:
    return next(m.value for m in at.metric if m.label == t(key, lang))


def first_int(text: str) -> int:
    return int(re.findall(r"[\d.,]+", text)[0].replace(".", "").replace(",", ""))


def map_features(at, index: int = 0) -> list[list]:
    """Feature rows of the ``index``-th map on the page (from the folium script the component gets)."""
    comps = at.get("component_instance")
    script = json.loads(comps[index].proto.json_args)["script"]
    payload = json.loads(re.search(r"var D = (\{.*?\});\n", script, re.S).group(1))
    if "F" in payload:  # the page's map: its features are a file this process holds (geo/mapgeo)
        payload.update(json.loads(mapgeo.held(payload["F"].rsplit("/", 1)[1].removesuffix(".json"))))
    return rows_of(payload)


def allocation_on_page(at) -> pd.DataFrame:
    col = t("plan.col_slots", "id")
    frame = next(d.value for d in at.dataframe if col in d.value.columns)
    return frame[frame[t("col.kode", "id")] != ""]


def test_kabupaten_page_and_cli_agree_on_26373_slots():
    at = app("screens/kabupaten.py", slots=str(SLOTS))
    cli = cli_plan("--level", "kabupaten", "--slots", str(SLOTS))
    reached = first_int(metric(at, "plan.metric_reached"))
    assert reached == cli["areas_reaching_target"] > 0
    assert metric(at, "plan.metric_cost") == fmt.rupiah_short(cli["cost_rupiah"], "id")
    captions = " ".join(c.value for c in at.caption)
    assert fmt.rupiah(cli["cost_rupiah"], "id") in captions
    assert cli["cost_rupiah"] == cli["slots_used"] * 16_800 * 12
    # The same allocation, area by area.
    page = allocation_on_page(at).set_index(t("col.kode", "id"))[t("plan.col_slots", "id")].astype(int)
    cli_slots = {a["kode"]: a["slots"] for a in cli["allocation"] if a["gap"] > 0}
    assert page.to_dict() == cli_slots
    # The scenario map (second map) outlines exactly the areas that reach target.
    comps = at.get("component_instance")
    script = json.loads(comps[1].proto.json_args)["script"]
    outlined = json.loads(re.search(r"var codes = (\[.*?\]), want", script).group(1))
    assert sorted(outlined) == sorted(a["kode"] for a in cli["allocation"] if a["reaches_target"])
    assert len(outlined) == reached
    # ... and shows those areas at or above target after the scenario.
    after = {row[0]: row[6] for row in map_features(at, 1)}
    assert all(after[k] == 2 for k in outlined)


def test_desa_scenario_respects_scope_and_search():
    at = app("screens/desa.py", kab="61.04", slots="300", q="Sungai")
    alloc = allocation_on_page(at)
    assert len(alloc) > 0
    assert alloc[t("col.kode", "id")].str.startswith("61.04.").all()
    names = alloc[t("col.nama", "id")].str.lower()
    assert names.str.contains("sungai|sei|sui").mean() > 0.5  # the tolerant search keeps close spellings
    assert alloc[t("plan.col_slots", "id")].astype(int).sum() <= 300
    cli = cli_plan("--level", "desa", "--kab", "61.04", "--slots", "300")
    assert (
        first_int(metric(at, "plan.metric_reached")) <= cli["areas_reaching_target"]
    )  # a filter can only narrow the choice


def test_slots_widget_writes_the_url_and_bad_links_warn():
    at = app("screens/kabupaten.py")
    at.number_input(key="w_slots").set_value(1000).run()
    assert at.query_params["slots"] in ("1000", ["1000"])
    at = app("screens/kabupaten.py", slots="-5", iuran="abc", bulan="500")
    shown = " ".join(w.value for w in at.warning)
    assert "-5" in shown and "abc" in shown and "500" in shown
    assert at.number_input(key="w_iuran").value == 16_800 and at.number_input(key="w_bulan").value == 12


def test_cost_line_follows_iuran_and_bulan():
    at = app("screens/kabupaten.py", iuran="20000", bulan="6")
    gap = first_int(metric(at, "metric.gap"))
    captions = " ".join(c.value for c in at.caption)
    assert fmt.rupiah_short(gap * 20_000 * 6, "id") in captions and "6 bulan" in captions
    table = next(d.value for d in at.dataframe if t("cost.col", "id") in d.value.columns)
    body = table[table[t("col.nama", "id")] != t("col.total", "id")]
    assert (body[t("cost.col", "id")] == body[t("col.gap", "id")] * 20_000 * 6).all()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_cost_in_csv_xlsx_and_allocation_downloads(media, lang):
    import openpyxl

    at = app("screens/kabupaten.py", slots=str(SLOTS), lang=lang)
    buttons = {b.label: b for b in at.get("download_button")}
    # The ranked table: a cost column, and the basis of the cost in a note line.
    text = media(buttons["CSV"]).decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    notes = " ".join(r[0] for r in rows if r[0].startswith("#"))
    assert SAMPLE_LABEL in notes and fmt.rupiah(16_800, lang) in notes
    body = [r for r in rows if not r[0].startswith("#")]
    header = body[0]
    cost_col, gap_col = header.index(t("cost.col", lang)), header.index(t("col.gap", lang))
    for r in body[1:]:
        assert float(r[cost_col]) == pytest.approx(float(r[gap_col]) * 16_800 * 12)
    ws = openpyxl.load_workbook(io.BytesIO(media(buttons["XLSX"]))).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert t("cost.col", lang) in cells[next(i for i, r in enumerate(cells) if r[0] == header[0])]
    # The allocation for a budget proposal.
    cli = cli_plan("--level", "kabupaten", "--slots", str(SLOTS))
    alloc_csv = media(buttons[f"{t('plan.download', lang)} (CSV)"]).decode("utf-8-sig")
    assert SAMPLE_LABEL in alloc_csv and fmt.rupiah(cli["cost_rupiah"], lang) in alloc_csv
    arows = [r for r in csv.reader(io.StringIO(alloc_csv)) if r and not r[0].startswith("#")]
    ah = arows[0]
    total = next(r for r in arows if t("col.total", lang) in r)
    assert int(float(total[ah.index(t("plan.col_cost", lang))])) == cli["cost_rupiah"]
    assert int(float(total[ah.index(t("plan.col_slots", lang))])) == cli["slots_used"]
    wb = openpyxl.load_workbook(io.BytesIO(media(buttons[f"{t('plan.download', lang)} (XLSX)"])))
    values = [str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None]
    assert any(SAMPLE_LABEL in v for v in values) and str(cli["cost_rupiah"]) in values


@pytest.mark.parametrize("lang", ["id", "en"])
def test_cost_in_png_and_pdf(media, lang, tmp_path):
    from geo import boundaries
    from geo.cli.common import matched_tables as _matched_tables
    from geo.render import figure_texts, render_map

    tables, _n, _s = _matched_tables(None, lang)
    frame = targets.classify_level(tables, boundaries.areas, "kabupaten", PERIOD, None, targets.shipped())
    # every area below its target to its target: the sum of each area's own gap (the page's headline figure)
    need = sum(
        max(math.ceil(round(tg * tk / 100, 6)) - ps, 0)
        for tg, tk, ps in frame.loc[frame["has_data"], ["target_efektif", "tenaga_kerja", "peserta_aktif"]].values
    )
    money = fmt.rupiah_short(need * 20_000 * 12, lang)
    from geo.render import build_figure

    fig = build_figure(frame, "kabupaten", lang=lang, is_sample=True, iuran=20_000, months=12)
    texts = " ".join(figure_texts(fig)).replace("\n", " ")
    assert money in texts and t("cost.figure", lang, cost=money, period=t("cost.per_year", lang)) in texts
    assert fmt.rupiah(20_000, lang) in texts and "RPJMN 2024" in texts
    pdf = tmp_path / "peta.pdf"
    render_map(frame, "kabupaten", lang=lang, is_sample=True, iuran=20_000, months=12, fmt="pdf", out=pdf)
    # The page's PNG/PDF buttons draw the same figure with the page's iuran/bulan.
    at = app("screens/kabupaten.py", iuran="20000", lang=lang)
    buttons = {b.label: b for b in at.get("download_button")}
    assert media(buttons[t("download.png", lang)]).startswith(b"\x89PNG")
    page_pdf = tmp_path / "page.pdf"
    page_pdf.write_bytes(media(buttons[t("download.pdf", lang)]))
    pdftotext = (
        require_pdftotext()
    )  # the cost in the PDFs: fails on Debian without poppler, skips (saying so) elsewhere
    for path in (pdf, page_pdf):
        out = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert money.replace(" ", "") in out.replace(" ", "").replace("\n", "")


# --- the target schedule on the pages ---------------------------------------------------------------

TWO_PERIODS = b"""kode,periode,tenaga_kerja,peserta_aktif
61.01,2024,300000,148000
61.01,2025,300000,153000
61.71,2024,300000,140000
61.71,2025,300000,140000
61.72,2024,100000,51000
61.72,2025,100000,51000
61.12,2024,290000,100000
61.12,2025,290000,150000
"""

SCHEDULE = "periode,kode,target_persen,keterangan\n2025,61,52,RPJMN 2025\n2025,61.71,45,ditetapkan daerah\n"


def expected_below(period: str) -> int:
    rows = pd.read_csv(io.BytesIO(TWO_PERIODS), dtype={"kode": str, "periode": str})
    rows = rows[rows["periode"] == period]
    tgt = rows["kode"].map(lambda k: 50.24 if period == "2024" else (45.0 if k == "61.71" else 52.0))
    return int(
        sum(
            math.ceil(round(tg * tk / 100, 6)) > p
            for tg, tk, p in zip(tgt, rows["tenaga_kerja"], rows["peserta_aktif"])
        )
    )


@pytest.mark.parametrize("how", ["store", "file"])
def test_published_schedule_drives_map_and_below_count(tmp_path, monkeypatch, how):
    """A 2025 national default and a Kota Pontianak 2025 target, published (store) or named by $KALBAR_TARGETS."""
    path = tmp_path / "target.csv"
    path.write_text(SCHEDULE, encoding="utf-8")
    monkeypatch.delenv(targets.ENV_FILE, raising=False)
    if how == "store":
        from geo.store import URL_ENV, open_store

        url = f"sqlite:///{tmp_path / 'store.sqlite'}"
        monkeypatch.setenv(URL_ENV, url)
        store = open_store(url)
        store.add_user("ana", "editor", "kata sandi panjang")
        version = store.publish_targets(path.read_bytes(), path.name, "ana", "RPJMN 2025 + Perwal").version
        assert version.kind == "targets"
        assert any(e.action == "publish" and e.who == "ana" for e in store.audit())
        store.dispose()
    else:
        monkeypatch.setenv("KALBAR_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
        monkeypatch.setenv(targets.ENV_FILE, str(path))
    at = upload(app("screens/kabupaten.py"), "dua periode.csv", TWO_PERIODS)
    by_period = {}
    for period in ("2024", "2025"):
        at.selectbox(key="w_period").set_value(period).run()
        assert not at.exception
        below, with_data = below_metric(at)
        assert with_data == 4
        assert below == expected_below(period)
        feats = {row[0]: row for row in map_features(at)}
        by_period[period] = feats
        captions = " ".join(c.value for c in at.caption)
        if period == "2024":
            assert feats["61.71"][4] == "50,24%" and feats["61.71"][6] == 1  # 46.7% < 50.24%
            assert "RPJMN 2024" in captions
        else:
            assert feats["61.71"][4] == "45,00%" and feats["61.71"][6] == 2  # 46.7% ≥ its own 45%
            assert feats["61.01"][4] == "52,00%" and feats["61.01"][6] == 1  # 51% < the 2025 default 52%
            assert "RPJMN 2025" in captions and "Kota Pontianak 2025" in captions
    assert expected_below("2024") != expected_below("2025") or by_period["2024"] != by_period["2025"]
    # The schedule in force is on view in the sidebar, with where each target came from.
    sidebar = next(d.value for d in at.dataframe if t("targets.col_note", "id") in d.value.columns)
    assert {"RPJMN 2024", "RPJMN 2025", "ditetapkan daerah"} <= set(sidebar[t("targets.col_note", "id")])
    assert "Kota Pontianak" in set(sidebar[t("col.nama", "id")])
    # The sidebar "what if" replaces every target.
    at.number_input(key="w_target").set_value(40.0).run()
    feats = {row[0]: row for row in map_features(at)}
    assert {row[4] for row in feats.values() if row[6] != 0} == {"40,00%"}


def test_sidebar_values_survive_a_page_switch():
    """A sidebar number input on another page is a new widget; it must not restart at its minimum (Rp1, 0%)."""
    at = app()
    at.number_input(key="w_iuran").set_value(20_000).run()
    at.switch_page("screens/kabupaten.py").run()
    assert not at.exception
    assert at.number_input(key="w_iuran").value == 20_000
    assert at.number_input(key="w_bulan").value == 12
    assert at.number_input(key="w_target").value is None
    assert below_metric(at) == (12, 14)
    at.switch_page("screens/desa.py").run()
    assert at.number_input(key="w_iuran").value == 20_000 and at.number_input(key="w_target").value is None


@pytest.mark.parametrize(
    "page, extra", [("screens/kabupaten.py", {"slots": "9000"}), ("screens/desa.py", {"kab": "61.04", "slots": "500"})]
)
def test_scenario_in_english_has_no_indonesian_label(page, extra):
    at = app(page, lang="en", **extra)
    pats = indonesian_patterns()
    # Area names and the target source the data carries ("RPJMN 2024") are data, not labels.
    leftovers = sorted({s for s in texts(at) for p in pats if p.search(s)})
    assert not leftovers, leftovers
    assert any(t("plan.title", "en") == s for s in texts(at))
    assert first_int(metric(at, "plan.metric_reached", "en")) > 0
