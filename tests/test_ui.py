"""ui.py: URL clamping (unit tests and a Hypothesis fuzz), explanations, and the heavy-job limiter."""
import math
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ui
from settings import params
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


def _unreadable(name: str, text: str) -> tuple:
    """What any value that is not a number does to a number param: its default, and the notice saying so."""
    p = BY_NAME[name]
    return p.default, f"{name}={text} is not a finite number; using the default {ui.fmt(p.default)}."


ONES_64, NINES_65 = "1" * ui.MAX_RAW_CHARS, "9" * (ui.MAX_RAW_CHARS + 1)
PARSED = [  # (param, URL text) -> (value, notice): ASCII decimal or exponent notation only, whitespace around
    # int: width 1..32, default 8
    ("width", "5", 5, ""), ("width", "+3", 3, ""), ("width", " 7 ", 7, ""), ("width", "\t7\n", 7, ""),
    ("width", "5.", 5, ""), ("width", "1e1", 10, ""), ("width", "2.5e1", 25, ""),
    ("width", "3.7", 3, "width=3.7 is not a whole number; using 3."),
    ("width", "-5", 1, "width=-5 is below the minimum 1; using 1."),
    ("width", "-0", 1, "width=-0 is below the minimum 1; using 1."),
    ("width", ".5", 1, "width=.5 is below the minimum 1; using 1."),
    ("width", "1e3", 32, "width=1e3 is above the maximum 32; using 32."),
    ("width", ONES_64, 32, "width=111111111111111111111... is above the maximum 32; using 32."),
    ("width", NINES_65, *_unreadable("width", "999999999999999999999...")),  # longer than MAX_RAW_CHARS: unread
    ("width", "1_000_000_000", *_unreadable("width", "1_000_000_000")),
    ("width", "٣٣٣٣", *_unreadable("width", "٣٣٣٣")),  # Arabic-Indic digits, which float() would read as 3333
    ("width", "１２", *_unreadable("width", "１２")),  # fullwidth digits, which float() would read as 12
    ("width", "0x10", *_unreadable("width", "0x10")), ("width", "1,5", *_unreadable("width", "1,5")),
    ("width", "", *_unreadable("width", "")), ("width", ".", *_unreadable("width", ".")),
    ("width", "e5", *_unreadable("width", "e5")), ("width", "1e", *_unreadable("width", "1e")),
    ("width", "+-3", *_unreadable("width", "+-3")), ("width", "inf", *_unreadable("width", "inf")),
    ("width", "nan", *_unreadable("width", "nan")), ("width", "1e999", *_unreadable("width", "1e999")),
    # int: seed 0..2**32-1, default 0 (a number box, so a wide range)
    ("seed", "4294967295", 2**32 - 1, ""), ("seed", "1e9", 10**9, ""), ("seed", "-0", 0, ""),
    ("seed", "4294967296", 2**32 - 1, "seed=4294967296 is above the maximum 4294967295; using 4294967295."),
    ("seed", "1E-2", 0, "seed=1E-2 is not a whole number; using 0."),
    ("seed", "1_000_000_000", *_unreadable("seed", "1_000_000_000")),
    ("seed", "٣٣٣٣", *_unreadable("seed", "٣٣٣٣")), ("seed", "-1e999", *_unreadable("seed", "-1e999")),
    # float: noise 0..0.5, default 0.1
    ("noise", "0.25", 0.25, ""), ("noise", ".5", 0.5, ""), ("noise", "1E-2", 0.01, ""), ("noise", "-0", 0.0, ""),
    ("noise", "+.25e0", 0.25, ""),
    ("noise", "-1e300", 0.0, "noise=-1e300 is below the minimum 0; using 0."),
    ("noise", "5.", 0.5, "noise=5. is above the maximum 0.5; using 0.5."),
    ("noise", "abc", *_unreadable("noise", "abc")), ("noise", "NaN", *_unreadable("noise", "NaN")),
    ("noise", "-inf", *_unreadable("noise", "-inf")), ("noise", "Infinity", *_unreadable("noise", "Infinity")),
    ("noise", "   ", *_unreadable("noise", "   ")), ("noise", "🙂", *_unreadable("noise", "🙂")),
    ("noise", "0,25", *_unreadable("noise", "0,25")), ("noise", "0.2_5", *_unreadable("noise", "0.2_5")),
    ("noise", "٠.٢", *_unreadable("noise", "٠.٢")),
    # log: lr on the 1-2-5 steps of 1e-4..10, default 0.5
    ("lr", "1e-3", 0.001, ""), ("lr", "0.001", 0.001, ""), ("lr", "5.", 5.0, ""),
    ("lr", "0.3", 0.2, "lr=0.3 is not one of the offered steps; using the nearest, 0.2."),
    ("lr", "+3", 2.0, "lr=+3 is not one of the offered steps; using the nearest, 2."),
    ("lr", "0", 1e-4, "lr=0 is below the minimum 0.0001; using 0.0001."),
    ("lr", "1e999", *_unreadable("lr", "1e999")), ("lr", "1_0", *_unreadable("lr", "1_0")),
    ("lr", "１", *_unreadable("lr", "１")),
    # bool: bias, default true
    ("bias", "false", False, ""), ("bias", "true", True, ""),
    ("bias", "0", False, "bias=0 read as false."), ("bias", " On ", True, "bias= On  read as true."),
    ("bias", "１", True, "bias=１ is not true or false; using the default true."),
    ("bias", "1e3", True, "bias=1e3 is not true or false; using the default true."),
    ("bias", "nan", True, "bias=nan is not true or false; using the default true."),
    # choice: activation, default tanh; preset, whose labels are not its values
    ("activation", "relu", "relu", ""),
    ("activation", "TANH", "tanh", "activation=TANH is written differently from 'tanh'; using tanh."),
    ("activation", " relu ", "relu", "activation= relu  is written differently from 'relu'; using relu."),
    ("activation", "1e3", "tanh", "activation=1e3 is not one of identity, relu, tanh; using the default tanh."),
    ("activation", "inf", "tanh", "activation=inf is not one of identity, relu, tanh; using the default tanh."),
    ("preset", "Preset B", "a", "preset=Preset B is not one of a, b; using the default a."),
]


@pytest.mark.parametrize("name, text, value, notice", PARSED)
def test_each_url_text_gives_exactly_this_value_and_notice(name, text, value, notice):
    got, notices = clamp_params(SPECS, {name: text})
    assert (type(got[name]), got[name]) == (type(value), value)
    if isinstance(value, float) and value == 0:
        assert math.copysign(1.0, got[name]) == 1.0  # "-0" reads as +0, so the share link never writes "-0"
    assert notices == ([notice] if notice else [])
    assert {k: v for k, v in got.items() if k != name} == {p.name: p.default for p in SPECS if p.name != name}


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


def test_chart_heights_come_from_raw_specs_and_figures_alike():
    import numpy as np

    from symbreak_core import figures as F

    weights = [np.ones((2, 3)), np.ones((3, 1))]
    assert ui.charts._height(F.weight_heatmaps(weights, height=430, raw=True)) == 430
    assert ui.charts._height(F.weight_heatmaps(weights, height=431)) == 431  # a go.Figure
    assert ui.charts._height({"data": [], "layout": {}}) == 400  # none asked for: the default


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
            assert all(p.label in note for p in changed[:params.MAX_NAMED_CHANGES])
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
    """Every caption on the page: the preset's notes sit under the quick-controls row in the main area."""
    return "\n".join(c.value for c in at.caption)


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


# ---- classroom screens: presenter mode, quick controls, controls that do not apply, chart type sizes ----

@pytest.mark.parametrize("raw, on, notice", [
    ([], False, ""), (["1"], True, ""), (["0"], False, ""), (["true"], True, ""), (["0", "1"], True, ""),
    (["maybe"], False, "present=maybe is not 1 or 0; presenter mode is off."),
])
def test_presenter_mode_from_the_link(raw, on, notice):
    assert ui.present_from_link(raw) == (on, notice)


def test_the_link_names_presenter_mode_only_while_it_is_on_and_clamping_leaves_it_to_page_setup():
    assert ui.share_url({"width": 4}, "a", present=True) == "?preset=a&width=4&present=1"
    assert "present" not in ui.share_url({"width": 4}, "a")
    assert clamp_params(SPECS, {"present": "1"}) == ({p.name: p.default for p in SPECS}, [])


def test_a_control_that_needs_another_says_why_and_applies_only_under_the_named_values():
    with pytest.raises(ValueError):
        Param("spread", 1.0, "float", 0.0, 10.0, needs=("init", ("normal",)))  # no reason given
    p = Param("spread", 1.0, "float", 0.0, 10.0, needs=("init", ("normal", "uniform")), why="Only random.")
    assert p.applies({"init": "uniform"}) and not p.applies({"init": "constant"})
    assert Param("width", 8, "int", 1, 32).applies({})


def test_a_control_can_need_any_of_several_others():
    """Side by side's Constant value applies when any of its runs starts constant."""
    runs = tuple((k, ("constant",)) for k in ("init_a", "init_b", "init_c"))
    p = Param("init_value", 0.5, "float", -2.0, 2.0, needs=runs, why="Used only by a constant run.")
    assert p.applies({"init_a": "he_normal", "init_b": "off", "init_c": "constant"})
    assert not p.applies({"init_a": "he_normal", "init_b": "zeros", "init_c": "off"})
    with pytest.raises(ValueError):
        Param("init_value", 0.5, "float", -2.0, 2.0, needs=(("init_a",),), why="Malformed.")


def _fonts(obj, path=""):
    """(path, size) of every font size in a figure dict, and of the layout's base font."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict) and (k == "font" or k.endswith("font")) and "size" in v:
                out.append((f"{path}.{k}", v["size"]))
            if isinstance(v, (dict, list, tuple)):
                out += _fonts(v, f"{path}.{k}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            out += _fonts(v, f"{path}[{i}]")
    return out


def _real_figures():
    """Figures the pages draw, built from real engine results: raw grid specs and lesson go.Figures."""
    import numpy as np

    from symbreak_core import TrainConfig, Trainer, model
    from symbreak_core import figures as F

    t = Trainer(TrainConfig(dataset="xor", n_samples=40, hidden=(5, 5), init="normal", steps=20, record_every=5))
    t.run(20)
    r, sym = t.result(), t.symmetry()
    field = model.field(t.weights, t.biases, "tanh", t.config.loss, model.grid_extent(r.data.X), res=8)
    steps = r.snapshot_steps
    return [
        F.weight_heatmaps(t.weights, vmax=1.0, height=430, raw=True, biases=t.biases),
        F.unit_outputs(field, distinct=sym["distinct"], raw=True),
        F.symmetry_meter(steps, [s.distinct for s in r.snapshots], [s.gap for s in r.snapshots], (5, 5), raw=True),
        F.loss_curves(steps, [s.train_loss for s in r.snapshots], [s.test_loss for s in r.snapshots],
                      per_step=r.batch_losses, raw=True),
        F.toy_table(np.full((3, 10), 0.5), 2, [f"w{i}" for i in range(1, 11)]).to_plotly_json(),
    ]


@pytest.mark.parametrize("floor", [ui.CHART_FONT_PX, ui.PRESENT_FONT_PX])
def test_every_chart_font_is_raised_to_the_floor_and_the_figure_is_left_as_it_was(floor):
    import json

    from symbreak_core.figures import spec_json

    figures = _real_figures()
    # the figures' own text is at least 14 px, so presenter mode is what has something to raise
    assert any(s < ui.PRESENT_FONT_PX for fig in figures for _, s in _fonts(fig)), "no small text to raise"
    for fig in figures:
        before = spec_json(fig)
        out = ui.floor_fonts(fig, floor)
        assert spec_json(fig) == before, "the caller's figure changed"
        sizes = _fonts(out)
        assert all(s >= floor for _, s in sizes), [x for x in sizes if x[1] < floor]
        assert out["layout"]["font"]["size"] >= floor  # what every font without its own size inherits
        kept = dict(_fonts(fig))
        assert all(s == kept[p] for p, s in sizes if p in kept and kept[p] >= floor), "sizes above the floor kept"
        assert all(a is b for a, b in zip(out["data"], fig["data"]) if not _fonts(a)), "traces without fonts shared"
        json.loads(spec_json(out))  # still a drawable figure


@settings(max_examples=40, deadline=None)
@given(floor=st.integers(8, 30), sizes=st.lists(st.integers(1, 40) | st.none(), min_size=1, max_size=6))
def test_fonts_never_end_below_the_floor_and_larger_ones_stay(floor, sizes):
    keys = ("font", "tickfont", "textfont", "titlefont", "insidetextfont", "font")
    fig = {"data": [{"type": "bar", keys[i % 6]: ({} if s is None else {"size": s})} for i, s in enumerate(sizes)],
           "layout": {"annotations": [{"text": "a", "font": {"size": s}} for s in sizes if s is not None]}}
    out = ui.floor_fonts(fig, floor)
    got = _fonts(out)
    assert all(s >= floor for _, s in got)
    assert all(dict(got)[p] == s for p, s in _fonts(fig) if s >= floor)
    assert out["layout"]["font"]["size"] == max(floor, ui.PLOTLY_FONT_PX)


_CLASSROOM_PAGE = '''
import streamlit as st
import ui
from settings import params

on = ui.page_setup("test page", "T")
WHY = "Used only when the initial weights are constant."
SPECS = [
    ui.Param("init", "constant", "choice", choices=("constant", "normal"), label="Initial weights", main=True),
    ui.Param("width", 8, "int", 1, 32, label="Units", main=True),
    ui.Param("init_value", 0.5, "float", -2.0, 2.0, step=0.05, label="Constant value", needs=("init", ("constant",)),
             why=WHY),
    ui.Param("spread", 1.0, "float", 0.0, 10.0, step=0.05, label="Spread", help="Standard deviation.",
             needs=("init", ("normal",)), why="Used only when the initial weights are random."),
    ui.Param("bias", True, "bool", label="Biases", needs=("init", ("constant",)), why=WHY),
    ui.Param("lr", 0.5, "log", 1e-4, 10.0, label="Learning rate", needs=("init", ("constant",)), why=WHY),
    ui.Param("act", "tanh", "choice", choices=("tanh", "relu"), label="Activation", needs=("init", ("constant",)),
             why=WHY),
    ui.Param("seed", 0, "int", 0, 2**32 - 1, label="Seed", needs=("init", ("constant",)), why=WHY),
]
PRESETS = [ui.Preset("half", "All 0.5", {"init_value": 0.5}, "Every weight starts at 0.5.")]
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
    assert at.main.toggle(key=ui.PRESENT).value and at.query_params[ui.PRESENT] == "1"
    assert _share(at).endswith("&present=1")
    at.toggle(key=ui.PRESENT).set_value(False).run()
    assert "page_setup=False presenting=False" in at.text[0].value
    assert ui.PRESENT not in at.query_params and "present" not in _share(at)
    at.toggle(key=ui.PRESENT).set_value(True).run()
    assert "presenting=True" in at.text[0].value and at.query_params[ui.PRESENT] == "1"


def test_a_bad_presenter_value_in_the_link_is_named_and_presenter_mode_stays_off():
    at = _classroom({"present": "maybe"})
    assert "presenting=False" in at.text[0].value
    assert "present=maybe is not 1 or 0; presenter mode is off." in at.warning[0].value
    assert not at.toggle(key=ui.PRESENT).value and ui.PRESENT not in at.query_params


def test_main_controls_and_the_preset_sit_in_the_main_area_and_the_rest_in_the_sidebar():
    at = _classroom()
    main_keys = {w.key for kind in ("selectbox", "slider", "toggle") for w in getattr(at.main, kind)}
    side_keys = {w.key for kind in ("selectbox", "slider", "select_slider", "checkbox", "number_input")
                 for w in getattr(at.sidebar, kind)}
    assert {"preset", "init", "width", ui.PRESENT} <= main_keys
    assert not {"preset", "init", "width", ui.PRESENT} & side_keys
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
