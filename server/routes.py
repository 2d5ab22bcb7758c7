"""What ``app.py`` hands to ``st.App``: the server layer's routes, middleware and lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.middleware import Middleware
from starlette.routing import Route

import streamlit_boundary
from geo import settings
from geo.signin import SESSION_PATH, SIGNOUT_PATH

from . import api, mapfiles, ogc, preview, sessioncookie, snapshot
from .compress import StaticGZipMiddleware
from .fonts import SlimFontsMiddleware
from .immutable import ImmutableComponentFiles

ROUTES = [
    Route("/snapshot/{page}.png", snapshot.endpoint, methods=["GET", "HEAD"]),
    Route("/mapgeo/{name}", mapfiles.endpoint, methods=["GET", "HEAD"]),
    Route("/mapfeat/{name}", mapfiles.features_endpoint, methods=["GET", "HEAD"]),
    Route(SESSION_PATH, sessioncookie.session_endpoint, methods=["GET"]),
    Route(SIGNOUT_PATH, sessioncookie.signout_endpoint, methods=["GET", "POST"]),
    *api.ROUTES,
    *ogc.ROUTES,
    *api.CATCH_ALL,  # last: any other /api or /ogc path is a JSON 404, never the app's page
    *ogc.CATCH_ALL,
]
MIDDLEWARE = [
    Middleware(SlimFontsMiddleware),
    Middleware(ImmutableComponentFiles),
    Middleware(StaticGZipMiddleware),
    Middleware(preview.PreviewMiddleware),
]


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[dict[str, Any]]:
    """Say what to re-check when Streamlit is not the version its boundary was checked against; start rendering
    the common links' snapshots ahead (a daemon thread); stop it on shutdown."""
    if upgrade := streamlit_boundary.check_version():
        logging.getLogger(__name__).warning(upgrade)
    ahead = snapshot.RenderAhead().start() if settings.render_ahead() else None
    try:
        yield {"render_ahead": ahead}
    finally:
        if ahead is not None:
            ahead.close()
