"""The worked 2-2-2-1 example: what its numbers show at one iteration, read from a worked_example.WorkedRun.

Every claim is read off the run's arrays (weights, derivatives dy/dw and unit outputs at each iteration);
"equal" always means bit-for-bit equal, the way the table colours them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from symbreak_core.worked_example import EDGES, NAMES, UNITS

from .words import join, plural, scientific

GROUPS = (("w1", "w2"), ("w3", "w4"), ("w5", "w6", "w7", "w8"), ("w9", "w10"))  # what a constant start keeps equal
GROUP_TEX = ("w_1 = w_2", "w_3 = w_4", "w_5 = w_6 = w_7 = w_8", "w_9 = w_{10}")


def _tex(name: str) -> str:
    """A node or weight name in LaTeX: w10 -> w_{10}, y1 -> y_1, y -> y."""
    letter, digits = re.fullmatch(r"([a-z]+)(\d*)", name).groups()
    return letter if not digits else f"{letter}_{digits}" if len(digits) == 1 else f"{letter}_{{{digits}}}"


def equations() -> str:
    """The network's five equations in LaTeX, one a line (fits a phone), from the engine's wiring."""
    lines = [f"{_tex(node)} &= " + " + ".join(f"{_tex(w)}{_tex(a)}" for w, (a, b) in EDGES.items() if b == node)
             for node in UNITS]
    return r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}"


@dataclass(frozen=True)
class Worked:
    """Everything the page says about iteration n."""

    checks: list  # [(holds, markdown)]: the equal groups, then w1 != w3
    status: tuple | None  # ("error" | "success", markdown), or None
    derivatives: str  # LaTeX, one aligned line per weight: the chain rule, then its numbers
    derivatives_short: str  # the same lines with the numbers only (narrow: beside the diagram on a projector)
    derivatives_caption: str
    derivatives_short_caption: str  # under the short lines, which have no heading
    summary: str
    relu_note: str | None
    relu_answer: str


def overflow_note(last: int, steps: int) -> str | None:
    """Why the iteration slider stops early, when it does."""
    if last >= steps:
        return None
    return (f"The numbers overflow after iteration {last}: the objective is the output itself, which has no minimum, "
            f"so a large learning rate sends it off to minus infinity. The slider stops at {last}; lower the "
            "learning rate to follow more iterations.")


def explain(run, n: int, last: int) -> Worked:
    """The explanation of iteration n of `run`, whose iterations 0..last are finite."""
    s = _State(run, n, last)
    return Worked(_checks(s), _status(s), _derivatives(s), _derivatives(s, short=True), _caption(s),
                  _caption(s, short=True), _summary(s), _relu_note(s), relu_answer(run))


class _State:
    """The numbers of one iteration, by name, and the facts every sentence needs."""

    def __init__(self, run, n: int, last: int):
        self.run, self.n, self.last = run, n, last
        self.x1, self.x2 = run.x
        self.relu = run.activation == "relu"
        self.w = dict(zip(NAMES, run.weights[n].tolist()))
        self.g = dict(zip(NAMES, run.grads[n].tolist()))
        self.u = dict(zip(UNITS, run.units[n].tolist()))
        self.frozen = all(v == 0.0 for v in self.g.values())
        self.symmetric = all(_equal(self.w, grp) for grp in GROUPS)

    def weight(self, k: int, name: str) -> float:
        return float(self.run.weights[k][NAMES.index(name)])

    def first(self, holds, start: int = 0) -> int | None:
        """The first iteration k >= start (up to last) where holds(k), else None."""
        return next((k for k in range(start, self.last + 1) if holds(k)), None)


def _equal(values: dict, names) -> bool:
    return len({values[m] for m in names}) == 1


def _f(x: float) -> str:
    """A number for a formula: 4 significant digits, negatives in brackets, and a power of ten where Python would
    write e-notation: -1.499 \\times 10^{63}, not -1.499e+63."""
    t, exponent = scientific(x, 4)
    if exponent is not None:
        ten = f"10^{{{exponent}}}"
        t = {"1": ten, "-1": "-" + ten}.get(t, rf"{t} \times {ten}")
    return f"({t})" if x < 0 else t


def _g(x: float) -> str:
    """A number in running text."""
    return f"{x:g}"


# ---- the checklist and the status box

def _checks(s: _State) -> list:
    out = []
    for names, tex in zip(GROUPS, GROUP_TEX, strict=True):
        if _equal(s.w, names):
            out.append((True, f"${tex} = {_f(s.w[names[0]])}$"))
            continue
        was = s.first(lambda k, names=names: len({s.weight(k, m) for m in names}) == 1)
        if was is None or was > s.n:
            out.append((False, f"${tex}$: not equal, not even at the start"))
        else:
            split = s.first(lambda k, names=names: len({s.weight(k, m) for m in names}) > 1, was)
            out.append((False, f"${tex}$: no longer equal, apart since iteration {split}"))
    diff = s.w["w1"] - s.w["w3"]
    if diff != 0:
        out.append((True, f"$w_1 \\ne w_3$: $w_1 - w_3 = {_f(diff)}$"))
    elif s.x1 == s.x2:
        out.append((False, f"$w_1 \\ne w_3$: not here, $w_1 = w_3$ because the inputs are equal ($x_1 = x_2 = "
                           f"{_g(s.x1)}$)"))
    else:
        apart = s.first(lambda k: s.weight(k, "w1") != s.weight(k, "w3"), s.n)
        out.append((False, f"$w_1 \\ne w_3$: $w_1 = w_3 = {_f(s.w['w1'])}$ at iteration {s.n}"
                           + (f" (they first differ at iteration {apart})" if apart is not None else "")))
    return out


def _status(s: _State):
    if s.frozen:
        return ("error", f"Every one of the ten derivatives is **exactly 0** at iteration {s.n}, so no weight moves "
                         "from here on: the next iteration starts from the same numbers and gets the same zeros.")
    if not s.symmetric:
        return None
    values = sorted(set(s.w.values()))
    head = (f"**All ten weights are equal** (to {_g(values[0])})." if len(values) == 1 else
            f"**Ten weights, but only {plural(len(values), 'different value')}.**")
    if s.u["y1"] != s.u["y2"] or s.u["y3"] != s.u["y4"]:
        return ("success", head)
    always = all(r[0] == r[1] and r[2] == r[3] for r in s.run.units[: s.last + 1].tolist())
    return ("success", f"{head} Each hidden layer acts as if it had a single unit: $y_1 = y_2 = {_f(s.u['y1'])}$ "
                       f"and $y_3 = y_4 = {_f(s.u['y3'])}$"
                       + (f", and the two units of each layer are equal at every iteration from 0 to {s.last}."
                          if always else "."))


# ---- the chain rule with the numbers filled in

def _gate(s: _State, k: int, short: bool = False) -> str:
    """The ReLU slope of unit y_k: 1 where it passes its input, 0 where it is switched off. The long form says why
    under it; the short one (beside the diagram, one row a weight) names the unit in a subscript: 0_{y_3}."""
    if not s.relu:
        return ""
    on = s.u[f"y{k}"] > 0
    if short:
        return r"\cdot%d_{y_%d}" % (on, k)
    return r"\cdot\underbrace{1}_{y_%d>0}" % k if on else r"\cdot\underbrace{0}_{y_%d\le0}" % k


def _w(i: int) -> str:
    """Weight i in LaTeX: w_9, w_{10}."""
    return f"w_{i}" if i < 10 else f"w_{{{i}}}"


def _derivatives(s: _State, short: bool = False) -> str:
    r"""One aligned line per weight: dy/dw_i = the chain rule = its numbers = the engine's value (short: the chain
    rule left out, dy/dw_i written inline, one row a weight, a size smaller, ReLU slopes as 0_{y_k}).

    The long form fits a 354 px phone column: each term of a sum gets a row of its own and the value ends the
    weight's derivation on a row of its own; under ReLU so does the slope and input that multiply a whole sum.
    Weights are separated by \\ and a weight's own rows by \cr, so the source still holds one \\-line per weight,
    ending in "= its value". The short form fits beside the diagram on a 1280x720 projector, as tall as it."""
    W = {i: _f(s.w[f"w{i}"]) for i in range(1, 11)}
    d = {i: _f(s.g[f"w{i}"]) for i in range(1, 11)}
    ys = {k: _f(s.u[f"y{k}"]) for k in range(1, 5)}
    lo, hi = (r"\max(0,\ ", ")") if s.relu else ("", "")  # a ReLU unit outputs max(0, its input)
    rows = [  # (i, the chain rule, its numbers), each as the terms of a sum, then a factor of the whole sum
        (i, [rf"y_{k} = {lo}w_{a}y_1", rf"w_{b}y_2{hi}"], [rf"{lo}{W[a]}\cdot{ys[1]}", rf"{W[b]}\cdot{ys[2]}{hi}"],
         ("", ""))
        for i, k, a, b in ((9, 3, 5, 7), (10, 4, 6, 8))
    ] + [
        (i, [rf"w_{{{o}}}\,{_gate(s, k)}\, y_{src}"], [rf"{W[o]}{_gate(s, k, short)}\cdot{ys[src]}"], ("", ""))
        for i, o, k, src in ((5, 9, 3, 1), (6, 10, 4, 1), (7, 9, 3, 2), (8, 10, 4, 2))
    ]
    xs = (s.x1, s.x2)
    rows += [
        (i, [rf"(w_9{_gate(s, 3)}\,w_{p}", rf"w_{{10}}{_gate(s, 4)}\,w_{q})"],
         [rf"({W[9]}{_gate(s, 3, short)}\cdot{W[p]}", rf"{W[10]}{_gate(s, 4, short)}\cdot{W[q]})"],
         (rf"{_gate(s, k)}\,x_{x}", rf"{_gate(s, k, short)}\cdot{_f(xs[x - 1])}"))
        for i, p, q, k, x in ((1, 5, 6, 1, 1), (2, 7, 8, 2, 1), (3, 5, 6, 1, 2), (4, 7, 8, 2, 2))
    ]
    if short:
        lines = [rf"\partial y/\partial {_w(i)} &= {' + '.join(numbers)}{factor} = {d[i]}"
                 for i, _, numbers, (_, factor) in rows]
        return r"\small\begin{aligned}" + r"\\".join(lines) + r"\end{aligned}"

    def terms(parts: list, factor: str, apart: bool) -> list:
        """ "= a", "+ b" (indented): a sum written down one term a row; its factor (a slope and an input) on a row
        of its own when `apart`, at the end of the last term when not."""
        sum_rows = [rf"&= {parts[0]}"] + [rf"&\quad + {t}" for t in parts[1:]]
        if factor and apart:
            return sum_rows + [rf"&\quad {factor}"]
        return sum_rows[:-1] + [sum_rows[-1] + factor]

    lines = []
    for i, rule, numbers, (rule_factor, number_factor) in rows:
        # Under ReLU the slopes (and max(0, ...)) make every sum long: each of its terms gets a row, the rule's too
        gated = s.relu and len(rule) > 1
        rule_rows = terms(rule, rule_factor, apart=True) if gated else [rf"&= {' + '.join(rule)}{rule_factor}"]
        body = rule_rows + terms(numbers, number_factor, apart=s.relu) + [rf"&= {d[i]}"]
        lines.append(rf"\frac{{\partial y}}{{\partial {_w(i)}}} " + r" \cr ".join(body))
    return r"\begin{aligned}" + r"\\[0.4em]".join(lines) + r"\end{aligned}"


def _caption(s: _State, short: bool = False) -> str:
    """What the derivatives' lines are. The short form (beside the diagram, under no heading of its own) names the
    iteration and says how it writes a ReLU unit's slope."""
    head = (f"The derivatives at iteration {s.n}, one line a weight: the chain rule's terms with this iteration's "
            "numbers, ending in the value the engine computed" if short else
            "For each weight: the chain rule with this iteration's numbers filled in, ending in the value the engine "
            "computed")
    slope = (" Under ReLU every path through a unit is multiplied by the unit's slope, written $1_{y_k}$ if unit "
             "$y_k$ is on and $0_{y_k}$ if it is off." if short else
             " Under ReLU every path through a unit is multiplied by its slope, 1 if the unit is on and 0 if it is "
             "off.")
    return head + "; the weight then moves by −η times that value." + (slope if s.relu else "")


# ---- what the numbers show

def _summary(s: _State) -> str:
    if s.frozen:
        return _frozen(s)
    if s.symmetric:
        return _symmetric(s)
    return _broken(s)


def _frozen(s: _State) -> str:
    if s.x1 == 0 and s.x2 == 0:
        return ("Both inputs are 0, so every unit outputs 0 whatever the weights are. Each derivative above contains "
                "a unit's output or an input as a factor, so all of them are 0: with nothing coming in there is "
                "nothing to learn from.")
    if all(v == 0 for v in s.w.values()):
        return ("With every weight at 0, each hidden unit outputs 0. Every derivative above is a product that "
                "contains a weight or a hidden output, so every one of them is 0 and the update changes nothing. "
                "The next iteration starts from the same place: the network is frozen for good.")
    if s.relu:
        w, u = s.w, s.u
        if u["y1"] == 0 and u["y2"] == 0:
            z = (w["w1"] * s.x1 + w["w3"] * s.x2, w["w2"] * s.x1 + w["w4"] * s.x2)
            where = (f"the first layer's units receive $w_1x_1 + w_3x_2 = {_f(z[0])}$ and "
                     f"$w_2x_1 + w_4x_2 = {_f(z[1])}$" if z[0] != z[1] else
                     f"the first layer's units both receive $w_1x_1 + w_3x_2 = w_2x_1 + w_4x_2 = {_f(z[0])} \\le 0$")
            layer = "first"
        else:
            z = (w["w5"] * u["y1"] + w["w7"] * u["y2"], w["w6"] * u["y1"] + w["w8"] * u["y2"])
            where = (f"the first layer passes $y_1 = {_f(u['y1'])}$ and $y_2 = {_f(u['y2'])}$ on, but the second "
                     f"layer's units receive $w_5y_1 + w_7y_2 = {_f(z[0])}$ and $w_6y_1 + w_8y_2 = {_f(z[1])}$")
            layer = "second"
        return (f"With ReLU units, {where}, so both units of the {layer} layer output 0 and their slope is 0. Every "
                "path from a weight to the output passes through a switched-off unit, so all ten derivatives are "
                "exactly 0. A layer switched off as a whole passes nothing back: its units are dead, not merely "
                "symmetric, and no update will ever switch them on again.")
    zeros = [f"$x_{k} = 0$" for k, x in ((1, s.x1), (2, s.x2)) if x == 0]
    zeros += [f"$y_{k} = 0$" for k in range(1, 5) if s.u[f"y{k}"] == 0]
    zeros += [f"$w_{{{i}}} = 0$" for i in (9, 10) if s.w[f"w{i}"] == 0]
    return ("Not every weight is 0, but every derivative above still comes out exactly 0"
            + (f": look for the zeros in its line ({join(zeros)})" if zeros else "")
            + ". So the update changes nothing, and the network is frozen.")


def _symmetric(s: _State) -> str:
    parts = []
    if s.n == 0 and len(set(s.w.values())) == 1:
        parts.append(f"At iteration 0 nothing has moved yet: all ten weights start at {_g(s.w['w1'])}.")
    else:
        parts.append(f"After {plural(s.n, 'iteration')}, $w_1=w_2$, $w_3=w_4$, $w_5=w_6=w_7=w_8$ and $w_9=w_{{10}}$ "
                     "hold exactly, to the last bit, as the text concludes.")
    inputs = f"($x_1 = {_g(s.x1)}$, $x_2 = {_g(s.x2)}$)"
    if s.w["w1"] != s.w["w3"]:
        parts.append(f"$w_1$ and $w_3$, which carry different inputs {inputs} into the same unit, have moved apart.")
    elif s.x1 == s.x2:
        parts.append(f"The inputs are equal {inputs}, so $w_1$ and $w_3$ always get the same derivative and stay "
                     "equal as well.")
    else:
        apart = s.first(lambda k: s.weight(k, "w1") != s.weight(k, "w3"), s.n)
        why = " (their derivatives above already differ)" if s.g["w1"] != s.g["w3"] else ""
        parts.append(f"$w_1$ and $w_3$ carry different inputs {inputs} into the same unit{why}, but they are still "
                     f"equal at iteration {s.n}" + (f"; in this run they first differ at iteration {apart}."
                                                    if apart is not None else
                                                    f", and they stay equal up to iteration {s.last}."))
    if s.u["y1"] == s.u["y2"] and s.u["y3"] == s.u["y4"]:
        parts.append("Now look at what is equal: unit $y_1$ has incoming weights $(w_1, w_3)$ and unit $y_2$ has "
                     "$(w_2, w_4)$, and these pairs are identical. Different inputs can make a unit's own weights "
                     "differ from each other; they never make two units of a layer differ, because both units see "
                     "the same inputs through the same weights and receive the same error signal. That is why "
                     "symmetry is a property of *units*, and why a constant start wastes them.")
    return " ".join(parts)


def _broken(s: _State) -> str:
    start = dict(zip(NAMES, s.run.weights[0].tolist()))
    common = max(set(start.values()), key=list(start.values()).count)
    odd = [m for m in NAMES if start[m] != common]
    parts = []
    if odd and len(odd) < len(NAMES) // 2:
        parts.append(f"Here {join(f'${m[0]}_{{{m[1:]}}} = {_g(start[m])}$' for m in odd)} "
                     f"{'starts' if len(odd) == 1 else 'start'} apart from the other weights, which start at "
                     f"{_g(common)}, so the start is not symmetric.")
    else:
        parts.append("The start is not symmetric.")
    splits = []
    for names, tex in zip(GROUPS, GROUP_TEX, strict=True):
        if len({start[m] for m in names}) == 1:
            k = s.first(lambda k, names=names: len({s.weight(k, m) for m in names}) > 1)
            if k is not None:
                splits.append((k, tex))
    for k in sorted({k for k, _ in splits}):
        texs = [f"${tex}$" for j, tex in splits if j == k]
        parts.append(f"In this run {join(texs)} {'stops' if len(texs) == 1 else 'stop'} holding at iteration {k}.")
    if s.u["y3"] != s.u["y4"]:
        reaches = any(tex in ("w_1 = w_2", "w_3 = w_4") for _, tex in splits)
        parts.append(f"At iteration {s.n}, unit $y_3$ outputs {_f(s.u['y3'])} and $y_4$ outputs {_f(s.u['y4'])}, so "
                     "$w_9$ and $w_{10}$ get different derivatives"
                     + (", and the difference flows back into the first layer." if reaches else "."))
    parts.append(f"At iteration {s.n} the ten weights take {plural(len(set(s.w.values())), 'different value')}.")
    end = s.run.units[s.last].tolist()
    if end[0] != end[1] and end[2] != end[3]:
        parts.append(f"By iteration {s.last} the two units of each layer compute different outputs: one small "
                     "difference is enough to let every unit go its own way, and a random start gives every weight "
                     "such a difference at once.")
    return " ".join(parts)


# ---- ReLU

def _relu_note(s: _State) -> str | None:
    if not s.relu or s.frozen:
        return None
    on = [f"$y_{k}$" for k in range(1, 5) if s.u[f"y{k}"] > 0]
    off = [f"$y_{k}$" for k in range(1, 5) if s.u[f"y{k}"] <= 0]
    if not off:
        total = s.x1 + s.x2
        how = (" Set a ≤ 0 to switch the first layer off." if total > 0 else
               " Set a ≥ 0 to switch the first layer off." if total < 0 else "")
        return ("All four ReLU units are switched on at this iteration (their inputs are positive), so on this input "
                "each one passes its input through with slope 1, exactly like a linear unit." + how)
    return (f"At this iteration {join(off)} {'is' if len(off) == 1 else 'are'} switched off (input ≤ 0): "
            f"{'it outputs' if len(off) == 1 else 'they output'} 0 and pass{'es' if len(off) == 1 else ''} no "
            f"gradient back, while {join(on)} {'is' if len(on) == 1 else 'are'} on.")


def relu_answer(run) -> str:
    """The answer to the seed text's ReLU question, for this run's inputs."""
    x1, x2 = run.x
    total = x1 + x2
    q1 = ("*Is it true that with ReLU units and every weight at 0 or below, the gradient is 0 and nothing moves?* ")
    if total > 0:
        a1 = (f"Yes for these inputs, whose sum is positive ($x_1 + x_2 = {_g(total)}$): each first-layer unit "
              "receives $a(x_1 + x_2) \\le 0$, outputs 0 and has slope 0 (at exactly 0 the slope is taken as 0, as "
              "in most libraries), so no error signal gets through any unit and every weight keeps its value. ")
    elif total < 0:
        a1 = (f"Not for these inputs: their sum is negative ($x_1 + x_2 = {_g(total)}$), so a negative $a$ gives "
              "each first-layer unit the positive input $a(x_1 + x_2)$ and the network learns. Here it is $a \\ge 0$ "
              "that switches the first layer off and freezes every weight: what counts is the sign of "
              "$a(x_1 + x_2)$, not the sign of $a$ alone. ")
    else:
        a1 = ("Here $x_1 + x_2 = 0$, so each first-layer unit receives 0 whatever $a$ is: it outputs 0 with slope 0, "
              "and nothing moves for any constant start. ")
    return (q1 + a1 + "*And with any other constant, do all the neurons keep equal weights?* Within each layer, yes: "
            "units that start equal stay equal under ReLU exactly as under linear units. The first layer is no "
            "exception for units: its weights from different inputs can differ, but its two units stay copies. "
            "Choose **ReLU units, a = -0.5** in the presets, then change a to see both cases.")
