"""The ``data-testid`` names of Streamlit's elements that our CSS targets. They are Streamlit's test hooks,
not an API: each one used is listed here, and tests/test_streamlit_boundary.py checks it is still in the
installed frontend's bundle."""

from __future__ import annotations

import re

USED = frozenset(
    {
        "stMainBlockContainer",
        "stSidebar",
        "stExpandSidebarButton",
        "stHeader",
        "stToolbar",
        "stSidebarNav",
        "stCaptionContainer",
        "stHeading",
        "stHeaderActionElements",
        "stHorizontalBlock",
        "stColumn",
        "stMetric",
        "stMetricValue",
        "stMetricLabel",
        "stMetricDelta",
        "stIFrame",
        "stException",
        "stForm",
        "stAlert",
    }
)


def testid(name: str) -> str:
    """A CSS attribute selector for one of Streamlit's elements."""
    if name not in USED:
        raise KeyError(f"{name} is not a data-testid this app relies on (add it to streamlit_boundary.dom.USED)")
    return f'[data-testid="{name}"]'


_MARK = re.compile(r"\[testid=(\w+)\]")


def css(text: str) -> str:
    """CSS whose ``[testid=NAME]`` selectors become Streamlit's ``data-testid`` selectors (each name checked)."""
    return _MARK.sub(lambda m: testid(m.group(1)), text)
