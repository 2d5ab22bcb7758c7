"""geo/lru.py: the one bounded LRU behind the server layer's caches and the held features files."""

from __future__ import annotations

import threading

import pytest

from geo.lru import LRU


def test_bounded_by_entries_least_recently_used_first():
    cache: LRU[str, int] = LRU(3)
    for i, key in enumerate("abc"):
        cache.put(key, i)
    assert cache.get("a") == 0  # "a" is now the most recent: "b" goes first
    cache.put("d", 3)
    assert len(cache) == 3 and cache.get("b") is None and [cache.get(k) for k in "acd"] == [0, 2, 3]


def test_bounded_by_bytes_and_the_newest_always_stays():
    cache: LRU[int, bytes] = LRU(10, max_bytes=5000, size_of=len)
    for i in range(10):
        cache.put(i, bytes(1000))
    assert cache.bytes == 5000 and len(cache) == 5 and cache.get(9) is not None and cache.get(4) is None
    cache.put("big", bytes(8000))  # larger than the bound alone: kept, everything older dropped
    assert len(cache) == 1 and cache.get("big") is not None and cache.bytes == 8000
    cache.put("big", bytes(10))  # replaced: its old size no longer counts
    assert cache.bytes == 10


def test_a_byte_bound_needs_a_size():
    with pytest.raises(ValueError):
        LRU(4, max_bytes=100)


def test_threads_never_break_the_bounds():
    cache: LRU[tuple[int, int], bytes] = LRU(50, max_bytes=20_000, size_of=len)

    def work(t: int) -> None:
        for i in range(2000):
            cache.put((t, i), bytes(i % 700))
            cache.get((t, i - 3))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(cache) <= 50 and cache.bytes <= 20_000
    assert cache.bytes == sum(len(cache.get(k) or b"") for k in list(cache._items))
