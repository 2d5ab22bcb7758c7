"""Peta Cakupan Jamsostek Kalbar — the server: Streamlit's own ``st.App`` around the shell script.

``streamlit run app.py`` finds ``app`` below (by AST) and serves it with uvicorn. The pages run in
``shell.py`` (page set-up, the run's version check, navigation); ``server/`` adds what the first
HTTP response carries before any script runs (link previews, the instant picture, compression).
"""

from __future__ import annotations

import streamlit as st

from server.routes import MIDDLEWARE, ROUTES, lifespan

app = st.App("shell.py", routes=ROUTES, middleware=MIDDLEWARE, lifespan=lifespan)
