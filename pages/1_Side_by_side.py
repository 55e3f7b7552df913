"""Side by side: one network, one data set, one seed; only the way the weights start differs."""
from dataclasses import replace

import pandas  # noqa: F401 -- fully imported before plotly looks it up (two first page loads race otherwise)
import streamlit as st

import ui
from symbreak_core import ACTIVATIONS, DATASETS, INIT_SCHEMES, OPTIMIZERS, TrainConfig, train
from symbreak_core import figures as fig

st.set_page_config(page_title="Side by side · symbreak", page_icon="⚖️", layout="wide")

RUNS = ("init_a", "init_b", "init_c", "init_d")
OFF = "off"
SPECS = [
    ui.Param("init_a", "constant", "choice", choices=INIT_SCHEMES, label="Run A: init scheme"),
    ui.Param("init_b", "he_normal", "choice", choices=INIT_SCHEMES, label="Run B: init scheme"),
    ui.Param("init_c", OFF, "choice", choices=(OFF, *INIT_SCHEMES), label="Run C: init scheme"),
    ui.Param("init_d", OFF, "choice", choices=(OFF, *INIT_SCHEMES), label="Run D: init scheme"),
    ui.Param("init_value", 0.5, "float", -2.0, 2.0, step=0.1, label="Constant value (for 'constant')"),
    ui.Param("spread", 1.0, "log", 0.01, 10.0, label="Spread (std, or gain of a named scheme)"),
    ui.Param("dataset", "xor", "choice", choices=DATASETS, label="Data set"),
    ui.Param("noise", 0.1, "float", 0.0, 0.5, step=0.05, label="Data noise"),
    ui.Param("width", 8, "int", 1, 32, label="Units per hidden layer"),
    ui.Param("depth", 2, "int", 1, 4, label="Hidden layers"),
    ui.Param("activation", "tanh", "choice", choices=ACTIVATIONS, label="Activation"),
    ui.Param("optimizer", "sgd", "choice", choices=OPTIMIZERS, label="Optimizer"),
    ui.Param("lr", 0.1, "log", 0.001, 5.0, label="Learning rate"),
    ui.Param("steps", 1000, "int", 100, 5000, step=100, label="Training steps"),
    ui.Param("seed", 0, "int", 0, 9999, label="Seed (data and random draws)"),
]
PRESETS = [
    ui.Preset("half-vs-he", "All 0.5 against He", {},
              "The classic question: every weight 0.5 against a random He start. Watch the distinct units."),
    ui.Preset("four-starts", "Zeros, 0.5, Xavier, He",
              {"init_a": "zeros", "init_b": "constant", "init_c": "xavier_normal", "init_d": "he_normal"},
              "Two symmetric starts against two random ones, everything else equal."),
    ui.Preset("sigmoid-zeros", "Zeros with sigmoid units",
              {"init_a": "zeros", "init_b": "xavier_normal", "activation": "sigmoid", "lr": 0.5},
              "Sigmoid(0) = 0.5, so zero weights still pass a signal: the weights move, but together."),
    ui.Preset("too-large", "Too large against Xavier",
              {"init_a": "normal", "init_b": "xavier_normal", "spread": 5.0, "init_c": "constant"},
              "Normal with std 5 saturates tanh units; Xavier keeps them in their useful range."),
]

st.title("Side by side")
st.markdown(
    "Each run below trains the **same network on the same points with the same seed**; the only thing that "
    "differs is how the weights start. Press **Play** or drag the step slider to move all runs together."
)

v = ui.controls(SPECS, PRESETS)
base = TrainConfig(
    dataset=v["dataset"], noise=v["noise"], hidden=(v["width"],) * v["depth"], activation=v["activation"],
    init_value=v["init_value"], spread=v["spread"], optimizer=v["optimizer"], lr=v["lr"], steps=v["steps"],
    record_every=max(1, v["steps"] // 100), seed=v["seed"],
)
schemes = list(dict.fromkeys(v[k] for k in RUNS if v[k] != OFF))  # each scheme once, in order
if len(schemes) < len([k for k in RUNS if v[k] != OFF]):
    st.info("The same scheme was chosen twice; it is trained once, since equal settings give equal runs.")
labels = {s: (f"constant {v['init_value']:g}" if s == "constant" else s) for s in schemes}


@st.cache_data(max_entries=64, show_spinner=False)
def run(config: TrainConfig):
    with ui.heavy_job():
        return train(config)


results = {}
bar = st.progress(0.0, text="Training…")
try:
    for i, s in enumerate(schemes):
        bar.progress(i / len(schemes), text=f"Training {labels[s]} ({i + 1} of {len(schemes)})…")
        results[labels[s]] = run(replace(base, init=s))
except ui.Busy as e:
    bar.empty()
    st.error(str(e))
    st.stop()
bar.empty()

widths = base.hidden
vmax = fig.weight_vmax(W for r in results.values() for snap in r.snapshots for W in snap.weights)


def _snapshot(result, step):
    """The last snapshot at or before `step` (a diverged run stops early and keeps its last picture)."""
    return next((s for s in reversed(result.snapshots) if s.step <= step), result.snapshots[0])


def _toggle_play():
    st.session_state["sbs_play"] = not st.session_state.get("sbs_play", False)
    if st.session_state["sbs_play"] and st.session_state.get("sbs_step", 0) >= base.steps:
        st.session_state["sbs_step"] = 0  # play again from the start


PLAYING = st.session_state.get("sbs_play", False)  # the timer below is set when the page runs, not the fragment


@st.fragment(run_every=0.35 if PLAYING else None)
def timeline():
    if st.session_state.get("sbs_play", False) != PLAYING:
        st.rerun()  # Play or Pause was pressed: rerun the page to start or stop the timer
    every = base.record_every
    step = min(int(st.session_state.get("sbs_step", base.steps)), base.steps)
    step -= step % every
    if st.session_state.get("sbs_play"):
        step = min(base.steps, step + max(every, base.steps // 40 // every * every))
        if step >= base.steps:
            st.session_state["sbs_play"] = False  # the next tick sees the change and stops the timer
    st.session_state["sbs_step"] = step
    left, right = st.columns([1, 6], vertical_alignment="bottom")
    playing = st.session_state.get("sbs_play", False)
    left.button("Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
                on_click=_toggle_play, width="stretch",
                key="sbs_play_button")
    right.slider("Step (shared by all runs)", 0, base.steps, step=every, key="sbs_step")

    snaps = {label: _snapshot(r, step) for label, r in results.items()}
    loss = fig.compare_loss({k: (range(r.steps_done), r.losses) for k, r in results.items()}, step)
    distinct = fig.compare_distinct({k: s.distinct for k, s in snaps.items()}, widths,
                                    title=f"Distinct units at step {step}")
    heatmaps = [fig.titled(fig.weight_heatmaps(snap.weights, vmax=vmax, height=300),
                           f"{label}: weights at step {snap.step}") for label, snap in snaps.items()]
    per_row = min(2, len(heatmaps))
    rows = [[(loss, 3), (distinct, 2)]] + [[(h, 1) for h in heatmaps[i:i + per_row]]
                                           for i in range(0, len(heatmaps), per_row)]
    ui.chart_grid(rows, key="sbs_charts")  # redrawn in place while playing or scrubbing: no flicker
    st.caption("Each heatmap: rows are inputs, columns are units. Two units are the same unit exactly when "
               "their columns match, bias included. The colour range is fixed for the whole timeline.")


timeline()

st.subheader("What happened")
for label, r in results.items():
    last = r.final
    layers = ", ".join(f"{d} of {w}" for d, w in zip(last.distinct, widths, strict=True))
    line = (f"**{label}**: final training loss {last.train_loss:.3g}, test accuracy {100 * last.test_acc:.0f}%; "
            f"distinct units per hidden layer: {layers}.")
    if r.status == "diverged":
        line += f" The run diverged at step {r.diverged_at} ({r.reason}); lower the learning rate or the spread."
    elif all(d == 1 for d in last.distinct) and max(widths) > 1:
        line += (f" Every hidden layer is still a stack of identical copies, so this network computes what a "
                 f"network with one unit per layer would: its {max(widths)} units are wasted.")
        if len(r.grad_norms) and not r.grad_norms[-1].any():
            line += " Every gradient is exactly zero: nothing has moved and nothing ever will."
        elif len(r.grad_norms) and not r.grad_norms[-1][:-1].any():
            line += (" The hidden layers' gradients are exactly zero, so their weights have never moved; only the "
                     "last layer learns.")
    elif all(d == w for d, w in zip(last.distinct, widths, strict=True)):
        line += " Every unit became its own feature detector."
    st.markdown("- " + line)

stuck = [k for k, r in results.items() if all(d == 1 for d in r.final.distinct)]
free = [k for k, r in results.items() if k not in stuck]
if stuck and free and max(widths) > 1:
    st.markdown(
        f"Why: when all weights into a layer start equal, every unit of that layer computes the same number on "
        f"every input, receives the same error signal, and therefore gets the same update. After the update they "
        f"are equal again, and so on for every step: the equality is never broken by gradient descent itself. "
        f"**{', '.join(stuck)}** shows exactly that. A random start (**{', '.join(free)}**) gives each unit "
        f"its own weights, so each gets its own gradient and they can learn different things."
    )

with st.expander("Share this setup"):
    ui.share_link(v)
