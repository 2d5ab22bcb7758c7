"""Coverage against target per period, for the province and for one area, from hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.classify import aggregate, classify
from geo.trend import series
from tests.support.apptest import MESSY_TWO_PERIODS, upload
from tests.support.apptest import open_app as app
from tests.support.sample import one_month_csv


def _matched(rows):
    return pd.DataFrame(rows, columns=["kode", "periode", "tenaga_kerja", "peserta_aktif", "target_persen"])


ROWS = _matched(
    [
        ("61.01", "2024-01", 1000, 300, None),
        ("61.12", "2024-01", 3000, 1200, None),
        ("61.01", "2024-02", 1000, 400, None),
        ("61.12", "2024-02", 3000, 1500, 60.0),
        ("61.71", "2024-02", 2000, 500, None),  # Pontianak only reports in the second month
    ]
)


def frames(areas, rows, target=50.24):
    return {p: classify(rows, areas("kabupaten"), target, p) for p in sorted(rows["periode"].unique())}


def test_province_series_is_weighted_by_workers(areas):
    s = series(frames(areas, ROWS), None, 50.24).set_index("periode")
    assert list(s.index) == ["2024-01", "2024-02"]
    assert s.loc["2024-01", "cakupan"] == pytest.approx(1500 / 4000 * 100)
    assert s.loc["2024-02", "cakupan"] == pytest.approx(2400 / 6000 * 100)
    assert s.loc["2024-01", "target"] == pytest.approx(50.24)
    # a row's own target (60% for Kubu Raya) weighs in by its workers
    assert s.loc["2024-02", "target"] == pytest.approx((1000 * 50.24 + 3000 * 60 + 2000 * 50.24) / 6000)
    assert list(s["areas_with_data"]) == [2, 3]


def test_series_is_in_time_order_a_year_after_its_months(areas):
    rows = _matched([("61.01", p, 1000, n, None) for p, n in [("2024", 500), ("2024-12", 450), ("2023-12", 300)]])
    f = {p: classify(rows, areas("kabupaten"), 50.24, p) for p in ("2024", "2024-12", "2023-12")}
    assert list(series(f, None, 50.24)["periode"]) == ["2023-12", "2024-12", "2024"]


def test_area_series_and_periods_without_data(areas):
    f = frames(areas, ROWS)
    kubu = series(f, "61.12", 50.24).set_index("periode")
    assert kubu.loc["2024-01", "cakupan"] == pytest.approx(40.0)
    assert kubu.loc["2024-02", "cakupan"] == pytest.approx(50.0)
    assert kubu.loc["2024-02", "target"] == pytest.approx(60.0)
    pontianak = series(f, "61.71", 50.24)
    assert list(pontianak["periode"]) == ["2024-02"]  # no row in January: no point, not a 0%
    assert series(f, "61.05", 50.24).empty


def test_series_from_desa_rows_rolled_up(areas):
    desa = areas("desa")
    ketapang = desa[desa["kode"].str.startswith("61.04.")]["kode"].head(3).tolist()
    rows = _matched(
        [
            (ketapang[0], "2023", 100, 20, None),
            (ketapang[1], "2023", 300, 60, None),
            (ketapang[0], "2024", 100, 50, None),
            (ketapang[1], "2024", 300, 90, None),
            (ketapang[2], "2024", 200, 100, None),
        ]
    )
    per_desa = {p: classify(rows, desa, 50.24, p) for p in ("2023", "2024")}
    kab = {p: aggregate(f, areas("kabupaten"), "kode_kab", 50.24) for p, f in per_desa.items()}
    from_desa = series(per_desa, "61.04", 50.24)
    from_kab = series(kab, "61.04", 50.24)
    assert list(from_desa["cakupan"]) == pytest.approx([80 / 400 * 100, 240 / 600 * 100])
    assert list(from_kab["cakupan"]) == pytest.approx(list(from_desa["cakupan"]))
    kec = ketapang[0][:8]
    assert series(per_desa, kec, 50.24)["tenaga_kerja"].tolist()[0] == sum(
        tk for k, p, tk, *_ in rows.itertuples(index=False) if p == "2023" and k.startswith(kec + ".")
    )


# --- the chart on the pages (ui/trendchart.py) ------------------------------------------------------------


def _trend_expander(at, n: int = 2):
    from geo.text import t

    prefix = t("trend.title", "id", n=n)
    return [e for e in at.expander if e.label == prefix]


def _captions(exp) -> list[str]:
    """The per-period figures under each chart (plain text elements with a "·"-separated list)."""
    out = []

    def walk(node):
        if type(node).__name__ == "Text" and ": " in node.value and "%" in node.value:
            out.append(node.value)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(exp)
    return out


def test_pages_show_no_trend_with_one_period():
    one = one_month_csv("kabupaten")  # December 2024 of the sample alone
    assert not [e for e in upload(app("screens/kabupaten.py"), "satu.csv", one).expander if "Tren" in e.label]
    assert not [e for e in upload(app("screens/desa.py", kab="61.12"), "satu.csv", one).expander if "Tren" in e.label]


def test_the_samples_trend_is_its_twelve_months():
    """The sample is a monthly history: the pages show its twelve months, the last one the headline's figure
    (December 2024: the public 35,35%), under the sample label."""
    from geo import fmt
    from geo.text import t
    from geo.view import shown

    at = app("screens/kabupaten.py")
    (exp,) = _trend_expander(at, 12)
    (province,) = _captions(exp)
    points = province.split(" · ")
    assert [p.split(": ")[0] for p in points] == [f"{m} 2024" for m in MONTHS_ID]
    assert points[-1] == "Desember 2024: 35,35% / 50,24%"
    assert any(t("sample.banner", "id") in w.value for w in at.warning)
    box = at.selectbox(key="w_period")  # the earlier months are there to pick, the latest is shown
    assert list(box.options) == [f"{m} 2024" for m in MONTHS_ID[:-1]] + ["Desember 2024 (terbaru)"]
    assert box.value == "2024-12"
    at = app("screens/desa.py", kab="61.04")
    (exp,) = _trend_expander(at, 12)
    province, ketapang = _captions(exp)
    v = shown.view("/desa", {"kab": ["61.04"]})
    assert v.data.is_sample and v.period == "2024-12"
    assert ketapang.endswith(f"Desember 2024: {fmt.percent(v.tot.coverage)} / 50,24%")
    assert province.endswith("Desember 2024: 35,35% / 50,24%")


MONTHS_ID = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()


def test_trend_for_province_and_selected_kabupaten_from_an_upload():
    from geo import fmt

    at = upload(app("screens/desa.py", kab="61.12", target="50.24"), "dua periode.csv", MESSY_TWO_PERIODS)
    (exp,) = _trend_expander(at)
    province, kubu = _captions(exp)
    # straight from the table: 2023 has Sambas and Kubu Raya; 2024 adds Kota Pontianak and
    # "Kabupaten Pontianak" (Mempawah)
    p2023 = (81_000 + 110_000) / (300_000 + 290_000) * 100
    p2024 = (90_000 + 98_600 + 160_500 + 40_000) / (300_000 + 290_000 + 300_000 + 140_000) * 100
    assert province == f"2023: {fmt.percent(p2023)} / 50,24% · 2024: {fmt.percent(p2024)} / 50,24%"
    assert kubu == f"2023: {fmt.percent(110_000 / 290_000 * 100)} / 50,24% · 2024: 34,00% / 50,24%"
    assert "Kabupaten Kubu Raya" in [x.value for x in at.text]


def test_trend_from_two_published_periods(tmp_path, monkeypatch):
    """Two versions with one period each: the pages show the trend for everyone, from the store."""
    import time

    from geo import fmt
    from geo.store import open_store
    from geo.view.connection import TOKEN_TTL_S

    url = f"sqlite:///{(tmp_path / 'peta.sqlite').as_posix()}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    store = open_store(url)
    may = b"kode;periode;tenaga_kerja;peserta_aktif\n61.01;Mei 2025;300.000;90.000\n61.12;05/2025;290.000;98.600\n"
    june = b"kode;periode;tenaga_kerja;peserta_aktif\n61.01;2025-06;300.000;120.000\n61.12;2025-06;290.000;110.200\n"
    store.publish(may, "mei.csv", "kabupaten", by="editor1")
    store.publish(june, "juni.csv", "kabupaten", by="editor1")
    time.sleep(TOKEN_TTL_S + 0.1)  # each process looks for new versions at most once per TOKEN_TTL_S
    at = app("screens/kabupaten.py", target="50.24")
    (exp,) = _trend_expander(at)
    (province,) = _captions(exp)
    assert province == (
        f"Mei 2025: {fmt.percent(188_600 / 590_000 * 100)} / 50,24% · "  # two spellings of May: one period
        f"Juni 2025: {fmt.percent(230_200 / 590_000 * 100)} / 50,24%"
    )
    store.dispose()


def test_the_desa_pages_trend_comes_from_the_headlines_level(tmp_path, monkeypatch):
    """Kabupaten and desa tables for twelve months (the sample's history, published): on the desa page of
    Ketapang the trend is summed from the desa tables, so its last point is the headline figure (it came from
    the kabupaten tables: two stories on one page), and says which table it comes from."""
    import time

    from geo import fmt
    from geo.sample import ensure_samples
    from geo.store import open_store
    from geo.text import t
    from geo.view import shown
    from geo.view.connection import TOKEN_TTL_S

    url = f"sqlite:///{(tmp_path / 'peta.sqlite').as_posix()}"
    monkeypatch.setenv("KALBAR_DATABASE_URL", url)
    store = open_store(url)
    kab, desa = (ensure_samples()[lv].read_bytes() for lv in ("kabupaten", "desa"))
    store.publish(kab, "kab_2024.csv", "kabupaten", by="e")
    store.publish(desa, "desa_2024.csv", "desa", by="e", accept_partial=True)
    store.dispose()
    time.sleep(TOKEN_TTL_S + 0.1)
    at = app("screens/desa.py", kab="61.04")
    (exp,) = _trend_expander(at, 12)
    province, ketapang = _captions(exp)
    v = shown.view("/desa", {"kab": ["61.04"]})
    assert v.level == "desa" and ketapang.endswith(f"Desember 2024: {fmt.percent(v.tot.coverage)} / 50,24%")
    notes = " ".join(c.value for c in exp.caption) if hasattr(exp, "caption") else ""
    assert t("trend.from_level", "id", level=t("level.desa", "id"), page_level="").split(",")[0] in notes
