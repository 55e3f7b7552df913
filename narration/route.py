"""The guided route's explanations ("Start here"): each stop's experiment results in, which choice they make right
and the sentences that say why out. Pure Python, no Streamlit.

`explain(stop_id, results)` takes the stop's results by name (TrainResult, ProbeResult, or for restarts a
(RestartsResult, SolutionGroups) pair) and decides the right choice from their numbers, with the thresholds below;
`verdict(answer, correct, choices)` is the one sentence that says whether the student's prediction was right.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import depth as depth_story
from . import restarts as restarts_story
from . import run as run_story
from .words import num, percent, plural, start, times, units

GROWN = 10.0  # the nudge stop: a gap that ends at least this many times its start has grown
SHRUNK = 0.5  # ... and one that ends under this share of it has shrunk


@dataclass(frozen=True)
class Explanation:
    correct: str  # the choice key the run makes right
    text: str  # the explanation, Markdown, without the verdict


def verdict(answer: str, correct: str, choices) -> str:
    """Whether the prediction was right, in one sentence; choices: the stop's ((key, words), ...)."""
    words = dict(choices)
    if answer == correct:
        return f"Your prediction was right: {words[correct]}."
    return f"Not this time: you chose “{words[answer]}”, and the run shows “{words[correct]}”."


def _hidden_gap(snapshot) -> float:
    return float(snapshot.gap[0])


def _copies(res) -> Explanation:
    r = res["run"]
    w, d, steps = r.config.hidden[0], int(r.final.distinct[0]), r.final.step
    correct = "a" if d == 1 else "c" if d == w else "b"
    loss = (f"The training loss went from {num(r.snapshots[0].train_loss)} to {num(r.final.train_loss)}"
            + (", and a network that is one unit wide cannot bend its boundary around XOR." if d == 1 else "."))
    if r.snapshots[0].distinct[0] == 1 and d == 1:
        why = (f"After {plural(steps, 'step')} the hidden layer still behaves as **1 unit of {w}**: the largest "
               f"weight gap between two units is {num(_hidden_gap(r.final))}. All {w} units started with the same "
               "weights, so on every point they computed the same output, received the same share of the error, "
               "and took the same step. Equal before a step means equal after it, forever: the layer works as "
               "one unit.")
    else:
        why = (f"After {plural(steps, 'step')} the hidden layer behaves as **{d} of {w} units** (largest weight gap "
               f"between two units: {num(_hidden_gap(r.final))}). These units did not all start equal, so their "
               "gradients differed from the first step and nothing held them together.")
    return Explanation(correct, f"{why} {loss}")


def _largest(arrays) -> float:
    return max(float(np.max(np.abs(a))) for a in arrays)


def _zeros(res) -> Explanation:
    t, s = res["tanh"], res["sigmoid"]
    hidden, out = _largest(t.final.weights[:-1]), _largest(t.final.weights[-1:])
    correct = "a" if hidden == 0 and out == 0 else "b" if hidden == 0 else "c"
    bias = f" The output bias did move, to {num(float(t.final.biases[-1][0]))}." if t.final.biases else ""
    if correct == "a":
        name = units(t.config.activation)
        first = (f"With {name} units and every weight 0, after {plural(t.final.step, 'step')} the largest weight "
                 f"is still exactly **0**. {name}(0) = 0, so every hidden unit outputs 0: an output weight's "
                 "gradient is the error times its unit's output, 0, and a hidden weight's gradient is the error "
                 "sent back through the output weights, 0 as well. Nothing moves."
                 f"{bias}")
    else:
        first = (f"With {units(t.config.activation)} units started at 0, after {plural(t.final.step, 'step')} the "
                 f"largest hidden weight is {num(hidden)} and the largest output weight {num(out)}.")
    sd, sw = int(s.final.distinct[0]), s.config.hidden[0]
    second = (f"Sigmoid is different: sigmoid(0) = 0.5, so a signal passes, the output weights get a gradient and "
              f"then so do the hidden ones. From the same zero start, its weights moved as far as "
              f"**{num(_largest(s.final.weights))}**, yet the hidden layer behaves as "
              f"**{sd} of {sw} units**")
    second += (": every unit took the same step, so they moved together and stayed copies." if sd == 1
               else ": here the units came apart.")
    seed = ("So one of the seed texts is loose when it says zero weights “will move away from zero but they will be "
            "equal”: that holds for sigmoid, while with tanh (or ReLU, or no activation) zero weights never move.")
    return Explanation(correct, "\n\n".join((first, second, seed)))


def _inputs(res) -> Explanation:
    r = res["run"]
    W = r.final.weights[0]
    w, d = r.config.hidden[0], int(r.final.distinct[0])
    rows = float(np.max(np.abs(W[0] - W[1])))
    correct = "a" if d > 1 else "b" if rows > 0 else "c"
    if d > 1:
        first = (f"After training, the hidden layer behaves as **{d} of {w} units**: in this setup they did not "
                 "start as copies.")
    else:
        first = (f"After {plural(r.final.step, 'step')}, unit 1's weight from x₁ is **{num(float(W[0, 0]))}** and "
                 f"its weight from x₂ **{num(float(W[1, 0]))}**: a gap of {num(rows)}, because x₁ and x₂ carry "
                 f"different values into the gradient. But all {w} units have that same pair (the layer behaves as "
                 f"**{plural(d, 'unit')}**): each input reaches every unit through equal weights, so every unit "
                 "sees the same weighted sum and gets the same update.")
    debate = ("This settles the debate in the comments of the first seed text: different inputs make a unit's "
              "weights *from different inputs* differ, never *two units*. In the picture, the rows (one per input) "
              "differ, and the columns (one per unit) stay equal.")
    seed = ("It also corrects the blog excerpt's rule that weights “connected to the same neuron should never be "
            "initialized to the same value”: that speaks of the weights *into* one unit, which may well start equal, "
            "as here. What must not start equal is one unit and another: two units with the same incoming and "
            "outgoing weights stay copies.")
    return Explanation(correct, "\n\n".join((first, debate, seed)))


def _nudge(res) -> Explanation:
    r = res["run"]
    g0, g1 = _hidden_gap(r.snapshots[0]), _hidden_gap(r.final)
    ratio = g1 / g0 if g0 > 0 else (np.inf if g1 > 0 else 1.0)
    correct = "c" if ratio >= GROWN else "a" if ratio < SHRUNK else "b"
    d, w = int(r.final.distinct[0]), r.config.hidden[0]
    first = (f"The largest gap between two hidden units went from **{num(g0)}** at the start to **{num(g1)}** "
             f"after {plural(r.final.step, 'step')}")
    if g0 == 0:
        first += ": with no noise the units start exactly equal, and exactly equal they stay."
    elif correct == "c":
        first += (f", {times(ratio)} larger, and the layer now behaves as **{d} of {w} units**. The training loss "
                  f"went from {num(r.snapshots[0].train_loss)} to {num(r.final.train_loss)}.")
    else:
        first += f" ({times(ratio)} its start); the layer behaves as {d} of {w} units."
    why = ("Equal units are an *unstable* balance, the first seed text's “unstable equilibrium”: exactly on it, the "
           "gradient keeps them equal; a hair off it, and the units that differ a little are pushed to differ more. "
           "Once they have split, nothing brings them back.")
    return Explanation(correct, "\n\n".join((first, why)))


def _restarts(res) -> Explanation:
    rr, sg = res["restarts"]
    n = int(rr.finished.sum())
    shared = int(sg.shared.sum())
    correct = "a" if shared == 0 else "b" if 2 * shared < n else "c"
    first = (f"Of {plural(n, 'finished start')}, **{shared}** ended as the same network as another start, up to the "
             f"order of their hidden units, and the starts reached **{plural(sg.n_groups, 'different function')}** "
             "in all.")
    r = restarts_story.read(rr)
    more = restarts_story.solutions(r, sg)
    moved = int((sg.relabelled & sg.reordered).sum())
    swap = ("swap two hidden units, their weights in and out with them, and the network computes exactly the same "
            "function")
    why = ("Gradient descent only walks downhill from where it starts, so different starts can end in different "
           "minima: that is why the first seed text's comments suggest several restarts. " +
           (f"But some of those “different” minima are one network with its units in another order, as "
            f"{plural(moved, 'run')} here {'shows' if moved == 1 else 'show'}: {swap}." if moved else
            f"Two starts can also end as one network with its units in another order ({swap}), though no run "
            "here needed its units reordered to match another."))
    return Explanation(correct, "\n\n".join(p for p in (first, more, why) if p))


def _band(ratio: float) -> str:
    return "a" if ratio < 1 / depth_story.BAND else "b" if ratio > depth_story.BAND else "c"


def _scale(res) -> Explanation:
    big, small, sig = res["large"], res["small"], res["sigmoid"]
    g = depth_story.gradient_ratio(big)
    correct = _band(g)
    move = f"grew **{times(g)}**" if g > 1 else f"shrank to **{num(g)}** of its size"
    first = (f"With weights of size {num(big.spread)} in {big.depth} {units(big.activation)} layers of {big.width} "
             f"units, {percent(float(max(big.saturated)))} of a layer's outputs sit on the flat ends, and yet the "
             f"gradient {move} on its way down to layer 1: the large weights multiply it by more than the small slopes "
             "take away.")
    sg = depth_story.gradient_ratio(sig)
    second = (f"With sigmoid units and the same weights the gradient shrinks to {num(sg)} of its size: sigmoid's "
              "slope is at most 1/4, so every layer takes away more than the weights give back.")
    seed = ("So the blog excerpt's “too large weights saturate the units and the gradients vanish” holds for "
            "sigmoid, but not always for tanh, whose gradients can grow.")
    s = depth_story.signal_ratio(small)
    third = (f"Too small is no better: with weights of size {num(small.spread)}, the signal after "
             f"{small.depth} layers is {num(s)} of the input's size, and the gradient at layer 1 "
             f"{num(depth_story.gradient_ratio(small))} of the error's: both shrink layer after layer.")
    return Explanation(correct, "\n\n".join((first, second, seed, third)))


def _keep_scale(res) -> Explanation:
    x, h, xt = res["xavier"], res["he"], res["xavier_tanh"]
    ok = {k: depth_story.verdict(p) == "healthy" for k, p in (("xavier", x), ("he", h))}
    correct = {(True, True): "c", (True, False): "a", (False, True): "b", (False, False): "d"}[ok["xavier"], ok["he"]]

    def said(p):
        return (f"{start(p.init)} keeps **{num(depth_story.signal_ratio(p))}** of the input's size after {p.depth} "
                f"{units(p.activation)} layers ({depth_story.verdict(p)})")

    first = f"{said(h)}; {said(x)}."
    why = ("He's start is Xavier's times √2: ReLU zeroes half of its inputs, so each layer would lose half the "
           "signal's power without it. Xavier is made for units like tanh, which keep both signs: "
           f"{said(xt)}. Both pick the spread from the layer's size, so the signal, and the gradient on its way "
           "back, keep about their size through every layer.")
    return Explanation(correct, "\n\n".join((first, why)))


def _biases(res) -> Explanation:
    r = res["run"]
    f = run_story.facts(r)
    w, d = r.config.hidden[0], int(r.final.distinct[0])
    learned = run_story.learned(f)
    correct = "b" if learned and d == w else "a"
    first = (f"With every bias at {num(r.config.bias_value)} and {start(r.config.init)} weights, after "
             f"{plural(r.final.step, 'step')} the hidden layer behaves as **{d} of {w} units** and the network "
             f"classifies {percent(r.final.train_acc)} of the training points correctly (training loss "
             f"{num(r.snapshots[0].train_loss)} → {num(r.final.train_loss)}).")
    why = ("Equal starting values only matter where there is a twin to stay equal to. The random weights already "
           "make every unit different, so equal biases cannot make them copies: each bias gets its own unit's "
           "gradient and moves its own way.")
    return Explanation(correct, "\n\n".join((first, why, _lone_output(res["lone"]))))


def _lone_output(r) -> str:
    """The second run of the biases stop: the same network with its single output unit's weights started at 0."""
    start, later, end = (s.weights[-1].ravel() for s in (r.snapshots[0], r.snapshots[1], r.final))
    w, d = len(end), int(r.final.distinct[-1])
    values = lambda v: len(np.unique(v))  # noqa: E731 -- exact: equal weights are bit-for-bit equal
    if values(start) == 1 and float(start[0]) == 0.0:
        began = f"starts with all {w} of its output weights at exactly 0"
    else:
        began = f"starts with its {w} output weights at {values(start)} different values"
    first = (f"A single output unit has no twin either, so its weights may start at 0 too. In a second run the "
             f"same network {began}. By step {r.snapshots[1].step} they take {values(later)} different values, "
             f"and at step {r.final.step:,} they are {values(end)} different values, from {num(float(end.min()))} to "
             f"{num(float(end.max()))}; "
             f"that network classifies {percent(r.final.train_acc)} of the training points correctly.")
    if values(end) == 1:
        why = ("They stay equal because the hidden units they listen to behave alike (here "
               f"{d} of {w} behave differently): each output weight gets the error times its own unit's output.")
    else:
        why = ("Each output weight gets the error times its own hidden unit's output, so the output weights become "
               f"as different as the hidden units they listen to (here {d} of {w} behave differently).")
    return f"{first} {why}"


_EXPLAIN = {"copies": _copies, "zeros": _zeros, "inputs": _inputs, "nudge": _nudge, "restarts": _restarts,
            "scale": _scale, "keep_scale": _keep_scale, "biases": _biases}


def explain(stop_id: str, results: dict) -> Explanation:
    """The right choice at the stop, from its results' numbers, and the explanation."""
    return _EXPLAIN[stop_id](results)


def progress(k: int, n: int) -> str:
    """'Stop 3 of 8'."""
    return f"Stop {k} of {n}"
