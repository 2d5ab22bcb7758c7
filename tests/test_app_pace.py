"""The pace colouring on the map pages (``?color=pace``): legend, "paling tertinggal" and the sentence agree with
``geo.pace`` on a published monthly history (six months, one month missing for some areas) and a schedule to 2029."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import maps, pace, style, viewstate
from geo.targets import read_schedule
from geo.text import t
from geo.view import inforce, shown
from tests.support.apptest import open_app, shown_with, texts
from tests.support.pace import DESA, KAB, SCHEDULE, frames, publish_history
from ui import monev


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('pace') / 'peta.sqlite'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("KALBAR_DATABASE_URL", url)
    publish_history(url)
    yield url
    mp.undo()


def expected(level: str) -> pd.DataFrame:
    return pace.by_area(frames(KAB if level == "kabupaten" else DESA), read_schedule(SCHEDULE))


def test_the_view_joins_geo_paces_figures_and_colours_by_status(history):
    v = shown.view("/desa", {"kab": "61.04", "color": "pace"})
    assert v.state.color == "pace" and v.opts.color == "pace" and v.opts.pace_year == 2025
    want = expected("desa").set_index("kode")
    got = v.frame.set_index("kode")
    for kode, row in want.iterrows():
        assert got.at[kode, "status_laju"] == row["status"]
        assert got.at[kode, "laju_per_bulan"] == pytest.approx(row["laju_per_bulan"])
        assert got.at[kode, "titik"] == row["titik"]
    assert (got.drop(index=want.index)["status_laju"] == pace.NO_DATA).all()  # the other 254 desa: no data
    assert want.at["61.04.01.2012", "titik"] == 5 and want.at["61.04.01.2014", "status"] == pace.NEVER
    # the legend names the mode, its year and every status; no coverage hatching over the classes
    html = maps.legend_html(v.opts, False, *maps.payload_style(shown.map_parts(v)[0]))
    assert "Laju terhadap kebutuhan — target 2025" in html
    for s in style.PACE_STATUSES:
        assert t(f"pace.status.{s}", "id") in html
    assert maps.payload_style(shown.map_parts(v)[0]) == (style.MARK_NONE, "pace")
    # each desa's fill is its status's colour
    import json

    features = maps.rows_of(json.loads(shown.map_parts(v)[1]))
    fills = {f[0]: f[7] for f in features}
    tips = {f[0]: f[9] for f in features}
    for kode, row in want.iterrows():
        assert fills[kode] == style.pace_color(row["status"])
        assert tips[kode].endswith(" · " + t(f"pace.status.{row['status']}", "id"))  # the tooltip says the pace
    assert json.loads(shown.map_parts(v)[0])["labels"]["change"] == "Laju (target 2025)"


def test_the_url_round_trips():
    state, problems = viewstate.parse({"color": "pace"}, default=shown.default("desa"))
    assert not problems and state.color == "pace"
    assert viewstate.to_query(state, shown.default("desa")) == {"color": "pace"}


def test_desa_page_ranking_and_sentence_agree_with_geo_pace(history):
    at = open_app("screens/desa.py", kab="61.04", color="pace")
    every = texts(at)
    scope = pace.total(frames(DESA), read_schedule(SCHEDULE), "61.04")
    name = pace.area_name("Kabupaten Ketapang", "61.04", "desa", frames(DESA), "id")
    assert name == "Kabupaten Ketapang (8 desa/kelurahan yang melapor)"  # summed from its desa, said so
    sentence = pace.sentence(scope, name, "id")
    assert sentence in every
    assert sentence.startswith(name + " butuh ") and "untuk target 2025; laju sekarang " in sentence
    province = pace.total(frames(KAB), read_schedule(SCHEDULE))
    assert pace.sentence(province, t("level.provinsi", "id"), "id") in every
    # "paling tertinggal": the desa in view by shortfall of pace, as geo.pace ranks them
    want = pace.shortfall_ranking(expected("desa"))
    names = inforce.areas("desa").set_index("kode")["nama"]
    raw, cells = shown_with(at, t("pace.col.shortfall", "id"))
    assert raw[t("col.nama", "id")].tolist() == [names[k] for k in want["kode"]]
    assert raw[t("pace.col.shortfall", "id")].tolist() == [round(x) for x in want["kekurangan_laju"]]
    assert raw[t("pace.col.status", "id")].tolist() == [t(f"pace.status.{s}", "id") for s in want["status"]]
    assert any(c.startswith("Tingkat Desa/Kelurahan · laju = kemiringan") and "versi" in c for c in every)
    assert "6 bulan terakhir (Januari 2025 – Juni 2025)" in " ".join(every)
    charts = [c.proto for c in at.get("vega_lite_chart")]  # the path chart: Ketapang and the province
    specs = [str(getattr(c, "spec", "")) + str(getattr(c, "datasets", "")) for c in charts]
    assert sum(t("pace.line.needed", "id") in s for s in specs) == 2
    # people on the axis as the page writes them ("25.000"), not Vega's "25,000" (drawn: tests/test_browser_monev.py)
    assert sum(monev.THOUSANDS_ID in c.spec for c in charts) == 2


def test_the_pace_of_every_area_downloads_with_its_stamp(history, media):
    at = open_app("screens/desa.py", kab="61.04", color="pace")
    button = next(b for b in at.get("download_button") if b.label == f"{t('pace.download', 'id')} (CSV)")
    text = media(button).decode("utf-8-sig")
    assert "versi" in text and "Tim Data Disnaker" in text  # the stamp line, then the data
    want = expected("desa")
    behind = pace.shortfall_ranking(want)
    names = inforce.areas("desa").set_index("kode")["nama"]
    import csv
    import io

    cells = [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]
    assert cells[0][1] == t("col.nama", "id") and cells[1][1] == names[behind["kode"].iloc[0]]  # furthest behind first
    assert len(cells) == 1 + 262  # every desa of Ketapang, those without figures too


def test_kabupaten_page_in_english(history):
    at = open_app("screens/kabupaten.py", color="pace", lang="en")
    every = texts(at)
    province = pace.total(frames(KAB), read_schedule(SCHEDULE))
    assert pace.sentence(province, t("level.provinsi", "en"), "en") in every
    want = pace.shortfall_ranking(expected("kabupaten"))
    names = inforce.areas("kabupaten").set_index("kode")["nama"]
    raw, _cells = shown_with(at, t("pace.col.shortfall", "en"))
    assert raw[t("col.nama", "en")].tolist() == [names[k] for k in want["kode"]]
    assert "61.05" in set(expected("kabupaten").query("status == 'never'")["kode"])  # falling, with a gap


def test_the_picture_of_a_pace_view_draws_its_statuses(history):
    from geo.render import build_figure

    v = shown.view("/desa", {"kab": "61.04", "color": "pace"})
    fig = build_figure(v.frame, v.level, **{k: a for k, a in v.render_args().items() if k != "months"})
    words = [x.get_text() for x in fig.texts]
    assert any(w.startswith("Laju terhadap") for w in words)  # the legend's title (wrapped)
    assert {f"pace.status.{s}" for s in style.PACE_STATUSES} <= fig.pjk.keys
    fills = {
        tuple(round(c, 3) for c in fc[:3]) for ax in fig.axes for coll in ax.collections for fc in coll.get_facecolors()
    }
    import matplotlib.colors as mc

    for s in set(expected("desa")["status"]):
        assert tuple(round(c, 3) for c in mc.to_rgb(style.pace_color(s))) in fills


def test_kecamatan_pace_is_summed_from_its_desa(history):
    """The kecamatan level has no table of its own: its series is its desa's, summed per period (areas with both
    figures only, as the classification rolls up), then the same pace."""
    v = shown.view("/desa", {"kab": "61.04", "level": "kecamatan", "color": "pace"})
    assert v.level == "kecamatan"
    summed = {
        p: f.assign(kode=f["kode"].str[:8]).groupby("kode", as_index=False)[["tenaga_kerja", "peserta_aktif"]].sum()
        for p, f in frames(DESA).items()
    }
    want = pace.by_area(summed, read_schedule(SCHEDULE)).set_index("kode")
    got = v.frame.set_index("kode")
    assert set(want.index) == {"61.04.01", "61.04.02"}
    for kode, row in want.iterrows():
        assert got.at[kode, "laju_per_bulan"] == pytest.approx(row["laju_per_bulan"])
        assert got.at[kode, "status_laju"] == row["status"] and got.at[kode, "titik"] == row["titik"]


def test_the_summary_page_says_the_provinces_path_and_opens_the_pace_map(history):
    """Ringkasan, the page a leader opens first: the province's sentence and its status for this year's and the
    schedule's last target (geo.pace's, as on the budget sheets), and a link to the kabupaten page in pace colours
    that keeps the view's language."""
    at = open_app("screens/ringkasan.py", lang="en")
    province = pace.total(frames(KAB), read_schedule(SCHEDULE))
    lines = pace.sheet_lines(province, t("level.provinsi", "en"), "en")
    assert len(lines) == 3 and "\n".join(lines) in texts(at)  # this year (2025) and 2029
    said = t("pace.caption", "en", level=t("level.kabupaten", "en"), window="@").split("@")[0]
    assert any(s.startswith(said) for s in texts(at))  # which level and window the figures come from
    link = next(e for e in at.get("page_link") if e.proto.label == t("pace.open", "en"))
    assert "kabupaten" in link.proto.page
    query = dict(p.split("=", 1) for p in link.proto.query_string.split("&") if "=" in p)
    assert query.get("color") == "pace" and query.get("lang") == "en"
    present = open_app("screens/ringkasan.py", present="1")  # presentation mode: the map alone
    assert "\n".join(pace.sheet_lines(province, t("level.provinsi", "id"), "id")) not in texts(present)
