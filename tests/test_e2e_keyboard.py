"""The Playground from the keyboard and a presentation clicker, and on a projector, in headless Chromium.

Space plays and pauses, Right and Page Down (what a clicker sends for "next") take exactly one gradient step,
Shift+Right takes the speed setting's steps, Home goes back to step 0 with the same weights. In presenter mode at
1280x720 the four key charts, the step counter, Play and the "What's happening" words share one screen.
"""
from __future__ import annotations

import time

import pytest
from conftest import EXCEPTION, exception_text, open_app, step_count, wait_idle, wait_until

pytestmark = pytest.mark.e2e
PROJECTOR = {"width": 1280, "height": 720}
FIRST_WEIGHTS = """() => Array.from(document.querySelector('.sb-grid .sb-cell')._fullData[0].z, r => Array.from(r))"""


def press(page, key: str, then: int) -> None:
    """Press `key` with nothing focused (as a clicker does) and wait until the step counter reads `then`."""
    page.keyboard.press(key)
    wait_until(lambda: step_count(page) == then, timeout=20, what=f"{key} to bring the step counter to {then}")
    wait_idle(page)


def test_space_starts_and_stops_the_step_counter(streamlit_server, page):
    open_app(page, streamlit_server.url + "/?preset=he")
    page.keyboard.press("Space")
    wait_until(lambda: step_count(page) >= 20, timeout=30, what="Space to start training")
    page.keyboard.press("Space")
    play = page.locator('[data-testid="stMain"]').get_by_role("button", name="Play")
    wait_until(lambda: play.count() == 1 and play.is_enabled(), timeout=10, what="Space to pause (Play shown again)")
    time.sleep(0.5)  # a refresh already on its way may still land
    stopped = step_count(page)
    time.sleep(1.5)  # several refresh periods
    assert step_count(page) == stopped, "the step counter moved after the second Space"
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)


def test_right_and_page_down_take_exactly_one_step_and_shift_right_the_speed(streamlit_server, page):
    open_app(page, streamlit_server.url + "/?preset=he&speed=20")
    assert step_count(page) == 0
    press(page, "ArrowRight", 1)
    press(page, "PageDown", 2)
    press(page, "Shift+ArrowRight", 22)
    time.sleep(0.8)
    assert step_count(page) == 22, "a key took more than its steps"
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)


def test_home_returns_to_step_0_with_the_same_weights(streamlit_server, page):
    open_app(page, streamlit_server.url + "/?preset=xavier")
    start = page.evaluate(FIRST_WEIGHTS)
    press(page, "Shift+ArrowRight", 10)
    wait_until(lambda: page.evaluate(FIRST_WEIGHTS) != start, timeout=20, what="the weight heatmap to change")
    press(page, "Home", 0)
    wait_until(lambda: page.evaluate(FIRST_WEIGHTS) == start, timeout=20, what="the starting weights again")
    assert page.locator(EXCEPTION).count() == 0, exception_text(page)


def test_presenter_mode_fits_the_key_charts_and_controls_on_a_projector(streamlit_server, browser):
    """At 1280x720 with ?present=1: the weights, the hidden units, the meter and the loss (the first four cells of
    the chart grid), the Step counter, Play and the words are all wholly inside the window."""
    ctx = browser.new_context(viewport=PROJECTOR)
    try:
        page = ctx.new_page()
        open_app(page, streamlit_server.url + "/?present=1")
        wait_until(lambda: page.locator(".sb-grid .js-plotly-plot:has(.main-svg)").count() == 6, timeout=30,
                   what="the six charts")
        wait_idle(page)
        boxes = page.evaluate("""() => {
          const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
          const cells = [...document.querySelector('.sb-grid').querySelectorAll('.sb-cell')].slice(0, 4);
          const out = {};
          cells.forEach(c => { out[c.querySelector('.gtitle').textContent] = box(c); });
          const main = document.querySelector('[data-testid="stMain"]');
          const metric = [...main.querySelectorAll('[data-testid="sbNumber"]')]
            .find(m => m.querySelector('[data-testid="sbNumberLabel"]').innerText.trim() === 'Step');
          out['Step counter'] = box(metric);
          out['Play'] = box(main.querySelector('.st-key-play button'));
          out["What's happening"] = box(main.querySelector('[data-testid="sbNote"]'));
          return out;
        }""")
        assert set(boxes) >= {"Weights and biases", "Hidden units", "Symmetry meter", "Loss"}, boxes
        for name, (left, top, right, bottom) in boxes.items():
            assert left >= 0 and top >= 0 and right <= PROJECTOR["width"] and bottom <= PROJECTOR["height"], (
                f"{name} spans x {left:.0f}-{right:.0f}, y {top:.0f}-{bottom:.0f}: not wholly on a 1280x720 screen")
        assert page.locator(EXCEPTION).count() == 0, exception_text(page)
    finally:
        ctx.close()
