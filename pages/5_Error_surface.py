"""The error surface: the loss of a two-unit network seen on a slice through its symmetric point."""
from dataclasses import replace

import pandas  # noqa: F401 -- fully imported before plotly looks it up (two first page loads race otherwise)
import streamlit as st

import ui
from narration import surface as say
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

end = (*sr.end, sr.end_loss)
level = float(sr.paths["constant"].loss[-1])
if v["view"] == "3d":
    st.plotly_chart(fig.surface_3d(sr.s, sr.t, sr.loss, sr.paths, end, level), theme=None, key="es_3d")
else:
    st.plotly_chart(fig.surface_contour(sr.s, sr.t, sr.loss, sr.paths, end, level), theme=None, key="es_contour")
st.caption(say.caption(sr))

left, right = st.columns(2)
left.plotly_chart(fig.surface_section(sr.s, sr.t, sr.loss, 0.0), theme=None, key="es_section")
right.plotly_chart(fig.surface_path_losses(sr.paths), theme=None, key="es_losses")

st.subheader("What the numbers say")
st.markdown("\n".join(f"- {line}" for line in say.findings(sr, v["perturbation"])))
kind, message = say.verdict(sr, v["perturbation"])
getattr(st, kind)(message)

with st.expander("Share this setup"):
    ui.share_link(v)
