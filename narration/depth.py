"""Depth and scale: one verdict on a depth probe (healthy, vanishing, exploding, saturated or symmetric) and facts.

Numbers in (a symbreak_core.depth.ProbeResult), sentences out. The signal is measured end to end, from the inputs
to the outputs of the top layer; the gradient from the error signal entering the top layer to ∂L/∂z of layer 1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .glossary import option_label
from .words import num, plural, power, scientific, start, units

# Healthy means both end-to-end ratios lie within [1/BAND, BAND]: one order of magnitude, so one learning rate still
# suits the first layer and the last. The scales made for their units pass (tanh with Xavier over 10 layers: factors
# 4.4 and 3.8; ReLU with He over 20: 1.2 and 1.5); the classic bad starts miss by hundreds or by millions.
BAND = 10.0
# Saturated means at least this share of some layer's outputs sits in the flat tails (slope under 6% of its peak for
# tanh, 12% for sigmoid): a quarter of that layer's units then barely pass a gradient back. A start scaled for tanh
# stays far below (Xavier: under 4% in every layer); the classic large starts reach 49% (sigmoid) and 92% (tanh).
SATURATED_SHARE = 0.25
# Units count as copies when no output differs from the first unit's by more than this fraction of the layer's
# largest output. Round-off between true copies (a constant start, widths up to 512) measures under 1e-13; units
# with different random weights differ by a fraction of order 1.
COPIES_TOL = 1e-9

VERDICTS = ("symmetric", "saturated", "vanishing", "exploding", "healthy")
SATURATING = ("tanh", "sigmoid")
TAILS = {"tanh": "within 0.03 of ±1", "sigmoid": "within 0.03 of 0 or of 1"}
SCALE_FOR = {  # the init scheme (spread 1) made for each activation, and its authors
    "relu": ("he_normal", "He et al.'s scale"), "leaky_relu": ("he_normal", "He et al.'s scale"),
    "tanh": ("xavier_normal", "Glorot & Bengio's scale"), "identity": ("xavier_normal", "Glorot & Bengio's scale"),
}


@dataclass(frozen=True)
class Reading:
    """What the page prints: the facts (one paragraph) and the verdict in its box."""

    verdict: str  # one of VERDICTS
    facts: str
    headline: str


def signal_ratio(p) -> float:
    """RMS of the top layer's outputs over RMS of the inputs."""
    return float(p.act_rms[-1] / p.input_rms)


def gradient_ratio(p) -> float:
    """std of ∂L/∂z at layer 1 over std of the error signal entering the top layer."""
    return float(p.grad_std[0] / p.error_std)


def copies(p) -> bool:
    """Every layer's units are copies of one another (there are at least two units to compare)."""
    return p.width >= 2 and bool(max(p.unit_gap) <= COPIES_TOL)


def _low(r: float) -> bool:
    return r < 1 / BAND


def _high(r: float) -> bool:
    return r > BAND or math.isnan(r)  # NaN only comes from an overflow on the way


def verdict(p) -> str:
    """The one verdict: symmetric, else saturated, else vanishing or exploding, else healthy.

    When one ratio is below the band and the other above it, the one further out (in decades) decides.
    """
    if copies(p):
        return "symmetric"
    if max(p.saturated) >= SATURATED_SHARE:
        return "saturated"
    ratios = (signal_ratio(p), gradient_ratio(p))
    low, high = [r for r in ratios if _low(r)], [r for r in ratios if _high(r)]
    if low and high:
        down = math.inf if min(low) == 0 else -math.log10(min(low))
        up = math.inf if math.isnan(max(high)) else math.log10(max(high))
        return "vanishing" if down > up else "exploding"
    return "vanishing" if low else "exploding" if high else "healthy"


def reading(p, theory=None) -> Reading:
    """The verdict with its facts. `theory`: the theory line drawn on the chart (symbreak_core.theory_rms), or None."""
    v = verdict(p)
    if v == "symmetric":
        return Reading(v, _symmetric_facts(p), _symmetric_headline(p))
    facts = [_signal_fact(p), _gradient_fact(p)]
    if theory is not None and p.depth > 1:
        facts.append(f"Variance theory, starting from layer 1's measured RMS, predicts **{num(theory[-1])}** after "
                     f"layer {p.depth} (the dashed line).")
    if p.activation in SATURATING and v != "saturated":  # the saturated verdict names its layer itself
        facts.append(_saturation_fact(p))
    if v == "saturated" and gradient_ratio(p) > 1:
        facts.append("Notice that the gradient grows on its way down although the units are saturated: the large "
                     "weights multiply it by more than the small slopes take away. So a large start does not always "
                     "make the gradient vanish; here it is the first layers that would take the largest steps.")
    return Reading(v, " ".join(facts), {"saturated": _saturated_headline, "vanishing": _vanishing_headline,
                                        "exploding": _exploding_headline, "healthy": _healthy_headline}[v](p))


def theory_note(p, theory) -> str | None:
    """Why no theory line is drawn, when none is."""
    return None if theory is not None else (f"No theory line is drawn for {units(p.activation)} units with this "
                                            f"start ({start(p.init)}).")


# ---- the sentences

def _times(r: float) -> str:
    """'72 times', '3,340 times', '3.8 × 10²¹ times': two significant digits below 100, whole numbers below a
    million, then a power of ten (9.96 × 10¹⁹ is '1 × 10²⁰', never '10 × 10¹⁹')."""
    if r < 1e6:
        return f"{r:,.0f} times" if float(f"{r:.2g}") >= 100 else f"{r:.2g} times"
    mantissa, exponent = scientific(r, 2)  # g's rounding: 9.96e19 is 1e+20
    return f"{mantissa} × {power(exponent)} times"


def _change(r: float) -> str:
    """How a size changed, by the ratio r of the end to the start."""
    if r == 0:
        return "it ends at exactly 0"
    if 0.5 < r < 2:
        return f"it ends at **{num(r, 2)} times** its size"
    return f"it ends **{_times(r)} larger**" if r > 1 else f"it ends **{_times(1 / r)} smaller**"


def _share(x: float) -> str:
    """A share of outputs that never reads as 0% or 100% when it is not."""
    if 0 < x < 0.001:
        return "fewer than 0.1%"
    if 0.999 < x < 1:
        return "more than 99.9%"
    return f"{x:.1%}" if x < 0.1 or x > 0.9 else f"{x:.0%}"


def _signal_fact(p) -> str:
    return (f"The signal's RMS is **{num(p.input_rms)}** at the input and **{num(p.act_rms[-1])}** after layer "
            f"{p.depth}: {_change(signal_ratio(p))}.")


def _gradient_fact(p) -> str:
    return (f"Coming down, the error signal has std **{num(p.error_std)}** as it enters the top layer and ∂L/∂z "
            f"has std **{num(p.grad_std[0])}** at layer 1: {_change(gradient_ratio(p))}.")


def _saturation_fact(p) -> str:
    k = max(range(p.depth), key=lambda l: p.saturated[l])
    if p.saturated[k] == 0:
        return f"No output of any layer sits in the flat tails of {p.activation}."
    return (f"The most saturated layer is layer {k + 1}: {_share(p.saturated[k])} of its outputs sit in the flat "
            f"tails of {p.activation} ({TAILS[p.activation]}).")


def _advice(p, smaller: bool) -> str:
    if p.activation == "sigmoid":
        return ("A sigmoid unit passes back at most a quarter of the gradient it receives (its slope is at most "
                "0.25), so deep sigmoid stacks lose the gradient at almost any scale: larger weights make up for "
                "the slope only by saturating the units. Try tanh with Xavier/Glorot (normal), or ReLU with He "
                "(normal).")
    scheme, name = SCALE_FOR[p.activation]
    if p.init == scheme and p.spread == 1:
        return (f"This is already {name}, made for {units(p.activation)} units: with "
                f"{plural(p.width, 'unit')} per layer the random draws decide a lot, so try another seed or more "
                "units.")
    return (f"Start {'smaller' if smaller else 'larger'}, or use {name}, made for {units(p.activation)} units: init "
            f"**{option_label(scheme)}** with spread 1.")


def _healthy_headline(p) -> str:
    if p.depth == 1:
        return (f"**A healthy start.** Through its single layer the signal and the gradient stay within a factor of "
                f"{BAND:g} of their size at the start. One layer is no test of depth: add layers to see whether this "
                "scale holds up.")
    return (f"**A healthy start.** Over all {p.depth} layers the signal and the gradient both stay within a factor "
            f"of {BAND:g} of their size at the start, so the first and the last layers get signals and gradients "
            "of comparable size, and one learning rate suits them all.")


def _vanishing_headline(p) -> str:
    signal, grad = _low(signal_ratio(p)), _low(gradient_ratio(p))
    parts = []
    if signal and signal_ratio(p) == 0:
        parts.append(f"After {plural(p.depth, 'layer')} every output is exactly 0: nothing of the input reaches the "
                     "top.")
    elif signal:
        parts.append(f"After {plural(p.depth, 'layer')} the outputs are {_times(1 / signal_ratio(p))} smaller "
                     "than the inputs: every unit near the top sees nearly the same input, close to "
                     f"{'0.5' if p.activation == 'sigmoid' else '0'}, whatever the example.")
    if grad:
        parts.append(("Layer 1 receives an error signal of exactly 0, so the first layers cannot learn at all."
                      if gradient_ratio(p) == 0 else
                      f"Layer 1 receives an error signal {_times(1 / gradient_ratio(p))} smaller than the one "
                      "entering the top, so the first layers would learn far more slowly than the last.")
                     + " On its way down the gradient is multiplied by each layer's weights and by the slope of each "
                     f"{units(p.activation)} unit.")
    what = "The signal and the gradient are" if signal and grad else "The signal is" if signal else "The gradient is"
    return f"**{what} vanishing.** " + " ".join(parts) + " " + _advice(p, smaller=False)


def _exploding_headline(p) -> str:
    signal, grad = _high(signal_ratio(p)), _high(gradient_ratio(p))
    parts = []
    if signal:
        parts.append(f"After {plural(p.depth, 'layer')} the outputs are {_times(signal_ratio(p))} larger than the "
                     "inputs: each layer multiplies them, and the top layers see huge numbers.")
    if grad:
        parts.append(f"Layer 1 receives an error signal {_times(gradient_ratio(p))} larger than the one entering "
                     "the top, so the first layers would take huge steps while the last barely move.")
    what = "The signal and the gradient are" if signal and grad else "The signal is" if signal else "The gradient is"
    return f"**{what} exploding.** " + " ".join(parts) + " " + _advice(p, smaller=True)


def _saturated_headline(p) -> str:
    k = max(range(p.depth), key=lambda l: p.saturated[l])
    return (f"**Too large a start saturates the units.** In layer {k + 1}, {_share(p.saturated[k])} of the outputs "
            f"sit {TAILS[p.activation]}, where the slope of {p.activation} is nearly 0. A saturated unit passes "
            "back only a sliver of the gradient it receives, so its incoming weights barely learn, and all it tells "
            "the next layer is which end of its range it sits at. " + _advice(p, smaller=True))


def _playground_link(p) -> str:
    """A Playground link with the same symmetric start and the same units."""
    if p.weight_value == 0:
        preset, units = ("zeros_sigmoid", "sigmoid") if p.activation == "sigmoid" else ("zeros", "tanh")
    else:
        preset, units = "constant_05", "tanh"
    link = f"./?preset={preset}" + ("" if p.activation == units else f"&activation={p.activation}")
    if p.weight_value is not None and p.weight_value not in (0, 0.5):
        link += f"&init_value={p.weight_value:g}"
    return link


def _symmetric_facts(p) -> str:
    gap = max(p.unit_gap)
    same = ("exactly 0" if gap == 0 else
            f"{num(gap, 2)} of the layer's largest output, which is round-off in the sums")
    facts = [f"Every weight starts at {p.weight_value:g}." if p.weight_value is not None else
             "The weights carry no differences between units.",
             f"The largest difference between two units' outputs, in any layer, is {same}."]
    if max(p.grad_std) == 0:
        facts.append("The gradient is exactly 0 in every layer.")
    elif p.depth > 1 and max(p.grad_std[:-1]) == 0:
        facts.append(f"Below layer {p.depth} the gradient is exactly 0.")
    return " ".join(facts)


def _symmetric_headline(p) -> str:
    link = f"[Playground]({_playground_link(p)})"
    if p.weight_value == 0 and max(p.act_rms) == 0:
        what = ("**Every unit of a layer is identical, and every output is exactly 0.** With every weight 0, each "
                "layer multiplies its input by zeros, so nothing reaches the top and the gradient cannot come back "
                "down. There is no size to compare from layer to layer, and no depth or scale fixes a start with "
                "no differences in it.")
    else:
        what = (f"**Every unit of a layer is identical.** All {p.width} units of a layer receive the same weighted "
                "sum, so they give the same output for every example: each layer acts like one unit copied "
                f"{p.width} times, and training gives copies identical updates, so it cannot tell them apart.")
    return (f"{what} Watch this happen in the {link}, then choose a random init scheme here to see how the scale "
            "of the weights matters.")
