"""Domain package for Peta Cakupan Jamsostek Kalbar.

Boundaries, coverage tables, join, classification and map building. It never imports
streamlit, so everything here runs from tests and from ``python -m geo``.
"""

LEVELS: tuple[str, ...] = ("kabupaten", "kecamatan", "desa")
DEFAULT_TARGET: float = 50.24
PROVINCE_CODE = "61"
