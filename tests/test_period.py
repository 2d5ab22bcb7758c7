"""Periods as values: every common spelling of a month or a year reads to one key; nothing else reads at all."""

from __future__ import annotations

import datetime as dt
import string
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geo import period
from geo.period import Period, label, latest, ordered, parse, read, sort_key

ID_WIDE = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()
ID_OLD = {2: "Pebruari", 11: "Nopember"}
EN_WIDE = "January February March April May June July August September October November December".split()
ID_ABBR = {
    1: ["Jan"], 2: ["Feb", "Peb"], 3: ["Mar", "Mrt"], 4: ["Apr"], 5: ["Mei"], 6: ["Jun"], 7: ["Jul"],
    8: ["Agu", "Agt", "Ags"], 9: ["Sep"], 10: ["Okt"], 11: ["Nov", "Nop"], 12: ["Des"],
}  # fmt: skip
EN_ABBR = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

years = st.integers(period.MIN_YEAR, period.MAX_YEAR)
months = st.integers(1, 12)
spaces = st.sampled_from(["", " ", "  ", "\t", "\u00a0", " \u00a0 "])
seps = st.sampled_from(["-", "/", ".", " - ", " / "])


def month_names(m: int) -> list[str]:
    names = [ID_WIDE[m - 1], EN_WIDE[m - 1], EN_ABBR[m - 1], *ID_ABBR[m]]
    return names + ([ID_OLD[m]] if m in ID_OLD else [])


@st.composite
def any_case(draw, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True))


@st.composite
def month_spelling(draw) -> tuple[object, int, int, bool]:
    """(a spelling, its year, its month, whether a day is in it): text in random case and spacing, or a date cell."""
    y, m = draw(years), draw(months)
    name = draw(any_case(draw(st.sampled_from(month_names(m)))))
    mm = draw(st.sampled_from([str(m), f"{m:02d}"]))
    sep, pad, pad2 = draw(seps), draw(spaces), draw(spaces)
    day = draw(st.integers(1, 28))
    forms = [
        (f"{y}{sep}{mm}", False),
        (f"{mm}{sep}{y}", False),
        (f"{name}{draw(st.sampled_from([' ', '-', '  ', '', ', ', '. ']))}{y}", False),
        (f"{y} {name}", False),
        (f"{y}-{m:02d}-{day:02d}", True),
        (f"{day:02d}/{m:02d}/{y}", True),
        (f"{day}-{mm}-{y}", True),
        (f"{day} {name} {y}", True),
        (f"{y}-{m:02d}-{day:02d} 00:00:00", True),
    ]
    if 2000 <= y <= 2099:
        short = draw(st.sampled_from(["-", " ", "'", "-'"]))
        forms.append((f"{name}{short}{y % 100:02d}", False))
    text, has_day = draw(st.sampled_from(forms))
    if draw(st.booleans()):
        return f"{pad}{text}{pad2}", y, m, has_day
    cell = draw(st.sampled_from(["date", "datetime"]))
    if cell == "date":
        return dt.date(y, m, day), y, m, day != 1
    hour = draw(st.integers(0, 23))
    return dt.datetime(y, m, day, hour), y, m, (day, hour) != (1, 0)  # the 1st at midnight: a month cell


@given(month_spelling())
@example(("Juni 2024", 2024, 6, False))
@example(("Jun-24", 2024, 6, False))
@example(("06/2024", 2024, 6, False))
@example(("JUNI 2024", 2024, 6, False))
@example(("  juni   2024 ", 2024, 6, False))
@example(("Agt 2024", 2024, 8, False))
@example(("Nopember 2023", 2023, 11, False))
@example(("15/06/2024", 2024, 6, True))
@settings(max_examples=1500, deadline=None)
def test_every_spelling_of_a_month_is_one_period(case):
    value, y, m, has_day = case
    p = read(value)
    assert p == Period(y, m, from_day=has_day), value
    assert parse(value) == f"{y:04d}-{m:02d}"


@given(years, spaces, spaces, st.sampled_from(["", "Tahun ", "tahun ", "TAHUN ", "Th. "]))
@example(2024, "", "", "")
def test_every_spelling_of_a_year_is_one_period(y, pad, pad2, prefix):
    for value in (f"{pad}{prefix}{y}{pad2}", y, float(y), f"{y}.0"):
        assert read(value) == Period(y), value
        assert parse(value) == str(y)


def _no_digit(text: str) -> bool:
    return not any(c in string.digits for c in unicodedata.normalize("NFKC", text))


@given(st.text(max_size=40).filter(_no_digit))
@example("Juni")
@example("Januari")
@example("periode")
@example("-")
def test_text_without_a_year_never_parses(text):
    assert read(text) is None
    assert parse(text) is None


NOT_MONTH_WORDS = st.text(string.ascii_letters, min_size=1, max_size=12).filter(
    lambda w: (
        w.casefold() not in period._MONTHS
        and w.casefold() not in {"periode", "period", "bulan", "tahun", "thn", "th", "year", "month"}
    )
)


@given(
    st.one_of(
        st.builds(lambda y, m, s: f"{y}{s}{m:02d}", years, st.integers(13, 99) | st.just(0), seps),  # month 13
        st.builds(lambda y, m, s: f"{m:02d}{s}{y}", years, st.integers(13, 99) | st.just(0), seps),
        st.builds(lambda w, y: f"{w} {y}", NOT_MONTH_WORDS, years),  # "Triwulan 2024", "Qx 2024"
        st.builds(lambda y, w: f"{y} {w}", years, NOT_MONTH_WORDS),
        st.builds(
            lambda y: str(y), st.integers(0, 99999).filter(lambda y: not period.MIN_YEAR <= y <= period.MAX_YEAR)
        ),
        st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", years, months, st.integers(32, 99)),  # no such day
        st.builds(lambda d, y: f"{d} Juni {y}", st.integers(31, 99), years),
        st.builds(
            lambda p, w: f"{p} {w}",
            month_spelling().map(lambda c: c[0]).filter(lambda v: isinstance(v, str)),
            NOT_MONTH_WORDS,
        ),  # a period with more words after it: "Juni 2024 revisi"
        st.floats(allow_nan=True).filter(lambda f: not (f.is_integer() and period.MIN_YEAR <= f <= period.MAX_YEAR)),
    )
)
@example("Mei 2024 revisi")
@example("2024-13")
@example("31 Juni 2024")
@example("Q2 2024")
@example("00/2024")
@settings(max_examples=1500, deadline=None)
def test_non_period_text_never_parses(value):
    assert read(value) is None, value
    assert parse(value) is None


def test_other_values_never_parse():
    for value in (None, True, False, [], {}, b"2024", dt.time(10, 0), dt.date(1800, 6, 1)):
        assert read(value) is None


@given(years, months)
def test_label_reads_back_to_its_key(y, m):
    key = f"{y:04d}-{m:02d}"
    assert label(key, "id") == f"{ID_WIDE[m - 1]} {y}"
    assert label(key, "en") == f"{EN_WIDE[m - 1]} {y}"
    assert parse(label(key, "id")) == parse(label(key, "en")) == key
    # the short label (a chart's axis) is a spelling officers use too: it reads back as well
    assert parse(label(key, "id", short=True)) == parse(label(key, "en", short=True)) == key
    assert len(label(key, "id", short=True)) <= len(label(key, "id"))
    assert label(str(y)) == str(y)


def test_label_of_text_that_is_not_a_period_is_the_text():
    assert label("") == ""
    assert label(None) == ""
    assert label("Triwulan II") == "Triwulan II"


@given(st.lists(st.tuples(years, st.integers(1, 13)), min_size=1, max_size=20))
def test_order_is_time_and_a_year_follows_its_december(pairs):
    keys = [str(y) if m == 13 else f"{y}-{m:02d}" for y, m in pairs]
    want = [str(y) if m == 13 else f"{y}-{m:02d}" for y, m in sorted(pairs)]
    assert ordered(keys) == want
    assert latest(keys) == want[-1]


def test_spelled_periods_sort_by_time_not_text():
    assert ordered(["Juni 2024", "2024-07", "2023", "Des 2023", ""]) == ["", "Des 2023", "2023", "Juni 2024", "2024-07"]
    assert latest(["Juni 2024", "2024-06", "2024-05"]) in ("Juni 2024", "2024-06")
    assert latest(["2024-12", "2024"]) == "2024"
    assert latest([]) is None
    assert sort_key("not a period") < sort_key("1900-01")


def test_from_key_and_is_key():
    assert period.from_key("2024-06") == Period(2024, 6)
    assert period.is_key("2024") and period.is_key("2024-06")
    assert not period.is_key("Juni 2024") and not period.is_key("2024-6") and not period.is_key("")
    with pytest.raises(ValueError):
        period.from_key("Juni 2024")
