"""The run as an animated GIF (figures/animation.py): which states become frames, and the file itself."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from figures import animation
from symbreak_core import TrainConfig, Trainer


def trained(steps: int, **config) -> Trainer:
    trainer = Trainer(TrainConfig(**{"hidden": (4, 4), "init": "he_normal", "steps": 1000, "record_every": 5,
                                     "n_samples": 60, **config}))
    trainer.run(steps)
    return trainer


def now(trainer: Trainer) -> tuple:
    return trainer.step, trainer.weights, trainer.biases, trainer.symmetry()["distinct"]


@pytest.fixture(scope="module")
def run():
    """A 103-step run (past its last snapshot at 100), its frames and its GIF."""
    trainer = trained(103)
    frames = animation.frames(trainer.result(), now(trainer), most=12)
    return trainer, frames, animation.gif(frames, trainer.result())


@pytest.mark.parametrize("upto, most", [(0, 200), (1, 200), (7, 200), (199, 200), (200, 200), (20_000, 200),
                                        (103, 12)])
def test_frame_steps_are_evenly_spaced_from_0_to_the_step(upto, most):
    s = animation.frame_steps(upto, most)
    assert s[0] == 0 and s[-1] == upto and len(s) == min(most, upto + 1)
    gaps = np.diff(s)
    assert np.all(gaps > 0) and (upto == 0 or gaps.max() - gaps.min() <= 1)


def test_frames_run_from_step_0_to_the_network_now(run):
    trainer, frames, _ = run
    assert len(frames) == 12
    steps = [f.step for f in frames]
    assert steps[0] == 0 and steps[-1] == 103 and steps == sorted(set(steps))
    assert all(s % 5 == 0 for s in steps[:-1])  # the others are the run's own snapshots
    last, snaps = frames[-1], {s.step: s for s in trainer.result().snapshots}
    assert all(np.array_equal(a, b.astype(np.float32)) for a, b in zip(last.weights, trainer.weights))
    assert last.distinct == tuple(trainer.symmetry()["distinct"])
    for f in frames[:-1]:
        assert all(np.array_equal(a, b.astype(np.float32)) for a, b in zip(f.weights, snaps[f.step].weights))
        assert f.distinct == snaps[f.step].distinct
    assert last.units.shape == (4, animation.UNIT_RES, animation.UNIT_RES)


@pytest.mark.parametrize("steps, shown", [(0, [0]), (3, [0, 3]), (20, [0, 5, 10, 15, 20])])
def test_a_short_run_gives_a_frame_per_snapshot(steps, shown):
    trainer = trained(steps)
    assert [f.step for f in animation.frames(trainer.result(), now(trainer))] == shown


def test_the_gif_is_animated_with_a_frame_each(run):
    _, frames, data = run
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "GIF" and im.is_animated and im.n_frames == len(frames)
        assert im.size == animation.SIZE_PX
        assert im.info.get("loop") == 0
        durations = []
        for k in range(im.n_frames):
            im.seek(k)
            durations.append(im.info["duration"])
    assert durations == [animation.FRAME_MS] * (len(frames) - 1) + [animation.HOLD_MS]


def test_progress_is_reported_after_every_frame(run):
    trainer, frames, _ = run
    seen = []
    animation.gif(frames[:3], trainer.result(), on_progress=lambda k, n: seen.append((k, n)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_colours_mean_the_same_value_in_every_frame(run):
    """One colour range for the whole animation: a weight drawn in one frame is drawn in the same colour in another,
    and the range is symmetric about 0 (white) and holds every weight of every frame."""
    trainer, frames, _ = run
    drawing = animation._Drawing(frames, trainer.result().batch_losses, (4, 4), "")
    limits = set()
    for k, f in enumerate(frames):
        drawing.draw(k, f)
        limits.add(tuple(im.get_clim() for im in drawing.weights))
    (clims,) = limits
    lo, hi = clims[0]
    assert all(c == (lo, hi) for c in clims) and lo == -hi
    assert hi >= max(float(np.abs(W).max()) for f in frames for W in f.weights)
    lo, hi = drawing.units.get_clim()
    assert lo == -hi and hi >= max(float(np.abs(f.units).max()) for f in frames)


def test_the_page_stays_exactly_white(run):
    """The one palette keeps white white (a near-white would tint a slide's background)."""
    _, _, data = run
    with Image.open(io.BytesIO(data)) as im:
        im.seek(im.n_frames - 1)
        rgb = im.convert("RGB")
    assert rgb.getpixel((animation.SIZE_PX[0] // 2, 2)) == (255, 255, 255)  # the page, between the two headings



def test_the_meters_legend_stands_where_the_newer_lines_do_not():
    """Copies (1 or 2 of 8) run along the bottom, where the legend stood over their newest steps: it goes up there;
    lines near the top (every unit distinct) keep it at the bottom."""
    steps = np.arange(0, 1501, 50)
    copies = np.column_stack([np.where(steps >= 300, 2, 1), np.ones(len(steps))])
    assert animation._meter_corner(steps, copies, 8.5) == "upper right"
    distinct = np.full((len(steps), 6), 30)
    assert animation._meter_corner(steps, distinct, 32.5) == "lower right"
    # what counts is the newer half: a run whose units split apart late still has the bottom free by then
    split = np.column_stack([np.where(steps >= 600, 8, 1), np.where(steps >= 600, 7, 1)])
    assert animation._meter_corner(steps, split, 8.5) == "lower right"


def test_the_loss_axis_writes_numbers_not_powers():
    """The GIF's log loss axis labels 0.6, 0.01 (as the app's charts do), where matplotlib wrote 6×10⁻¹ and 10⁻²."""
    from matplotlib.figure import Figure

    for lo, hi, expected in ((0.2, 0.7, {"0.6", "0.4"}), (0.0008, 1.3, {"1", "0.1", "0.01", "0.001"})):
        fig = Figure()
        ax = fig.add_subplot()
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        ax.yaxis.set_major_formatter(animation._Numbers())
        ax.yaxis.set_minor_formatter(animation._Numbers())
        fig.canvas.draw()
        labels = {t.get_text() for t in ax.get_yticklabels(minor=True) + ax.get_yticklabels()} - {""}
        assert expected <= labels and not any("10" in t and "^" in t or "×" in t or "$" in t for t in labels), labels
