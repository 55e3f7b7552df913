"""Depth and scale: how the size of the initial weights decides whether a deep network can pass a signal at all."""
import pandas  # noqa: F401 -- fully imported before plotly looks it up (two first page loads race otherwise)
import streamlit as st

import ui
from narration import depth
from symbreak_core import ACTIVATIONS, INIT_SCHEMES, DepthConfig, depth_probe, theory_rms
from symbreak_core import figures as fig

present = ui.page_setup("Depth and scale · symbreak", "📏")

N_SAMPLES = 1000
SYMMETRIC = ("zeros", "constant")  # the schemes that set every weight alike, so a spread means nothing for them
SPECS = [
    ui.Param("depth", 10, "int", 1, 20, label="Layers"),
    ui.Param("width", 500, "int", 10, 512, label="Units per layer"),
    ui.Param("activation", "tanh", "choice", choices=ACTIVATIONS, label="Activation", main=True),
    ui.Param("init", "normal", "choice", choices=INIT_SCHEMES, label="Init scheme", main=True),
    ui.Param("spread", 0.01, "log", 0.001, 10.0, label="Spread (std for normal; gain for named schemes)", main=True,
             needs=("init", tuple(s for s in INIT_SCHEMES if s not in SYMMETRIC)),
             why="Zeros and constant starts have no spread: every weight gets the same value."),
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
ABOUT = {  # each claim measured at seed 0 (tests/test_narration_depth.py checks them)
    "tanh-small": "Tiny random weights (std 0.01): each layer shrinks the signal to about 0.22 of its size, so after "
                  "ten layers it is millions of times smaller, and the gradient hundreds of thousands of times.",
    "tanh-large": "Weights of std 1 on 500 inputs: in every layer over 90% of the outputs sit near ±1, where tanh "
                  "is flat.",
    "tanh-xavier": "Glorot & Bengio's scale, Var[W] = 2 / (fan_in + fan_out): over ten layers the signal and the "
                   "gradient both stay within a factor of 5 of their start.",
    "relu-xavier": "Xavier assumes units that pass their input through near 0; ReLU zeroes the negative half, so "
                   "each layer keeps about 0.71 of the size, and after 20 layers the signal and the gradient are "
                   "800 to 1,200 times smaller.",
    "relu-he": "He et al.'s scale, Var[W] = 2 / fan_in, makes up for the half that ReLU switches off: the signal "
               "and the gradient keep their size within a factor of 2 through 20 layers.",
    "sigmoid-large": "Xavier × 5 pushes up to half of a layer's outputs into the flat ends of the sigmoid. A sigmoid "
                     "unit passes back at most a quarter of the gradient, under 3% when saturated: layer 1 gets a "
                     "gradient about 200 times smaller than the error at the top.",
}
PRESETS = [ui.Preset(k, label, values, ABOUT[k]) for k, (label, values) in CLASSIC.items()]

st.title("Depth and scale")
INTRO = (f"Random weights break the symmetry, but their **size** matters too. {N_SAMPLES} random inputs pass once "
         "up a deep stack of equal layers (no training) and a random error signal passes back down: do both keep "
         "their size?")
if not present:  # presenter mode: the charts first, this under them
    st.markdown(INTRO)

v = ui.controls(SPECS, PRESETS)


@st.cache_data(max_entries=64, show_spinner="Pushing the inputs through the layers…")
def run_probe(config: DepthConfig):
    with ui.heavy_job():
        return depth_probe(config)


def probe(width, depth, activation, init, spread, seed):
    return run_probe(DepthConfig(width=width, depth=depth, activation=activation, init=init, spread=spread,
                                 n_samples=N_SAMPLES, seed=seed))


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
read = depth.reading(p, theory)


def verdict():
    st.markdown(read.facts)
    box = st.success if read.verdict == "healthy" else st.error if read.verdict == "symmetric" else st.warning
    box(read.headline)


stats = fig.depth_stats(p.act_rms, p.saturated, p.grad_std, theory, compare, p.act_std, height=400)


def per_layer():
    """The three per-layer charts side by side (one under another on a phone)."""
    for k, (col, chart) in enumerate(zip(st.columns(3), stats)):
        with col:
            ui.plotly_chart(chart, key=f"depth_stats_{k}", key_chart=True)


caption = (f"Distribution of the {N_SAMPLES} × {p.width} outputs of each layer. Each panel has its own x range: "
           "read the std (σ) in its title.")
hist = fig.depth_histograms(p.hist_edges, p.hist_counts, p.act_std, height=420 if present else None)
if present:  # one screen: the per-layer picture beside the histograms; the reading under them
    left, right = st.columns([3, 2])
    with left:
        per_layer()
    with right:
        ui.plotly_chart(hist, key="depth_hist", key_chart=True)
    st.caption(caption)
    verdict()
    st.markdown(INTRO)
else:
    per_layer()
    verdict()
    st.subheader("What each layer outputs")
    st.caption(caption)
    ui.plotly_chart(hist, key="depth_hist", key_chart=True)

with st.expander("The arithmetic behind the theory line", expanded=theory is not None):
    st.markdown(
        "A unit adds up `fan_in` inputs, each times a weight. If the weights are independent with variance "
        "Var[W] and the inputs have mean square E[a²], the sum has variance"
    )
    st.latex(r"\operatorname{Var}[z_{l+1}] = \text{fan\_in}\cdot\operatorname{Var}[W]\cdot\mathbb{E}[a_l^2].")
    st.markdown(
        "Keeping the size the same from layer to layer needs fan_in · Var[W] · E[a²] = Var[z]. A linear unit "
        "passes its input through unchanged (a tanh unit working near 0 almost so), so E[a²] ≈ Var[z] and the "
        "condition is Var[W] = 1/fan_in. Glorot & Bengio (2010) also wanted the gradient on its way down to keep "
        "its size, which asks for 1/fan_out, and took the compromise 2/(fan_in + fan_out). A ReLU zeroes the "
        "negative half, so E[a²] = Var[z]/2 and the condition becomes Var[W] = 2/fan_in (He et al. 2015). "
        "Under Xavier with ReLU and equal fans the RMS therefore shrinks by 1/√2 ≈ 0.707 per layer; under He it "
        "stays flat. The same sum explains the tiny start: std 0.01 on 500 inputs multiplies the size by "
        "√(500 × 0.01²) ≈ 0.22 per layer, which is what the tanh run measures, because such small signals keep "
        "tanh in its linear middle. The dashed theory line is drawn for ReLU and linear units with random "
        "weights, where this arithmetic holds on average over the draws; leaky ReLU, tanh and sigmoid bend it, "
        "so no line is drawn for them."
    )
    if note := depth.theory_note(p, theory):
        st.caption(note)

with st.expander("Share this setup"):
    ui.share_link(v)
