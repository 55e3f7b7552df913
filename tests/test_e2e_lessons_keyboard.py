"""Side by side from the keyboard and a presentation clicker: Space plays and pauses the shared timeline, Right and
PageDown move it one recorded step, Home goes back to step 0."""
from __future__ import annotations

import pytest
from conftest import EXCEPTION, exception_text, wait_for_charts, wait_idle, wait_until

pytestmark = pytest.mark.e2e

STEPS = 500  # a short timeline: one recorded step is STEPS // 100 = 5 training steps
EVERY = STEPS // 100


def shown_step(page) -> int:
    """The shared timeline's position, as the step slider shows it."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Step (shared by all runs)")
    return int(slider.locator('input[type="range"]').get_attribute("value"))


def press(page, key: str) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")  # not a slider, which takes arrows
    page.keyboard.press(key)


def test_side_by_side_space_right_pagedown_and_home(streamlit_server, page):
    page.goto(f"{streamlit_server.url}/Side_by_side?steps={STEPS}")
    wait_for_charts(page, timeout_ms=90_000)
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)
    assert shown_step(page) == STEPS
    press(page, "Home")
    wait_until(lambda: shown_step(page) == 0, timeout=20, what="Home to go back to step 0")
    press(page, "ArrowRight")
    wait_until(lambda: shown_step(page) == EVERY, timeout=20, what="Right to move one recorded step")
    wait_idle(page)
    press(page, "PageDown")
    wait_until(lambda: shown_step(page) == 2 * EVERY, timeout=20, what="PageDown to move one more step")
    wait_idle(page)
    assert shown_step(page) == 2 * EVERY  # exactly one step each, no more
    press(page, "Space")
    wait_until(lambda: shown_step(page) > 4 * EVERY, timeout=30, what="Space to start the timeline")
    press(page, "Space")
    main = page.locator('[data-testid="stMain"]')
    wait_until(lambda: main.get_by_role("button", name="Play").count() == 1, timeout=20, what="Space to pause")
    wait_idle(page)
    paused = shown_step(page)
    page.wait_for_timeout(1500)
    assert shown_step(page) == paused < STEPS, "the timeline kept moving after the second Space"
    press(page, "Home")
    wait_until(lambda: shown_step(page) == 0, timeout=20, what="Home to go back to step 0")
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)
    assert not page.js_errors, page.js_errors
