"""narration.depth: one verdict per probe, read from real depth_probe results, and facts that never contradict it."""
import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narration import depth
from symbreak_core import DepthConfig, depth_probe, theory_rms

PRESETS = {  # the Depth page's presets (pages/3_Depth_and_scale.py CLASSIC) and the two links
    "tanh-small": dict(depth=10, activation="tanh", init="normal", spread=0.01),
    "tanh-large": dict(depth=10, activation="tanh", init="normal", spread=1.0),
    "tanh-xavier": dict(depth=10, activation="tanh", init="xavier_normal", spread=1.0),
    "relu-xavier": dict(depth=20, activation="relu", init="xavier_normal", spread=1.0),
    "relu-he": dict(depth=20, activation="relu", init="he_normal", spread=1.0),
    "sigmoid-large": dict(depth=10, activation="sigmoid", init="xavier_normal", spread=5.0),
    "sigmoid-large-20": dict(depth=20, activation="sigmoid", init="xavier_normal", spread=5.0),
    "relu-normal-0.05": dict(depth=20, activation="relu", init="normal", spread=0.05),
}


def probe(**kw):
    return depth_probe(DepthConfig(**{"width": 500, "n_samples": 1000, "seed": 0, **kw}))


@pytest.fixture(scope="module")
def presets():
    return {k: probe(**c) for k, c in PRESETS.items()}


@pytest.mark.parametrize("name,verdict,headline", [
    ("tanh-small", "vanishing", "**The signal and the gradient are vanishing.** After 10 layers the outputs are "
                                "3.3 × 10⁶ times smaller than the inputs"),
    ("tanh-large", "saturated", "**Too large a start saturates the units.** In layer 5, 92.5% of the outputs sit "
                                "within 0.03 of ±1"),
    ("tanh-xavier", "healthy", "**A healthy start.** Over all 10 layers"),
    ("relu-xavier", "vanishing", "**The signal and the gradient are vanishing.** After 20 layers the outputs are "
                                 "844 times smaller"),
    ("relu-he", "healthy", "**A healthy start.** Over all 20 layers"),
    ("sigmoid-large", "saturated", "**Too large a start saturates the units.** In layer 1, 49% of the outputs"),
    ("sigmoid-large-20", "saturated", "**Too large a start saturates the units.**"),
    ("relu-normal-0.05", "vanishing", "**The signal and the gradient are vanishing.** After 20 layers the outputs "
                                      "are 91 times smaller"),
])
def test_presets_get_one_verdict_with_its_numbers(presets, name, verdict, headline):
    p = presets[name]
    r = depth.reading(p, theory_rms(p))
    assert r.verdict == verdict
    assert r.headline.startswith(headline)
    assert ("healthy" in r.headline.lower()) == (verdict == "healthy")


def test_facts_state_both_end_to_end_ratios(presets):
    r = depth.reading(presets["tanh-large"])
    assert r.facts.startswith("The signal's RMS is **0.999** at the input and **0.982** after layer 10: it ends at "
                              "**0.98 times** its size. Coming down, the error signal has std **1** as it enters "
                              "the top layer and ∂L/∂z has std **1.2 × 10⁴** at layer 1: it ends **11,989 times "
                              "larger**.")
    assert "the gradient grows on its way down although the units are saturated" in r.facts
    r = depth.reading(presets["sigmoid-large-20"])
    assert "it ends **5,619 times smaller**" in r.facts and "grows" not in r.facts


def test_the_preset_captions_are_what_the_probe_measures(presets):
    """pages/3_Depth_and_scale.py ABOUT, claim by claim."""
    s = {k: (depth.signal_ratio(p), depth.gradient_ratio(p)) for k, p in presets.items()}
    small = presets["tanh-small"].act_rms
    assert all(0.2 < small[i + 1] / small[i] < 0.25 for i in range(9))  # "about 0.22 of its size"
    assert 1 / s["tanh-small"][0] > 1e6 and 1e5 < 1 / s["tanh-small"][1] < 1e6
    assert min(presets["tanh-large"].saturated) > 0.9
    assert all(1 / 5 < r < 1 for r in s["tanh-xavier"])
    xr = presets["relu-xavier"].act_rms
    assert all(abs(xr[i + 1] / xr[i] - 0.71) < 0.1 for i in range(19))
    assert all(800 < 1 / r < 1200 for r in s["relu-xavier"])
    assert all(1 / 2 < r < 2 for r in s["relu-he"])
    sig = presets["sigmoid-large"]
    assert 0.4 < max(sig.saturated) <= 0.5 and 150 < 1 / s["sigmoid-large"][1] < 250


@pytest.mark.parametrize("activation,init,link,outputs", [
    ("tanh", "zeros", "./?preset=zeros", "every output is exactly 0"),
    ("relu", "zeros", "./?preset=zeros&activation=relu", "every output is exactly 0"),
    ("sigmoid", "zeros", "./?preset=zeros_sigmoid", "Every unit of a layer is identical.**"),
    ("tanh", "constant", "./?preset=constant_05", "Every unit of a layer is identical.**"),
    ("relu", "constant", "./?preset=constant_05&activation=relu", "Every unit of a layer is identical.**"),
])
def test_symmetric_starts_say_the_units_are_copies_and_link_to_the_playground(activation, init, link, outputs):
    p = probe(depth=10, activation=activation, init=init, spread=0.01)
    r = depth.reading(p, theory_rms(p))
    assert r.verdict == "symmetric" and outputs in r.headline and f"[Playground]({link})" in r.headline
    assert "from 0 to 0" not in r.facts + r.headline and "times" not in r.facts
    assert "saturat" not in r.facts + r.headline
    assert r.facts.startswith(f"Every weight starts at {0 if init == 'zeros' else 0.5}.")


def test_constant_start_copies_differ_by_round_off_only():
    """At width 500 a constant start's copies agree to round-off: exactly, or (where OpenBLAS's kernel adds its
    edge columns in another order, as on some machines) to about 1e-14 of the layer's largest output. The reading
    says which, with the number."""
    p = probe(depth=10, activation="tanh", init="constant", spread=1.0)
    assert 0 <= max(p.unit_gap) < 1e-13
    assert "The gradient is exactly 0 in every layer." in depth.reading(p).facts  # tanh(±huge) has slope exactly 0
    gap = max(p.unit_gap)
    said = "is exactly 0." if gap == 0 else "of the layer's largest output, which is round-off in the sums"
    assert said in depth.reading(p).facts
    for gap, said in ((1.7e-14, "is 1.7 × 10⁻¹⁴ of the layer's largest output, which is round-off in the sums"),
                      (0.0, "The largest difference between two units' outputs, in any layer, is exactly 0.")):
        off = replace(p, unit_gap=np.where(np.arange(p.depth) == 3, gap, 0.0))
        assert depth.copies(off) and said in depth.reading(off).facts


def test_one_layer_is_no_test_of_depth():
    r = depth.reading(probe(depth=1, activation="tanh", init="normal", spread=0.01))
    assert r.verdict == "healthy" and "One layer is no test of depth" in r.headline


WORDS = {"healthy": "**A healthy start.**", "saturated": "saturates the units", "symmetric": "is identical",
         "vanishing": "vanishing.**", "exploding": "exploding.**"}


@settings(max_examples=25, deadline=None)
@given(depth_=st.integers(1, 8), width=st.integers(1, 12),
       activation=st.sampled_from(("identity", "relu", "leaky_relu", "tanh", "sigmoid")),
       init=st.sampled_from(("zeros", "constant", "normal", "uniform", "xavier_normal", "he_normal", "orthogonal")),
       spread=st.sampled_from((0.0, 0.001, 0.05, 0.3, 1.0, 2.0, 8.0, 60.0)), seed=st.integers(0, 50))
def test_exactly_one_verdict_and_it_is_true(depth_, width, activation, init, spread, seed):
    p = depth_probe(DepthConfig(width=width, depth=depth_, activation=activation, init=init, spread=spread,
                                n_samples=20, seed=seed))
    r = depth.reading(p, theory_rms(p))
    assert [v for v, w in WORDS.items() if w in r.headline] == [r.verdict]
    s, g = depth.signal_ratio(p), depth.gradient_ratio(p)
    inside = 1 / depth.BAND <= s <= depth.BAND and 1 / depth.BAND <= g <= depth.BAND
    assert (r.verdict == "symmetric") == (width >= 2 and max(p.unit_gap) <= depth.COPIES_TOL)
    if r.verdict == "symmetric":
        assert p.weight_value is not None  # only an equal start makes copies
        return
    assert (r.verdict == "saturated") == (max(p.saturated) >= depth.SATURATED_SHARE)
    if r.verdict != "saturated":
        assert (r.verdict == "healthy") == inside
    if r.verdict == "vanishing":
        assert min(s, g) < 1 / depth.BAND
    if r.verdict == "exploding":
        assert max(s, g) > depth.BAND
    signal, gradient = r.facts.split(" Coming down")[0], r.facts[r.facts.index("Coming down"):].split(". ")[0]
    for ratio, sentence in ((s, signal), (g, gradient)):  # each fact says the direction its ratio shows
        assert ("larger**" in sentence) == (ratio >= 2) and ("smaller**" in sentence) == (0 < ratio <= 0.5)
        assert ("exactly 0" in sentence) == (ratio == 0)
    assert not re.search(r"\b1 layers\b|\b1 units\b", r.facts + r.headline)


@pytest.mark.parametrize("r,expected", [
    (0.5, "0.5 times"), (9.96, "10 times"), (72.4, "72 times"), (99.4, "99 times"), (99.7, "100 times"),
    (3340.2, "3,340 times"), (999_999.4, "999,999 times"), (3.84e21, "3.8 × 10²¹ times"), (1.2e6, "1.2 × 10⁶ times"),
    (9.96e19, "1 × 10²⁰ times"), (9.94e19, "9.9 × 10¹⁹ times")])
def test_a_ratio_reads_as_a_number_never_as_ten_times_a_power(r, expected):
    assert depth._times(r) == expected
