"""Fetching a view URL as a chat app's robot does (plain HTTP, no JavaScript) and reading what it finds.

Shared by tests/test_preview.py, tests/test_snapshot.py and tests/test_injection.py.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
import shapely
from PIL import Image

from geo import boundaries, sample, style, targets
from geo.join import join
from geo.render import snapshot_figure, snapshot_pixels
from geo.sample import ensure_samples
from geo.table import read_table

WHATSAPP = "WhatsApp/2.23.20.0"
TELEGRAM = "TelegramBot (like TwitterBot)"
MATCH = 12.0  # RGB distance within which a pixel counts as a palette colour (the PNG palette shifts shades slightly)


def fetch(url: str, agent: str = WHATSAPP, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers lower-cased, body) of one GET; an HTTP error status is returned, not raised."""
    req = urllib.request.Request(url, headers={"User-Agent": agent, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


@dataclass
class Page:
    """What a robot reads from the HTML: the title, meta tags, and the instant block's parts."""

    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # property or name -> content
    block_tags: list[str] = field(default_factory=list)  # every start tag inside #pjk-instant
    block_text: dict[str, str] = field(default_factory=dict)  # data-pjk -> text
    block_image: str | None = None  # the picture's src: a data: URI (rendered already) or the snapshot's path
    block_snapshot: str | None = None  # data-snapshot: the full PNG's path, either way
    head_tags: list[str] = field(default_factory=list)  # every start tag in <head>
    scripts_in_block: int = 0


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._in_title = False
        self._in_head = False
        self._depth = 0  # > 0 inside #pjk-instant
        self._testid: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "head":
            self._in_head = True
        elif self._in_head:
            self.page.head_tags.append(tag)
        if tag == "title":
            self._in_title = True
        if tag == "meta" and ("property" in a or "name" in a):
            self.page.meta[a.get("property") or a["name"]] = a.get("content", "")
        if a.get("id") == "pjk-instant":
            self._depth = 1
            return
        if self._depth:
            self.page.block_tags.append(tag)
            if tag == "script":
                self.page.scripts_in_block += 1
            if tag == "img":
                self.page.block_image = a.get("src")
                self.page.block_snapshot = a.get("data-snapshot")
            elif tag not in ("br", "hr"):
                self._depth += 1
                self._testid.append(a.get("data-pjk"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if tag == "title":
            self._in_title = False
        if self._depth:
            self._depth -= 1
            if self._testid:
                self._testid.pop()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data
        if self._depth and self._testid:
            key = next((k for k in reversed(self._testid) if k), None)
            if key:
                self.page.block_text[key] = self.page.block_text.get(key, "") + data


def read_page(body: bytes) -> Page:
    reader = _Reader()
    reader.feed(body.decode("utf-8"))
    return reader.page


# --- the classification the pages use, and the colours an image shows ---------------------------------


def sample_classified(level: str, what_if: float | None = None) -> object:
    """The sample data classified as the pages classify it (``ui.cache.classified``: classify_level), in its latest
    month (what a view without a period shows), with the schedule the sample is shown with."""
    matched = {lv: join(read_table(p), lv, boundaries.areas(lv)).matched for lv, p in ensure_samples().items()}
    schedule = sample.schedule_for_sample(targets.in_force(None))
    return targets.classify_level(matched, boundaries.areas, level, sample.LATEST, what_if, schedule)


def expected_fill(row) -> str:
    return style.area_fill("gap", row["cakupan"], row["target_efektif"], row["status"], None)


# Every class colour of the default colouring (distance to target), and the no-data grey.
GAP_PALETTE = sorted({style.gap_color(c / 4, 50.0) for c in range(0, 401)} | {style.NO_DATA_FILL})


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=float)


def image_fills(png: bytes, frame, level: str, kab: str | None = None, step_deg: float = 0.02) -> dict[str, str]:
    """kode -> the class colour the PNG shows inside that area (the palette colour nearest the commonest pixel).

    Points on a grid inside each area (shrunk, so borders and outlines stay out) are placed on the image
    with the figure's own transform (``snapshot_pixels``); areas too small for five points are left out.
    """
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
    fig = snapshot_figure(frame, level, kab=kab)
    palette = GAP_PALETTE
    colours = np.stack([_rgb(c) for c in palette])
    geoms = boundaries.load(level).set_index("kode")["display"]
    out: dict[str, str] = {}
    for kode in frame["kode"]:
        inner = geoms[kode].buffer(-step_deg)
        if inner.is_empty:
            continue
        x0, y0, x1, y1 = inner.bounds
        xs, ys = np.meshgrid(np.arange(x0, x1, step_deg / 2), np.arange(y0, y1, step_deg / 2))
        inside = shapely.contains_xy(inner, xs.ravel(), ys.ravel())
        if inside.sum() < 5:
            continue
        px = snapshot_pixels(fig, xs.ravel()[inside], ys.ravel()[inside]).round().astype(int)
        ok = (px[:, 1] >= 0) & (px[:, 1] < img.shape[0]) & (px[:, 0] >= 0) & (px[:, 0] < img.shape[1])
        pixels = img[px[ok, 1], px[ok, 0]]
        dist = np.sqrt(((pixels[:, None, :] - colours[None, :, :]) ** 2).sum(axis=2))
        near = dist.min(axis=1) <= MATCH  # text, halos, borders and the parent bands are no class colour
        if near.sum() < 5:
            continue
        seen = Counter(dist[near].argmin(axis=1).tolist())
        out[kode] = palette[seen.most_common(1)[0][0]]
    return out
