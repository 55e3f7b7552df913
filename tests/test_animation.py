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

