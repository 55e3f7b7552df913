"""Depth and scale: how the size of the initial weights decides whether a deep network can pass a signal at all."""
import streamlit as st

import figures
import ui
from narration import depth
from settings import depth as S
from symbreak_core import DepthConfig, depth_probe, theory_rms

present = ui.page_setup("Depth and scale · symbreak", "📏")

st.title("Depth and scale")
INTRO = (f"Random weights break the symmetry, but their **size** matters too. {S.N_SAMPLES} random inputs pass once "
         "up a deep stack of equal layers (no training) and a random error signal passes back down: do both keep "
         "their size?")
if not present:  # presenter mode: the charts first, this under them
    st.markdown(INTRO)

v = ui.controls(S.SPECS, S.PRESETS)


@st.cache_data(max_entries=64, show_spinner="Pushing the inputs through the layers…")
def run_probe(config: DepthConfig):
    with ui.heavy_job():
        return depth_probe(config)


with ui.stop_when_busy():
    p = run_probe(S.config(v))
    compare = {}
    if v["compare"]:
        classics = S.classics(v)
        bar = st.progress(0.0, text="Running the classic settings…")
        for i, (label, config) in enumerate(classics.items()):
            bar.progress(i / len(classics), text=f"Running {label} ({i + 1} of {len(classics)})…")
            q = run_probe(config)
            compare[label] = (q.act_rms, q.grad_std)
        bar.empty()

theory = theory_rms(p)
read = depth.reading(p, theory)


def verdict():
    st.markdown(read.facts)
    box = st.success if read.verdict == "healthy" else st.error if read.verdict == "symmetric" else st.warning
    box(read.headline)


# presenting, the charts keep the height of a two-row legend whatever theirs: a third row (ReLU's theory line)
# took the key charts' last lines off a 1280x720 projector
stats = figures.depth_stats(p.act_rms, p.saturated, p.grad_std, theory, compare, p.act_std, height=400,
                            legend_rows=2 if present else None)


def per_layer():
    """The three per-layer charts side by side (one under another on a phone)."""
    for k, (col, chart) in enumerate(zip(st.columns(3), stats)):
        with col:
            ui.plotly_chart(chart, key=f"depth_stats_{k}", key_chart=True)


caption = (f"Distribution of the {S.N_SAMPLES} × {p.width} outputs of each layer. Each panel has its own x range: "
           "read the std (σ) in its title.")
# four panels a row unless presenting (beside the per-layer charts): a fifth of a phone was too narrow for a
# panel's title beside its neighbours' ("layer 11 σ 0.017")
hist = figures.depth_histograms(p.hist_edges, p.hist_counts, p.act_std, cols=5 if present else 4,
                                height=420 if present else None)
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
    # thin spaces for the products: with dots it was 11 px wider than a phone's column
    st.latex(r"\operatorname{Var}[z_{l+1}] = \text{fan\_in}\,\operatorname{Var}[W]\,\mathbb{E}[a_l^2].")
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
