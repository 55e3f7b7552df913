"""The error surface: the loss of a two-unit network seen on a slice through its symmetric point."""
from dataclasses import replace

import pandas  # noqa: F401 -- fully imported before plotly looks it up (two first page loads race otherwise)
import streamlit as st

import ui
from narration import surface as say
from symbreak_core import DATASETS, SurfaceConfig, error_surface
from symbreak_core import figures as fig
from symbreak_core.error_surface import DEFAULT

present = ui.page_setup("The error surface · symbreak", "⛰️")

D = DEFAULT  # the page's defaults are the engine's
SPECS = [
    ui.Param("dataset", D.dataset, "choice", choices=tuple(d for d in DATASETS if d != "toy"), label="Data set",
             main=True),
    ui.Param("activation", D.activation, "choice", choices=("tanh", "sigmoid", "relu"), label="Activation",
             main=True),
    ui.Param("init_value", D.init_value, "float", -1.5, 1.5, step=0.1, label="Constant start value"),
    ui.Param("perturbation", 1e-3, "log", 1e-5, 0.1, label="Noise ε on the second run", main=True),
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
INTRO = ("Swapping the two hidden units of this network changes nothing, so its loss has a mirror line where the "
         "units are equal, and gradient descent started on it never leaves it. Below: the loss on a slice through "
         "that line.")
if not present:  # presenter mode: the charts first, this under them
    st.markdown(INTRO)

v = ui.controls(SPECS, PRESETS)
config = replace(D, dataset=v["dataset"], activation=v["activation"], init_value=v["init_value"], lr=v["lr"],
                 steps=v["steps"], seed=v["seed"], record_every=max(1, v["steps"] // 300))


@st.cache_data(max_entries=32, show_spinner="Training both runs and evaluating the slice…")
def slice_through_saddle(config: SurfaceConfig):
    with ui.heavy_job():
        return error_surface(config)


try:
    sr = slice_through_saddle(SurfaceConfig(config, eps=v["perturbation"]))
except ui.Busy as e:
    st.error(str(e))
    st.stop()

end = (*sr.end, sr.end_loss)
level = float(sr.paths["constant"].loss[-1])
height = 450 if present else 620  # presenter mode: the slice and the cut across it side by side, one screen
if v["view"] == "3d":
    slice_fig, slice_key = fig.surface_3d(sr.s, sr.t, sr.loss, sr.paths, end, level, height=height), "es_3d"
else:
    slice_fig, slice_key = fig.surface_contour(sr.s, sr.t, sr.loss, sr.paths, end, level, height=height), "es_contour"
section = fig.surface_section(sr.s, sr.t, sr.loss, 0.0, height=height if present else 380)
losses = fig.surface_path_losses(sr.paths)
if present:
    left, right = st.columns([3, 2])
    with left:
        ui.plotly_chart(slice_fig, key=slice_key, key_chart=True)
    with right:
        ui.plotly_chart(section, key="es_section", key_chart=True)
    st.caption(say.caption(sr))
    st.markdown(INTRO)
    ui.plotly_chart(losses, key="es_losses")
else:
    ui.plotly_chart(slice_fig, key=slice_key, key_chart=True)
    st.caption(say.caption(sr))
    left, right = st.columns(2)
    with left:
        ui.plotly_chart(section, key="es_section", key_chart=True)
    with right:
        ui.plotly_chart(losses, key="es_losses")

st.subheader("What the numbers say")
st.markdown("\n".join(f"- {line}" for line in say.findings(sr, v["perturbation"])))
kind, message = say.verdict(sr, v["perturbation"])
getattr(st, kind)(message)

with st.expander("Share this setup"):
    ui.share_link(v)
