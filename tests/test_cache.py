"""ui/cache.py: the content key under which every viewer shares one ranked table."""

from __future__ import annotations

from tests.support.sample import classified, scoped
from ui.cache import frame_digest


def test_digest_follows_content_not_identity():
    frame = scoped(classified("desa")[0], "61.04")
    assert frame_digest(frame) == frame_digest(frame.copy())
    changed = frame.copy()
    changed.loc[changed.index[5], "peserta_aktif"] += 1
    assert frame_digest(changed) != frame_digest(frame)
    assert frame_digest(frame.iloc[:-1]) != frame_digest(frame)  # one area fewer (search, below-only filter)
    other_status = frame.copy()
    other_status.loc[other_status.index[0], "status"] = (
        "at_or_above" if frame["status"].iloc[0] != "at_or_above" else "below"
    )
    assert frame_digest(other_status) != frame_digest(frame)
    assert frame_digest(frame.assign(change_pp=1.0)) != frame_digest(frame)
