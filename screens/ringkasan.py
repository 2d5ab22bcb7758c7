"""Ringkasan (summary), the default page: the province against its target and the kabupaten/kota map."""

from __future__ import annotations

from geo.period import label as period_name
from geo.text import t
from geo.view import shown
from ui import blocks, mappage, report, safe, viewstate
from ui.sidebar import share_link

PAGE = "ringkasan"
DEFAULT = shown.default(PAGE)

src, state = mappage.start(PAGE)
state = shown.for_page(PAGE, viewstate.from_widgets(state))
viewstate.write(state, DEFAULT)
lang = state.lang
v = mappage.view(PAGE, state, src)
share_link(state, DEFAULT, PAGE)
period_note = f" · {t('control.period', lang)} {safe.md(period_name(v.period, lang))}" if v.period else ""
kode = mappage.top(v, t("app.title", lang), "map_summary", caption=t("app.subtitle", lang) + period_note)
if kode:
    mappage.open_desa(state, kode)
if not state.present:
    blocks.map_downloads(v.frame, v.opts, "kabupaten", state, v.area, v.period, f"peta_kabupaten_{v.period or ''}")
    report.join_report("kabupaten", lang)
