"""The one boundary to Streamlit's private parts: everything the app relies on that Streamlit does not
promise to keep across versions lives in this package, and nowhere else.

- ``urls``: the server's own paths (the websocket, health and metrics under its core prefix), static serving,
  component files, the XSRF cookie and the websocket sub-protocol. Re-check on an upgrade: the nginx site
  (deploy/nginx/site.conf.in), the warm-up client.
- ``frontend``: the built frontend's files (its single page and that page's inline script, the hashed entry
  bundles and chunks), st_folium's built script, the connection bypass (``window.__streamlit``). Re-check: the
  first visit's preloads, the CSP hashes, the trimmed fonts.
- ``dom``: the test-id names of Streamlit's elements our CSS targets (phone layout, presentation, the
  instant preview's hide rule). Re-check: each is still in the bundle.
- ``protocol``: the protobuf messages (a rerun ``BackMsg``; ``ForwardMsg``: script finished, exception, page not
  found, auth redirect) and the script-run context. Re-check: the warm-up and load clients, the sign-in redirect.

``check_version()`` runs at start (``server/routes`` lifespan) and logs what to re-check when the installed
Streamlit is not the one this boundary was last checked against. tests/test_streamlit_boundary.py holds one
contract test per dependency. Nothing here imports streamlit at import time except ``protocol``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

CHECKED_WITH = "1.67.0"  # the Streamlit version every dependency below was last checked against (requirements.txt)


def installed_version() -> str | None:
    try:
        return version("streamlit")
    except PackageNotFoundError:
        return None


def check_version() -> str | None:
    """None when the installed Streamlit is the one checked; else what to re-check (for the log)."""
    found = installed_version()
    if found == CHECKED_WITH:
        return None
    return (
        f"Streamlit {found} is installed; streamlit_boundary was checked against {CHECKED_WITH}. Re-check: "
        "tests/test_streamlit_boundary.py (every private path, file, test id and message this app relies on), "
        "then the browser tests (tests/test_browser*.py, tests/test_phone.py) and `python -m deploy nginx-site`."
    )
