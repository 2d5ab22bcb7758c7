"""Shared links: parse never raises, bad parameters fall back with a named problem, round trips."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import DEFAULT_TARGET, boundaries
from geo.text import t
from geo.viewstate import BASEMAP_CHOICES, LANG_CHOICES, Problem, ViewState, as_dict, parse, to_query

PERIODS = ("2023", "2024", "2024-06")


@cache
def codes(level: str) -> tuple[str, ...]:
    """Real codes, loaded on first use (after conftest has made sure the cache exists)."""
    return tuple(boundaries.load(level).kode)


def _parse(params):
    return parse(params, codes("kabupaten"), codes("kecamatan"), codes("desa"), PERIODS)


def test_empty_is_default():
    state, problems = _parse({})
    assert state == ViewState() and problems == []
    # No target in the link: the target schedule applies (a number would be a "what if" for every area).
    assert state.level == "kabupaten" and state.target is None and state.lang == "id"


def test_full_valid_link():
    state, problems = _parse(
        {
            "level": "desa",
            "kab": "61.12",
            "kec": "61.12.01",
            "sel": "61.12.01.2001",
            "period": "2024-06",
            "target": "45,5",
            "below": "1",
            "q": "  sungai  ",
            "basemap": "osm",
            "color": "change",
            "present": "ya",
            "lang": "en",
        }
    )
    assert problems == []
    assert state == ViewState(
        level="desa",
        kab="61.12",
        kec="61.12.01",
        sel="61.12.01.2001",
        period="2024-06",
        target=45.5,
        below=True,
        q="sungai",
        basemap="osm",
        color="change",
        present=True,
        lang="en",
    )


def test_last_value_of_a_repeated_parameter_wins():
    state, problems = _parse({"level": ["desa", "kecamatan"], "target": []})
    assert state.level == "kecamatan" and problems == []


@pytest.mark.parametrize(
    "param, value, key",
    [
        ("kab", "61.99", "url.unknown_area"),
        ("kab", "Kubu Raya", "url.unknown_area"),
        ("kec", "61.12.99", "url.unknown_area"),
        ("sel", "61.12.01.9999", "url.unknown_area"),
        ("target", "150", "url.bad_target"),
        ("target", "-1", "url.bad_target"),
        ("target", "abc", "url.bad_target"),
        ("target", "nan", "url.bad_target"),
        ("target", "inf", "url.bad_target"),
        ("target", "", "url.bad_target"),
        ("period", "1999", "url.unknown_period"),
        ("level", "xyz", "url.invalid"),
        ("level", "provinsi", "url.invalid"),
        ("basemap", "satellite", "url.invalid"),
        ("lang", "fr", "url.invalid"),
        ("color", "red", "url.invalid"),
        ("below", "maybe", "url.invalid"),
        ("present", "2", "url.invalid"),
    ],
)
def test_bad_parameter_falls_back_with_a_problem(param, value, key):
    state, problems = _parse({param: value})
    assert problems == [Problem(param, value.strip(), key)]
    # the field keeps its default value
    field = {"kab": "kab", "kec": "kec", "sel": "sel"}.get(param, param)
    assert getattr(state, field) == getattr(ViewState(), field)
    assert state == ViewState()
    # the message can be shown in both languages and names the parameter's value
    for lang in ("id", "en"):
        msg = t(problems[0].key, lang, param=problems[0].param, value=problems[0].value)
        assert value.strip() in msg or value.strip() == ""


def test_bad_parameters_do_not_spoil_good_ones():
    state, problems = _parse(
        {"kab": "61.99", "target": "150", "period": "1999", "level": "xyz", "lang": "en", "below": "1"}
    )
    assert sorted(p.param for p in problems) == ["kab", "level", "period", "target"]
    assert state.lang == "en" and state.below is True
    assert state.kab is None and state.target is None and state.period is None and state.level == "kabupaten"


def test_target_boundaries_accepted():
    for raw, value in (("0", 0.0), ("100", 100.0), ("50.24", 50.24), ("50,24", 50.24), (" 45 ", 45.0)):
        state, problems = _parse({"target": raw})
        assert problems == [] and state.target == value


def test_kec_outside_kab_is_rejected():
    state, problems = _parse({"kab": "61.01", "kec": "61.12.01"})
    assert [p.param for p in problems] == ["kec"]
    assert state.kab == "61.01" and state.kec is None
    assert state.level == "kecamatan"


def test_kec_alone_implies_its_kabupaten_and_desa_level():
    state, problems = _parse({"kec": "61.12.01"})
    assert problems == []
    assert state.kab == "61.12" and state.kec == "61.12.01" and state.level == "desa"


def test_scope_below_level_is_lifted():
    state, _ = _parse({"kab": "61.12"})
    assert state.level == "kecamatan"
    state, _ = _parse({"level": "kecamatan", "kab": "61.12", "kec": "61.12.01"})
    assert state.level == "desa"


def test_q_is_truncated():
    state, _ = _parse({"q": "x" * 500})
    assert state.q == "x" * 100


def test_drill_and_up():
    s = ViewState()
    s1 = s.drill("61.12")
    assert (s1.level, s1.kab, s1.kec, s1.sel) == ("kecamatan", "61.12", None, None)
    s2 = s1.drill("61.12.01")
    assert (s2.level, s2.kab, s2.kec, s2.sel) == ("desa", "61.12", "61.12.01", None)
    s3 = s2.drill("61.12.01.2001")
    assert s3.level == "desa" and s3.sel == "61.12.01.2001"
    assert s3.drill("61.12.01.2001").sel is None  # second click clears the highlight
    assert s3.drill("61.12.01.2002").sel == "61.12.01.2002"
    up1 = s3.up("kabupaten")
    assert (up1.level, up1.kab, up1.kec, up1.sel) == ("kecamatan", "61.12", None, None)
    up0 = s3.up("provinsi")
    assert (up0.level, up0.kab, up0.kec, up0.sel) == ("kabupaten", None, None, None)
    assert s3.up("nowhere") == s3
    # other settings survive navigation
    t45 = replace(s, target=45.0, lang="en").drill("61.71")
    assert t45.target == 45.0 and t45.lang == "en"


def test_to_query_only_differences():
    assert to_query(ViewState()) == {}
    q = to_query(ViewState(level="kecamatan", kab="61.12", target=45.5, below=True, lang="en"))
    assert q == {"level": "kecamatan", "kab": "61.12", "target": "45.5", "below": "1", "lang": "en"}
    assert to_query(ViewState(present=True, below=False)) == {"present": "1"}
    assert as_dict(ViewState())["target"] is None
    assert to_query(ViewState(target=DEFAULT_TARGET)) == {"target": "50.24"}  # an explicit what-if stays in the link


def test_to_query_against_a_custom_default():
    base = ViewState(lang="en")
    assert to_query(ViewState(lang="en"), base) == {}
    assert to_query(ViewState(lang="id"), base) == {"lang": "id"}


@st.composite
def states(draw) -> ViewState:
    level = draw(st.sampled_from(["kabupaten", "kecamatan", "desa"]))
    kab = kec = None
    if level == "kecamatan":
        kab = draw(st.sampled_from(codes("kabupaten")))
    elif level == "desa":
        kec = draw(st.sampled_from(codes("kecamatan")))
        kab = kec[:5]
    sel = draw(st.none() | st.sampled_from(codes("kabupaten")[:3] + codes("kecamatan")[:3] + codes("desa")[:3]))
    return ViewState(
        level=level,
        kab=kab,
        kec=kec,
        sel=sel,
        period=draw(st.none() | st.sampled_from(PERIODS)),
        target=draw(st.none() | st.integers(0, 10_000).map(lambda v: v / 100)),
        iuran=draw(st.integers(1, 10_000_000)),
        bulan=draw(st.integers(1, 120)),
        slots=draw(st.integers(0, 100_000_000)),
        below=draw(st.booleans()),
        q=draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), max_size=30)),
        basemap=draw(st.sampled_from(BASEMAP_CHOICES)),
        color=draw(st.sampled_from(["gap", "coverage", "change"])),
        present=draw(st.booleans()),
        lang=draw(st.sampled_from(LANG_CHOICES)),
    )


@settings(max_examples=150, deadline=None)
@given(states())
def test_round_trip(state):
    query = to_query(state)
    assert all(isinstance(v, str) for v in query.values())
    back, problems = _parse(query)
    assert problems == []
    assert back == state


def test_parse_never_raises_on_junk():
    junk = {
        "level": "\x00",
        "kab": "'; DROP",
        "target": "1e309",
        "below": "",
        "present": "   ",
        "q": None,
        "unknown": "x",
    }
    state, problems = _parse(junk)
    assert isinstance(state, ViewState)
    assert {p.param for p in problems} == {"level", "kab", "target"}


def test_colouring_default_and_old_links():
    """Distance to target is the default (absent from links); color=coverage still means the sequential scale."""
    assert ViewState().color == "gap"
    assert "color" not in to_query(ViewState())
    state, problems = parse({})
    assert state.color == "gap" and not problems
    for value in ("gap", "coverage", "change"):
        state, problems = parse({"color": value})
        assert state.color == value and not problems
        assert to_query(state) == ({} if value == "gap" else {"color": value})
    state, problems = parse({"color": "rainbow"})
    assert state.color == "gap" and [p.param for p in problems] == ["color"]


def test_planning_parameters():
    state, problems = _parse({"iuran": "20.000", "bulan": "6", "slots": "26373"})
    assert problems == [] and (state.iuran, state.bulan, state.slots) == (20_000, 6, 26_373)
    assert to_query(state) == {"iuran": "20000", "bulan": "6", "slots": "26373"}
    assert (ViewState().iuran, ViewState().bulan, ViewState().slots) == (16_800, 12, 0)


@pytest.mark.parametrize(
    "param, value, key",
    [
        ("iuran", "0", "plan.url_bad_iuran"),
        ("iuran", "abc", "plan.url_bad_iuran"),
        ("iuran", "16800.5", "plan.url_bad_iuran"),
        ("iuran", "99999999999", "plan.url_bad_iuran"),
        ("bulan", "0", "plan.url_bad_bulan"),
        ("bulan", "121", "plan.url_bad_bulan"),
        ("bulan", "-3", "plan.url_bad_bulan"),
        ("slots", "-1", "plan.url_bad_slots"),
        ("slots", "1e9", "plan.url_bad_slots"),
        ("slots", "", "plan.url_bad_slots"),
    ],
)
def test_bad_planning_parameters(param, value, key):
    state, problems = _parse({param: value, "lang": "en"})
    assert [(p.param, p.key) for p in problems] == [(param, key)]
    assert getattr(state, param) == getattr(ViewState(), param) and state.lang == "en"


@pytest.mark.parametrize("spelling", ["2024-06", "Juni 2024", "juni  2024", "Jun-24", "06/2024", "6-2024", "June 2024"])
def test_period_in_a_link_takes_any_spelling(spelling):
    state, problems = _parse({"period": spelling})
    assert problems == [] and state.period == "2024-06"
    assert to_query(state)["period"] == "2024-06"  # the link written back carries the canonical key


@pytest.mark.parametrize("spelling", ["Juli 2024", "Triwulan II", "2024-13"])
def test_period_not_in_the_data_is_a_problem_whatever_its_spelling(spelling):
    state, problems = _parse({"period": spelling})
    assert problems == [Problem("period", spelling, "url.unknown_period")] and state.period is None
