"""The error surface: the loss of a two-unit network seen on a slice through its symmetric point."""
from dataclasses import replace

import numpy as np
import pandas  # noqa: F401 -- fully imported before plotly looks it up (two first page loads race otherwise)
import streamlit as st

import ui
from symbreak_core import DATASETS, error_surface, surface
from symbreak_core import figures as fig

st.set_page_config(page_title="The error surface · symbreak", page_icon="⛰️", layout="wide")

D = surface.DEFAULT
SPECS = [
    ui.Param("dataset", D.dataset, "choice", choices=tuple(d for d in DATASETS if d != "toy"), label="Data set"),
    ui.Param("activation", D.activation, "choice", choices=("tanh", "sigmoid", "relu"), label="Activation"),
    ui.Param("init_value", D.init_value, "float", -1.5, 1.5, step=0.1, label="Constant start value"),
    ui.Param("perturbation", 1e-3, "log", 1e-5, 0.1, label="Noise ε on the second run"),
    ui.Param("lr", D.lr, "log", 0.01, 5.0, label="Learning rate"),
    ui.Param("steps", D.steps, "int", 200, 5000, step=100, label="Training steps"),
    ui.Param("seed", 0, "int", 0, 9999, label="Seed (data and noise)"),
    ui.Param("view", "contour", "choice", choices=(("contour", "Contour map"), ("3d", "3-D surface")),
             label="Draw the slice as"),
]
PRESETS = [
    ui.Preset("circles", "Circles, ε = 0.001", {}, "The default: a clear saddle and a run that rolls off it."),
    ui.Preset("xor", "XOR, ε = 0.05", {"dataset": "xor", "perturbation": 0.05},
              "XOR: the ridge is very flat here, so the run needs a bigger push to leave it in time."),
    ui.Preset("tiny", "Circles, ε = 0.00001", {"perturbation": 1e-5},
              "A hundred times less noise: the run still falls off, only later."),
]

st.title("The error surface")
st.markdown(
    "A network with two hidden units has a mirror in its loss: swapping the two units changes nothing. "
    "So every point where the two units are equal lies on the mirror line, and gradient descent started there "
    "can never leave it. Below is the loss on a slice of weight space that contains that line."
)

v = ui.controls(SPECS, PRESETS)
config = replace(D, dataset=v["dataset"], activation=v["activation"], init_value=v["init_value"], lr=v["lr"],
                 steps=v["steps"], seed=v["seed"], record_every=max(1, v["steps"] // 300))


@st.cache_data(max_entries=32, show_spinner="Training both runs and evaluating the slice…")
def slice_through_saddle(config, eps):
    with ui.heavy_job():
        return error_surface(config, eps=eps)


try:
    sr = slice_through_saddle(config, v["perturbation"])
except ui.Busy as e:
    st.error(str(e))
    st.stop()

sym, noisy = sr.paths["constant"], sr.paths["constant + noise"]
if v["view"] == "3d":
    st.plotly_chart(fig.surface_3d(sr.s, sr.t, sr.loss, sr.paths), theme=None, key="es_3d")
else:
    st.plotly_chart(fig.surface_contour(sr.s, sr.t, sr.loss, sr.paths), theme=None, key="es_contour")
st.caption(
    "Horizontal axis s: both units change together, from the constant start (s = 1) to where the symmetric run "
    "ends (s = 0). Vertical axis t: the units move in opposite directions, +t on one and −t on the other. "
    "The loss is the same at t and −t, so the picture is a mirror image about the dotted line. The symmetric run "
    "lies in this slice exactly; the noisy run also moves in directions the slice cannot show, so its line is its "
    "shadow on the slice (its true loss is in the chart below right)."
)

left, right = st.columns(2)
left.plotly_chart(fig.surface_section(sr.s, sr.t, sr.loss, 0.0), theme=None, key="es_section")
right.plotly_chart(fig.surface_path_losses(sr.paths), theme=None, key="es_losses")

st.subheader("What the numbers say")
kappa = sr.curvature
drift = float(np.max(np.abs(sym.t)))
t0, t1 = abs(float(noisy.t[0])), abs(float(noisy.t[-1]))
st.markdown(
    f"- **The symmetric run never leaves the line.** Its largest distance from t = 0 over {sym.steps[-1]} steps "
    f"is {drift:.3g}"
    + (" (exactly zero)." if drift == 0 else ".")
    + " On the line the loss is the same for t and −t, so its slope across the line is exactly zero and no "
    "step can push the run sideways.\n"
    "- **The line is a ridge, not a valley.** Across the line at the centre the loss curves "
    + ("downward" if kappa < 0 else "upward")
    + f", with curvature **{kappa:.3g}** "
    + ("(negative: a saddle). Moving apart by a small δ lowers the loss by about "
       f"{abs(kappa) / 2:.3g}·δ², so the point where the symmetric run stops is an unstable balance."
       if kappa < 0 else "(not negative here, so at this centre the units have no reason to split).")
    + f"\n- **A nudge grows.** The second run started ε = {v['perturbation']:g} off the line (|t| = {t0:.2g} at "
    f"its first record) and ended at |t| = **{t1:.3g}**, "
    + (f"{t1 / t0:.3g} times further out." if t0 > 0 else "from exactly on the line.")
    + f" Its final loss is **{noisy.loss[-1]:.4f}** against **{sym.loss[-1]:.4f}** for the run that stayed "
    "symmetric."
)
if kappa < 0 and noisy.loss[-1] < sym.loss[-1] - 1e-3:
    st.success(
        "This is the picture behind the rule \"never start with equal weights\": equal weights put the network on "
        "a ridge it cannot leave by itself, while the smallest random difference lets it roll off and find the "
        "better solutions on either side, which are mirror images of each other."
    )
elif noisy.loss[-1] >= sym.loss[-1] - 1e-3:
    st.info(
        "The noisy run has not yet pulled away from the symmetric one in loss. With this data or this ε the ridge "
        "is flat enough that it needs more steps, a larger learning rate, or a bigger ε."
    )

with st.expander("Share this setup"):
    ui.share_link(v)
