"""Restarts: train the same network from many random starts and look at the spread of where they end."""
import pandas  # noqa: F401 -- fully imported before plotly looks it up (two first page loads race otherwise)
import streamlit as st

import ui
from narration import restarts as story
from symbreak_core import ACTIVATIONS, DATASETS, INIT_SCHEMES, OPTIMIZERS, TrainConfig, restarts
from symbreak_core import figures as fig
from symbreak_core.model import field, grid_extent

present = ui.page_setup("Restarts · symbreak", "🎲")

SYMMETRIC = ("zeros", "constant")  # the schemes that set every weight alike: no spread to choose

SPECS = [
    ui.Param("n_seeds", 50, "int", 2, 200, label="Number of restarts (seeds)", main=True),
    ui.Param("seed", 0, "int", 0, 9999, label="First seed (the data come from it)"),
    ui.Param("dataset", "xor", "choice", choices=DATASETS, label="Data set"),
    ui.Param("noise", 0.1, "float", 0.0, 0.5, step=0.05, label="Data noise"),
    ui.Param("width", 3, "int", 1, 16, label="Units per hidden layer", main=True),
    ui.Param("depth", 1, "int", 1, 3, label="Hidden layers"),
    ui.Param("activation", "tanh", "choice", choices=ACTIVATIONS, label="Activation"),
    ui.Param("init", "xavier_normal", "choice", choices=INIT_SCHEMES, label="Init scheme", main=True),
    ui.Param("init_value", 0.5, "float", -2.0, 2.0, step=0.1, label="Constant value (for 'constant')",
             needs=("init", ("constant",)), why="Used only when the init scheme is constant."),
    ui.Param("spread", 1.0, "log", 0.01, 10.0, label="Spread (std, or gain of a named scheme)",
             needs=("init", tuple(s for s in INIT_SCHEMES if s not in SYMMETRIC)),
             why="Zeros and constant starts have no spread: every weight gets the same value."),
    ui.Param("perturbation", 0.0, "float", 0.0, 0.1, step=0.001, label="Extra noise on every weight (std)"),
    ui.Param("optimizer", "sgd", "choice", choices=OPTIMIZERS, label="Optimizer"),
    ui.Param("lr", 0.5, "log", 0.001, 5.0, label="Learning rate"),
    ui.Param("steps", 1000, "int", 100, 3000, step=100, label="Training steps per seed"),
]
PRESETS = [
    ui.Preset("small-net", "A small net on XOR", {},
              "Three hidden units is just enough for XOR, so some starts end in a worse valley than others."),
    ui.Preset("constant", "All weights 0.5", {"init": "constant"},
              "Every restart begins at the same point. Do the seeds still matter?"),
    ui.Preset("constant-noise", "All 0.5 plus tiny noise", {"init": "constant", "perturbation": 0.01},
              "A little noise on the constant start makes every restart different again."),
    ui.Preset("wide", "A wider net", {"width": 16},
              "More units than the problem needs: the restarts end much closer together."),
]

st.title("Restarts")
INTRO = ("Gradient descent only walks downhill from where it starts, so the start decides which valley it ends in. "
         "One network is trained from many random starts, **on the same data**; where do they end?")
if not present:  # presenter mode: the charts first, this under them
    st.markdown(INTRO)

v = ui.controls(SPECS, PRESETS)
config = TrainConfig(
    dataset=v["dataset"], noise=v["noise"], hidden=(v["width"],) * v["depth"], activation=v["activation"],
    init=v["init"], init_value=v["init_value"], spread=v["spread"], perturbation=v["perturbation"],
    optimizer=v["optimizer"], lr=v["lr"], steps=v["steps"], seed=v["seed"],
)
seeds = tuple(range(v["seed"], v["seed"] + v["n_seeds"]))


@st.cache_data(max_entries=16, show_spinner=False)
def run(config: TrainConfig, seeds: tuple):
    # the bar lives inside the cached function, so a cache hit replays it (and its removal) without work
    bar = st.progress(0.0, text=f"Training {len(seeds)} networks at once…")
    with ui.heavy_job():
        result = restarts(config, seeds, on_progress=lambda f: bar.progress(
            min(f, 1.0), text=f"Training {len(seeds)} networks at once… {100 * f:.0f}%"))
    bar.empty()
    return result


try:
    rr = run(config, seeds)
except ui.Busy as e:
    st.error(str(e))
    st.stop()

r = story.read(rr)
if warning := story.diverged_warning(r):
    st.warning(warning)
if stop := story.nothing_to_compare(r):
    st.error(stop)
    st.stop()



def metrics():
    for col, (label, value) in zip(st.columns(4), story.metrics(r)):
        col.metric(label, value)


if not present:  # presenter mode: the distribution and the two boundaries first, the numbers under them
    metrics()
if same := story.identical(r):
    st.error(same)

# presenter mode: the distribution and the best and worst boundaries in one row, one screen
hist = fig.restarts_histograms(rr.train_loss, rr.test_acc, r.moving, height=440 if present else 380)
if present:
    spread, left, right = st.columns([2, 1, 1])
    with spread:
        ui.plotly_chart(hist, key="rs_hist", key_chart=True)
else:
    ui.plotly_chart(hist, key="rs_hist", key_chart=True)
    left, right = st.columns(2)

extent = grid_extent(rr.data.X)
for k, (col, i, lowest) in enumerate(((left, rr.best, True), (right, rr.worst, False))):
    weights, biases = rr.network(i)
    f = field(weights, biases, config.activation, config.loss, extent=extent, res=60)
    with col:
        ui.plotly_chart(fig.titled(fig.decision_boundary(f, rr.data, height=440 if present else 460),
                                   story.boundary_title(r, i, lowest)), key=f"rs_boundary_{k}",
                        key_chart=True)
        st.caption(story.boundary_caption(r, i))
if present:
    metrics()
    st.markdown(INTRO)

ui.plotly_chart(fig.restarts_curves(rr.curve_steps, rr.curves, rr.best, rr.worst), key="rs_curves")

st.subheader("Reading the spread")
if summary := story.summary(r):
    st.markdown(summary)
st.markdown(
    """
**When are restarts worth it?**

- Each restart is an independent try at the same problem. If a fraction $p$ of starts reach a good valley,
  $k$ restarts all miss it with probability $(1-p)^k$: with $p = 0.2$, ten restarts all miss only 11% of the time.
- Choose the winner by **held-out** loss or accuracy, not by training loss alone, or you are rewarding the run
  that fitted the noise best.
- Restarts only help if the starts really differ. A constant start is the same start every time (see the
  *All weights 0.5* preset), and its units never stop being copies of each other.
- A larger network usually makes the outcomes more alike (try *A wider net*): with many units there are many
  equally good ways to fit the data, and most starts find one. For large networks a bad local minimum is rarely
  the problem; a poor scale of the initial weights is a more common one (see *Depth and scale*).
"""
)

with st.expander("Share this setup"):
    ui.share_link(v)
