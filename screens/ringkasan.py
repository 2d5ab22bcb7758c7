"""Ringkasan (summary), the default page: the province against its target and the kabupaten/kota map."""

from __future__ import annotations

from geo.text import t
from geo.viewstate import ViewState
from ui import blocks, mappage, report, safe, viewstate
from ui.sidebar import share_link

DEFAULT = ViewState(level="kabupaten")

src, state = mappage.start(DEFAULT)
state = viewstate.from_widgets(state)
viewstate.write(state, DEFAULT)
lang = state.lang
province = t("level.provinsi", lang)
v = mappage.view(state, src, "kabupaten", area_label=province, title=province)
share_link(state, DEFAULT, "ringkasan")
period_note = f" · {t('control.period', lang)} {safe.md(v.period)}" if v.period else ""
kode = mappage.top(v, t("app.title", lang), "map_summary", caption=t("app.subtitle", lang) + period_note)
if kode:
    mappage.open_desa(state, kode)
if not state.present:
    blocks.map_downloads(v.frame, v.opts, "kabupaten", state, province, v.period, f"peta_kabupaten_{v.period or ''}")
    report.join_report("kabupaten", lang)
