"""The Playground (app.py) under Streamlit's AppTest: presets, controls, URL restore, bad URLs, buttons."""
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import chart_grids, grid_figures, link_values_shown, live_panel, shown_metric, shown_note
from conftest import typed_array as decode
from streamlit.testing.v1 import AppTest

import ui
from settings import playground
from settings.params import preset_values
from symbreak_core import Trainer
from ui import moments

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 30



def run(query=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    return at.run()


metric = shown_metric


def button(at, label):
    return next(b for b in at.button if b.label == label)


def no_exception(at):
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("preset", playground.PRESETS, ids=lambda q: q.id)
def test_every_preset_runs_and_trains(preset):
    at = run({"preset": preset.id})
    no_exception(at)
    values = preset_values(playground.SPECS, preset)
    config = at.session_state["trainer"].config
    assert config.init == values["init"]  # the init scheme the preset selects...
    assert config == playground.config(values)  # ...and every other setting of it
    assert list(at.selectbox(key="preset").options) and not at.warning
    button(at, "Step").click().run()
    no_exception(at)
    assert int(metric(at, "Step").replace(",", "")) > 0
    assert shown_note(at).startswith("**What's happening:** ")
    figures = grid_figures(at)
    assert figures and not link_values_shown(at, figures)  # "ReLU", "He (normal)": never a link's he_normal


def test_default_page_is_the_classroom_demo():
    at = run()
    no_exception(at)
    c = at.session_state["trainer"].config
    assert (c.dataset, c.hidden, c.activation, c.init, c.init_value) == ("xor", (8, 8), "tanh", "constant", 0.5)
    assert metric(at, "Layer 1 distinct") == "1 / 8" and metric(at, "Step") == "0"
    assert not at.warning


def test_choosing_a_preset_in_the_sidebar_sets_every_control():
    at = run()
    at.selectbox(key="preset").select("he").run()
    no_exception(at)
    assert at.selectbox(key="init").value == "he_normal"
    assert at.selectbox(key="activation").value == "relu"
    button(at, "Step").click().run()
    assert metric(at, "Layer 1 distinct") == "8 / 8"


def test_changing_a_control_changes_the_run():
    at = run()
    before = at.session_state["trainer"].config
    at.slider(key="width").set_value(4).run()
    no_exception(at)
    after = at.session_state["trainer"].config
    assert after.hidden == (4, 4) and before.hidden == (8, 8)
    assert metric(at, "Layer 1 distinct") == "1 / 4"
    at.selectbox(key="init").select("xavier_normal").run()
    assert metric(at, "Layer 1 distinct") == "4 / 4"


def test_url_restores_a_setup_exactly():
    query = {"preset": "constant_05", "width": "5", "depth": "3", "init": "he_normal", "activation": "relu",
             "seed": "7", "lr": "0.05", "dataset": "moons", "bias": "false", "speed": "20"}
    a, b = run(query), run(query)
    no_exception(a)
    c = a.session_state["trainer"].config
    assert (c.hidden, c.init, c.activation, c.seed, c.lr, c.dataset, c.bias) == (
        (5, 5, 5), "he_normal", "relu", 7, 0.05, "moons", False)
    assert not a.warning
    assert a.session_state["trainer"] is not b.session_state["trainer"]  # the cache hands out copies
    for W, V in zip(a.session_state["trainer"].weights, b.session_state["trainer"].weights):
        np.testing.assert_array_equal(W, V)
    button(a, "Step ×20").click().run()
    button(b, "Step ×20").click().run()
    assert metric(a, "Step") == metric(b, "Step") == "20"
    assert metric(a, "Train loss") == metric(b, "Train loss")


def test_explicit_url_values_override_the_preset():
    at = run({"preset": "constant_05", "width": "8", "init": "he_normal"})
    c = at.session_state["trainer"].config
    assert c.init == "he_normal" and c.init_value == 0.5 and c.hidden == (8, 8)
    assert metric(at, "Layer 1 distinct") == "8 / 8"


def test_bad_url_gives_the_notice_not_an_exception():
    at = run({"width": "999", "lr": "nan", "init": "banana", "depth": "-3", "seed": "1e999", "noise": "😀",
              "bogus": "1", "dropout": ["0.1", "0.3"]})
    no_exception(at)
    assert len(at.warning) == 1
    text = at.warning[0].value
    assert "width=999 is above the maximum 32; using 32." in text
    for key in ("lr=nan", "init=banana", "depth=-3", "seed=1e999", "noise=", "bogus", "dropout was given 2 times"):
        assert key in text, key
    c = at.session_state["trainer"].config
    assert c.hidden == (32,) and c.init == "constant" and c.lr == 0.5 and c.dropout == 0.3


def test_step_reset_and_new_seed():
    at = run({"preset": "xavier"})
    w0 = [W.copy() for W in at.session_state["trainer"].weights]
    button(at, "Step ×10").click().run()
    assert metric(at, "Step") == "10"
    assert not np.array_equal(at.session_state["trainer"].weights[0], w0[0])
    button(at, "Reset").click().run()
    assert metric(at, "Step") == "0"
    for W, V in zip(at.session_state["trainer"].weights, w0):
        np.testing.assert_array_equal(W, V)
    button(at, "New seed").click().run()
    no_exception(at)
    assert at.session_state["trainer"].config.seed != 0
    assert not np.array_equal(at.session_state["trainer"].weights[0], w0[0])


def test_play_runs_the_live_fragment_and_pause_stops_it():
    at = run()
    button(at, "Play").click().run()
    no_exception(at)
    assert at.session_state["playing"] is True
    assert int(metric(at, "Step")) > 0
    button(at, "Pause").click().run()
    assert at.session_state["playing"] is False
    stopped = metric(at, "Step")
    at.run()
    assert metric(at, "Step") == stopped


# ---- classroom screens: one step at a time, keys, controls that apply, presenter mode (issue 10) ----


def test_a_step_pressed_while_playing_is_taken_once_even_if_its_click_arrives_twice(monkeypatch):
    """Pressed while playing, Step pauses and takes one step. The browser may deliver that click again right
    after, to the page redrawn paused (app.py, set_playing): that delivery takes no step. A press after
    ui.SECOND_DELIVERY is a new click and steps again. The clock is the test's: a rerun that takes long on a slow
    machine is still "at once"."""
    import ui.widgets

    now = [1000.0]
    monkeypatch.setattr(ui.widgets, "clock", lambda: now[0])
    at = run({"preset": "xavier"})
    button(at, "Play").click().run()  # in a test the live area refreshes once per run
    playing_at = int(metric(at, "Step").replace(",", ""))
    button(at, "Step").click().run()
    assert not at.session_state["playing"]
    assert int(metric(at, "Step").replace(",", "")) == playing_at + 1
    button(at, "Step").click().run()  # the same click, delivered again at once
    assert int(metric(at, "Step").replace(",", "")) == playing_at + 1
    now[0] += ui.SECOND_DELIVERY
    button(at, "Step").click().run()  # a new press
    assert int(metric(at, "Step").replace(",", "")) == playing_at + 2


def test_step_takes_one_gradient_step_and_step_n_takes_the_speed():
    """Step shows one update (the same as the engine's one step); Step ×N advances N = the speed setting."""
    at = run({"preset": "xavier", "speed": "20"})
    trainer = at.session_state["trainer"]
    one = Trainer(trainer.config)
    one.run(1)
    button(at, "Step").click().run()
    no_exception(at)
    assert metric(at, "Step") == "1"
    for W, V in zip(at.session_state["trainer"].weights, one.weights):
        np.testing.assert_array_equal(W, V)
    button(at, "Step ×20").click().run()
    assert metric(at, "Step") == "21"
    next(b for b in at.button if b.key == "step_clicker").click().run()  # Page Down, a clicker's "next"
    assert metric(at, "Step") == "22"


def test_the_buttons_carry_their_keys():
    """Space plays and pauses, Right (and a clicker's Page Down) steps once, Shift+Right steps by the speed,
    Home resets; Streamlit shows each key on its button."""
    at = run()
    keys = {b.key: b.proto.shortcut for b in at.button if b.key}
    assert keys.pop("gif_make") == ""  # the GIF is made from the share box, by the mouse
    assert keys == {"play": "space", "step": "right", "step_many": "shift+right", "reset": "home",
                    "step_clicker": "pagedown"}
    button(at, "Play").click().run()
    shown = {b.key: (b.label, b.proto.shortcut) for b in at.button if b.key in ("play", "pause")}
    assert at.session_state["playing"] and shown == {"pause": ("Pause", "space")}
    button(at, "Pause").click().run()
    shown = {b.key: (b.label, b.proto.shortcut) for b in at.button if b.key in ("play", "pause")}
    assert not at.session_state["playing"] and shown == {"play": ("Play", "space")}


def widget(at, key):
    return next(w for kind in ("slider", "selectbox", "select_slider") for w in at.get(kind) if w.key == key)


@pytest.mark.parametrize("init, value_on, spread_on", [
    ("constant", True, False), ("he_normal", False, True), ("zeros", False, False), ("uniform", False, True),
])
def test_controls_that_do_not_apply_are_disabled_with_the_reason(init, value_on, spread_on):
    at = run({"init": init})
    no_exception(at)
    value, spread = widget(at, "init_value"), widget(at, "spread")
    assert (not value.disabled, not spread.disabled) == (value_on, spread_on)
    if not value_on:
        assert value.help.startswith("Used only when the initial weights are constant.")
    if not spread_on:
        assert spread.help.startswith("Used only when the initial weights are random.")
    assert not widget(at, "perturbation").disabled  # noise is added whatever the scheme


def test_the_controls_that_matter_are_in_the_main_area():
    """On a phone the sidebar is folded away: the preset, the initial weights and the width are on the page."""
    at = run()
    main = {w.key for kind in ("slider", "selectbox") for w in at.main.get(kind)}
    side = {w.key for kind in ("slider", "selectbox") for w in at.sidebar.get(kind)}
    assert {"preset", "init", "width"} <= main and not {"preset", "init", "width"} & side
    assert "Choose a preset and press **Play**" in at.markdown[0].value and "sidebar" not in at.markdown[0].value


def share(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Anyone who opens this link"))


def test_presenter_mode_is_kept_in_the_share_link_and_shortens_the_panel_to_its_first_sentence():
    from narration import run as narrate

    at = run({"present": "1"})
    no_exception(at)
    assert "present=1" in share(at)
    notes = narrate.whats_happening(narrate.facts(at.session_state["trainer"].result()))
    head, rest = narrate.headline(notes)
    shown = live_panel(at)
    assert shown["side"] and shown["note"] == "**What's happening:** " + head
    assert head == "All 8 units of layers 1 and 2 behave as one: each of these layers works like a single unit."
    assert shown["more"] == rest and rest.startswith("Their weights are exactly equal")  # behind "The whole note"
    assert not any(shown["help"].values())  # a projector shows no help marks
    at = run()
    shown = live_panel(at)
    assert "present=" not in share(at) and not shown["side"]
    head, rest = narrate.panel_words(notes, present=False)  # not presenting: as much as four lines hold
    assert shown["note"] == "**What's happening:** " + head and shown["more"] == rest
    assert head.startswith("All 8 units of layers 1 and 2 behave as one") and rest.endswith("Press Play (or Step) "
                                                                                            "to start training.")
    assert shown["help"]["Layer 1 distinct"].startswith("The symmetry meter's count")


def test_presenting_a_long_preset_caption_shows_its_first_sentence_and_the_whole_in_its_help():
    """A preset's caption of two or three lines took the key charts' last lines off a 1280x720 projector."""
    from settings import playground as S

    about = next(p for p in S.PRESETS if p.id == "constant_dropout").about
    first = "Dropout silences different units on each step, so the copies get slightly different updates: the gap "
    normal, present = run({"preset": "constant_dropout"}), run({"preset": "constant_dropout", "present": "1"})
    (caption,) = [c for c in normal.caption if c.value.startswith(first)]
    assert caption.value == about and not caption.proto.help
    (caption,) = [c for c in present.caption if c.value.startswith(first)]
    assert caption.value == first + "chart leaves exactly 0 at the first step." and caption.proto.help == about


def trained(query: dict, steps: int) -> AppTest:
    """The page after `steps` training steps (taken on the session's trainer, then one rerun)."""
    at = run(query)
    at.session_state["trainer"].run(steps)
    return at.run()


def panel(at) -> str:
    """All the words of the Playground's note: what shows and what is folded under "The whole note"."""
    more = (live_panel(at) or {}).get("more", "")
    return shown_note(at) + (" " + more if more else "")


def test_a_deep_networks_counts_share_one_number_and_a_long_note_folds():
    """Six hidden layers of 32: their distinct units are one number (six would take four rows beside the note and
    push the charts off a projector's first screen), and the note shows its first sentences and folds the rest,
    exactly as the narration splits it."""
    from narration import run as narrate

    at = run({"preset": "he", "width": "32", "depth": "6"})
    no_exception(at)
    t = at.session_state["trainer"]
    sym = t.symmetry()
    shown = live_panel(at)
    assert list(shown["numbers"]) == ["Step", "Train loss", "Layers 1–6 distinct (of 32)"]
    assert shown["numbers"]["Layers 1–6 distinct (of 32)"] == ", ".join(str(d) for d in sym["distinct"])
    assert shown["help"]["Layers 1–6 distinct (of 32)"].startswith("The symmetry meter's count")
    notes = narrate.whats_happening(narrate.facts(t.result(), t.weights, t.biases, sym))
    head, rest = narrate.panel_words(notes, present=False)
    assert rest and shown["note"] == "**What's happening:** " + head and shown["more"] == rest
    assert f"{head} {rest}" == " ".join(notes)



def test_zero_init_names_the_one_parameter_that_moves_and_diverging_runs_are_reported():
    """Finding 10 (this replaces "Only the output layer still learns", which was false): with tanh, W_out stays
    exactly 0 because tanh(0) = 0; only the output bias moves."""
    at = run({"preset": "zeros"})
    button(at, "Step").click().run()
    t = at.session_state["trainer"]
    assert not any(W.any() for W in t.weights) and t.biases[-1].any()
    text = panel(at)
    assert "only the output bias changed; all the weights and the hidden biases still have exactly" in text
    assert "tanh(0) = 0" in text and "output layer" not in text
    at = run({"preset": "he", "lr": "10", "spread": "10"})
    for _ in range(3):
        if not button(at, "Step ×10").disabled:
            button(at, "Step ×10").click().run()
    no_exception(at)
    assert button(at, "Step").disabled and button(at, "Play").disabled
    assert live_panel(at)["error"] and "diverged at step" in panel(at)  # in a warning's colours
    assert "lower it (or start from smaller weights)" in panel(at)  # says why and what to do


def test_dead_relus_are_named_with_what_to_do():
    """Finding 11: /?preset=he&lr=10 kills every ReLU; the panel says so, why, and what to do."""
    at = run({"preset": "he", "lr": "10"})
    button(at, "Step ×10").click().run()
    no_exception(at)
    snap = at.session_state["trainer"].result().final
    assert snap.dead == (1.0, 1.0)
    text = panel(at)
    assert "Every unit of layers 1 and 2 is dead: it outputs 0 on every training input" in text
    assert "Lower the learning rate" in text and "has not learned" in text


def test_no_learning_is_claimed_for_one_unit_or_a_run_that_did_not_learn():
    """Finding 13: width 1, or a run below run.LEARNED_ACCURACY, never hears that its units became features."""
    at = trained({"preset": "xavier", "width": "1"}, 200)
    text = panel(at)
    assert "behaves differently" not in text and "feature" not in text
    assert "Layers 1 and 2 each have a single unit" in text and "has not learned" in text
    at = trained({"preset": "xavier"}, 300)
    assert "Every unit of every layer behaves differently, and together they fit the data" in panel(at)


def test_all_half_preset_blames_the_symmetry_not_saturation():
    at = trained({"preset": "constant_05"}, 3000)
    snap = at.session_state["trainer"].result().final
    assert max(snap.saturated) > 0.3  # saturated a lot, yet that is not what holds it back
    text = panel(at)
    assert text.startswith("**What's happening:** All 8 units of layers 1 and 2 behave as one")
    assert "flat ends" not in text and "saturat" not in text


def test_too_large_preset_saturates_and_stalls_against_xavier():
    big = trained({"preset": "too_large"}, 3000)
    xavier = trained({"preset": "too_large", "init": "xavier_normal", "spread": "1"}, 3000)
    loss_big = big.session_state["trainer"].result().final.train_loss
    loss_xavier = xavier.session_state["trainer"].result().final.train_loss
    assert loss_big > 10 * loss_xavier
    assert "of the outputs of layers 1, 2, 3 and 4 sit on tanh's flat ends" in panel(big)
    assert "has not learned" in panel(big) and "The network fits the training data: 100%" in panel(xavier)


def test_zeros_with_sigmoid_moves_every_weight_but_the_columns_stay_equal(static_serving):
    at = trained({"preset": "zeros_sigmoid"}, 200)
    no_exception(at)
    t = at.session_state["trainer"]
    assert all(np.abs(W).max() > 0.5 for W in t.weights), "the weights move visibly"
    _, rows = chart_grid(at)
    for trace in rows[0][0]["data"]:  # every weight and bias row: equal columns
        z = decode(trace["z"])
        assert np.all(z == z[:, :1]) and np.abs(z).max() > 0.2
    assert "All 8 units of layer 1 behave as one" in panel(at)


def test_share_link_and_downloads_are_offered():
    at = run({"preset": "he", "width": "4"})
    link = next(m.value for m in at.markdown if "width=4" in m.value)  # a custom setup: share_url omits preset
    assert "init=he\\_normal" in link and "seed=0" in link
    assert [b.label for b in at.get("download_button")] == ["History (CSV)", "Config (JSON)"]


def test_the_history_button_holds_the_paused_runs_history_under_one_name_per_step():
    """The History button holds the file itself (ui.history_button): exactly the run's history at the step shown,
    under the same name while the run stays at that step (so a click that meets a second drawing of the page still
    finds it), a new one after a step, and nothing while playing, when it is disabled."""
    from streamlit.runtime.media_file_storage import MediaFileKind
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from ui.exports import HISTORY_FILE, history_csv

    def history(at):
        b = next(b for b in at.get("download_button") if b.proto.label == "History (CSV)")
        return b.proto.url.rsplit("/", 1)[1].split(".")[0], b.proto.disabled

    def name_of(trainer) -> str:  # the name Streamlit's storage gives the run's history
        return MemoryMediaFileStorage("/media").load_and_get_id(history_csv(trainer.result()), "text/csv",
                                                                MediaFileKind.DOWNLOADABLE, HISTORY_FILE)

    at = run({"preset": "xavier"})
    button(at, "Step").click().run()
    shown = history(at)
    assert shown == (name_of(at.session_state["trainer"]), False)
    at.run()
    assert history(at) == shown
    button(at, "Step").click().run()
    assert history(at) == (name_of(at.session_state["trainer"]), False) and history(at) != shown
    button(at, "Play").click().run()
    assert history(at)[1] is True
    assert "_ui_history" not in at.session_state  # the session lets go of the file while it plays


def test_work_per_refresh_is_capped_for_big_networks():
    at = run({"width": "32", "depth": "6", "speed": "200"})
    no_exception(at)
    next(b for b in at.button if b.key == "step_many").click().run()
    steps = int(metric(at, "Step").replace(",", ""))
    assert 1 <= steps < 200
    assert any("capped" in c.value for c in at.caption)


# ---- the six charts, drawn by the chart grid (components/charts) ----


def chart_grid(at) -> tuple[str, list[list[dict]]]:
    """(element id, rows of figures as the browser holds them) of the Playground's one chart component, which
    draws the numbers and words too (a live refresh sends one element)."""
    (grid,) = chart_grids(at)
    return grid


def test_all_six_charts_go_to_the_chart_grid_with_bundled_traces_only(static_serving):
    at = run({"preset": "constant_05", "width": "8"})
    no_exception(at)
    assert not at.get("plotly_chart"), "the Playground draws every chart in its chart grids"
    _, rows = chart_grid(at)
    titles = [fig["layout"]["title"]["text"] for row in rows for fig in row]
    assert len(titles) == 6
    for word in ("Weights", "Decision boundary", "Hidden units", "Symmetry meter", "Loss", "Gradient norm"):
        assert any(t.startswith(word) for t in titles), (word, titles)
    for row in rows:
        for fig in row:
            assert fig["_h"] == fig["layout"]["height"] and fig["_w"] > 0
            kinds = {trace.get("type", "scatter") for trace in fig["data"]}
            assert kinds <= set(ui.GRID_TRACES), f"{fig['layout']['title']['text']}: {kinds} not all in the bundle"
    # constant start: the first weight heatmap (input -> layer 1) has identical columns, 0.5 everywhere
    first = decode(rows[0][0]["data"][0]["z"])
    assert first.shape == (2, 8) and np.all(first == 0.5)


def test_a_control_change_redraws_the_same_chart_grid_with_new_data(static_serving):
    """The grids' identity survives reruns (no remount, no flash); only their data changes."""
    at = run({"preset": "constant_05", "width": "8"})
    frame_id, rows = chart_grid(at)
    at.slider(key="width").set_value(5).run()
    no_exception(at)
    same_id, new_rows = chart_grid(at)
    assert same_id == frame_id
    assert decode(new_rows[0][0]["data"][0]["z"]).shape == (2, 5)
    button(at, "Step").click().run()
    assert chart_grid(at)[0] == frame_id
    assert not np.all(decode(chart_grid(at)[1][0][0]["data"][0]["z"]) == 0.5), "a step changes the weights"


def test_the_vendored_plotly_bundle_matches_the_plotly_package():
    """Figures are built by the plotly package and drawn by the bundle in static/: same major version."""
    import re

    import plotly.offline

    head = Path(ui.PLOTLY_BUNDLE).read_text(encoding="utf-8")[:300]
    bundled = re.search(r"plotly\.js \(symbreak: core, bar, histogram, heatmap, contour, table - minified\) "
                        r"v(\d+)\.(\d+)\.(\d+)", head)
    assert bundled, head
    package = plotly.offline.get_plotlyjs_version().split(".")
    assert bundled.group(1) == package[0], (
        f"static/ has plotly.js {'.'.join(bundled.groups())} but the plotly package builds figures for "
        f"plotly.js {'.'.join(package)}: rebuild it with components/charts/build_plotly.sh")
    loader = (Path(ui.CHARTS_DIR) / "charts.js").read_text(encoding="utf-8")
    assert '"./app/static/charts-grid.js"' in loader  # Streamlit's static serving of static/
    script = (ROOT / "static" / "charts-grid.js").read_text(encoding="utf-8")
    assert '"./app/static/plotly-symbreak.min.js"' in script
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "enableStaticServing = true" in config


def test_without_static_serving_the_charts_fall_back_to_st_plotly_chart():
    """Started without the project's config (e.g. from another folder), the charts still draw, more slowly."""
    from streamlit import config

    before = config.get_option("server.enableStaticServing")
    config.set_option("server.enableStaticServing", False)
    try:
        at = run({"preset": "constant_05"})
        no_exception(at)
        assert not at.get("bidi_component")
        assert len(at.get("plotly_chart")) == 6
        assert any("compatibility mode" in c.value for c in at.caption)
        button(at, "Step").click().run()
        no_exception(at)
        assert len(at.get("plotly_chart")) == 6
        # the numbers and words as Streamlit's own elements
        assert [m.label for m in at.metric] == ["Step", "Train loss", "Layer 1 distinct", "Layer 2 distinct"]
        assert shown_metric(at, "Step") == "1" and shown_metric(at, "Layer 1 distinct") == "1 / 8"
        assert shown_note(at).startswith("**What's happening:** All 8 units of layers 1 and 2 behave as one")
    finally:
        config.set_option("server.enableStaticServing", before)


# ---- moment links: a link carries the step, and opening it replays the run to exactly that state ----

def step_of(at) -> int:
    return int(metric(at, "Step").replace(",", ""))


@pytest.mark.parametrize("kept", [True, False], ids=["kept-moment", "replayed-from-0"])
@pytest.mark.parametrize("query, step, speed", [
    ({"preset": "constant_05"}, 120, 20),
    ({"preset": "he", "width": "16", "depth": "3", "batch_size": "20", "dropout": "0.1"}, 45, 5),
    ({"preset": "constant_noise"}, 60, 20),
], ids=["all-half", "he-batches-dropout", "tiny-noise-adam"])
def test_a_link_with_a_step_opens_the_run_paused_there_with_the_numbers_of_the_live_run(query, step, speed, kept,
                                                                                        static_serving, tmp_path,
                                                                                        monkeypatch):
    """Opened where it was made, the link loads the moment the paused page kept (ui.moments); elsewhere (no moment
    kept) it replays the run from step 0. Either way every number is the live run's."""
    monkeypatch.setenv(moments.FOLDER_ENV, str(tmp_path))
    played = run(query | {"speed": str(speed)})
    while step_of(played) < step:  # the chunks a live run takes: the speed's steps at a time
        button(played, f"Step ×{speed}").click().run()
    assert step_of(played) == step
    runs = [played.session_state["trainer"]] + ([played.session_state["twin"]] if played.session_state["twin"] else [])
    assert all(moments.load(r.config, step, r.copies).step == step for r in runs)  # kept by the paused page
    if not kept:
        for path in tmp_path.glob("*.pkl"):
            path.unlink()
    steps_trained = []
    train_on = Trainer.run
    monkeypatch.setattr(Trainer, "run", lambda self, n, **kw: steps_trained.append(n) or train_on(self, n, **kw))
    opened = run(query | {"speed": str(speed), "step": str(step)})
    assert (sum(steps_trained) == 0) if kept else (sum(steps_trained) >= step)
    no_exception(opened)
    assert not opened.warning and not opened.session_state["playing"]
    labels = list(live_panel(played)["numbers"])
    assert [metric(opened, k) for k in labels] == [metric(played, k) for k in labels]
    a, b = played.session_state["trainer"], opened.session_state["trainer"]
    for p, q in zip(a.weights + (a.biases or []), b.weights + (b.biases or []), strict=True):
        np.testing.assert_array_equal(p, q)  # bit for bit
    assert [(s.step, s.train_loss, s.distinct, s.gap) for s in a.snapshots] == [
        (s.step, s.train_loss, s.distinct, s.gap) for s in b.snapshots]
    for row_a, row_b in zip(chart_grid(played)[1], chart_grid(opened)[1], strict=True):
        for fa, fb in zip(row_a, row_b, strict=True):  # every chart draws the same, number for number
            np.testing.assert_equal(fb, fa)
    assert f"step={step}" in share(opened) and f"paused at step {step}" in share(opened)
    assert opened.query_params["step"] in ([str(step)], str(step))


def test_a_paused_run_keeps_its_step_in_the_address_and_the_share_link_and_reset_drops_it():
    at = run({"preset": "constant_05"})
    assert "step" not in at.query_params and "step=" not in share(at)
    button(at, "Step").click().run()
    assert at.query_params["step"] in (["1"], "1") and "step=1" in share(at)
    button(at, "Reset").click().run()
    assert "step" not in at.query_params and "step=" not in share(at)


@pytest.mark.parametrize("raw, notice", [
    ("-3", "step=-3 is below the minimum 0; using 0."),
    ("ten", "step=ten is not a finite number; using the default 0."),
])
def test_a_bad_step_in_a_link_is_named_in_the_notice(raw, notice):
    at = run({"preset": "constant_05", "step": raw})
    no_exception(at)
    assert step_of(at) == 0
    assert any(notice in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_step_past_the_end_of_a_live_run_is_clamped_to_its_last_step():
    from settings.params import clamp_params

    assert playground.MOMENT.hi == playground.LIVE_STEPS
    values, notices = clamp_params([playground.MOMENT], {"step": "999999"})
    assert values == {"step": playground.LIVE_STEPS}
    assert notices == [f"step=999999 is above the maximum {playground.LIVE_STEPS}; using {playground.LIVE_STEPS}."]


# ---- the equal-start twin: the same run with its symmetry breakers removed, drawn as a ghost ----

def test_the_twin_removes_exactly_the_symmetry_breakers():
    values = preset_values(playground.SPECS, next(q for q in playground.PRESETS if q.id == "constant_noise"))
    values.pop("speed")
    config = playground.config(values)
    twin = playground.twin(config)
    assert (twin.init, twin.init_value, twin.perturbation, twin.dropout) == ("constant", 0.5, 0.0, 0.0)
    assert twin == config.__class__(**{**config.to_dict(), "perturbation": 0.0, "hidden": config.hidden})
    for preset in ("constant_05", "zeros", "zeros_sigmoid"):  # no breaker on: the run is its own twin
        v = preset_values(playground.SPECS, next(q for q in playground.PRESETS if q.id == preset))
        v.pop("speed")
        assert playground.twin(playground.config(v)) is None
    he = dict(values, init="he_normal", perturbation=0.0, dropout=0.3)
    assert playground.twin(playground.config(he)).init == "constant"
    assert playground.twin(playground.config(dict(values, init="zeros", dropout=0.2))).init == "zeros"


def test_presets_that_differ_only_in_what_an_equal_start_does_not_use_have_one_twin():
    """A constant start uses no spread, and all zeros no value: the twin takes the defaults there, so that the
    twins of small random, Xavier and constant + dropout are one config, that of the constant-0.5 preset's own run
    (their sessions share its steps: ui/frames.py), and the run is the same as with the spread it had."""
    def preset(name):
        values = preset_values(playground.SPECS, next(q for q in playground.PRESETS if q.id == name))
        values.pop("speed")
        return playground.config(values)

    twins = {playground.twin(preset(name)) for name in ("small_random", "xavier", "constant_dropout")}
    assert twins == {preset("constant_05")}
    small = preset("small_random")
    assert small.spread != 1.0 and playground.twin(small).spread == 1.0
    zeros = playground.twin(replace(small, init="zeros", init_value=0.3, dropout=0.2))
    assert (zeros.init, zeros.init_value, zeros.spread) == ("zeros", 0.5, 1.0)
    for twin in (playground.twin(small), zeros):
        kept = Trainer(replace(twin, spread=small.spread, init_value=0.3 if twin.init == "zeros" else 0.5))
        normal = Trainer(twin)
        for t in (kept, normal):
            t.run(40)
        for W, V in zip(kept.weights + kept.biases, normal.weights + normal.biases, strict=True):
            np.testing.assert_array_equal(W, V)


def equal_start(fig):
    return [t for t in fig["data"] if t.get("name") == "equal start"]


@pytest.mark.parametrize("preset", ["constant_noise", "constant_dropout", "xavier"])
def test_the_twins_curves_are_a_separate_run_of_the_equal_start_config(preset, static_serving):
    at = run({"preset": preset, "speed": "20"})
    for _ in range(3):
        button(at, "Step ×20").click().run()
    no_exception(at)
    config = at.session_state["trainer"].config
    alone = Trainer(playground.twin(config), copies=True)  # narrow: its units stay copies of each other
    alone.run(60)
    np.testing.assert_array_equal(at.session_state["twin"].weights[0], alone.weights[0])
    wide = Trainer(playground.twin(config))
    wide.run(60)
    np.testing.assert_allclose(alone.curves()[1], wide.curves()[1], rtol=1e-12)
    (meter, loss) = chart_grid(at)[1][1][:2]
    (ghost,) = equal_start(loss)
    snaps = alone.result().snapshots
    np.testing.assert_array_equal(ghost["x"], np.float32([s.step for s in snaps]))
    np.testing.assert_array_equal(ghost["y"], np.float32([s.train_loss for s in snaps]))
    (gap,) = equal_start(meter)
    assert len(gap["x"]) == len(snaps)


def test_a_run_without_a_symmetry_breaker_has_no_twin(static_serving):
    at = run({"preset": "constant_05"})
    button(at, "Step").click().run()
    assert at.session_state["twin"] is None
    assert not [f for row in chart_grid(at)[1] for f in row if equal_start(f)]


def test_a_slowed_live_view_says_so_under_the_charts_and_a_fast_one_says_nothing(monkeypatch):
    """The note under the charts (the panel's foot) gives the fair pace as an upper bound, with the runs sharing it;
    at the fastest pace there is nothing to say."""
    from narration import run as narrate

    at = run({"preset": "he"})
    button(at, "Play").click().run()
    no_exception(at)
    assert at.session_state["playing"] and live_panel(at)["foot"] == ""
    monkeypatch.setattr(ui.pacer, "interval", lambda now=None: 0.5)
    monkeypatch.setattr(ui.pacer, "playing", lambda now=None: 12)
    at.run()  # the page drawn again, at the slowest pace the server offers
    no_exception(at)
    assert live_panel(at)["foot"] == narrate.slowed(2.0, 12)
    assert live_panel(at)["foot"].startswith("Live view slowed to at most 2 refreshes a second")
    button(at, "Pause").click().run()
    assert live_panel(at)["foot"] == ""  # paused: nothing is refreshing


def test_play_trains_at_once_even_when_every_slot_is_taken_by_live_refreshes():
    """Pressing Play draws the page whole, which trains without waiting for a heavy-job slot (ui.live_slot): a click
    is answered before the live refreshes queued for the slots."""
    at = run({"preset": "he"})
    held = [ui.limits._heavy.acquire() for _ in range(ui.MAX_HEAVY_JOBS)]
    try:
        button(at, "Play").click().run()
    finally:
        for _ in held:
            ui.limits._heavy.release()
    no_exception(at)
    assert int(metric(at, "Step").replace(",", "")) == at.session_state["trainer"].step > 0
    assert "busy" not in live_panel(at)["foot"]
