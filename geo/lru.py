"""One bounded, thread-safe least-recently-used map for the project's own caches (not Streamlit's).

On the open internet every cache has a bound: by entries, and where the values can be large, by their
bytes too (``size_of``). The newest entry always stays, even one larger than the byte bound by itself (a
view's features file must be served while its map is on screen); the least recently used go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most ``entries`` values (and ``max_bytes`` of them, as ``size_of`` counts), shared by threads."""

    def __init__(self, entries: int, max_bytes: int | None = None, size_of: Callable[[V], int] | None = None) -> None:
        if max_bytes is not None and size_of is None:
            raise ValueError("a byte bound needs size_of")
        self.entries, self.max_bytes, self.size_of = entries, max_bytes, size_of
        self._items: OrderedDict[K, V] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: K, value: V) -> V:
        with self._lock:
            if key in self._items:
                self._bytes -= self._size(self._items.pop(key))
            self._items[key] = value
            self._bytes += self._size(value)
            while len(self._items) > 1 and (
                len(self._items) > self.entries or (self.max_bytes is not None and self._bytes > self.max_bytes)
            ):
                _old, dropped = self._items.popitem(last=False)
                self._bytes -= self._size(dropped)
        return value

    def _size(self, value: V) -> int:
        return self.size_of(value) if self.size_of is not None else 0

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)
