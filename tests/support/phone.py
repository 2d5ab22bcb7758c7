"""Phones in Chromium (mobile emulation, touch) and axe-core's accessibility rules, for tests and screenshots.

The measures are what a person on a phone meets: where the map starts on the first screen, whether
anything runs past the right edge, how much of the map the controls cover, and what axe-core (rules
nobody here wrote, npm ``axe-core``, installed by ``python run.py test`` into .cache/npm) finds.
"""

from __future__ import annotations

from pathlib import Path

from .services import require

PHONES = {"390x844": (390, 844), "360x640": (360, 640)}
DESKTOP = {"width": 1400, "height": 1000}
AXE_JS = Path(__file__).resolve().parents[2] / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

# Violations that come from Streamlit's own markup, not ours: (axe rule, data-testid of the Streamlit part).
STREAMLIT_OWN = {
    # The sidebar's page navigation: Streamlit puts each <li> inside a <div> inside the <ul>
    # (stSidebarNavItems), so the list holds non-<li> children and its items have no list parent.
    ("list", "stSidebarNavItems"),
    ("listitem", "stSidebarNavItems"),
}


def phone_context(browser, size: str):
    """A fresh context emulating a mid-range Android phone of ``size`` ("390x844"): touch, no hover."""
    w, h = PHONES[size]
    return browser.new_context(
        viewport={"width": w, "height": h}, device_scale_factor=2, is_mobile=True, has_touch=True
    )


# What crosses the right edge: elements whose right side is past the viewport, unless an ancestor clips them
# in its own scroll box that itself fits (a table's horizontal scroller: the page does not move sideways).
OVERFLOW_JS = """() => {
  const W = window.innerWidth, out = [];
  const clipped = (e) => { for (let a = e.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' && a.getBoundingClientRect().right <= W + 0.5) return true; }
    return false; };
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right > W + 0.5 && !clipped(e)) {
      out.push(e.tagName + '.' + String(e.className || '').slice(0, 40) + ' right=' + Math.round(r.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: W, over: out};
}"""

# The visible Leaflet controls (zoom, scale, the fold button, legend, title box, panels, the tap card) as a
# share of the map's area, counted inside the map's own document.
COVER_JS = """() => {
  const m = document.querySelector('.leaflet-container').getBoundingClientRect();
  let s = 0;
  for (const c of document.querySelectorAll('.leaflet-control')) {
    const r = c.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && getComputedStyle(c).visibility !== 'hidden') {
      const w = Math.min(r.right, m.right) - Math.max(r.left, m.left);
      const h = Math.min(r.bottom, m.bottom) - Math.max(r.top, m.top);
      if (w > 0 && h > 0) s += w * h;
    }
  }
  return s / (m.width * m.height);
}"""


def first_screen(page, frame) -> dict:
    """Where the map starts (share of the screen's height), the overflow, and the controls' cover of the map."""
    box = frame.frame_element().bounding_box()
    height = page.evaluate("() => window.innerHeight")
    return {
        "map_top": box["y"] / height,
        "overflow": page.evaluate(OVERFLOW_JS),
        "cover": frame.evaluate(COVER_JS),
    }


# --- axe-core -----------------------------------------------------------------------------------------

RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: false});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => {
    const el = document.querySelector(n.target[0]);
    const ids = [];
    for (let a = el; a; a = a.parentElement) { if (a.dataset && a.dataset.testid) ids.push(a.dataset.testid); }
    return {target: n.target.join(' '), html: n.html.slice(0, 200), testids: ids};
  })}));
}"""


def axe_script() -> str:
    """axe.min.js (fails where run.py installs it, skips elsewhere, saying why)."""
    require(
        "axe-core",
        None if AXE_JS.is_file() else f"{AXE_JS} missing",
        "npm install --prefix .cache/npm axe-core (python run.py test does it)",
    )
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(where, script: str) -> tuple[list[dict], list[dict]]:
    """(ours, Streamlit's): serious/critical WCAG 2.1 A/AA violations in a page or frame, one entry per node."""
    where.evaluate(script)
    ours, theirs = [], []
    for v in where.evaluate(RUN_AXE, WCAG):
        if v["impact"] not in BLOCKING:
            continue
        for node in v["nodes"]:
            entry = {"rule": v["id"], "impact": v["impact"], "help": v["help"], **node}
            streamlit = any((v["id"], tid) in STREAMLIT_OWN for tid in node["testids"])
            (theirs if streamlit else ours).append(entry)
    return ours, theirs
