"""Visitor previews (ui/uploads): a small LRU by content hash, a cap on parses at once, the setting that
turns visitor uploads off while signed-in editors keep theirs."""

from __future__ import annotations

import pytest

from geo import boundaries
from geo.table import LimitError
from geo.text import t
from tests.support.apptest import SAMPLE_LABEL, TIMEOUT, new_app, open_app, open_page, sign_in, upload
from ui import session, uploads

TABLE = "kode,periode,tenaga_kerja,peserta_aktif\n61.01,{p},300000,90000\n61.71,{p},300000,150000\n"
PASSWORD = "kata-sandi-editor-1"


def _source(period: int) -> session.Source:
    return session.upload_source("t.csv", TABLE.format(p=period).encode(), "kabupaten")


@pytest.fixture
def fresh(monkeypatch):
    """An empty LRU and fresh slots for the test; the process's own are put back afterwards."""
    monkeypatch.setattr(uploads, "_kept", type(uploads._kept)())
    monkeypatch.setattr(uploads, "_slots", None)
    monkeypatch.delenv("KALBAR_PARALLEL_PARSES", raising=False)


def test_previews_are_kept_in_a_small_lru_by_content(fresh):
    sources = [_source(2000 + i) for i in range(uploads.KEEP + 2)]
    for s in sources:
        tables = uploads.tables(s, boundaries.areas)
        assert len(tables["kabupaten"][1].matched) == 2
    assert uploads.kept() == [s.key for s in sources[-uploads.KEEP :]]  # the oldest two are gone
    again = session.upload_source("other name.csv", sources[-1].content, "kabupaten")
    assert uploads.tables(again, boundaries.areas) is uploads.tables(sources[-1], boundaries.areas)  # same bytes
    uploads.tables(sources[2], boundaries.areas)  # used again: now the newest
    assert uploads.kept()[-1] == sources[2].key


def test_a_new_upload_beyond_the_parse_cap_is_busy(fresh):
    kept = _source(2001)
    uploads.tables(kept, boundaries.areas)
    gate = uploads.slots()
    taken = 0
    while gate.acquire(blocking=False):  # every slot busy, as with that many parses running
        taken += 1
    assert taken == 2  # the default cap
    try:
        with pytest.raises(uploads.Busy):
            uploads.tables(_source(2002), boundaries.areas, wait=False)
        assert uploads.tables(kept, boundaries.areas, wait=False)  # a kept preview needs no slot
    finally:
        for _ in range(taken):
            gate.release()
    assert uploads.tables(_source(2002), boundaries.areas, wait=False)


def test_a_refused_file_frees_its_slot(fresh, monkeypatch):
    monkeypatch.setenv("KALBAR_MAX_ROWS", "1")
    for _ in range(3):  # more refusals than slots: each one gave its slot back
        with pytest.raises(LimitError):
            uploads.tables(_source(2003), boundaries.areas, wait=False)


def _uploader_shown(at) -> bool:
    return bool(at.get("file_uploader"))


def test_visitor_uploads_off_editors_keep_theirs(empty_app_store, monkeypatch):
    empty_app_store.add_user("editor1", "editor", password=PASSWORD, by="test")
    monkeypatch.setenv("KALBAR_VISITOR_UPLOADS", "0")
    at = open_app()
    assert not _uploader_shown(at)
    assert any(t("upload.visitors_off", "id") in c.value for c in at.caption)
    at = new_app(timeout=TIMEOUT)
    at.run()
    at = open_page(sign_in(at, "editor1", PASSWORD), "screens/kabupaten.py")
    assert _uploader_shown(at)
    at = upload(at, "t.csv", TABLE.format(p=2024).encode())
    assert not any(SAMPLE_LABEL in w.value for w in at.warning), "the editor's preview is shown"


def test_visitor_upload_refused_with_the_limit(fresh, monkeypatch):
    monkeypatch.setenv("KALBAR_MAX_ROWS", "2")
    at = upload(open_app(), "t.csv", TABLE.format(p=2025).encode())
    errors = " ".join(e.value for e in at.error)
    assert "2 baris" in errors
    assert any(SAMPLE_LABEL in w.value for w in at.warning), "still on the sample data"


def test_the_hosted_stack_turns_visitor_uploads_off_by_default():
    from deploy.stack import Stack
    from geo import limits
    from geo.paths import ROOT

    assert Stack(env={"PATH": "/usr/bin"}).app_env()["KALBAR_VISITOR_UPLOADS"] == "0"
    assert Stack(env={"KALBAR_VISITOR_UPLOADS": "1"}).app_env()["KALBAR_VISITOR_UPLOADS"] == "1"
    assert not limits.visitor_uploads(Stack(env={}).app_env())
    unit = (ROOT / "deploy" / "systemd" / "kalbar@.service").read_text(encoding="utf-8")
    assert "Environment=KALBAR_VISITOR_UPLOADS=0" in unit
    assert "KALBAR_VISITOR_UPLOADS=0" in (ROOT / "deploy" / "kalbar.env.example").read_text(encoding="utf-8")
