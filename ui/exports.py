"""Exports of the Playground's run: its history as CSV, and from step 0 to now as an animated GIF for a slide
(figures/animation.py draws it).

The history is made while the page is drawn, once per step a paused run is shown at, and its button holds the bytes.
Streamlit names such a file by its content and keeps an unheld one for one more run, so a click that reaches the
server just after the page was drawn again (a live refresh queued behind a Pause runs the page once more) still
finds its file. A file made only when clicked gets a new name at every run and is dropped at once.

Making one draws up to 200 frames from the run's snapshots (the states the Playground's meter is drawn from; no
training is repeated): a few seconds of one core. It holds one of the server's heavy-job slots while it works. A
session makes one at a time: its script runs one after another, and a click elsewhere meanwhile stops the one being
made (at its next progress report) before the click is handled. The finished file stays in the session only while
the run stays at that step.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from symbreak_core import Trainer
from ui.limits import heavy_job, stop_when_busy

HISTORY_FILE = "symbreak_history.csv"
GIF_WAIT = 10.0  # s a click waits for a free heavy-job slot before it is told the server is busy
_GIF = "_ui_gif"  # session state: ((config, step), the GIF's bytes) of the last GIF made
_HISTORY = "_ui_history"  # session state: ((config, step), the history's bytes) of the last history made


def history_csv(result) -> bytes:
    """A run's history (a TrainResult) as CSV: one row per step taken (its batch loss and each weight matrix's
    gradient norm) and per snapshot (losses, accuracies, each hidden layer's distinct units and largest gap), joined
    on the step; a field a row does not have is empty. Numbers are written in full (Python's shortest exact form)."""
    from figures import layer_names

    n = min(len(result.batch_losses), len(result.grad_norms))
    per_step = np.column_stack([result.batch_losses[:n], result.grad_norms[:n]]).tolist()
    snaps = {s.step: s for s in result.snapshots}
    layers = len(result.config.hidden)
    header = (["step", "batch_loss"] + [f"grad_norm {name}" for name in layer_names(result.grad_norms.shape[1])]
              + ["train_loss", "test_loss", "train_acc", "test_acc"]
              + [f"distinct layer {k + 1}" for k in range(layers)] + [f"gap layer {k + 1}" for k in range(layers)])
    no_step = "," * (result.grad_norms.shape[1] + 1)
    no_snap = "," * (4 + 2 * layers)
    lines = [",".join(header)]
    for step in sorted(snaps.keys() | range(n)):
        line = str(step) + (",".join(["", *map(repr, per_step[step])]) if step < n else no_step)
        s = snaps.get(step)
        if s is None:
            line += no_snap
        else:
            line += ",".join(["", *map(repr, (float(s.train_loss), float(s.test_loss), float(s.train_acc),
                                              float(s.test_acc))),
                              *map(str, s.distinct), *(repr(float(g)) for g in s.gap)])
        lines.append(line)
    return ("\n".join(lines) + "\n").encode()


def history_button(trainer: Trainer, disabled: bool = False):
    """A button "History (CSV)" that downloads the run so far (history_csv). While playing (disabled=True) it
    holds nothing, and the session lets go of the last file made: each refresh would replace the file before a
    browser could fetch it. Made once per step shown paused: for a 32x6 network 0.2 MB in 7 ms at 1,000 steps, 3.9 MB
    in 0.16 s at 20,000, the end of a live run (one core of the development machine, 1 December)."""
    state = st.session_state
    at = (trainer.config, trainer.step)
    if disabled:
        state.pop(_HISTORY, None)
        data = b""
    else:
        made = state.get(_HISTORY)
        if made is None or made[0] != at:
            made = state[_HISTORY] = (at, history_csv(trainer.result()))
        data = made[1]
    st.download_button("History (CSV)", data=data, file_name=HISTORY_FILE, mime="text/csv", on_click="ignore",
                       disabled=disabled, help="Every step so far, from a paused run.")


def make_gif(trainer: Trainer, on_progress=None) -> bytes:
    """The trainer's run from step 0 to its step as an animated GIF; on_progress(frames drawn, frames)."""
    from figures import animation
    from narration.run import setup

    now = (trainer.step, trainer.weights, trainer.biases, trainer.symmetry()["distinct"])
    result = trainer.result()
    return animation.gif(animation.frames(result, now), result, on_progress=on_progress, setup=setup(result.config))


def gif_button(trainer: Trainer, disabled: bool = False):
    """A button "Make a GIF of this run" (from a paused run: pass disabled=True while playing); once clicked, a
    progress bar, then the download of the run from step 0 to the trainer's step as an animated GIF."""
    state = st.session_state
    made = state.get(_GIF)
    if made is not None and made[0] != (trainer.config, trainer.step):
        del state[_GIF]  # made for another step or setup: not this run's GIF any more
        made = None
    slot = st.empty()
    if made is None:
        if not slot.button("Make a GIF of this run", icon=":material/movie:", key="gif_make",
                           disabled=disabled or trainer.step == 0,
                           help="An animation from step 0 to this step, for a slide: up to 200 frames, from a "
                                "paused run."):
            return
        bar = slot.progress(0.0, text="Waiting for the server")
        with stop_when_busy(bar), heavy_job(wait=GIF_WAIT):
            data = make_gif(trainer, lambda k, n: bar.progress(k / n, text=f"Drawing frame {k} of {n}"))
        made = state[_GIF] = ((trainer.config, trainer.step), data)
    slot.download_button(f"GIF of steps 0 to {trainer.step:,}", data=made[1], key="gif_download",
                         file_name=f"symbreak_run_step{trainer.step}.gif", mime="image/gif", on_click="ignore",
                         icon=":material/download:", help="The animation just made: download it for a slide.")
