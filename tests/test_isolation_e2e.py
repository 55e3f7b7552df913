"""Two people, two browsers: sessions with different settings never see each other's state."""
from __future__ import annotations

import time

import pytest
from conftest import (
    EXCEPTION,
    button,
    exception_text,
    metric,
    step_count,
    wait_for_charts,
    wait_idle,
    wait_until,
)

pytestmark = pytest.mark.e2e


def test_two_sessions_keep_their_own_settings_and_runs(streamlit_server, new_context):
    a = new_context().new_page()
    b = new_context().new_page()
    c = a.context.new_page()  # a second tab beside a: same cookies, still its own Streamlit session
    links = {a: "/?preset=constant_05&width=8", b: "/?preset=he&width=3&depth=1",
             c: "/?preset=constant_05&width=8"}  # c: the same setup as a, in a separate session
    for p, link in links.items():  # load all three at once, as a class would
        p.goto(streamlit_server.url + link, wait_until="commit")
    for p in links:
        wait_for_charts(p, timeout_ms=60_000)
        wait_idle(p)
    for p in (a, b, c):
        assert p.locator(EXCEPTION).count() == 0, exception_text(p)

    for n in (1, 2):  # two Step clicks in session a, one gradient step each
        button(a, "Step").click()
        wait_until(lambda n=n: step_count(a) >= n, timeout=30, what=f"session a's step {n}")  # Step: one step
    time.sleep(0.5)

    # b and c never trained: their runs stay at step 0, whatever a did
    assert step_count(b) == 0
    assert step_count(c) == 0
    # each session keeps its own widths and init
    assert metric(a, "Layer 1 distinct") == "1 / 8"
    assert metric(b, "Layer 1 distinct") == "3 / 3"
    assert b.locator('[data-testid="sbNumberLabel"]', has_text="Layer 2 distinct").count() == 0
    assert metric(c, "Layer 1 distinct") == "1 / 8"
    # and their own URLs (a value equal to the preset's may or may not be written out)
    assert "preset=constant_05" in a.url and "width=3" not in a.url and "depth=1" not in a.url
    # b changed He's width and depth: a custom setup, whose link spells out He's values instead of naming it
    assert "preset=" not in b.url and "init=he_normal" in b.url and "activation=relu" in b.url
    assert "width=3" in b.url and "depth=1" in b.url and "width=8" not in b.url
