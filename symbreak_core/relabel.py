"""Relabelling hidden units: which restarts found the same solution, and which found another one.

Hidden units are interchangeable: put a layer's units in another order (its columns of W and entries of b, and
the matching rows of the next layer's W) and the network computes exactly the same function, so every solution
comes in width! orderings. Two restarts that look different weight by weight may be one network relabelled.

A network here is (weights, biases) as RestartsResult.network(i) gives it: W: (fan_in, fan_out) per layer,
b: (fan_out,) per layer or None. A relabelling is one permutation per hidden layer, input side first;
perm[j] is the index in the network of the unit that goes to position j.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from .model import grid_extent, output

# Two finished runs compute the same function when they put at most this share of the grid (GRID_RES x GRID_RES
# points over the data's extent, the square the decision-boundary pictures show) in different classes. Judged by
# classes, not by the largest probability gap: near a steep boundary a tiny shift changes p by almost 1. Measured
# (50 seeds each): pairs of runs on XOR with 3 units disagree on at most 5% of the grid or on 10% and more, and on
# circles with 3 units on at most 7.5% or on 15% and more; 10% sits in both gaps. Elsewhere (moons with 4+4 units,
# XOR with 3+3) the shares run on without a gap and any line splits some pairs; a tenth of the square in the
# other class is plain to see in the pictures.
SAME_FUNCTION = 0.1
# A run relabelled onto its group's reference is the same network when no weight or bias then differs from the
# reference's by more than this share of the reference's largest |weight|. Measured (50-200 seeds): on XOR with
# 2 and 3 units and circles with 3, relabellings of one network sit below 0.2 and the next run above 0.4; the
# runs of a 16-unit net that compute one function sit at 0.6-1.2, other networks rather than relabellings. Starts
# of 0.5 plus tiny noise spread evenly from 0.02 to 0.5, and there the line is only a line.
SAME_WEIGHTS = 0.2
GRID_RES = 40  # points per side of the grid the functions are compared on


def relabel(net, perms):
    """The same network with the units of hidden layer l put in the order perms[l] (layers past len(perms) kept)."""
    weights, biases = net
    W = list(weights)
    b = None if biases is None else list(biases)
    for l, p in enumerate(perms):
        W[l], W[l + 1] = W[l][:, p], W[l + 1][p, :]
        if b is not None:
            b[l] = b[l][p]
    return W, b


def _units(net, l):
    """Rows = units of hidden layer l: incoming weights, bias, outgoing weights. (width, fan_in [+1] + fan_out)

    Outgoing weights into another hidden layer are sorted: that layer's units are not matched yet, so only the
    set of a unit's outgoing weights, not which unit each goes to, can be compared.
    """
    weights, biases = net
    out = weights[l + 1] if l + 2 == len(weights) else np.sort(weights[l + 1], axis=1)
    parts = [weights[l].T, out] if biases is None else [weights[l].T, biases[l][:, None], out]
    return np.concatenate(parts, axis=1)


def match_units(ref, net) -> list:
    """Per hidden layer, the permutation that best lines net's units up with ref's (input side first).

    Layer by layer, an optimal assignment (linear_sum_assignment) minimises the summed squared distance between
    matched units' incoming weights, biases and outgoing weights; layer l's permutation is applied before layer
    l+1 is matched, so its incoming weights are compared unit for unit. relabel(net, perms) is then net in ref's
    order.
    """
    perms = []
    for l in range(len(ref[0]) - 1):
        R, U = _units(ref, l), _units(relabel(net, perms), l)
        cost = np.sum((R[:, None, :] - U[None, :, :]) ** 2, axis=2)  # (ref unit, net unit)
        perms.append(linear_sum_assignment(cost)[1])
    return perms


def _flat(net) -> np.ndarray:
    weights, biases = net
    return np.concatenate([a.ravel() for a in [*weights, *(biases or [])]])


@dataclass(frozen=True, eq=False)
class SolutionGroups:
    """The finished runs of a RestartsResult grouped by the function they compute. Arrays are indexed like the seeds.

    A group's reference is its lowest-loss run; every other finished run joins the group of the nearest reference
    that computes the same function (SAME_FUNCTION), or starts a new group, runs taken from the lowest final
    training loss up. So references are pairwise different solutions, and every run is the same function as its
    own reference.
    """

    group: np.ndarray  # (S,) int: solution group, numbered from the lowest loss up; -1 where the run diverged
    reference: np.ndarray  # (G,) int: the run each group is compared with, its lowest-loss member
    perms: tuple  # per hidden layer (S, width) int: relabels run s onto its group's reference (identity if diverged)
    function_distance: np.ndarray  # (S,) share of the grid where run s and its reference differ in class, or NaN
    weight_distance: np.ndarray  # (S,) largest |weight difference| after relabelling / reference's largest |weight|
    relabelled: np.ndarray  # (S,) bool: not a reference, and within SAME_WEIGHTS of its reference once relabelled
    reordered: np.ndarray  # (S,) bool: the relabelling moves at least one unit

    @property
    def n_groups(self) -> int:
        return len(self.reference)

    @property
    def sizes(self) -> np.ndarray:
        """(G,) runs per group."""
        return np.bincount(self.group[self.group >= 0], minlength=self.n_groups)

    @property
    def shared(self) -> np.ndarray:
        """(S,) bool: runs that are one network with at least one other run, up to relabelling."""
        hit = np.zeros(len(self.group), dtype=bool)
        hit[self.reference[np.unique(self.group[self.relabelled])]] = True
        return hit | self.relabelled


def classes_on_grid(rr) -> np.ndarray:
    """(S, GRID_RES**2) bool: the class each finished run of rr predicts at each point of a grid over the data's
    extent (False throughout for a diverged run). One run at a time: arrays for all of them at once would be fresh
    memory from the OS, and its page faults cost more than the arithmetic."""
    xs = np.linspace(*grid_extent(rr.data.X), GRID_RES)
    gx, gy = np.meshgrid(xs, xs)
    G = np.column_stack([gx.ravel(), gy.ravel()])
    C = np.zeros((len(rr.seeds), len(G)), dtype=bool)
    for i in np.flatnonzero(rr.finished):
        # a probability for bce, the raw output otherwise: targets are 0 and 1, so 0.5 splits the classes either way
        C[i] = output(*rr.network(i), G, rr.config.activation, rr.config.loss)[:, 0] > 0.5
    return C


def solution_groups(rr) -> SolutionGroups:
    """Group the finished runs of a RestartsResult by the function they compute; relabel each onto its reference."""
    S = len(rr.seeds)
    order = np.flatnonzero(rr.finished)
    order = order[np.argsort(rr.train_loss[order], kind="stable")]
    C = classes_on_grid(rr)
    group, refs = np.full(S, -1), []
    func, weight = np.full(S, np.nan), np.full(S, np.nan)
    perms = tuple(np.tile(np.arange(W.shape[-1]), (S, 1)) for W in rr.weights[:-1])
    for i in order:
        d = np.mean(C[refs] != C[i], axis=1)
        if d.size and d.min() <= SAME_FUNCTION:
            group[i], func[i] = np.argmin(d), d.min()
        else:
            group[i], func[i] = len(refs), 0.0
            refs.append(i)
        ref = rr.network(refs[group[i]])
        p = match_units(ref, rr.network(i))
        for l, pl in enumerate(p):
            perms[l][i] = pl
        a = _flat(ref)
        weight[i] = np.max(np.abs(_flat(relabel(rr.network(i), p)) - a)) / max(np.max(np.abs(a)), np.finfo(float).tiny)
    reference = np.array(refs, dtype=int)
    relabelled = rr.finished & (weight <= SAME_WEIGHTS)
    relabelled[reference] = False
    reordered = np.zeros(S, dtype=bool)
    for p in perms:
        reordered |= np.any(p != np.arange(p.shape[1]), axis=1)
    return SolutionGroups(group=group, reference=reference, perms=perms, function_distance=func,
                          weight_distance=weight, relabelled=relabelled, reordered=reordered)


def example_pair(sg: SolutionGroups) -> tuple[int, int] | None:
    """Two runs to show before and after relabelling: the reference of the largest group with relabellings, and
    the relabelling of it that moved units and lies closest to it; None when no run is a relabelling of another."""
    shown = sg.relabelled & sg.reordered
    if not shown.any():
        shown = sg.relabelled
    if not shown.any():
        return None
    g = np.argmax(np.bincount(sg.group[shown], minlength=sg.n_groups))
    members = np.flatnonzero(shown & (sg.group == g))
    return int(sg.reference[g]), int(members[np.argmin(sg.weight_distance[members])])
