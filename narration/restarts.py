"""Restarts: which runs settled, how many different outcomes the settled ones reached, and how well they do.

`read(rr)` turns a RestartsResult into a Reading (the decisions, made once); the other functions turn a
Reading into the page's sentences. A run is *settled* when the last tenth of its steps made only a small share
of its whole change in training loss; only settled runs are grouped into outcomes, and only they are ever
called valleys. The sentences about solutions (`relabelling_note`, `solutions`, `pair_caption`) also take the
SolutionGroups of symbreak_core.relabel: which finished runs compute the same function, and which are the same
network with their hidden units relabelled.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from symbreak_core.relabel import GRID_RES, SAME_FUNCTION, SAME_WEIGHTS

from .words import join, num, percent, plural, power

# Final training losses (BCE, nats per point on this page) closer than this belong to one outcome; groups
# are chained after sorting, so a new group starts wherever two neighbouring losses are further apart.
# Guessing scores ln 2 = 0.69, so 0.01 is under 1.5% of the way from guessing to a perfect fit. Measured on
# the four presets (50 seeds): runs that have settled still drift 0.001-0.005 over their last tenth, and
# different outcomes sit 0.015 or more apart.
SAME_OUTCOME = 0.01
# A run whose last tenth of steps changed its training loss by more than this share of the whole run's change
# has not settled. A run going downhill at a steady pace makes a tenth of its progress in its last tenth of
# steps; below 2% it has slowed at least five-fold. Measured (50 seeds, 1,000 steps): on the four presets most
# runs sit at 0.1-1.2% and the few runs between two groups at 2.3-29%; with a learning rate of 0.05, every run
# is at 5-33%.
STILL_MOVING = 0.02
MAX_LISTED = 5  # outcome groups listed one by one; any further ones share one line

ADVICE_DIVERGED = "lower the learning rate or the spread"


@dataclass(frozen=True, eq=False)
class Group:
    """Settled runs whose sorted final losses have no gap wider than SAME_OUTCOME. runs index the seeds."""

    runs: np.ndarray
    loss_lo: float
    loss_hi: float
    acc_lo: float
    acc_hi: float


@dataclass(frozen=True, eq=False)
class Reading:
    """Every decision about one restarts() result. Masks are indexed like the seeds."""

    seeds: tuple
    n_seeds: int
    finished: np.ndarray  # bool
    moving: np.ndarray  # bool: finished, and late_share > STILL_MOVING
    late_share: np.ndarray  # |change over the last stretch| / |change over the whole run| (at most 1); NaN if diverged
    window: int  # steps in the last stretch
    steps: int
    train_loss: np.ndarray
    test_acc: np.ndarray
    groups: tuple  # of Group, lowest loss first
    verdict: str  # see verdict()
    seedless: str  # the start no seed can change ("every weight starting at 0.5"), or "" when seeds draw their own
    hidden: tuple  # widths of the hidden layers

    @property
    def n_finished(self) -> int:
        return int(self.finished.sum())

    @property
    def settled(self) -> np.ndarray:
        return self.finished & ~self.moving

    @property
    def n_settled(self) -> int:
        return int(self.settled.sum())

    @property
    def n_moving(self) -> int:
        return int(self.moving.sum())


def verdict(train_loss: np.ndarray, finished: np.ndarray, moving: np.ndarray) -> str:
    """The one reading of the spread, from mutually exclusive cases:

    "diverged"    no run finished
    "single"      one run finished: nothing to compare
    "identical"   every finished run ended at exactly the same loss, bit for bit
    "unsettled"   no finished run has settled
    "settled"     at least one run settled (some may still be moving): the outcome groups tell the story
    """
    loss = train_loss[finished]
    if loss.size == 0:
        return "diverged"
    if loss.size == 1:
        return "single"
    if np.all(loss == loss[0]):
        return "identical"
    if not np.any(finished & ~moving):
        return "unsettled"
    return "settled"


def outcome_groups(train_loss: np.ndarray, test_acc: np.ndarray, members: np.ndarray) -> tuple:
    """Groups of the runs in `members` (bool mask): sorted by final loss, split where a gap exceeds SAME_OUTCOME."""
    idx = np.flatnonzero(members)
    idx = idx[np.argsort(train_loss[idx], kind="stable")]
    if idx.size == 0:
        return ()
    cuts = np.flatnonzero(np.diff(train_loss[idx]) > SAME_OUTCOME) + 1
    return tuple(Group(runs=g, loss_lo=float(train_loss[g[0]]), loss_hi=float(train_loss[g[-1]]),
                       acc_lo=float(test_acc[g].min()), acc_hi=float(test_acc[g].max()))
                 for g in np.split(idx, cuts))


def _seedless_start(config) -> str:
    """How to name a start that every seed shares, or '' when the seeds change the run."""
    if config.perturbation > 0 or config.dropout > 0 or 0 < config.batch_size < config.n_samples:
        return ""
    if config.init == "zeros" or (config.init != "constant" and config.spread == 0):
        return "every weight starting at 0"
    if config.init == "constant":
        return f"every weight starting at {num(config.init_value)}"
    return ""


def read(rr) -> Reading:
    """Decide, once, what a RestartsResult shows."""
    finished = rr.finished
    late, whole = np.abs(rr.train_loss - rr.tail_loss), np.abs(rr.train_loss - rr.start_loss)
    # capped at 1 (a last stretch that moved the loss more than the whole run did); 0 for a loss that never changed
    late_share = np.divide(late, np.maximum(whole, late), out=np.where(np.isnan(late), np.nan, 0.0), where=late > 0)
    moving = finished & (late_share > STILL_MOVING)
    settled = finished & ~moving
    return Reading(
        seeds=tuple(rr.seeds), n_seeds=len(rr.seeds), finished=finished, moving=moving, late_share=late_share,
        window=rr.config.steps - rr.tail_start, steps=rr.config.steps, train_loss=rr.train_loss,
        test_acc=rr.test_acc, groups=outcome_groups(rr.train_loss, rr.test_acc, settled),
        verdict=verdict(rr.train_loss, finished, moving), seedless=_seedless_start(rr.config),
        hidden=rr.config.hidden,
    )


# ---- small phrases ----

def _span(lo: float, hi: float, fmt, sep: str = " to ") -> str:
    """'0.152 to 0.164', or one value when both read the same."""
    a, b = fmt(lo), fmt(hi)
    return a if a == b else f"{a}{sep}{b}"


def accuracy_span(lo: float, hi: float) -> str:
    return _span(lo, hi, percent)


def loss_span(lo: float, hi: float) -> str:
    return _span(lo, hi, num)


def _share(x: float) -> str:
    """A late share as a percentage, with as many decimals as it takes not to read as the threshold itself."""
    text = percent(x)
    if text != percent(STILL_MOVING) or x == STILL_MOVING:
        return text
    for digits in range(1, 6):
        text = f"{x:.{digits}%}"
        if float(text[:-1]) != 100 * STILL_MOVING:
            return text
    return f"just over {percent(STILL_MOVING)}" if x > STILL_MOVING else f"just under {percent(STILL_MOVING)}"


def _finished_acc(r: Reading) -> tuple[float, float]:
    acc = r.test_acc[r.finished]
    return float(acc.min()), float(acc.max())


# ---- what the page shows ----

def diverged_warning(r: Reading) -> str:
    """The warning above the results when some (not all) runs diverged; '' when none did."""
    n_bad = r.n_seeds - r.n_finished
    if n_bad == 0 or r.n_finished == 0:
        return ""
    return (f"{n_bad} of {r.n_seeds} runs diverged and {'is' if n_bad == 1 else 'are'} left out; "
            f"{ADVICE_DIVERGED}.")


def nothing_to_compare(r: Reading) -> str:
    """The error that replaces the results when every run diverged; '' otherwise."""
    if r.verdict != "diverged":
        return ""
    return f"Every run diverged, so there is nothing to compare. To get finished runs, {ADVICE_DIVERGED}."


def metrics(r: Reading) -> list[tuple[str, str]]:
    """(label, value) of the four numbers above the charts."""
    return [
        ("Seeds that finished", f"{r.n_finished} / {r.n_seeds}"),
        ("Settled runs", f"{r.n_settled} / {r.n_finished}"),
        ("Outcome groups", "1" if r.verdict == "identical" else f"{len(r.groups)}" if r.groups else "none yet"),
        ("Test accuracy", _span(*_finished_acc(r), percent, sep="–") if r.n_finished else "no run finished"),
    ]


def identical(r: Reading) -> str:
    """The box for a seed that changes nothing: every finished run ended at exactly the same loss."""
    if r.verdict != "identical":
        return ""
    loss = float(r.train_loss[r.finished][0])
    text = f"**All {r.n_finished} restarts ended at exactly the same loss, {loss:.6f}.** "
    if r.seedless:
        text += (
            f"With {r.seedless} and no added noise, the seed changes nothing: every run begins at the same weights, "
            "sees the same data and takes the same steps, bit for bit. Restarting a symmetric network is useless; "
            "it has one outcome, and it is the outcome of a network whose units are all copies of each other."
        )
    else:
        text += "The seed made no difference to where the runs ended."
    if r.n_moving:
        text += (" That one run has not settled yet: more steps would still change its loss, but for every seed "
                 "alike.")
    return text


def boundary_title(r: Reading, i: int, lowest: bool) -> str:
    """Short title of the decision boundary of seed number i, shown as the lowest or the highest final loss."""
    if r.verdict == "identical":
        return f"Seed {r.seeds[i]}"  # with one outcome there is no best or worst
    return f"{'Lowest' if lowest else 'Highest'} training loss: seed {r.seeds[i]}"


def boundary_caption(r: Reading, i: int) -> str:
    """The line under that boundary: its numbers, and whether the run has settled."""
    text = f"Final training loss {num(float(r.train_loss[i]))}, test accuracy {percent(float(r.test_acc[i]))}."
    if r.moving[i]:
        text += (f" Still moving: its last {plural(r.window, 'step')} made {_share(float(r.late_share[i]))} of its "
                 f"whole change in training loss.")
    return text


def _group_line(g: Group, n_settled: int) -> str:
    n = len(g.runs)
    return (f"- **{plural(n, 'run')}** ({percent(n / n_settled)}) at loss {loss_span(g.loss_lo, g.loss_hi)}, "
            f"test accuracy {accuracy_span(g.acc_lo, g.acc_hi)}")


def _groups_text(r: Reading) -> str:
    s, f, k = r.n_settled, r.n_finished, len(r.groups)
    who = f"All {f} finished runs" if s == f else f"{s} of the {f} finished runs"
    head = (f"**{who} settled**: in each, the last {plural(r.window, 'step')} made at most {percent(STILL_MOVING)} "
            f"of the run's whole change in training loss. ")
    if k == 1:
        head += f"Their final losses form **1 group**, with no gap wider than {num(SAME_OUTCOME)} between neighbours:"
    else:
        head += (f"Sorted by final loss they form **{plural(k, 'group')}** (a new group starts wherever two "
                 f"neighbouring losses are more than {num(SAME_OUTCOME)} apart):")
    lines = [_group_line(g, s) for g in r.groups[:MAX_LISTED]]
    rest = r.groups[MAX_LISTED:]
    if rest:
        n = sum(len(g.runs) for g in rest)
        lines.append(f"- {plural(len(rest), 'more group')}: {plural(n, 'run')} at loss "
                     f"{loss_span(rest[0].loss_lo, rest[-1].loss_hi)}")
    if k == 1:
        tail = ("Every finished run ends at about the same loss, so with these settings another restart changes "
                "little."
                if r.n_moving == 0 else "The runs still moving, below, may yet come to rest somewhere else.")
    else:
        low = len(r.groups[0].runs)
        tail = (f"Same network, same data, same steps: only the random start differs, and it decides where a run "
                f"comes to rest. Each group is a valley of the loss surface, or ground so flat that it looks like "
                f"one after {plural(r.steps, 'step')}. The lowest group holds {low} of the {s} settled runs "
                f"({percent(low / s)}): that share is the $p$ in the note below.")
    return "\n".join([head, *lines]) + "\n\n" + tail


def _advice(n: int) -> str:
    """What to do about n runs still moving."""
    if n == 1:
        return "Give it more steps, or a larger learning rate, and see where it settles."
    return "Give them more steps, or a larger learning rate, and see where they settle."


def _moving_text(r: Reading) -> str:
    m, f = r.n_moving, r.n_finished
    last = f"last {plural(r.window, 'step')}"
    share = _share(float(r.late_share[r.moving].max()))
    over = f"made more than {percent(STILL_MOVING)} of the run's whole change in training loss (up to {share})"
    if r.verdict == "unsettled":
        lo, hi = float(np.nanmin(r.train_loss)), float(np.nanmax(r.train_loss))
        return (f"**None of the {f} finished runs has settled yet**: in every one, the {last} {over}. "
                f"Their final losses ({loss_span(lo, hi)}) are points on the way, not outcomes, so they are not "
                f"grouped. {_advice(m)}")
    if m == 1:
        return (f"**1 run is still moving**: its {last} made {share} of its whole change in training loss, more "
                f"than {percent(STILL_MOVING)}. It has not come to rest, so it is left out of the groups. "
                f"{_advice(m)}")
    return (f"**{m} runs are still moving**: in each, the {last} {over}. They have not come to rest, so they are "
            f"left out of the groups. {_advice(m)}")


def summary(r: Reading) -> str:
    """'Reading the spread': what the settled runs reached, which runs are still moving, how well they all do."""
    if r.verdict in ("diverged", "identical"):
        return ""
    lo, hi = _finished_acc(r)
    if r.verdict == "single":
        return f"Only 1 run finished, so there is nothing to compare. It reaches {percent(lo)} test accuracy."
    parts = [] if r.verdict == "unsettled" else [_groups_text(r)]
    if r.n_moving:
        parts.append(_moving_text(r))
    parts.append(f"Test accuracy over all {r.n_finished} finished runs: {accuracy_span(lo, hi)}.")
    return "\n\n".join(parts)


# ---- solutions: the same function, the same network relabelled ----

def orderings(hidden) -> str:
    """How many orderings of the hidden units one network has: '3! = 6', '3! × 3! = 36', '16! × … ≈ 8.1 × 10³⁹'."""
    n = math.prod(math.factorial(w) for w in hidden)
    text = " × ".join(f"{w}!" for w in hidden)
    if n < 10**6:
        return f"{text} = {n:,}"
    mantissa, exponent = f"{n:.1e}".split("e")
    return f"{text} ≈ {mantissa} × {power(int(exponent))}"


def _layers_of(hidden) -> str:
    """'3 hidden units', '2 hidden layers of 3 units', 'hidden layers of 3 and 4 units'."""
    if len(hidden) == 1:
        return plural(hidden[0], "hidden unit")
    if len(set(hidden)) == 1:
        return f"{len(hidden)} hidden layers of {plural(hidden[0], 'unit')}"
    return f"hidden layers of {join(hidden)} units"


def relabelling_note(r: Reading) -> str:
    """Why runs can be one network with different weights: hidden units relabelled."""
    if not r.hidden:
        return "With no hidden layer there are no hidden units to relabel: each set of weights is its own network."
    if all(w == 1 for w in r.hidden):
        return ("Hidden units are interchangeable, but with one unit per hidden layer there is only one order to "
                "put them in: no two different sets of weights are the same network relabelled.")
    return (f"Hidden units are interchangeable: give a layer's units another order, each keeping its incoming "
            f"weights, bias and outgoing weights, and the network computes exactly the same function. With "
            f"{_layers_of(r.hidden)}, every solution comes in {orderings(r.hidden)} orderings, so two runs whose "
            f"weights look nothing alike can be one network with its units relabelled. To tell, each run's units are "
            f"matched to those of its solution's first run by an optimal assignment on their incoming and outgoing "
            f"weights, layer by layer from the input side.")


def _same_network_text(sg, n: int) -> str:
    k, moved = int(sg.shared.sum()), int((sg.relabelled & sg.reordered).sum())
    if k == 0:
        head = f"**No two of the {n} finished runs are the same network relabelled**: "
        if sg.n_groups == n:
            return head + "they compute different functions."
        return head + (f"matched unit for unit with its solution's first run, every other run still differs from it in "
                       f"some weight or bias by more than {percent(SAME_WEIGHTS)} of the first run's largest weight.")
    who = f"All {n}" if k == n else f"{k} of the {n}"
    text = (f"**{who} finished runs reached the same network as another run, up to relabelling**: once a run's hidden "
            f"units are matched to those of its solution's first run, none of its weights or biases differs from that "
            f"run's by more than {percent(SAME_WEIGHTS)} of the first run's largest weight. ")
    if moved == 0:
        return text + "Their units were already in the same order."
    return text + (f"In {plural(moved, 'run')} the matching put the units in another order: "
                   f"{'its' if moved == 1 else 'their'} weights look different until relabelled.")


def _functions_text(sg, n: int) -> str:
    m, agree, grid = sg.n_groups, percent(1 - SAME_FUNCTION), f"a {GRID_RES} × {GRID_RES} grid over the data"
    if m == 1:
        return (f"**1 solution**, judged by what the runs compute, not by their weights: every finished run predicts "
                f"the same class as the lowest-loss run on at least {agree} of {grid} (the square of the pictures "
                f"above).")
    sizes = join(int(x) for x in sg.sizes)
    return (f"**{m} genuinely different solutions**, judged by what the runs compute, not by their weights: on "
            f"{grid} (the square of the pictures above), each run predicts the same class as its solution's first "
            f"(lowest-loss) run on at least {agree} of the points, and the first runs of two solutions disagree on "
            f"more than {percent(SAME_FUNCTION)}. Runs per solution, from the lowest loss up: {sizes}.")


def solutions(r: Reading, sg) -> str:
    """What the finished runs reached, judged by function and up to relabelling; '' when there is nothing to say."""
    if r.verdict in ("diverged", "single"):
        return ""
    n = r.n_finished
    if r.verdict == "identical" and r.seedless:
        return (f"With {r.seedless} and no added noise, every seed gives the same run, bit for bit: all {n} finished "
                f"runs are one network, so there is one solution and nothing to relabel.")
    parts = [_functions_text(sg, n), _same_network_text(sg, n)]
    other = n - sg.n_groups - int(sg.relabelled.sum())
    if other:
        parts.append(f"{plural(other, 'run')} compute{'s' if other == 1 else ''} the same function as "
                     f"{'its' if other == 1 else 'their'} solution's first run with weights that stay more than "
                     f"{percent(SAME_WEIGHTS)} apart even after relabelling: one function, more than one network.")
    if r.verdict == "unsettled":
        parts.append("None of these runs has settled yet: these are the functions they compute now, not where "
                     "they will end.")
    return "\n\n".join(parts)


def solution_label(sg, g: int) -> str:
    """Legend name of solution g (0-based): 'Solution 1 (17 runs)'."""
    return f"Solution {g + 1} ({plural(int(sg.sizes[g]), 'run')})"


def pair_titles(r: Reading, ref: int, i: int) -> tuple[str, str, str]:
    """Titles of the three weight charts: the solution's first run, run i as trained, run i relabelled."""
    return f"Seed {r.seeds[ref]}", f"Seed {r.seeds[i]} as trained", f"Seed {r.seeds[i]} relabelled"


def pair_caption(r: Reading, sg, i: int) -> str:
    """The words under run i's weights shown beside its solution's first run's, before and after relabelling."""
    ref = int(sg.reference[sg.group[i]])
    a, b = f"seed {r.seeds[ref]}", f"seed {r.seeds[i]}"
    moved = sum(int(np.sum(p[i] != np.arange(p.shape[1]))) for p in sg.perms)
    how = (f"{plural(moved, 'hidden unit')} of {sum(r.hidden)} change{'s' if moved == 1 else ''} place"
           if moved else "no hidden unit changes place")
    w = float(sg.weight_distance[i])
    gap = ("every weight and bias is then exactly the same" if w == 0 else
           f"its largest weight difference is then {percent(w)} of {a}'s largest weight" if w <= SAME_WEIGHTS
           else f"its largest weight difference is still {percent(w)} of {a}'s largest weight: not the same network")
    return f"Before: {a} and {b} as trained. After: {b} with its hidden units put in {a}'s order ({how}); {gap}."
