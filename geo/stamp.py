"""The line that says which published data a page, a slide or a download shows.

"Data per Juni 2024 · versi 7 · terbit 2026-11-26 18:15 WIB oleh ana": the period, the version
(a link with ``?v=7`` reopens it), when (Kalbar's time, WIB) and by whom (the user name only).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from .period import label
from .text import t

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


class Published(Protocol):
    id: int
    published_at: dt.datetime
    published_by: str


def when(at: dt.datetime, seconds: bool = False) -> str:
    """A UTC timestamp in Kalimantan Barat's time zone (WIB, UTC+7): every time the app shows goes through
    here (stamps, version lists, the admin page's audit log with ``seconds``)."""
    aware = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") + " WIB"


def stamp(version: Published, period: str | None, lang: str = "id", pinned: bool = False) -> str:
    """One plain-text line (no Markdown: the name comes from users); the period as people read it ("Juni 2024")."""
    text = t(
        "stamp.line",
        lang,
        period=label(period, lang) or "–",
        id=version.id,
        when=when(version.published_at),
        by=" ".join(str(version.published_by).split()),
    )
    return text + (" · " + t("stamp.pinned", lang) if pinned else "")
