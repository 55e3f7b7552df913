"""What a page looks like on a classroom screen, measured in a real browser and turned into readable problems.

`measure(page)` reads the page's geometry in one JavaScript call (window, scrollers, elements poking out on the
right, text too wide for its box, the heading, every Plotly chart with the box and font size of each of its
texts); `screen_problems(page,
...)` turns that into sentences that name the texts and pixels involved, so a failing test says exactly what
overlaps, what is cut off and what overflows. Used by tests/test_e2e_screens.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "screens"  # git-ignored (/artifacts/ in .gitignore); rewritten on every run

# Two text boxes may touch: SVG text boxes include the font's ascent and descent, so stacked tick labels
# share a pixel or two without any glyphs meeting. More than this is a real overlap.
OVERLAP_TOLERANCE_PX = 2.0
# Glyphs fill less than their SVG text box: above capitals and digits is about 0.2 em of empty ascent; below
# the baseline the descent is mostly filled by g, p and y, so only 0.1 em is trimmed there.
INK_TOP_EM = 0.2
INK_BOTTOM_EM = 0.1
# The figure for a projector at 1280x720: chart titles, ticks and labels at least 16 px.
MIN_PRESENTER_FONT_PX = 16.0
# "A chart on the first screen" means seen, not a top edge peeking above the fold: 100 px shows a chart's
# title and the start of its plot.
FIRST_SCREEN_MIN_PX = 100.0
# The page heading takes at most a fifth of the first screen (measured to its bottom edge, top padding included).
HEADING_SHARE = 1 / 5
# A page names its key charts (those that must fit on one presenter screen) by the class sb-key on the chart or
# on a container around it: on a chart grid cell, or on st.container(key="sb-key-...") around an st.plotly_chart
# (Streamlit gives that container the class st-key-sb-key-...). A page that marks none: its first two charts.
KEY_CHARTS = ".js-plotly-plot.sb-key, .sb-key .js-plotly-plot, [class*='st-key-sb-key'] .js-plotly-plot"
UNMARKED_KEY_CHARTS = 2
MAX_LISTED = 8  # problems of one kind listed per chart or page; the rest are counted

Point = tuple[float, float]


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    present: bool = False  # opened with ?present=1
    phone: bool = False  # a touch device (mobile meta viewport, no hover)
    screenshot: bool = False  # keep screenshots of every page at this size
    # A chart must show on the first screen. The issue asks it of the projector (and so of larger screens); on a
    # phone the first screen belongs to the heading and the main controls, and the charts follow one per row.
    chart_first: bool = True

    @property
    def size(self) -> dict:
        return {"width": self.width, "height": self.height}


VIEWPORTS = (
    Viewport("projector-presenting", 1280, 720, present=True, screenshot=True),
    Viewport("projector", 1280, 720, screenshot=True),
    Viewport("desktop", 1600, 1000),
    Viewport("phone", 390, 844, phone=True, screenshot=True, chart_first=False),
)

# One call that reads everything the checks need. Positions are in CSS pixels of the window, at scroll 0.
MEASURE_JS = r"""([keySelector, INK_TOP, INK_BOTTOM]) => {
  const W = innerWidth, H = innerHeight;
  const main = document.querySelector('[data-testid="stMain"]');
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const sidebarOpen = !!sidebar && sidebar.getAttribute('aria-expanded') !== 'false'
    && sidebar.getBoundingClientRect().right > 1;
  const visible = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true,
                                            checkOpacity: true, checkVisibilityCSS: true});
  const clean = s => (s || '').replace(/\s+/g, ' ').trim();
  const describe = el => {
    const widget = el.tagName === 'INPUT' && el.closest('[data-testid="stSelectbox"], [data-testid="stMultiSelect"], '
                                                        + '[data-testid="stTextInput"], [data-testid="stNumberInput"]');
    const label = widget && widget.querySelector('label');
    if (label) return `the field "${clean(label.innerText)}" showing "${clean(el.value).slice(0, 60)}"`;
    const id = el.getAttribute('data-testid');
    const cls = clean(el.getAttribute('class')).split(' ')[0];
    const what = el.tagName.toLowerCase() + (id ? `[${id}]` : cls ? `.${cls}` : '');
    const tex = el.querySelector('annotation[encoding="application/x-tex"]');  // an equation: its TeX source
    const text = clean(tex ? tex.textContent : el.value || el.innerText || el.textContent).slice(0, 60);
    return text ? `${what} "${text}"` : what;
  };

  // Scrolling sideways: the document or Streamlit's main scroller wider than the window.
  const sideways = [];
  const de = document.documentElement;
  if (de.scrollWidth > W + 1) sideways.push(['the page', de.scrollWidth, W]);
  if (main && main.scrollWidth > main.clientWidth + 1) sideways.push(['the main area', main.scrollWidth,
                                                                      main.clientWidth]);

  // Elements whose right edge is beyond the window and that no container below the page's scroller clips or
  // scrolls (a wide table in its own scroll box is fine). Plotly's insides count as their chart.
  const roots = new Set([de, document.body, main]);
  const clipped = el => {
    for (let a = el.parentElement; a && !roots.has(a); a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' && a.getBoundingClientRect().right <= W + 1) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const up = el.parentElement;
    if (up && (up.closest('svg') || up.closest('.js-plotly-plot'))) continue;
    if (!sidebarOpen && sidebar && sidebar.contains(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.right <= W + 1 || !visible(el)) continue;
    if (!clipped(el)) out.push(el);
  }
  const outSet = new Set(out);
  const overflow = out.filter(el => !(el.parentElement && outSet.has(el.parentElement)))
    .map(el => ({what: describe(el), right: el.getBoundingClientRect().right}));

  // Text in a box narrower than itself: cut off (overflow hidden, a select box's value) or only readable by
  // scrolling the box sideways (an equation line). Screen-reader copies (1 px wide), charts, the page's own
  // scrollers and widgets that scroll by design (tables, code) do not count.
  const boxed = [];
  for (const el of (main || document.body).querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.overflowX === 'visible' || el.clientWidth < 4 || el.scrollWidth <= el.clientWidth + 2) continue;
    if (el.closest('svg, .js-plotly-plot, [data-testid="stDataFrame"], [data-testid="stTable"], '
                   + '[data-testid="stCode"], [data-testid="stSidebar"]') || !visible(el)) continue;
    if (!clean(el.value || el.innerText)) continue;  // a box of text, or a field showing its value
    boxed.push({what: describe(el), wide: el.scrollWidth, room: el.clientWidth,
                scrolls: cs.overflowX === 'auto' || cs.overflowX === 'scroll'});
  }

  const headingEl = main && main.querySelector('[data-testid="stHeading"]');
  const heading = headingEl && (r => ({text: clean(headingEl.innerText).slice(0, 60), top: r.top,
                                       bottom: r.bottom, height: r.height}))(headingEl.getBoundingClientRect());

  // Every drawn Plotly chart and its texts. A text's box is the quadrilateral of its SVG bounding box on the
  // screen, so rotated tick labels keep their true shape.
  const kinds = [
    [/^g?title$/, 'title'], [/^gtitle-subtitle$/, 'subtitle'], [/^[xy]\d*title$/, 'axis title'],
    [/^[xy]\d*tick$/, 'tick'], [/^legendtitletext$/, 'legend title'], [/^legendtext$/, 'legend'],
    [/^annotation-text$/, 'annotation'], [/^[xy]?cb.*title$/, 'colour-bar title'],
    [/^[xy]?cb.*tick$/, 'colour-bar tick'], [/^textpoint$/, 'label'], [/^bartext$/, 'bar label'],
    [/^contourlabel/, 'contour label'], [/^hoverlayer$/, null], [/^table$/, null],
  ];
  // The kind of a text; null for texts not checked: hover labels, and table cells, which scroll inside the
  // table's own clip.
  const kindOf = (t, plot) => {
    for (let a = t; a && a !== plot; a = a.parentNode) {
      for (const c of (a.getAttribute && a.getAttribute('class') || '').split(/\s+/))
        for (const [re, kind] of kinds) if (re.test(c)) return kind;
    }
    return 'text';
  };
  const keyed = new Set(document.querySelectorAll(keySelector));
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg'));
  const charts = plots.map((plot, i) => {
    const svg = plot.querySelector('.main-svg').getBoundingClientRect();
    const box = plot.getBoundingClientRect();
    const texts = [];
    // plotly.js shrinks a text that does not fit (a bar's label in a thin bar) by a transform, not its font size:
    // a text's size on screen is its font size times its scale against the chart's own
    const det = m => Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    const chartScale = det(plot.querySelector('.main-svg').getScreenCTM()) || 1;
    for (const t of plot.querySelectorAll('text')) {
      const kind = kindOf(t, plot);
      const lines = t.querySelectorAll('tspan.line');  // a text of several lines: one tspan each
      const text = clean(lines.length ? [...lines].map(l => l.textContent).join(' ') : t.textContent);
      if (kind === null || !text || !visible(t)) continue;
      const b = t.getBBox(), m = t.getScreenCTM();
      if (!m || b.width < 0.5 || b.height < 0.5) continue;
      const size = parseFloat(getComputedStyle(t).fontSize), font = size * det(m) / chartScale;
      const quad = (m, x0, y0, x1, y1) => {
        const p = (x, y) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f];
        return [p(x0, y0), p(x1, y0), p(x1, y1), p(x0, y1)];
      };
      // An annotation drawn on a filled or framed box hides everything under the box: the box counts.
      const bg = kind === 'annotation' && t.closest('.annotation') && t.closest('.annotation').querySelector('rect.bg');
      const bgStyle = bg && getComputedStyle(bg);
      if (bg && ((bgStyle.fill !== 'none' && !/rgba\(.*, 0\)$/.test(bgStyle.fill) && +bgStyle.fillOpacity > 0)
                 || (bgStyle.stroke !== 'none' && parseFloat(bgStyle.strokeWidth) > 0)) && bg.getScreenCTM()) {
        const r = bg.getBBox();
        texts.push({kind, text, font, quad: quad(bg.getScreenCTM(), r.x, r.y, r.x + r.width, r.y + r.height)});
        continue;
      }
      // An SVG text box runs from the font's ascent to its descent: trim the empty band above capitals and
      // most of the one below the baseline, so stacked lines that do not touch on screen do not count.
      const top = b.y + INK_TOP * size, bottom = Math.max(top + 1, b.y + b.height - INK_BOTTOM * size);
      texts.push({kind, text, font, quad: quad(m, b.x, top, b.x + b.width, bottom)});
    }
    const title = plot.querySelector('.gtitle');
    const fl = plot._fullLayout || {};
    // Log axes' tick labels that are a bare digit standing for another value (plotly's minor-tick labels:
    // "2" for 0.2 or 20), from the ticks plotly.js computed: [axis id, label, value].
    const bareDigits = Object.keys(fl).filter(k => /^[xy]axis\d*$/.test(k) && fl[k] && fl[k].type === 'log')
      .flatMap(k => (fl[k]._vals || []).filter(v => /^[2-9]$/.test(String(v.text)))
        .map(v => [fl[k]._id, String(v.text), Math.pow(10, v.x)])
        .filter(([, text, value]) => Math.abs(value - Number(text)) > 1e-6 * value));
    return {index: i, key: keyed.has(plot), title: title ? clean(title.textContent) : '', bareDigits,
            box: [box.left, box.top, box.right, box.bottom], svg: [svg.left, svg.top, svg.right, svg.bottom],
            texts};
  });
  return {width: W, height: H, sideways, overflow, boxed, heading, charts};
}"""


def measure(page) -> dict:
    """The page's geometry at scroll 0 (see MEASURE_JS)."""
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
    return page.evaluate(MEASURE_JS, [KEY_CHARTS, INK_TOP_EM, INK_BOTTOM_EM])


# ---------------------------------------------------------------- geometry (pure Python, on the measurements)

def _axes(quad: list[Point]) -> list[Point]:
    """The two edge normals of a parallelogram (the screen image of a rectangle)."""
    (x0, y0), (x1, y1), _, (x3, y3) = quad
    return [(-(y1 - y0), x1 - x0), (-(y3 - y0), x3 - x0)]


def overlap_depth(a: list[Point], b: list[Point]) -> float:
    """How far two convex quadrilaterals overlap (separating-axis test): 0 when apart, else the smallest push
    in pixels that would separate them. For axis-aligned boxes it is the smaller of the x and y overlaps."""
    depth = float("inf")
    for ax, ay in _axes(a) + _axes(b):
        norm = (ax * ax + ay * ay) ** 0.5
        if norm == 0:
            continue
        pa = [(x * ax + y * ay) / norm for x, y in a]
        pb = [(x * ax + y * ay) / norm for x, y in b]
        d = min(max(pa), max(pb)) - max(min(pa), min(pb))
        if d <= 0:
            return 0.0
        depth = min(depth, d)
    return depth


def _outside(quad: list[Point], box: list[float]) -> float:
    """How many pixels of a quadrilateral lie beyond a box [left, top, right, bottom] (0 when inside)."""
    xs, ys = [x for x, _ in quad], [y for _, y in quad]
    return max(0.0, box[0] - min(xs), max(xs) - box[2], box[1] - min(ys), max(ys) - box[3])


def _short(text: str, n: int = 50) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def _name(t: dict) -> str:
    return f"{t['kind']} '{_short(t['text'])}'"


def _chart_name(c: dict) -> str:
    return f"chart {c['index'] + 1} '{_short(c['title'])}'" if c["title"] else f"chart {c['index'] + 1} (untitled)"


def _listed(items: list[str], what: str) -> list[str]:
    return items[:MAX_LISTED] + ([f"... and {len(items) - MAX_LISTED} more {what}"] if len(items) > MAX_LISTED
                                 else [])


def chart_problems(c: dict, present: bool) -> list[str]:
    """Texts of one chart that overlap each other, are cut off by the chart's edge, or are too small to read."""
    name, texts, out = _chart_name(c), c["texts"], []
    for axis in sorted({a for a, _, _ in c["bareDigits"]}):
        bare = [f"{value:g} as '{text}'" for a, text, value in c["bareDigits"] if a == axis]
        out.append(f"{name}: the log axis {axis} labels minor ticks with a bare digit ({', '.join(bare)})")
    overlaps = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            d = overlap_depth(a["quad"], b["quad"])
            if d > OVERLAP_TOLERANCE_PX:
                overlaps.append(f"{name}: {_name(a)} overlaps {_name(b)} by {d:.0f} px")
    out += _listed(overlaps, "overlaps")
    cut = [f"{name}: {_name(t)} is cut off by {_outside(t['quad'], c['svg']):.0f} px at the chart's edge"
           for t in texts if _outside(t["quad"], c["svg"]) > OVERLAP_TOLERANCE_PX]
    out += _listed(cut, "cut-off texts")
    if present:
        small = [t for t in texts if t["font"] < MIN_PRESENTER_FONT_PX - 0.01]
        if small:
            sizes = sorted({round(t["font"], 1) for t in small})
            examples = ", ".join(_name(t) for t in small[:3])
            out.append(f"{name}: {len(small)} text(s) smaller than {MIN_PRESENTER_FONT_PX:.0f} px "
                       f"(sizes {', '.join(f'{s:g}' for s in sizes)} px), e.g. {examples}")
    return out


def screen_problems(page, present: bool = False, expects_charts: bool = True, chart_first: bool = True,
                    m: dict | None = None) -> list[str]:
    """Everything wrong with how the page fits its window, as sentences naming the texts and pixels involved.

    present: presenter mode (key charts inside the window, chart text at least MIN_PRESENTER_FONT_PX).
    expects_charts: the page draws charts (then one must be drawn).
    chart_first: a chart must show on the first screen (when the page draws charts).
    m: measurements already taken with measure(page).
    """
    m = m if m is not None else measure(page)
    w, h, out = m["width"], m["height"], []
    for what, wide, room in m["sideways"]:
        out.append(f"{what} scrolls sideways: {wide} px of content in {room} px")
    out += _listed([f"{o['what']} reaches {o['right']:.0f} px, beyond the {w} px window" for o in m["overflow"]],
                   "elements beyond the window")
    out += _listed([f"{b['what']} is {b['wide']} px wide in a {b['room']} px box: "
                    + ("it must be scrolled sideways to be read" if b["scrolls"] else "it is cut off")
                    for b in m["boxed"]], "texts too wide for their box")
    hd = m["heading"]
    if hd is None:
        out.append("the page has no heading")
    elif hd["bottom"] > h * HEADING_SHARE + 0.5:
        out.append(f"the heading '{hd['text']}' ends {hd['bottom']:.0f} px down ({hd['height']:.0f} px tall): "
                   f"more than a fifth of the {h} px screen ({h * HEADING_SHARE:.0f} px)")
    charts = m["charts"]
    if expects_charts:
        seen = [c for c in charts if min(c["box"][3], h) - max(c["box"][1], 0) >= FIRST_SCREEN_MIN_PX]
        if not charts:
            out.append("no chart is drawn")
        elif chart_first and not seen:
            top = min(c["box"][1] for c in charts)
            out.append(f"no chart on the first screen: the first starts {top:.0f} px down a {h} px window "
                       f"(at least {FIRST_SCREEN_MIN_PX:.0f} px of one must show)")
    for c in charts:
        out += chart_problems(c, present)
    if present and charts:
        key = [c for c in charts if c["key"]] or charts[:UNMARKED_KEY_CHARTS]
        for c in key:
            left, top, right, bottom = c["box"]
            if left < -1 or top < -1 or right > w + 1 or bottom > h + 1:
                out.append(f"key {_chart_name(c)} is not wholly on the screen: it spans x {left:.0f}-{right:.0f}, "
                           f"y {top:.0f}-{bottom:.0f} in a {w}x{h} window")
    return out
