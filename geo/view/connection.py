"""The process's store and its change token, shared by the pages, the HTTP layer and the CLI.

One ``Store`` (one engine, one pool) per database URL per process. Each request or script run asks only
for the change token (one single-row query, at most once per ``TOKEN_TTL_S``), and everything read from
the store is cached on it, so a version published by another process shows within a second without a
restart. A failed open is remembered for ``RETRY_OPEN_S`` (pages show the error, the HTTP layer the
labelled sample) instead of every request waiting on a dead server.
"""

from __future__ import annotations

import threading
import time

from geo import settings
from geo.store import Store, StoreError, open_store, resolve_url

TOKEN_TTL_S = 1.0  # a new version shows within this (plus one run) in every process
RETRY_OPEN_S = 10.0  # after a failed open, how long before trying again
URL_MEMO_S = 5.0  # how long a resolved database URL is reused (secrets.toml is re-read after that)

_lock = threading.Lock()
_stores: dict[str, Store] = {}  # database URL -> its store
_failed: dict[str, tuple[float, StoreError]] = {}  # url -> (monotonic time, error) of the last failed open
_tokens: dict[str, tuple[float, str | None]] = {}  # display URL -> (monotonic time, change token)
_url_memo: dict[str, tuple[float, str]] = {}  # the configured URL -> (monotonic time, resolved URL)


def database_url() -> str:
    """The configured database URL, resolved (secrets and environment are read at most every few seconds)."""
    configured = settings.database_url_setting()
    now = time.monotonic()
    hit = _url_memo.get(configured)
    if hit is None or now - hit[0] > URL_MEMO_S:
        hit = (now, resolve_url(configured or None))
        _url_memo[configured] = hit
    return hit[1]


def store() -> Store:
    """The process's store; raises ``StoreError`` when it cannot be opened (tried again after RETRY_OPEN_S)."""
    url = database_url()  # the setting decides, not whatever was opened first
    with _lock:
        if url in _stores:
            return _stores[url]
        failed = _failed.get(url)
        if failed is not None and time.monotonic() - failed[0] < RETRY_OPEN_S:
            raise failed[1]
    try:
        opened = open_store(url)
    except StoreError as exc:
        with _lock:
            _failed[url] = (time.monotonic(), exc)
        raise
    with _lock:
        _failed.pop(url, None)
        return _stores.setdefault(url, opened)


def store_or_none() -> Store | None:
    """The store, or None when it cannot be opened (the caller shows the labelled sample)."""
    try:
        return store()
    except StoreError:
        return None


def change_token(s: Store | None = None) -> str | None:
    """The store's change token, asked at most once per TOKEN_TTL_S per process; None without a store."""
    if s is None:
        s = store_or_none()
        if s is None:
            return None
    url = s.display_url
    with _lock:
        seen = _tokens.get(url)
        if seen is not None and time.monotonic() - seen[0] < TOKEN_TTL_S:
            return seen[1]
    try:
        value: str | None = s.change_token()
    except StoreError:
        value = None
    with _lock:
        _tokens[url] = (time.monotonic(), value)
    return value


def refresh() -> None:
    """After this process published or retracted something: every next request checks the token at once."""
    with _lock:
        _tokens.clear()
