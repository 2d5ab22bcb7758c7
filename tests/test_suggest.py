"""Suggestions for unsettled rows (rapidfuzz, within the row's parents) and aliases in the join."""

from __future__ import annotations

from geo.join import AliasRule, join
from geo.suggest import MIN_SCORE, suggest
from geo.table import read_table


def _desa(areas, kode: str):
    d = areas("desa")
    return d[d["kode"] == kode].iloc[0]


def test_misspelt_desa_gets_its_own_area_first_and_only_within_its_kecamatan(areas):
    row = _desa(areas, "61.12.01.2001")
    typo = row.nama[:-1] + "x" + row.nama[-1]  # one letter inserted
    csv = (
        f"kabupaten,kecamatan,desa,periode,tenaga_kerja,peserta_aktif\n"
        f"{row.nama_kab},{row.nama_kec},{typo},2024,100,40\n"
    ).encode()
    table = read_table(csv, filename="d.csv")
    result = join(table, "desa", areas("desa"))
    assert result.summary()["unmatched"] == 1
    found = suggest(table, result, areas("desa"))[2]
    assert found[0]["kode"] == "61.12.01.2001" and found[0]["score"] > 85
    assert all(s["kode"].startswith("61.12.01.") for s in found)  # within the kecamatan the row names
    assert row.nama_kec in found[0]["where"] and 1 <= len(found) <= 5
    assert all(s["score"] >= MIN_SCORE for s in found)  # only close names, never padding up to the limit


def test_without_parents_every_area_of_the_level_is_a_candidate(areas):
    table = read_table(
        b"kabupaten,periode,tenaga_kerja,peserta_aktif\nKetapanng,2024,10,5\nKubu Raya,2024,10,5\n", filename="k.csv"
    )
    result = join(table, "kabupaten", areas("kabupaten"))
    out = suggest(table, result, areas("kabupaten"), limit=3)
    assert list(out) == [2]  # matched rows get none
    assert out[2][0]["kode"] == "61.04" and all(s["score"] >= MIN_SCORE for s in out[2])


def test_an_unknown_name_gets_no_suggestion_below_the_threshold(areas):
    table = read_table(b"kabupaten,periode,tenaga_kerja,peserta_aktif\nXyz,2024,10,5\n", filename="x.csv")
    result = join(table, "kabupaten", areas("kabupaten"))
    assert suggest(table, result, areas("kabupaten")) == {2: []}


def test_ambiguous_candidates_come_first_and_a_row_without_a_name_gets_none(areas):
    table = read_table(
        b"kode,kabupaten,periode,tenaga_kerja,peserta_aktif\n,Pontianak,2024,10,5\n6199,,2024,10,5\n", filename="p.csv"
    )
    result = join(table, "kabupaten", areas("kabupaten"))
    out = suggest(table, result, areas("kabupaten"))
    assert [s["kode"] for s in out[2][:2]] == ["61.02", "61.71"] and out[2][0]["score"] == 100.0
    assert out[3] == []


def test_aliases_settle_only_what_the_rules_cannot(areas):
    csv = (
        b"kabupaten,periode,tenaga_kerja,peserta_aktif\nPontianak,2024,10,5\n"
        b"Kota Pontianak,2024,10,5\nKab. Sambass,2024,10,5\n"
    )
    table = read_table(csv, filename="a.csv")
    plain = join(table, "kabupaten", areas("kabupaten"))
    assert plain.report["status"].tolist() == ["ambiguous", "matched", "unmatched"]
    rules = [
        AliasRule("Pontianak", "61.02"),
        AliasRule("SAMBASS", "61.01"),
        AliasRule("Kota Pontianak", "61.02"),
        AliasRule("Gone", "61.99"),
    ]
    with_alias = join(table, "kabupaten", areas("kabupaten"), aliases=rules)
    report = with_alias.report
    # rows 2 and 4 by alias ("Kab. Sambass" = "SAMBASS": kind word, case); row 3 by its own name, not the alias
    assert report["kode"].tolist() == ["61.02", "61.71", "61.01"]
    assert report["reason_code"].tolist() == ["store.reason.alias", "join.reason.by_name", "store.reason.alias"]
    assert any("alias" in w for w in with_alias.warnings)  # the report says which rows an alias settled


def test_alias_with_a_parent_applies_only_within_it(areas):
    row = _desa(areas, "61.12.01.2001")
    csv = (
        f"kabupaten,kecamatan,desa,periode,tenaga_kerja,peserta_aktif\n"
        f"{row.nama_kab},{row.nama_kec},Kampung Lamaq,2024,10,5\n"
    ).encode()
    table = read_table(csv, filename="d.csv")
    inside = join(table, "desa", areas("desa"), aliases=[AliasRule("Kampung Lamaq", "61.12.01.2001", "61.12.01")])
    assert inside.report["kode"].tolist() == ["61.12.01.2001"]
    d = areas("desa")
    elsewhere = d[d["kode_kec"] != "61.12.01"].iloc[0]  # a real desa of another kecamatan
    other = join(table, "desa", areas("desa"), aliases=[AliasRule("Kampung Lamaq", elsewhere.kode, elsewhere.kode_kec)])
    assert other.report["status"].tolist() == ["unmatched"]
    # the same alias, when the row names that other kecamatan, applies
    moved = (
        csv.decode()
        .replace(str(row.nama_kab), str(elsewhere.nama_kab))
        .replace(str(row.nama_kec), str(elsewhere.nama_kec))
    )
    there = join(
        read_table(moved.encode(), filename="e.csv"),
        "desa",
        areas("desa"),
        aliases=[AliasRule("Kampung Lamaq", elsewhere.kode, elsewhere.kode_kec)],
    )
    assert there.report["kode"].tolist() == [elsewhere.kode]
