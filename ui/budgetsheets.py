"""Budget sheets on the pages: the briefing pack (province + every kabupaten/kota) and, for a kabupaten/kota in
view, its one-page sheet and its desa's APBDes table. Each file is made only when its button is clicked."""

from __future__ import annotations

import streamlit as st

from geo.text import t
from geo.viewstate import ViewState

from . import cache, safe, session


def _inputs(state: ViewState, period: str | None):  # noqa: ANN202 - geo.sheets.Inputs (matplotlib on click only)
    from geo.view import budgets  # noqa: PLC0415 - imports matplotlib: only when a file is asked for

    d = cache.data(session.source())
    return budgets.inputs(d, session.commitments_in_force(), period, state.lang, state.iuran, state.bulan)


def downloads(state: ViewState, period: str | None, kab: str | None = None) -> None:
    """The pack's button (and with ``kab``, the sheet's and the desa CSV's)."""
    lang = state.lang
    st.subheader(t("budget.section", lang))
    st.caption(t("budget.section_help", lang))
    stem = safe.file_part(period or "", 20)

    def pack() -> bytes:
        from geo import sheets  # noqa: PLC0415 - matplotlib on click only

        return sheets.pack_pdf(_inputs(state, period))

    cols = st.columns(3 if kab else 1)
    cols[0].download_button(
        t("budget.download_pack", lang),
        pack,
        file_name=f"paket_anggaran_{stem}.pdf",
        mime="application/pdf",
        key=f"budget_pack_{stem}",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
    )
    if not kab:
        return
    code = safe.file_part(kab.replace(".", ""), 10)

    def sheet() -> bytes:
        from geo import sheets  # noqa: PLC0415

        return sheets.sheet_pdf(_inputs(state, period), kab)

    def table() -> bytes:
        from geo import sheets  # noqa: PLC0415

        return sheets.desa_csv(_inputs(state, period), kab)

    cols[1].download_button(
        t("budget.download_sheet", lang),
        sheet,
        file_name=f"anggaran_{code}_{stem}.pdf",
        mime="application/pdf",
        key=f"budget_sheet_{code}_{stem}",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
    )
    cols[2].download_button(
        t("budget.download_csv", lang),
        table,
        file_name=f"apbdes_{code}_{stem}.csv",
        mime="text/csv",
        key=f"budget_csv_{code}_{stem}",
        icon=":material/table:",
        on_click="ignore",
    )
