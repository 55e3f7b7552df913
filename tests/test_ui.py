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


def test_whats_happening_reacts_to_the_numbers():
    common = dict(activation="tanh", widths=(8, 8), step=40, status="running")
    sym = ui.whats_happening(**common, distinct=(1, 1), gaps=(0.0, 0.0), grad_norms=[0.1, 0.1, 0.1])
    assert "All 8 units of layers 1 and 2 are identical" in sym[0] and "effectively 1 unit wide" in sym[0]
    frozen = ui.whats_happening(**common, distinct=(1, 1), gaps=(0.0, 0.0), grad_norms=[0.0, 0.0, 0.0])
    assert frozen[0].startswith("Every gradient is exactly zero: nothing will ever change")
    hidden = ui.whats_happening(**common, distinct=(1, 1), gaps=(0.0, 0.0), grad_norms=[0.0, 0.0, 0.03])
    assert hidden[0].startswith("Every gradient reaching the hidden layers is exactly zero")
    div = ui.whats_happening(**dict(common, status="diverged"), diverged_at=132, distinct=(8, 8), gaps=(1, 1))
    assert div[0].startswith("Training diverged at step 132") and "learning rate" in div[0]
    sat = ui.whats_happening(**common, distinct=(8, 8), gaps=(3.0, 3.0), saturated=(0.6, 0.86))
    assert "73% of tanh units are saturated" in " ".join(sat)
    tiny = ui.whats_happening(**common, distinct=(8, 8), gaps=(1e-4, 2.0))
    assert "layer 1 differ by at most 1.0e-04" in " ".join(tiny)
    relative = ui.whats_happening(**common, distinct=(8, 8), gaps=(0.03, 0.5), sizes=(0.7, 1.4))
    assert "units of layer 1 differ by at most 3.0e-02, 4% of their size" in " ".join(relative)
    assert "layer 2" not in " ".join(relative)
    fine = ui.whats_happening(**common, distinct=(8, 8), gaps=(2.0, 2.0))
    assert "Every unit of every layer is different" in fine[0]


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
