"""Streamlit AppTest runs of every page: no exception, sample label, URL state, presentation, English."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import DEFAULT_TARGET
from geo.paths import ROOT
from geo.sample import ensure_samples
from geo.text import MESSAGES, t

TIMEOUT = 120
SAMPLE_LABEL = "Data contoh, bukan data resmi"


def app(page: str | None = None, **query: str) -> AppTest:
    """Open ``page`` as a shared link would: with exactly ``query`` in the address bar."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if page:  # st.navigation registers the pages on the first run; then go to the page
        at.run()
        at.switch_page(page)
        for k in list(at.query_params):
            del at.query_params[k]
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    """Every piece of text a person can read on the page (labels, values, messages, tables)."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "warning", "info", "error", "success", "code"):
        out += [str(e.value) for e in at.get(kind)]
    for kind in ("button", "download_button", "toggle", "checkbox", "radio", "selectbox", "number_input", "text_input", "expander"):
        out += [str(getattr(e, "label", "") or "") for e in at.get(kind)]
    for e in at.get("radio") + at.get("selectbox"):
        out += [str(o) for o in e.options]
    for m in at.metric:
        out += [str(m.label), str(m.value), str(m.delta or "")]
    for d in at.dataframe:
        df = d.value
        out += [str(c) for c in df.columns]
        out += [str(v) for v in df.astype(str).to_numpy().ravel()]
    out += [str(e.proto.body) for e in at.get("html")]
    return [s for s in out if s]


def below_metric(at: AppTest) -> tuple[int, int]:
    """(below, with data) from the 'di bawah target' metric, e.g. '13 dari 14'."""
    for m in at.metric:
        if "bawah target" in m.label or "below target" in m.label:
            nums = [int(x.replace(".", "").replace(",", "")) for x in re.findall(r"[\d.,]+", m.value)]
            return nums[0], nums[1]
    raise AssertionError("no below-target metric on the page")


def sample(level: str) -> pd.DataFrame:
    return pd.read_csv(ensure_samples()[level], dtype={"kode": str, "periode": str})


def below_count(df: pd.DataFrame, target: float) -> int:
    """Straight from the sample table: rows whose gap to ``target`` is positive."""
    tgt = df["target_persen"].fillna(target) if "target_persen" in df else pd.Series(target, index=df.index)
    need = [math.ceil(round(tg * tk / 100, 6)) for tg, tk in zip(tgt, df["tenaga_kerja"])]
    return int(sum(n - p > 0 for n, p in zip(need, df["peserta_aktif"])))


def table_rows(at: AppTest, min_rows: int = 2) -> pd.DataFrame:
    """The area table: the largest dataframe on the page, without its totals row."""
    frames = sorted((d.value for d in at.dataframe), key=len, reverse=True)
    df = frames[0]
    total_label = t("col.total", "id")
    first = df.columns[0]
    return df[~df.astype(str).apply(lambda c: c.str.contains(total_label, regex=False)).any(axis=1)] if len(df) >= min_rows else df


# --- every page renders ------------------------------------------------------------------------


@pytest.mark.parametrize("page", [None, "pages/kabupaten.py", "pages/desa.py"])
def test_every_page_renders_with_sample_banner(page):
    at = app(page)
    assert any(SAMPLE_LABEL in w.value for w in at.warning)
    assert at.metric, "figures shown"
    assert not at.error


def test_summary_shows_province_figures_from_the_sample():
    at = app()
    values = {m.label: m.value for m in at.metric}
    assert values[t("metric.coverage_of", "id")] == "35,35%"
    assert values[t("metric.bantuan", "id")] == "26.373"
    below, with_data = below_metric(at)
    assert with_data == 14
    assert below == below_count(sample("kabupaten"), DEFAULT_TARGET)


def test_changing_the_target_changes_the_below_count():
    at = app()
    before = below_metric(at)[0]
    at.number_input(key="w_target").set_value(30.0).run()
    after = below_metric(at)[0]
    assert after == below_count(sample("kabupaten"), 30.0)
    assert after < before
    assert at.query_params["target"] == ["30"] or at.query_params["target"] == "30"


# --- shared links (URL state) ---------------------------------------------------------------------


def test_desa_link_for_kubu_raya_shows_its_117_desa():
    at = app("pages/desa.py", level="desa", kab="61.12")
    rows = table_rows(at)
    assert len(rows) == 117
    assert below_metric(at)[1] == 117


def test_desa_link_with_target_40_matches_the_sample_table():
    at = app("pages/desa.py", level="desa", kab="61.12", target="40")
    desa = sample("desa")
    expected = below_count(desa[desa["kode"].str.startswith("61.12.")], 40.0)
    assert below_metric(at) == (expected, 117)
    assert at.number_input(key="w_target").value == 40.0


def test_invalid_link_parameters_give_a_message_and_a_working_page():
    at = app("pages/desa.py", level="xyz", kab="99.99", target="150", period="1999", basemap="moon")
    shown = " ".join(w.value for w in at.warning)
    for value in ("99.99", "150", "1999"):
        assert value in shown
    assert any(SAMPLE_LABEL in w.value for w in at.warning)
    assert below_metric(at)[1] == 2130  # the default view: the whole province at desa level
    assert at.number_input(key="w_target").value == DEFAULT_TARGET


def test_share_link_control_shows_the_view_url():
    at = app("pages/desa.py", level="desa", kab="61.04", target="45")
    assert any(e.label.endswith(t("share.label", "id")) for e in at.expander)
    codes = [c.value for c in at.code]
    assert any("kab=61.04" in c and "target=45" in c for c in codes), codes


def test_below_only_filter_and_search():
    at = app("pages/desa.py", level="desa", kab="61.12", below="1")
    rows = table_rows(at)
    assert set(rows[t("col.status", "id")]) == {t("status.below", "id")}
    at = app("pages/desa.py", level="desa", kab="61.12", q="sungai raya")
    assert any("cocok" in i.value for i in at.info)


# --- presentation mode -----------------------------------------------------------------------------


def test_presentation_mode_shows_title_and_figures():
    at = app("pages/desa.py", level="desa", kab="61.04", present="1")
    html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "Ketapang" in html and "pjk-p-title" in html
    assert "2024" in html  # period in the title line
    for key in ("present.coverage", "present.gap", "present.bantuan"):
        assert t(key, "id") in html
    assert SAMPLE_LABEL in html
    assert not at.dataframe, "no tables in presentation mode"
    assert any(b.label.endswith(t("present.exit", "id")) for b in at.button)


def test_leaving_presentation_mode():
    at = app(None, present="1")
    exit_button = next(b for b in at.button if b.label.endswith(t("present.exit", "id")))
    exit_button.click().run()
    assert not at.exception
    assert at.metric and at.title


# --- language -------------------------------------------------------------------------------------


def _indonesian_patterns() -> list[re.Pattern[str]]:
    """Catalogue texts that are Indonesian only (not also part of the English text)."""
    pats = []
    for ids, en in MESSAGES.values():
        if ids == en or ids in en or len(ids) < 4:
            continue
        rx = re.escape(ids)
        rx = re.sub(r"\\\{[a-z_]+\\\}", ".+?", rx)
        pats.append(re.compile(rx if "{" in ids or len(ids) > 24 else rf"^{rx}$"))
    return pats


@pytest.mark.parametrize("page", [None, "pages/kabupaten.py", "pages/desa.py"])
def test_english_leaves_no_indonesian_label(page):
    at = app(page, lang="en")
    pats = _indonesian_patterns()
    leftovers = sorted({s for s in texts(at) for p in pats if p.search(s)})
    assert not leftovers, leftovers
    assert any("sample data, not official" in w.value for w in at.warning)


def test_english_numbers():
    at = app(None, lang="en")
    values = {m.label: m.value for m in at.metric}
    assert values[t("metric.coverage_of", "en")] == "35.35%"
    assert values[t("metric.bantuan", "en")] == "26,373"
