"""The worked example: a 2-2-2-1 network small enough to follow every weight and every derivative by hand."""
import numpy as np
import pandas  # noqa: F401 -- fully imported before plotly looks it up (two first page loads race otherwise)
import streamlit as st

import ui
from symbreak_core import figures as fig
from symbreak_core import toy

st.set_page_config(page_title="The worked example · symbreak", page_icon="✏️", layout="wide")

SPECS = [
    ui.Param("init_value", 0.5, "float", -2.0, 2.0, step=0.1, label="a: the value every weight starts at"),
    ui.Param("x1", 1.0, "float", -3.0, 3.0, step=0.1, label="Input x1"),
    ui.Param("x2", 2.0, "float", -3.0, 3.0, step=0.1, label="Input x2"),
    ui.Param("lr", 0.01, "log", 0.001, 0.1, label="Learning rate η"),
    ui.Param("activation", "identity", "choice", choices=("identity", "relu"), label="Hidden units"),
    ui.Param("steps", 50, "int", 5, 200, step=5, label="Iterations"),
    ui.Param("nudge", 0.0, "float", -0.5, 0.5, step=0.01, label="Nudge w5 at the start by"),
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
GROUP_TEXT = ("w_1 = w_2", "w_3 = w_4", "w_5 = w_6 = w_7 = w_8", "w_9 = w_{10}")

st.title("The worked example, number by number")
st.markdown(
    "Two inputs, two hidden layers of two units, one output, no biases. The objective is simply the output "
    "$y$, so gradient descent pushes $y$ down and each weight moves by $-\\eta\\,\\partial y/\\partial w_i$."
)
st.latex(r"y_1 = w_1x_1 + w_3x_2,\quad y_2 = w_2x_1 + w_4x_2,\quad y_3 = w_5y_1 + w_7y_2,\quad "
         r"y_4 = w_6y_1 + w_8y_2,\quad y = w_9y_3 + w_{10}y_4")

v = ui.controls(SPECS, PRESETS)
a, x1, x2, relu = v["init_value"], v["x1"], v["x2"], v["activation"] == "relu"


@st.cache_data(max_entries=128, show_spinner=False)
def run(a, x1, x2, lr, steps, activation, nudge):
    start = [a] * 10
    start[4] = a + nudge  # w5
    return toy.run(a=a, x1=x1, x2=x2, lr=lr, steps=steps, activation=activation, start=start)


r = run(a, x1, x2, v["lr"], v["steps"], v["activation"], v["nudge"])
finite = np.isfinite(r.weights).all(axis=1) & np.isfinite(r.units).all(axis=1) & np.isfinite(r.grads).all(axis=1)
last = v["steps"] if finite.all() else max(0, int(np.argmin(finite)) - 1)
if last < v["steps"]:
    st.warning(f"The numbers overflow after iteration {last}: the objective is the output itself, which has no "
               f"minimum, so a large learning rate sends it off to minus infinity. The slider stops at {last}; "
               f"lower the learning rate to follow more iterations.")
vmax = fig.weight_vmax([r.weights[: last + 1]])

if st.session_state.get("toy_iter", last) > last or "toy_iter" not in st.session_state:
    st.session_state["toy_iter"] = last  # open at the end; keep the slider inside a shorter run
n = st.slider("Iteration", 0, last, key="toy_iter")
w, g, u = r.at(n), r.grads_at(n), r.units_at(n)


def num(x):
    """A number for a formula: 4 significant digits, negatives in brackets."""
    s = f"{x:.4g}".replace("e", r"\mathrm{e}")
    return f"({s})" if x < 0 else s


def W(i):
    return num(w[f"w{i}"])


def gate(k):
    """The ReLU slope of unit y_k: 1 where it passes its input, 0 where it is switched off."""
    return "" if not relu else (r"\cdot\underbrace{1}_{y_%d>0}" % k if u[f"y{k}"] > 0 else
                                r"\cdot\underbrace{0}_{y_%d\le0}" % k)


left, right = st.columns([2, 1])
with left:
    st.plotly_chart(fig.toy_diagram(w, u, (x1, x2), vmax, title=f"The network at iteration {n}"), theme=None,
                    key="toy_diagram")
with right:
    st.subheader(f"Which weights are equal at iteration {n}?")
    vals = [w[f"w{i}"] for i in range(1, 11)]
    for names, text in zip(toy.EQUAL_GROUPS, GROUP_TEXT, strict=True):
        same = toy.groups_equal(w, (names,))
        st.markdown(f"{YES if same else NO} ${text}$" + (f" $= {W(int(names[0][1:]))}$" if same else
                    "  (no longer equal)"))
    st.markdown((YES if w["w1"] != w["w3"] else NO) + f" $w_1 \\ne w_3$: $w_1 - w_3 = {num(w['w1'] - w['w3'])}$")
    zero = all(x == 0.0 for x in g.values())
    if zero:
        st.error("Every one of the ten gradients is **exactly 0**. No weight will ever move.")
    elif toy.groups_equal(w):
        st.success(
            "Ten weights, but only "
            f"{len(set(vals))} different values. Each layer behaves as if it had a single unit: "
            "y1 always equals y2 and y3 always equals y4."
        )

st.subheader(f"The derivatives at iteration {n}, with the numbers filled in")
st.caption("Each line is the chain rule for one weight; the last number is what the engine computed, and each "
           "weight then moves by −η times it." + (" Under ReLU every path through a unit is multiplied by its "
                                                  "slope, 1 if the unit is on and 0 if it is off." if relu else ""))
d = {i: num(g[f"w{i}"]) for i in range(1, 11)}
ys = {k: num(u[f"y{k}"]) for k in range(1, 5)}
f3 = (r"\max(0,\ ", ")") if relu else ("", "")  # a ReLU unit outputs max(0, its input)
out_layer = [
    rf"\frac{{\partial y}}{{\partial w_9}} &= y_3 = {f3[0]}w_5y_1 + w_7y_2{f3[1]} = "
    rf"{f3[0]}{W(5)}\cdot{ys[1]} + {W(7)}\cdot{ys[2]}{f3[1]} = {d[9]}",
    rf"\frac{{\partial y}}{{\partial w_{{10}}}} &= y_4 = {f3[0]}w_6y_1 + w_8y_2{f3[1]} = "
    rf"{f3[0]}{W(6)}\cdot{ys[1]} + {W(8)}\cdot{ys[2]}{f3[1]} = {d[10]}",
]
middle = [
    rf"\frac{{\partial y}}{{\partial w_{i}}} &= w_{{{o}}}\,{gate(k)}\, y_{src} = {W(o)}{gate(k)}\cdot{ys[src]}"
    rf" = {d[i]}" for i, o, k, src in ((5, 9, 3, 1), (6, 10, 4, 1), (7, 9, 3, 2), (8, 10, 4, 2))
]
first = [
    rf"\frac{{\partial y}}{{\partial w_{i}}} &= (w_9{gate(3)}\,w_{p} + w_{{10}}{gate(4)}\,w_{q}){gate(k)}\,x_{x}"
    rf" = ({W(9)}{gate(3)}\cdot{W(p)} + {W(10)}{gate(4)}\cdot{W(q)}){gate(k)}\cdot{num((x1, x2)[x - 1])} = {d[i]}"
    for i, p, q, k, x in ((1, 5, 6, 1, 1), (2, 7, 8, 2, 1), (3, 5, 6, 1, 2), (4, 7, 8, 2, 2))
]
st.latex(r"\begin{aligned}" + r"\\".join(out_layer + middle + first) + r"\end{aligned}")

st.subheader("Every iteration in one table")
st.caption("Newest first. In each row, weights with exactly the same value (to the last bit) share a colour.")
st.plotly_chart(fig.toy_table(r.weights[: last + 1], n, toy.NAMES), theme=None, key="toy_table")
st.plotly_chart(fig.toy_lines(r.weights[: last + 1], n, toy.NAMES), theme=None, key="toy_lines")

st.subheader("What the numbers show")
if zero and x1 == 0 and x2 == 0:
    st.markdown(
        "Both inputs are 0, so every unit outputs 0 whatever the weights are. Each derivative above contains a "
        "unit's output or an input as a factor, so all of them are 0: with nothing coming in there is nothing "
        "to learn from."
    )
elif zero and not relu:
    st.markdown(
        "With every weight at 0, each hidden unit outputs 0. Every derivative above is a product that contains "
        "either a weight or a hidden output, so every one of them is 0 and the first update changes nothing. "
        "The next iteration starts from the same place: the network is frozen for good."
    )
elif zero and relu:
    layer = "first" if u["y1"] == 0 and u["y2"] == 0 else "second"
    where = (f"the first layer's units receive $w_1x_1 + w_3x_2 = {num(w['w1'] * x1 + w['w3'] * x2)} \\le 0$"
             if layer == "first" else
             f"the first layer passes {ys[1]} on, but the second layer's units receive "
             f"$w_5y_1 + w_7y_2 = {num(w['w5'] * u['y1'] + w['w7'] * u['y2'])} \\le 0$")
    st.markdown(
        f"With ReLU units and a = {a:g}, {where}, so both units of the {layer} layer output 0 and their slope is "
        "0. Every path from a weight to the output passes through a switched-off unit, so all ten gradients are "
        "exactly 0. With linear units the same start would still learn (in lockstep); with ReLU it cannot even "
        "do that. Whenever a constant start switches a whole layer off, the units are dead, not merely symmetric."
    )
elif toy.groups_equal(w):
    pairs = "different" if x1 != x2 else "equal"
    st.markdown(
        f"The text's conclusion holds exactly here: after {n} iterations $w_1=w_2$, $w_3=w_4$, "
        f"$w_5=w_6=w_7=w_8$ and $w_9=w_{{10}}$. The inputs are {pairs} ($x_1={x1:g}$, $x_2={x2:g}$), so $w_1$ and "
        "$w_3$, the weights carrying different inputs into the same unit, "
        + ("can and do differ. " if w["w1"] != w["w3"] else "stay equal as well. ")
        + "But look at what is equal: unit $y_1$ has incoming weights $(w_1, w_3)$ and unit $y_2$ has "
        "$(w_2, w_4)$. Different inputs make a unit's weights differ from each other; they never make two units "
        "differ from each other, because both units see exactly the same inputs and receive exactly the same "
        "error signal. That is why symmetry is a property of *units*, and why a constant start wastes them."
    )
else:
    st.markdown(
        f"Here $w_5$ started {v['nudge']:+g} away from the others, so the start is no longer symmetric. Unit $y_3$ "
        "computes something different from $y_4$, so $w_9$ and $w_{10}$ get different gradients; that difference "
        "flows back into the first layer, and after a few iterations no two weights are equal any more. One "
        "small difference is enough to let every unit go its own way, which is exactly what a random start "
        "gives every weight at once."
    )
if relu and not zero:
    st.info("These ReLU units are switched on (their inputs are positive), so on this input they act exactly "
            "like the linear units and keep the same equal groups. Set a ≤ 0 to see the ReLU answer.")
with st.expander("The ReLU question in the text, answered"):
    st.markdown(
        "*Is it true that with ReLU units and every weight at 0 or below, the gradient is 0 and nothing moves?* "
        "Yes, when the inputs are positive, as here: each first-layer unit receives $a(x_1 + x_2) \\le 0$, outputs "
        "0 and has slope 0 (at exactly 0 the slope is taken as 0, as in most libraries), so no error signal gets "
        "through any unit and every weight keeps its value. "
        "*And with any other constant, do all the neurons keep equal weights?* Within each layer, yes: units "
        "that start equal stay equal under ReLU exactly as under linear units. The first layer is not an "
        "exception for units: its weights from different inputs differ, but its two units stay copies. "
        "Choose **ReLU units, a = -0.5** in the presets, then change a to see both cases."
    )

with st.expander("Share this setup"):
    ui.share_link(v)
