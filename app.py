"""symbreak Playground: train a small network live and watch whether its hidden units stay identical."""
import json
import secrets

import pandas as pd
import streamlit as st

import ui
from narration import glossary
from narration import run as narrate
from symbreak_core import ACTIVATIONS, DATASETS, INIT_SCHEMES, OPTIMIZERS, TrainConfig, Trainer, model
from symbreak_core import figures as F

LIVE_STEPS = 20_000  # a live run stops here
RECORD_EVERY = 5  # snapshot interval; the engine thins old snapshots to bound memory
N_SAMPLES = 200
REFRESH_SECONDS = 0.2  # live area redraws at most 5 times a second
FIELD_RES = 32  # grid of the unit pictures and the decision boundary

SPECS = [
    ui.Param("dataset", "xor", "choice", choices=DATASETS, label="Dataset"),
    ui.Param("noise", 0.1, "float", 0.0, 0.5, step=0.05, label="Noise in the data"),
    ui.Param("width", 8, "int", 1, 32, label="Units per hidden layer"),
    ui.Param("depth", 2, "int", 1, 6, label="Hidden layers"),
    ui.Param("activation", "tanh", "choice", choices=ACTIVATIONS, label="Activation"),
    ui.Param("init", "constant", "choice", choices=INIT_SCHEMES, label="Initial weights",
             help="constant: every weight = the value below. zeros: every weight 0. Others draw random weights."),
    ui.Param("init_value", 0.5, "float", -2.0, 2.0, step=0.05, label="Constant value",
             help="Used when the initial weights are 'constant'."),
    ui.Param("spread", 1.0, "float", 0.0, 10.0, step=0.05, label="Spread",
             help="Standard deviation for normal, half-width for uniform, a multiplier for the named schemes."),
    ui.Param("perturbation", 0.0, "float", 0.0, 0.5, step=0.001, label="Extra noise on the weights",
             help="Adds a little Gaussian noise of this size to every initial weight."),
    ui.Param("bias", True, "bool", label="Biases"),
    ui.Param("dropout", 0.0, "float", 0.0, 0.8, step=0.05, label="Dropout"),
    ui.Param("optimizer", "sgd", "choice", choices=OPTIMIZERS, label="Optimizer"),
    ui.Param("lr", 0.5, "log", 1e-4, 10.0, label="Learning rate"),
    ui.Param("batch_size", 0, "int", 0, 140, label="Batch size (0 = all training points)"),
    ui.Param("speed", 10.0, "log", 1, 200, label="Speed (steps per refresh)"),
    ui.Param("seed", 0, "int", 0, 2**32 - 1, label="Seed"),
]

SYMMETRIC = dict(init="constant", init_value=0.5, activation="tanh", perturbation=0.0, dropout=0.0)
PRESETS = [
    ui.Preset("constant_05", "All weights 0.5: the classic question", SYMMETRIC,
              "Every weight starts at 0.5, so the eight units of each layer start as copies. Press Play and "
              "watch the meter stay at 1 / 8 and the loss stall."),
    ui.Preset("zeros", "All zeros", dict(SYMMETRIC, init="zeros"),
              "With tanh, zero weights make every hidden unit output tanh(0) = 0, so no weight gets a gradient: "
              "every weight stays exactly 0 and only the output bias moves."),
    ui.Preset("zeros_sigmoid", "Zeros with sigmoid units",
              dict(SYMMETRIC, init="zeros", activation="sigmoid", dataset="moons", depth=1, lr=2.0),
              "Sigmoid turns 0 into 0.5, so a signal passes and every weight moves: watch the heatmap's columns "
              "change colour. But all eight units get the same update, so the columns stay equal, the layer "
              "acts as one unit and the boundary stays a straight line that cannot follow the moons."),
    ui.Preset("small_random", "Small random", dict(SYMMETRIC, init="normal", spread=0.1),
              "Tiny random weights make every unit different, but the signal is weak at first. Expect a long "
              "flat stretch in the loss before it drops."),
    ui.Preset("too_large", "Too large (saturation)",
              dict(SYMMETRIC, init="normal", spread=10.0, dataset="circles", depth=4),
              "Weights of spread 10 push most tanh outputs onto the flat ends, where the slope is almost 0, so "
              "the gradients nearly vanish. With four layers the loss stalls far above a Xavier start (set "
              "Initial weights to xavier_normal and Spread to 1 to compare); with two layers the effect is mild."),
    ui.Preset("xavier", "Xavier", dict(SYMMETRIC, init="xavier_normal", spread=1.0),
              "Glorot and Bengio scale the random weights to the layer sizes. The units differ from step 0 "
              "and the loss falls steadily."),
    ui.Preset("he", "He", dict(SYMMETRIC, init="he_normal", spread=1.0, activation="relu"),
              "He et al. scale random weights for ReLU units, which zero out half their inputs. The units "
              "differ from the start and the boundary bends within a few steps; a unit that outputs 0 on every "
              "point (a dead ReLU) is named in the notes."),
    ui.Preset("constant_noise", "Constant + tiny noise",
              dict(SYMMETRIC, perturbation=0.001, dataset="moons", optimizer="adam", lr=0.01),
              "Every weight is 0.5 plus noise of size 0.001. The copies are an unstable balance: the gap chart "
              "climbs by orders of magnitude, the first layer's units split apart within about a thousand steps "
              "and the loss falls far below the symmetric run (set the noise to 0 to compare)."),
    ui.Preset("constant_dropout", "Constant + dropout", dict(SYMMETRIC, dropout=0.2),
              "Dropout silences different units on each step, so the copies get slightly different updates: the "
              "gap chart leaves exactly 0 at the first step. But they stay close: the first layer flickers "
              "between one and a few units that behave differently, the second stays one unit, and the loss "
              "stays near the all-0.5 run's. On its own, dropout is a weak way to break the symmetry."),
]


@st.cache_data(max_entries=64, show_spinner=False)
def fresh_trainer(config: TrainConfig) -> Trainer:
    """A Trainer at step 0; each call returns its own copy, with identical initial weights."""
    return Trainer(config)


def make_config(v: dict) -> TrainConfig:
    return TrainConfig(
        dataset=v["dataset"], n_samples=N_SAMPLES, noise=v["noise"], hidden=(v["width"],) * v["depth"],
        activation=v["activation"], init=v["init"], init_value=v["init_value"], spread=v["spread"],
        perturbation=v["perturbation"], bias=v["bias"], dropout=v["dropout"], optimizer=v["optimizer"],
        lr=v["lr"], batch_size=v["batch_size"], steps=LIVE_STEPS, record_every=RECORD_EVERY, seed=v["seed"],
    )


def steps_per_refresh(config: TrainConfig, speed: int) -> int:
    """`speed`, capped so one refresh costs at most ui.WORK_PER_REFRESH step-parameters."""
    return max(1, min(speed, ui.WORK_PER_REFRESH // config.n_params))


def play():
    st.session_state.playing = True


def pause():
    st.session_state.playing = False


def step_once(n: int):
    st.session_state.playing = False
    try:
        with ui.heavy_job(wait=5.0):
            st.session_state.trainer.run(n)
    except ui.Busy:
        pass  # the server is saturated; the click simply takes no step


def reset():
    st.session_state.playing = False
    st.session_state.trainer = fresh_trainer(st.session_state.trainer.config)


def new_seed():
    st.session_state.seed = secrets.randbelow(2**31)


def history_csv(trainer: Trainer) -> str:
    """The run so far: one row per step (batch loss, gradient norms) joined with the snapshots' metrics.

    Called by the download button from a server thread without a session, perhaps while the live area trains:
    it reads only `trainer`, and cuts both per-step arrays to the same length.
    """
    r = trainer.result()
    n = min(len(r.losses), len(r.grad_norms))
    df = pd.DataFrame({"step": range(n), "batch_loss": r.losses[:n]})
    for k, name in enumerate(F.layer_names(r.grad_norms.shape[1])):
        df[f"grad_norm {name}"] = r.grad_norms[:n, k]
    snaps = pd.DataFrame([
        {"step": s.step, "train_loss": s.train_loss, "test_loss": s.test_loss, "train_acc": s.train_acc,
         "test_acc": s.test_acc, **{f"distinct layer {k + 1}": d for k, d in enumerate(s.distinct)},
         **{f"gap layer {k + 1}": g for k, g in enumerate(s.gap)}}
        for s in r.snapshots])
    return df.merge(snaps, on="step", how="outer").to_csv(index=False)


st.set_page_config(page_title="symbreak · Playground", page_icon="⚖️", layout="wide")
st.title("Playground: do the hidden units stay the same?")
st.markdown("Pick a starting point in the sidebar and press **Play**. If every weight starts equal, every unit of "
            "a layer computes the same thing and receives the same update; watch whether anything can ever "
            "make them differ.")

values = ui.controls(SPECS, PRESETS)
st.sidebar.button("New seed", on_click=new_seed, help="Draw a different random start (and data).")
speed = int(values.pop("speed"))
try:
    config = make_config(values)
except ValueError as err:
    st.error(f"These settings do not make a valid network: {err}")
    st.stop()

state = st.session_state
state.setdefault("playing", False)
if "trainer" not in state or state.trainer.config != config:
    state.trainer = fresh_trainer(config)
per_refresh = steps_per_refresh(config, speed)

# One row that wraps on narrow screens; buttons as wide as their labels, so none is cut to "P...".
buttons = st.container(horizontal=True, vertical_alignment="center")
buttons.button("Play", icon=":material/play_arrow:", on_click=play, type="primary",
               disabled=state.playing or state.trainer.done)
buttons.button("Pause", icon=":material/pause:", on_click=pause, disabled=not state.playing)
buttons.button("Step", icon=":material/skip_next:", on_click=step_once, args=(per_refresh,),
               disabled=state.trainer.done, help=f"Advance {per_refresh} steps.")
buttons.button("Reset", icon=":material/replay:", on_click=reset,
               help="Back to step 0 with exactly the same initial weights.")
if per_refresh < speed:
    buttons.caption(f"Speed capped at {per_refresh} steps per refresh for a network this size, "
                    "so everyone sharing the server stays fast.", width="stretch")


@st.fragment(run_every=REFRESH_SECONDS if state.playing and not state.trainer.done else None)
def live():
    trainer = state.trainer
    if state.playing and not trainer.done:
        try:
            with ui.heavy_job(wait=5.0):
                trainer.run(per_refresh)
        except ui.Busy:
            st.caption("The server is busy; training resumes in a moment.")
    if state.playing and trainer.done:
        state.playing = False
        st.rerun(scope="app")  # stop the timer and re-enable Play
    draw(trainer)


def draw(trainer: Trainer):
    c = trainer.config
    r = trainer.result()
    snap = r.final
    sym = trainer.symmetry()  # the weights now, not the last snapshot
    cols = st.columns(2 + len(c.hidden))
    cols[0].metric("Step", f"{trainer.step:,}")
    cols[1].metric("Train loss", f"{snap.train_loss:.4f}", help=f"At step {snap.step}; test loss {snap.test_loss:.4f}")
    for k, (d, w) in enumerate(zip(sym["distinct"], c.hidden)):
        cols[2 + k].metric(f"Layer {k + 1} distinct", f"{d} / {w}", help=glossary.meaning("Distinct units (copies)"))
    notes = narrate.whats_happening(narrate.facts(r, trainer.weights, trainer.biases, sym))
    box = st.error if trainer.status == "diverged" else st.info
    box("**What's happening:** " + " ".join(notes))

    vmax = F.nice_ceiling(max(1.0, *(float(abs(p).max()) for p in trainer.weights + (trainer.biases or []))))
    field = model.field(trainer.weights, trainer.biases, c.activation, c.loss, model.grid_extent(r.data.X),
                        res=FIELD_RES)
    steps = r.snapshot_steps
    rows = [
        [(F.weight_heatmaps(trainer.weights, vmax=vmax, height=430, raw=True, biases=trainer.biases), 3),
         (F.decision_boundary(field, r.data, raw=True), 2)],
        [(F.unit_outputs(field, distinct=sym["distinct"], raw=True), 1),
         (F.symmetry_meter(steps, [s.distinct for s in r.snapshots], [s.gap for s in r.snapshots], c.hidden,
                           height=430, raw=True), 1)],
        [(F.loss_curves(steps, [s.train_loss for s in r.snapshots], [s.test_loss for s in r.snapshots],
                        per_step=r.losses, raw=True), 1), (F.grad_norms(r.grad_norms, raw=True), 1)],
    ]
    # One chart grid (components/charts) for all six charts, paused or playing: each redraw is a Plotly.react
    # in place, so charts keep their size and never flash, and a slider move only sends new data.
    ui.chart_grid(rows, key="playground_charts")


live()

with st.expander("Share this exact run, or download it", expanded=True):
    ui.share_link(values | {"speed": speed},
                  "Anyone who opens this link sees exactly this run: same data, same initial weights, same curves.")
    d1, d2 = st.columns(2)
    # The file is made when clicked, on a server thread without a session: the callable reads only `trainer`.
    # While playing, every live refresh sweeps away files no element holds, the fresh one included, before the
    # browser can fetch it; so the history is offered from a paused run.
    trainer = state.trainer
    d1.download_button("History (CSV)", data=lambda: history_csv(trainer), file_name="symbreak_history.csv",
                       mime="text/csv", on_click="ignore", disabled=state.playing,
                       help="Every step so far, from a paused run.")
    d2.download_button("Config (JSON)", data=json.dumps(config.to_dict(), indent=2), file_name="symbreak_config.json",
                       mime="application/json", on_click="ignore")
