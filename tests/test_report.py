"""The join report (geo/report.py): counts from one place that agree with the rows listed, every row once.

A property test over random tables made of real codes and names (from the boundary cache), with
duplicates, unknown names and bad numbers mixed in.
"""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import boundaries
from geo.join import join
from geo.report import CheckReport, level_hint, reason_counts, report_rows
from geo.table import read_table
from geo.text import t

STATUSES = ("matched", "unmatched", "ambiguous", "invalid", "duplicate")
KINDS = ("code", "name", "unknown", "duplicate", "bad_number", "bps_code")


def _row(kind: str, area: dict, n: int, previous: list[list[str]], level: str) -> list[str]:
    if kind == "duplicate" and previous:
        return list(previous[n % len(previous)])
    code, name = str(area["kode"]), str(area["nama"])
    parent = str(area.get("nama_kab") or "") if level == "desa" else ""
    kec = str(area.get("nama_kec") or "") if level == "desa" else ""
    if kind == "code":
        return [code, "", "", "", "2024", "1.000", "400"]
    if kind == "bps_code":
        return [code.replace(".", ""), "", "", "", "2024", "1000", "400"]
    if kind == "name":
        return (
            ["", parent, kec, name, "2024", "2.000", "900"]
            if level == "desa"
            else ["", name, "", "", "2024", "2.000", "900"]
        )
    if kind == "unknown":
        unknown = f"Qqzx Wilayah {n}"
        return (
            ["", parent, kec, unknown, "2024", "10", "5"]
            if level == "desa"
            else ["", unknown, "", "", "2024", "10", "5"]
        )
    return [code, "", "", "", "2024", "banyak", "400"]  # bad_number: tenaga_kerja is not a number


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, bytes, int]:
    level = draw(st.sampled_from(("kabupaten", "desa")))
    frame = boundaries.areas(level)
    n = draw(st.integers(min_value=1, max_value=25))
    picks = draw(st.lists(st.integers(min_value=0, max_value=len(frame) - 1), min_size=n, max_size=n))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n, max_size=n))
    rows: list[list[str]] = []
    for i, (pick, kind) in enumerate(zip(picks, kinds)):
        rows.append(_row(kind, frame.iloc[pick].to_dict(), i, rows, level))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kode", "kabupaten", "kecamatan", "desa", "periode", "tenaga_kerja", "peserta_aktif"])
    writer.writerows(rows)
    return level, out.getvalue().encode("utf-8"), n


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_counts_equal_the_rows_listed_and_every_row_appears_once(case: tuple[str, bytes, int]) -> None:
    level, content, n = case
    table = read_table(content, filename="acak.csv")
    result = join(table, level, boundaries.areas(level))
    d = CheckReport(level, table, result, 50.24, "id").as_dict()
    s = d["summary"]
    lines = list(range(2, n + 2))  # spreadsheet lines: the header is line 1
    listed = [int(r["baris"]) for status in STATUSES for r in d[status]]
    assert sorted(listed) == lines  # every input row exactly once
    assert s["rows"] == n == sum(s[status] for status in STATUSES)
    for status in STATUSES:
        assert s[status] == len(d[status]), status
    assert s["left_out"] == n - len(d["matched"]) == len(listed) - len(d["matched"])
    shown = report_rows(d, "en")
    assert [r["baris"] for r in shown] == lines  # the page's table: the same rows, in file order
    assert sum(r["status"] == t("join.status.matched", "en") for r in shown) == s["matched"]
    assert len(result.matched) == s["matched"]  # what would be published is what is counted as matched
    for r in d["matched"]:  # a matched row names the official area and how it was found
        assert r["kode"] and r["nama"] and r["via"] in ("code", "name", "former", "alias", "suggestion")


def test_level_hint_names_the_level_that_fits() -> None:
    report = {"level": "desa", "level_fit": {"placed": {"desa": 0, "kabupaten": 7}, "better": "kabupaten"}}
    assert level_hint(report, "id").startswith("Kode ini kode Kabupaten/Kota: terbitkan di tingkat Kabupaten/Kota?")
    assert level_hint({"level": "desa", "level_fit": {"placed": {}, "better": None}}, "id") is None


def test_unsettled_rows_say_no_close_match_and_headers_follow_the_language() -> None:
    report = {
        "suggestions": {"3": []},
        "matched": [{"baris": 2, "input": "61.01", "kode": "61.01", "nama": "Kabupaten Sambas", "via": "code"}],
        "unmatched": [{"baris": 3, "input": "Xyz", "reason": "nama tidak dikenal", "reason_en": "unknown name"}],
    }
    rows = report_rows(report, "en")
    assert rows[0]["via"] == "code" and rows[0]["nama"] == "Kabupaten Sambas"
    assert rows[1]["suggest"] == "no close match" and rows[1]["reason"] == "unknown name"
    assert rows[1]["status"] == "unmatched" and report_rows(report, "id")[1]["status"] == "tidak cocok"


def test_reason_counts_carry_no_text_of_the_table() -> None:
    """What a visitor sees of a stored report: counts per status and kind of reason, in the page's language,
    and none of the cells' own text (a real join's report, with a secret in an unknown name and a bad code)."""
    text = (
        "kode,kabupaten,periode,tenaga_kerja,peserta_aktif\n"
        "61.01,Sambas,2024,300000,90000\n"
        ",Kampung Rahasia Sekali,2024,100,10\n"
        "99.99,,2024,100,10\n"
        ",Negeri Rahasia Lain,2024,100,10\n"
    )
    table = read_table(text.encode(), filename="rahasia.csv")
    report = CheckReport("kabupaten", table, join(table, "kabupaten", boundaries.areas("kabupaten")), 50.24, "id")
    report = report.as_dict()
    for lang in ("id", "en"):
        counts = reason_counts(report, lang)
        flat = " ".join(map(str, counts.to_numpy().ravel())) + " ".join(counts.columns)
        assert "Rahasia" not in flat and "99.99" not in flat and "rahasia.csv" not in flat
        assert counts[t("report.col.count", lang)].sum() == report["summary"]["unmatched"] == 3
        assert set(counts[t("report.col.status", lang)]) == {t("join.status.unmatched", lang)}
    kinds = dict(zip(counts[t("report.col.reason", "en")], counts[t("report.col.count", "en")], strict=True))
    assert kinds == {t("report.reason_kind.name", "en"): 2, t("report.reason_kind.code", "en"): 1}
    assert reason_counts({"unmatched": [{"reason_code": "something.new"}]}, "id").iloc[0, 1] == t(
        "report.reason_kind.other", "id"
    )
