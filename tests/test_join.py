"""Joining messy tables to the real Kalbar areas: every row accounted for, nothing guessed."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.join import MATCHED_COLUMNS, REPORT_COLUMNS, STATUSES, best_level, join
from geo.sample import ensure_samples
from geo.table import TableError, read_table


def _join(text: str, level: str, areas) -> tuple:
    table = read_table(text.lstrip("\n").encode("utf-8"))
    result = join(table, level, areas(level))
    return table, result


def _row(result, baris: int) -> dict:
    rows = result.report[result.report["baris"] == baris].to_dict(orient="records")
    assert len(rows) == 1
    return rows[0]


# --- kabupaten names and codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "column, value, kode, reason",
    [
        ("kabupaten", "KAB. SAMBAS", "61.01", "join.reason.by_name"),
        ("kabupaten", "Kab Kubu Raya", "61.12", "join.reason.by_name"),
        ("kabupaten", "KABUPATEN KUBU RAYA", "61.12", "join.reason.by_name"),
        ("kabupaten", "Kubu Raya", "61.12", "join.reason.by_name"),
        ("kabupaten", "Kota Pontianak", "61.71", "join.reason.by_name"),
        ("kabupaten", "Kota Singkawang", "61.72", "join.reason.by_name"),
        ("kabupaten", "Kabupaten Pontianak", "61.02", "join.reason.former_name"),
        ("kabupaten", "Kab. Mempawah", "61.02", "join.reason.by_name"),
        ("kode", "6171", "61.71", "join.reason.by_code"),
        ("kode", "61.71", "61.71", "join.reason.by_code"),
        ("kode", "'61.12", "61.12", "join.reason.by_code"),
        ("kabupaten", "6171", "61.71", "join.reason.by_code"),  # a code written in the name column
        ("wilayah", "Kab. Kayong Utara", "61.11", "join.reason.by_name"),  # a generic name column
    ],
)
def test_kabupaten_variants_match(areas, column, value, kode, reason):
    _, result = _join(f"{column},tenaga_kerja,peserta_aktif\n{value},1000,300\n", "kabupaten", areas)
    row = _row(result, 2)
    assert (row["status"], row["kode"], row["reason_code"], row["input"]) == ("matched", kode, reason, value)
    assert list(result.matched["kode"]) == [kode]


def test_bare_pontianak_is_ambiguous_with_both_candidates(areas):
    _, result = _join("kabupaten,tenaga_kerja,peserta_aktif\nPontianak,1000,300\n", "kabupaten", areas)
    row = _row(result, 2)
    assert row["status"] == "ambiguous" and pd.isna(row["kode"])
    assert row["candidates"] == ["61.02 Kabupaten Mempawah", "61.71 Kota Pontianak"]
    assert "Kabupaten Pontianak" in row["reason"] and "61.71 Kota Pontianak" in row["reason"]
    assert result.matched.empty


@pytest.mark.parametrize(
    "value, reason, candidates",
    [
        ("Kabupaten Xyz", "join.reason.name_unknown", []),
        ("Kabupaten Sambass", "join.reason.name_unknown_suggest", ["61.01 Kabupaten Sambas"]),
        ("Kota Sambas", "join.reason.kind_mismatch", ["61.01 Kabupaten Sambas"]),
        ("Jumlah", "join.reason.total_row", []),
        ("Kalimantan Barat", "join.reason.total_row", []),
    ],
)
def test_kabupaten_unmatched_with_reason(areas, value, reason, candidates):
    _, result = _join(f"kabupaten,tenaga_kerja,peserta_aktif\n{value},1000,300\n", "kabupaten", areas)
    row = _row(result, 2)
    assert (row["status"], row["reason_code"], row["candidates"]) == ("unmatched", reason, candidates)
    assert value in row["input"]


@pytest.mark.parametrize(
    "kode, reason",
    [
        ("61.99", "join.reason.code_unknown"),
        ("61.12.01", "join.reason.code_wrong_level"),
        ("6112012001", "join.reason.code_wrong_level"),
        ("611", "join.reason.code_invalid"),
        ("Sambas?", "join.reason.code_invalid"),
        ("61", "join.reason.total_row"),
    ],
)
def test_bad_codes_are_unmatched_with_reason(areas, kode, reason):
    _, result = _join(f"kode,tenaga_kerja,peserta_aktif\n{kode},1000,300\n", "kabupaten", areas)
    row = _row(result, 2)
    assert (row["status"], row["reason_code"]) == ("unmatched", reason)


def test_code_wins_over_a_different_name_and_says_so(areas):
    _, result = _join("kode,kabupaten,tenaga_kerja,peserta_aktif\n61.01,Kubu Raya,1000,300\n", "kabupaten", areas)
    row = _row(result, 2)
    assert (row["status"], row["kode"], row["reason_code"]) == ("matched", "61.01", "join.reason.code_name_differs")
    assert any("Kubu Raya" in w for w in result.warnings)


def test_bad_code_falls_back_to_the_name_and_says_so(areas):
    _, result = _join("kode,kabupaten,tenaga_kerja,peserta_aktif\n61.99,Kab. Sambas,1000,300\n", "kabupaten", areas)
    row = _row(result, 2)
    assert (row["status"], row["kode"], row["reason_code"]) == ("matched", "61.01", "join.reason.name_after_bad_code")
    assert "61.99" in row["reason"]


def test_code_and_former_name_agree(areas):
    _, result = _join(
        "kode,kabupaten,tenaga_kerja,peserta_aktif\n61.02,Kabupaten Pontianak,1000,300\n", "kabupaten", areas
    )
    assert _row(result, 2)["reason_code"] == "join.reason.by_code"


# --- kecamatan and desa ------------------------------------------------------------------------------


def test_kecamatan_name_needs_its_kabupaten_when_shared(areas):
    text = (
        "kabupaten,kecamatan,tenaga_kerja,peserta_aktif\n,Sungai Raya,10,5\n"
        "Kab. Kubu Raya,Sungai Raya,10,5\nBengkayang,Kec. Sungai Raya,10,5\n"
    )
    _, result = _join(text, "kecamatan", areas)
    assert _row(result, 2)["status"] == "ambiguous"
    assert [c.split()[0] for c in _row(result, 2)["candidates"]] == ["61.07.01", "61.12.01"]
    assert _row(result, 3)["kode"] == "61.12.01" and _row(result, 4)["kode"] == "61.07.01"


DESA = """
kode,kabupaten,kecamatan,desa,tenaga_kerja,peserta_aktif
6112012002,,,,100,40
61.12.01.2002,,,,100,40
,Kubu Raya,Sungai Raya,Kapur,100,40
,,,Sungai Raya,100,40
,Kubu Raya,,Sungai Raya,100,40
,Sambas,,Kapur,100,40
,Kubu Raya,Sungai Rayaa,Kapur,100,40
6112010001,,,,100,40
61.12.01,,,,100,40
,Kubu Raya,Sungai Raya,Kapurr,100,40
"""


def test_desa_codes_and_names_within_parents(areas):
    _, result = _join(DESA, "desa", areas)
    r = {b: _row(result, b) for b in range(2, 12)}
    # Kemendagri code without dots, as BPS-style digits
    assert (r[2]["status"], r[2]["kode"], r[2]["nama"], r[2]["input"]) == (
        "matched",
        "61.12.01.2002",
        "Sungai Ambangah",
        "6112012002",
    )
    assert r[3]["status"] == "duplicate" and r[3]["kode"] == "61.12.01.2002" and "2" in r[3]["reason"]
    assert (r[4]["status"], r[4]["kode"], r[4]["input"]) == (
        "matched",
        "61.12.01.2008",
        "Kubu Raya / Sungai Raya / Kapur",
    )
    # "Sungai Raya" is a desa in several kecamatan: ambiguous without parents, candidates name their parents
    assert r[5]["status"] == "ambiguous" and len(r[5]["candidates"]) == 4
    assert "61.12.01.2001 Sungai Raya (Sungai Raya, Kabupaten Kubu Raya)" in r[5]["candidates"]
    assert (r[6]["status"], r[6]["kode"]) == ("matched", "61.12.01.2001")  # unique within Kubu Raya
    assert (r[7]["status"], r[7]["reason_code"]) == ("unmatched", "join.reason.not_in_parent")
    assert r[7]["candidates"] == ["61.12.01.2008 Kapur (Sungai Raya, Kabupaten Kubu Raya)"]
    assert (r[8]["status"], r[8]["reason_code"]) == ("unmatched", "join.reason.parent_unknown")
    assert (r[9]["status"], r[9]["reason_code"]) == ("unmatched", "join.reason.code_bps")
    assert (r[10]["status"], r[10]["reason_code"]) == ("unmatched", "join.reason.code_wrong_level")
    assert (r[11]["status"], r[11]["reason_code"]) == ("unmatched", "join.reason.name_unknown_suggest")
    assert result.summary() == {
        "rows": 10,
        "matched": 3,
        "unmatched": 5,
        "ambiguous": 1,
        "invalid": 0,
        "duplicate": 1,
        "left_out": 7,
    }


# --- invalid rows, duplicates, result shape ----------------------------------------------------------


def test_invalid_rows_carry_the_issue(areas):
    text = (
        "kabupaten,periode,tenaga_kerja,peserta_aktif\n"
        "Kota Pontianak,2024,100,150\nKab. Sambas,2024,abc,1\n,2024,10,5\n"
    )
    table, result = _join(text, "kabupaten", areas)
    r2, r3, r4 = (_row(result, b) for b in (2, 3, 4))
    assert r2["status"] == "invalid" and r2["kode"] == "61.71" and "150" in r2["reason"]
    assert r3["status"] == "invalid" and "abc" in r3["reason"] and r3["reason_code"] == "join.reason.invalid"
    assert r4["status"] == "invalid"
    assert result.matched.empty and result.summary()["invalid"] == 3
    assert "invalid row" in result.report_messages("en").loc[0, "reason"]


def test_two_spellings_of_one_area_are_a_duplicate(areas):
    text = (
        "kabupaten,periode,tenaga_kerja,peserta_aktif\n6171,2024,100,50\n"
        "Kota Pontianak,2024,100,60\nKota Pontianak,2025,100,70\n"
    )
    table, result = _join(text, "kabupaten", areas)
    assert not table.errors  # the table cannot know they are the same area; the join does
    second = _row(result, 3)
    assert (second["status"], second["kode"], second["reason_code"]) == ("duplicate", "61.71", "join.reason.duplicate")
    assert "2" in second["reason"]
    assert list(zip(result.matched["kode"], result.matched["periode"], result.matched["peserta_aktif"])) == [
        ("61.71", "2024", 50),
        ("61.71", "2025", 70),
    ]


def test_table_level_duplicate_is_reported_as_duplicate(areas):
    table, result = _join("kode,tenaga_kerja,peserta_aktif\n61.01,100,50\n61.01,100,60\n", "kabupaten", areas)
    assert [i.code for i in table.errors] == ["table.duplicate"]
    assert list(result.report["status"]) == ["matched", "duplicate"]
    assert result.matched["peserta_aktif"].tolist() == [50]


def test_result_shape(areas):
    text = (
        "kode,periode,tenaga_kerja,peserta_aktif,target_persen,penerima_bantuan_iuran\n"
        "61.01,2024,100,50,45,10\n61.02,2024,100,20,,\n61.01,2025,100,60,,\n"
    )
    _, result = _join(text, "kabupaten", areas)
    assert list(result.report.columns) == REPORT_COLUMNS
    assert list(result.matched.columns) == MATCHED_COLUMNS
    assert result.matched["baris"].tolist() == [2, 3, 4]
    assert result.matched["target_persen"].iloc[0] == 45 and pd.isna(result.matched["target_persen"].iloc[1])
    assert set(result.areas_without_data) == {"2024", "2025"}
    assert len(result.areas_without_data["2024"]) == 12 and "61.01" not in result.areas_without_data["2024"]
    assert len(result.areas_without_data["2025"]) == 13
    assert set(result.summary()) == {"rows", *STATUSES, "left_out"}
    assert result.level == "kabupaten"


def test_report_in_both_languages(areas):
    _, result = _join(
        "kabupaten,tenaga_kerja,peserta_aktif\nKabupaten Xyz,10,5\nKab. Sambas,10,5\n", "kabupaten", areas
    )
    ids, en = result.report_messages("id"), result.report_messages("en")
    assert ids.loc[0, "reason"] == 'nama "Kabupaten Xyz" tidak ditemukan'
    assert en.loc[0, "reason"] == 'name "Kabupaten Xyz" not found'
    assert (ids["status"] == en["status"]).all() and en.loc[1, "reason"] == "matched by name"


def test_default_areas_come_from_the_cache(areas):
    table = read_table(b"kode,tenaga_kerja,peserta_aktif\n61.01,10,5\n")
    assert join(table, "kabupaten").summary()["matched"] == 1


# --- every row exactly once --------------------------------------------------------------------------

MESSY_ROWS = [
    "61.01,,2024,100,50",
    "6171,,2024,100,50",
    ",KAB. SAMBAS,2024,100,50",
    ",Pontianak,2024,100,50",
    ",Kabupaten Pontianak,2024,100,50",
    ",Kabupaten Xyz,2024,100,50",
    ",Kab Kubu Raya,2024,26.373,1.000",
    "61.12,,2024,100,150",
    ",Kota Singkawang,2024,abc,5",
    ",,2024,100,50",
    "61.99,,2024,100,50",
    "61.12.01,,2024,100,50",
    ",Kota Pontianak,2025,100,50",
    ",,,,",
    ",Jumlah,2024,1000,500",
    "61.05,Sintang,,100,50",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(MESSY_ROWS), max_size=14), st.booleans())
def test_every_non_empty_row_appears_exactly_once(areas, rows, titled):
    head = "Laporan cakupan\n\n" if titled else ""
    text = head + "kode,kabupaten,periode,tenaga_kerja,peserta_aktif\n" + "\n".join(rows) + "\n"
    offset = 2 + (2 if titled else 0)
    expected = [offset + i for i, r in enumerate(rows) if r.strip(",")]
    try:
        table = read_table(text.encode("utf-8"))
    except TableError as exc:
        assert not expected and exc.code == "table.no_rows"
        return
    result = join(table, "kabupaten", areas("kabupaten"))
    assert len(result.report) == len(expected)
    assert result.report["baris"].tolist() == expected
    assert set(result.report["status"]) <= set(STATUSES)
    summary = result.summary()
    assert summary["rows"] == sum(summary[s] for s in STATUSES) == len(expected)
    assert len(result.matched) == summary["matched"]
    assert not result.matched.duplicated(["kode", "periode"]).any()
    assert set(result.matched["baris"]) <= set(result.report.loc[result.report["status"] == "matched", "baris"])


# --- the shipped sample tables -----------------------------------------------------------------------


@pytest.mark.parametrize("level, areas_count", [("kabupaten", 14), ("desa", 2130)])
def test_sample_tables_join_without_problems(areas, level, areas_count):
    """Twelve months of every area, a few rows missing (as real recaps): every row matches, every area has data
    in December, and the areas missing a month are named for that month."""
    table = read_table(ensure_samples()[level])
    assert not [i for i in table.issues if i.severity in ("error", "warning")]
    count = len(table.data)
    assert areas_count * 11 < count < areas_count * 12
    result = join(table, level, areas(level))
    assert result.summary() == {
        "rows": count,
        "matched": count,
        "unmatched": 0,
        "ambiguous": 0,
        "invalid": 0,
        "duplicate": 0,
        "left_out": 0,
    }
    assert set(result.matched["kode"]) == set(areas(level)["kode"])
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    assert set(result.areas_without_data) == set(months) and not result.warnings
    assert result.areas_without_data["2024-12"] == []
    assert sum(len(v) for v in result.areas_without_data.values()) == areas_count * 12 - count


@pytest.mark.parametrize("level", ["kabupaten", "kecamatan", "desa"])
def test_templates_join_cleanly(areas, level):
    from geo.table import template_csv

    result = join(read_table(template_csv(level).encode("utf-8")), level, areas(level))
    assert result.summary()["matched"] == result.summary()["rows"] >= 1
    assert set(result.report["reason_code"]) == {"join.reason.by_code"}  # codes and names agree


def test_best_level_names_the_level_a_table_belongs_to(areas):
    """A kabupaten table fits the kabupaten level only; a desa table's kabupaten column (14 areas named 2,130
    times) does not make it a kabupaten table."""
    levels = {lv: areas(lv) for lv in ("kabupaten", "kecamatan", "desa")}
    kab = best_level(read_table(ensure_samples()["kabupaten"]), levels)
    rows = len(read_table(ensure_samples()["kabupaten"]).data)  # 14 areas, twelve months
    assert kab.placed == {"kabupaten": rows, "kecamatan": 0, "desa": 0}
    assert kab.better_than("desa") == "kabupaten" and kab.better_than("kabupaten") is None
    desa = best_level(read_table(ensure_samples()["desa"]), levels)
    assert desa.placed["kabupaten"] == 0 and desa.better_than("kabupaten") == "desa"
    few = best_level(read_table(b"kode,tenaga_kerja,peserta_aktif\n61.99,10,5\n", filename="x.csv"), levels)
    assert few.best is None and few.better_than("desa") is None  # nothing fits anywhere: no level proposed
