"""Restarts narration: real restarts() results -> exact sentences; properties over random configs and numbers."""
import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narration import restarts as story
from symbreak_core import TrainConfig, restarts
from symbreak_core.relabel import example_pair, solution_groups

PAGE = TrainConfig(hidden=(3,), lr=0.5, steps=1000)  # the Restarts page's defaults (small-net preset)
ACROSS = "a new group starts wherever two neighbouring losses are more than 0.01 apart"
CONSTANT_MOVING = "Still moving: its last 20 steps made 9% of its whole change in training loss."
SETTLED_100 = "in each, the last 100 steps made at most 2% of the run's whole change in training loss."

# name -> (config, seeds, verdict, metrics, (title, caption) of the lowest and the highest seed, summary, box)
TABLE = {
    "groups and one run still moving": (
        PAGE, (0, 1, 2, 3, 13), "settled",
        [("Seeds that finished", "5 / 5"), ("Settled runs", "4 / 5"), ("Outcome groups", "2"),
         ("Test accuracy", "78%–90%")],
        (("Lowest training loss: seed 3", "Final training loss 0.152, test accuracy 90%."),
         ("Highest training loss: seed 1", "Final training loss 0.378, test accuracy 78%.")),
        f"**4 of the 5 finished runs settled**: {SETTLED_100} Sorted by final loss they form **2 groups** ({ACROSS}):\n"
        "- **3 runs** (75%) at loss 0.152 to 0.161, test accuracy 83% to 90%\n"
        "- **1 run** (25%) at loss 0.378, test accuracy 78%\n\n"
        "Same network, same data, same steps: only the random start differs, and it decides where a run comes to "
        "rest. Each group is a valley of the loss surface, or ground so flat that it looks like one after 1,000 "
        "steps. The lowest group holds 3 of the 4 settled runs (75%): that share is the $p$ in the note below.\n\n"
        "**1 run is still moving**: its last 100 steps made 6% of its whole change in training loss, more than 2%. "
        "It has not come to rest, so it is left out of the groups. Give it more steps, or a larger learning rate, "
        "and see where it settles.\n\n"
        "Test accuracy over all 5 finished runs: 78% to 90%.",
        ""),
    "a wide net: one group, nothing moving": (
        replace(PAGE, hidden=(16,), steps=600), range(4), "settled",
        [("Seeds that finished", "4 / 4"), ("Settled runs", "4 / 4"), ("Outcome groups", "1"),
         ("Test accuracy", "87%–88%")],
        (("Lowest training loss: seed 2", "Final training loss 0.114, test accuracy 88%."),
         ("Highest training loss: seed 0", "Final training loss 0.116, test accuracy 87%.")),
        "**All 4 finished runs settled**: in each, the last 60 steps made at most 2% of the run's whole change in "
        "training loss. Their final losses form **1 group**, with no gap wider than 0.01 between neighbours:\n"
        "- **4 runs** (100%) at loss 0.114 to 0.116, test accuracy 87% to 88%\n\n"
        "Every finished run ends at about the same loss, so with these settings another restart changes little.\n\n"
        "Test accuracy over all 4 finished runs: 87% to 88%.",
        ""),
    "too few steps: nothing settled": (
        replace(PAGE, lr=0.05, steps=100), range(4), "unsettled",
        [("Seeds that finished", "4 / 4"), ("Settled runs", "0 / 4"), ("Outcome groups", "none yet"),
         ("Test accuracy", "42%–67%")],
        (("Lowest training loss: seed 3", "Final training loss 0.685, test accuracy 53%. Still moving: its last 10 "
          "steps made 5% of its whole change in training loss."),
         ("Highest training loss: seed 1", "Final training loss 0.719, test accuracy 42%. Still moving: its last 10 "
          "steps made 3% of its whole change in training loss.")),
        "**None of the 4 finished runs has settled yet**: in every one, the last 10 steps made more than 2% of the "
        "run's whole change in training loss (up to 5%). Their final losses (0.685 to 0.719) are points on the way, "
        "not outcomes, so they are not grouped. Give them more steps, or a larger learning rate, and see where they "
        "settle.\n\n"
        "Test accuracy over all 4 finished runs: 42% to 67%.",
        ""),
    "a constant start: one run, still moving": (
        replace(PAGE, init="constant", steps=200), range(3), "identical",
        [("Seeds that finished", "3 / 3"), ("Settled runs", "0 / 3"), ("Outcome groups", "1"),
         ("Test accuracy", "52%")],
        (("Seed 0", f"Final training loss 0.661, test accuracy 52%. {CONSTANT_MOVING}"),
         ("Seed 2", f"Final training loss 0.661, test accuracy 52%. {CONSTANT_MOVING}")),
        "",
        "**All 3 restarts ended at exactly the same loss, 0.661464.** With every weight starting at 0.5 and no added "
        "noise, the seed changes nothing: every run begins at the same weights, sees the same data and takes the same "
        "steps, bit for bit. Restarting a symmetric network is useless; it has one outcome, and it is the outcome of "
        "a network whose units are all copies of each other. That one run has not settled yet: more steps would "
        "still change its loss, but for every seed alike."),
    "half the runs diverge": (
        TrainConfig(hidden=(3,), init="normal", lr=1.0, activation="identity", loss="mse", steps=200), range(6),
        "settled",
        [("Seeds that finished", "3 / 6"), ("Settled runs", "3 / 3"), ("Outcome groups", "1"),
         ("Test accuracy", "48%")],
        (("Lowest training loss: seed 5", "Final training loss 0.123, test accuracy 48%."),
         ("Highest training loss: seed 3", "Final training loss 0.123, test accuracy 48%.")),
        "**All 3 finished runs settled**: in each, the last 20 steps made at most 2% of the run's whole change in "
        "training loss. Their final losses form **1 group**, with no gap wider than 0.01 between neighbours:\n"
        "- **3 runs** (100%) at loss 0.123, test accuracy 48%\n\n"
        "Every finished run ends at about the same loss, so with these settings another restart changes little.\n\n"
        "Test accuracy over all 3 finished runs: 48%.",
        ""),
    "one run finishes": (
        TrainConfig(hidden=(3,), init="normal", spread=2.0, lr=5.0, activation="identity", steps=200), range(6),
        "single",
        [("Seeds that finished", "1 / 6"), ("Settled runs", "1 / 1"), ("Outcome groups", "1"),
         ("Test accuracy", "48%")],
        (("Lowest training loss: seed 2", "Final training loss 0.686, test accuracy 48%."),
         ("Highest training loss: seed 2", "Final training loss 0.686, test accuracy 48%.")),
        "Only 1 run finished, so there is nothing to compare. It reaches 48% test accuracy.",
        ""),
}

JUDGED = ("judged by what the runs compute, not by their weights: on a 40 × 40 grid over the data (the square of the "
          "pictures above), each run predicts the same class as its solution's first (lowest-loss) run on at least "
          "90% of the points, and the first runs of two solutions disagree on more than 10%.")
ONE_SOLUTION = ("**1 solution**, judged by what the runs compute, not by their weights: every finished run predicts "
                "the same class as the lowest-loss run on at least 90% of a 40 × 40 grid over the data (the square of "
                "the pictures above).")
NOT_RELABELLED = ("matched unit for unit with its solution's first run, every other run still differs from it in some "
                  "weight or bias by more than 20% of the first run's largest weight.")
ONE_FUNCTION = ("the same function as {} solution's first run with weights that stay more than 20% apart even after "
                "relabelling: one function, more than one network.")
# name (TABLE's, or a config of its own) -> (solutions text, legend names, caption of the example pair or None)
SOLUTIONS = {
    "groups and one run still moving": (
        f"**4 genuinely different solutions**, {JUDGED} Runs per solution, from the lowest loss up: 2, 1, 1 and 1.\n\n"
        f"**No two of the 5 finished runs are the same network relabelled**: {NOT_RELABELLED}\n\n"
        f"1 run computes {ONE_FUNCTION.format('its')}",
        ["Solution 1 (2 runs)", "Solution 2 (1 run)", "Solution 3 (1 run)", "Solution 4 (1 run)"], None),
    "a wide net: one group, nothing moving": (
        f"{ONE_SOLUTION}\n\n**No two of the 4 finished runs are the same network relabelled**: {NOT_RELABELLED}\n\n"
        f"3 runs compute {ONE_FUNCTION.format('their')}",
        ["Solution 1 (4 runs)"], None),
    "too few steps: nothing settled": (
        f"**4 genuinely different solutions**, {JUDGED} Runs per solution, from the lowest loss up: 1, 1, 1 and 1.\n\n"
        "**No two of the 4 finished runs are the same network relabelled**: they compute different functions.\n\n"
        "None of these runs has settled yet: these are the functions they compute now, not where they will end.",
        ["Solution 1 (1 run)", "Solution 2 (1 run)", "Solution 3 (1 run)", "Solution 4 (1 run)"], None),
    "a constant start: one run, still moving": (
        "With every weight starting at 0.5 and no added noise, every seed gives the same run, bit for bit: all 3 "
        "finished runs are one network, so there is one solution and nothing to relabel.",
        ["Solution 1 (3 runs)"],
        "Before: seed 0 and seed 1 as trained. After: seed 1 with its hidden units put in seed 0's order (no hidden "
        "unit changes place); every weight and bias is then exactly the same."),
    "half the runs diverge": (
        f"{ONE_SOLUTION}\n\n**No two of the 3 finished runs are the same network relabelled**: {NOT_RELABELLED}\n\n"
        f"2 runs compute {ONE_FUNCTION.format('their')}",
        ["Solution 1 (3 runs)"], None),
    "one run finishes": ("", ["Solution 1 (1 run)"], None),
}
RELABELLED = (PAGE, (3, 10, 1))  # seeds 3 and 10 end as one network with its units in another order
SAME_NETWORK = ("reached the same network as another run, up to relabelling**: once a run's hidden units are matched "
                "to those of its solution's first run, none of its weights or biases differs from that run's by more "
                "than 20% of the first run's largest weight.")
SOLUTIONS_OWN = {
    "two seeds, one network relabelled": (
        RELABELLED,
        f"**2 genuinely different solutions**, {JUDGED} Runs per solution, from the lowest loss up: 2 and 1.\n\n"
        f"**2 of the 3 finished runs {SAME_NETWORK} In 1 run the matching put the units in another order: its "
        "weights look different until relabelled.",
        ["Solution 1 (2 runs)", "Solution 2 (1 run)"],
        "Before: seed 3 and seed 10 as trained. After: seed 10 with its hidden units put in seed 3's order (2 hidden "
        "units of 3 change place); its largest weight difference is then 3% of seed 3's largest weight."),
    "one unit: nothing to reorder": (
        (replace(PAGE, hidden=(1,)), range(3)),
        f"**2 genuinely different solutions**, {JUDGED} Runs per solution, from the lowest loss up: 2 and 1.\n\n"
        f"**2 of the 3 finished runs {SAME_NETWORK} Their units were already in the same order.",
        ["Solution 1 (2 runs)", "Solution 2 (1 run)"],
        "Before: seed 0 and seed 2 as trained. After: seed 2 with its hidden units put in seed 0's order (no hidden "
        "unit changes place); its largest weight difference is then 8% of seed 0's largest weight."),
}


def assert_solutions(rr, text, labels, caption):
    r, sg = story.read(rr), solution_groups(rr)
    assert story.solutions(r, sg) == text
    assert [story.solution_label(sg, g) for g in range(sg.n_groups)] == labels
    pair = example_pair(sg)
    assert (pair and story.pair_caption(r, sg, pair[1])) == caption


@pytest.mark.parametrize("name", SOLUTIONS_OWN)
def test_real_solutions_read_as_the_table_says(name):
    (config, seeds), *expected = SOLUTIONS_OWN[name]
    assert_solutions(restarts(config, seeds), *expected)


@pytest.mark.parametrize("hidden, orderings, note", [
    ((3,), "3! = 6", "With 3 hidden units, every solution comes in 3! = 6 orderings"),
    ((2, 2), "2! × 2! = 4", "With 2 hidden layers of 2 units, every solution comes in 2! × 2! = 4 orderings"),
    ((3, 4), "3! × 4! = 144", "With hidden layers of 3 and 4 units, every solution comes in 3! × 4! = 144 orderings"),
    ((9,), "9! = 362,880", "With 9 hidden units, every solution comes in 9! = 362,880 orderings"),
    ((16,), "16! ≈ 2.1 × 10¹³", "With 16 hidden units, every solution comes in 16! ≈ 2.1 × 10¹³ orderings"),
    ((16, 16, 16), "16! × 16! × 16! ≈ 9.2 × 10³⁹", "With 3 hidden layers of 16 units, every solution comes in "
     "16! × 16! × 16! ≈ 9.2 × 10³⁹ orderings"),
    ((1, 1), "1! × 1! = 1", "with one unit per hidden layer there is only one order to put them in"),
])
def test_the_relabelling_note_counts_the_orderings(hidden, orderings, note):
    assert story.orderings(hidden) == orderings
    r = story.read(restarts(replace(PAGE, hidden=hidden, steps=10), range(2)))
    assert note in story.relabelling_note(r)
    assert ("exactly the same function" in story.relabelling_note(r)) == (max(hidden) > 1)


def test_without_a_hidden_layer_there_is_nothing_to_relabel():
    r = story.read(restarts(replace(PAGE, hidden=(), steps=10), range(2)))
    assert story.relabelling_note(r) == ("With no hidden layer there are no hidden units to relabel: each set of "
                                         "weights is its own network.")


@pytest.mark.parametrize("name", TABLE)
def test_real_results_read_as_the_table_says(name):
    config, seeds, verdict, metrics, boundaries, summary, box = TABLE[name]
    rr = restarts(config, seeds)
    r = story.read(rr)
    assert_solutions(rr, *SOLUTIONS[name])
    assert r.verdict == verdict
    assert story.metrics(r) == metrics
    assert [(story.boundary_title(r, i, low), story.boundary_caption(r, i))
            for i, low in ((rr.best, True), (rr.worst, False))] == list(boundaries)
    assert story.summary(r) == summary
    assert story.identical(r) == box
    n_bad = r.n_seeds - r.n_finished
    assert story.diverged_warning(r) == ("" if n_bad == 0 else f"{n_bad} of {r.n_seeds} runs diverged and are "
                                         "left out; lower the learning rate or the spread.")
    assert story.nothing_to_compare(r) == ""


def test_every_run_diverged_says_what_to_do():
    r = story.read(restarts(TrainConfig(init="normal", spread=5.0, lr=3.0, activation="relu", loss="mse", steps=50),
                            range(3)))
    assert r.verdict == "diverged" and story.summary(r) == "" and story.diverged_warning(r) == ""
    assert story.nothing_to_compare(r) == ("Every run diverged, so there is nothing to compare. To get finished runs, "
                                           "lower the learning rate or the spread.")


def test_one_diverged_run_is_singular():
    rr = restarts(PAGE, range(3))
    r = story.read(replace(rr, diverged_at=np.array([-1, 7, -1])))
    assert story.diverged_warning(r) == "1 of 3 runs diverged and is left out; lower the learning rate or the spread."


# ---- properties

def check(rr):
    """Everything the narration says about rr is true for rr's numbers."""
    r = story.read(rr)
    fin = rr.finished
    late = np.abs(rr.train_loss - rr.tail_loss)
    whole = np.abs(rr.train_loss - rr.start_loss)
    # converged (settled) means the late change is under the threshold; moving means over it
    assert np.all(late[r.settled] <= story.STILL_MOVING * whole[r.settled])
    assert np.all(late[r.moving] > story.STILL_MOVING * whole[r.moving])
    assert not np.any(r.moving & ~fin) and not np.any(r.settled & ~fin)
    # groups: never more than the finished runs; exactly the settled runs; chained by SAME_OUTCOME
    assert len(r.groups) <= r.n_finished
    assert sorted(i for g in r.groups for i in g.runs) == list(np.flatnonzero(r.settled))
    for g in r.groups:
        assert np.all(np.diff(rr.train_loss[g.runs]) <= story.SAME_OUTCOME)
        assert g.acc_lo == rr.test_acc[g.runs].min() and g.acc_hi == rr.test_acc[g.runs].max()
    for a, b in zip(r.groups, r.groups[1:]):
        assert b.loss_lo - a.loss_hi > story.SAME_OUTCOME
    text = story.summary(r) + story.identical(r)
    assert not re.search(r"\b(nan|inf)\b", text + str(story.metrics(r)), re.IGNORECASE)
    # one verdict, so one story: never two of these together
    said = [s for s in ("exactly the same loss", "has settled yet", "finished runs settled**", "Only 1 run finished",
                        "There is nothing") if s in text]
    assert len(said) <= 1, said
    assert ("exactly the same loss" in text) == (r.verdict == "identical")
    if r.verdict == "identical":
        assert np.all(rr.train_loss[fin] == rr.train_loss[fin][0]) and r.n_finished >= 2
    # no valleys for runs that have not settled
    if r.n_settled == 0 or len(r.groups) < 2 or r.verdict == "identical":
        assert "valley" not in text
    for paragraph in text.split("\n\n"):
        if "still moving" in paragraph or "settled yet" in paragraph:
            assert "valley" not in paragraph
    # a share said of runs still moving never reads as the threshold or below it
    captions = " ".join(story.boundary_caption(r, i) for i in np.flatnonzero(fin))
    for m in re.finditer(r"\(up to ([\d.]+)%\)|made ([\d.]+)% of its whole", text + captions):
        assert float(m[1] or m[2]) > 100 * story.STILL_MOVING
    assert captions.count("Still moving") == r.n_moving
    if r.n_moving and r.verdict == "settled":
        assert f"**{r.n_moving} run{'s are' if r.n_moving > 1 else ' is'} still moving**" in text
    # accuracy sentences are the finished runs' real range
    if r.verdict in ("settled", "unsettled"):
        acc = rr.test_acc[fin]
        assert f"Test accuracy over all {r.n_finished} finished runs: {story.accuracy_span(acc.min(), acc.max())}." \
            in text
        for g in r.groups[:story.MAX_LISTED]:
            assert f"test accuracy {story.accuracy_span(g.acc_lo, g.acc_hi)}" in text
    if r.n_finished:
        value = dict(story.metrics(r))["Test accuracy"]
        lo, hi = value.split("–") if "–" in value else (value, value)
        assert lo == story.percent(np.nanmin(rr.test_acc[fin])) and hi == story.percent(np.nanmax(rr.test_acc[fin]))


def check_solutions(rr):
    """The counts in the solutions paragraph are the groups' counts, and they add up to the finished runs."""
    r, sg = story.read(rr), solution_groups(rr)
    text, n = story.solutions(r, sg), r.n_finished
    if r.verdict in ("diverged", "single") or (r.verdict == "identical" and r.seedless):
        assert "solution" not in text or f"all {n} finished runs are one network" in text
        return
    m = re.search(r"\*\*(\d+) genuinely different solutions\*\*|\*\*1 solution\*\*", text)
    groups = int(m[1] or 1)
    sizes = re.search(r"Runs per solution, from the lowest loss up: ([\d, and]+)\.", text)
    sizes = [int(x) for x in re.split(r", | and ", sizes[1])] if sizes else [n]
    assert groups == sg.n_groups == len(sizes) >= 1 and sum(sizes) == n and sizes == list(sg.sizes)
    same = re.search(r"\*\*(?:All (\d+)|(\d+) of the (\d+)) finished runs reached the same network", text)
    shared = 0 if same is None else int(same[1] or same[2])
    assert shared == sg.shared.sum() and (same is None) == ("**No two of the" in text)
    assert shared != 1 and shared <= n  # a network reached twice is reached by two runs at least
    other = re.search(r"(\d+) runs? computes? the same function as", text)
    other = int(other[1]) if other else 0
    # every finished run is a solution's first run, a relabelling of it, or the same function with other weights
    assert groups + int(sg.relabelled.sum()) + other == n
    assert shared <= int(sg.relabelled.sum()) + groups
    moved = re.search(r"In (\d+) runs? the matching", text)
    assert (int(moved[1]) if moved else 0) == (sg.relabelled & sg.reordered).sum()


@settings(max_examples=12, deadline=None)
@given(dataset=st.sampled_from(["xor", "circles", "moons"]), width=st.integers(1, 4), depth=st.integers(1, 2),
       activation=st.sampled_from(["tanh", "relu", "sigmoid"]),
       init=st.sampled_from(["xavier_normal", "constant", "he_normal", "normal"]),
       perturbation=st.sampled_from([0.0, 0.01]), lr=st.sampled_from([0.01, 0.3, 1.0, 5.0]),
       steps=st.integers(10, 300), n_seeds=st.integers(2, 6), seed=st.integers(0, 50))
def test_sentences_are_true_over_random_configs(dataset, width, depth, activation, init, perturbation, lr, steps,
                                                n_seeds, seed):
    c = TrainConfig(dataset=dataset, n_samples=60, hidden=(width,) * depth, activation=activation, init=init,
                    perturbation=perturbation, lr=lr, steps=steps, seed=seed)
    rr = restarts(c, range(seed, seed + n_seeds))
    check(rr)
    check_solutions(rr)


BASE = restarts(replace(PAGE, steps=50), range(8))  # a real result whose numbers the next test replaces


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_sentences_are_true_for_any_numbers(data):
    """Ties, chains of near losses, runs that never moved, divergence: the numbers a real run can produce."""
    n = len(BASE.seeds)
    def draw(values):
        return np.array(data.draw(st.lists(values, min_size=n, max_size=n)))

    final = draw(st.sampled_from([0.0, 0.005, 0.012, 0.02, 0.15, 0.155, 0.16, 0.3, 0.69]))
    start = final + draw(st.sampled_from([0.0, 0.001, 0.1, 0.5]))
    tail = final + draw(st.sampled_from([0.0, 0.0005, 0.002, 0.00201, 0.05]))  # 0.00201 / 0.1: just over 2%
    acc = draw(st.sampled_from([0.5, 0.8667, 0.8833, 0.9, 1.0]))
    diverged = draw(st.booleans())
    nan = lambda a: np.where(diverged, np.nan, a)  # noqa: E731
    check(replace(BASE, train_loss=nan(final), start_loss=nan(start), tail_loss=nan(tail), test_acc=nan(acc),
                  diverged_at=np.where(diverged, 3, -1)))


def test_groups_chain_after_sorting_and_list_at_most_max_listed():
    n = 8
    final = np.array([0.10, 0.105, 0.113, 0.2, 0.3, 0.4, 0.5, 0.6])  # 0.10-0.113 chain through 0.105
    rr = restarts(PAGE, range(n))
    rr = replace(rr, train_loss=final, start_loss=final + 0.5, tail_loss=final + 0.001, test_acc=np.full(n, 0.9))
    r = story.read(rr)
    assert [len(g.runs) for g in r.groups] == [3, 1, 1, 1, 1, 1]
    text = story.summary(r)
    assert "- **3 runs** (38%) at loss 0.1 to 0.113, test accuracy 90%" in text
    assert "- 1 more group: 1 run at loss 0.6" in text


def test_the_box_names_a_start_only_when_no_seed_can_change_it():
    zeros = story.read(restarts(replace(PAGE, init="zeros", steps=50), range(3)))
    assert zeros.verdict == "identical"
    assert "With every weight starting at 0 and no added noise" in story.identical(zeros)
    rr = restarts(replace(PAGE, steps=50), range(3))  # random starts whose final losses we make equal
    same = story.read(replace(rr, train_loss=np.full(3, 0.25), tail_loss=np.full(3, 0.25)))
    assert story.identical(same) == ("**All 3 restarts ended at exactly the same loss, 0.250000.** The seed made no "
                                     "difference to where the runs ended.")
    noisy = story.read(restarts(replace(PAGE, init="constant", perturbation=0.01, steps=50), range(3)))
    assert noisy.verdict != "identical" and story.identical(noisy) == ""


def test_the_metrics_of_a_restarts_run_in_which_every_seed_diverged():
    """Found by the property test above: with no finished run there is no accuracy to span."""
    n = len(BASE.seeds)
    nan = np.full(n, np.nan)
    r = story.read(replace(BASE, train_loss=nan, start_loss=nan, tail_loss=nan, test_acc=nan,
                           diverged_at=np.full(n, 3)))
    assert r.verdict == "diverged"
    assert dict(story.metrics(r))["Test accuracy"] == "no run finished"
    assert dict(story.metrics(r))["Seeds that finished"] == f"0 / {n}"
