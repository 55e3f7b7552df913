"""Classroom screens: every page, and pages at their fullest (PAGE_FILES), on a 1280x720 projector (presenting and
not), a 1600x1000 desktop and a 390x844 phone, in headless Chromium.

All pages are opened at once, each in its own tab: once presenting, once for the 1280x720 projector and then the
1600x1000 desktop (the same tabs, the window resized), and once on the phone. tests/screens.py measures them:
nothing overflows the window, no two texts of a chart overlap or are cut off, no text is too wide for its box, a
chart shows on the first screen (not required on the phone), the heading takes at most a fifth of it, and when
presenting the key charts fit the screen with chart text of at least 16 px; and no page fetches st.plotly_chart's
front end (the whole of plotly.js). Screenshots of every page (first
screen and whole page) go to artifacts/screens/ (git-ignored) on every run, to be looked at.
"""
from __future__ import annotations

import re
import struct
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import exception_text
from screens import ARTIFACTS, VIEWPORTS, overlap_depth, screen_problems
from test_e2e_pages import draws_charts, url_path

import ui

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Screen:
    """A page as the survey opens it: its file and the query its link carries (name: what the survey calls it)."""

    file: Path
    query: str = ""
    name: str = ""


# Every page as it opens, and pages at their fullest, where they must still fit: the Playground's largest network
# (six layers of 32 units: the longest numbers, a custom setup's caption) after 300 steps (a note of several
# verdicts), its preset with the longest caption (three lines), also played; Depth and scale's preset with the
# longest caption and a three-row legend; Restarts' preset whose verdict takes four lines; the worked example's
# widest derivatives (ReLU's slopes); Start here answered at its tallest chart (stop 6, three runs' gradients).
PAGES = ROOT / "pages"
PAGE_FILES = [Screen(ROOT / "app.py"),
              Screen(ROOT / "app.py", "preset=he&width=32&depth=6&step=300", "Playground-32x6"),
              Screen(ROOT / "app.py", "preset=constant_dropout&step=300", "Playground-dropout"),
              *(Screen(f) for f in sorted(PAGES.glob("*.py"))),
              Screen(PAGES / "3_Depth_and_scale.py", "preset=relu-xavier", "Depth_and_scale-relu-xavier"),
              Screen(PAGES / "4_Restarts.py", "preset=constant", "Restarts-constant"),
              Screen(PAGES / "2_Worked_example.py", "preset=relu-negative", "Worked_example-relu"),
              Screen(PAGES / "0_Start_here.py", "stop=6&a6=a", "Start_here-answered")]
SETTLE_TIMEOUT = 60.0  # seconds for a page to draw all its charts (its first run may wait for a heavy-job slot)
MAX_SHOT_PX = 12_000  # a whole-page screenshot is cut at this height
EXCEPTION_BUTTONS = {"Copy", "Ask Google", "Ask ChatGPT"}  # Streamlit's buttons under a traceback, not its text
RESIZE_PAUSE = 0.6  # seconds for the charts to follow a new window size
# Streamlit's front-end chunk of st.plotly_chart, which carries the whole of plotly.js (4.7 MB): no page the survey
# opens needs it, since ui.plotly_chart draws every 2D figure in a chart grid with its 1.2 MB bundle
FULL_PLOTLY = "/static/js/PlotlyChart."
STARTED = time.time()

# "ready ..." once the script run has ended and every chart is drawn (with what settle compares between two
# looks: the charts, the page's height and the charts' widths); "exception" when one shows.
READY_JS = """(charts) => {
  if (document.querySelector('[data-testid="stException"]')) return 'exception';
  if (document.querySelector('[data-testid="stStatusWidget"]')) return '';
  if (!document.querySelector('[data-testid="stMain"] [data-testid="stHeading"]')) return '';
  const boxes = [...document.querySelectorAll('[data-testid="stPlotlyChart"], .sb-grid .sb-cell')];
  if (charts && (!boxes.length || boxes.some(b => !b.querySelector('.main-svg')))) return '';
  const main = document.querySelector('[data-testid="stMain"]');
  const widths = [...document.querySelectorAll('.js-plotly-plot .svg-container')].map(c => c.offsetWidth);
  return `ready ${boxes.length} ${main.scrollHeight} ${widths}`;
}"""


def page_name(page: Screen) -> str:
    return page.name or ("Playground" if page.file.name == "app.py" else url_path(page.file))


def page_url(base: str, page: Screen, present: bool) -> str:
    path = "" if page.file.name == "app.py" else url_path(page.file)
    query = "&".join(q for q in (page.query, "present=1" if present else "") if q)
    return f"{base}/{path}" + (f"?{query}" if query else "")


def settle(tab, charts: bool) -> str:
    """Wait until the page is drawn and has stayed the same for two looks 0.4 s apart: 'ready', 'exception'
    (one is shown) or 'timeout'."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    last = None
    while time.monotonic() < deadline:
        state = tab.evaluate(READY_JS, charts)
        if state == "exception":
            return state
        if state and state == last:
            tab.evaluate("() => document.fonts.ready.then(() => true)")
            return "ready"
        last = state
        time.sleep(0.4)
    return "timeout"


def shot_path(page: Screen, viewport, whole: bool) -> Path:
    return ARTIFACTS / f"{page_name(page)}-{viewport.name}{'-full' if whole else ''}.png"


def page_loads() -> list[tuple]:
    """Screens that differ only in size share one page load (the window is resized between them); presenting
    and the phone need their own (another link, another device)."""
    loads: dict[tuple, list] = {}
    for v in VIEWPORTS:
        loads.setdefault((v.present, v.phone), []).append(v)
    return [tuple(vs) for vs in loads.values()]


def survey(browser, base: str, viewports: tuple) -> dict[str, dict[Screen, list[str]]]:
    """Every page loaded once and measured at each of `viewports` in turn: {screen name: {Screen: problems}}.

    Screenshots (first screen and whole page) of the screens that keep them are written to ARTIFACTS.
    """
    first = viewports[0]
    ctx = browser.new_context(viewport=first.size, is_mobile=first.phone, has_touch=first.phone)
    ctx.set_default_timeout(30_000)
    try:
        tabs = {}
        for f in PAGE_FILES:  # all at once: one page's first script run overlaps another's drawing
            tab = ctx.new_page()
            tab.js_errors = []
            tab.on("pageerror", lambda exc, errors=tab.js_errors: errors.append(str(exc)))
            tab.full_plotly = []  # st.plotly_chart's front end, fetched by the page (see look)
            tab.on("request", lambda r, got=tab.full_plotly: got.append(r.url) if FULL_PLOTLY in r.url else None)
            tab.goto(page_url(base, f, first.present), wait_until="commit")
            tabs[f] = tab
        found = {}
        for viewport in viewports:
            if viewport is not first:
                resize(tabs.values(), viewport.size)
            found[viewport.name] = {f: look(f, tab, viewport) for f, tab in tabs.items()}
            if viewport.screenshot:  # the whole page: the window made as tall as the main area's content
                for tab in tabs.values():
                    tall = tab.evaluate("() => (document.querySelector('[data-testid=\"stMain\"]') "
                                        "|| document.documentElement).scrollHeight")
                    tab.set_viewport_size({"width": viewport.width,
                                           "height": min(max(tall, viewport.height), MAX_SHOT_PX)})
                time.sleep(RESIZE_PAUSE)
                for f, tab in tabs.items():
                    tab.bring_to_front()
                    tab.screenshot(path=shot_path(f, viewport, whole=True))
        return found
    finally:
        ctx.close()


def resize(tabs, size: dict) -> None:
    for tab in tabs:
        tab.set_viewport_size(size)
    time.sleep(RESIZE_PAUSE)


def look(f: Screen, tab, viewport) -> list[str]:
    """The page's problems at this screen, once it has settled; its first-screen screenshot when kept."""
    tab.bring_to_front()  # a tab in the background paints at most once a second
    state = settle(tab, draws_charts(f.file))
    if state == "exception":
        shown = [line for line in exception_text(tab).splitlines() if line.strip() not in EXCEPTION_BUTTONS]
        problems = [f"the page shows an exception: {chr(10).join(shown)[:400]}"]
    elif state == "timeout":
        problems = [f"the page did not finish drawing within {SETTLE_TIMEOUT:.0f} s"]
    else:
        problems = screen_problems(tab, present=viewport.present, expects_charts=draws_charts(f.file),
                                   chart_first=viewport.chart_first)
    if viewport.screenshot:
        tab.screenshot(path=shot_path(f, viewport, whole=False))
    return problems + [f"JavaScript error: {e[:200]}" for e in tab.js_errors] + [
        f"loads st.plotly_chart's front end, the whole of plotly.js ({url.rsplit('/', 1)[-1]}), where its charts "
        "could be drawn by chart grids" for url in tab.full_plotly]


@pytest.fixture(scope="module")
def screens(streamlit_server, browser):
    """screens(viewport) -> {page file: problems}; each page load surveyed once, when first asked for."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    done: dict[str, dict] = {}

    def get(viewport):
        if viewport.name not in done:
            load = next(vs for vs in page_loads() if viewport in vs)
            done.update(survey(browser, streamlit_server.url, load))
        return done[viewport.name]

    return get


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)
@pytest.mark.parametrize("page_file", PAGE_FILES, ids=page_name)
def test_page_fits_the_screen(screens, page_file, viewport):
    problems = screens(viewport)[page_file]
    where = f"{page_name(page_file)} at {viewport.width}x{viewport.height}" + (" presenting" if viewport.present
                                                                               else "")
    assert not problems, f"{where}:\n  " + "\n  ".join(problems)


def png_size(path: Path) -> tuple[int, int]:
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [v for v in VIEWPORTS if v.screenshot], ids=lambda v: v.name)
def test_screenshots_of_every_page_are_kept(screens, viewport):
    screens(viewport)
    for f in PAGE_FILES:
        first, whole = shot_path(f, viewport, whole=False), shot_path(f, viewport, whole=True)
        for path in (first, whole):
            assert path.exists() and path.stat().st_mtime >= STARTED, f"{path} was not written by this run"
        assert png_size(first) == (viewport.width, viewport.height)
        width, height = png_size(whole)
        assert width == viewport.width and height >= viewport.height


# ---------------------------------------------------------------- the checks themselves catch what they should

def box(left, top, right, bottom):
    return [(left, top), (right, top), (right, bottom), (left, bottom)]


def upright(quad):
    """The upright box around a quadrilateral: what getBoundingClientRect would give for a turned label."""
    xs, ys = [x for x, _ in quad], [y for _, y in quad]
    return box(min(xs), min(ys), max(xs), max(ys))


def rotated(cx, cy, w, h, degrees):
    import math

    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in ((-w / 2, -h / 2), (w / 2, -h / 2),
                                                                   (w / 2, h / 2), (-w / 2, h / 2))]


def test_overlap_depth():
    assert overlap_depth(box(0, 0, 10, 10), box(20, 0, 30, 10)) == 0
    assert overlap_depth(box(0, 0, 10, 10), box(10, 0, 20, 10)) == 0  # touching edges
    assert overlap_depth(box(0, 0, 40, 10), box(35, 2, 80, 12)) == pytest.approx(5)
    # two tick labels turned 45 degrees side by side: their upright boxes overlap, the labels do not
    a, b = rotated(0, 0, 60, 10, 45), rotated(20, 0, 60, 10, 45)
    assert overlap_depth(upright(a), upright(b)) > 2
    assert overlap_depth(a, b) == 0
    assert overlap_depth(rotated(0, 0, 60, 10, 45), rotated(0, 0, 60, 10, -45)) > 2  # crossing labels


CANARY_HTML = """<!doctype html><html><body style="margin:0;font-family:sans-serif">
<main data-testid="stMain" style="height:100vh;overflow:auto">
<h1 data-testid="stHeading" style="margin:0;height:400px">A heading far too tall</h1>
<div style="width:1900px">a row wider than the window</div>
<div style="width:200px;overflow-x:auto;white-space:nowrap">an equation line too long for its narrow box</div>
<div style="width:200px;overflow:hidden;white-space:nowrap">a sentence cut off at the edge of its box</div>
<div id="plot" style="width:600px;height:400px"></div></main></body></html>"""
CANARY_FIG = {
    "data": [{"type": "scatter", "x": [1, 2, 3], "y": [0.15, 0.4, 0.9]},
             # twelve bars in 60 px: plotly.js shrinks their 16-px labels to fit, by a transform
             {"type": "bar", "orientation": "h", "x": [1] * 12, "y": [f"row {k}" for k in range(12)],
              "text": ["a shrunk bar label"] * 12, "textposition": "outside", "textfont": {"size": 16},
              "xaxis": "x2", "yaxis": "y2"}],
    "layout": {
        "title": {"text": "A title much longer than this small chart is wide, so that its end is cut off"},
        "yaxis": {"type": "log", "range": [-1, 0], "domain": [0, 0.6]},
        "xaxis2": {"anchor": "y2", "range": [0, 3]}, "yaxis2": {"domain": [0.75, 0.95], "anchor": "x2",
                                                               "showticklabels": False},
        "font": {"size": 12},
        "annotations": [{"text": "first note", "x": 2, "y": -0.5, "showarrow": False},
                        {"text": "second note", "x": 2, "y": -0.5, "showarrow": False}],
    },
}


@pytest.mark.e2e
def test_screen_problems_names_what_is_wrong(browser):
    """A page built to fail every check: the helper finds each fault and names the texts involved."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        tab = ctx.new_page()
        tab.set_content(CANARY_HTML)
        tab.add_script_tag(path=ui.PLOTLY_BUNDLE)
        tab.evaluate("fig => Plotly.newPlot('plot', fig.data, fig.layout, {displayModeBar: false})", CANARY_FIG)
        found = "\n".join(screen_problems(tab, present=True))
    finally:
        ctx.close()
    assert "the main area scrolls sideways: 1900 px of content in 1280 px" in found, found
    assert 'div "a row wider than the window" reaches 1900 px' in found, found
    assert 'div "an equation line too long for its narrow box" is' in found, found
    assert "in a 200 px box: it must be scrolled sideways to be read" in found, found
    assert 'div "a sentence cut off at the edge of its box" is' in found and "px box: it is cut off" in found, found
    assert "the heading 'A heading far too tall' ends 400 px down" in found, found
    assert "annotation 'first note' overlaps annotation 'second note'" in found, found
    assert "title 'A title much longer than this small chart is wi...' is cut off by" in found, found
    assert "the log axis y labels minor ticks with a bare digit (0.2 as '2', 0.3 as '3'" in found, found
    sizes = re.search(r"text\(s\) smaller than 16 px \(sizes ([\d., ]+) px\)", found)
    sizes = [float(x) for x in sizes.group(1).split(", ")] if sizes else []
    assert {9.0, 12.0} <= set(sizes) and min(sizes) < 9, found  # the fonts set small, and the labels shrunk
    assert "key chart 1" in found and "is not wholly on the screen" in found, found
