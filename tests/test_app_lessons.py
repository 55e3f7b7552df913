"""The five lesson pages under Streamlit's AppTest: defaults, every preset, and controls that change the result."""
import json
from pathlib import Path

import pytest
from conftest import grid_elements, link_values_shown, page_figures
from streamlit.testing.v1 import AppTest

import ui
from settings import depth, error_surface, restarts, side_by_side, worked_example

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "side": ROOT / "pages" / "1_Side_by_side.py",
    "toy": ROOT / "pages" / "2_Worked_example.py",
    "depth": ROOT / "pages" / "3_Depth_and_scale.py",
    "restarts": ROOT / "pages" / "4_Restarts.py",
    "surface": ROOT / "pages" / "5_Error_surface.py",
}
SETTINGS = {"side": side_by_side, "toy": worked_example, "depth": depth, "restarts": restarts,
            "surface": error_surface}  # each page's settings module: its SPECS and PRESETS
TIMEOUT = 60
XAVIER = "Xavier (normal)"  # how Side by side names a run started that way


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
    """Every figure on the page: st.plotly_chart's and those of the chart grids (ui.chart_grid)."""
    return page_figures(at)


def chart_titles(at) -> list[str]:
    return [((c.get("layout") or {}).get("title") or {}).get("text", "") for c in charts(at)]


def is_heatmap(chart) -> bool:
    return any(trace.get("type") == "heatmap" for trace in chart["data"])


@pytest.mark.parametrize("page,preset", [(p, q.id) for p, S in SETTINGS.items() for q in S.PRESETS])
def test_every_preset_runs(page, preset, static_serving):
    at = run(page, {"preset": preset})
    ok(at)
    assert at.selectbox(key="preset").value == preset
    drawn = charts(at)
    assert drawn, "no chart drawn"
    assert not link_values_shown(at, drawn)  # a start or a unit in words ("He (normal)"), never as a link has it
    # every chart in a chart grid, whose plotly.js has its traces: the page never loads st.plotly_chart's (4.7 MB)
    assert not at.get("plotly_chart")
    assert {trace.get("type", "scatter") for c in drawn for trace in c["data"]} <= set(ui.GRID_TRACES)


def test_the_error_surfaces_3d_view_is_the_one_chart_left_to_st_plotly_chart(static_serving):
    """The grid's bundle has no 3D traces: that one figure goes to st.plotly_chart, the page's others to grids."""
    at = run("surface", {"view": "3d"})
    ok(at)
    (surface,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert {trace["type"] for trace in surface["data"]} == {"surface", "scatter3d"}
    assert len(grid_elements(at)) == 2  # the cut across the slice and the descents' losses
    at.selectbox(key="view").set_value("contour").run()
    ok(at)
    assert not at.get("plotly_chart") and len(grid_elements(at)) == 3


def test_side_by_side_defaults_constant_against_he():
    at = run("side")
    ok(at)
    t = text(at)
    assert "**constant 0.5**" in t and "1 of 8, 1 of 8" in t
    assert "**He (normal)**" in t and "8 of 8, 8 of 8" in t
    assert len([c for c in charts(at) if is_heatmap(c)]) == 2


def test_side_by_side_draws_every_chart_in_the_chart_grid(static_serving):
    """Its charts are redrawn in place (no remount) as the timeline moves: all in the grid, bundled traces only."""
    at = run("side")
    ok(at)
    assert not at.get("plotly_chart")
    kinds = {trace.get("type", "scatter") for c in charts(at) for trace in c["data"]}
    assert kinds <= set(ui.GRID_TRACES), kinds
    (grid,) = grid_elements(at)
    at.slider(key="sbs_step").set_value(0).run()
    ok(at)
    (same,) = grid_elements(at)
    assert same.proto.id == grid.proto.id and same.proto.bytes != grid.proto.bytes


def test_side_by_side_controls_change_the_runs():
    at = run("side")
    at.selectbox(key="init_c").set_value("xavier_normal").run()
    ok(at)
    assert f"**{XAVIER}**" in text(at)
    assert len([c for c in charts(at) if is_heatmap(c)]) == 3
    at.slider(key="sbs_step").set_value(0).run()  # scrub the shared timeline back to the start
    ok(at)
    assert "Distinct units at step 0" in chart_titles(at)
    at.button(key="sbs_play_button").click().run()
    ok(at)
    assert at.session_state["sbs_play"] is True
    assert [b.label for b in at.button if b.key in ("sbs_play_button", "sbs_pause_button")] == ["Pause"]
    at.button(key="sbs_pause_button").click().run()
    assert at.session_state["sbs_play"] is False


def test_side_by_side_a_play_that_reaches_the_end_draws_the_page_paused_there():
    """The tick that reaches the last step draws the whole page paused at it (Play shown, the timer off, the end's
    step in the charts), in the same click's runs."""
    at = run("side")
    slider = at.slider(key="sbs_step")
    end, every = int(slider.proto.max), int(slider.proto.step)
    slider.set_value(end - every).run()
    at.button(key="sbs_play_button").click().run()  # in a test the timeline advances once per run: to the end
    ok(at)
    assert at.session_state["sbs_play"] is False and at.slider(key="sbs_step").value == end
    assert [b.label for b in at.button if b.key in ("sbs_play_button", "sbs_pause_button")] == ["Play"]
    assert f"Distinct units at step {end}" in chart_titles(at)


def test_side_by_side_a_step_pressed_while_playing_is_taken_once_even_if_its_click_arrives_twice(monkeypatch):
    """Step while the timeline plays: it pauses and moves one recorded step. The browser may deliver that click
    again right after (app.py, set_playing): the second delivery moves nothing. A later press is a new click. The
    clock is the test's, so a slow rerun is still "at once"."""
    import ui
    import ui.widgets

    now = [1000.0]
    monkeypatch.setattr(ui.widgets, "clock", lambda: now[0])

    at = run("side")
    at.slider(key="sbs_step").set_value(0).run()
    at.button(key="sbs_play_button").click().run()  # in a test the timeline advances once per run
    playing_at = at.slider(key="sbs_step").value
    every = at.slider(key="sbs_step").proto.step  # one recorded step
    at.button(key="sbs_next").click().run()
    assert at.session_state["sbs_play"] is False
    assert at.slider(key="sbs_step").value == playing_at + every
    at.button(key="sbs_next").click().run()  # the same click, delivered again at once
    assert at.slider(key="sbs_step").value == playing_at + every
    now[0] += ui.SECOND_DELIVERY
    at.button(key="sbs_next").click().run()  # a new press
    assert at.slider(key="sbs_step").value == playing_at + 2 * every


def side_notes(at) -> dict:
    """Side by side's "What happened": {run label: its note}."""
    notes = [m.value[2:] for m in at.markdown if m.value.startswith("- **")]
    return {n[2:n.index("**", 2)]: n for n in notes}


def test_side_by_side_heatmaps_draw_the_bias_the_caption_names():
    """Finding 8: the caption says columns match "bias included"; each heatmap now has the bias row it means."""
    at = run("side")
    ok(at)
    heatmaps = [c for c in charts(at) if is_heatmap(c)]
    assert len(heatmaps) == 2
    for h in heatmaps:
        rows = [t for t in h["data"] if "bias b[" in t["hovertemplate"]]
        assert len(rows) == 3  # one bias row under each of the three weight matrices
        ticks = [h["layout"][k]["ticktext"] for k in sorted(h["layout"]) if k[:5] == "yaxis"]
        assert ticks[0][-1] == "b" and all(t[-1] == "b" for t in ticks if t)  # inner panels may share the first's
    assert any("the bottom row (b) is each unit's bias" in c.value and "bias included" in c.value
               for c in at.caption)


def test_side_by_side_zero_start_names_the_output_bias_and_learning_is_never_claimed_falsely():
    """Findings 10 and 13 on Side by side."""
    at = run("side", {"preset": "four-starts"})
    ok(at)
    notes = side_notes(at)
    assert "only the output bias changed" in notes["zeros"] and "last layer" not in notes["zeros"]
    assert "behave as one" in notes["constant 0.5"] and "flat ends" not in notes["constant 0.5"]
    assert "Every unit of every layer behaves differently, and together they fit the data" in notes[XAVIER]
    assert "**zeros and constant 0.5** show exactly that" in text(at)
    at = run("side", {"width": "1"})
    ok(at)
    for note in side_notes(at).values():
        assert "behaves differently" not in note and "feature" not in note
    assert "Why:" not in text(at)  # with one unit per layer there are no copies to explain


def test_side_by_side_sigmoid_zeros_moves_together_and_too_large_stalls():
    at = run("side", {"preset": "sigmoid-zeros"})
    ok(at)
    notes = side_notes(at)
    assert "All 8 units of layer 1 behave as one" in notes["zeros"] and "has not learned" in notes["zeros"]
    assert "units that behave differently in each hidden layer: 8 of 8" in notes[XAVIER]
    assert "fit the data" in notes[XAVIER]
    at = run("side", {"preset": "too-large"})
    ok(at)
    notes = side_notes(at)
    assert set(notes) == {"normal (std 10)", XAVIER}  # Xavier at its paper's scale, not std 10
    assert "has not learned" in notes["normal (std 10)"] and "flat ends" in notes["normal (std 10)"]
    assert "fit the data" in notes[XAVIER] or "fits the training data" in notes[XAVIER]


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


def test_worked_example_iteration_0_is_told_truly():
    """Finding 7: at iteration 0 every weight is still a, and w1, w3 first differ after iteration 1."""
    at = run("toy")
    at.slider(key="toy_iter").set_value(0).run()
    ok(at)
    t = text(at)
    assert "All ten weights are equal** (to 0.5)" in t and "nothing has moved yet" in t
    assert "stay equal as well" not in t and "1 different values" not in t and "1 iterations" not in t
    assert "in this run they first differ at iteration 1" in t
    at.slider(key="toy_iter").set_value(1).run()
    assert "After 1 iteration," in text(at) and "only 4 different values" in text(at)


def test_worked_example_relu_notes_depend_on_the_inputs():
    at = run("toy", {"activation": "relu", "x1": "-1", "x2": "-2"})
    ok(at)
    t = text(at)
    assert "switched on" not in t and "as here" not in t
    relu = next(e for e in at.expander if e.label == "The ReLU question in the text, answered")
    assert "Not for these inputs: their sum is negative" in relu.markdown[0].value


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
    assert "The signal and the gradient are vanishing." in text(at)
    at = run("depth", {"preset": "tanh-large"})
    assert "saturates the units" in text(at)
    at = run("depth", {"preset": "relu-he"})
    assert "A healthy start" in text(at)
    before = text(at)
    at.slider(key="depth").set_value(5).run()
    ok(at)
    assert text(at) != before and "after layer 5" in text(at)


VERDICT_WORDS = ("A healthy start", "vanishing.**", "exploding.**", "saturates the units", "is identical")


@pytest.mark.parametrize("query,verdict", [
    ({"preset": "sigmoid-large", "depth": "20"}, "saturates the units"),
    ({"preset": "relu-he", "init": "normal", "spread": "0.05"}, "vanishing.**"),
])
def test_depth_page_gives_exactly_one_verdict(query, verdict):
    """Finding 2: these links printed "vanishing", "saturates" and the green "A healthy start" together."""
    at = run("depth", query)
    ok(at)
    boxes = [e.value for kind in ("success", "warning", "error") for e in at.get(kind)]
    assert [w for w in VERDICT_WORDS if any(w in b for b in boxes)] == [verdict]
    assert not at.success


@pytest.mark.parametrize("init,activation", [("zeros", "tanh"), ("constant", "relu")])
def test_depth_page_symmetric_start_says_the_units_are_copies(init, activation):
    """Finding 3: no "from 0 to 0" and no saturation warning; the units are copies, with a Playground link."""
    at = run("depth", {"init": init, "activation": activation})
    ok(at)
    t = text(at)
    assert "from 0 to 0" not in t and "saturates" not in t and "a factor of about" not in t
    assert "Every unit of a layer is identical" in at.error[0].value and "[Playground](./?preset=" in t


def test_depth_page_overlays_the_classic_settings():
    at = run("depth", {"compare": "true"})
    ok(at)
    names = {t.get("name") for c in charts(at) for t in c["data"]}
    assert "10 tanh layers, std 0.01" in names and "20 ReLU layers, He" in names


def test_restarts_constant_init_has_one_outcome_and_says_so():
    at = run("restarts", {"preset": "constant"})
    ok(at)
    assert "All 50 restarts ended at exactly the same loss" in text(at)
    assert next(m.value for m in at.metric if m.label == "Outcome groups") == "1"
    at = run("restarts")
    ok(at)
    assert "exactly the same loss" not in text(at)
    assert "Lowest training loss: seed" in " ".join(chart_titles(at))
    at.slider(key="n_seeds").set_value(10).run()
    ok(at)
    assert next(m.value for m in at.metric if m.label == "Seeds that finished") == "10 / 10"


def test_restarts_default_groups_settled_runs_and_names_the_one_still_moving():
    at = run("restarts")
    ok(at)
    t = text(at)
    metrics = {m.label: m.value for m in at.metric}
    assert "Different final losses" not in metrics  # no count of float-distinct values
    assert metrics["Settled runs"] == "49 / 50" and metrics["Outcome groups"] == "5"
    assert metrics["Test accuracy"] == "78%–90%"
    assert "**49 of the 50 finished runs settled**" in t and "they form **5 groups**" in t
    assert "**1 run is still moving**" in t and "Give it more steps, or a larger learning rate" in t
    assert "reach at least 90%" not in t
    hist = next(c for c in charts(at) if any(tr.get("type") == "histogram" for tr in c["data"]))
    moving = [tr for tr in hist["data"] if tr.get("name") == "still moving"]
    assert len(moving) == 2  # grey in the loss and the accuracy panel


def test_error_surface_controls_change_the_slice():
    at = run("surface")
    ok(at)
    t = text(at)
    assert "never leaves the line" in t and "stay exactly equal" in t and "a ridge, not a valley" in t
    assert "The nudge grows" in t and "mirror-image networks" in t and at.success and not at.warning
    contour = next(c for c in charts(at) if c["data"][0].get("type") == "contour")
    names = [tr.get("name", "") for tr in contour["data"]]
    assert any(n.startswith("the noisy run's end") for n in names) and "its mirror image: the units swapped" in names
    at.selectbox(key="dataset").set_value("xor").run()
    ok(at)
    assert text(at) != t
    at.selectbox(key="view").set_value("3d").run()
    ok(at)
    assert any(tr.get("type") == "surface" for c in charts(at) for tr in c["data"])


def test_a_log_sliders_labels_write_powers_of_ten_as_the_sentences_do():
    """The noise slider read 1e-05 where the page's sentences say 10⁻⁵ (a link still carries 1e-05)."""
    at = run("surface", {"perturbation": "1e-05"})
    ok(at)
    noise = at.select_slider(key="perturbation")
    assert noise.value == 1e-5
    labels = list(noise.proto.options)
    assert labels[:3] == ["10⁻⁵", "2 × 10⁻⁵", "5 × 10⁻⁵"] and "0.0001" in labels and "0.1" in labels
    assert not [label for label in labels if "e" in label]


def test_error_surface_with_relu_says_the_units_died_not_ridge():
    """Issue 9, finding 4: with ReLU the units die; the page must say so, and must not call the flat line a ridge."""
    at = run("surface", {"activation": "relu"})
    ok(at)
    t = text(at)
    assert "ridge, not a valley" not in t and "flat here: neither ridge nor valley" in t
    assert "**Dead units.** In both runs every hidden unit outputs exactly 0" in t
    assert [w.value for w in at.warning][0].startswith("The noisy run's hidden units died")
    assert not at.success


# ---- Issue 10: classroom screens

LESSON_PAGES = ("side", "toy", "depth", "restarts", "surface")


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_pages_draw_through_ui_and_put_their_key_controls_in_the_main_area(page):
    """ui.plotly_chart (no bare st.plotly_chart in a page) and the main=True controls drawn above the charts."""
    source = PAGES[page].read_text(encoding="utf-8")
    assert "st.plotly_chart" not in source and "st.set_page_config" not in source
    at = run(page)
    ok(at)
    assert charts(at)
    main = main_controls(page)
    assert 2 <= len(main) <= 3
    sidebar_keys = {w.key for kind in ("selectbox", "slider", "select_slider", "number_input")
                    for w in at.sidebar.get(kind)}
    assert not set(main) & sidebar_keys, f"{page}: main controls drawn in the sidebar"
    assert "preset" not in sidebar_keys


def main_controls(page) -> list[str]:
    """The names of the page's SPECS marked main=True, read from its settings module, not by running it."""
    return [p.name for p in SETTINGS[page].SPECS if p.main]


@pytest.mark.parametrize("page,init,disabled", [
    ("restarts", "xavier_normal", {"init_value": True, "spread": False}),
    ("restarts", "constant", {"init_value": False, "spread": True}),
    ("depth", "zeros", {"spread": True}),
    ("depth", "he_normal", {"spread": False}),
])
def test_controls_that_do_not_apply_are_disabled_with_the_reason(page, init, disabled):
    at = run(page, {"init": init})
    ok(at)
    widgets = {w.key: w for kind in ("slider", "select_slider") for w in at.get(kind)}
    assert {k: widgets[k].disabled for k in disabled} == disabled
    for k, off in disabled.items():
        reason = "every weight gets the same value" if k == "spread" else "Used only when the init scheme is constant"
        assert (reason in (widgets[k].help or "")) is off


def test_side_by_side_buttons_step_one_recorded_step_and_home_goes_to_zero():
    """Step (Right) and Next (PageDown, a clicker's key) move the shared timeline one recorded step; Start (Home)
    returns to 0; the keys are bound to the buttons."""
    at = run("side", {"steps": "500"})
    ok(at)
    every = max(1, 500 // 100)
    assert at.slider(key="sbs_step").value == 500
    at.button(key="sbs_home").click().run()
    ok(at)
    assert at.slider(key="sbs_step").value == 0
    at.button(key="sbs_next").click().run()
    assert at.slider(key="sbs_step").value == every
    at.button(key="sbs_clicker").click().run()
    assert at.slider(key="sbs_step").value == 2 * every
    assert "Distinct units at step 10" in chart_titles(at)
    shortcuts = {b.key: b.proto.shortcut for b in at.button if b.key and b.key.startswith("sbs_")}
    assert shortcuts == {"sbs_home": "home", "sbs_play_button": "space", "sbs_next": "right",
                         "sbs_clicker": "pagedown"}


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_presenter_mode_draws_the_same_charts(page):
    """?present=1 rearranges a page (shorter charts and titles, the reading under them) but leaves out no chart."""
    def traces(at):
        return sorted(tuple(str(t.get("name")) for t in c["data"]) for c in charts(at))

    normal = run(page)
    present = run(page, {"present": "1"})
    ok(present)
    assert traces(present) == traces(normal)
    if page != "toy":  # every sentence kept, only moved (the worked example: see the next test); link aside
        def sentences(at):  # a caption's first sentence stands for it when presenting, the whole in its help
            return sorted(line for kind in ("markdown", "error", "warning", "success", "info", "caption")
                          for e in at.get(kind) for line in str(kind == "caption" and e.proto.help or e.value)
                          .split("\n") if not line.startswith("[?"))

        assert sentences(present) == sentences(normal)


def test_worked_example_presenter_mode_shows_the_same_derivatives_in_short_lines():
    """Beside the diagram on a projector the derivatives keep their numbers and drop the chain rule's symbols."""
    def latex(at, start):
        blocks = [e.value.strip("$\n") for e in at.latex]
        (block,) = [b for b in blocks if b.removeprefix(r"\small").startswith(r"\begin{aligned}" + start)]
        return [line.rsplit("=", 1)[1] for line in block.removesuffix(r"\end{aligned}").split(r"\\")]

    normal, present = run("toy"), run("toy", {"present": "1"})
    ok(present)
    assert latex(present, r"\partial y/\partial w_9") == latex(normal, r"\frac")
    assert len(latex(normal, r"\frac")) == 10


def test_restarts_tells_different_solutions_from_one_network_relabelled():
    """Issue 12 §3: the solutions read from the runs' own grouping, the histogram coloured by solution, and a pair
    of seeds shown before and after their units are put in the same order."""
    from narration import restarts as story
    from symbreak_core import restarts as train_restarts
    from symbreak_core.relabel import example_pair, solution_groups

    at = run("restarts")
    ok(at)
    values = {p.name: at.session_state[p.name] for p in restarts.SPECS}  # the page's controls
    rr = train_restarts(restarts.config(values), restarts.seeds(values))
    r, sg = story.read(rr), solution_groups(rr)
    page = text(at)
    assert story.solutions(r, sg) in page and story.relabelling_note(r) in page
    titles = [c["layout"].get("title", {}).get("text", "") for c in charts(at)]
    assert "Final loss, by solution" in titles
    pair = example_pair(sg)
    assert pair is not None, "the default setup has runs that are one network relabelled"
    assert [t for t in titles if t in story.pair_titles(r, *pair)] == list(story.pair_titles(r, *pair))
    assert story.pair_caption(r, sg, pair[1]) in page


def test_restarts_from_a_constant_start_says_one_run_and_draws_no_pair():
    at = run("restarts", {"preset": "constant"})
    ok(at)
    assert "every seed gives the same run, bit for bit" in text(at)
    titles = [c["layout"].get("title", {}).get("text", "") for c in charts(at)]
    assert not [t for t in titles if t.endswith((" as trained", " relabelled"))]
    assert "Final loss, by solution" not in titles


# ---- moment links on the lesson pages: the timeline's step, the worked example's iteration ----

def test_a_side_by_side_link_opens_the_timeline_at_its_step():
    at = run("side", {"step": "300"})
    ok(at)
    assert at.slider(key="sbs_step").value == 300
    assert any(c["layout"].get("title", {}).get("text", "").endswith("at step 300") for c in charts(at))
    share = next(m.value for m in at.markdown if m.value.startswith("Anyone who opens this link"))
    assert "step=300" in share
    plain = run("side")
    assert plain.slider(key="sbs_step").value == 1000  # no step in the link: the end of the runs


def test_a_step_past_the_runs_end_is_named_and_clamped():
    at = run("side", {"step": "4000"})  # within the control's range, past these 1,000-step runs
    ok(at)
    assert at.slider(key="sbs_step").value == 1000
    assert "step=4000 is past this run's last step, 1000; using 1000." in text(at)
    assert side_by_side.MOMENT.hi == next(p.hi for p in side_by_side.SPECS if p.name == "steps")


def test_a_worked_example_link_opens_at_its_iteration():
    at = run("toy", {"iteration": "7"})
    ok(at)
    assert at.slider(key="toy_iter").value == 7
    assert "Which weights are equal at iteration 7?" in [h.value for h in at.subheader]
    share = next(m.value for m in at.markdown if m.value.startswith("Anyone who opens this link"))
    assert "iteration=7" in share
    late = run("toy", {"iteration": "180"})  # past the default run's 50 iterations
    assert late.slider(key="toy_iter").value == 50 and "iteration=180 is past this run's last" in text(late)
    assert worked_example.MOMENT.hi == next(p.hi for p in worked_example.SPECS if p.name == "steps")
