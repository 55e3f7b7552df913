"""settings/: the pure rules for reading a link (settings.params) and each page's settings module, without Streamlit.

settings.params: the URL parser (an exact input -> (value, notice) table and a Hypothesis fuzz), share links,
presenter mode in a link, controls that need others, and the presets' bookkeeping. settings.<page>: every page
with controls has one, its presets are valid values of its controls, and every preset builds a valid engine config.
"""
import ast
import importlib
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_boundaries import frameworks_loaded_by

import settings as pages_settings
from settings import params
from settings.params import Param, Preset, clamp_params

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
    return p.default, f"{name}={text} is not a finite number; using the default {params.fmt(p.default)}."


ONES_64, NINES_65 = "1" * params.MAX_RAW_CHARS, "9" * (params.MAX_RAW_CHARS + 1)
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
    assert params.log_steps(1e-4, 10.0)[:4] == (1e-4, 2e-4, 5e-4, 1e-3)
    assert params.log_steps(1e-4, 10.0)[-1] == 10.0
    assert params.log_steps(1, 200) == (1, 2, 5, 10, 20, 50, 100, 200)


def test_share_url_round_trips_through_clamp_params():
    from urllib.parse import parse_qs, urlsplit

    values = {"width": 4, "noise": 0.35, "lr": 0.002, "activation": "relu", "bias": False, "seed": 12345}
    link = params.share_url(values, "b", base="http://host/")
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


# ---- presets that stay true: pure helpers ----

PRESET_SPECS = [
    Param("width", 8, "int", 1, 32, label="Units per hidden layer"),
    Param("noise", 0.1, "float", 0.0, 0.5, step=0.05, label="Noise"),
    Param("init", "constant", "choice", choices=("constant", "he_normal", "xavier_normal"), label="Initial weights"),
    Param("lr", 0.5, "log", 1e-4, 10.0, label="Learning rate"),
    Param("bias", True, "bool", label="Biases"),
]
PRESETS = [
    Preset("half", "All weights 0.5", {}),
    Preset("he", "He", {"init": "he_normal"}),
    Preset("he_wide", "He, wide", {"init": "he_normal", "width": 32}),
]


def test_a_preset_is_shown_only_while_every_control_equals_it():
    he = params.preset_values(PRESET_SPECS, PRESETS[1])
    assert params.matching_preset(PRESET_SPECS, PRESETS, he) is PRESETS[1]
    assert params.matching_preset(PRESET_SPECS, PRESETS, he | {"lr": 10.0}) is None
    assert params.matching_preset(PRESET_SPECS, PRESETS, he | {"noise": 0.15000000000000002, "lr": 0.5}) is None
    # the same in a link
    assert params.matching_preset(PRESET_SPECS, PRESETS, he | {"noise": 0.1 + 1e-12}) is PRESETS[1]
    assert [p.name for p in params.changed_controls(PRESET_SPECS, PRESETS[1], he | {"lr": 10.0, "bias": False})] == [
        "lr", "bias"]


def test_a_custom_setup_names_what_changed_from_which_preset():
    he = params.preset_values(PRESET_SPECS, PRESETS[1])
    assert params.custom_note(PRESET_SPECS, PRESETS[1], he | {"lr": 10.0}) == (
        "Custom setup: Learning rate differs from the preset “He”, so its notes no longer apply. "
        "Choose a preset above to start from it again.")
    many = he | {"width": 4, "noise": 0.3, "lr": 10.0, "bias": False}
    assert params.custom_note(PRESET_SPECS, PRESETS[1], many).startswith(
        "Custom setup: Units per hidden layer, Noise, Learning rate and 1 other control differ from the preset “He”")
    assert params.closest_preset(PRESET_SPECS, PRESETS, he | {"width": 30}) is PRESETS[1]
    assert params.closest_preset(PRESET_SPECS, PRESETS, he | {"width": 32, "lr": 10.0}) is PRESETS[2]


preset_setups = st.fixed_dictionaries({
    "width": st.sampled_from([4, 8, 32]), "noise": st.sampled_from([0.1, 0.3]),
    "init": st.sampled_from(["constant", "he_normal", "xavier_normal"]), "lr": st.sampled_from([0.5, 10.0]),
    "bias": st.booleans()})


@settings(max_examples=60, deadline=None)
@given(values=preset_setups, prefer=st.sampled_from([None, *PRESETS]))
def test_preset_or_custom_is_one_decision_and_always_true(values, prefer):
    shown = params.matching_preset(PRESET_SPECS, PRESETS, values, prefer=prefer)
    if shown is None:  # custom: every preset differs somewhere, and the note names exactly what differs
        for q in PRESETS:
            changed = params.changed_controls(PRESET_SPECS, q, values)
            assert changed
            note = params.custom_note(PRESET_SPECS, q, values)
            assert all(p.label in note for p in changed[:params.MAX_NAMED_CHANGES])
            assert ("differs" in note) == (len(changed) == 1)
    else:  # a preset: no control differs from it, and the preferred one wins when it also matches
        assert not params.changed_controls(PRESET_SPECS, shown, values)
        if prefer is not None and not params.changed_controls(PRESET_SPECS, prefer, values):
            assert shown is prefer


def test_a_custom_share_url_names_no_preset():
    assert params.share_url({"lr": 10.0}, params.CUSTOM, base="http://h/") == "http://h/?lr=10"
    assert params.share_url({"lr": 10.0}, None) == "?lr=10"
    assert params.share_url({"lr": 0.5}, "he") == "?preset=he&lr=0.5"


def test_menus_show_words_but_keep_values():
    p = Param("init", "he_normal", "choice", choices=("he_normal", "mystery"))
    assert p.label_of("he_normal") == "He (normal)" and p.label_of("mystery") == "mystery"
    assert Param("view", "3d", "choice", choices=(("3d", "3-D surface"),)).label_of("3d") == "3-D surface"
    assert p.options == ("he_normal", "mystery")


# ---- classroom screens: presenter mode in a link, controls that need others ----

@pytest.mark.parametrize("raw, on, notice", [
    ([], False, ""), (["1"], True, ""), (["0"], False, ""), (["true"], True, ""), (["0", "1"], True, ""),
    (["maybe"], False, "present=maybe is not 1 or 0; presenter mode is off."),
])
def test_presenter_mode_from_the_link(raw, on, notice):
    assert params.present_from_link(raw) == (on, notice)


def test_the_link_names_presenter_mode_only_while_it_is_on_and_clamping_leaves_it_to_page_setup():
    assert params.share_url({"width": 4}, "a", present=True) == "?preset=a&width=4&present=1"
    assert "present" not in params.share_url({"width": 4}, "a")
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


# ---- each page's settings module: importable without Streamlit, matching its page, building valid configs ----

ROOT = Path(__file__).resolve().parents[1]
PAGE_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
MODULES = {name: importlib.import_module(f"settings.{name}") for name in pages_settings.PAGES}


def test_importing_the_settings_loads_neither_streamlit_nor_plotly():
    modules = ", ".join(f"settings.{name}" for name in pages_settings.PAGES)
    loaded = frameworks_loaded_by(f"import settings.params, {modules}")
    assert loaded == "", f"importing the settings pulled in: {loaded}"


def _settings_imports(path: Path) -> dict:
    """{alias: module name} of a page's `from settings import <module> as <alias>` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {a.asname or a.name: a.name for node in tree.body if isinstance(node, ast.ImportFrom)
            and node.module == "settings" for a in node.names}


def test_every_page_with_controls_reads_its_specs_and_presets_from_its_own_settings_module():
    """Each module in settings.PAGES belongs to exactly one page, which calls ui.controls(S.SPECS, S.PRESETS)."""
    owners = {}
    for path in PAGE_FILES:
        source = path.read_text(encoding="utf-8")
        imported = _settings_imports(path)
        if "ui.controls(" not in source:  # a page that reads its own link (Start here) has its own settings module
            assert not set(imported.values()) & set(pages_settings.PAGES), f"{path.name} has no controls: {imported}"
            continue
        (alias, name), = imported.items()
        assert f"ui.controls({alias}.SPECS, {alias}.PRESETS" in source, path.name  # (and the moment, on the Playground)
        assert "Param(" not in source and "Preset(" not in source, f"{path.name} defines its own controls"
        owners.setdefault(name, []).append(path.name)
    assert {name: len(files) for name, files in owners.items()} == dict.fromkeys(pages_settings.PAGES, 1), owners


@pytest.mark.parametrize("name", pages_settings.PAGES)
def test_a_settings_module_has_specs_presets_and_valid_preset_values(name):
    S = MODULES[name]
    assert isinstance(S.SPECS, tuple) and all(isinstance(p, Param) for p in S.SPECS)
    assert isinstance(S.PRESETS, tuple) and all(isinstance(q, Preset) for q in S.PRESETS)
    names = [p.name for p in S.SPECS]
    assert len(set(names)) == len(names) and "preset" not in names
    assert len({q.id for q in S.PRESETS}) == len(S.PRESETS)
    for q in S.PRESETS:  # each preset sets only this page's controls, to values a link writes and reads back as is
        assert set(q.values) <= set(names), (q.id, set(q.values) - set(names))
        values = params.preset_values(S.SPECS, q)
        assert clamp_params(S.SPECS, {k: params.fmt(v) for k, v in values.items()}) == (values, []), q.id


def _extremes(p: Param) -> tuple:
    """The values of a control that reach furthest: both ends of a range, every option of a menu."""
    if p.kind == "bool":
        return (True, False)
    if p.kind in ("choice", "log"):
        return p.options if p.kind == "choice" else (p.options[0], p.options[-1])
    kind = int if p.kind == "int" else float
    return (kind(p.lo), kind(p.hi))


@pytest.mark.parametrize("name", pages_settings.PAGES)
def test_every_preset_and_every_control_at_its_ends_build_a_valid_engine_input(name):
    """The engine's configs check themselves when built: no value a page offers makes one it refuses."""
    S = MODULES[name]
    for q in (None, *S.PRESETS):
        _check_input(name, S.config(params.preset_values(S.SPECS, q)))
    defaults = params.preset_values(S.SPECS, None)
    for p in S.SPECS:
        for value in _extremes(p):
            _check_input(name, S.config(defaults | {p.name: value}))


def _check_input(name, made):
    from symbreak_core import DepthConfig, SurfaceConfig, TrainConfig, worked_example

    want = {"depth": DepthConfig, "error_surface": SurfaceConfig}.get(name, TrainConfig)
    if name == "worked_example":  # the engine's run takes keywords: they must be its own
        import inspect

        inspect.signature(worked_example.run).bind(**made)
        assert len(made["start"]) == len(worked_example.NAMES)
    else:
        assert isinstance(made, want), (name, made)


def test_the_three_training_pages_build_their_configs_as_before():
    """One widgets -> TrainConfig mapping (settings.training) gives each training page the run it always had."""
    from symbreak_core import TrainConfig

    pg, sbs, rs = MODULES["playground"], MODULES["side_by_side"], MODULES["restarts"]
    assert pg.config(params.preset_values(pg.SPECS, None) | {"width": 5, "depth": 3, "batch_size": 20}) == TrainConfig(
        dataset="xor", n_samples=200, noise=0.1, hidden=(5, 5, 5), activation="tanh", init="constant", init_value=0.5,
        spread=1.0, perturbation=0.0, bias=True, dropout=0.0, optimizer="sgd", lr=0.5, batch_size=20, steps=20_000,
        record_every=5, seed=0)
    assert rs.config(params.preset_values(rs.SPECS, None)) == TrainConfig(
        dataset="xor", noise=0.1, hidden=(3,), activation="tanh", init="xavier_normal", init_value=0.5, spread=1.0,
        perturbation=0.0, optimizer="sgd", lr=0.5, steps=1000, seed=0)
    assert rs.seeds(params.preset_values(rs.SPECS, None) | {"seed": 7, "n_seeds": 3}) == (7, 8, 9)
    four = params.preset_values(sbs.SPECS, next(q for q in sbs.PRESETS if q.id == "four-starts")) | {"spread": 2.0}
    common = dict(dataset="xor", noise=0.1, hidden=(8, 8), activation="tanh", init_value=0.5, optimizer="sgd", lr=0.1,
                  steps=1000, record_every=10, seed=0)
    assert sbs.runs(four) == {
        "zeros": TrainConfig(init="zeros", spread=1.0, **common),
        "constant 0.5": TrainConfig(init="constant", spread=1.0, **common),
        "Xavier (normal)": TrainConfig(init="xavier_normal", spread=1.0, **common),  # a named scheme keeps its gain
        "He (normal)": TrainConfig(init="he_normal", spread=1.0, **common)}
    twice = four | {"init_b": "zeros", "init_c": "normal", "init_d": "off", "init_value": 0.25}
    assert sbs.chosen(twice) == ["zeros", "zeros", "normal"]
    assert list(sbs.runs(twice)) == ["zeros", "normal (std 2)"]  # a scheme chosen twice is trained once
    assert sbs.runs(twice)["normal (std 2)"].spread == 2.0
    assert list(sbs.runs(twice | {"init_c": "uniform"})) == ["zeros", "uniform (± 2)"]


def test_the_worked_example_starts_every_weight_at_a_and_the_nudged_one_beside_it():
    from symbreak_core import worked_example

    S = MODULES["worked_example"]
    made = S.config(params.preset_values(S.SPECS, None) | {"init_value": 0.25, "nudge": 0.5})
    start = dict(zip(worked_example.NAMES, made["start"]))
    assert start.pop(S.NUDGED) == 0.75 and set(start.values()) == {0.25}
    assert {k: made[k] for k in ("a", "x1", "x2", "lr", "steps", "activation")} == dict(
        a=0.25, x1=1.0, x2=2.0, lr=0.01, steps=50, activation="identity")


def test_the_depth_classics_are_its_presets_at_the_controls_seed():
    S = MODULES["depth"]
    classics = S.classics(params.preset_values(S.SPECS, None) | {"seed": 3})
    assert list(classics) == [q.label for q in S.PRESETS]
    for q, c in zip(S.PRESETS, classics.values()):
        assert c == S.config(params.preset_values(S.SPECS, q) | {"seed": 3}) and c.n_samples == S.N_SAMPLES
