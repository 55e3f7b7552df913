"""The five lesson pages under Streamlit's AppTest: defaults, every preset, and controls that change the result."""
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "side": ROOT / "pages" / "1_Side_by_side.py",
    "toy": ROOT / "pages" / "2_Worked_example.py",
    "depth": ROOT / "pages" / "3_Depth_and_scale.py",
    "restarts": ROOT / "pages" / "4_Restarts.py",
    "surface": ROOT / "pages" / "5_Error_surface.py",
}
PRESETS = {
    "side": ("half-vs-he", "four-starts", "sigmoid-zeros", "too-large"),
    "toy": ("all-half", "all-zero", "relu-negative", "equal-inputs", "nudged"),
    "depth": ("tanh-small", "tanh-large", "tanh-xavier", "relu-xavier", "relu-he", "sigmoid-large"),
    "restarts": ("small-net", "constant", "constant-noise", "wide"),
    "surface": ("circles", "xor", "tiny"),
}
TIMEOUT = 60


def run(page, query=None) -> AppTest:
    at = AppTest.from_file(str(PAGES[page]), default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    return at.run()


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not [w for w in at.warning if "settings in the link were changed" in w.value]


def text(at) -> str:
    """Everything the page wrote: markdown, alerts, LaTeX and captions."""
    parts = [e.value for kind in ("markdown", "error", "warning", "success", "info", "latex", "caption", "subheader")
             for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def charts(at) -> list[dict]:
    """Every figure on the page: st.plotly_chart's and those of the chart grid (ui.chart_grid)."""
    grid = [json.loads(cell["fig"]) for c in at.get("bidi_component") if c.proto.component_name == "symbreak_charts"
            for row in json.loads(c.proto.json)["rows"] for cell in row]
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")] + grid


def chart_titles(at) -> list[str]:
    return [((c.get("layout") or {}).get("title") or {}).get("text", "") for c in charts(at)]


@pytest.mark.parametrize("page,preset", [(p, q) for p, qs in PRESETS.items() for q in qs])
def test_every_preset_runs(page, preset):
    at = run(page, {"preset": preset})
    ok(at)
    assert at.selectbox(key="preset").value == preset
    assert charts(at), "no chart drawn"


def test_side_by_side_defaults_constant_against_he():
    at = run("side")
    ok(at)
    t = text(at)
    assert "**constant 0.5**" in t and "1 of 8, 1 of 8" in t
    assert "**he_normal**" in t and "8 of 8, 8 of 8" in t
    assert len([c for c in charts(at) if "weights at step" in str(c["layout"].get("title"))]) == 2


def test_side_by_side_draws_every_chart_in_the_chart_grid(static_serving):
    """Its charts are redrawn in place (no remount) as the timeline moves: all in the grid, bundled traces only."""
    at = run("side")
    ok(at)
    assert not at.get("plotly_chart")
    kinds = {trace.get("type", "scatter") for c in charts(at) for trace in c["data"]}
    assert kinds <= set(ui.GRID_TRACES), kinds
    (grid,) = [c for c in at.get("bidi_component") if c.proto.component_name == "symbreak_charts"]
    at.slider(key="sbs_step").set_value(0).run()
    ok(at)
    (same,) = [c for c in at.get("bidi_component") if c.proto.component_name == "symbreak_charts"]
    assert same.proto.id == grid.proto.id and same.proto.json != grid.proto.json


def test_side_by_side_controls_change_the_runs():
    at = run("side")
    at.selectbox(key="init_c").set_value("xavier_normal").run()
    ok(at)
    assert "**xavier_normal**" in text(at)
    assert len([c for c in charts(at) if "weights at step" in str(c["layout"].get("title"))]) == 3
    at.slider(key="sbs_step").set_value(0).run()  # scrub the shared timeline back to the start
    ok(at)
    assert "Distinct units at step 0" in chart_titles(at)
    at.button(key="sbs_play_button").click().run()
    ok(at)
    assert at.session_state["sbs_play"] is True


def test_worked_example_shows_the_exact_groups_and_the_zero_case():
    at = run("toy")
    ok(at)
    assert "only 4 different values" in text(at)
    assert "\\frac{\\partial y}{\\partial w_9}" in text(at)
    at.slider(key="init_value").set_value(0.0).run()
    ok(at)
    assert "exactly 0" in text(at)
    at.slider(key="toy_iter").set_value(0).run()
    ok(at)
    assert "The network at iteration 0" in chart_titles(at)


def test_worked_example_relu_dead_and_nudge_breaks_groups():
    at = run("toy", {"preset": "relu-negative"})
    ok(at)
    assert "switched-off" in text(at)
    at = run("toy", {"preset": "nudged"})
    ok(at)
    assert "no longer equal" in text(at)


def test_depth_page_reads_the_live_numbers():
    at = run("depth")
    ok(at)
    assert "The signal is vanishing" in text(at)
    at = run("depth", {"preset": "tanh-large"})
    assert "saturates the units" in text(at)
    at = run("depth", {"preset": "relu-he"})
    assert "A healthy start" in text(at)
    before = text(at)
    at.slider(key="depth").set_value(5).run()
    ok(at)
    assert text(at) != before and "in layer 5" in text(at)


def test_depth_page_overlays_the_classic_settings():
    at = run("depth", {"compare": "true"})
    ok(at)
    names = {t.get("name") for c in charts(at) for t in c["data"]}
    assert "10 tanh layers, std 0.01" in names and "20 ReLU layers, He" in names


def test_restarts_constant_init_has_one_outcome_and_says_so():
    at = run("restarts", {"preset": "constant"})
    ok(at)
    assert "All 50 restarts ended at exactly the same loss" in text(at)
    at = run("restarts")
    ok(at)
    assert "exactly the same loss" not in text(at)
    assert "Lowest training loss: seed" in " ".join(chart_titles(at))
    at.slider(key="n_seeds").set_value(10).run()
    ok(at)
    assert next(m.value for m in at.metric if m.label == "Seeds that finished") == "10 / 10"


def test_error_surface_controls_change_the_slice():
    at = run("surface")
    ok(at)
    t = text(at)
    assert "never leaves the line" in t and "(exactly zero)" in t and "negative: a saddle" in t
    at.selectbox(key="dataset").set_value("xor").run()
    ok(at)
    assert text(at) != t
    at.selectbox(key="view").set_value("3d").run()
    ok(at)
    assert any(tr.get("type") == "surface" for c in charts(at) for tr in c["data"])


def test_switching_between_pages_keeps_each_pages_own_settings():
    """The pages share URL/widget keys (steps, lr, width, preset...) but not their ranges: switching must not leak."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    ok(at)
    for page in ("side", "toy", "depth", "restarts", "surface", "toy", "side"):
        at.switch_page(str(PAGES[page].relative_to(ROOT))).run()
        ok(at)
        assert charts(at), f"{page}: no chart after switching pages"
    at.switch_page(str(PAGES["toy"].relative_to(ROOT))).run()
    assert at.slider(key="steps").value == 50 and at.select_slider(key="lr").value == 0.01
