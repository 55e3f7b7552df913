"""The error surface: the loss of a two-unit network seen on a slice through its symmetric point."""
import streamlit as st

import figures
import ui
from narration import surface as say
from settings import error_surface as S
from symbreak_core import SurfaceConfig, error_surface

present = ui.page_setup("The error surface · symbreak", "⛰️")

st.title("The error surface")
INTRO = ("Swapping the two hidden units of this network changes nothing, so its loss has a mirror line where the "
         "units are equal, and gradient descent started on it never leaves it. Below: the loss on a slice through "
         "that line.")
if not present:  # presenter mode: the charts first, this under them
    st.markdown(INTRO)

v = ui.controls(S.SPECS, S.PRESETS)


@st.cache_data(max_entries=32, show_spinner="Training both runs and evaluating the slice…")
def slice_through_saddle(config: SurfaceConfig):
    with ui.heavy_job():
        return error_surface(config)


with ui.stop_when_busy():
    sr = slice_through_saddle(S.config(v))

end = (*sr.end, sr.end_loss)
level = float(sr.paths["constant"].loss[-1])
height = 450 if present else 620  # presenter mode: the slice and the cut across it side by side, one screen
draw, slice_key = (figures.surface_3d, "es_3d") if v["view"] == "3d" else (figures.surface_contour, "es_contour")
slice_fig = draw(sr.s, sr.t, sr.loss, sr.paths, end, level, height=height)
section = figures.surface_section(sr.s, sr.t, sr.loss, 0.0, height=height if present else 380)
losses = figures.surface_path_losses(sr.paths)
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
