"""The scenario map: the coverage map after the scenario, areas that cross target outlined.

Reuses the coverage payload, layer and legend of ``maps.py`` on the scenario frame; one more
script draws a heavy orange outline (ColorBrewer Dark2, distinct from the black below-target
outline and hatching) around the areas the scenario brings to target, with its own legend entry.
"""

from __future__ import annotations

import html

import folium
import pandas as pd
from folium.template import Template

from . import fmt, maps
from .text import t

CROSSES_OUTLINE = "#d95f02"
CROSSES_WEIGHT = 5


class CrossingOutline(maps.VerbatimScript):
    """Outline the features whose code is in ``codes`` (drawn over the coverage layer)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function(map){
  var P = window.pjkLayers; if (!P) { return; }
  var codes = {{ this.codes }}, want = {};
  codes.forEach(function(k){ want[k] = true; });
  var feats = [];
  P.base.eachLayer(function(l){ if (want[l.feature.properties.kode]) { feats.push(l.feature); } });
  var layer = L.geoJSON({type:"FeatureCollection", features:feats}, {interactive:false,
    style: function(){ return {color: {{ this.color }}, weight: {{ this.weight }}, opacity: 1, fill: false}; }});
  if (P.show) { P.show(); }  // already done by maps.FitBesideControls: the outline goes over the fills
  layer.addTo(map);
  window.pjkCrossing = {count: feats.length, layer: layer};
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, codes: list[str]):
        super().__init__()
        self._name = "CrossingOutline"
        self.codes = maps.json_for_script(sorted(codes))
        self.color = maps.json_for_script(CROSSES_OUTLINE)
        self.weight = int(CROSSES_WEIGHT)


def crosses_legend(n: int, lang: str) -> str:
    """A legend panel (escaped HTML) for the outline of areas that reach target in the scenario."""
    swatch = (
        f'<svg width="18" height="18" aria-hidden="true"><rect x="2" y="2" width="14" height="14" fill="none" '
        f'stroke="{CROSSES_OUTLINE}" stroke-width="4"/></svg>'
    )
    label = f"{t('plan.legend_crosses', lang)}: {fmt.number(n, lang)}"
    return (
        f'<div class="pjk-legend"><div class="pjk-lg-row" data-kind="crosses">{swatch}'
        f"<span><b>{html.escape(label)}</b></span></div></div>"
    )


def scenario_map(payload: str, after: pd.DataFrame, opts: maps.MapOptions, height: str | int = "100%") -> folium.Map:
    """The folium map of the scenario, from a (cached) coverage payload of ``after``."""
    crossing = sorted(after.loc[after["crosses"], "kode"].astype(str))
    own = bool(after.get("own_target", pd.Series(dtype=bool)).any())
    m = maps.map_from_payload(
        payload, opts, own, height, extra_panels=((crosses_legend(len(crossing), opts.lang), "bottomleft"),)
    )
    CrossingOutline(crossing).add_to(m)
    return m
