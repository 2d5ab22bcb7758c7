"""Ringkasan (summary), the default page: the province against its target and the kabupaten/kota map."""

from __future__ import annotations

from geo.period import label as period_name
from geo.text import t
from ui import blocks, joinreport, mappage, monev, safe, urlstate

PAGE = "ringkasan"

src, url_state = mappage.start(PAGE)
v = mappage.view(PAGE, urlstate.from_widgets(url_state), src)
state, lang = v.state, v.lang
period_note = f" · {t('control.period', lang)} {safe.md(period_name(v.period, lang))}" if v.period else ""
kode = mappage.top(v, t("app.title", lang), "map_summary", caption=t("app.subtitle", lang) + period_note)
if kode:
    mappage.open_desa(state, kode)
mappage.controls(url_state)
mappage.share(v, PAGE)
if not state.present:
    monev.province_line(v)
    blocks.map_downloads(v.frame, v.opts, "kabupaten", state, v.area, v.period, f"peta_kabupaten_{v.period or ''}")
    joinreport.join_report("kabupaten", lang)
