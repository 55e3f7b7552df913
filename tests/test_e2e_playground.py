"""The Playground in a real browser: headless Debian Chromium against `streamlit run app.py`."""
from __future__ import annotations

import time

import pytest
from conftest import CHART, EXCEPTION, exception_text, metric, open_app, step_count, wait_until

pytestmark = pytest.mark.e2e
TRAIN_STEPS = 50  # five live refreshes at the default speed of 10 steps per refresh


def test_page_loads_without_exception(streamlit_server, page):
    open_app(page, streamlit_server.url + "/")
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)
    assert page.locator(CHART).count() >= 4, "the Playground should draw its charts at default settings"
    assert step_count(page) == 0
    assert not page.js_errors, page.js_errors


def play(page):
    page.get_by_role("button", name="Play").click()


def pause(page):
    page.get_by_role("button", name="Pause").click()


def train_then_pause(page, min_steps: int) -> int:
    play(page)
    wait_until(lambda: step_count(page) >= min_steps, timeout=40, what=f"the step counter to reach {min_steps}")
    pause(page)
    wait_until(lambda: page.get_by_role("button", name="Play").is_enabled(), timeout=10, what="Play to re-enable")
    return step_count(page)


def test_play_advances_pause_stops_and_constant_half_keeps_one_distinct_unit(streamlit_server, page):
    """The classroom link: all weights 0.5, width 8. Play trains, Pause stops, and layer 1 stays one unit."""
    open_app(page, streamlit_server.url + "/?preset=constant_05&width=8")
    assert step_count(page) == 0
    assert metric(page, "Layer 1 distinct") == "1 / 8"
    play(page)
    first = wait_until(lambda: step_count(page), timeout=20, what="the first live step")
    wait_until(lambda: step_count(page) >= max(TRAIN_STEPS, first + 1), timeout=40,
               what=f"the step counter to pass {first} and reach {TRAIN_STEPS}")
    pause(page)
    wait_until(lambda: page.get_by_role("button", name="Play").is_enabled(), timeout=10, what="Play to re-enable")
    time.sleep(0.5)  # a refresh already on its way may still land
    stopped = step_count(page)
    time.sleep(1.5)  # several refresh periods
    assert step_count(page) == stopped, "the step counter moved after Pause"
    assert stopped >= TRAIN_STEPS
    assert metric(page, "Layer 1 distinct") == "1 / 8"
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)


def test_he_normal_gives_eight_distinct_units(streamlit_server, page):
    open_app(page, streamlit_server.url + "/?preset=constant_05&width=8&init=he_normal")
    train_then_pause(page, TRAIN_STEPS)
    assert metric(page, "Layer 1 distinct") == "8 / 8"
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)


def test_bad_url_shows_the_notice_not_a_traceback(streamlit_server, page):
    query = "?width=999&lr=nan&init=banana&depth=-3&seed=1e999&noise=%F0%9F%98%80&bogus=1&width=2"
    open_app(page, streamlit_server.url + "/" + query)
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)
    notice = page.locator('[data-testid="stAlert"]', has_text="Some settings in the link were changed")
    assert notice.count() == 1, "the clamping notice is missing"
    text = notice.inner_text()
    for key in ("width", "lr", "init", "depth", "seed", "noise", "bogus"):
        assert key in text, f"the notice does not mention {key}: {text}"
    assert "Traceback" not in page.locator('[data-testid="stApp"]').inner_text()
    # the last of the repeated width values wins: 2 units per layer
    assert metric(page, "Layer 1 distinct").endswith("/ 2")
