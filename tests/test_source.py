"""Obtaining the pinned upstream files: local folder, download, checksums, and an atomic cache build."""

from __future__ import annotations

import http.server
import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from geo import boundaries
from geo.paths import SOURCE_ENV
from geo.source import SourceError, Upstream, load_upstream, obtain, resolve_source, sha256_file

SOURCE = Path(
    os.environ.get(SOURCE_ENV) or Path(__file__).resolve().parents[2] / "shared" / "data" / "wilayah_boundaries"
)
KAB = "db/kab/wilayah_boundaries_kab_61.sql"
KEC = "db/kec/wilayah_boundaries_kec_61.sql"
QUIET = lambda _msg: None  # noqa: E731


@pytest.fixture
def mirror(tmp_path) -> Path:
    """A folder with the upstream layout: symlinks to the shared copy (cheap), replaceable per test."""
    root = tmp_path / "mirror"
    for rel in load_upstream().boundary_files:
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(SOURCE / rel)
    return root


def _tamper(root: Path, rel: str) -> None:
    path = root / rel
    data = (SOURCE / rel).read_bytes()
    path.unlink()
    path.write_bytes(data + b"\n-- edited\n")


def small_upstream(url_pattern: str | None = None) -> Upstream:
    """The real manifest restricted to the two small files (kabupaten, kecamatan)."""
    up = load_upstream()
    files = {rel: up.files[rel] for rel in (KAB, KEC)}
    return replace(up, files=files, url_pattern=url_pattern or up.url_pattern)


# --- manifest and source resolution ------------------------------------------------------


def test_manifest_is_pinned_and_complete():
    up = load_upstream()
    assert up.commit == "3c5a7960f4d227a38489094d84252bdbb3f978a5"
    assert len(up.boundary_files) == 16
    assert all(len(d) == 64 for d in up.files.values())
    assert up.url(KAB) == f"https://raw.githubusercontent.com/cahyadsn/wilayah_boundaries/{up.commit}/{KAB}"


def test_resolve_source(monkeypatch, tmp_path):
    monkeypatch.delenv(SOURCE_ENV, raising=False)
    assert resolve_source(None) is None
    assert resolve_source("") is None
    assert resolve_source(tmp_path) == tmp_path.resolve()
    monkeypatch.setenv(SOURCE_ENV, str(tmp_path / "env"))
    assert resolve_source(None) == (tmp_path / "env").resolve()
    assert resolve_source("") == (tmp_path / "env").resolve()
    assert resolve_source(tmp_path / "explicit") == (tmp_path / "explicit").resolve()  # explicit wins


# --- local folder ------------------------------------------------------------------------


def test_obtain_from_folder_verifies_every_file(mirror, tmp_path):
    messages: list[str] = []
    paths = obtain(tmp_path / "work", mirror, messages.append)
    up = load_upstream()
    assert set(paths) == set(up.boundary_files)
    for rel, path in paths.items():
        assert path == mirror.resolve() / rel
        assert sha256_file(path) == up.files[rel]
    assert len(messages) == 16
    assert not (tmp_path / "work").exists()  # nothing downloaded


def test_checksum_mismatch_names_both_fixes(mirror, tmp_path):
    _tamper(mirror, KEC)
    with pytest.raises(SourceError) as err:
        obtain(tmp_path / "work", mirror, QUIET)
    msg = str(err.value)
    assert "checksum" in msg.lower()
    assert KEC in msg
    assert load_upstream().files[KEC] in msg
    assert SOURCE_ENV in msg and "--source" in msg
    assert "https://raw.githubusercontent.com/cahyadsn/wilayah_boundaries/" in msg


def test_missing_file_is_a_clear_error(mirror, tmp_path):
    missing = "db/kel/61/wilayah_boundaries_kel_61.07.sql"
    (mirror / missing).unlink()
    with pytest.raises(SourceError) as err:
        obtain(tmp_path / "work", mirror, QUIET)
    msg = str(err.value)
    assert "missing" in msg and "tidak ada" in msg
    assert missing in msg
    assert SOURCE_ENV in msg


def test_env_folder_is_used_when_no_source_given(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv(SOURCE_ENV, str(mirror))
    paths = obtain(tmp_path / "work", None, QUIET, small_upstream())
    assert paths[KAB] == mirror.resolve() / KAB


# --- download ----------------------------------------------------------------------------


class _Server:
    """http.server on 127.0.0.1 serving ``root``; modes: normal, 404, truncated."""

    def __init__(self, root: Path):
        self.root = root
        self.mode = "normal"
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):
                outer.requests.append(self.path)
                path = outer.root / self.path.lstrip("/")
                if outer.mode == "404" or not path.is_file():
                    self.send_error(404)
                    return
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if outer.mode == "truncated":
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def pattern(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{{path}}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(mirror, monkeypatch):
    monkeypatch.delenv(SOURCE_ENV, raising=False)  # no folder: obtain() must download
    s = _Server(mirror)
    yield s
    s.close()


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith(".part-")] if folder.exists() else []


def test_download_writes_verified_files(server, tmp_path):
    up = small_upstream(server.pattern)
    work = tmp_path / "work"
    messages: list[str] = []
    paths = obtain(work, None, messages.append, up)
    for rel in (KAB, KEC):
        assert paths[rel] == work / "raw" / rel
        assert sha256_file(paths[rel]) == up.files[rel]
    assert sorted(server.requests) == sorted(["/" + KAB, "/" + KEC])
    assert any("download" in m for m in messages)
    assert _leftovers(work) == []
    # second run: already there and verified, nothing fetched again
    server.requests.clear()
    messages.clear()
    obtain(work, None, messages.append, up)
    assert server.requests == []
    assert all("already" in m for m in messages)


def test_download_replaces_a_stale_file(server, tmp_path):
    up = small_upstream(server.pattern)
    work = tmp_path / "work"
    stale = work / "raw" / KAB
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"stale")
    paths = obtain(work, None, QUIET, up)
    assert sha256_file(paths[KAB]) == up.files[KAB]
    assert "/" + KAB in server.requests


def test_download_of_tampered_file_fails_checksum(server, mirror, tmp_path):
    _tamper(mirror, KAB)
    up = small_upstream(server.pattern)
    with pytest.raises(SourceError) as err:
        obtain(tmp_path / "work", None, QUIET, up)
    assert "checksum" in str(err.value).lower()
    assert SOURCE_ENV in str(err.value)
    assert not (tmp_path / "work" / "raw" / KAB).exists()  # a wrong file never takes the real name
    assert _leftovers(tmp_path / "work") == []


def test_http_error_is_source_error_without_partial_file(server, tmp_path):
    server.mode = "404"
    up = small_upstream(server.pattern)
    work = tmp_path / "work"
    with pytest.raises(SourceError) as err:
        obtain(work, None, QUIET, up)
    msg = str(err.value)
    assert "unreachable" in msg and server.pattern.split("{")[0] in msg
    assert SOURCE_ENV in msg and "--source" in msg
    assert not (work / "raw" / KAB).exists()
    assert _leftovers(work) == []


def test_truncated_download_leaves_nothing_behind(server, tmp_path):
    server.mode = "truncated"
    up = small_upstream(server.pattern)
    work = tmp_path / "work"
    with pytest.raises(SourceError) as err:
        obtain(work, None, QUIET, up)
    assert "incomplete" in str(err.value) or "unreachable" in str(err.value)
    assert not (work / "raw" / KAB).exists()
    assert _leftovers(work) == []


def test_unreachable_host_is_source_error(tmp_path, monkeypatch):
    monkeypatch.delenv(SOURCE_ENV, raising=False)
    # a port nobody listens on: bind, read the number, close
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    up = small_upstream(f"http://127.0.0.1:{port}/{{path}}")
    with pytest.raises(SourceError) as err:
        obtain(tmp_path / "work", None, QUIET, up)
    assert "unreachable" in str(err.value)
    assert _leftovers(tmp_path / "work") == []


# --- the cache build is all or nothing ---------------------------------------------------


def _build_dirs(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".build-")]


def _fail_at_kecamatan(monkeypatch):
    real = boundaries.display_geometry

    def flaky(geoms, level):
        if level == "kecamatan":
            raise RuntimeError("simulated failure mid-build")
        return real(geoms, level)

    monkeypatch.setattr(boundaries, "display_geometry", flaky)


def test_build_failure_mid_way_leaves_no_cache(tmp_path, monkeypatch):
    _fail_at_kecamatan(monkeypatch)
    target = tmp_path / "cache" / "boundaries"
    with pytest.raises(RuntimeError, match="simulated"):
        boundaries.build_cache(SOURCE, target=target, progress=QUIET)
    assert not target.exists()
    assert _build_dirs(target.parent) == []
    assert not boundaries.cache_ready(target)


def test_build_failure_keeps_the_previous_cache(tmp_path, monkeypatch):
    _fail_at_kecamatan(monkeypatch)
    target = tmp_path / "cache" / "boundaries"
    target.mkdir(parents=True)
    (target / "old.txt").write_text("previous cache")
    with pytest.raises(RuntimeError):
        boundaries.build_cache(SOURCE, target=target, progress=QUIET)
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    assert _build_dirs(target.parent) == []


def test_build_with_bad_source_creates_nothing(mirror, tmp_path):
    _tamper(mirror, KAB)
    target = tmp_path / "cache" / "boundaries"
    with pytest.raises(SourceError):
        boundaries.build_cache(mirror, target=target, progress=QUIET)
    assert not target.exists()


def test_build_swaps_in_a_complete_cache(tmp_path, monkeypatch, mirror):
    """A real (reduced: kabupaten + kecamatan) build into a tmp target replaces the old one whole."""
    monkeypatch.setattr(boundaries, "load_upstream", lambda: small_upstream())
    monkeypatch.setattr(boundaries, "LEVELS", ("kabupaten", "kecamatan"))
    target = tmp_path / "cache" / "boundaries"
    target.mkdir(parents=True)
    (target / "old.txt").write_text("previous cache")
    summary = boundaries.build_cache(mirror, target=target, progress=QUIET)
    assert summary.counts == {"kabupaten": 14, "kecamatan": 174}
    assert summary.invalid_repaired == {"kabupaten": 2, "kecamatan": 2}
    assert summary.all_valid
    assert summary.cache == target
    assert summary.area_km2["kabupaten"] == pytest.approx(146_990, rel=0.005)
    assert sorted(p.name for p in target.iterdir()) == ["kabupaten.parquet", "kecamatan.parquet", "meta.json"]
    assert boundaries.cache_ready(target)
    assert _build_dirs(target.parent) == []
    kec = boundaries.load("kecamatan", str(target))
    assert len(kec) == 174 and kec.nama_kab.notna().all()
    boundaries.load.cache_clear()
