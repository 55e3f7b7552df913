"""symbreak Playground: train a small network live and watch whether its hidden units stay identical."""
import json
import secrets
import time

import streamlit as st

import figures
import ui
from narration import glossary
from narration import run as narrate
from settings import playground as S
from symbreak_core import TrainConfig, Trainer, model
from ui import frames as shelf
from ui import live as feeds
from ui import moments

REPLAY_CHUNK = 500  # a link's step is replayed this many steps at a time, with a progress bar after...
REPLAY_QUIET_SECONDS = 0.5  # ...this long
FIELD_RES = 32  # grid of the unit pictures and the decision boundary


@st.cache_data(max_entries=64, show_spinner=False)
def fresh_trainer(config: TrainConfig, copies: bool = False) -> Trainer:
    """A Trainer at step 0 (copies=True: trained narrow, Trainer's doc); each call returns its own copy, with
    identical initial weights."""
    return Trainer(config, copies=copies)


def steps_per_refresh(config: TrainConfig, speed: int) -> int:
    """`speed`, capped so one refresh costs at most ui.WORK_PER_REFRESH step-parameters, the equal-start twin's
    steps included, counted as a second network of the same size: it trains narrow, which costs less (at 32x6
    about half a wide step, all of it per-call overhead, which parameters do not measure), but not nothing."""
    runs = 1 if S.twin(config) is None else 2
    return max(1, min(speed, ui.WORK_PER_REFRESH // (runs * config.n_params)))


def start(config: TrainConfig):
    """The run at step 0, and its equal-start twin (None when no symmetry breaker is on)."""
    st.session_state.trainer = fresh_trainer(config)
    twin = S.twin(config)
    # The twin's units stay copies, and only its curves are drawn: it trains as the narrow network it equals.
    st.session_state.twin = None if twin is None else fresh_trainer(twin, copies=True)


def advance(n: int, lazy: bool = False):
    """n more steps of the session's run, and of its twin to the same step (lazy: a replay's, see Trainer.run)."""
    advance_run(st.session_state.trainer, st.session_state.get("twin"), n, lazy)


def advance_run(trainer: Trainer, twin: Trainer | None, n: int, lazy: bool = False):
    trainer.run(n, lazy=lazy)
    if twin is not None and twin.step < trainer.step:  # always lazily: only its curves are drawn (Trainer.curves)
        twin.run(trainer.step - twin.step, lazy=True)


# The buttons stand outside the live fragment: Streamlit 1.67 loses about one click in twenty on a button inside
# a fragment that reruns five times a second (measured). Outside, a click can still reach the server twice: the
# browser may send it along with a live refresh (a run of the fragment alone) and then again on its own, after the
# page has been drawn anew (both seen in the server's messages, on a loaded machine). So every callback says what
# it wants, and Play and Pause are two buttons, never one that toggles: a click that arrives twice cannot undo
# itself.

def set_playing(on: bool):
    """Play (on) or pause."""
    st.session_state.playing = on
    if not on:
        ui.stopped_playing()


def take_steps(n: int, shown: int | None):
    """Pause and take n steps, once per click. shown: the step the paused page showed when the button was drawn;
    once the trainer is past it, the click was taken. None while playing, when the buttons are not redrawn at
    each step: the first delivery pauses, and a second one then finds the run paused."""
    state = st.session_state
    feeds.disarm_all(state)  # a frame in flight ends before these steps are taken
    if ui.delivered_again("stepped_from_play", state.playing):
        return  # the page was redrawn between the two deliveries of a click taken while playing
    if state.playing:
        set_playing(False)
    elif shown is None or state.trainer.step != shown:
        return
    try:
        with ui.heavy_job(wait=5.0):
            advance(n)
    except ui.Busy:
        pass  # the server is saturated; the click simply takes no step


def replay(trainer: Trainer, step: int):
    """Take the run to the link's `step` again, paused there. The bar shows only if it takes a while."""
    bar, start = None, time.monotonic()
    with ui.stop_when_busy():
        while trainer.step < step and not trainer.done:
            with ui.heavy_job():  # no snapshot is read before the replay ends: those thinned away are never measured
                advance(min(REPLAY_CHUNK, step - trainer.step), lazy=True)
            if bar is None and time.monotonic() - start > REPLAY_QUIET_SECONDS:
                bar = st.progress(0.0)
            if bar is not None:
                bar.progress(trainer.step / step, text=f"Replaying the shared run: step {trainer.step:,} of {step:,}")
    if bar is not None:
        bar.empty()


def resume_from_saved(step: int):
    """Start the link's replay from the latest moment this machine kept at or before `step` (ui.moments)."""
    for name in ("trainer", "twin"):
        run = st.session_state.get(name)
        saved = None if run is None else moments.load(run.config, step, run.copies)
        if saved is not None and saved.step > run.step:
            st.session_state[name] = saved


def reset():
    set_playing(False)
    start(st.session_state.trainer.config)


def new_seed():
    st.session_state.seed = secrets.randbelow(2**31)


present = ui.page_setup("symbreak · Playground", "⚖️")
# Presenting, the buttons share the heading's line, so the four key charts fit under the compact header.
heading = st.container(horizontal=True, vertical_alignment="center", gap="small") if present else st.container()
heading.title("Playground: do the hidden units stay the same?", width="content" if present else "stretch")
if not present:  # on a projector the teacher says it
    st.markdown("Choose a preset and press **Play**: can units that start equal ever become different?")

values = ui.controls(S.SPECS, S.PRESETS, moment=S.MOMENT)
st.sidebar.button("New seed", on_click=new_seed, help="Draw a different random start (and data).")
speed = int(values.pop("speed"))
try:
    config = S.config(values)
except ValueError as err:
    st.error(f"These settings do not make a valid network: {err}")
    st.stop()

state = st.session_state
# Served with the live feed (serve.py), a playing grid fetches its frames itself (ui/live.py); this run first waits
# for a frame in flight and stops the feed, so that it alone touches the run until it arms the feed again.
feeding = feeds.served()
feeds.disarm_all(state)
state.setdefault("playing", False)
if "trainer" not in state or state.trainer.config != config:
    start(config)
opened_at = ui.opened_moment()
if opened_at:
    state.playing = False
    resume_from_saved(opened_at)
    replay(state.trainer, opened_at)
per_refresh = steps_per_refresh(config, speed)
# A presentation clicker's "next" key is Page Down; it takes one step like the arrow key shown on Step.
st.html("<style>.st-key-step_clicker { display: none; }</style>")


def buttons(row, trainer: Trainer):
    """Play/Pause, Step, Step ×N and Reset in `row` (a horizontal container), with their keys shown."""
    playing = state.playing
    shown = None if playing else trainer.step
    if playing:
        row.button("Pause", key="pause", icon=":material/pause:", on_click=set_playing, args=(False,),
                   type="primary", shortcut="Space")
    else:
        row.button("Play", key="play", icon=":material/play_arrow:", on_click=set_playing, args=(True,),
                   type="primary", shortcut="Space", disabled=trainer.done)
    row.button("Step", key="step", icon=":material/skip_next:", on_click=take_steps,
               args=(1, shown), shortcut="Right", disabled=trainer.done,
               help="One gradient step (also Page Down, the 'next' key of a clicker).")
    row.button(f"Step ×{per_refresh}", key="step_many", on_click=take_steps, args=(per_refresh, shown),
               shortcut="Shift+Right", disabled=trainer.done,
               help="As many steps as one refresh takes while playing: the Speed setting.")
    row.button("Reset", key="reset", icon=":material/replay:", on_click=reset, shortcut="Home",
               help="Back to step 0 with exactly the same initial weights.")
    row.button("Next step", key="step_clicker", on_click=take_steps, args=(1, shown), shortcut="PageDown",
               disabled=trainer.done)
    if per_refresh < speed:
        row.caption(narrate.speed_capped(per_refresh), width="stretch")


buttons(heading if present else st.container(horizontal=True, vertical_alignment="center", gap="small"),
        state.trainer)


# While playing, the live area refreshes at the server's fair pace (ui.refresh_interval): up to 10 times a second,
# slower for everyone alike when many runs play at once, never offered slower than 2 a second (a saturated server
# still delivers fewer: see the README's class of 100). Through the live feed the grid keeps that pace itself;
# otherwise the live fragment reruns at it.
playing = state.playing and not state.trainer.done
pace = ui.refresh_interval() if playing and not feeding else None
state.drawn_playing = playing  # what this full run draws the buttons and the timer for (see live)


@st.fragment(run_every=pace)
def live():
    whole_page = state.pop("live_inline", False)
    if not whole_page and not (state.playing and state.get("drawn_playing")):
        # A run of this fragment alone, while paused or with the page drawn paused. It happens when a click reaches
        # the server with a live refresh (see set_playing), and when a refresh queued behind the full run of a
        # Pause, Step or Reset click runs right after it, which can make the browser drop what that full run drew
        # below this area (the share and download section). Both seen under load, about one Pause in thirty. Draw
        # the whole page again, so its buttons, timer and sections match the run.
        st.rerun(scope="app")
    trainer = state.trainer
    if feeding:  # the grid trains and draws through the feed while playing; this run draws where the run is
        feeds.disarm_all(state)
        show(trainer, feed=state.playing and not trainer.done)
    elif state.playing and not trainer.done:
        refresh(trainer, whole_page)
    else:
        show(trainer)
    if state.playing and not trainer.done and ui.new_pace(pace):
        st.rerun(scope="app")  # the fair pace changed: restart the timer at it
    if state.playing and trainer.done:
        set_playing(False)
        st.rerun(scope="app")  # stop the timer and re-enable Play


def refresh(trainer: Trainer, whole_page: bool):
    """One live refresh: train, then draw, saying so when the server is busy or the pace is slowed. A refresh of
    the live area alone waits its turn for a slot (ui.live_slot); a page drawn whole goes first. The pace counts
    its own time, from when it has its slot (ui.live_refresh)."""
    with ui.live_slot(whole_page) as may_train, ui.live_refresh():
        show(trainer, narrate.live_line(pace, ui.FASTEST_REFRESH, ui.pacer.playing(), may_train),
             steps=per_refresh if may_train else 0)


def feed_draw(trainer: Trainer, twin: Trainer | None, n: int) -> feeds.Draw:
    """How the live feed draws this run's next frame: n more steps (when the server has a slot), then the frame."""
    def draw(may_train: bool, pace: float, playing: int) -> feeds.Frame:
        rows, box, shared = shelf.next_frame(trainer, twin, n if may_train else 0,
                                             narrate.live_line(pace, ui.FASTEST_REFRESH, playing, may_train), view,
                                             present)
        return feeds.Frame(rows, box, (S.MOMENT.name, trainer.step, 0), ended=trainer.done,
                           shared=None if shared is None else shared.encoded)
    return draw


def ended():
    """The feed's run has ended (it converged to its last step or diverged): pause, and draw the page again."""
    set_playing(False)


# Presenting, the two rows of key charts fill what a 1280x720 projector shows under the compact header: the
# weights and units need less height than the meter and the loss, whose two panels and curves need more.
KEY_HEIGHTS = (204, 244)
HEIGHT = 400  # otherwise: a chart this tall keeps its labels apart at 420 px wide (1280 px, sidebar open)


def show(trainer: Trainer, said: str = "", feed: bool = False, steps: int = 0):
    """The live area: the numbers, what is happening, the six charts and `said` under them, as one chart grid
    (components/charts), paused or playing. One element is the least a live refresh can cost the server; each
    redraw is a Plotly.react in place, so charts keep their size and never flash, and a slider move only sends new
    data. Presenting, the words and numbers stand beside the charts, so the four key charts fit one 1280x720
    screen; otherwise above them, and on a phone between the first row of charts and the rest, so that a chart
    shows on the first screen of a 720-px display and of a phone. feed: the run plays through the live feed.
    steps: train this many steps first (a live refresh)."""
    twin = state.get("twin")
    rows, box, _ = shelf.next_frame(trainer, twin, steps, said, view, present)  # shared with others (ui/frames.py)
    # The address bar follows the step, so a reload, a copied address or a replica that takes over after a crash
    # opens this run at this step.
    ui.keep_moment(S.MOMENT.name, trainer.step)
    ui.chart_grid(rows, key="pg_grid", panel=box, live=feed_draw(trainer, twin, per_refresh) if feed else None,
                  on_end=ended if feeding else None)


def view(trainer: Trainer, twin: Trainer | None, said: str) -> tuple[list, ui.Panel]:
    """The live area's charts (rows of the chart grid) and panel for `trainer` now."""
    c = trainer.config
    r, sym = trainer.result(), trainer.symmetry()  # read once a refresh: each is a pass over the run or the data
    field = model.field(trainer.weights, trainer.biases, c.activation, c.loss, model.grid_extent(r.data.X),
                        res=FIELD_RES)
    rows = figures.playground_charts(trainer.weights, trainer.biases, r, sym["distinct"], field,
                                     None if twin is None else twin.curves(),
                                     key_heights=KEY_HEIGHTS if present else (HEIGHT, HEIGHT), height=HEIGHT)
    return rows, panel(trainer, r, sym, said)


def panel(trainer: Trainer, r, sym: dict, said: str) -> ui.Panel:
    """The step, the loss, each layer's units that behave differently (r: the trainer's result, sym: its symmetry
    now), and what is happening in words: its first sentences, the rest folded when it is long (presenting, its
    first sentence)."""
    snap = r.final
    numbers = [("Step", f"{trainer.step:,}", None),
               ("Train loss", f"{snap.train_loss:.4f}",
                None if present else f"At step {snap.step}; test loss {snap.test_loss:.4f}")]
    meaning = None if present else glossary.meaning("Distinct units (copies)")
    numbers += [(label, value, meaning) for label, value in narrate.distinct_numbers(sym["distinct"],
                                                                                     trainer.config.hidden)]
    notes = narrate.whats_happening(narrate.facts(r, trainer.weights, trainer.biases, sym))
    head, rest = narrate.panel_words(notes, present)
    return ui.Panel(tuple(numbers), "**What's happening:** " + head, error=trainer.status == "diverged", more=rest,
                    foot=said, side=present, run=ui.run_id(trainer.config))


state.live_inline = True  # this call of live() is part of the full run (see live)
live()

with st.expander("Share this exact run, or download it", expanded=True):
    at = 0 if state.playing else state.trainer.step  # a paused run's link opens at its step
    if at:  # kept, so that the link opens at once on this machine (ui.moments)
        for run in (state.trainer, state.get("twin")):
            if run is not None:
                moments.save(run)
    ui.share_link(values | {"speed": speed} | ({S.MOMENT.name: at} if at else {}), narrate.share_note(at))
    d1, d2, d3 = st.columns(3)
    with d1:
        ui.history_button(state.trainer, disabled=state.playing)
    d2.download_button("Config (JSON)", data=json.dumps(config.to_dict(), indent=2), file_name="symbreak_config.json",
                       mime="application/json", on_click="ignore")
    with d3:
        ui.gif_button(state.trainer, disabled=state.playing)
