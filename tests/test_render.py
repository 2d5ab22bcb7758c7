"""Static exports (geo/render.py): size, colours read back from the pixels, PDF pages, labels, CLI."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_rgb
from PIL import Image

from geo import boundaries, classify, render, style
from geo.classify import AT_OR_ABOVE, BELOW, NO_DATA
from geo.maps import rows_of
from geo.paths import ROOT
from geo.sample import ensure_samples
from geo.source import load_upstream
from geo.text import MESSAGES, t
from tests.support.sample import PERIOD

KETAPANG = "61.04"
TOL = 8  # per channel; every colour the tests look for is exact in the fill/stroke


@pytest.fixture(scope="module")
def classified(areas):
    """Sample figures classified per level, built without the join (plain CSV read)."""
    paths = ensure_samples()
    cache: dict[str, pd.DataFrame] = {}

    def get(level: str, drop: tuple[str, ...] = ()) -> pd.DataFrame:
        key = f"{level}{drop}"
        if key not in cache:
            matched = pd.read_csv(paths[level], dtype={"kode": str, "periode": str})
            matched = matched[~matched["kode"].isin(drop)]
            cache[key] = classify.classify(matched, areas(level), 50.24, PERIOD)
        return cache[key]

    return get


def _png(fig) -> np.ndarray:
    data = render.save_figure(fig, "png")
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _rgb(hex_color: str) -> np.ndarray:
    return np.round(np.array(to_rgb(hex_color)) * 255).astype(int)


def _matches(img: np.ndarray, px: np.ndarray, color: str) -> np.ndarray:
    """Per point: is the pixel at (column, row) within TOL of ``color``?"""
    cols = np.clip(np.floor(px[:, 0]).astype(int), 0, img.shape[1] - 1)
    rows = np.clip(np.floor(px[:, 1]).astype(int), 0, img.shape[0] - 1)
    return np.all(np.abs(img[rows, cols] - _rgb(color)) <= TOL, axis=1)


def _near(img: np.ndarray, px: np.ndarray, color: str, tol: int = 40) -> np.ndarray:
    """Per point: is any pixel of its 3×3 neighbourhood within ``tol`` of ``color``? (thin antialiased lines)"""
    cols = np.clip(np.floor(px[:, 0]).astype(int), 1, img.shape[1] - 2)
    rows = np.clip(np.floor(px[:, 1]).astype(int), 1, img.shape[0] - 2)
    hit = np.zeros(len(px), dtype=bool)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            hit |= np.all(np.abs(img[rows + dr, cols + dc] - _rgb(color)) <= tol, axis=1)
    return hit


def _display(level: str) -> pd.Series:
    gdf = boundaries.load(level)
    return pd.Series(gdf["display"].values, index=gdf["kode"])


def _boundary_points(geom, n: int = 120) -> np.ndarray:
    ring = max(getattr(geom, "geoms", [geom]), key=lambda p: p.area).exterior
    pts = [ring.interpolate(d) for d in np.linspace(0, ring.length, n, endpoint=False)]
    return np.array([(p.x, p.y) for p in pts])


def _interior_points(geom, n: int = 25) -> np.ndarray:
    """A grid of points well inside the area (shrunk by a fifth of its size), plus its representative point."""
    minx, miny, maxx, maxy = geom.bounds
    inner = geom.buffer(-0.08 * min(maxx - minx, maxy - miny))
    xs, ys = np.meshgrid(np.linspace(minx, maxx, n), np.linspace(miny, maxy, n))
    pts = shapely.points(xs.ravel(), ys.ravel())
    inside = pts[shapely.contains(inner, pts)] if not inner.is_empty else np.array([])
    rp = geom.representative_point()
    return np.array([(rp.x, rp.y)] + [(p.x, p.y) for p in inside])


# --- size and format -------------------------------------------------------------------------


@pytest.mark.parametrize("level,kab", [("kabupaten", None), ("desa", KETAPANG)])
def test_png_is_exactly_1920_by_1080(classified, level, kab):
    buf = io.BytesIO()
    data = render.render_map(classified(level), level, kab=kab, is_sample=True, fmt="png", out=buf)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert buf.getvalue() == data
    assert Image.open(io.BytesIO(data)).size == (1920, 1080)


def test_png_is_deterministic(classified):
    a = render.render_map(classified("kabupaten"), "kabupaten", is_sample=True)
    b = render.render_map(classified("kabupaten"), "kabupaten", is_sample=True)
    assert a == b


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdfinfo")), reason="poppler-utils (pdftoppm, pdfinfo) not installed"
)
def test_pdf_opens_and_has_one_page(classified, tmp_path):
    out = tmp_path / "peta.pdf"
    data = render.render_map(classified("desa"), "desa", kab=KETAPANG, is_sample=True, fmt="pdf", out=out)
    assert data.startswith(b"%PDF") and out.read_bytes() == data
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(w / h - 16 / 9) < 0.01
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(out), str(tmp_path / "page")], check=True, capture_output=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    assert Image.open(pages[0]).size[0] > Image.open(pages[0]).size[1]


def test_unknown_format_and_bad_kab_are_refused(classified):
    with pytest.raises(render.RenderError):
        render.render_map(classified("kabupaten"), "kabupaten", fmt="svg")
    with pytest.raises(render.RenderError):
        render.build_figure(classified("desa"), "desa", kab="61.99")
    with pytest.raises(render.RenderError):
        render.build_figure(classified("kabupaten"), "kabupaten", kab=KETAPANG)


# --- the same classes and colours as the interactive map, read back from the pixels ---------


@pytest.fixture(scope="module")
def classified_at(areas):
    """Sample figures classified against any target (the marked side depends on it)."""
    paths = ensure_samples()
    cache: dict[tuple, pd.DataFrame] = {}

    def get(level: str, target: float) -> pd.DataFrame:
        if (level, target) not in cache:
            matched = pd.read_csv(paths[level], dtype={"kode": str, "periode": str})
            cache[(level, target)] = classify.classify(matched, areas(level), target, PERIOD)
        return cache[(level, target)]

    return get


def _fill_of(row: pd.Series) -> str:
    return style.area_fill("gap", row["cakupan"], row["target_efektif"], row["status"])


@pytest.mark.parametrize(
    "level,kab,target,mark",
    [
        ("kabupaten", None, 50.24, "above"),
        ("desa", KETAPANG, 50.24, "above"),
        ("kabupaten", None, 25.0, "below"),
        ("desa", KETAPANG, 20.0, "below"),
    ],
)
def test_marked_side_outline_and_class_fills_in_pixels(classified_at, level, kab, target, mark):
    """The minority side carries the dark outline (hatched too when it is the below side); fills are the gap classes."""
    frame = classified_at(level, target)
    fig = render.build_figure(frame, level, kab=kab, is_sample=True, target=target)
    # Names on the map (white halo) may sit on any area; the colours under them are what is checked here.
    for text in render.map_axes(fig).texts:
        text.set_visible(False)
    img = _png(fig)
    shown = frame if kab is None else frame[frame["kode_kab"] == kab]
    geoms = _display(level)
    by_code = shown.set_index("kode")

    below = shown[shown["status"] == BELOW]
    above = shown[shown["status"] == AT_OR_ABOVE]
    assert len(below) and len(above), "sample should have areas on both sides of the target"
    assert style.marking(len(below), len(below) + len(above)) == mark
    marked, plain = (below, above) if mark == "below" else (above, below)
    area = shown["kode"].map(lambda k: geoms[k].area)
    for kode in marked.assign(a=area).nlargest(3, "a")["kode"]:
        pts = _boundary_points(geoms[kode])
        px = render.to_pixels(fig, pts[:, 0], pts[:, 1])
        share = _near(img, px, style.BELOW_OUTLINE).mean()
        assert share >= 0.8, f"{kode}: only {share:.0%} of its boundary carries BELOW_OUTLINE"
        inner = _interior_points(geoms[kode])
        ipx = render.to_pixels(fig, inner[:, 0], inner[:, 1])
        fill = _fill_of(by_code.loc[kode])
        if mark == "below":  # the class fill, crossed by hatching in the outline colour
            assert _matches(img, ipx, fill).mean() > 0.3, kode
            assert 0.03 < _near(img, ipx, style.BELOW_OUTLINE, tol=70).mean() < 0.7, kode
        else:  # outlined only
            assert _matches(img, ipx, fill).mean() >= 0.9, kode
            assert _near(img, ipx, style.BELOW_OUTLINE, tol=70).mean() < 0.03, kode

    for kode in plain.assign(a=area).nlargest(3, "a")["kode"]:
        inner = _interior_points(geoms[kode])
        ipx = render.to_pixels(fig, inner[:, 0], inner[:, 1])
        fill = _fill_of(by_code.loc[kode])
        assert _matches(img, ipx, fill).mean() >= 0.9, f"{kode}: interior is not its class fill {fill}"
        assert _near(img, ipx, style.BELOW_OUTLINE, tol=70).mean() < 0.03, f"{kode} is hatched but not marked"
        # The representative point itself, give or take a few pixels (a label may sit on it).
        c, r = np.floor(ipx[0]).astype(int)
        window = img[r - 6 : r + 7, c - 6 : c + 7].reshape(-1, 3)
        assert np.any(np.all(np.abs(window - _rgb(fill)) <= TOL, axis=1)), kode


@pytest.mark.parametrize("color", ["gap", "coverage"])
def test_png_uses_the_interactive_maps_class_colours(classified, color):
    """Same frame, same colouring: every kabupaten's fill in the PNG is the fill the web map's payload carries."""
    import json

    from geo import maps

    frame = classified("kabupaten")
    payload = json.loads(maps.coverage_payload(frame, maps.MapOptions(level="kabupaten", color=color)))
    web = {row[0]: row[7] for row in rows_of(payload)}
    fig = render.build_figure(frame, "kabupaten", color=color)
    for text in render.map_axes(fig).texts:
        text.set_visible(False)
    img = _png(fig)
    geoms = _display("kabupaten")
    checked = 0
    for kode, fill in web.items():
        inner = _interior_points(geoms[kode])
        if len(inner) < 10:  # a small kota: too few pixels to judge
            continue
        ipx = render.to_pixels(fig, inner[:, 0], inner[:, 1])
        assert _matches(img, ipx, fill).mean() >= 0.9, f"{kode}: PNG is not the web fill {fill}"
        checked += 1
    assert checked >= 10
    assert len(set(web.values())) >= 3  # several classes, not one colour everywhere
    # and the legend rows are the web legend's
    texts = " ".join(render.figure_texts(fig)).replace("\n", " ")
    mark = payload["s"]["mark"]
    for _kind, label in style.legend_rows(color, 50.24, "id", False, mark):
        assert " ".join(label.split()) in " ".join(texts.split()), label


def test_no_data_areas_are_grey_with_their_own_legend_entry_never_zero(classified):
    missing = ("61.10", "61.06")  # Melawi, Kapuas Hulu
    frame = classified("kabupaten", drop=missing)
    assert set(frame.loc[frame["status"] == NO_DATA, "kode"]) == set(missing)
    fig = render.build_figure(frame, "kabupaten")
    texts = render.figure_texts(fig)
    for text in render.map_axes(fig).texts:
        text.set_visible(False)
    img = _png(fig)
    geoms = _display("kabupaten")
    for kode in missing:
        inner = _interior_points(geoms[kode])
        px = render.to_pixels(fig, inner[:, 0], inner[:, 1])
        assert _matches(img, px, style.NO_DATA_FILL).mean() >= 0.6, kode
        assert _matches(img, px, style.GAP_PALETTE[-1]).mean() == 0  # not the furthest-below class
        assert _matches(img, px, style.BELOW_OUTLINE).mean() < 0.05  # not "below target"
    assert any(x.startswith("Melawi") and "–" in x for x in texts)
    assert not any(x.startswith("Melawi") and "0%" in x for x in texts)
    joined = " ".join(" ".join(texts).split())
    for _kind, label in style.legend_rows(
        "gap", 50.24, "id", False, style.marking(int((frame["status"] == BELOW).sum()), 12)
    ):
        assert " ".join(label.split()) in joined, label
    assert t("map.legend_no_data", "id") in texts
    # a partial table's figures say how many areas were reported (the decision in geo.classify.reported_note)
    assert any("12 dari 14 kabupaten/kota dilaporkan" in x for x in texts)


def test_legend_matches_the_interactive_map_entries(classified):
    fig = render.build_figure(classified("desa"), "desa", kab=KETAPANG, lang="en")
    texts = " ".join(" ".join(render.figure_texts(fig)).split())
    for _kind, label in style.legend_rows("gap", 50.24, "en", False, "above"):
        assert " ".join(label.split()) in texts, label


# --- labels: sample banner, title, source, language -----------------------------------------


def test_sample_label_only_for_sample_data(classified):
    banner = t("sample.banner", "id")
    sample = render.figure_texts(
        render.build_figure(classified("kabupaten"), "kabupaten", is_sample=True, data_source="contoh.csv")
    )
    assert banner in sample
    real = render.figure_texts(
        render.build_figure(classified("kabupaten"), "kabupaten", is_sample=False, data_source="bpjs_2024.xlsx")
    )
    assert not any("Data contoh" in x or "contoh" in x.lower() for x in real), real


def test_title_period_and_source_line(classified):
    texts = render.figure_texts(
        render.build_figure(classified("desa"), "desa", kab=KETAPANG, data_source="cakupan.csv")
    )
    joined = "\n".join(texts)
    assert t("map.title", "id", area="Kabupaten Ketapang", level=t("level.desa", "id"), period="Desember 2024") in texts
    commit = load_upstream().commit
    assert "cahyadsn/wilayah_boundaries" in joined and commit[:10] in joined
    assert "cakupan.csv" in joined
    custom = render.figure_texts(
        render.build_figure(classified("kabupaten"), "kabupaten", title="Rapat monev", subtitle="Juni 2024")
    )
    assert "Rapat monev" in custom and "Juni 2024" in custom


@pytest.mark.parametrize("lang", ["id", "en"])
def test_source_line_with_a_published_stamp_says_data_once(lang):
    """A published stamp already reads "Data per …"/"Data as of …": no "Data: Data per …"."""
    stamp = t("stamp.line", lang, period="2025", id=3, when="1 Des 2026 09.00 WIB", by="editor1")
    line = render.source_line(stamp, is_sample=False, lang=lang)
    assert line.endswith("·   " + stamp) and line.count("Data") == 1
    assert render.source_line("cakupan.csv", is_sample=False, lang=lang).endswith(
        t("render.source_data", lang, name="cakupan.csv")
    )


def _indonesian_chunks(keys: set[str]) -> dict[str, list[str]]:
    """For each catalogue key: the literal parts of its Indonesian text that English never uses."""
    out = {}
    for key in keys:
        ids, en = MESSAGES[key]
        if ids == en or ids in en:  # e.g. the sample banner keeps the Indonesian words on purpose
            continue
        parts = [p.strip(" :·,()/%") for p in re.split(r"\{[^}]*\}", ids)]
        parts = [p for p in parts if len(p) >= 4 and p not in en]
        if parts:
            out[key] = parts
    return out


@pytest.mark.parametrize("level,kab", [("kabupaten", None), ("desa", KETAPANG)])
def test_english_render_has_no_indonesian_labels(classified, level, kab):
    en_fig = render.build_figure(classified(level), level, kab=kab, lang="en", is_sample=True)
    en_texts = render.figure_texts(en_fig)
    chunks = _indonesian_chunks(en_fig.pjk.keys)
    assert len(chunks) >= 8, "the check must cover the labels actually used"
    for key, parts in chunks.items():
        for part in parts:
            hits = [x for x in en_texts if re.search(rf"(?<!\w){re.escape(part)}(?!\w)", x)]
            assert not hits, f"{key}: Indonesian {part!r} in English render: {hits}"
    assert any("35.35%" in x for x in en_texts) or level == "desa"
    # The same check finds the Indonesian labels in an Indonesian render (so it is not vacuous).
    id_texts = "\n".join(
        render.figure_texts(render.build_figure(classified(level), level, kab=kab, lang="id", is_sample=True))
    )
    found = sum(any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", id_texts) for p in parts) for parts in chunks.values())
    assert found >= len(chunks) * 0.8


def test_summary_figures_match_totals(classified):
    frame = classified("kabupaten")
    tot = classify.totals(frame, 50.24)
    texts = render.figure_texts(render.build_figure(frame, "kabupaten"))
    assert "35,35%" in texts
    assert t("metric.below_value", "id", n=str(tot.below), total=str(tot.areas_with_data)) in texts
    assert any(x.startswith(f"{tot.gap_sum:,.0f}".replace(",", ".")) for x in texts)


# --- CLI -----------------------------------------------------------------------------------------


def _cli(*argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "geo", "render", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


needs_join = pytest.mark.skipif(
    not (ROOT / "geo" / "join.py").is_file(), reason="geo/join.py (table join) not written yet"
)


@needs_join
def test_cli_writes_png_from_sample(tmp_path):
    out = tmp_path / "kab.png"
    res = _cli("--level", "kabupaten", "--format", "png", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert Image.open(out).size == (1920, 1080)
    assert str(out) in res.stdout


@needs_join
def test_cli_writes_pdf_for_one_kabupaten_in_english(tmp_path):
    out = tmp_path / "ketapang.pdf"
    res = _cli(
        "--level", "desa", "--kab", "6104", "--format", "pdf", "--lang", "en", "--target", "45", "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    assert out.read_bytes().startswith(b"%PDF")


@needs_join
def test_cli_reads_a_table_and_rolls_desa_up(tmp_path):
    src = ensure_samples()["desa"]
    table = tmp_path / "cakupan_desa.csv"
    table.write_bytes(src.read_bytes())
    out = tmp_path / "kab.png"
    res = _cli("--level", "kabupaten", "--table", str(table), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert Image.open(out).size == (1920, 1080)


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--level", "desa", "--kab", "61.99"], "61.99"),
        (["--level", "kabupaten", "--kab", KETAPANG], "--kab"),
        (["--level", "desa", "--table", "/nonexistent/tabel.csv"], "/nonexistent/tabel.csv"),
    ],
)
def test_cli_errors_exit_2_with_a_message(tmp_path, argv, needle):
    out = tmp_path / "x.png"
    res = _cli(*argv, "--out", str(out))
    assert res.returncode == 2
    assert needle in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()


def test_cli_colour_option(tmp_path):
    """--color coverage gives the sequential scale's legend; the default is distance to target, as in the app."""
    outs = {}
    for color in ("gap", "coverage"):
        out = tmp_path / f"{color}.png"
        proc = subprocess.run(
            [sys.executable, "-m", "geo", "render", "--level", "kabupaten", "--color", color, "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        outs[color] = np.asarray(Image.open(out).convert("RGB")).reshape(-1, 3)
    for colour in style.GAP_PALETTE[1:]:
        assert np.all(np.abs(outs["gap"] - _rgb(colour)) <= TOL, axis=1).sum() > 100, colour
    assert np.all(np.abs(outs["coverage"] - _rgb(style.PALETTE[2])) <= TOL, axis=1).sum() > 100
    assert np.all(np.abs(outs["coverage"] - _rgb(style.GAP_PALETTE[-1])) <= TOL, axis=1).sum() == 0


def test_dollar_signs_from_the_table_print_as_text(classified):
    """A period or file name like '$\\frac$' (user-controlled) must not reach matplotlib's math parser."""
    png = render.render_map(
        classified("kabupaten"), "kabupaten", period="$\\frac$", data_source="tabel $x_1$.csv", fmt="png"
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
