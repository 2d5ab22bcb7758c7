"""Budget sheets on the pages: the briefing pack (province + every kabupaten/kota) and, for a kabupaten/kota in
view, its one-page sheet and its desa's APBDes table. Each file is made only when its button is clicked, by the
core (``geo.view.budgets.budget_file``: made once, one at a time, a few new ones a minute per visitor)."""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

from geo.text import t
from geo.view import budgets
from geo.viewstate import ViewState

from . import auth, cache, safe, session
from .blocks import Download, download_row


def downloads(state: ViewState, period: str | None, kab: str | None = None) -> None:
    """The pack's button (and with ``kab``, the sheet's and the desa CSV's)."""
    lang = state.lang
    st.subheader(t("budget.section", lang))
    st.caption(t("budget.section_help", lang))
    # what a file is made of is read now, in the script run: the click is answered outside it
    d, commits, client = cache.data(session.source()), session.commitments_in_force(), auth.client()
    wait = budgets.wait_for(client)
    if wait > 0:
        st.caption(t("budget.busy", lang, s=math.ceil(wait)))
    stem = safe.file_part(period or "", 20)

    def made(kind: str) -> Callable[[], bytes]:
        return lambda: budgets.budget_file(
            kind, d, commits, period, lang, state.iuran, state.bulan, kab=kab, client=client
        )

    files = [
        Download(
            t("budget.download_pack", lang),
            made("pack"),
            f"paket_anggaran_{stem}.pdf",
            "application/pdf",
            f"budget_pack_{stem}",
            ":material/picture_as_pdf:",
        )
    ]
    if kab:
        code = safe.file_part(kab.replace(".", ""), 10)
        files += [
            Download(
                t("budget.download_sheet", lang),
                made("sheet"),
                f"anggaran_{code}_{stem}.pdf",
                "application/pdf",
                f"budget_sheet_{code}_{stem}",
                ":material/picture_as_pdf:",
            ),
            Download(
                t("budget.download_csv", lang),
                made("csv"),
                f"apbdes_{code}_{stem}.csv",
                "text/csv",
                f"budget_csv_{code}_{stem}",
                ":material/table:",
            ),
        ]
    download_row(files)
