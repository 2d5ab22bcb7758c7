"""Visitor previews: a planner's own table, read within bounds and kept for this session only.

A preview is not published; it must not cost the process more than a few tables' worth of memory
however many people upload, nor let a crowd of parses starve the viewers:

- who may upload: everyone, unless ``KALBAR_VISITOR_UPLOADS=0`` (the hosted stack's default), then
  only signed-in editors and admins (:func:`allowed`);
- the parsed tables live in a small LRU keyed by the content hash and level (:data:`KEEP` entries),
  not in a process-wide cache without bound; the bytes stay in the uploader's own session
  (``session.Source.content``), so an evicted table is read again from them;
- at most :func:`geo.limits.parallel_parses` parses run at once; a new upload beyond that is told
  "busy, try again" (:class:`Busy`) rather than queued.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd

from geo import limits
from geo.access import EDITOR, at_least
from geo.join import JoinResult, join
from geo.table import CoverageTable, read_table

from . import auth
from .session import Source

KEEP = 4  # parsed previews kept per process (each at most the stated peak of one table: README)
Tables = dict[str, tuple[CoverageTable, JoinResult]]

_lock = threading.Lock()
_kept: OrderedDict[str, Tables] = OrderedDict()
_slots: threading.BoundedSemaphore | None = None


class Busy(Exception):
    """Every parse slot of this process is taken; the visitor is asked to try again."""


def allowed() -> bool:
    """May this session preview its own table? Yes unless visitor uploads are off and nobody with at
    least the editor role is signed in."""
    return limits.visitor_uploads() or at_least(auth.role(auth.current()), EDITOR)


def max_upload_mb() -> int:
    """The uploader's own size cap (MB), from the byte limit in force."""
    return max(1, math.ceil(limits.current().max_bytes / limits.MB))


def slots() -> threading.BoundedSemaphore:
    """The process's parse slots (created on first use, sized by ``KALBAR_PARALLEL_PARSES``)."""
    global _slots  # noqa: PLW0603 - one semaphore per process
    with _lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(limits.parallel_parses())
        return _slots


def tables(source: Source, areas: Callable[[str], pd.DataFrame], wait: bool = True) -> Tables:
    """The upload read and joined at its level: from the LRU, else parsed in a slot.

    ``wait=False`` (a new upload) raises :class:`Busy` when no slot is free; ``wait=True`` (a preview
    this session already accepted, evicted since) waits for one. Raises ``TableError`` for a bad file.
    """
    with _lock:
        hit = _kept.get(source.key)
        if hit is not None:
            _kept.move_to_end(source.key)
            return hit
    gate = slots()
    if not gate.acquire(blocking=wait):
        raise Busy
    try:
        table = read_table(source.content, filename=source.name)
        out = {source.level: (table, join(table, source.level, areas(source.level)))}
    finally:
        gate.release()
    with _lock:
        _kept[source.key] = out
        _kept.move_to_end(source.key)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return out


def kept() -> list[str]:
    """Keys of the previews held now, oldest first (what tests and the admin can check)."""
    with _lock:
        return list(_kept)
