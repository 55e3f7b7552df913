"""Every lesson page in a real browser: it loads, shows no exception and draws at least one chart."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHART, EXCEPTION, exception_text, open_app
from streamlit.source_util import page_icon_and_name

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "pages").glob("*.py"))


def url_path(page_file: Path) -> str:
    """The URL path Streamlit gives a file in pages/ (its name without the number prefix)."""
    return page_icon_and_name(page_file)[1]


def test_there_are_lesson_pages():
    assert PAGES, "pages/ holds no lesson pages"


@pytest.mark.parametrize("page_file", PAGES, ids=lambda p: p.stem)
def test_lesson_page_smoke(streamlit_server, page, page_file):
    open_app(page, f"{streamlit_server.url}/{url_path(page_file)}", timeout_ms=60_000)
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)
    assert page.locator(CHART).count() >= 1, f"{page_file.name} drew no chart at its defaults"
    assert page.locator('[data-testid="stHeading"]').count() >= 1, f"{page_file.name} has no title"
    assert not page.js_errors, page.js_errors


def test_sidebar_lists_every_page(streamlit_server, page):
    open_app(page, streamlit_server.url + "/")
    links = page.locator('[data-testid="stSidebarNav"] a')
    hrefs = {links.nth(i).get_attribute("href").rstrip("/").rsplit("/", 1)[-1] for i in range(links.count())}
    for f in PAGES:
        assert url_path(f) in hrefs, f"{f.name} is missing from the sidebar navigation ({sorted(hrefs)})"
