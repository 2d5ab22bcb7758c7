"""Codes and names as tables write them, against the real Kalbar area list."""

from __future__ import annotations

import pytest

from geo.names import NameIndex, code_level, fold, name_key, normalise_code, normalise_name, split_kind


@pytest.mark.parametrize(
    "value, expected",
    [
        ("61.12", "61.12"),
        ("6112", "61.12"),
        (6112, "61.12"),
        (6112.0, "61.12"),
        (61.12, "61.12"),
        (61.1, "61.10"),  # Excel shows the text 61.10 as the number 61.1
        ("61.12.01", "61.12.01"),
        ("611201", "61.12.01"),
        ("61.12.01.2001", "61.12.01.2001"),
        ("6112012001", "61.12.01.2001"),
        (6112012001, "61.12.01.2001"),
        (" '61.12' ", "61.12"),
        ('"6171"', "61.71"),
        ("61 71", "61.71"),
        ("61-12-01", "61.12.01"),
        ("61", "61"),
    ],
)
def test_normalise_code(value, expected):
    assert normalise_code(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "Sambas", "611", "61.123", "6112012", "61.1", "61.12.1", float("nan"), True, -6112.0, "61.12.01.2001.5"],
)
def test_not_a_code(value):
    assert normalise_code(value) is None


def test_code_level():
    assert [code_level(c) for c in ("61", "61.12", "61.12.01", "61.12.01.2001")] == [
        None,
        "kabupaten",
        "kecamatan",
        "desa",
    ]


@pytest.mark.parametrize(
    "text, level, kind, name",
    [
        ("KAB. SAMBAS", "kabupaten", "kabupaten", "sambas"),
        ("Kab Kubu Raya", "kabupaten", "kabupaten", "kubu raya"),
        ("KABUPATEN KUBU RAYA", "kabupaten", "kabupaten", "kubu raya"),
        ("Kubu Raya", "kabupaten", None, "kubu raya"),
        ("Kota Pontianak", "kabupaten", "kota", "pontianak"),
        ("kota  singkawang", "kabupaten", "kota", "singkawang"),
        ("Kec. Sungai Raya", "kecamatan", None, "sungai raya"),
        ("Kecamatan Pontianak Kota", "kecamatan", None, "pontianak kota"),
        ("Desa Sungai Raya", "desa", None, "sungai raya"),
        ("Kel. Benua Melayu Laut", "desa", None, "benua melayu laut"),
        ("KELURAHAN  Benua-Melayu Laut", "desa", None, "benua melayu laut"),
        ("Tua' Abang", "desa", None, "tua abang"),
        ("Sungái  Rayá", "desa", None, "sungai raya"),
        ("Desa", "desa", None, "desa"),  # nothing would remain: the word is the name
    ],
)
def test_normalise_name(text, level, kind, name):
    assert split_kind(text, level) == (kind, name)
    assert normalise_name(text, level) == name


def test_keys_ignore_spaces_and_hyphens():
    assert name_key("Bum-bun", "desa") == name_key("Bumbun", "desa") == "bumbun"
    assert fold("Ingko' Tambe") == "ingko tambe"


@pytest.fixture(scope="module")
def kab_index(areas):
    a = areas("kabupaten")
    return NameIndex.build("kabupaten", zip(a.kode, a.nama, a.jenis, [None] * len(a)))


@pytest.mark.parametrize(
    "text, codes",
    [
        ("KAB. SAMBAS", ("61.01",)),
        ("Kab Kubu Raya", ("61.12",)),
        ("KABUPATEN KUBU RAYA", ("61.12",)),
        ("Kubu Raya", ("61.12",)),
        ("Kota Pontianak", ("61.71",)),
        ("Kabupaten Pontianak", ("61.02",)),
        ("Kab. Mempawah", ("61.02",)),
        ("Singkawang", ("61.72",)),
        ("Pontianak", ("61.02", "61.71")),  # ambiguous: never guessed
        ("Kabupaten Xyz", ()),
    ],
)
def test_kabupaten_lookup(kab_index, text, codes):
    assert kab_index.find(text).codes == codes


def test_former_name_is_reported(kab_index):
    assert kab_index.find("Kabupaten Pontianak").former == "Kabupaten Pontianak"
    assert kab_index.find("Kabupaten Mempawah").former is None
    assert kab_index.find("Pontianak").formers == (("61.02", "Kabupaten Pontianak"),)


def test_kind_mismatch_and_suggestions(kab_index):
    found = kab_index.find("Kota Sambas")
    assert found.codes == () and found.kind_mismatch == ("61.01",)
    assert kab_index.find("Kabupaten Sambass").suggestions == ("61.01",)
    assert kab_index.find("Kabupaten Xyz").suggestions == ()


def test_official_kabupaten_names_in_boundary_data(areas):
    """The names the index is built from: "Kabupaten X" / "Kota X", jenis matching the code."""
    a = areas("kabupaten")
    assert len(a) == 14
    for kode, nama, jenis in zip(a.kode, a.nama, a.jenis):
        assert nama.startswith("Kota " if jenis == "kota" else "Kabupaten "), nama
        assert (jenis == "kota") == (kode in ("61.71", "61.72"))


@pytest.mark.parametrize("level, parent", [("kabupaten", None), ("kecamatan", "kode_kab"), ("desa", "kode_kec")])
def test_every_official_name_finds_itself_within_its_parent(areas, level, parent):
    """Folding never merges two areas under the same parent, so names within parents are unique."""
    a = areas(level)
    parents = list(a[parent]) if parent else [None] * len(a)
    index = NameIndex.build(level, zip(a.kode, a.nama, a.jenis, parents))
    for kode, nama, p in zip(a.kode, a.nama, parents):
        assert index.find(nama, {p} if p else None).codes == (kode,), (kode, nama)
