"""Classroom screens in a real browser: presenter mode on a 1280x720 projector, and the normal layout beside it."""
from __future__ import annotations

import pytest
from conftest import EXCEPTION, charts_drawn, exception_text, open_app, wait_until

import ui
from figures.style import TEXT_PX

pytestmark = pytest.mark.e2e
PROJECTOR = {"width": 1280, "height": 720}
HEADING_SHARE = 5  # the page heading takes at most a fifth of the first screen (issue 10)

LAYOUT = """() => {
    const box = e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top,
                                                                    bottom: b.bottom, width: b.width}; };
    const texts = Array.from(document.querySelectorAll('.js-plotly-plot svg text'))
        .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0);
    return {sidebar: box(document.querySelector('[data-testid="stSidebar"]')),
            heading: box(document.querySelector('[data-testid="stHeading"] h1')),
            cells: Array.from(document.querySelectorAll('.sb-cell'), box),
            small: texts.map(t => [t.textContent.slice(0, 30), parseFloat(getComputedStyle(t).fontSize)]),
            scrollWidth: document.documentElement.scrollWidth};
}"""


def _open(new_context, url):
    page = new_context().new_page()
    page.set_viewport_size(PROJECTOR)
    open_app(page, url)
    wait_until(lambda: charts_drawn(page) == 6, timeout=30, what="the Playground's six charts")
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)
    return page, page.evaluate(LAYOUT)


def test_a_presenter_link_folds_the_sidebar_and_draws_every_chart_text_at_least_16_px(streamlit_server, new_context):
    page, got = _open(new_context, streamlit_server.url + "/?present=1")
    assert got["sidebar"]["right"] <= 0, f"the sidebar is open in presenter mode: {got['sidebar']}"
    small = [t for t in got["small"] if t[1] < TEXT_PX]
    assert len(got["small"]) > 50 and not small, small
    assert got["heading"]["bottom"] <= PROJECTOR["height"] / HEADING_SHARE, got["heading"]
    assert page.get_by_role("switch", name="Presenter mode").is_checked()
    assert got["scrollWidth"] <= PROJECTOR["width"]


def test_the_normal_playground_on_a_projector_puts_two_charts_in_a_row_beside_the_open_sidebar(
        streamlit_server, new_context):
    page, got = _open(new_context, streamlit_server.url + "/")
    assert got["sidebar"]["left"] >= 0 and got["sidebar"]["width"] > 200, f"the sidebar is closed: {got['sidebar']}"
    first, second = got["cells"][:2]
    assert abs(first["top"] - second["top"]) < 1 and second["left"] > first["right"], got["cells"]
    assert min(c["width"] for c in got["cells"]) >= ui.MIN_CELL_PX - 1, got["cells"]
    small = [t for t in got["small"] if t[1] < TEXT_PX]
    assert not small, small
    assert got["heading"]["bottom"] <= PROJECTOR["height"] / HEADING_SHARE, got["heading"]
    assert not page.get_by_role("switch", name="Presenter mode").is_checked()
    assert got["scrollWidth"] <= PROJECTOR["width"]
