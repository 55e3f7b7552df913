"""A training run in words: the Playground's "What's happening" and Side by side's notes and "Why".

Numbers in, sentences out. `facts` reads what the sentences need from an engine result (a TrainResult,
optionally with the weights of a live Trainer); `notes` turns them into the verdicts both pages show.
Each verdict comes from one decision function, so two that exclude each other are never printed together:

    layer_verdict   per hidden layer: single unit / dead / copies / partly distinct / all distinct
    movement        since step 0: nothing moved / only some parameters moved / some stopped now / all move
    learned         the training data fitted (LEARNED_ACCURACY) or not
    saturation      named only when it is what holds learning back (see `saturation_layers`)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .words import join, layers, num, percent, plural, start, units

LEARNED_ACCURACY = 0.9  # "learned" = at least 9 in 10 training points right (a coin gets about half) and a
# lower loss than at step 0; below it the app never says a network learned, whatever its units look like.
SATURATED_SHARE = 0.3  # a layer with this share of its outputs on tanh's or sigmoid's flat ends has lost a good
# part of its gradient; named only when nothing else explains a run that has not learned.
SATURATING = ("tanh", "sigmoid")
ZERO_AT_ZERO = ("tanh", "relu", "leaky_relu", "identity")  # f(0) = 0: all-zero weights make every output 0


@dataclass(frozen=True)
class RunFacts:
    """What the sentences about one run need. Per-layer tuples run from the input side."""

    activation: str
    widths: tuple  # hidden layer widths
    step: int  # steps taken
    status: str  # "running", "done" or "diverged"
    diverged_at: int | None
    reason: str  # the engine's reason for divergence
    distinct: tuple  # per hidden layer: units that behave differently
    gaps: tuple  # per hidden layer: the largest difference between two units' weights (exactly 0 = copies)
    dead: tuple  # per hidden layer: share of units that output 0 on every training input
    dead_at_start: tuple
    saturated: tuple  # per hidden layer: share of outputs on the activation's flat ends
    moved_weights: tuple  # per weight matrix: changed since step 0
    moved_biases: tuple | None  # per bias vector: changed since step 0 (None: no biases)
    zero_gradient: tuple  # per weight matrix: the last step's gradient was exactly 0
    zero_start: bool  # every weight was exactly 0 at step 0
    measured_at: int  # the step of the loss and accuracy below
    loss_start: float  # training loss at step 0
    loss: float
    accuracy: float  # training accuracy
    test_accuracy: float
    still_since: int | None = None  # no weight or bias has changed since this step: every step repeats the last


def facts(result, weights=None, biases=None, symmetry=None) -> RunFacts:
    """RunFacts of an engine TrainResult at its last snapshot; a live Trainer passes its weights now and
    its symmetry() (distinct units and gaps of those weights), which may be a few steps past that snapshot."""
    first, snap = result.snapshots[0], result.final
    weights = snap.weights if weights is None else weights
    biases = snap.biases if biases is None else biases
    sym = symmetry or {"distinct": snap.distinct, "gap": snap.gap}
    grads = result.grad_norms[-1] if result.steps_done else np.ones(len(weights))
    return RunFacts(
        activation=result.config.activation, widths=tuple(result.config.hidden), step=result.steps_done,
        status=result.status, diverged_at=result.diverged_at, reason=result.reason,
        distinct=tuple(sym["distinct"]), gaps=tuple(float(g) for g in sym["gap"]),
        dead=tuple(snap.dead), dead_at_start=tuple(first.dead), saturated=tuple(snap.saturated),
        moved_weights=tuple(_moved(W, W0) for W, W0 in zip(weights, first.weights)),
        moved_biases=None if biases is None else tuple(_moved(b, b0) for b, b0 in zip(biases, first.biases)),
        zero_gradient=tuple(bool(g == 0) for g in grads),
        zero_start=all(not np.any(W) for W in first.weights),
        measured_at=snap.step, loss_start=float(first.train_loss), loss=float(snap.train_loss),
        accuracy=float(snap.train_acc), test_accuracy=float(snap.test_acc), still_since=result.still_since,
    )


def _moved(now, then) -> bool:
    """not np.array_equal(now, then) (a NaN has moved), without its own checks."""
    return now.shape != then.shape or bool((now != then).any())


# ---- the decisions ----

def layer_verdict(width: int, distinct: int, dead: float) -> str:
    """One verdict per hidden layer: "single" (1 unit wide), "dead" (every unit outputs 0 on every input),
    "copies" (all units behave as one), "distinct" (every unit differs) or "partly" (some groups)."""
    if width == 1:
        return "single"
    if dead >= 1.0:
        return "dead"
    if distinct <= 1:
        return "copies"
    return "distinct" if distinct >= width else "partly"


def verdicts(f: RunFacts) -> list[str]:
    return [layer_verdict(w, d, x) for w, d, x in zip(f.widths, f.distinct, f.dead)]


def movement(f: RunFacts) -> str:
    """Since step 0: "start" (no step yet), "frozen" (nothing moved), "partly" (some parameters never moved),
    "still" (all moved, and none has changed since some step: every step repeats the last), "stopped" (all moved,
    but some weight matrices have an exactly zero gradient now) or "moving"."""
    if f.step == 0:
        return "start"
    moved = f.moved_weights + (f.moved_biases or ())
    if not any(moved):
        return "frozen"
    if not all(moved):
        return "partly"
    if f.still_since is not None:
        return "still"
    return "stopped" if any(f.zero_gradient) else "moving"


def learned(f: RunFacts) -> bool:
    """The rule for ever saying a network learned: LEARNED_ACCURACY of the training points right, and a lower
    training loss than at step 0."""
    return f.step > 0 and f.accuracy >= LEARNED_ACCURACY and f.loss < f.loss_start


def saturation_layers(f: RunFacts) -> list[int]:
    """Layers (1-based) whose saturation is named: only in a run that has not learned, whose units are neither
    copies nor dead and whose parameters all move, so nothing else explains the stall; then every layer with
    at least SATURATED_SHARE of its outputs on the flat ends."""
    if (f.activation not in SATURATING or f.step == 0 or learned(f) or movement(f) != "moving"
            or {"copies", "dead", "single"} & set(verdicts(f)) or any(f.dead)):
        return []
    return [k for k, s in enumerate(f.saturated, start=1) if s >= SATURATED_SHARE]


# ---- the sentences ----

def notes(f: RunFacts) -> list[str]:
    """The verdicts about a run, most important first: what both pages show."""
    if f.status == "diverged":
        return [diverged(f)]
    # Dead units may be why a network has not learned, so then they come first; a network that learned despite a
    # few is told that first (a projector shows only the first sentence).
    dead, alike, fit = _dead_notes(f), _copies_notes(f) + _single_notes(f), [_learning_note(f)]
    out = _movement_notes(f) + (alike + fit + dead if learned(f) else dead + alike + fit)
    out += _partly_notes(f)
    sat = saturation_layers(f)
    if sat:
        share = max(f.saturated[k - 1] for k in sat)
        out.append(f"{'Up to ' if len(sat) > 1 else ''}{percent(share)} of the outputs of {layers(sat)} sit on "
                   f"{f.activation}'s flat ends, where its slope is almost 0: the gradients through them nearly "
                   "vanish, and nothing else here holds learning back. Start from smaller weights (Xavier scales "
                   "them to the layer sizes).")
    elif f.measured_at > 0 and not learned(f) and len(out) == 1:  # no cause found: say what to try
        out.append("Keep training; if the loss stops falling, try another learning rate or another start."
                   if f.status == "running" else "More steps may get there, or another learning rate or start.")
    return [s for s in out if s]


def whats_happening(f: RunFacts) -> list[str]:
    """The Playground's panel: the verdicts, then what to press."""
    out = notes(f)
    if f.status == "done":
        out.append(f"Training finished after {plural(f.step, 'step')}. Press Reset to watch it again.")
    elif f.step == 0 and f.status == "running":
        out.append("Press Play (or Step) to start training.")
    return out


def share_note(step: int) -> str:
    """What the Playground's share link promises; a paused run's link carries its step."""
    if step:
        return (f"Anyone who opens this link sees exactly this run, paused at step {step:,}: the same data, the same "
                "initial weights and every number and chart as they are now.")
    return "Anyone who opens this link sees exactly this run: same data, same initial weights, same curves."


def slowed(per_second: float, playing: int) -> str:
    """The Playground's note while its live view refreshes less often than the fastest pace, to share the server.

    per_second is the pace the server offers, an upper bound: a saturated server delivers fewer refreshes, so the
    note never promises a rate."""
    rate = f"{per_second:.2g}"
    if playing <= 1:
        return (f"Live view at up to {rate} refreshes a second: a network this size takes the server a while to "
                "draw, so it refreshes less often than the fastest pace of 10 a second.")
    return (f"Live view slowed to at most {rate} refreshes a second so that the {playing} runs playing on this "
            "server share it fairly.")


BUSY = "The server is busy; training resumes in a moment."


def live_line(interval: float, fastest: float, playing: int, trained: bool = True) -> str:
    """The line under the Playground's live charts after a refresh: that the server had no room to train
    (trained False), that the view refreshes less often than the fastest pace (every `interval` s against every
    `fastest` s, with `playing` runs on the server: slowed), or nothing."""
    if not trained:
        return BUSY
    return slowed(1 / interval, playing) if interval > fastest else ""


def speed_capped(per_refresh: int) -> str:
    """The Playground's note when the network is too big for the Speed setting."""
    return (f"Speed capped at {plural(per_refresh, 'step')} per refresh for a network this size, so everyone "
            "sharing the server stays fast.")


# A sentence ends where a capital or a digit follows its stop ("... at step 200). 2 of the 8 units ...")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def headline(panel: list[str]) -> tuple[str, str]:
    """The panel for a projector: (its first sentence, the rest of it, '' when there is none).

    The first note is the most important verdict, and its first sentence states it; the rest explains it.
    """
    text = " ".join(panel)
    parts = _SENTENCE_END.split(text, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


# Not presenting, a panel's note this long or shorter is shown whole; a longer one shows its first sentences, up
# to NOTE_HEAD characters (at least one sentence), and folds the rest: the note's box is then no taller than the
# two rows of numbers beside it (four lines, or three and "The whole note"), which leaves a chart on the first
# screen of a 1280x720 projector under a preset's three-line caption, and the charts do not move down as a run's
# note grows.
NOTE_WHOLE = 200
NOTE_HEAD = 150


def panel_words(panel: list[str], present: bool) -> tuple[str, str]:
    """The Playground's note as (what shows, what is folded under it, '' when nothing is): presenting, its first
    sentence (headline); otherwise all of it when it is short, else its first sentences."""
    if present:
        return headline(panel)
    text = " ".join(panel)
    if len(text) <= NOTE_WHOLE:
        return text, ""
    sentences = _SENTENCE_END.split(text)
    n = 1
    while n < len(sentences) and len(" ".join(sentences[:n + 1])) <= NOTE_HEAD:
        n += 1
    return " ".join(sentences[:n]), " ".join(sentences[n:])


PER_LAYER_NUMBERS = 3  # up to this many hidden layers, each has its own number of distinct units; deeper, one
# number lists them all, so that the numbers take two rows beside the note and a chart still shows on a projector


def distinct_numbers(distinct, widths) -> list[tuple[str, str]]:
    """(label, value) of the numbers that give each hidden layer's distinct units (the symmetry meter's count)."""
    if len(widths) <= PER_LAYER_NUMBERS:
        return [(f"Layer {k} distinct", f"{d} / {w}") for k, (d, w) in enumerate(zip(distinct, widths), start=1)]
    if len(set(widths)) == 1:
        return [(f"Layers 1–{len(widths)} distinct (of {widths[0]})", ", ".join(str(d) for d in distinct))]
    return [(f"Layers 1–{len(widths)} distinct", ", ".join(f"{d}/{w}" for d, w in zip(distinct, widths)))]


def diverged(f: RunFacts) -> str:
    return (f"Training diverged at step {f.diverged_at:,}: {f.reason}. The updates grew instead of settling, so "
            "the learning rate is too large for this start: lower it (or start from smaller weights) and train "
            "again.")


def _weight_names(ls, n: int) -> list[str]:
    """'the weights into layers 1 and 2', 'the output weights' for weight matrices ls (0-based) of n."""
    hidden = [l + 1 for l in ls if l < n - 1]
    return ([f"the weights into {layers(hidden)}"] if hidden else []) + (["the output weights"] if n - 1 in ls else [])


def _param_names(f: RunFacts, moved: bool) -> list[tuple[str, bool]]:
    """(name, is plural) of the weight matrices and bias vectors that moved (moved=True) or did not."""
    n = len(f.moved_weights)
    ws = [l for l in range(n) if f.moved_weights[l] == moved]
    bs = [] if f.moved_biases is None else [l for l in range(n) if f.moved_biases[l] == moved]
    out = [("all the weights", True)] if len(ws) == n and n > 1 else [(w, True) for w in _weight_names(ws, n)]
    hidden_b = [l + 1 for l in bs if l < n - 1]
    if hidden_b:
        out.append(("the hidden biases" if len(hidden_b) == n - 1 else f"the biases of {layers(hidden_b)}", True))
    if n - 1 in bs:
        out.append(("the output bias", False))
    return out


def _movement_notes(f: RunFacts) -> list[str]:
    kind = movement(f)
    out = []
    if kind == "frozen":
        what = "every weight and bias" if f.moved_biases is not None else "every weight"
        out.append(f"Nothing has changed in {plural(f.step, 'step')}: every gradient is exactly zero, so {what} "
                   "still has its starting value.")
    elif kind == "partly":
        moved, still = _param_names(f, True), _param_names(f, False)
        many = len(still) > 1 or still[0][1]
        out.append(f"In {plural(f.step, 'step')} only {join(n for n, _ in moved)} changed; "
                   f"{join(n for n, _ in still)} still {'have' if many else 'has'} exactly "
                   f"{'their' if many else 'its'} starting value{'s' if many else ''}, because "
                   f"{'their gradients are' if many else 'its gradient is'} exactly zero.")
    elif kind == "stopped":
        stopped = [l for l, z in enumerate(f.zero_gradient) if z]
        names = _weight_names(stopped, len(f.zero_gradient))
        out.append(f"The gradients of {join(names)} are exactly zero now: those weights have stopped changing.")
    if kind in ("partly", "still") and f.still_since is not None:
        what = "weight or bias" if f.moved_biases is not None else "weight"
        out.append(f"Since step {f.still_since:,} no {what} has changed at all, not even in the last digit: every "
                   f"step after it repeats step {f.still_since:,} exactly, so the run has stopped for good.")
    if kind in ("frozen", "partly") and f.zero_start and f.activation in ZERO_AT_ZERO:
        bias = ""
        if [n for n, _ in _param_names(f, True)] == ["the output bias"]:
            bias = (" Only the output bias, which multiplies no input, learned: it moved the output to the share of "
                    "each class, the same for every point, and stays there." if f.still_since is not None else
                    " Only the output bias, which multiplies no input, learns: it moves the output towards the share "
                    "of each class, the same for every point.")
        out.append(f"Every weight started at 0 and {units(f.activation)}(0) = 0, so every hidden unit outputs 0 on "
                   "every input. A weight's gradient is its input times the error at its unit, so the output weights "
                   "get none; and the error sent back to the hidden layers is multiplied by the output weights, which "
                   f"are 0.{bias} Start from random weights.")
    return out


def _dead_notes(f: RunFacts) -> list[str]:
    vs = verdicts(f)
    whole = [k for k, v in enumerate(vs, start=1) if v == "dead"]
    some = [k for k, (v, d) in enumerate(zip(vs, f.dead), start=1) if v != "dead" and d > 0]
    out = []
    if whole:
        out.append(f"Every unit of {layers(whole)} is dead: it outputs 0 on every training input, so it passes "
                   "nothing on and gets no gradient back, and no update can revive it.")
    if some:
        counts = [round(f.dead[k - 1] * f.widths[k - 1]) for k in some]
        widths = {f.widths[k - 1] for k in some}
        if len(some) > 1 and len(widths) == 1 and min(widths) > 1:  # the width said once: a deep network's
            parts = [f"{plural(counts[0], 'unit')} of layer {some[0]}"] + [  # list stays short
                f"{n} of layer {k}" for n, k in zip(counts[1:], some[1:])]
            whose = f" (out of {widths.pop()} in each)"
        else:
            parts = [f"the only unit of layer {k}" if f.widths[k - 1] == 1 else
                     f"{n} of the {f.widths[k - 1]} units of layer {k}" for n, k in zip(counts, some)]
            whose = ""
        one = sum(counts) == 1
        out.append(f"{join(parts)}{whose} {'is' if one else 'are'} dead: {'it outputs' if one else 'they output'} 0 "
                   f"on every training input, so {'its' if one else 'their'} own weights get no gradient and do not "
                   "change.")
    if (whole or some) and not f.zero_start:  # a zero start is explained with the movement
        ks = whole + some
        before = [f.dead_at_start[k - 1] >= f.dead[k - 1] for k in ks]
        one = not whole and sum(round(f.dead[k - 1] * f.widths[k - 1]) for k in some) == 1
        if all(before):
            cause = (f"{'It was' if one else 'They were'} dead from the start: the starting weights and bias make "
                     f"every input {'it gets' if one else 'they get'} 0 or negative.")
            fix = " Start from other weights."
        else:
            cause = ("Some were dead from the start; the others died during training" if any(
                f.dead_at_start[k - 1] > 0 for k in ks) else f"{'It' if one else 'They'} died during training")
            whose = "its" if one else "each one's"
            cause += f": an update pushed {whose} input below 0 on every point."
            fix = " Lower the learning rate and train again (leaky ReLU units never go completely silent)."
        out.append(cause + ("" if f.step == 0 or learned(f) else fix))
    return out


def _copies_notes(f: RunFacts) -> list[str]:
    ks = [k for k, v in enumerate(verdicts(f), start=1) if v == "copies"]
    if not ks:
        return []
    widths = {f.widths[k - 1] for k in ks}
    head = (f"All {widths.pop()} units of {layers(ks)}" if len(widths) == 1 else f"All the units of {layers(ks)}")
    s = head + (" behave as one: the layer works like a single unit." if len(ks) == 1
                else " behave as one: each of these layers works like a single unit.")
    gap = max(f.gaps[k - 1] for k in ks)
    if gap == 0:
        s += (" Their weights are exactly equal, so every step gives them exactly the same update and they stay "
              "copies.")
    else:
        s += f" Their weights differ by at most {num(gap, 2)}, too little to make them behave differently."
    return [s]


def _partly_notes(f: RunFacts) -> list[str]:
    """Layers whose units fall into fewer groups than they have units, beyond what their dead units explain
    (dead units all output 0, so they always behave as one): wider than they act."""
    ks = []
    for k, (v, w, d, dead) in enumerate(zip(verdicts(f), f.widths, f.distinct, f.dead), start=1):
        n_dead = round(dead * w)
        if v == "partly" and w - d > max(n_dead - 1, 0):
            ks.append(k)
    out = []
    groups = dict.fromkeys((f.widths[k - 1], f.distinct[k - 1]) for k in ks)
    if len(groups) > 1 and len({w for w, _ in groups}) == 1:  # one width, several counts: one sentence
        counts = join(f.distinct[k - 1] for k in ks)
        return [f"The {f.widths[ks[0] - 1]} units of {layers(ks)} behave as {counts} different units, layer by layer: "
                "the others are near-copies of these, so each layer is narrower than it looks."]
    for w, d in groups:
        same = [k for k in ks if (f.widths[k - 1], f.distinct[k - 1]) == (w, d)]
        each = " each" if len(same) > 1 else ""
        out.append(f"The {w} units of {layers(same)}{each} behave as {plural(d, 'different unit')}: the others are "
                   f"near-copies of these, so {'each' if each else 'the'} layer is narrower than it looks.")
    return out


def _single_notes(f: RunFacts) -> list[str]:
    """Named only in a run that has not learned: one unit is then a likely limit."""
    ks = [k for k, v in enumerate(verdicts(f), start=1) if v == "single"]
    if not ks or f.step == 0 or learned(f):
        return []
    one = len(ks) == 1
    return [f"{layers(ks).capitalize()} {'has' if one else 'each have'} a single unit, so everything the network "
            f"knows passes through one number there: give {'it' if one else 'them'} more units."]


def _learning_note(f: RunFacts) -> str:
    if f.step == 0:
        return ""
    if f.measured_at == 0:  # a few steps taken one at a time, say: nothing to compare yet (this note once said
        # "loss 4.58 at step 0, 4.58 at step 0")
        return ("Nothing has been measured since step 0 yet: the loss and accuracy are measured every few steps, "
                "so the training loss shown is still step 0's.")
    scores = (f"{percent(f.accuracy)} of the training points are classified right (loss {num(f.loss_start)} at "
              f"step 0, {num(f.loss)} at step {f.measured_at:,})")
    if learned(f):
        if set(verdicts(f)) == {"distinct"}:
            return f"Every unit of every layer behaves differently, and together they fit the data: {scores}."
        return f"The network fits the training data: {scores}."
    return f"The network has not learned the data: {scores}."


# ---- Side by side ----

def summary(label: str, f: RunFacts) -> str:
    """The head of a run's note on Side by side: its numbers at the end."""
    units = ", ".join(f"{d} of {w}" for d, w in zip(f.distinct, f.widths))
    return (f"**{label}**: test accuracy {percent(f.test_accuracy)} at step {f.measured_at:,}; units that behave "
            f"differently in each hidden layer: {units}.")


def stuck(f: RunFacts) -> bool:
    """Every hidden layer is a stack of copies (and at least one is wider than 1 unit)."""
    vs = verdicts(f)
    return "copies" in vs and set(vs) <= {"copies", "single"}


def why(runs: dict) -> str:
    """The paragraph under Side by side's notes, when some runs stayed copies and others did not; else ''.

    runs: {label: RunFacts}."""
    copies = [k for k, f in runs.items() if stuck(f)]
    free = [k for k, f in runs.items() if f.status != "diverged" and set(verdicts(f)) & {"distinct", "partly"}
            and set(verdicts(f)) <= {"distinct", "partly", "single"}]
    if not copies or not free:
        return ""
    return ("Why: when every weight into a layer starts equal, every unit of that layer computes the same number on "
            "every input, gets the same error signal back, and so the same update; after the update they are equal "
            "again. Different inputs do not break the tie, because every unit sees the same inputs through the "
            f"same weights. **{join(copies)}** {'shows' if len(copies) == 1 else 'show'} exactly that. A random "
            f"start (**{join(free)}**) gives each unit its own weights, so each gets its own gradient and the units "
            "can learn different things.")


# ---- An exported animation ----

def setup(config) -> str:
    """A run's setup in one line, for an exported animation's title: its data, layer widths, units and start
    ("xor, 8-8 tanh, He (normal) start")."""
    widths = "-".join(map(str, config.hidden))
    return f"{config.dataset}, {widths} {units(config.activation)}, {start(config.init)} start"
