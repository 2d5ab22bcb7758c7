"""geo/plan_map.py in Chromium: the scenario map outlines the areas that reach target, over the fills."""

from __future__ import annotations

import pytest

from geo import boundaries, maps, plan, plan_map, targets
from geo.assets import standalone_html
from geo.cli.common import matched_tables as _matched_tables
from geo.cli.common import schedule_in_force
from tests.support.browser import VIEWPORT


@pytest.fixture(scope="module")
def scenario_html(tmp_path_factory):
    tables, _, _ = _matched_tables(None, "id")
    frame = targets.classify_level(tables, boundaries.areas, "kabupaten", None, None, schedule_in_force(), "id")
    result = plan.plan(frame, 26_373)
    after = plan.scenario_frame(frame, result)
    opts = maps.MapOptions(level="kabupaten", basemap="none", color="coverage", is_sample=True)
    m = plan_map.scenario_map(maps.coverage_payload(after, opts), after, opts, height=600)
    path = tmp_path_factory.mktemp("scenario") / "scenario.html"
    path.write_text(standalone_html(m), encoding="utf-8")
    return path, sorted(after.loc[after["crosses"], "kode"])


@pytest.mark.browser
def test_crossing_outline_drawn_over_the_coverage_fills(scenario_html, browser):
    path, crossing = scenario_html
    assert len(crossing) == 3  # Kayong Utara, Kota Pontianak, Sambas (tests/test_scenario.py)
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(path.as_uri())
        page.wait_for_function(
            "() => window.pjkCrossing && window.pjkCrossing.layer.getLayers().every(l => l.getElement())",
            timeout=30_000,
        )
        got = page.evaluate("""() => { const P = window.pjkLayers, C = window.pjkCrossing, \
paths = Array.from(document.querySelectorAll('svg path'));
            const idx = l => paths.indexOf(l.getElement());
            return {count: C.count, codes: C.layer.getLayers().map(l => l.feature.properties.kode).sort(),
                    lastFill: Math.max(...P.base.getLayers().map(idx)), \
firstOutline: Math.min(...C.layer.getLayers().map(idx))}; }""")
    finally:
        page.close()
    assert got["count"] == 3 and got["codes"] == crossing
    assert 0 <= got["lastFill"] < got["firstOutline"], got
