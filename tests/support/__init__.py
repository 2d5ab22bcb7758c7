"""The test harness, in one place: Chromium, the `streamlit run` server, the AppTest opener.

Test modules import from here (never from each other, never from bench/); tests/conftest.py
turns these into fixtures. The bench may import from here too.
"""
