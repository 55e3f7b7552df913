"""Restarts: train the same network from many random starts and look at the spread of where they end."""
import streamlit as st

import figures
import ui
from narration import restarts as story
from settings import restarts as S
from symbreak_core import TrainConfig, restarts
from symbreak_core.model import field, grid_extent
from symbreak_core.relabel import example_pair, relabel, solution_groups

present = ui.page_setup("Restarts · symbreak", "🎲")

st.title("Restarts")
INTRO = ("Gradient descent only walks downhill from where it starts, so the start decides which valley it ends in. "
         "One network is trained from many random starts, **on the same data**; where do they end?")
if not present:  # presenter mode: the charts first, this under them
    st.markdown(INTRO)

v = ui.controls(S.SPECS, S.PRESETS)
config = S.config(v)


@st.cache_data(max_entries=16, show_spinner=False)
def run(config: TrainConfig, seeds: tuple):
    # the bar lives inside the cached function, so a cache hit replays it (and its removal) without work
    bar = st.progress(0.0, text=f"Training {len(seeds)} networks at once…")
    with ui.heavy_job():
        result = restarts(config, seeds, on_progress=lambda f: bar.progress(
            min(f, 1.0), text=f"Training {len(seeds)} networks at once… {100 * f:.0f}%"))
    bar.empty()
    return result


@st.cache_data(max_entries=16, show_spinner=False)
def solutions(config: TrainConfig, seeds: tuple):
    """The runs grouped by the function they compute, each relabelled onto its group's first run."""
    with ui.heavy_job():
        return solution_groups(run(config, seeds))


with ui.stop_when_busy():
    rr = run(config, S.seeds(v))

r = story.read(rr)
if warning := story.diverged_warning(r):
    st.warning(warning)
if stop := story.nothing_to_compare(r):
    st.error(stop)
    st.stop()



def metrics():
    for col, (label, value) in zip(st.columns(4), story.metrics(r)):
        col.metric(label, value)


same = story.identical(r)  # under the distribution it is about: four lines above it left no chart on the first
if not present:  # screen at 1280x720. Presenter mode: the distribution and the two boundaries first, the numbers
    metrics()  # and words under them

# presenter mode: the distribution and the best and worst boundaries in one row, one screen
hist = figures.restarts_histograms(rr.train_loss, rr.test_acc, r.moving, height=440 if present else 380)
if present:
    spread, left, right = st.columns([2, 1, 1])
    with spread:
        ui.plotly_chart(hist, key="rs_hist", key_chart=True)
else:
    ui.plotly_chart(hist, key="rs_hist", key_chart=True)
    if same:
        st.error(same)
    left, right = st.columns(2)

extent = grid_extent(rr.data.X)
for k, (col, i, lowest) in enumerate(((left, rr.best, True), (right, rr.worst, False))):
    weights, biases = rr.network(i)
    f = field(weights, biases, config.activation, config.loss, extent=extent, res=60)
    with col:
        ui.plotly_chart(figures.titled(figures.decision_boundary(f, rr.data, height=440 if present else 460),
                                   story.boundary_title(r, i, lowest)), key=f"rs_boundary_{k}",
                        key_chart=True)
        st.caption(story.boundary_caption(r, i))
if present:
    if same:  # three lines above the key charts took their last 120 px off a 1280x720 projector
        st.error(same)
    metrics()
    st.markdown(INTRO)

ui.plotly_chart(figures.restarts_curves(rr.curve_steps, rr.curves, rr.best, rr.worst), key="rs_curves")

sg = None if r.verdict in ("diverged", "single") else solutions(config, S.seeds(v))
if note := story.solutions(r, sg):
    st.subheader("Different minima, or one network relabelled?")
    st.markdown(story.relabelling_note(r))
    st.markdown(note)
    if not (r.verdict == "identical" and r.seedless):  # one run, bit for bit: nothing to colour or reorder
        labels = [story.solution_label(sg, g) for g in range(sg.n_groups)]
        ui.plotly_chart(figures.solutions_histogram(rr.train_loss, sg.group, labels), key="rs_solutions")
        if pair := example_pair(sg):
            ref, i = pair
            after = relabel(rr.network(i), [p[i] for p in sg.perms])
            nets = (rr.network(ref), rr.network(i), after)
            vmax = figures.weight_vmax(w for net in nets for w in net[0] + (net[1] or []))
            # a grid's cells wrap one under the other where three would be too narrow to read
            ui.chart_grid([[(figures.titled(figures.weight_heatmaps(weights, vmax=vmax, biases=biases, height=360),
                                            title), 1) for (weights, biases), title in
                            zip(nets, story.pair_titles(r, ref, i))]], key="rs_pair")
            st.caption(story.pair_caption(r, sg, i))

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
