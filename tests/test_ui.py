"""ui/: the Streamlit side of the pages: the heavy-job limiter and a busy server's message, and controls, presets and
presenter mode under AppTest. (The pure link reading they rest on is tested in test_params.py.)"""
import threading
import time

import pytest
from conftest import shown_metric

import ui
from settings.params import CUSTOM, PRESENT


def test_heavy_job_admits_at_most_max_heavy_jobs_at_once():
    running, peak, lock = [0], [0], threading.Lock()

    def job():
        with ui.heavy_job():
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=job) for _ in range(3 * ui.MAX_HEAVY_JOBS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == ui.MAX_HEAVY_JOBS


def test_heavy_job_raises_busy_when_no_slot_frees_in_time():
    held = [ui.limits._heavy.acquire() for _ in range(ui.MAX_HEAVY_JOBS)]
    try:
        with pytest.raises(ui.Busy):
            with ui.heavy_job(wait=0.05):
                pass
    finally:
        for _ in held:
            ui.limits._heavy.release()
    with ui.heavy_job(wait=0.05):  # slots are back
        pass


def _busy_page():
    import streamlit as st

    import ui

    bar = st.progress(0.5, text="Training…")
    with ui.stop_when_busy(bar):
        st.text("started")
        if st.session_state.get("busy"):
            raise ui.Busy("The server is busy.")
    st.text("finished")


def test_a_page_that_finds_the_server_busy_says_so_and_stops_there():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_busy_page).run()
    assert [t.value for t in at.text] == ["started", "finished"] and not at.error
    at.session_state["busy"] = True
    at.run()
    assert not at.exception and [e.value for e in at.error] == ["The server is busy."]
    assert [t.value for t in at.text] == ["started"]  # the script stopped at the error
    assert not at.get("progress")  # the progress bar is cleared


# ---- presets that stay true: the Playground and a lesson page under AppTest ----

def _app(page="app.py", query=None):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / page), default_timeout=60)
    at.query_params.update(query or {})
    return at.run()


def _share(at) -> str:
    return next(m.value for m in at.markdown if "](?" in m.value).split("](")[1].rstrip(")")


def _captions(at) -> str:
    """Every caption on the page: the preset's notes sit under the quick-controls row in the main area."""
    return "\n".join(c.value for c in at.caption)


def test_changing_a_control_after_a_preset_makes_the_setup_custom_and_a_preset_restores_it():
    at = _app()
    at.selectbox(key="preset").select("he").run()
    at.selectbox(key="preset").select("constant_05").run()
    assert "watch the meter stay at 1 / 8" in _captions(at) and "preset=constant_05" in _share(at)
    at.selectbox(key="init").select("he_normal").run()
    assert not at.exception
    assert at.selectbox(key="preset").value == CUSTOM
    assert "Custom setup" in at.selectbox(key="preset").options
    assert "stay at 1 / 8" not in _captions(at)
    assert "Initial weights differs from the preset “All weights 0.5: the classic question”" in _captions(at)
    next(b for b in at.button if b.label == "Step").click().run()
    assert shown_metric(at, "Layer 1 distinct") == "8 / 8"
    link = _share(at)
    assert "preset=" not in link and "init=he_normal" in link
    at.selectbox(key="preset").select("constant_05").run()  # choosing the preset again restores it
    assert at.selectbox(key="init").value == "constant" and "stay at 1 / 8" in _captions(at)
    assert "Custom setup" not in at.selectbox(key="preset").options and "preset=constant_05" in _share(at)


def test_a_preset_link_with_an_override_opens_as_a_custom_setup_and_its_link_reproduces_it():
    at = _app(query={"preset": "he", "lr": "10"})
    assert not at.exception and not at.warning
    config = at.session_state["trainer"].config
    assert (config.init, config.activation, config.lr) == ("he_normal", "relu", 10.0)
    assert at.selectbox(key="preset").value == CUSTOM
    assert "Custom setup: Learning rate differs from the preset “He”" in _captions(at)
    assert "He et al. scale" not in _captions(at)  # the preset's notes are gone
    assert "preset" not in at.query_params
    link = _share(at)
    assert "preset=" not in link and "lr=10" in link
    from urllib.parse import parse_qsl

    again = _app(query=dict(parse_qsl(link.lstrip("?"))))
    assert not again.exception and not again.warning
    assert again.session_state["trainer"].config == config
    assert again.selectbox(key="preset").value == CUSTOM and _share(again) == link
    assert "Learning rate differs from the preset “He”" in _captions(again)  # the closest preset


def test_a_lesson_page_goes_custom_too():
    at = _app("pages/3_Depth_and_scale.py", {"preset": "relu-he"})
    assert at.selectbox(key="preset").value == "relu-he" and "He et al.'s scale" in _captions(at)
    at.selectbox(key="init").select("xavier_normal").run()  # now equal to another preset: that one is shown
    assert not at.exception and at.selectbox(key="preset").value == "relu-xavier"
    assert "preset=relu-xavier" in _share(at) and "He et al.'s scale" not in _captions(at)
    at.select_slider(key="spread").set_value(2.0).run()
    assert not at.exception and at.selectbox(key="preset").value == CUSTOM
    assert "Xavier was derived" not in _captions(at)
    assert "differs from the preset “20 ReLU layers, Xavier”" in _captions(at)
    assert "preset=" not in _share(at) and "init=xavier_normal" in _share(at) and "spread=2" in _share(at)
    at.selectbox(key="preset").select("relu-he").run()
    assert at.selectbox(key="preset").value == "relu-he" and at.select_slider(key="spread").value == 1.0


def test_menus_show_plain_words_and_the_url_keeps_the_short_value():
    at = _app(query={"dataset": "moons"})
    assert "He (normal)" in at.selectbox(key="init").options
    assert "two moons" in at.selectbox(key="dataset").options
    at.selectbox(key="init").select("he_normal").run()
    assert at.query_params["init"] == "he_normal" and at.query_params["dataset"] == "moons"


_CLASSROOM_PAGE = '''
import streamlit as st
import ui
from settings.params import Param, Preset

on = ui.page_setup("test page", "T")
WHY = "Used only when the initial weights are constant."
SPECS = [
    Param("init", "constant", "choice", choices=("constant", "normal"), label="Initial weights", main=True),
    Param("width", 8, "int", 1, 32, label="Units", main=True),
    Param("init_value", 0.5, "float", -2.0, 2.0, step=0.05, label="Constant value", needs=("init", ("constant",)),
          why=WHY),
    Param("spread", 1.0, "float", 0.0, 10.0, step=0.05, label="Spread", help="Standard deviation.",
          needs=("init", ("normal",)), why="Used only when the initial weights are random."),
    Param("bias", True, "bool", label="Biases", needs=("init", ("constant",)), why=WHY),
    Param("lr", 0.5, "log", 1e-4, 10.0, label="Learning rate", needs=("init", ("constant",)), why=WHY),
    Param("act", "tanh", "choice", choices=("tanh", "relu"), label="Activation", needs=("init", ("constant",)),
          why=WHY),
    Param("seed", 0, "int", 0, 2**32 - 1, label="Seed", needs=("init", ("constant",)), why=WHY),
]
PRESETS = [Preset("half", "All 0.5", {"init_value": 0.5}, "Every weight starts at 0.5.")]
v = ui.controls(SPECS, PRESETS)
st.text(f"page_setup={on} presenting={ui.presenting()} values={v}")
ui.share_link(v)
'''


def _classroom(query=None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(_CLASSROOM_PAGE, default_timeout=30)
    at.query_params.update(query or {})
    return at.run()


def test_presenter_mode_comes_from_the_link_and_the_toggle_and_the_share_link_keeps_it():
    at = _classroom({"present": "1"})
    assert not at.exception and not at.warning
    assert "page_setup=True presenting=True" in at.text[0].value
    assert at.main.toggle(key=PRESENT).value and at.query_params[PRESENT] == "1"
    assert _share(at).endswith("&present=1")
    at.toggle(key=PRESENT).set_value(False).run()
    assert "page_setup=False presenting=False" in at.text[0].value
    assert PRESENT not in at.query_params and "present" not in _share(at)
    at.toggle(key=PRESENT).set_value(True).run()
    assert "presenting=True" in at.text[0].value and at.query_params[PRESENT] == "1"


def test_a_bad_presenter_value_in_the_link_is_named_and_presenter_mode_stays_off():
    at = _classroom({"present": "maybe"})
    assert "presenting=False" in at.text[0].value
    assert "present=maybe is not 1 or 0; presenter mode is off." in at.warning[0].value
    assert not at.toggle(key=PRESENT).value and PRESENT not in at.query_params


def test_main_controls_and_the_preset_sit_in_the_main_area_and_the_rest_in_the_sidebar():
    at = _classroom()
    main_keys = {w.key for kind in ("selectbox", "slider", "toggle") for w in getattr(at.main, kind)}
    side_keys = {w.key for kind in ("selectbox", "slider", "select_slider", "checkbox", "number_input")
                 for w in getattr(at.sidebar, kind)}
    assert {"preset", "init", "width", PRESENT} <= main_keys
    assert not {"preset", "init", "width", PRESENT} & side_keys
    assert {"init_value", "spread", "bias", "lr", "act", "seed"} <= side_keys
    assert "Every weight starts at 0.5." in _captions(at)


def test_a_control_that_does_not_apply_is_disabled_with_its_reason_and_keeps_its_value_and_link():
    at = _classroom({"init_value": "0.7", "lr": "0.01", "seed": "7", "act": "relu", "bias": "false"})
    kinds = {"init_value": "slider", "bias": "checkbox", "lr": "select_slider", "act": "selectbox",
             "seed": "number_input"}
    assert not any(getattr(at, k)(key=n).disabled for n, k in kinds.items())
    spread = at.slider(key="spread")
    assert spread.disabled and spread.help == "Used only when the initial weights are random. Standard deviation."
    at.selectbox(key="init").select("normal").run()
    assert not at.exception and not at.slider(key="spread").disabled
    for name, kind in kinds.items():
        w = getattr(at, kind)(key=name)
        assert w.disabled and w.help.startswith("Used only when the initial weights are constant."), name
    assert (at.slider(key="init_value").value, at.select_slider(key="lr").value) == (0.7, 0.01)
    assert {k: at.query_params[k] for k in ("init_value", "lr", "seed", "act", "bias")} == {
        "init_value": "0.7", "lr": "0.01", "seed": "7", "act": "relu", "bias": "false"}
    assert "init_value=0.7" in _share(at)


def test_what_the_server_loaded_with_ui_is_out_of_the_garbage_collectors_reach():
    """ui freezes what is loaded when a page first imports it, so full collections skip it (ui/__init__.py)."""
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run([sys.executable, "-c", "import gc; n = gc.get_freeze_count(); import ui; "
                          "print(n, gc.get_freeze_count())"], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    before, after = map(int, out.stdout.split())
    assert before == 0 and after > 50_000  # Streamlit, NumPy and pandas alone are well over 100,000 objects


def test_a_live_refresh_holds_a_slot_while_it_runs_and_a_page_drawn_whole_needs_none():
    free = lambda: ui.limits._heavy._value  # noqa: E731 -- the semaphore's free slots
    with ui.live_slot(whole_page=False) as may_train:
        assert may_train and free() == ui.MAX_HEAVY_JOBS - 1  # held from training to drawing
    assert free() == ui.MAX_HEAVY_JOBS
    held = [ui.limits._heavy.acquire() for _ in range(ui.MAX_HEAVY_JOBS)]
    try:
        start = time.monotonic()
        with ui.live_slot(whole_page=False, wait=0.05) as may_train:
            assert not may_train  # no slot in time: the refresh draws without training
        assert time.monotonic() - start < 1
        with ui.live_slot(whole_page=True) as may_train:
            assert may_train  # a click's or a slider's page goes first
    finally:
        for _ in held:
            ui.limits._heavy.release()
    assert free() == ui.MAX_HEAVY_JOBS


def test_a_panels_words_travel_escaped_with_only_their_bold_as_markup():
    from ui.charts import Panel, inline_html

    assert inline_html("**What's happening:** a < b & <script>x</script>") == (
        "<strong>What's happening:</strong> a &lt; b &amp; &lt;script&gt;x&lt;/script&gt;")
    wire = Panel((("Step", "1,200", None), ("Train loss", "0.1234", "At step 1200")), "**Note:** 1 / 8",
                 error=True, more="the rest", foot="Live view <slowed>").wire()
    assert wire == {"numbers": [["Step", "1,200", ""], ["Train loss", "0.1234", "At step 1200"]],
                    "note": "<strong>Note:</strong> 1 / 8", "error": True, "more": "the rest",
                    "foot": "Live view &lt;slowed&gt;", "side": False, "run": ""}


@pytest.mark.parametrize("preset", ["constant_05", "zeros", "he", "too_large", "constant_noise"])
def test_the_playgrounds_words_use_no_markdown_the_panel_would_show_raw(preset):
    """The panel renders **bold** and nothing else (ui.charts.inline_html), as Streamlit's st.info would render the
    same words: so the notes of real runs hold no other Markdown."""
    import re

    from narration import run as narrate
    from settings import playground
    from settings.params import preset_values
    from symbreak_core import Trainer

    values = preset_values(playground.SPECS, next(q for q in playground.PRESETS if q.id == preset))
    values.pop("speed")
    t = Trainer(playground.config(values))
    for steps in (0, 50, 400):
        t.run(steps)
        notes = narrate.whats_happening(narrate.facts(t.result(), t.weights, t.biases, t.symmetry()))
        text = re.sub(r"\*\*[^*]+\*\*", "", " ".join(notes))
        assert not re.search(r"[*_`$\[\]]", text), text
