"""Exports for a slide, in a real browser: a Playground chart downloads as a PNG at projector resolution from its
mode bar, and the run downloads as an animated GIF; the mode bar covers no chart text on a phone or a projector."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import button, open_app, step_count, wait_idle, wait_until
from PIL import Image

pytestmark = pytest.mark.e2e

PNG_BUTTON = '.modebar-btn[data-title="Download plot as a PNG"]'
# Every text of a chart's SVG against the chart's mode bar, made visible by hovering: [chart title, text, overlap px]
MODEBAR_OVER_TEXT_JS = """(plot) => {
  const bar = plot.querySelector('.modebar');
  if (!bar) return [['(no mode bar)', '', 0]];
  const b = bar.getBoundingClientRect(), out = [];
  for (const t of plot.querySelectorAll('.main-svg text, .main-svg ~ svg text')) {
    const r = t.getBoundingClientRect();
    if (!t.textContent.trim() || r.width < 1) continue;
    const dx = Math.min(r.right, b.right) - Math.max(r.left, b.left);
    const dy = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
    if (dx > 2 && dy > 2) out.push([t.textContent, Math.min(dx, dy)]);
  }
  return out;
}"""


# Charts are drawn by chart grids (static/charts-grid.js), the Playground's and the lesson pages'; the error surface's
# 3D view, whose traces the grid's plotly.js lacks, by st.plotly_chart.
@pytest.mark.parametrize("path", ["", "Depth_and_scale", "Error_surface?view=3d"],
                         ids=["chart grid", "lesson page", "st.plotly_chart"])
def test_a_chart_downloads_as_a_projector_png(streamlit_server, page, path):
    open_app(page, f"{streamlit_server.url}/{path}")
    chart = page.locator(".js-plotly-plot").first
    chart.hover()
    with page.expect_download(timeout=30_000) as info:
        chart.locator(PNG_BUTTON).click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.startswith("symbreak_") and download.suggested_filename.endswith(".png")
    with Image.open(download.path()) as im:
        assert im.format == "PNG"
        assert im.width >= 1280, im.size
        assert 0.2 < im.height / im.width < 2, im.size
        im.load()
    assert not page.js_errors, page.js_errors


PHONE, PROJECTOR = {"width": 390, "height": 844}, {"width": 1280, "height": 720}


# Side by side's longest run names (a named scheme's, a spread's) head its weight charts on a phone
@pytest.mark.parametrize("size, query", [(PHONE, ""), (PROJECTOR, "?present=1"),
                                         (PHONE, "Side_by_side?preset=too-large&init_a=uniform&spread=0.25")],
                         ids=["phone", "present", "side by side, phone"])
def test_the_mode_bar_covers_no_chart_text(streamlit_server, new_context, size, query):
    page = new_context().new_page()
    page.set_viewport_size(size)
    open_app(page, streamlit_server.url + "/" + query)
    charts = page.locator(".sb-grid .js-plotly-plot")
    problems = []
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        chart.hover()
        problems += [f"chart {i}: {text!r} under the mode bar by {px:.0f} px"
                     for text, px in chart.evaluate(MODEBAR_OVER_TEXT_JS)]
    assert not problems, problems


def test_the_run_downloads_as_an_animated_gif(streamlit_server, page):
    open_app(page, streamlit_server.url + "/")
    make = button(page, "Make a GIF of this run")
    assert make.is_disabled()  # at step 0 there is nothing to animate
    button(page, "Step").click()
    wait_until(lambda: step_count(page) > 0, timeout=30, what="the first step")
    button(page, "Step ×10").click()
    wait_until(lambda: step_count(page) >= 11, timeout=30, what="ten more steps")
    wait_idle(page)
    make.click()
    gif = page.locator('[data-testid="stDownloadButton"]').filter(has_text="GIF of steps 0 to 11")
    gif.wait_for(timeout=60_000)
    with page.expect_download(timeout=30_000) as info:
        gif.get_by_role("button").click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename == "symbreak_run_step11.gif"
    with Image.open(Path(download.path())) as im:
        assert im.format == "GIF" and im.is_animated and im.n_frames > 1, (im.format, im.n_frames)
    assert not page.js_errors, page.js_errors
