"""The error surface's sentences (narration.surface): a table from real engine results, and properties.

The table: small real runs of symbreak_core.error_surface -> the exact sentences the page prints. The properties:
over random configurations no two contradictory verdicts appear together, and each claim holds for the numbers.
"""
import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narration import surface as say
from symbreak_core import DATASETS, SurfaceConfig, error_surface, forward, loss_and_grads
from symbreak_core.error_surface import DEFAULT, flatten, split
from symbreak_core.train import Trainer

CASES = {  # name -> (config, eps): the page's presets, each activation, a zero start, a flat centre, a short run
    "defaults": (DEFAULT, 1e-3),
    "relu": (replace(DEFAULT, activation="relu"), 1e-3),
    "sigmoid": (replace(DEFAULT, activation="sigmoid"), 1e-3),
    "xor": (replace(DEFAULT, dataset="xor"), 0.05),
    "tiny": (DEFAULT, 1e-5),
    "zero-start": (replace(DEFAULT, init_value=0.0), 1e-3),
    "flat": (replace(DEFAULT, dataset="moons", activation="relu", init_value=0.3, lr=5.0, steps=200), 1e-3),
    "relu-neg": (replace(DEFAULT, activation="relu", init_value=-0.5), 1e-3),
    "short": (replace(DEFAULT, steps=200), 1e-5),
}

STAYS_1500 = ("**The symmetric run never leaves the line.** Over its 1,500 steps its two hidden units"
              " stay exactly equal (t = 0 at every step). On the line the loss is the same for t and "
              "−t, so its slope across the line is exactly zero and no step can push the run "
              "sideways.")
STAYS_200 = ("**The symmetric run never leaves the line.** Over its 200 steps its two hidden units "
             "stay exactly equal (t = 0 at every step). On the line the loss is the same for t and "
             "−t, so its slope across the line is exactly zero and no step can push the run sideways.")

TABLE = {  # name -> (the findings, the box's kind, the box's text), exactly as printed
    "defaults": (
        [
            STAYS_1500,
            ("**The line is a ridge, not a valley.** Moving the units apart by 0.301 either way from "
             "the centre lowers the loss by 0.000651 (curvature **-0.0143**): across the line it "
             "curves downward. So where the symmetric run stops, a difference between the units is a "
             "step downhill: the balance on the line is unstable, like a ball on a ridge."),
            ("**The nudge grows.** The noisy run started 0.00237 from the line of equal units (noise ε"
             " = 0.001) and ended 6.96 from it: 2,938 times further out."),
            "**Final losses:** 0.3542 for the noisy run, 0.5662 for the symmetric run.",
        ],
        "success",
        ("This is why equal starting weights are a bad idea: the run that started with equal units "
         "kept them equal and stopped at loss 0.5662, while a nudge of ε = 0.001 let the other run "
         "reach 0.3542. It ends at one of two mirror-image networks, the × and the ◇ on the map, which"
         " differ only by which hidden unit is which and have the same loss."),
    ),
    "relu": (
        [
            STAYS_1500,
            ("**The line is flat here: neither ridge nor valley.** Moving the units apart by 0.000509 "
             "either way from the centre does not change the loss at all (within ±10⁻⁹): there is no "
             "ridge at the centre to roll off."),
            ("**The nudge grows.** The noisy run started 0.00237 from the line of equal units (noise ε"
             " = 0.001) and ended 0.0116 from it: 4.9 times further out."),
            ("**Dead units.** In both runs every hidden unit outputs exactly 0 on every training input"
             " at the end, although they gave non-zero outputs at the start. The output is then the "
             "same for every point, so it can do no better than the best constant guess (loss 0.6927)."
             " No gradient reaches the hidden layer (it is exactly 0), so more steps cannot revive "
             "them."),
            "**Final losses:** 0.6927 for the noisy run, 0.6927 for the symmetric run.",
        ],
        "warning",
        ("The noisy run's hidden units died, and a dead unit gets no gradient, so its hidden layer can"
         " no longer learn and the nudge cannot take it to a lower loss. Choose another constant start"
         " value or another activation."),
    ),
    "sigmoid": (
        [
            STAYS_1500,
            ("**The line is a ridge, not a valley.** Moving the units apart by 0.179 either way from "
             "the centre lowers the loss by 9.11 × 10⁻⁵ (curvature **-0.00571**): across the line it "
             "curves downward. So where the symmetric run stops, a difference between the units is a "
             "step downhill: the balance on the line is unstable, like a ball on a ridge."),
            ("**The nudge grows.** The noisy run started 0.00237 from the line of equal units (noise ε"
             " = 0.001) and ended 4.12 from it: 1,741 times further out."),
            "**Final losses:** 0.5824 for the noisy run, 0.5867 for the symmetric run.",
        ],
        "success",
        ("This is why equal starting weights are a bad idea: the run that started with equal units "
         "kept them equal and stopped at loss 0.5867, while a nudge of ε = 0.001 let the other run "
         "reach 0.5824. It ends at one of two mirror-image networks, the × and the ◇ on the map, which"
         " differ only by which hidden unit is which and have the same loss."),
    ),
    "xor": (
        [
            STAYS_1500,
            ("**The line is a ridge, not a valley.** Moving the units apart by 0.267 either way from "
             "the centre lowers the loss by 1.06 × 10⁻⁵ (curvature **-0.000298**): across the line it "
             "curves downward. So where the symmetric run stops, a difference between the units is a "
             "step downhill: the balance on the line is unstable, like a ball on a ridge."),
            ("**The nudge grows.** The noisy run started 0.118 from the line of equal units (noise ε ="
             " 0.05) and ended 6.16 from it: 52 times further out."),
            "**Final losses:** 0.3760 for the noisy run, 0.5731 for the symmetric run.",
        ],
        "success",
        ("This is why equal starting weights are a bad idea: the run that started with equal units "
         "kept them equal and stopped at loss 0.5731, while a nudge of ε = 0.05 let the other run "
         "reach 0.3760. It ends at one of two mirror-image networks, the × and the ◇ on the map, which"
         " differ only by which hidden unit is which and have the same loss."),
    ),
    "tiny": (
        [
            STAYS_1500,
            ("**The line is a ridge, not a valley.** Moving the units apart by 0.298 either way from "
             "the centre lowers the loss by 0.000637 (curvature **-0.0143**): across the line it "
             "curves downward. So where the symmetric run stops, a difference between the units is a "
             "step downhill: the balance on the line is unstable, like a ball on a ridge."),
            ("**The nudge grows.** The noisy run started 2.37 × 10⁻⁵ from the line of equal units (noise "
             "ε = 10⁻⁵) and ended 6.88 from it: 290,427 times further out."),
            "**Final losses:** 0.3575 for the noisy run, 0.5662 for the symmetric run.",
        ],
        "success",
        ("This is why equal starting weights are a bad idea: the run that started with equal units "
         "kept them equal and stopped at loss 0.5662, while a nudge of ε = 10⁻⁵ let the other run "
         "reach 0.3575. It ends at one of two mirror-image networks, the × and the ◇ on the map, which"
         " differ only by which hidden unit is which and have the same loss."),
    ),
    "zero-start": (
        [
            STAYS_1500,
            ("**The line is a ridge, not a valley.** Moving the units apart by 0.262 either way from "
             "the centre lowers the loss by 0.000803 (curvature **-0.0234**): across the line it "
             "curves downward. So where the symmetric run stops, a difference between the units is a "
             "step downhill: the balance on the line is unstable, like a ball on a ridge."),
            ("**The nudge grows.** The noisy run started 0.00237 from the line of equal units (noise ε"
             " = 0.001) and ended 6.05 from it: 2,554 times further out."),
            ("**Dead units.** In the symmetric run every hidden unit outputs exactly 0 on every "
             "training input at the end, from the very first step. The output is then the same for "
             "every point, so it can do no better than the best constant guess (loss 0.6927). No "
             "gradient reaches the hidden layer (it is exactly 0), so more steps cannot revive them. "
             "The noisy run's hidden units are alive at the end."),
            "**Final losses:** 0.4057 for the noisy run, 0.6927 for the symmetric run.",
        ],
        "success",
        ("This is why equal starting weights are a bad idea: the run that started with equal units "
         "kept them equal and stopped at loss 0.6927, while a nudge of ε = 0.001 let the other run "
         "reach 0.4057. It ends at one of two mirror-image networks, the × and the ◇ on the map, which"
         " differ only by which hidden unit is which and have the same loss."),
    ),
    "flat": (
        [
            STAYS_200,
            # a change of the loss at round-off level: its digits depend on the BLAS kernel's order of sums
            re.compile(r"\*\*The line is flat here: neither ridge nor valley\.\*\* Moving the units apart by "
                       r"0\.00145 either way from the centre changes the loss by only [0-9.]+ × 10⁻¹[⁴⁵] \(within "
                       r"±10⁻⁹\): there is no ridge at the centre to roll off\."),
            ("**The nudge grows.** The noisy run started 0.00237 from the line of equal units (noise ε"
             " = 0.001) and ended 0.0274 from it: 12 times further out."),
            "**Final losses:** 0.3384 for the noisy run, 0.3371 for the symmetric run.",
        ],
        "info",
        ("The noisy run has not reached a lower loss (0.3384 against 0.3371). With this data or this ε"
         " it needs more steps, a larger learning rate or a bigger ε."),
    ),
    "relu-neg": (
        [
            STAYS_1500,
            ("**The line is a valley here, not a ridge.** Moving the units apart by 0.249 either way "
             "from the centre raises the loss by 0.00157 (curvature **0.0508**): across the line it "
             "curves upward, so on this map a difference between the units only costs loss near the "
             "centre."),
            ("**The nudge grows.** The noisy run started 0.00237 from the line of equal units (noise ε"
             " = 0.001) and ended 5.74 from it: 2,422 times further out."),
            "**Final losses:** 0.4016 for the noisy run, 0.5687 for the symmetric run.",
        ],
        "success",
        ("This is why equal starting weights are a bad idea: the run that started with equal units "
         "kept them equal and stopped at loss 0.5687, while a nudge of ε = 0.001 let the other run "
         "reach 0.4016. It ends at one of two mirror-image networks, the × and the ◇ on the map, which"
         " differ only by which hidden unit is which and have the same loss."),
    ),
    "short": (
        [
            STAYS_200,
            ("**The line is a ridge, not a valley.** Moving the units apart by 0.000299 either way "
             "from the centre lowers the loss by 1.61 × 10⁻⁹ (curvature **-0.0359**): across the line it "
             "curves downward. So where the symmetric run stops, a difference between the units is a "
             "step downhill: the balance on the line is unstable, like a ball on a ridge."),
            ("**The nudge grows.** The noisy run started 2.37 × 10⁻⁵ from the line of equal units (noise "
             "ε = 10⁻⁵) and ended 0.0069 from it: 291 times further out."),
            "**Final losses:** 0.6814 for the noisy run, 0.6814 for the symmetric run.",
        ],
        "info",
        ("The noisy run has not reached a lower loss (0.6814 against 0.6814). With this data or this ε"
         " it needs more steps, a larger learning rate or a bigger ε."),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_sentences_from_real_runs(name):
    config, eps = CASES[name]
    r = error_surface(SurfaceConfig(config, eps=eps))
    findings, kind, text = TABLE[name]
    said = say.findings(r, eps)
    assert len(said) == len(findings)
    for sentence, want in zip(said, findings):  # a pattern stands for a sentence with a round-off number in it
        assert want.fullmatch(sentence) if isinstance(want, re.Pattern) else sentence == want, sentence
    assert say.verdict(r, eps) == (kind, text)


def test_the_relu_page_says_dead_and_flat_not_ridge():
    """Issue 9, finding 4: at ?activation=relu the page called the line a ridge and never said the units died."""
    config, eps = CASES["relu"]
    # the page's resolution: the map's cut is exactly flat next to the centre
    r = error_surface(SurfaceConfig(config, eps=eps))
    text = " ".join(say.findings(r, eps))
    assert "ridge, not a valley" not in text and "flat here" in text and "**Dead units.**" in text
    assert say.outcome(r) == "dead"


def test_caption_names_the_level_and_says_when_runs_leave_the_map():
    r = error_surface(SurfaceConfig(res=5))
    assert f"({r.paths['constant'].loss[-1]:.4f})" in say.caption(r)
    assert "beyond the edge" not in say.caption(r)  # both runs' shadows lie inside the default map
    relu = error_surface(SurfaceConfig(CASES["relu"][0], eps=1e-3, res=5))  # the dead runs' start lies far out on s
    assert "beyond the edge" in say.caption(relu)


@pytest.mark.parametrize("dip,shape", [(-2 * say.DIP_TOL, "ridge"), (-say.DIP_TOL, "flat"), (0.0, "flat"),
                                       (say.DIP_TOL, "flat"), (2 * say.DIP_TOL, "valley")])
def test_line_shape_has_one_threshold(dip, shape):
    assert say.line_shape(dip) == shape


@pytest.mark.parametrize("ratio,verdict", [(0.5, "shrinks"), (1 - 2 * say.NUDGE_STEADY, "shrinks"), (1.0, "steady"),
                                           (1 + say.NUDGE_STEADY, "steady"), (1.1, "grows"), (3000.0, "grows")])
def test_nudge_has_one_threshold(ratio, verdict):
    assert say.nudge(ratio) == verdict


def _hidden_dead(trainer, c) -> bool:
    """Independently of the engine's record: every hidden output exactly 0 and no gradient into the hidden layer."""
    X, y = trainer.data.X, trainer.data.y
    a = forward(trainer.weights, trainer.biases, X, c.activation)[1][1]
    _, dW, db = loss_and_grads(trainer.weights, trainer.biases, X, y, c.activation, c.loss)
    return not a.any() and not dW[0].any() and not db[0].any()


CONFIGS = st.builds(
    lambda ds, act, v, lr, steps, seed: replace(DEFAULT, dataset=ds, activation=act, init_value=v, lr=lr,
                                                steps=steps, seed=seed, record_every=5),
    st.sampled_from([d for d in DATASETS if d != "toy"]), st.sampled_from(["tanh", "sigmoid", "relu"]),
    st.floats(-1.5, 1.5).map(lambda v: round(v, 1)), st.sampled_from([0.01, 0.1, 1.0, 5.0]),
    st.integers(20, 160), st.integers(0, 99),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=CONFIGS, eps=st.sampled_from([1e-5, 1e-3, 0.05]))
def test_verdicts_never_contradict_and_each_claim_holds(config, eps):
    r = error_surface(SurfaceConfig(config, eps=eps, res=5))
    lines = say.findings(r, eps)
    text = " ".join(lines)
    kind, box = say.verdict(r, eps)
    # ridge / valley / flat: exactly one, and it matches the map's own cut at s = 0 one grid step either side
    shapes = [h for h in ("a ridge, not a valley", "a valley here, not a ridge", "flat here") if h in text]
    assert len(shapes) == 1
    mid, j0 = len(r.t) // 2, list(r.s).index(0.0)
    centre, beside = r.loss[mid, j0], r.loss[[mid - 1, mid + 1], j0]
    assert r.t[mid] == 0.0
    if "ridge, not" in text:
        assert np.all(beside < centre)
    if "valley here" in text:
        assert np.all(beside > centre)
    # grows / shrinks: exactly one verdict, true for the units' real distance from the line at the start and end
    noisy = Trainer(replace(config, perturbation=eps))
    noisy.run(config.steps)
    first, last = (float(np.linalg.norm(split(flatten(x.weights, x.biases))[1]))
                   for x in (noisy.snapshots[0], noisy.snapshots[-1]))
    nudges = [v for v in ("The nudge grows", "The nudge shrinks", "neither grows nor shrinks") if v in text]
    assert len(nudges) == 1
    if "The nudge grows" in text:
        assert last > first
    if "The nudge shrinks" in text:
        assert last < first
    # dead: said only when the hidden outputs are all exactly 0 (and no gradient reaches them), and always then
    sym = Trainer(config)
    sym.run(config.steps)
    dead = {"symmetric run": _hidden_dead(sym, config), "noisy run": _hidden_dead(noisy, config)}
    assert ("**Dead units.**" in text) == any(dead.values())
    if "In both runs every hidden unit" in text:
        assert all(dead.values())
    for name in dead:
        if f"In the {name} every hidden unit" in text:
            assert dead[name]
    # the box: a lower loss only when it is lower; "has not reached a lower loss" only when it is not
    lower = noisy.snapshots[-1].train_loss < sym.snapshots[-1].train_loss
    assert kind in ("success", "info", "warning")
    if kind == "success":
        assert lower
    if "has not reached a lower loss" in box:
        assert not noisy.snapshots[-1].train_loss < sym.snapshots[-1].train_loss - say.LOSS_GAIN
    if kind == "warning":
        assert dead["noisy run"]
