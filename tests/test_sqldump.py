"""The MySQL-dump reader: hand-made dumps with known values, and the real upstream files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from geo.source import load_upstream
from geo.sqldump import Record, parse_dump, path_depth

SOURCE = Path(
    os.environ.get("KALBAR_BOUNDARY_SOURCE")
    or Path(__file__).resolve().parents[2] / "shared" / "data" / "wilayah_boundaries"
)

DUMP = """/*
header comment with a fake row inside: ('99.99','Not a row',1.0,2.0,'[[[0,0],[0,1],[1,1],[0,0]]]')
*/
INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES
\t('61.71','Kota Pontianak',-0.03,109.33,'[[[-0.03,109.3],[-0.03,109.4],[0.05,109.4],[-0.03,109.3]]]'),
\t('61.01.09.2001','Kaliau''',1.5863546837987457,109.5921412689521,'[[[[1.0,109.0],[1.0,109.1],[1.1,109.1],[1.0,109.0]]],[[[2.0,110.0],[2.0,110.1],[2.1,110.1],[2.0,110.0]]]]');
INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES
('61.02.01','Tua'' Abang''s',  -1.5e-1 , +1.09E2 ,\
'[[[0,0],[0,1],[1,1],[0,0]],[[0.1,0.2],[0.1,0.3],[0.2,0.3],[0.1,0.2]]]');
"""


def test_parse_hand_made_dump_values():
    records = list(parse_dump(DUMP))
    assert [r.kode for r in records] == ["61.71", "61.01.09.2001", "61.02.01"]  # header comment skipped
    first = records[0]
    assert isinstance(first, Record)
    assert first.nama == "Kota Pontianak"
    assert (first.lat, first.lng) == (-0.03, 109.33)
    # path is kept as upstream wrote it: [lat, lng] pairs
    assert first.path[0][0] == [-0.03, 109.3]


def test_sql_escaped_apostrophes_are_unescaped():
    records = {r.kode: r for r in parse_dump(DUMP)}
    assert records["61.01.09.2001"].nama == "Kaliau'"
    assert records["61.02.01"].nama == "Tua' Abang's"


def test_numbers_with_sign_and_exponent():
    r = {r.kode: r for r in parse_dump(DUMP)}["61.02.01"]
    assert r.lat == pytest.approx(-0.15)
    assert r.lng == pytest.approx(109.0)


def test_path_depth():
    records = {r.kode: r for r in parse_dump(DUMP)}
    assert path_depth(records["61.71"].path) == 3
    assert path_depth(records["61.01.09.2001"].path) == 4
    assert path_depth(records["61.02.01"].path) == 3  # polygon with a hole is still depth 3
    assert path_depth([]) == 0
    assert path_depth([[1.0, 2.0]]) == 2


def test_empty_and_comment_only_input():
    assert list(parse_dump("")) == []
    assert list(parse_dump("/* ('61','x',1,2,'[[[1,2]]]') */")) == []


@pytest.mark.parametrize(
    "pattern, count",
    [("db/kab/*.sql", 14), ("db/kec/*.sql", 174), ("db/kel/61/*.sql", 2130)],
)
def test_real_files_row_counts(pattern, count):
    files = sorted(SOURCE.glob(pattern))
    assert files, f"no files for {pattern} in {SOURCE}"
    records = [r for f in files for r in parse_dump(f.read_text(encoding="utf-8"))]
    assert len(records) == count
    assert len({r.kode for r in records}) == count
    assert all(r.kode.startswith("61.") for r in records)
    assert all(path_depth(r.path) in (3, 4) for r in records)
    # the lat/lng centroid columns are in Kalbar: latitude about -3..+2.1, longitude 108..115
    assert all(-3.5 < r.lat < 2.5 and 108 < r.lng < 115 for r in records)


def test_real_names_with_apostrophes():
    """Upstream writes e.g. 'Kaliau''' for Kaliau'; the parser must yield the single quote."""
    text = (SOURCE / "db/kel/61/wilayah_boundaries_kel_61.01.sql").read_text(encoding="utf-8")
    assert "''" in text
    names = {r.nama for r in parse_dump(text)}
    assert "Kaliau'" in names
    assert not any("''" in n for n in names)


def test_manifest_lists_every_boundary_file():
    up = load_upstream()
    assert len(up.boundary_files) == 16  # kab + kec + 14 desa files
    for rel in up.boundary_files:
        assert (SOURCE / rel).is_file()
