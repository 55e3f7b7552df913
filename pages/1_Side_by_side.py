"""Side by side: one network, one data set, one seed; only the way the weights start differs."""
import streamlit as st

import figures
import ui
from narration import run as narrate
from settings import side_by_side as S
from settings.params import moment_within
from symbreak_core import TrainConfig, train

present = ui.page_setup("Side by side · symbreak", "⚖️")

st.title("Side by side")
INTRO = ("Each run trains the **same network on the same points with the same seed**; only the start of the weights "
         "differs. Press **Play** or drag the step slider to move all runs together.")
if not present:  # presenter mode: the charts first, this under them
    st.markdown(INTRO)

v = ui.controls(S.SPECS, S.PRESETS, moment=S.MOMENT)
base = S.config(v)
configs = S.runs(v)
if len(configs) < len(S.chosen(v)):
    st.info("The same scheme was chosen twice; it is trained once, since equal settings give equal runs.")


@st.cache_data(max_entries=64, show_spinner=False)
def run(config: TrainConfig):
    with ui.heavy_job():
        return train(config)


results = {}
bar = st.progress(0.0, text="Training…")
with ui.stop_when_busy(bar):
    for i, (label, config) in enumerate(configs.items()):
        bar.progress(i / len(configs), text=f"Training {label} ({i + 1} of {len(configs)})…")
        results[label] = run(config)
bar.empty()

widths = base.hidden
if (opened_at := ui.opened_moment()) is not None:  # a link's step: the timeline opens there, paused
    at, note = moment_within(S.MOMENT.name, opened_at, base.steps)
    if note:
        st.warning(note)
    st.session_state["sbs_step"] = at - at % base.record_every
vmax = figures.weight_vmax(p for r in results.values() for snap in r.snapshots
                           for p in snap.weights + (snap.biases or ()))


def _snapshot(result, step):
    """The last snapshot at or before `step` (a diverged run stops early and keeps its last picture)."""
    return next((s for s in reversed(result.snapshots) if s.step <= step), result.snapshots[0])


def _set_playing(on: bool):
    """Play (on) or pause. Two buttons, each saying what it wants: a click the browser delivers twice (as it can,
    see app.py) cannot undo itself."""
    st.session_state["sbs_play"] = on
    if on and st.session_state.get("sbs_step", 0) >= base.steps:
        st.session_state["sbs_step"] = 0  # play again from the start


def _move(to_start: bool):
    """One recorded step forward (Step, Right, PageDown), or back to step 0 (Start, Home); either pauses. A click
    taken while playing is not taken again when the browser delivers it a second time (app.py, set_playing)."""
    state = st.session_state
    if ui.delivered_again("sbs_moved_from_play", state.get("sbs_play", False)):
        return
    state["sbs_play"] = False
    step = min(int(st.session_state.get("sbs_step", base.steps)), base.steps)
    st.session_state["sbs_step"] = 0 if to_start else min(base.steps, step + base.record_every)


PLAYING = st.session_state.get("sbs_play", False)  # the timer below is set when the page runs, not the fragment
HEATMAP_HEIGHT = 370 if present else 300  # presenter mode: two runs' weights and the loss in one row, one screen
LOSS_HEIGHT = 370 if present else 420


@st.fragment(run_every=0.35 if PLAYING else None)
def timeline():
    if st.session_state.get("sbs_play", False) != PLAYING:
        st.rerun()  # Play or Pause was pressed (or a step paused the timer): rerun the page to change the timer
    every = base.record_every
    step = min(int(st.session_state.get("sbs_step", base.steps)), base.steps)
    step -= step % every
    if st.session_state.get("sbs_play"):
        step = min(base.steps, step + max(every, base.steps // 40 // every * every))
        if step >= base.steps:  # the end: draw the whole page paused there now, which stops the timer, rather
            st.session_state["sbs_play"] = False  # than this tick's charts and then, a tick later, the page again
            st.session_state["sbs_step"] = step
            st.rerun()
    st.session_state["sbs_step"] = step
    ui.keep_moment(S.MOMENT.name, step, default=base.steps)  # the address bar follows the timeline
    playing = st.session_state.get("sbs_play", False)
    # presenter mode: the buttons and the slider share one row, to leave the screen to the charts
    buttons, scrub = st.columns([5, 4], vertical_alignment="bottom") if present else (st.container(), st.container())
    buttons = buttons.container(horizontal=True, vertical_alignment="bottom")
    buttons.button("Start", icon=":material/first_page:", on_click=_move, args=(True,), key="sbs_home",
                   shortcut="Home", help="Back to step 0.")
    if playing:
        buttons.button("Pause", icon=":material/pause:", on_click=_set_playing, args=(False,),
                       key="sbs_pause_button", shortcut="Space")
    else:
        buttons.button("Play", icon=":material/play_arrow:", on_click=_set_playing, args=(True,),
                       key="sbs_play_button", shortcut="Space")
    buttons.button("Step", icon=":material/skip_next:", on_click=_move, args=(False,), key="sbs_next",
                   shortcut="Right", help="One recorded step forward: the step slider's own increment.")
    buttons.button("Next", key="sbs_clicker", on_click=_move, args=(False,), shortcut="PageDown",
                   help="The same step forward, for a presentation clicker (it sends PageDown).")
    scrub.slider("Step (shared by all runs)", 0, base.steps, step=every, key="sbs_step")

    snaps = {label: _snapshot(r, step) for label, r in results.items()}
    loss = figures.compare_loss({k: (range(r.steps_done), r.batch_losses) for k, r in results.items()}, step,
                            height=LOSS_HEIGHT, title="Training loss")  # short: a third of a projector, a phone
    distinct = figures.compare_distinct({k: s.distinct for k, s in snaps.items()}, widths, height=LOSS_HEIGHT,
                                    title=f"Distinct units at step {step}")
    heatmaps = [figures.titled(figures.weight_heatmaps(snap.weights, vmax=vmax, height=HEATMAP_HEIGHT,
                                                       biases=snap.biases),
                               f"{label} at step {snap.step}") for label, snap in snaps.items()]  # short: fits a phone
    if present:  # runs A and B and the loss in three columns (a grid's cells would wrap at 1280 px), the rest below
        for k, (col, chart) in enumerate(zip(st.columns(len(heatmaps[:2]) + 1), [*heatmaps[:2], loss])):
            with col:
                ui.chart_grid([[(chart, 1, True)]], key=f"sbs_present_{k}")  # key charts
        heatmaps, curves = heatmaps[2:], [[(distinct, 1)]]
    else:
        curves = [[(loss, 3, True), (distinct, 2)]]
    pictures = [[(h, 1, not present and i == 0) for h in heatmaps[i:i + 2]]  # two runs to a row; A and B: key
                for i in range(0, len(heatmaps), 2)]
    ui.chart_grid(curves + pictures, key="sbs_charts")  # redrawn in place while playing or scrubbing: no flicker
    st.caption("Each heatmap: columns are units, rows are their inputs, and the bottom row (b) is each unit's "
               "bias. Two units of a layer compute the same thing when their columns match, bias included. The "
               "colour range is fixed for the whole timeline.")


timeline()
if present:
    st.markdown(INTRO)

st.subheader("What happened")
run_facts = {label: narrate.facts(r) for label, r in results.items()}
for label, f in run_facts.items():
    st.markdown("- " + " ".join([narrate.summary(label, f), *narrate.notes(f)]))
why = narrate.why(run_facts)
if why:
    st.markdown(why)

with st.expander("Share this setup"):
    at = st.session_state.get("sbs_step", base.steps)
    ui.share_link(v | ({S.MOMENT.name: at} if at != base.steps else {}))
