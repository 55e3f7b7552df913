"""The error surface page's sentences: ridge or valley, the nudge grows or shrinks, dead units, and the outcome.

Numbers in (a symbreak_core SurfaceResult and the noise eps), Markdown out. Each verdict comes from one
decision function with one threshold, so two verdicts that exclude each other are never printed together.
"""
from __future__ import annotations

from .words import num, plural, times

# Ridge or valley, decided on the map's own cut at s = 0: the loss one grid step either side of the centre minus
# the centre's. A loss of about 0.6 summed over a few hundred points carries round-off near 1e-15; 1e-9 is a million
# times that, and still far below the shallowest real ridge of the presets (XOR: about 1e-5 one step out).
DIP_TOL = 1e-9
# Grows or shrinks: ratios are printed to two significant digits, so growth of under 5% would read "1 times
# further out"; the same 5% band below 1 keeps the two verdicts symmetric.
NUDGE_STEADY = 0.05
# The noisy run "reached a lower loss" only when it is at least this much lower: the page prints losses to four
# decimals, and a smaller difference is invisible in the loss chart.
LOSS_GAIN = 1e-3

NAMES = {"constant": "symmetric run", "constant + noise": "noisy run"}


def line_shape(dip: float) -> str:
    """'ridge' (the loss falls as the units move apart), 'valley' (it rises) or 'flat' (neither), from the dip."""
    if dip < -DIP_TOL:
        return "ridge"
    if dip > DIP_TOL:
        return "valley"
    return "flat"


def nudge_ratio(r) -> float:
    """How many times further from the line of equal units the noisy run ends than it starts."""
    t = r.paths["constant + noise"].t
    return abs(float(t[-1])) / abs(float(t[0]))


def nudge(ratio: float) -> str:
    """'grows', 'shrinks' or 'steady' (within NUDGE_STEADY of no change)."""
    if ratio > 1 + NUDGE_STEADY:
        return "grows"
    if ratio < 1 - NUDGE_STEADY:
        return "shrinks"
    return "steady"


def is_dead(path) -> bool:
    """Every hidden unit outputs exactly 0 on every training input at the end, and no gradient reaches them."""
    return float(path.hidden_max[-1]) == 0.0 and path.hidden_grad == 0.0


def outcome(r) -> str:
    """One verdict for the box under the findings: 'dead', 'escaped', 'stable' or 'stuck'."""
    noisy, sym = r.paths["constant + noise"], r.paths["constant"]
    if is_dead(noisy):
        return "dead"
    if noisy.loss[-1] < sym.loss[-1] - LOSS_GAIN:
        return "escaped"
    return "stable" if line_shape(r.dip) == "valley" else "stuck"


def _stays(sym) -> str:
    drift = float(max(abs(x) for x in sym.t))
    n = plural(int(sym.steps[-1]), "step")
    if drift == 0:
        return (f"**The symmetric run never leaves the line.** Over its {n} its two hidden units stay exactly equal "
                "(t = 0 at every step). On the line the loss is the same for t and −t, so its slope across the line "
                "is exactly zero and no step can push the run sideways.")
    return (f"**The symmetric run stays next to the line.** Over its {n} its two hidden units never get further "
            f"than {num(drift)} from it.")


def _shape(r) -> str:
    shape = line_shape(r.dip)
    move = f"Moving the units apart by {num(r.step)} either way from the centre"
    if shape == "ridge":
        return (f"**The line is a ridge, not a valley.** {move} lowers the loss by {num(-r.dip)} (curvature "
                f"**{num(r.curvature)}**): across the line it curves downward. So where the symmetric run stops, a "
                "difference between the units is a step downhill: the balance on the line is unstable, like a ball on "
                "a ridge.")
    if shape == "valley":
        return (f"**The line is a valley here, not a ridge.** {move} raises the loss by {num(r.dip)} (curvature "
                f"**{num(r.curvature)}**): across the line it curves upward, so on this map a difference between the "
                "units only costs loss near the centre.")
    change = "does not change the loss at all" if r.dip == 0 else f"changes the loss by only {num(r.dip)}"
    return (f"**The line is flat here: neither ridge nor valley.** {move} {change} (within ±{num(DIP_TOL)}): there is "
            "no ridge at the centre to roll off.")


def _nudge(r, eps: float) -> str:
    t = r.paths["constant + noise"].t
    d0, d1 = abs(float(t[0])), abs(float(t[-1]))
    ratio = nudge_ratio(r)
    verdict = nudge(ratio)
    start = (f"The noisy run started {num(d0)} from the line of equal units (noise ε = {num(eps)}) and ended "
             f"{num(d1)} from it")
    if verdict == "grows":
        return f"**The nudge grows.** {start}: {times(ratio)} further out."
    if verdict == "shrinks":
        return f"**The nudge shrinks.** {start}: {num(ratio, 2)} of its starting distance."
    return f"**The nudge neither grows nor shrinks.** {start}: within {NUDGE_STEADY:.0%} of where it started."


def _dead(r) -> str | None:
    dead = [name for name, p in r.paths.items() if is_dead(p)]
    if not dead:
        return None
    who = "In both runs" if len(dead) == 2 else f"In the {NAMES[dead[0]]}"
    born = [float(r.paths[name].hidden_max[0]) == 0.0 for name in dead]
    when = ""
    if all(born):
        when = ", from the very first step"
    elif not any(born):
        when = ", although they gave non-zero outputs at the start"
    text = (f"**Dead units.** {who} every hidden unit outputs exactly 0 on every training input at the end{when}. "
            "The output is then the same for every point, so it can do no better than the best constant guess "
            f"(loss {r.constant_loss:.4f}). No gradient reaches the hidden layer (it is exactly 0), so more steps "
            "cannot revive them.")
    return text if "constant + noise" in dead else text + " The noisy run's hidden units are alive at the end."


def findings(r, eps: float) -> list[str]:
    """The 'What the numbers say' bullets, in order."""
    sym, noisy = r.paths["constant"], r.paths["constant + noise"]
    out = [_stays(sym), _shape(r), _nudge(r, eps)]
    dead = _dead(r)
    if dead:
        out.append(dead)
    out.append(f"**Final losses:** {noisy.loss[-1]:.4f} for the noisy run, {sym.loss[-1]:.4f} for the symmetric "
               "run.")
    return out


def verdict(r, eps: float) -> tuple[str, str]:
    """(kind, text) for the box under the findings; kind is 'success', 'info' or 'warning'."""
    sym, noisy = r.paths["constant"], r.paths["constant + noise"]
    kind = outcome(r)
    if kind == "escaped":
        return "success", (
            "This is why equal starting weights are a bad idea: the run that started with equal units kept them "
            f"equal and stopped at loss {sym.loss[-1]:.4f}, while a nudge of ε = {num(eps)} let the other run reach "
            f"{noisy.loss[-1]:.4f}. It ends at one of two mirror-image networks, the × and the ◇ on the map, which "
            "differ only by which hidden unit is which and have the same loss.")
    if kind == "dead":
        return "warning", (
            "The noisy run's hidden units died, and a dead unit gets no gradient, so its hidden layer can no longer "
            "learn and the nudge cannot take it to a lower loss. Choose another constant start value or another "
            "activation.")
    if kind == "stable":
        return "info", (
            f"The noisy run has not reached a lower loss ({noisy.loss[-1]:.4f} against {sym.loss[-1]:.4f}), and "
            "equal units are a valley here, not a ridge. Try another constant start value or data set to see a "
            "saddle.")
    return "info", (
        f"The noisy run has not reached a lower loss ({noisy.loss[-1]:.4f} against {sym.loss[-1]:.4f}). With this "
        "data or this ε it needs more steps, a larger learning rate or a bigger ε.")


def caption(r) -> str:
    """How to read the map: its colours, its axes and how true the lines on it are."""
    level = r.paths["constant"].loss[-1]
    s_all = [x for p in r.paths.values() for x in p.s]
    edge = " Parts of the runs lie beyond the edge of the map." if min(s_all) < r.s[0] or max(s_all) > r.s[-1] else ""
    return (
        f"Blue is lower than the loss where the symmetric run stops ({level:.4f}), red is higher. "
        "s: both units change together; s = 0 is where the symmetric run stops (●), s = 1 "
        "is level with the noisy run's end. t: the units move apart, +t on one and −t on the other, and |t| is the "
        "exact distance from the line of equal units. The loss is the same at t and −t, so the map is a mirror image "
        "about the dotted line. The slice bends: at s = 0 its t direction is the way apart in which the loss, right "
        "at the centre, curves down most steeply (or up least), and by s = 1 it has turned towards the noisy run's "
        "end, so the ●, the "
        "noisy run's end (×) and its mirror image (◇, the same network with the two units swapped) lie in it "
        "exactly. Elsewhere a run's line is its shadow: s is where its shared part lies, |t| its true distance "
        "from the line, but the colour (or height) under it is not its loss (that is in the chart below right)." + edge
    )
