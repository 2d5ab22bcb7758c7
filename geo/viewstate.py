"""The view as URL query parameters: a copied address bar reproduces exactly what was seen.

Parsing never raises: each bad or stale parameter is dropped with a message key and the
rest of the view still opens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace

from . import LEVELS
from .period import parse as read_period
from .plan import DEFAULT_IURAN, DEFAULT_MONTHS, parse_iuran, parse_months, parse_slots

BASEMAP_CHOICES = ("light", "osm", "none")
URL_NAMES = {"version": "v"}  # fields whose URL parameter is shorter than the field name
LANG_CHOICES = ("id", "en")
COLOR_CHOICES = ("gap", "coverage", "change", "pace")  # geo.style.COLORINGS


@dataclass(frozen=True)
class ViewState:
    level: str = "kabupaten"  # what the map shows
    kab: str | None = None  # scope: a kabupaten/kota code
    kec: str | None = None  # scope: a kecamatan code (within kab)
    sel: str | None = None  # highlighted area
    period: str | None = None
    target: float | None = None  # None: the target schedule; a number: "what if", replaces every target
    below: bool = False
    q: str = ""
    basemap: str = "light"
    # Map colouring: "gap" = distance to target (the default since issue 11); "coverage" = the
    # sequential coverage scale, as before; "change" = change since the previous period. Old links
    # never carried color=coverage (it was the default, and defaults are left out), so they open
    # with the new default; an explicit color=coverage still means the sequential scale. "pace" = each
    # area's pace against the pace needed for this year's target (geo.pace; issue 28).
    color: str = "gap"
    present: bool = False
    lang: str = "id"
    iuran: int = DEFAULT_IURAN  # planning: monthly contribution per person (Rp)
    bulan: int = DEFAULT_MONTHS  # planning: months the contribution is paid
    slots: int = 0  # planning: N new bantuan iuran recipients in the scenario (0: no scenario)
    version: int | None = None  # URL "v": the published data as of this version (None: the latest)

    def drill(self, kode: str) -> ViewState:
        """What a click on area ``kode`` opens: one level down, or a highlight at desa level."""
        if self.level == "kabupaten":
            return replace(self, level="kecamatan", kab=kode[:5], kec=None, sel=None)
        if self.level == "kecamatan":
            return replace(self, level="desa", kab=kode[:5], kec=kode[:8], sel=None)
        return replace(self, sel=None if self.sel == kode else kode)

    def up(self, to: str) -> ViewState:
        if to == "provinsi":
            return replace(self, level="kabupaten", kab=None, kec=None, sel=None)
        if to == "kabupaten":
            return replace(self, level="kecamatan", kec=None, sel=None)
        return self


@dataclass(frozen=True)
class Problem:
    param: str
    value: str
    key: str  # message key in text.py


def _bool(v: str) -> bool | None:
    low = v.strip().lower()
    return (
        True
        if low in ("1", "true", "ya", "yes", "on")
        else False
        if low in ("0", "false", "tidak", "no", "off", "")
        else None
    )


def parse(
    params: Mapping[str, str | list[str]],
    kab_codes: Iterable[str] = (),
    kec_codes: Iterable[str] = (),
    desa_codes: Iterable[str] = (),
    periods: Iterable[str] = (),
    default: ViewState = ViewState(),
) -> tuple[ViewState, list[Problem]]:
    kab_set, kec_set, desa_set, period_list = set(kab_codes), set(kec_codes), set(desa_codes), list(periods)
    values: dict[str, object] = {}
    problems: list[Problem] = []

    def get(name: str) -> str | None:
        raw = params.get(name)
        if isinstance(raw, list):
            raw = raw[-1] if raw else None
        return None if raw is None else str(raw).strip()

    def bad(name: str, value: str, key: str = "url.invalid") -> None:
        problems.append(Problem(name, value, key))

    if (v := get("level")) is not None:
        values["level"] = v if v in LEVELS else bad("level", v)
    if (v := get("kab")) is not None and v:
        values["kab"] = v if v in kab_set else bad("kab", v, "url.unknown_area")
    if (v := get("kec")) is not None and v:
        ok = v in kec_set and (values.get("kab") in (None, v[:5]))
        values["kec"] = v if ok else bad("kec", v, "url.unknown_area")
        if ok and not values.get("kab"):
            values["kab"] = v[:5]
    if (v := get("sel")) is not None and v:
        values["sel"] = v if v in (kab_set | kec_set | desa_set) else bad("sel", v, "url.unknown_area")
    if (v := get("period")) is not None and v:
        key = v if v in period_list else read_period(v)  # any spelling: "Juni 2024", "06/2024" -> "2024-06"
        values["period"] = key if key in period_list else bad("period", v, "url.unknown_period")
    if (v := get("target")) is not None:
        try:
            num = float(v.replace(",", "."))
            values["target"] = num if math.isfinite(num) and 0 <= num <= 100 else bad("target", v, "url.bad_target")
        except ValueError:
            bad("target", v, "url.bad_target")
    for name in ("below", "present"):
        if (v := get(name)) is not None:
            b = _bool(v)
            values[name] = b if b is not None else bad(name, v)
    if (v := get("q")) is not None:
        values["q"] = v[:100]
    if (v := get("basemap")) is not None:
        values["basemap"] = v if v in BASEMAP_CHOICES else bad("basemap", v)
    if (v := get("color")) is not None:
        values["color"] = v if v in COLOR_CHOICES else bad("color", v)
    if (v := get("lang")) is not None:
        values["lang"] = v if v in LANG_CHOICES else bad("lang", v)
    _parse_planning(get, values, bad)
    if (v := get("v")) is not None and v:
        values["version"] = parse_version(v) or bad("v", v, "url.invalid")
    clean = {k: val for k, val in values.items() if val is not None}
    state = replace(default, **clean)
    # A scope below the level shown makes no sense: show the level of the scope instead.
    if state.level == "kabupaten" and (state.kab or state.kec):
        state = replace(state, level="kecamatan" if not state.kec else "desa")
    if state.level == "kecamatan" and state.kec:
        state = replace(state, level="desa")
    return state, problems


def parse_version(raw: str) -> int | None:
    """``?v=N``: a version number (1 to 2**31 - 1, ASCII digits only), else None. The one parser of ``v``."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31 else None


def _parse_planning(get, values: dict, bad) -> None:
    """``iuran`` (Rp/person/month), ``bulan`` (months) and ``slots`` (N new recipients): whole numbers in range."""
    for name, parser, key in (
        ("iuran", parse_iuran, "plan.url_bad_iuran"),
        ("bulan", parse_months, "plan.url_bad_bulan"),
        ("slots", parse_slots, "plan.url_bad_slots"),
    ):
        if (v := get(name)) is not None:
            number = parser(v)
            values[name] = number if number is not None else bad(name, v, key)


def to_query(state: ViewState, default: ViewState = ViewState()) -> dict[str, str]:
    """Only what differs from the default, so shared links stay short."""
    out: dict[str, str] = {}
    for f in fields(ViewState):
        value, base = getattr(state, f.name), getattr(default, f.name)
        if value == base or value is None or value == "":
            continue
        name = URL_NAMES.get(f.name, f.name)
        if isinstance(value, bool):
            out[name] = "1" if value else "0"
        elif isinstance(value, float):
            out[name] = f"{value:g}"
        else:
            out[name] = str(value)
    return out


def as_dict(state: ViewState) -> dict:
    return asdict(state)
