"""Lesson pages in a real browser: the sidebar lists every page, Side by side plays through its chart grid."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXCEPTION, exception_text, wait_for_charts, wait_idle, wait_until
from streamlit.source_util import page_icon_and_name

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "pages").glob("*.py"))


def url_path(page_file: Path) -> str:
    """The URL path Streamlit gives a file in pages/ (its name without the number prefix)."""
    return page_icon_and_name(page_file)[1]


ASKS_FIRST = {"0_Start_here.py"}  # the route's stops show their chart only once the student has answered


def draws_charts(page_file: Path) -> bool:
    """Whether a page opens with charts: a lesson page does; a page of text only (the glossary) calls no chart
    function, and the route asks its question before it runs anything to draw."""
    src = page_file.read_text(encoding="utf-8")
    return page_file.name not in ASKS_FIRST and ("plotly_chart" in src or "chart_grid" in src)


def test_there_are_lesson_pages():
    assert PAGES, "pages/ holds no lesson pages"


def test_sidebar_lists_every_page(streamlit_server, page):
    """(That every page loads in a real browser, with no exception, its heading, its charts and no JavaScript error, the
    screen survey checks: tests/test_e2e_screens.py opens each page three times.)"""
    page.goto(f"{streamlit_server.url}/{url_path(PAGES[0])}", wait_until="commit")
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]', timeout=60_000)
    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    hrefs = {links.nth(i).get_attribute("href").rstrip("/").rsplit("/", 1)[-1] for i in range(links.count())}
    for f in PAGES:
        assert url_path(f) in hrefs, f"{f.name} is missing from the sidebar's page links ({sorted(hrefs)})"


def test_side_by_side_plays_through_the_chart_grid(streamlit_server, page):
    """Side by side draws in the chart grid (components/charts): Play redraws it in place to the last step. The link
    opens the timeline at step 800 of 1,000 (a moment link), so the play to the end is short."""
    page.goto(f"{streamlit_server.url}/Side_by_side?step=800")
    wait_for_charts(page, timeout_ms=90_000)
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)
    grid_charts = page.locator(".sb-grid .js-plotly-plot:has(.main-svg)")
    wait_until(lambda: grid_charts.count() >= 4, timeout=20, what="the loss, distinct-unit and weight charts")
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    page.locator(".sb-grid .sb-cell").first.evaluate("c => { c.__stillHere = true; }")
    assert page.locator(".sb-grid .gtitle", has_text="at step 800").count() >= 1, "the link's step is shown"

    def draws() -> int:
        return int(page.evaluate("document.querySelector('.sb-grid').dataset.draws"))

    before = draws()
    page.locator('[data-testid="stMain"]').get_by_role("button", name="Play").click()
    wait_until(lambda: draws() >= before + 3, timeout=30, what="three redraws of the playing charts")
    wait_until(lambda: page.locator('[data-testid="stMain"]').get_by_role("button", name="Play").count() == 1,
               timeout=60, what="the timeline to reach its end and show Play again")
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)
    assert grid_charts.count() >= 4
    assert page.locator(".sb-grid .sb-cell").first.evaluate("c => c.__stillHere") is True, "the grid remounted"
    assert not page.js_errors, page.js_errors
