"""The worked example: a 2-2-2-1 network small enough to follow every weight and every derivative by hand."""
import streamlit as st

import figures
import ui
from narration import worked
from settings import worked_example as S
from settings.params import moment_within
from symbreak_core import worked_example

present = ui.page_setup("The worked example · symbreak", "✏️")

YES, NO = ":green[:material/check_circle:]", ":red[:material/cancel:]"

st.title("The worked example, number by number")
INTRO = ("Two inputs, two hidden layers of two units, one output, no biases. The objective is simply the output "
         "$y$, so gradient descent pushes $y$ down and each weight moves by $-\\eta\\,\\partial y/\\partial w_i$.")
if not present:  # presenter mode: the network first, this under it
    st.markdown(INTRO)

v = ui.controls(S.SPECS, S.PRESETS, moment=S.MOMENT)
x1, x2 = v["x1"], v["x2"]


@st.cache_data(max_entries=128, show_spinner=False)
def run(config: dict):
    return worked_example.run(**config)


r = run(S.config(v))
last = r.last_finite()
if note := worked.overflow_note(last, v["steps"]):
    st.warning(note)
vmax = figures.weight_vmax([r.weights[: last + 1]])

if (opened_at := ui.opened_moment()) is not None:  # a link's iteration
    st.session_state["toy_iter"], note = moment_within(S.MOMENT.name, opened_at, last)
    if note:
        st.warning(note)
if st.session_state.get("toy_iter", last) > last or "toy_iter" not in st.session_state:
    st.session_state["toy_iter"] = last  # open at the end; keep the slider inside a shorter run
n = st.slider("Iteration", 0, last, key="toy_iter")
ui.keep_moment(S.MOMENT.name, n, default=last)  # the address bar follows the iteration
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


diagram = figures.toy_diagram(r.at(n), r.units_at(n), (x1, x2), vmax, title=f"The network at iteration {n}",
                          height=330 if present else 440, colorbar_below=not present)  # half a projector: bar beside
if present:  # one screen: the network with its ten weights beside the derivatives; the checks below
    left, right = st.columns([5, 6])
    with left:
        ui.plotly_chart(diagram, key="toy_diagram", key_chart=True)
    with right:  # the numbers only, ten lines as tall as the diagram; what they are is said under both
        st.latex(say.derivatives_short)
    st.caption(say.derivatives_short_caption)
    st.markdown(INTRO)
    checks()
else:
    left, right = st.columns([2, 1])
    with left:
        ui.plotly_chart(diagram, key="toy_diagram", key_chart=True)
    with right:
        checks()
with st.expander("The network's five equations", expanded=not present):
    st.latex(worked.equations())
if not present:
    derivatives()

st.subheader("Every iteration in one table")
st.caption("Newest first. In each row, weights with exactly the same value (to the last bit) share a colour.")
ui.plotly_chart(figures.toy_table(r.weights[: last + 1], n, worked_example.NAMES), key="toy_table")
ui.plotly_chart(figures.toy_lines(r.weights[: last + 1], n, worked_example.NAMES), key="toy_lines")

st.subheader("What the numbers show")
st.markdown(say.summary)
if say.relu_note:
    st.info(say.relu_note)
with st.expander("The ReLU question in the text, answered"):
    st.markdown(say.relu_answer)

with st.expander("Share this setup"):
    ui.share_link(v | ({S.MOMENT.name: n} if n != last else {}))
