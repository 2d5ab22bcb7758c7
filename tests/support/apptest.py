"""Streamlit's AppTest on shell.py (the script app.py's st.App runs): the one opener, and what page tests read."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
SAMPLE_LABEL = "Data contoh, bukan data resmi"
SIGNIN_PAGE = "screens/masuk.py"


def new_app(script: str = "shell.py", timeout: float = TIMEOUT) -> AppTest:
    """An AppTest of ``script`` (a path under the project root), not run yet."""
    return AppTest.from_file(str(ROOT / script), default_timeout=timeout)


def open_app(
    page: str | None = None,
    *,
    secrets: dict | None = None,
    user: dict | None = None,
    timeout: float = TIMEOUT,
    **query: str,
) -> AppTest:
    """Open ``page`` as a shared link would: with exactly ``query`` in the address bar; no exception.

    ``secrets`` (the ``[auth]`` section) and ``user`` (st.user) set up a run as Streamlit hands it
    over after an organisation sign-in.
    """
    at = new_app(timeout=timeout)
    if secrets:
        at.secrets["auth"] = secrets
    if user is not None:
        at.user = user
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


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, name: str, password: str, lang: str = "id") -> AppTest:
    """The built-in sign-in form, as a person fills it in."""
    from geo.text import t

    open_page(at, SIGNIN_PAGE)
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    next(b for b in at.button if b.label == t("auth.submit", lang)).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in_on(page: str, name: str, password: str, timeout: float = TIMEOUT) -> AppTest:
    """A new session of the app, signed in as ``name``, on ``page``."""
    at = new_app(timeout=timeout)
    at.run()
    return open_page(sign_in(at, name, password), page)


# --- what a person reads ----------------------------------------------------------------------------


def shown(d) -> pd.DataFrame:  # noqa: ANN001 - an AppTest Dataframe element
    """A table's cells as the grid writes them: the text the app formatted (the Styler's display values,
    which Streamlit sends beside the raw values), else the raw values as text."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    text = d.proto.arrow_data.styler.display_values
    return convert_arrow_bytes_to_pandas_df(text) if text else d.value.astype(str)


RAW_MISSING = frozenset({"None", "nan", "NaN", "<NA>", "NaT"})


def raw_missing(at: AppTest) -> list[str]:
    """Cells of the page's tables that show a missing value as Python or pandas writes it (not "–")."""
    return sorted({v for d in at.dataframe for v in shown(d).to_numpy().ravel() if str(v) in RAW_MISSING})


def shown_with(at: AppTest, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(raw values, cell text) of the first table with ``column``."""
    d = next(d for d in at.dataframe if column in d.value.columns)
    return d.value, shown(d)


def texts(at: AppTest) -> list[str]:
    """Every piece of text a person can read on the page (labels, values, messages, tables)."""
    out: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "warning",
        "info",
        "error",
        "success",
        "code",
    ):
        out += [str(e.value) for e in at.get(kind)]
    for kind in (
        "button",
        "download_button",
        "toggle",
        "checkbox",
        "radio",
        "selectbox",
        "number_input",
        "text_input",
        "expander",
    ):
        out += [str(getattr(e, "label", "") or "") for e in at.get(kind)]
    for e in at.get("radio") + at.get("selectbox"):
        out += [str(o) for o in e.options]
    for m in at.metric:
        out += [str(m.label), str(m.value), str(m.delta or "")]
    for d in at.dataframe:
        df = shown(d)
        out += [str(c) for c in df.columns]
        out += [str(v) for v in df.to_numpy().ravel()]
    out += [str(e.proto.body) for e in at.get("html")]
    return [s for s in out if s]


def below_metric(at: AppTest) -> tuple[int, int]:
    """(below, with data) from the 'di bawah target' metric, e.g. '13 dari 14'."""
    for m in at.metric:
        if "bawah target" in m.label or "below target" in m.label:
            nums = [int(x.replace(".", "").replace(",", "")) for x in re.findall(r"[\d.,]+", m.value)]
            return nums[0], nums[1]
    raise AssertionError("no below-target metric on the page")


def indonesian_patterns() -> list[re.Pattern[str]]:
    """Catalogue texts that are Indonesian only (not also part of the English text)."""
    from geo.text import MESSAGES

    pats = []
    for ids, en in MESSAGES.values():
        if ids == en or ids in en or len(ids) < 4:
            continue
        rx = re.escape(ids)
        rx = re.sub(r"\\\{[a-z_]+\\\}", ".+?", rx)
        pats.append(re.compile(rx if "{" in ids or len(ids) > 24 else rf"^{rx}$"))
    return pats


# --- uploads ----------------------------------------------------------------------------------------

MESSY_TWO_PERIODS = b"""Laporan Cakupan BPJS Ketenagakerjaan;;;;
Sumber: dinas (contoh uji);;;;
;;;;
Kabupaten/Kota;Periode;Tenaga Kerja;Peserta Aktif;Keterangan
KAB. SAMBAS;2023;300.000;81.000;
KAB. SAMBAS;2024;300.000;90.000;naik
Kab Kubu Raya;2023;290.000;110.000;
Kab Kubu Raya;2024;290.000;98.600;turun
6171;2024;300.000;160.500;
Kabupaten Pontianak;2024;140.000;40.000;nama lama
Pontianak;2024;1.000;500;ambigu
Kabupaten Xyz;2024;1.000;500;tidak ada
"""


def upload(at: AppTest, name: str, content: bytes, level: str = "kabupaten") -> AppTest:
    at.selectbox(key="w_upload_level").set_value(level)
    at.get("file_uploader")[0].upload(name, content, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
