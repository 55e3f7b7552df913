"""The worked example: a 2-2-2-1 network small enough to follow every weight and every derivative by hand."""
import pandas  # noqa: F401 -- fully imported before plotly looks it up (two first page loads race otherwise)
import streamlit as st

import ui
from narration import worked
from symbreak_core import figures as fig
from symbreak_core import worked_example

present = ui.page_setup("The worked example · symbreak", "✏️")

SPECS = [
    ui.Param("init_value", 0.5, "float", -2.0, 2.0, step=0.1, label="a: the value every weight starts at",
             main=True),
    ui.Param("x1", 1.0, "float", -3.0, 3.0, step=0.1, label="Input x1"),
    ui.Param("x2", 2.0, "float", -3.0, 3.0, step=0.1, label="Input x2"),
    ui.Param("lr", 0.01, "log", 0.001, 0.1, label="Learning rate η"),
    ui.Param("activation", "identity", "choice", choices=("identity", "relu"), label="Hidden units", main=True),
    ui.Param("steps", 50, "int", 5, 200, step=5, label="Iterations"),
    ui.Param("nudge", 0.0, "float", -0.5, 0.5, step=0.01, label="Nudge w5 at the start by", main=True),
]
PRESETS = [
    ui.Preset("all-half", "All weights 0.5", {}, "The text's example: ten equal weights and inputs 1 and 2."),
    ui.Preset("all-zero", "All weights 0", {"init_value": 0.0}, "Start every weight at zero."),
    ui.Preset("relu-negative", "ReLU units, a = -0.5", {"activation": "relu", "init_value": -0.5},
              "The ReLU question: what if the units are ReLU and the start is negative?"),
    ui.Preset("equal-inputs", "Equal inputs", {"x1": 1.5, "x2": 1.5},
              "When x1 = x2 even the first layer has nothing to tell its weights apart."),
    ui.Preset("nudged", "One weight nudged", {"nudge": 0.1}, "Start w5 at a + 0.1 and watch the groups split."),
]
YES, NO = ":green[:material/check_circle:]", ":red[:material/cancel:]"

st.title("The worked example, number by number")
INTRO = ("Two inputs, two hidden layers of two units, one output, no biases. The objective is simply the output "
         "$y$, so gradient descent pushes $y$ down and each weight moves by $-\\eta\\,\\partial y/\\partial w_i$.")
if not present:  # presenter mode: the network first, this under it
    st.markdown(INTRO)
EQUATIONS = (r"\begin{aligned} y_1 &= w_1x_1 + w_3x_2 \\ y_2 &= w_2x_1 + w_4x_2 \\ y_3 &= w_5y_1 + w_7y_2 \\ "
             r"y_4 &= w_6y_1 + w_8y_2 \\ y &= w_9y_3 + w_{10}y_4 \end{aligned}")  # one a line: fits a phone

v = ui.controls(SPECS, PRESETS)
a, x1, x2 = v["init_value"], v["x1"], v["x2"]


@st.cache_data(max_entries=128, show_spinner=False)
def run(a, x1, x2, lr, steps, activation, nudge):
    start = [a] * 10
    start[4] = a + nudge  # w5
    return worked_example.run(a=a, x1=x1, x2=x2, lr=lr, steps=steps, activation=activation, start=start)


r = run(a, x1, x2, v["lr"], v["steps"], v["activation"], v["nudge"])
last = r.last_finite()
if note := worked.overflow_note(last, v["steps"]):
    st.warning(note)
vmax = fig.weight_vmax([r.weights[: last + 1]])

if st.session_state.get("toy_iter", last) > last or "toy_iter" not in st.session_state:
    st.session_state["toy_iter"] = last  # open at the end; keep the slider inside a shorter run
n = st.slider("Iteration", 0, last, key="toy_iter")
say = worked.explain(r, n, last)



def checks():
    st.subheader(f"Which weights are equal at iteration {n}?")
    for holds, line in say.checks:
        st.markdown(f"{YES if holds else NO} {line}")
    if say.status:
        kind, line = say.status
        (st.error if kind == "error" else st.success)(line)


def derivatives():
    st.subheader(f"The derivatives at iteration {n}, with the numbers filled in")
    st.caption(say.derivatives_caption)
    st.latex(say.derivatives)


diagram = fig.toy_diagram(r.at(n), r.units_at(n), (x1, x2), vmax, title=f"The network at iteration {n}",
                          height=330 if present else 440, colorbar_below=not present)  # half a projector: bar beside
if present:  # one screen: the network with its ten weights beside the derivatives; the checks below
    left, right = st.columns([1, 1])
    with left:
        ui.plotly_chart(diagram, key="toy_diagram", key_chart=True)
    with right:  # the numbers only, under a one-line heading: ten lines beside the diagram
        st.markdown(f"**The derivatives at iteration {n}**")
        st.latex(say.derivatives_short)
    st.caption(say.derivatives_caption)
    st.markdown(INTRO)
    checks()
else:
    left, right = st.columns([2, 1])
    with left:
        ui.plotly_chart(diagram, key="toy_diagram", key_chart=True)
    with right:
        checks()
with st.expander("The network's five equations", expanded=not present):
    st.latex(EQUATIONS)
if not present:
    derivatives()

st.subheader("Every iteration in one table")
st.caption("Newest first. In each row, weights with exactly the same value (to the last bit) share a colour.")
ui.plotly_chart(fig.toy_table(r.weights[: last + 1], n, worked_example.NAMES), key="toy_table")
ui.plotly_chart(fig.toy_lines(r.weights[: last + 1], n, worked_example.NAMES), key="toy_lines")

st.subheader("What the numbers show")
st.markdown(say.summary)
if say.relu_note:
    st.info(say.relu_note)
with st.expander("The ReLU question in the text, answered"):
    st.markdown(say.relu_answer)

with st.expander("Share this setup"):
    ui.share_link(v)
