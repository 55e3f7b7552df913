"""Depth and scale: how the size of the initial weights decides whether a deep network can pass a signal at all."""
import numpy as np
import pandas  # noqa: F401 -- fully imported before plotly looks it up (two first page loads race otherwise)
import streamlit as st

import ui
from symbreak_core import ACTIVATIONS, INIT_SCHEMES, depth_probe, theory_rms
from symbreak_core import figures as fig

st.set_page_config(page_title="Depth and scale · symbreak", page_icon="📏", layout="wide")

N_SAMPLES = 1000
SPECS = [
    ui.Param("depth", 10, "int", 1, 20, label="Layers"),
    ui.Param("width", 500, "int", 10, 512, label="Units per layer"),
    ui.Param("activation", "tanh", "choice", choices=ACTIVATIONS, label="Activation"),
    ui.Param("init", "normal", "choice", choices=INIT_SCHEMES, label="Init scheme"),
    ui.Param("spread", 0.01, "log", 0.001, 10.0, label="Spread (std for normal; gain for named schemes)"),
    ui.Param("seed", 0, "int", 0, 9999, label="Seed"),
    ui.Param("compare", False, "bool", label="Overlay the classic settings"),
]
CLASSIC = {  # preset id -> (label, values)
    "tanh-small": ("10 tanh layers, std 0.01", dict(depth=10, width=500, activation="tanh", init="normal",
                                                    spread=0.01)),
    "tanh-large": ("10 tanh layers, std 1.0", dict(depth=10, width=500, activation="tanh", init="normal",
                                                   spread=1.0)),
    "tanh-xavier": ("10 tanh layers, Xavier", dict(depth=10, width=500, activation="tanh", init="xavier_normal",
                                                   spread=1.0)),
    "relu-xavier": ("20 ReLU layers, Xavier", dict(depth=20, width=500, activation="relu", init="xavier_normal",
                                                   spread=1.0)),
    "relu-he": ("20 ReLU layers, He", dict(depth=20, width=500, activation="relu", init="he_normal", spread=1.0)),
    "sigmoid-large": ("10 sigmoid layers, Xavier × 5", dict(depth=10, width=500, activation="sigmoid",
                                                           init="xavier_normal", spread=5.0)),
}
ABOUT = {
    "tanh-small": "Tiny random weights: each layer shrinks the signal until nothing is left.",
    "tanh-large": "Weights of std 1 on 500 inputs: almost every unit is pinned at ±1.",
    "tanh-xavier": "Glorot & Bengio's scale, Var[W] = 2 / (fan_in + fan_out): the signal survives ten layers.",
    "relu-xavier": "Xavier was derived for symmetric units; ReLU zeroes half of each layer, so the signal fades.",
    "relu-he": "He et al.'s scale, Var[W] = 2 / fan_in, makes up for the half that ReLU switches off.",
    "sigmoid-large": "Saturated sigmoid units pass back at most a quarter of the gradient, and much less when "
                     "saturated.",
}
PRESETS = [ui.Preset(k, label, values, ABOUT[k]) for k, (label, values) in CLASSIC.items()]

st.title("Depth and scale")
st.markdown(
    f"Random weights break the symmetry, but their **size** matters too. Here {N_SAMPLES} random inputs pass "
    "once through a deep stack of equal layers (no training), and a random error signal passes back down. "
    "Watch whether the signal and the gradient keep their size from layer to layer."
)

v = ui.controls(SPECS, PRESETS)


@st.cache_data(max_entries=64, show_spinner="Pushing the inputs through the layers…")
def probe(width, depth, activation, init, spread, seed):
    with ui.heavy_job():
        return depth_probe(width=width, depth=depth, activation=activation, init=init, spread=spread,
                           n_samples=N_SAMPLES, seed=seed)


try:
    p = probe(v["width"], v["depth"], v["activation"], v["init"], v["spread"], v["seed"])
    compare = {}
    if v["compare"]:
        bar = st.progress(0.0, text="Running the classic settings…")
        for i, (label, c) in enumerate(CLASSIC.values()):
            bar.progress(i / len(CLASSIC), text=f"Running {label} ({i + 1} of {len(CLASSIC)})…")
            q = probe(c["width"], c["depth"], c["activation"], c["init"], c["spread"], v["seed"])
            compare[label] = (q.act_rms, q.grad_std)
        bar.empty()
except ui.Busy as e:
    st.error(str(e))
    st.stop()

theory = theory_rms(p)
st.plotly_chart(fig.depth_stats(p.act_rms, p.saturated, p.grad_std, theory, compare, p.act_std), theme=None,
                key="depth_stats")

# ---- reading the numbers
rms, sat, grad = p.act_rms, p.saturated, p.grad_std
L = p.depth
per_layer = (rms[-1] / rms[0]) ** (1 / (L - 1)) if L > 1 and rms[0] > 0 else 1.0
down = (grad[0] / grad[-1]) ** (1 / (L - 1)) if L > 1 and grad[-1] > 0 else 1.0
worst_sat = int(np.argmax(sat))
lines = [f"The signal's RMS goes from **{rms[0]:.3g}** in layer 1 to **{rms[-1]:.3g}** in layer {L}"
         + (f", a factor of about **{per_layer:.3g} per layer**." if L > 1 else ".")]
if theory is not None and L > 1:
    lines.append(f"Variance theory predicts **{theory[-1]:.3g}** for layer {L} (dashed line), a factor of "
                 f"{(theory[-1] / theory[0]) ** (1 / (L - 1)):.3g} per layer.")
if sat.max() > 0:
    lines.append(f"The most saturated layer is layer {worst_sat + 1}: **{100 * sat[worst_sat]:.0f}%** of its "
                 f"outputs sit in the flat tails of {p.activation}.")
if L > 1:
    lines.append(f"Going down, the gradient's std changes from **{grad[-1]:.3g}** at layer {L} to "
                 f"**{grad[0]:.3g}** at layer 1, a factor of about **{down:.3g} per layer**.")
st.markdown(" ".join(lines))

if rms.max() == 0:
    st.error("**Every output of every layer is exactly 0.** Zero weights pass nothing forward and nothing back: "
             "there is no signal to learn from, and all units of a layer are identical besides.")
elif rms[-1] < 1e-2 * rms[0]:
    st.warning(
        f"**The signal is vanishing.** After {L} layers the outputs are {rms[0] / max(rms[-1], 1e-300):.2g} times "
        "smaller than after the first. Every unit near the top sees almost the same input (close to 0) whatever "
        "the example, and since each layer's weight gradient is its input times the gradient from above, a tiny "
        "signal and a tiny gradient make tiny updates."
    )
elif rms[-1] > 1e2 * rms[0]:
    st.warning("**The signal is exploding**: each layer multiplies it, and the top layers see huge numbers.")
elif L > 1 and grad[0] < 0.1 * grad[-1]:
    st.warning(
        f"**The gradient is vanishing on its way down.** Layer 1 receives a gradient {grad[-1] / grad[0]:.3g} "
        f"times smaller than layer {L}, so the first layers would learn far more slowly than the last. Every "
        f"{p.activation} unit multiplies the gradient passing through it by its slope"
        + (", at most 0.25 for a sigmoid and much less in its flat tails." if p.activation == "sigmoid" else ".")
    )
if sat.max() > 0.3:
    st.warning(
        f"**Too large a start saturates the units.** {100 * sat.max():.0f}% of the outputs in layer "
        f"{worst_sat + 1} are within 3% of the ends of the {p.activation} range, where its slope is nearly 0. "
        "A saturated unit passes back only a sliver of the gradient it receives, so its own incoming weights "
        "barely learn, and all it tells the next layer is which end of its range it sits at."
    )
    if down > 1.05 and L > 1:
        st.info(
            f"Notice that the gradient here does not shrink on its way down: it grows by about {down:.2g} per "
            f"layer. The large weights multiply it by roughly spread × √width on each layer, more than the small "
            f"slopes take away. So \"large init makes the gradients vanish\" is only half the story: the "
            f"gradient's size swings from layer to layer, it does not stay steady, and that is the real problem. "
            f"The sigmoid preset shows the vanishing case."
        )
if not (rms[-1] < 1e-2 * rms[0] or rms[-1] > 1e2 * rms[0] or sat.max() > 0.5) and L > 1 and 0.7 < down < 1.4:
    st.success("**A healthy start**: the signal and the gradient keep roughly the same size through every layer.")

st.subheader("What each layer outputs")
st.caption(f"Distribution of the {N_SAMPLES} × {p.width} outputs of each layer. Each panel has its own x range: "
           "read the std in its title.")
st.plotly_chart(fig.depth_histograms(p.hist_edges, p.hist_counts, p.act_std), theme=None, key="depth_hist")

with st.expander("The arithmetic behind the theory line", expanded=theory is not None):
    st.markdown(
        "A unit adds up `fan_in` inputs, each times a weight. If the weights are independent with variance "
        "Var[W] and the inputs have mean square E[a²], the sum has variance"
    )
    st.latex(r"\operatorname{Var}[z_{l+1}] = \text{fan\_in}\cdot\operatorname{Var}[W]\cdot\mathbb{E}[a_l^2].")
    st.markdown(
        "Keeping the size the same from layer to layer needs fan_in · Var[W] · E[a²] = Var[z]. A linear unit, or "
        "a tanh unit working near 0, passes its input through almost unchanged, so E[a²] ≈ Var[z] and the "
        "condition is Var[W] = 1/fan_in. Glorot & Bengio (2010) also wanted the gradient on its way down to keep "
        "its size, which asks for 1/fan_out, and took the compromise 2/(fan_in + fan_out). A ReLU zeroes the "
        "negative half, so E[a²] = Var[z]/2 and the condition becomes Var[W] = 2/fan_in (He et al. 2015). "
        "Under Xavier with ReLU and equal fans the RMS therefore shrinks by 1/√2 ≈ 0.707 per layer; under He it "
        "stays flat. The same sum explains the tiny start: std 0.01 on 500 inputs multiplies the size by "
        "√(500 × 0.01²) ≈ 0.22 per layer, which is what the tanh run measures, because such small signals keep "
        "tanh in its linear middle. The dashed theory line is drawn for ReLU and linear units, where the "
        "arithmetic is exact on average; for tanh and sigmoid it is not drawn."
    )
    if theory is None:
        st.caption(f"No theory line for {p.activation} with {p.init}.")

with st.expander("Share this setup"):
    ui.share_link(v)
