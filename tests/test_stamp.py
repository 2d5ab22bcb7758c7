"""The stamp line and the ``v`` link parameter that pins a published version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo import viewstate
from geo.stamp import publisher, stamp, when
from geo.viewstate import ViewState


@dataclass
class V:
    id: int
    published_at: dt.datetime
    publisher: str | None  # the account's display name
    publisher_role: str | None = "editor"
    published_by: str = "login-ana"  # the login name: never shown


def test_stamp_in_both_languages_in_kalbar_time():
    v = V(7, dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC), "Tim Data")
    assert stamp(v, "2024-06", "id") == "Data per Juni 2024 · versi 7 · terbit 2026-11-27 06:30 WIB oleh Tim Data"
    assert stamp(v, "2024-06", "en") == "Data as of June 2024 · version 7 · published 2026-11-27 06:30 WIB by Tim Data"
    assert stamp(v, None, "id", pinned=True).endswith("· versi tersemat lewat tautan")
    assert when(dt.datetime(2026, 1, 1, 0, 0)) == "2026-01-01 07:00 WIB"  # naive = UTC (SQLite)
    # the audit log's times: to the second, across midnight into the next WIB day
    assert when(dt.datetime(2026, 1, 1, 17, 5, 9, tzinfo=dt.UTC), seconds=True) == "2026-01-02 00:05:09 WIB"


def test_stamp_keeps_a_name_on_one_line():
    v = V(1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "ana\nbudi  **x**")
    assert "oleh ana budi **x**" in stamp(v, "2024", "id") and "\n" not in stamp(v, "2024", "id")


def test_without_a_display_name_the_stamp_names_the_role_never_the_login():
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert stamp(V(1, at, None, "admin"), "2024", "id").endswith("WIB oleh admin")
    assert stamp(V(1, at, "  ", "editor"), "2024", "en").endswith("WIB by editor")
    assert stamp(V(1, at, None, None), "2024", "id").endswith("WIB oleh editor")  # an account since gone
    assert publisher(V(1, at, None, "viewer")) == "editor"  # only an editor or admin publishes
    assert all(
        "login-ana" not in stamp(V(1, at, n, r), "2024", lg)
        for n in (None, "x")
        for r in ("admin", None)
        for lg in ("id", "en")
    )


def test_v_parameter_round_trip_and_bad_values():
    state, problems = viewstate.parse({"v": "12"})
    assert state.version == 12 and not problems
    assert viewstate.to_query(state) == {"v": "12"}
    assert viewstate.to_query(ViewState()) == {}
    for bad in ("abc", "-1", "0", "1e3", "٣", "99999999999"):
        state, problems = viewstate.parse({"v": bad})
        assert state.version is None and [(p.param, p.value) for p in problems] == [("v", bad)]
