"""Exports for a slide: the Playground's run from step 0 to now as an animated GIF (figures/animation.py draws it).

Making one draws up to 200 frames from the run's snapshots (the states the Playground's meter is drawn from; no
training is repeated): a few seconds of one core. It holds one of the server's heavy-job slots while it works. A
session makes one at a time: its script runs one after another, and a click elsewhere meanwhile stops the one being
made (at its next progress report) before the click is handled. The finished file stays in the session only while
the run stays at that step.
"""
from __future__ import annotations

import streamlit as st

from symbreak_core import Trainer
from ui.limits import heavy_job, stop_when_busy

GIF_WAIT = 10.0  # s a click waits for a free heavy-job slot before it is told the server is busy
_GIF = "_ui_gif"  # session state: ((config, step), the GIF's bytes) of the last GIF made


def make_gif(trainer: Trainer, on_progress=None) -> bytes:
    """The trainer's run from step 0 to its step as an animated GIF; on_progress(frames drawn, frames)."""
    from figures import animation

    now = (trainer.step, trainer.weights, trainer.biases, trainer.symmetry()["distinct"])
    result = trainer.result()
    return animation.gif(animation.frames(result, now), result, on_progress=on_progress)


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
