"""Streamlit's own URL paths and names on the wire (its server's routes, not a public API)."""

from __future__ import annotations

STCORE = "/_stcore"
HEALTH = STCORE + "/health"  # the frontend probes it before connecting (the bypass skips that)
STREAM = STCORE + "/stream"  # the websocket
METRICS = STCORE + "/metrics"  # Prometheus text: never public (nginx answers 404)
APP_STATIC = "/app/static"  # server.enableStaticServing serves <app dir>/static here
STATIC_JS = "/static/js/"  # the frontend's hashed bundles and chunks
COMPONENT = "/component/"  # a component's built files: /component/<module>.<name>/...
XSRF_COOKIE = "_streamlit_xsrf"
WS_SUBPROTOCOL = "streamlit"  # the websocket's first sub-protocol; the XSRF token rides as the second
