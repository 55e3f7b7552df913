"""ui.py: URL clamping (unit tests and a Hypothesis fuzz), explanations, and the heavy-job limiter."""
import math
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ui
from ui import Param, clamp_params

SPECS = [
    Param("width", 8, "int", 1, 32),
    Param("noise", 0.1, "float", 0.0, 0.5, step=0.05),
    Param("lr", 0.5, "log", 1e-4, 10.0),
    Param("activation", "tanh", "choice", choices=("identity", "relu", "tanh")),
    Param("preset", "a", "choice", choices=(("a", "Preset A"), ("b", "Preset B"))),
    Param("bias", True, "bool"),
    Param("seed", 0, "int", 0, 2**32 - 1),
]
BY_NAME = {p.name: p for p in SPECS}


def test_missing_keys_give_defaults_and_no_notice():
    values, notices = clamp_params(SPECS, {})
    assert values == {p.name: p.default for p in SPECS}
    assert notices == []


def test_valid_values_pass_unchanged():
    raw = {"width": "4", "noise": "0.25", "lr": "0.001", "activation": "relu", "preset": "b", "bias": "false",
           "seed": "4294967295"}
    values, notices = clamp_params(SPECS, raw)
    assert values == {"width": 4, "noise": 0.25, "lr": 0.001, "activation": "relu", "preset": "b", "bias": False,
                      "seed": 2**32 - 1}
    assert notices == []


def test_above_maximum_is_clamped_with_the_documented_sentence():
    values, notices = clamp_params(SPECS, {"width": "999"})
    assert values["width"] == 32
    assert notices == ["width=999 is above the maximum 32; using 32."]


def test_below_minimum_is_clamped():
    values, notices = clamp_params(SPECS, {"width": "-5", "noise": "-1e300"})
    assert values["width"] == 1 and values["noise"] == 0.0
    assert any("below the minimum 1" in n for n in notices)


@pytest.mark.parametrize("bad", ["abc", "nan", "NaN", "inf", "-inf", "", "   ", "1e999", "0x10", "٣٣٣٣", "🙂"])
def test_unparseable_or_non_finite_falls_back_to_default(bad):
    values, notices = clamp_params(SPECS, {"noise": bad})
    assert values["noise"] == 0.1 or (0.0 <= values["noise"] <= 0.5 and math.isfinite(values["noise"]))
    if values["noise"] == 0.1:
        assert notices and notices[0].startswith("noise=")


def test_non_integer_width_is_truncated_like_streamlit():
    values, notices = clamp_params(SPECS, {"width": "3.7"})
    assert values["width"] == 3 and isinstance(values["width"], int)
    assert notices == ["width=3.7 is not a whole number; using 3."]


def test_log_values_snap_to_the_nearest_offered_step():
    values, notices = clamp_params(SPECS, {"lr": "0.3"})
    assert values["lr"] == 0.2
    assert "nearest" in notices[0]
    values, notices = clamp_params(SPECS, {"lr": "1e-3"})  # same number, other spelling: no notice
    assert values["lr"] == 0.001 and notices == []
    values, _ = clamp_params(SPECS, {"lr": "0"})
    assert values["lr"] == 1e-4


def test_choices_and_bools():
    values, notices = clamp_params(SPECS, {"activation": "TANH", "preset": "Preset B", "bias": "0"})
    assert values["activation"] == "tanh"
    assert values["preset"] == "a"  # labels are not ids
    assert values["bias"] is False
    assert len(notices) == 3


def test_repeated_keys_use_the_last_value_and_say_so():
    values, notices = clamp_params(SPECS, {"width": ["3", "5"], "seed": []})
    assert values["width"] == 5 and values["seed"] == 0
    assert any("2 times" in n for n in notices)


def test_unknown_keys_are_ignored_and_listed_but_streamlit_embed_is_silent():
    values, notices = clamp_params(SPECS, {"foo": "1", "embed": "true"})
    assert values == {p.name: p.default for p in SPECS}
    assert notices == ["Ignored the unknown setting 'foo'."]


def test_long_and_control_characters_are_shortened_in_notices():
    _, notices = clamp_params(SPECS, {"activation": "x" * 10_000 + "\n\x00"})
    assert len(notices[0]) < 200 and "\n" not in notices[0]


def test_log_steps_are_1_2_5():
    assert ui.log_steps(1e-4, 10.0)[:4] == (1e-4, 2e-4, 5e-4, 1e-3)
    assert ui.log_steps(1e-4, 10.0)[-1] == 10.0
    assert ui.log_steps(1, 200) == (1, 2, 5, 10, 20, 50, 100, 200)


def test_share_url_round_trips_through_clamp_params():
    from urllib.parse import parse_qs, urlsplit

    values = {"width": 4, "noise": 0.35, "lr": 0.002, "activation": "relu", "bias": False, "seed": 12345}
    link = ui.share_url(values, "b", base="http://host/")
    raw = {k: v for k, v in parse_qs(urlsplit(link).query).items()}
    back, notices = clamp_params(SPECS, raw)
    assert notices == [] and back["preset"] == "b"
    assert {k: back[k] for k in values} == values


def _valid(p: Param, v) -> bool:
    if p.kind == "int":
        return isinstance(v, int) and not isinstance(v, bool) and p.lo <= v <= p.hi
    if p.kind == "float":
        return isinstance(v, float) and math.isfinite(v) and p.lo <= v <= p.hi
    if p.kind == "log":
        return v in p.options
    if p.kind == "bool":
        return isinstance(v, bool)
    return v in p.options


values_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["nan", "inf", "-inf", "1e309", "-0", "3.7", "999999999999999999999", "true", "TANH", "b"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
)
raw_dicts = st.dictionaries(
    st.one_of(st.sampled_from([p.name for p in SPECS]), st.text(max_size=12)),
    st.one_of(values_text, st.lists(values_text, max_size=4)),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(raw_dicts)
def test_fuzz_never_raises_and_values_are_always_valid(raw):
    values, notices = clamp_params(SPECS, raw)
    assert set(values) == set(BY_NAME)
    for name, v in values.items():
        assert _valid(BY_NAME[name], v), (name, v)
    assert all(isinstance(n, str) and n for n in notices)


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
    held = [ui._heavy.acquire() for _ in range(ui.MAX_HEAVY_JOBS)]
    try:
        with pytest.raises(ui.Busy):
            with ui.heavy_job(wait=0.05):
                pass
    finally:
        for _ in held:
            ui._heavy.release()
    with ui.heavy_job(wait=0.05):  # slots are back
        pass


def test_unit_sizes_are_the_longest_unit_vectors():
    import numpy as np

    from symbreak_core import metrics

    W = [np.array([[3.0, 0.0], [4.0, 1.0]]), np.array([[1.0], [1.0]])]
    b = [np.array([0.0, 0.0]), np.array([0.0])]
    assert metrics.unit_sizes(W, b) == [5.0]
    assert metrics.unit_sizes(W, None) == [5.0]


def test_chart_heights_come_from_raw_specs_and_figures_alike():
    import numpy as np

    from symbreak_core import figures as F

    weights = [np.ones((2, 3)), np.ones((3, 1))]
    assert ui._height(F.weight_heatmaps(weights, height=430, raw=True)) == 430
    assert ui._height(F.weight_heatmaps(weights, height=431)) == 431  # a go.Figure
    assert ui._height({"data": [], "layout": {}}) == 400  # none asked for: the default


# ---- presets that stay true: pure helpers ----

PRESET_SPECS = [
    Param("width", 8, "int", 1, 32, label="Units per hidden layer"),
    Param("noise", 0.1, "float", 0.0, 0.5, step=0.05, label="Noise"),
    Param("init", "constant", "choice", choices=("constant", "he_normal", "xavier_normal"), label="Initial weights"),
    Param("lr", 0.5, "log", 1e-4, 10.0, label="Learning rate"),
    Param("bias", True, "bool", label="Biases"),
]
PRESETS = [
    ui.Preset("half", "All weights 0.5", {}),
    ui.Preset("he", "He", {"init": "he_normal"}),
    ui.Preset("he_wide", "He, wide", {"init": "he_normal", "width": 32}),
]


def test_a_preset_is_shown_only_while_every_control_equals_it():
    he = ui.preset_values(PRESET_SPECS, PRESETS[1])
    assert ui.matching_preset(PRESET_SPECS, PRESETS, he) is PRESETS[1]
    assert ui.matching_preset(PRESET_SPECS, PRESETS, he | {"lr": 10.0}) is None
    assert ui.matching_preset(PRESET_SPECS, PRESETS, he | {"noise": 0.15000000000000002, "lr": 0.5}) is None
    assert ui.matching_preset(PRESET_SPECS, PRESETS, he | {"noise": 0.1 + 1e-12}) is PRESETS[1]  # the same in a link
    assert [p.name for p in ui.changed_controls(PRESET_SPECS, PRESETS[1], he | {"lr": 10.0, "bias": False})] == [
        "lr", "bias"]


def test_a_custom_setup_names_what_changed_from_which_preset():
    he = ui.preset_values(PRESET_SPECS, PRESETS[1])
    assert ui.custom_note(PRESET_SPECS, PRESETS[1], he | {"lr": 10.0}) == (
        "Custom setup: Learning rate differs from the preset “He”, so its notes no longer apply. "
        "Choose a preset above to start from it again.")
    many = he | {"width": 4, "noise": 0.3, "lr": 10.0, "bias": False}
    assert ui.custom_note(PRESET_SPECS, PRESETS[1], many).startswith(
        "Custom setup: Units per hidden layer, Noise, Learning rate and 1 other control differ from the preset “He”")
    assert ui.closest_preset(PRESET_SPECS, PRESETS, he | {"width": 30}) is PRESETS[1]
    assert ui.closest_preset(PRESET_SPECS, PRESETS, he | {"width": 32, "lr": 10.0}) is PRESETS[2]


preset_setups = st.fixed_dictionaries({
    "width": st.sampled_from([4, 8, 32]), "noise": st.sampled_from([0.1, 0.3]),
    "init": st.sampled_from(["constant", "he_normal", "xavier_normal"]), "lr": st.sampled_from([0.5, 10.0]),
    "bias": st.booleans()})


@settings(max_examples=60, deadline=None)
@given(values=preset_setups, prefer=st.sampled_from([None, *PRESETS]))
def test_preset_or_custom_is_one_decision_and_always_true(values, prefer):
    shown = ui.matching_preset(PRESET_SPECS, PRESETS, values, prefer=prefer)
    if shown is None:  # custom: every preset differs somewhere, and the note names exactly what differs
        for q in PRESETS:
            changed = ui.changed_controls(PRESET_SPECS, q, values)
            assert changed
            note = ui.custom_note(PRESET_SPECS, q, values)
            assert all(p.label in note for p in changed[:ui.MAX_NAMED_CHANGES])
            assert ("differs" in note) == (len(changed) == 1)
    else:  # a preset: no control differs from it, and the preferred one wins when it also matches
        assert not ui.changed_controls(PRESET_SPECS, shown, values)
        if prefer is not None and not ui.changed_controls(PRESET_SPECS, prefer, values):
            assert shown is prefer


def test_a_custom_share_url_names_no_preset():
    assert ui.share_url({"lr": 10.0}, ui.CUSTOM, base="http://h/") == "http://h/?lr=10"
    assert ui.share_url({"lr": 10.0}, None) == "?lr=10"
    assert ui.share_url({"lr": 0.5}, "he") == "?preset=he&lr=0.5"


def test_menus_show_words_but_keep_values():
    p = Param("init", "he_normal", "choice", choices=("he_normal", "mystery"))
    assert p.label_of("he_normal") == "He (normal)" and p.label_of("mystery") == "mystery"
    assert Param("view", "3d", "choice", choices=(("3d", "3-D surface"),)).label_of("3d") == "3-D surface"
    assert p.options == ("he_normal", "mystery")


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
    return "\n".join(c.value for c in at.sidebar.caption)


def test_changing_a_control_after_a_preset_makes_the_setup_custom_and_a_preset_restores_it():
    at = _app()
    at.selectbox(key="preset").select("he").run()
    at.selectbox(key="preset").select("constant_05").run()
    assert "watch the meter stay at 1 / 8" in _captions(at) and "preset=constant_05" in _share(at)
    at.selectbox(key="init").select("he_normal").run()
    assert not at.exception
    assert at.selectbox(key="preset").value == ui.CUSTOM
    assert "Custom setup" in at.selectbox(key="preset").options
    assert "stay at 1 / 8" not in _captions(at)
    assert "Initial weights differs from the preset “All weights 0.5: the classic question”" in _captions(at)
    next(b for b in at.button if b.label == "Step").click().run()
    assert next(m.value for m in at.metric if m.label == "Layer 1 distinct") == "8 / 8"
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
    assert at.selectbox(key="preset").value == ui.CUSTOM
    assert "Custom setup: Learning rate differs from the preset “He”" in _captions(at)
    assert "He et al. scale" not in _captions(at)  # the preset's notes are gone
    assert "preset" not in at.query_params
    link = _share(at)
    assert "preset=" not in link and "lr=10" in link
    from urllib.parse import parse_qsl

    again = _app(query=dict(parse_qsl(link.lstrip("?"))))
    assert not again.exception and not again.warning
    assert again.session_state["trainer"].config == config
    assert again.selectbox(key="preset").value == ui.CUSTOM and _share(again) == link
    assert "Learning rate differs from the preset “He”" in _captions(again)  # the closest preset


def test_a_lesson_page_goes_custom_too():
    at = _app("pages/3_Depth_and_scale.py", {"preset": "relu-he"})
    assert at.selectbox(key="preset").value == "relu-he" and "He et al.'s scale" in _captions(at)
    at.selectbox(key="init").select("xavier_normal").run()  # now equal to another preset: that one is shown
    assert not at.exception and at.selectbox(key="preset").value == "relu-xavier"
    assert "preset=relu-xavier" in _share(at) and "He et al.'s scale" not in _captions(at)
    at.select_slider(key="spread").set_value(2.0).run()
    assert not at.exception and at.selectbox(key="preset").value == ui.CUSTOM
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


def test_the_glossary_page_runs_and_every_page_links_to_it():
    from narration.glossary import GLOSSARY

    assert ("pages/6_Glossary.py", "Glossary", ":material/menu_book:") in ui.PAGES
    at = _app()
    links = [e.proto.page for e in at.sidebar.get("page_link")]
    assert "Glossary" in links and len(links) == len(ui.PAGES)
    at.switch_page("pages/6_Glossary.py").run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    for term, _ in GLOSSARY:
        assert f"**{term}.**" in text
    assert "| `he_normal` | He (normal) |" in text
    at.switch_page("app.py").run()  # and back: the Playground is as it was
    assert not at.exception and at.selectbox(key="preset").value == "constant_05"
