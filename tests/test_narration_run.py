"""narration/run.py: the words about a training run, on the Playground and Side by side.

A table of states from real engine runs (small configs, a few dozen steps) to the exact sentences, and
Hypothesis properties over random small configs: no two contradictory verdicts together, and every claim
true for the numbers it is about.
"""
import re

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_train import computed  # a run computed step by step, as before a run could stand still

from narration import run
from narration.words import layers
from symbreak_core import ACTIVATIONS, DATASETS, TrainConfig, Trainer, train

BASE = dict(dataset="xor", hidden=(8, 8), activation="tanh", init="constant", init_value=0.5, lr=0.5, steps=5000,
            record_every=5)
CASES = {  # name: (settings on top of BASE, steps taken)
    "constant 0.5": (dict(), 30),
    "zeros, tanh": (dict(init="zeros"), 30),
    "zeros, tanh, no biases": (dict(init="zeros", bias=False), 30),
    "zeros, tanh, settled": (dict(init="zeros"), 300),  # its output bias settles to the last digit at step 259
    "zeros, sigmoid, moons": (dict(init="zeros", activation="sigmoid", dataset="moons", hidden=(8,), lr=2.0), 300),
    "he, relu, lr 10": (dict(init="he_normal", activation="relu", lr=10.0), 30),
    "he, relu": (dict(init="he_normal", activation="relu"), 30),
    "xavier": (dict(init="xavier_normal"), 300),
    "xavier, early": (dict(init="xavier_normal"), 10),
    "width 1": (dict(init="xavier_normal", hidden=(1, 1)), 30),
    "diverging": (dict(init="he_normal", activation="relu", lr=10.0, spread=10.0), 30),
    "constant + dropout": (dict(dropout=0.2), 30),
    # 5 steps: saturated units make a chaotic run, whose digits after 30 steps depend on the BLAS kernel
    "too large": (dict(init="normal", spread=10.0, dataset="circles", hidden=(8, 8, 8, 8)), 5),
    "step 0": (dict(), 0),
    "step 3": (dict(init="xavier_normal"), 3),
    "finished": (dict(init="xavier_normal", steps=20), 20),
    # deep and wide: each layer's dead units and distinct counts in one sentence, the width said once
    "he, relu, 32x6": (dict(init="he_normal", activation="relu", hidden=(32,) * 6), 0),
    "he, relu, 8x3": (dict(init="he_normal", activation="relu", hidden=(8, 8, 8), seed=1), 30),
}
EXPECTED = {  # the sentences, exactly; regenerate only after reading every changed one
    'constant 0.5': [
        ('All 8 units of layers 1 and 2 behave as one: each of these layers works like a single unit. Their '
         'weights are exactly equal, so every step gives them exactly the same update and they stay copies.'),
        ('The network has not learned the data: 64% of the training points are classified right (loss 1.47 at '
         'step 0, 0.614 at step 30).'),
    ],
    'zeros, tanh': [
        ('In 30 steps only the output bias changed; all the weights and the hidden biases still have exactly '
         'their starting values, because their gradients are exactly zero.'),
        ("Every weight started at 0 and tanh(0) = 0, so every hidden unit outputs 0 on every input. A weight's"
         ' gradient is its input times the error at its unit, so the output weights get none; and the error '
         'sent back to the hidden layers is multiplied by the output weights, which are 0. Only the output '
         'bias, which multiplies no input, learns: it moves the output towards the share of each class, the '
         'same for every point. Start from random weights.'),
        ('All 8 units of layers 1 and 2 behave as one: each of these layers works like a single unit. Their '
         'weights are exactly equal, so every step gives them exactly the same update and they stay copies.'),
        ('The network has not learned the data: 54% of the training points are classified right (loss 0.693 at'
         ' step 0, 0.691 at step 30).'),
    ],
    'zeros, tanh, settled': [
        ('In 300 steps only the output bias changed; all the weights and the hidden biases still have exactly '
         'their starting values, because their gradients are exactly zero.'),
        ('Since step 259 no weight or bias has changed at all, not even in the last digit: every step after it '
         'repeats step 259 exactly, so the run has stopped for good.'),
        ("Every weight started at 0 and tanh(0) = 0, so every hidden unit outputs 0 on every input. A weight's"
         ' gradient is its input times the error at its unit, so the output weights get none; and the error '
         'sent back to the hidden layers is multiplied by the output weights, which are 0. Only the output '
         'bias, which multiplies no input, learned: it moved the output to the share of each class, the same '
         'for every point, and stays there. Start from random weights.'),
        ('All 8 units of layers 1 and 2 behave as one: each of these layers works like a single unit. Their '
         'weights are exactly equal, so every step gives them exactly the same update and they stay copies.'),
        ('The network has not learned the data: 54% of the training points are classified right (loss 0.693 at'
         ' step 0, 0.691 at step 300).'),
    ],
    'zeros, tanh, no biases': [
        ('Nothing has changed in 30 steps: every gradient is exactly zero, so every weight still has its '
         'starting value.'),
        ("Every weight started at 0 and tanh(0) = 0, so every hidden unit outputs 0 on every input. A weight's"
         ' gradient is its input times the error at its unit, so the output weights get none; and the error '
         'sent back to the hidden layers is multiplied by the output weights, which are 0. Start from random '
         'weights.'),
        ('All 8 units of layers 1 and 2 behave as one: each of these layers works like a single unit. Their '
         'weights are exactly equal, so every step gives them exactly the same update and they stay copies.'),
        ('The network has not learned the data: 46% of the training points are classified right (loss 0.693 at'
         ' step 0, 0.693 at step 30).'),
    ],
    'zeros, sigmoid, moons': [
        ('All 8 units of layer 1 behave as one: the layer works like a single unit. Their weights are exactly '
         'equal, so every step gives them exactly the same update and they stay copies.'),
        ('The network has not learned the data: 84% of the training points are classified right (loss 0.693 at'
         ' step 0, 0.261 at step 300).'),
    ],
    'he, relu, lr 10': [
        ('The gradients of the weights into layers 1 and 2 are exactly zero now: those weights have stopped '
         'changing.'),
        ('Every unit of layers 1 and 2 is dead: it outputs 0 on every training input, so it passes nothing on '
         'and gets no gradient back, and no update can revive it.'),
        ("Some were dead from the start; the others died during training: an update pushed each one's input "
         'below 0 on every point. Lower the learning rate and train again (leaky ReLU units never go '
         'completely silent).'),
        ('The network has not learned the data: 54% of the training points are classified right (loss 0.613 at'
         ' step 0, 1.06 at step 30).'),
    ],
    'he, relu': [  # it learned: that first, then the units it learned without
        ('The network fits the training data: 96% of the training points are classified right (loss 0.613 at '
         'step 0, 0.188 at step 30).'),
        ('2 of the 8 units of layer 2 are dead: they output 0 on every training input, so their own weights '
         'get no gradient and do not change.'),
        ("Some were dead from the start; the others died during training: an update pushed each one's input "
         'below 0 on every point.'),
    ],
    'xavier': [
        ('Every unit of every layer behaves differently, and together they fit the data: 96% of the training '
         'points are classified right (loss 0.691 at step 0, 0.0887 at step 300).'),
    ],
    'xavier, early': [
        ('The network has not learned the data: 71% of the training points are classified right (loss 0.691 at'
         ' step 0, 0.666 at step 10).'),
        'Keep training; if the loss stops falling, try another learning rate or another start.',
    ],
    'width 1': [
        ('Layers 1 and 2 each have a single unit, so everything the network knows passes through one number '
         'there: give them more units.'),
        ('The network has not learned the data: 74% of the training points are classified right (loss 0.744 at'
         ' step 0, 0.555 at step 30).'),
    ],
    'diverging': [
        ('Training diverged at step 2: an update would move a weight by more than 1,000,000. The updates grew '
         'instead of settling, so the learning rate is too large for this start: lower it (or start from '
         'smaller weights) and train again.'),
    ],
    'constant + dropout': [
        ('All 8 units of layer 2 behave as one: the layer works like a single unit. Their weights differ by at'
         ' most 0.022, too little to make them behave differently.'),
        ('The network has not learned the data: 64% of the training points are classified right (loss 1.47 at '
         'step 0, 0.616 at step 30).'),
        ('The 8 units of layer 1 behave as 3 different units: the others are near-copies of these, so the layer '
         'is narrower than it looks.'),
    ],
    'too large': [
        ('The network has not learned the data: 59% of the training points are classified right (loss 4.58 at '
         'step 0, 5.31 at step 5).'),
        ('The 8 units of layer 2 behave as 7 different units: the others are near-copies of these, so the layer '
         'is narrower than it looks.'),
        ("Up to 98% of the outputs of layers 1, 2, 3 and 4 sit on tanh's flat ends, where its slope is almost "
         '0: the gradients through them nearly vanish, and nothing else here holds learning back. Start from '
         'smaller weights (Xavier scales them to the layer sizes).'),
    ],
    'step 3': [  # nothing measured since step 0 (a snapshot every 5 steps): no loss to compare yet
        ('Nothing has been measured since step 0 yet: the loss and accuracy are measured every few steps, so the '
         'training loss shown is still step 0\'s.'),
    ],
    'step 0': [
        ('All 8 units of layers 1 and 2 behave as one: each of these layers works like a single unit. Their '
         'weights are exactly equal, so every step gives them exactly the same update and they stay copies.'),
        'Press Play (or Step) to start training.',
    ],
    'finished': [
        ('The network has not learned the data: 72% of the training points are classified right (loss 0.691 at'
         ' step 0, 0.627 at step 20).'),
        'More steps may get there, or another learning rate or start.',
        'Training finished after 20 steps. Press Reset to watch it again.',
    ],
    'he, relu, 32x6': [
        ('3 units of layer 2, 3 of layer 3, 7 of layer 4, 5 of layer 5 and 7 of layer 6 (out of 32 in each) are '
         'dead: they output 0 on every training input, so their own weights get no gradient and do not change.'),
        'They were dead from the start: the starting weights and bias make every input they get 0 or negative.',
        ('The 32 units of layers 1, 2, 4 and 6 behave as 31, 29, 25 and 24 different units, layer by layer: the '
         'others are near-copies of these, so each layer is narrower than it looks.'),  # layer 3's 30 of 32:
        'Press Play (or Step) to start training.',  # its 3 dead units, which act as one, account for it
    ],
    'he, relu, 8x3': [
        ('The network fits the training data: 93% of the training points are classified right (loss 0.729 at '
         'step 0, 0.232 at step 30).'),
        ('1 unit of layer 2 and 2 of layer 3 (out of 8 in each) are dead: they output 0 on every training input, '
         'so their own weights get no gradient and do not change.'),
        ("Some were dead from the start; the others died during training: an update pushed each one's input "
         'below 0 on every point.'),
    ],
}



def live(settings: dict, steps: int) -> Trainer:
    t = Trainer(TrainConfig(**(BASE | settings)))
    t.run(steps)
    return t


def facts_of(t: Trainer) -> run.RunFacts:
    """What the Playground passes: the result, the weights now and their symmetry."""
    return run.facts(t.result(), t.weights, t.biases, t.symmetry())


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_playground_panel_says_exactly_this(name):
    settings, steps = CASES[name]
    assert run.whats_happening(facts_of(live(settings, steps))) == EXPECTED[name]


HEADLINES = {  # presenter mode: the panel's first sentence, exactly
    "constant 0.5": "All 8 units of layers 1 and 2 behave as one: each of these layers works like a single unit.",
    "zeros, tanh": ("In 30 steps only the output bias changed; all the weights and the hidden biases still have "
                    "exactly their starting values, because their gradients are exactly zero."),
    "diverging": "Training diverged at step 2: an update would move a weight by more than 1,000,000.",
    "he, relu, lr 10": ("The gradients of the weights into layers 1 and 2 are exactly zero now: those weights have "
                        "stopped changing."),
    "finished": ("The network has not learned the data: 72% of the training points are classified right (loss "
                 "0.691 at step 0, 0.627 at step 20)."),
    # the next sentence starts with a digit ("2 of the 8 units ..."): it still ends the first
    "he, relu": ("The network fits the training data: 96% of the training points are classified right (loss 0.613 "
                 "at step 0, 0.188 at step 30)."),
}


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_a_projector_shows_the_first_sentence_and_keeps_the_rest(name):
    settings, steps = CASES[name]
    said = run.whats_happening(facts_of(live(settings, steps)))
    head, rest = run.headline(said)
    assert head == HEADLINES[name]
    assert f"{head} {rest}".strip() == " ".join(said)


@pytest.mark.parametrize("name, head", [
    ("xavier", None),  # short: whole
    ("step 0", 'All 8 units of layers 1 and 2 behave as one: each of these layers works like a single unit.'),
    ("width 1", ('Layers 1 and 2 each have a single unit, so everything the network knows passes through one number '
                 'there: give them more units.')),  # one sentence, NOTE_HEAD long or less: the next would not fit
    ("he, relu, 32x6", ('3 units of layer 2, 3 of layer 3, 7 of layer 4, 5 of layer 5 and 7 of layer 6 (out of 32 in '
                        'each) are dead: they output 0 on every training input, so their own weights get no gradient '
                        'and do not change.')),  # one sentence longer than NOTE_HEAD: still shown whole
    ("zeros, tanh", ('In 30 steps only the output bias changed; all the weights and the hidden biases still have '
                     'exactly their starting values, because their gradients are exactly zero.')),
    ("too large", ('The network has not learned the data: 59% of the training points are classified right (loss 4.58 '
                   'at step 0, 5.31 at step 5).')),  # the second would not fit
])
def test_a_long_note_shows_its_first_sentences_and_folds_the_rest(name, head):
    """Not presenting, the Playground's note shows whole up to NOTE_WHOLE characters; a longer one shows the
    sentences that fit in NOTE_HEAD (at least its first) and folds the rest, nothing lost."""
    assert len(" ".join(EXPECTED["xavier"])) <= run.NOTE_WHOLE < len(" ".join(EXPECTED["step 0"]))
    said = EXPECTED[name]
    text = " ".join(said)
    shown, folded = run.panel_words(said, present=False)
    assert (shown, folded) == ((text, "") if head is None else (head, text[len(head) + 1:]))
    assert run.panel_words(said, present=True) == run.headline(said)


@pytest.mark.parametrize("distinct, widths, numbers", [
    ((1,), (8,), [("Layer 1 distinct", "1 / 8")]),
    ((3, 8, 8), (8, 8, 8), [("Layer 1 distinct", "3 / 8"), ("Layer 2 distinct", "8 / 8"),
                            ("Layer 3 distinct", "8 / 8")]),
    ((31, 29, 30, 25, 28, 24), (32,) * 6, [("Layers 1–6 distinct (of 32)", "31, 29, 30, 25, 28, 24")]),
    ((1, 1, 1, 1), (4, 4, 4, 4), [("Layers 1–4 distinct (of 4)", "1, 1, 1, 1")]),
    ((3, 5, 2, 1), (4, 8, 2, 1), [("Layers 1–4 distinct", "3/4, 5/8, 2/2, 1/1")]),
])
def test_up_to_three_layers_have_a_number_each_and_deeper_ones_share_one(distinct, widths, numbers):
    """The meter's counts beside the note: one number per layer fits two rows beside it up to three layers."""
    assert run.distinct_numbers(distinct, widths) == numbers


def test_the_speed_cap_note_counts_its_steps():
    assert run.speed_capped(1).startswith("Speed capped at 1 step per refresh for a network this size")
    assert run.speed_capped(7).startswith("Speed capped at 7 steps per refresh")


def test_what_the_old_ui_test_asserted_still_holds_on_real_runs():
    """Moved from tests/test_ui.py (ui.whats_happening), on real states now. Changed on purpose: "are identical" is
    now "behave as one" (the meter counts behaviour); "Only the output layer still learns" was false (finding 10);
    saturation is named only when it holds learning back; "differ by at most ..., x% of their size" went with the
    parameter-based count; "every unit is different" is said only of a run that learned (finding 13)."""
    sym = run.whats_happening(facts_of(live(dict(), 40)))
    assert sym[0].startswith("All 8 units of layers 1 and 2 behave as one")
    frozen = run.whats_happening(facts_of(live(dict(init="zeros", bias=False), 40)))
    assert frozen[0].startswith("Nothing has changed in 40 steps: every gradient is exactly zero")
    div = run.whats_happening(facts_of(live(CASES["diverging"][0], 40)))
    assert div[0].startswith("Training diverged at step 2") and "learning rate" in div[0]
    fine = run.whats_happening(facts_of(live(dict(init="xavier_normal"), 300)))
    assert fine[0].startswith("Every unit of every layer behaves differently")


def test_zero_start_names_the_one_parameter_that_moves():
    """Finding 10: with tanh and all weights 0, W_out stays exactly 0; only the output bias moves."""
    t = live(dict(init="zeros"), 30)
    assert not any(W.any() for W in t.weights) and t.biases[-1].any() and not any(b.any() for b in t.biases[:-1])
    text = " ".join(run.whats_happening(facts_of(t)))
    assert "only the output bias changed" in text and "output layer" not in text


def test_a_run_that_stopped_for_good_is_said_to_from_the_step_it_stopped():
    """The sentence that a run has stopped for good, checked against the run computed step by step: the weights and
    biases at the step it names are those of every later step, to the bit. A run still moving never gets it."""
    t = live(dict(init="zeros"), 600)
    since = t.result().still_since
    text = " ".join(run.whats_happening(facts_of(t)))
    assert since == 259 and f"Since step {since} no weight or bias has changed at all" in text
    stepwise = computed(TrainConfig(**(BASE | dict(init="zeros"))))
    stepwise.run(since)
    at_since = stepwise._flat.copy()
    for _ in range(600 - since):
        stepwise.run(1)
        assert stepwise._flat.tobytes() == at_since.tobytes()
    assert t._flat.tobytes() == at_since.tobytes()
    early = live(dict(init="zeros"), 250)
    assert early.result().still_since is None and "stopped for good" not in " ".join(
        run.whats_happening(facts_of(early)))
    assert "stopped for good" not in " ".join(run.whats_happening(facts_of(live(dict(init="he_normal",
                                                                                      activation="relu"), 600))))
    from settings import playground as S
    from settings.params import preset_values

    zeros = next(p for p in S.PRESETS if p.id == "zeros")
    assert "only the output bias moves, until it settles" in zeros.about
    values = preset_values(S.SPECS, zeros)
    values.pop("speed")
    preset = Trainer(S.config(values))
    preset.run(1000)
    assert preset.result().still_since is not None  # as the preset's words promise


def test_side_by_side_notes_are_the_same_sentences_with_a_summary_and_why():
    config = TrainConfig(**(BASE | dict(steps=300, record_every=3)))
    runs = {"constant 0.5": run.facts(train(config)),
            "xavier_normal": run.facts(train(TrainConfig(**(BASE | dict(steps=300, record_every=3,
                                                                      init="xavier_normal")))))}
    assert run.summary("constant 0.5", runs["constant 0.5"]) == (
        "**constant 0.5**: test accuracy 67% at step 300; units that behave differently in each hidden layer: "
        "1 of 8, 1 of 8.")
    assert run.notes(runs["xavier_normal"]) == [
        "Every unit of every layer behaves differently, and together they fit the data: 96% of the training points "
        "are classified right (loss 0.691 at step 0, 0.0887 at step 300)."]
    why = run.why(runs)
    assert why.startswith("Why: when every weight into a layer starts equal")
    assert "**constant 0.5** shows exactly that" in why and "(**xavier_normal**)" in why
    assert run.why({"xavier_normal": runs["xavier_normal"]}) == ""  # nothing to contrast
    assert run.why({"constant 0.5": runs["constant 0.5"]}) == ""


def test_the_side_by_side_summary_counts_the_units_of_every_layer():
    f = facts_of(live(dict(init="xavier_normal", hidden=(3, 1)), 10))
    assert run.summary("x", f).endswith("units that behave differently in each hidden layer: 3 of 3, 1 of 1.")


# ---- properties over random small configs ----

CONFIGS = st.fixed_dictionaries(dict(
    dataset=st.sampled_from(DATASETS), n_samples=st.just(40),
    hidden=st.one_of(st.lists(st.integers(1, 4), min_size=1, max_size=2),  # deeper: layers of one width, as
                     st.tuples(st.integers(2, 4), st.integers(3, 4)).map(lambda wd: [wd[0]] * wd[1])).map(tuple),
    activation=st.sampled_from(ACTIVATIONS),
    init=st.sampled_from(("zeros", "constant", "normal", "xavier_normal", "he_normal")),
    init_value=st.sampled_from((-0.5, 0.5, 1.0)), spread=st.sampled_from((0.1, 1.0, 5.0)),
    bias=st.booleans(), dropout=st.sampled_from((0.0, 0.3)), lr=st.sampled_from((0.05, 0.5, 5.0)),
    steps=st.integers(1, 40), record_every=st.integers(1, 7), seed=st.integers(0, 3),
))
COPIES = re.compile(r"All (?:\d+|the) units of (layers? [\d, and]+?) behave as one")
PARTLY = re.compile(r"The (\d+) units of (layers? [\d, and]+?)(?: each)? behave as (\d+) different units")
PARTLY_BY_LAYER = re.compile(r"The (\d+) units of (layers [\d, and]+?) behave as ([\d, and]+?) different units, "
                             r"layer by layer")
DEAD = re.compile(r"([^.]*?) (?:\(out of (\d+) in each\) )?(?:is|are) dead: (?:it outputs|they output) 0")
DEAD_PART = re.compile(r"(\d+) (?:of the (\d+) units|units?) of layer (\d+)|(\d+) of layer (\d+)"
                       r"|the only unit of layer (\d+)")


def params_now_and_then(t: Trainer):
    first = t.snapshots[0]
    now = list(t.weights) + list(t.biases or [])
    then = list(first.weights) + list(first.biases or [])
    return [not np.array_equal(a, b) for a, b in zip(now, then)]


@settings(max_examples=40, deadline=None)
@given(CONFIGS, st.integers(0, 40))
# found by the deeper configs: a dropout batch's loss passed 1e12 (diverged) while the last snapshot, without
# dropout, classified every point; the run is said to have diverged, and nothing else
@example(dict(dataset="gaussians", n_samples=40, hidden=(2, 2, 2, 2), activation="identity", init="normal",
              init_value=-0.5, spread=5.0, bias=False, dropout=0.3, lr=0.05, steps=4, record_every=1, seed=2), 4)
def test_no_contradiction_and_every_claim_holds_for_its_numbers(kw, steps):
    t = Trainer(TrainConfig(**kw))
    t.run(steps)
    claims_hold(t)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_claim_of_the_table_holds_for_its_numbers(name):
    """The same checks on the table's states, which include what random small configs rarely reach (a deep, wide
    network whose layers differ in their counts)."""
    claims_hold(live(*CASES[name]))


def claims_hold(t: Trainer):
    """No two contradictory verdicts about run `t`, and every claim its words make true for its numbers."""
    r = t.result()
    f = facts_of(t)
    said = run.whats_happening(f)
    text = " ".join(said)
    snap, first, sym = r.final, r.snapshots[0], t.symmetry()
    widths = t.config.hidden
    learned = r.steps_done > 0 and snap.train_acc >= run.LEARNED_ACCURACY and snap.train_loss < first.train_loss
    moved = params_now_and_then(t)

    assert said and all(s.endswith((".", ")")) for s in said)
    head, rest = run.headline(said)  # presenter mode: a first sentence, the rest one click away, nothing lost
    assert head.endswith((".", ")")) and f"{head} {rest}".strip() == text and text.startswith(head)
    head, rest = run.panel_words(said, present=False)  # not presenting: its first sentences when it is long
    assert f"{head} {rest}".strip() == text and head.endswith((".", ")"))
    assert (rest == "") == (len(text) <= run.NOTE_WHOLE) or run.headline(said)[1] == ""
    assert len(head) <= run.NOTE_HEAD or head == run.headline(said)[0] or not rest
    numbers = run.distinct_numbers(sym["distinct"], widths)  # the meter's counts beside the words
    shown = [int(n) for _, value in numbers for n in re.findall(r"(\d+)(?: / \d+|/\d+)?(?:,|$)", value)]
    assert shown == list(sym["distinct"])
    assert not re.search(r"\b1 (steps|units|layers)\b", text)
    # contradictory pairs never appear together
    assert not ("behave as one" in text and "Every unit of every layer behaves differently" in text)
    learned_said = "fits the training data" in text or "together they fit the data" in text
    assert not ("Nothing has changed" in text and learned_said)  # frozen vs learning
    assert learned_said == (learned and r.status != "diverged")  # a diverged run is said to have diverged, only
    # whether it learned is said once something was measured after step 0 (a snapshot), never of step 0 alone
    assert ("has not learned" in text) == (f.measured_at > 0 and r.status != "diverged" and not learned)
    assert not re.search(r"at step 0, [^)]* at step 0\)", text)  # a loss "at step 0" twice compares nothing
    assert ("Nothing has been measured since step 0 yet" in text) == (f.step > 0 and f.measured_at == 0
                                                                       and r.status != "diverged")
    assert ("Training diverged" in text) == (r.status == "diverged")
    dead_at = next((i for i, s in enumerate(said) if DEAD.search(s)), None)
    fit_at = next((i for i, s in enumerate(said) if re.search(r"(fits? the|learned the) (training )?data", s)), None)
    if dead_at is not None and fit_at is not None:  # dead units lead only where they may be why it has not learned
        assert (fit_at < dead_at) == learned_said, said
    if r.status == "diverged":
        assert len(said) == 1
        return
    # every claim true for its numbers
    if "Nothing has changed" in text:
        assert r.steps_done > 0 and not any(moved)
    if "only the output bias changed" in text:
        assert moved == [False] * len(t.weights) + [False] * (len(t.weights) - 1) + [True]
    if "stopped changing" in text:
        assert all(moved) and not np.all(r.grad_norms[-1] > 0)
    if "stopped for good" in text:  # the run computed step by step holds the same weights from the step named on
        since = int(re.search(r"Since step (\d+) no", text).group(1))
        stepwise = computed(t.config)
        stepwise.run(since)
        assert since == r.still_since and stepwise._flat.tobytes() == t._flat.tobytes()
        assert np.all(r.batch_losses[since:] == r.batch_losses[-1])
    m = COPIES.search(text)
    if m:
        ks = [k for k, (w, d, dead) in enumerate(zip(widths, sym["distinct"], snap.dead), 1)
              if w > 1 and d == 1 and dead < 1]
        assert m.group(1) == layers(ks)
        if "exactly equal" in text:
            assert all(sym["gap"][k - 1] == 0 for k in ks)
    partly = [(m.group(1), m.group(2), [m.group(3)]) for m in PARTLY.finditer(text)] + [
        (m.group(1), m.group(2), re.findall(r"\d+", m.group(3))) for m in PARTLY_BY_LAYER.finditer(text)]
    for width, named, counts in partly:
        ks = [int(k) for k in re.findall(r"\d+", named)]
        for k, d_said in zip(ks, counts * len(ks) if len(counts) == 1 else counts, strict=True):
            w, d = widths[k - 1], sym["distinct"][k - 1]
            assert int(width) == w and int(d_said) == d and 1 < d < w
            assert w - d > max(round(snap.dead[k - 1] * w) - 1, 0)  # not merely its dead units, which act as one
    for m in DEAD.finditer(text.replace("Every unit of ", "")):
        if m.group(1).strip().startswith("layer"):  # every unit of those layers: checked below
            continue
        for part in DEAD_PART.finditer(m.group(1)):  # some units of some layers: each count is that layer's
            n, of, k = (1, 1, part.group(6)) if part.group(6) else (part.group(1) or part.group(4), part.group(2) or
                                                                     m.group(2), part.group(3) or part.group(5))
            k = int(k)
            assert int(n) == round(snap.dead[k - 1] * widths[k - 1]) > 0 and snap.dead[k - 1] < 1 or widths[k - 1] == 1
            assert of is None or int(of) == widths[k - 1]
    if "Every unit of every layer behaves differently" in text:
        assert learned and all(d == w > 1 for d, w in zip(sym["distinct"], widths))
    if "Every unit of layer" in text and "is dead" in text:
        assert any(d == 1.0 for d in snap.dead)
    if "dead" in text:
        assert t.config.activation == "relu" and any(d > 0 for d in snap.dead)
    if "flat ends" in text:
        assert not learned and t.config.activation in run.SATURATING
        assert max(snap.saturated) >= run.SATURATED_SHARE
    if "single unit, so everything" in text:
        assert 1 in widths and not learned
    if "Press Play" in text:
        assert r.steps_done == 0
    if "Training finished" in text:
        assert r.status == "done" and r.steps_done == t.config.steps


@pytest.mark.parametrize("interval, playing, sentence", [
    (0.15, 1, "Live view at up to 6.7 refreshes a second: a network this size takes the server a while to draw, so "
              "it refreshes less often than the fastest pace of 10 a second."),
    (0.5, 40, "Live view slowed to at most 2 refreshes a second so that the 40 runs playing on this server share it "
              "fairly."),
    (0.3, 12, "Live view slowed to at most 3.3 refreshes a second so that the 12 runs playing on this server share "
              "it fairly."),
])
def test_the_slowed_note_gives_the_pace_and_why(interval, playing, sentence):
    """The pace is what the server offers; a saturated one delivers fewer refreshes (bench_class.py measured 1 a
    second at an offered 2), so the note gives it as an upper bound and promises no floor."""
    assert run.slowed(1 / interval, playing) == sentence


@pytest.mark.parametrize("interval, playing, trained, line", [
    (0.1, 1, True, ""),  # the fastest pace: nothing to say
    (0.1, 30, True, ""),
    (0.5, 40, True, run.slowed(2, 40)),
    (0.15, 1, True, run.slowed(1 / 0.15, 1)),
    (0.1, 1, False, run.BUSY),  # no slot to train in: that comes first, whatever the pace
    (0.5, 40, False, run.BUSY),
])
def test_the_line_under_the_live_charts(interval, playing, trained, line):
    assert run.live_line(interval, 0.1, playing, trained) == line


@pytest.mark.parametrize("step, sentence", [
    (0, "Anyone who opens this link sees exactly this run: same data, same initial weights, same curves."),
    (1234, "Anyone who opens this link sees exactly this run, paused at step 1,234: the same data, the same initial "
           "weights and every number and chart as they are now."),
])
def test_the_share_note_names_the_step_of_a_paused_run(step, sentence):
    assert run.share_note(step) == sentence
