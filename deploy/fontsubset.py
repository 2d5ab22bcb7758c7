"""Streamlit's two fonts of a first visit, trimmed to what this app shows (for nginx's copy only).

A first visit downloads Streamlit's icon font (Material Symbols, 375 KB: ~4,300 icons, of which
Streamlit and this app use a few hundred) and its text font (Source Sans, 170 KB with Greek,
Cyrillic and Vietnamese). On 4 Mbit/s that is about a second before anything else. The copy that
nginx serves keeps the file names and replaces the contents with subsets (fontTools):

- icons: every name written as ``:material/name:`` in Streamlit's JavaScript or in this project's
  Python files, and every quoted word in Streamlit's JavaScript that is an icon name (a generous
  net: a missing icon would show as its name);
- text: Latin, Latin-1, Latin Extended-A, punctuation, currency, arrows, maths and shapes. Other
  characters (a Cyrillic name in an uploaded table) fall back, character by character, to the
  browser's sans-serif.

The embedded default (``streamlit run`` without nginx) serves the same trimmed files: set-up writes them with
:func:`prepare` to ``.cache/fonts`` and ``server/fonts.py`` answers their URLs from there.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from fontTools.ttLib import TTFont

ICON_FONT = "MaterialSymbols-Rounded.*.woff2"
TEXT_FONTS = ("SourceSansVF-Upright.ttf.*.woff2", "SourceSansVF-Italic.ttf.*.woff2")
TEXT_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x17F),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x25A0, 0x25FF),
    (0xFB00, 0xFB06),
    (0xFFFD, 0xFFFD),
)
VERSION = "1"  # bump when the rules above change: the static copy is rebuilt
PROJECT_DIRS = ("app.py", "shell.py", "screens", "ui", "geo")
_MATERIAL = re.compile(r":material/([a-z0-9_]+):")
_QUOTED = re.compile(r"[\"'`]([a-z0-9_]{2,60})[\"'`]")


def project_icons(root: Path) -> set[str]:
    """``:material/...:`` names in the app's Python files."""
    names: set[str] = set()
    for entry in PROJECT_DIRS:
        p = root / entry
        for f in [p] if p.is_file() else sorted(p.rglob("*.py")) if p.is_dir() else []:
            names |= set(_MATERIAL.findall(f.read_text(encoding="utf-8", errors="replace")))
    return names


def streamlit_words(js_dir: Path) -> tuple[set[str], set[str]]:
    """(``:material/...:`` names, quoted lower-case words) in Streamlit's JavaScript."""
    material: set[str] = set()
    quoted: set[str] = set()
    for f in sorted(js_dir.glob("*.js")):
        text = f.read_text(encoding="utf-8", errors="replace")
        material |= set(_MATERIAL.findall(text))
        quoted |= set(_QUOTED.findall(text))
    return material, quoted


def _ligatures(font) -> dict[str, str]:
    """Icon name -> glyph, from the font's ligature substitutions."""
    rev = {g: chr(c) for c, g in font.getBestCmap().items()}
    out: dict[str, str] = {}
    for st in _ligature_subtables(font):
        for first, ligs in st.ligatures.items():
            for lig in ligs:
                chars = [rev.get(g) for g in (first, *lig.Component)]
                if None not in chars:
                    out["".join(chars)] = lig.LigGlyph
    return out


def _ligature_subtables(font):
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for st in lookup.SubTable:
            st = st.ExtSubTable if lookup.LookupType == 7 else st
            if getattr(st, "ligatures", None) is not None:
                yield st


def _save_subset(font, out: Path, glyphs: list[str] | None = None, unicodes: list[int] | None = None) -> int:
    from fontTools import subset  # noqa: PLC0415 - heavy, and only `deploy static` runs it

    opts = subset.Options()
    opts.flavor = "woff2"
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(glyphs=glyphs or [], unicodes=unicodes or [])
    sub.subset(font)
    font.flavor = "woff2"
    tmp = out.with_name(out.name + ".tmp")
    font.save(tmp)
    tmp.replace(out)
    return out.stat().st_size


def slim_icon_font(path: Path, wanted: set[str]) -> dict:
    """Keep only the ligatures (icon names) in ``wanted`` (names the font lacks are ignored)."""
    before = path.stat().st_size
    font = TTFont(path)
    known = _ligatures(font)
    keep = wanted & set(known)
    rev = {g: chr(c) for c, g in font.getBestCmap().items()}
    for st in _ligature_subtables(font):  # drop the other ligatures, or the subsetter's closure keeps them all
        for first in list(st.ligatures):
            kept = [
                lig for lig in st.ligatures[first] if "".join(rev.get(g, "\0") for g in (first, *lig.Component)) in keep
            ]
            if kept:
                st.ligatures[first] = kept
            else:
                del st.ligatures[first]
    chars = sorted({ord(c) for name in keep for c in name})
    after = _save_subset(font, path, glyphs=sorted(known[n] for n in keep), unicodes=chars)
    return {"file": path.name, "icons": len(keep), "of": len(known), "bytes_before": before, "bytes_after": after}


def icon_names(font_path: Path, js_dir: Path, root: Path) -> set[str]:
    material, quoted = streamlit_words(js_dir)
    known = set(_ligatures(TTFont(font_path)))
    return material | project_icons(root) | (quoted & known)


def slim_text_font(path: Path) -> dict:
    before = path.stat().st_size
    font = TTFont(path)
    unicodes = [c for c in font.getBestCmap() if any(a <= c <= b for a, b in TEXT_RANGES)]
    after = _save_subset(font, path, unicodes=unicodes)
    return {"file": path.name, "chars": len(unicodes), "bytes_before": before, "bytes_after": after}


def stamp(js_dir: Path, root: Path) -> str:
    """Changes when the icon names or the rules change (so the copy is rebuilt)."""
    material, quoted = streamlit_words(js_dir)
    text = "|".join([VERSION, *sorted(material | project_icons(root)), str(len(quoted)), repr(TEXT_RANGES)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def slim(static: Path, root: Path, log=print) -> list[dict]:
    """Trim the fonts under ``static`` (Streamlit's ``static`` folder copy: media/, js/) in place."""
    media, js = static / "media", static / "js"
    done = []
    for path in sorted(media.glob(ICON_FONT)):
        done.append(slim_icon_font(path, icon_names(path, js, root)))
    for pattern in TEXT_FONTS:
        for path in sorted(media.glob(pattern)):
            done.append(slim_text_font(path))
    for d in done:
        log(
            f"   font {d['file']}: {d['bytes_before'] / 1e3:.0f} KB -> {d['bytes_after'] / 1e3:.0f} KB"
            + (f" ({d['icons']} of {d['of']} icons)" if "icons" in d else f" ({d['chars']} characters)")
        )
    return done


def prepare(dest: Path, root: Path, streamlit_static: Path, log=print) -> list[dict]:
    """The trimmed fonts alone, flat in ``dest`` (for the embedded default); skipped when up to date.

    ``streamlit_static`` is Streamlit's built frontend (``streamlit_boundary.frontend.static_dir``).
    """
    media, js = streamlit_static / "static" / "media", streamlit_static / "static" / "js"
    sources = sorted(media.glob(ICON_FONT)) + [p for pattern in TEXT_FONTS for p in sorted(media.glob(pattern))]
    wanted = stamp(js, root) + " " + " ".join(p.name for p in sources)
    marker = dest / ".kalbar-fonts"
    if marker.is_file() and marker.read_text().strip() == wanted and all((dest / p.name).is_file() for p in sources):
        return []
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.woff2"):
        old.unlink()
    done = []
    for src in sources:
        out = dest / src.name
        out.write_bytes(src.read_bytes())
        done.append(slim_icon_font(out, icon_names(out, js, root)) if src.match(ICON_FONT) else slim_text_font(out))
    marker.write_text(wanted)
    for d in done:
        log(f"   font {d['file']}: {d['bytes_before'] / 1e3:.0f} KB -> {d['bytes_after'] / 1e3:.0f} KB")
    return done
