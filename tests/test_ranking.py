"""Ranked tables: order by gap, totals equal the rows, tolerant name search, change since last period."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo import sample
from geo.classify import BELOW, NO_DATA, classify
from geo.ranking import (
    COLUMNS,
    area_table,
    below_count,
    change_since_previous,
    formatted,
    labelled,
    name_matches,
    priorities,
    totals_row,
)


@pytest.fixture(scope="module")
def kab(areas) -> pd.DataFrame:
    table = sample.kabupaten_table().assign(target_persen=np.nan)
    return classify(table[table.kode != "61.09"], areas("kabupaten"))


@pytest.fixture(scope="module")
def desa(areas) -> pd.DataFrame:
    return classify(sample.desa_table().assign(target_persen=np.nan), areas("desa"))


def _hand() -> pd.DataFrame:
    areas = pd.DataFrame(
        {"kode": ["a", "b", "c", "d", "e"], "nama": ["A", "B", "C", "D", "E"], "kode_kab": ["a", "b", "c", "d", "e"]}
    )
    rows = pd.DataFrame(
        {
            "kode": ["a", "b", "c", "d"],
            "tenaga_kerja": [1000, 1000, 100, 1000],
            "peserta_aktif": [350, 900, 10, 350],
            "penerima_bantuan_iuran": [1, 2, 3, 4],
        }
    )
    return classify(rows, areas)


# --- ranking -----------------------------------------------------------------------------


def test_area_table_order_and_rank():
    table = area_table(_hand(), "kabupaten")
    assert list(table.columns[: len(COLUMNS)]) == COLUMNS
    assert "penerima_bantuan_iuran" in table
    # gaps: a 153, b 0, c 41, d 153, e no data
    assert list(table.kode) == ["a", "d", "c", "b", "e"]
    assert list(table.gap.iloc[:4]) == [153, 153, 41, 0]
    assert list(table["rank"].iloc[:4]) == [1, 1, 3, 4]  # ties share the best rank
    assert pd.isna(table["rank"].iloc[4]) and table.status.iloc[4] == NO_DATA
    assert (table.parent == "Kalimantan Barat").all()


def test_area_table_real_kabupaten(kab):
    table = area_table(kab, "kabupaten")
    assert len(table) == 14
    gaps = table.gap.dropna()
    assert list(gaps) == sorted(gaps, reverse=True)
    assert table["rank"].iloc[0] == 1
    assert table.kode.iloc[-1] == "61.09"  # no data goes last


def test_area_table_desa_parent(desa):
    table = area_table(desa, "desa")
    row = table.set_index("kode").loc["61.01.01.2001"]
    assert row.parent == "Sambas, Kabupaten Sambas"
    assert len(table) == 2130


def test_priorities():
    table = area_table(_hand(), "kabupaten")
    top, share = priorities(table, n=2)
    assert list(top.kode) == ["a", "d"]
    assert share == pytest.approx(306 / 347 * 100)
    top_all, share_all = priorities(table, n=10)
    assert list(top_all.kode) == ["a", "d", "c"]  # zero gaps are no priority
    assert share_all == pytest.approx(100)
    none, zero = priorities(table[table.gap == 0], n=5)
    assert none.empty and zero == 0.0


def test_totals_row_is_the_sum_of_rows(kab):
    row = totals_row(kab, "id")
    data = kab[kab.has_data]
    assert row["tenaga_kerja"] == data.tenaga_kerja.sum()
    assert row["peserta_aktif"] == data.peserta_aktif.sum()
    assert row["gap"] == data.gap.sum()
    assert row["cakupan"] == pytest.approx(data.peserta_aktif.sum() / data.tenaga_kerja.sum() * 100)
    assert row["nama"] == "Total pilihan"
    assert row["status"] == BELOW


def test_labelled_with_totals(kab):
    table = area_table(kab, "kabupaten")
    out = labelled(table, "en", with_totals=kab)
    assert len(out) == len(table) + 1
    assert list(out.columns[:4]) == ["Gap rank", "Code", "Area", "Parent"]
    last = out.iloc[-1]
    assert last["Area"] == "Selection total"
    body = out.iloc[:-1]
    assert last["Workers"] == body["Workers"].sum()
    assert last["Active participants"] == body["Active participants"].sum()
    assert last["Gap (people)"] == body["Gap (people)"].sum()
    assert last["Assistance recipients"] == body["Assistance recipients"].sum() > 0
    assert set(body["Status"]) <= {"Below target", "At or above target", "Not reported"}
    assert last["Status"] == "Below target"
    assert pd.api.types.is_numeric_dtype(out["Coverage (%)"])
    assert (out["Coverage (%)"].dropna() == out["Coverage (%)"].dropna().round(2)).all()


def test_formatted_numbers():
    table = area_table(_hand(), "kabupaten")
    out = formatted(table, "id").set_index("kode")
    assert out.loc["a", "tenaga_kerja"] == "1.000"
    assert out.loc["a", "cakupan"] == "35,00%"
    assert out.loc["a", "target_efektif"] == "50,24%"
    assert out.loc["e", "gap"] == "–"
    en = formatted(table, "en").set_index("kode")
    assert en.loc["a", "tenaga_kerja"] == "1,000"


def test_below_count():
    assert below_count(_hand()) == 3


# --- tolerant search ---------------------------------------------------------------------

NAMES = pd.Series(["Sungai Raya", "Kota Pontianak", "Kabupaten Kubu Raya", "Kaliau'", "Sui Ambawang", "Tanjung Bugis"])


def _hits(query: str) -> list[str]:
    return list(NAMES[name_matches(NAMES, query)])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("sungai raya", "Sungai Raya"),
        ("SUNGAI RAYA", "Sungai Raya"),  # case
        ("  sungai    raya  ", "Sungai Raya"),  # extra spaces
        ("Sungái Ráya", "Sungai Raya"),  # accents
        ("pontianek", "Kota Pontianak"),  # one typo
        ("pontinak", "Kota Pontianak"),  # one letter missing
        ("Kab. Kubu Raya", "Kabupaten Kubu Raya"),  # abbreviation and punctuation
        ("kaliau", "Kaliau'"),
        ("ambawang", "Sui Ambawang"),  # a word of the name
        ("bugis", "Tanjung Bugis"),
    ],
)
def test_name_matches_tolerant(query, expected):
    assert expected in _hits(query)


def test_name_matches_rejects_unrelated():
    assert _hits("zzzz") == []
    assert "Tanjung Bugis" not in _hits("pontianak")


def test_empty_query_matches_everything():
    assert name_matches(NAMES, "").all()
    assert name_matches(NAMES, "  ..  ").all()
    assert list(name_matches(NAMES, "raya").index) == list(NAMES.index)


def test_name_matches_on_real_desa(desa):
    hits = desa.nama[name_matches(desa.nama, "kaliau")]
    assert "Kaliau'" in set(hits)
    assert 0 < len(hits) < 50


# --- change since previous period --------------------------------------------------------


def test_change_since_previous():
    matched = pd.DataFrame(
        {
            "kode": ["a", "a", "b", "b", "c"],
            "periode": ["2023", "2024", "2023", "2024", "2024"],
            "tenaga_kerja": [100, 100, 200, 0, 50],
            "peserta_aktif": [30, 35, 50, 0, 10],
        }
    )
    change = change_since_previous(matched, "2024", ["2023", "2024"])
    assert change["a"] == pytest.approx(5.0)
    assert math.isnan(change["b"])  # no workers now: no change figure, not -25
    assert math.isnan(change.get("c", float("nan")))  # no previous figure
    assert change_since_previous(matched, "2023", ["2023", "2024"]).empty
    assert change_since_previous(matched, "2022", ["2023", "2024"]).empty


def test_change_since_previous_is_by_time_not_text():
    """A year follows its months (geo.period): "2024" after "2024-06", though it sorts first as text."""
    matched = pd.DataFrame(
        {"kode": ["a", "a", "a"], "periode": ["2024-05", "2024-06", "2024"], "tenaga_kerja": [100] * 3,
         "peserta_aktif": [20, 30, 45]}
    )  # fmt: skip
    assert change_since_previous(matched, "2024", ["2024", "2024-05", "2024-06"])["a"] == pytest.approx(15.0)
    assert change_since_previous(matched, "2024-06", ["2024", "2024-06", "2024-05"])["a"] == pytest.approx(10.0)
    assert change_since_previous(matched, "2024-05", ["2024", "2024-06", "2024-05"]).empty
