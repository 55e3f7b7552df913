"""Opening a moment link: how long the Playground takes to replay a run to the link's step.

The run is deterministic, so a link's step is reached by training again from step 0, exactly as the live run did
(and, when a symmetry breaker is on, its equal-start twin to the same step). This times that replay, in-process,
with one BLAS thread as the server runs it, for the Playground's default network and its largest one, to the last
step a live run reaches (settings.playground.LIVE_STEPS) and to a few earlier ones; and the same link opened where
it was made, from the moment the paused page kept (ui/moments.py).

The last column is a floor no NumPy replay can go under: the matrix products of one training step alone (forward,
the weight gradients and the backpropagated errors, with the run's own shapes and call forms), each timed at its
fastest on this machine, times the steps replayed, for the run and for its twin, which trains narrow (one unit per
hidden layer standing for its copies, symbreak_core.Trainer's `copies`). Everything else a step does (the
activations, the loss, the update, the divergence checks, the snapshots) comes on top.

Usage: python bench/bench_replay.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from settings import playground as S  # noqa: E402
from settings.params import preset_values  # noqa: E402
from symbreak_core import Trainer  # noqa: E402
from symbreak_core.train import dataset_of  # noqa: E402
from ui import moments  # noqa: E402

SETUPS = (("defaults (8x2, all 0.5)", "constant_05", {}),
          ("tiny noise (8x2, with its twin)", "constant_noise", {}),
          ("He, width 32, depth 6 (with its twin)", "he", {"width": 32, "depth": 6}))
STEPS = (1_000, 5_000, S.LIVE_STEPS)


def replay_seconds(config, step: int) -> float:
    start = time.perf_counter()
    runs = [Trainer(config)]
    runs[0].run(step, lazy=True)  # as the app replays: snapshots measured when read (the page reads them all)
    twin = S.twin(config)
    if twin is not None:
        runs.append(Trainer(twin, copies=True))  # as the app trains it
        runs[1].run(runs[0].step, lazy=True)
    for run in runs:
        run.result()
    return time.perf_counter() - start


def kept_seconds(config, step: int, repeat: int) -> tuple[float, int]:
    """Opening the link where it was made: loading the moments the paused page kept (ui/moments.py), the run's and
    its twin's, from a folder of this bench's own; returns (median seconds of `repeat` loads, bytes on disk)."""
    trainer = Trainer(config)
    trainer.run(step)
    runs = [trainer]
    twin = S.twin(config)
    if twin is not None:
        runs.append(Trainer(twin, copies=True))
        runs[-1].run(trainer.step, lazy=True)  # as the app keeps it
    for r in runs:
        moments.save(r)
    size = sum(p.stat().st_size for p in moments.folder().glob("*.pkl"))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        loaded = [moments.load(r.config, step, r.copies) for r in runs]
        times.append(time.perf_counter() - start)
        assert all(r is not None and r.step == step for r in loaded)
    seconds = statistics.median(times)
    for p in moments.folder().glob("*.pkl"):
        p.unlink()
    return seconds, size


def _fastest(f, budget: float = 0.05) -> float:
    """The fastest of repeated calls of f, in seconds (repeated for about `budget` s, at least 20 times)."""
    best, spent, n = math.inf, 0.0, 0
    while n < 20 or spent < budget:
        t = time.perf_counter()
        f()
        dt = time.perf_counter() - t
        best, spent, n = min(best, dt), spent + dt, n + 1
    return best


def products_seconds(config, narrow: bool = False) -> float:
    """One full-batch step's matrix products alone, at their fastest (the floor the module docstring describes);
    narrow: of the config's network trained narrow, one unit per hidden layer.

    The products and their call forms are those of symbreak_core.model.loss_and_grads: a @ W forward, a^T @ delta
    and ones @ delta for the gradients, delta @ W^T back to the layer below."""
    rng = np.random.default_rng(0)
    n = len(dataset_of(config).X) if config.batch_size == 0 else config.batch_size
    total, ones = 0.0, np.ones(n)
    sizes = (config.sizes[0], *(1 for _ in config.hidden), 1) if narrow else config.sizes
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        a, W, delta = rng.standard_normal((n, fan_in)), rng.standard_normal((fan_in, fan_out)), \
            rng.standard_normal((n, fan_out))
        total += _fastest(lambda: a @ W) + _fastest(lambda: np.swapaxes(a, -1, -2) @ delta)
        if config.bias:
            total += _fastest(lambda: ones @ delta)
        if layer > 0:
            total += _fastest(lambda: delta @ np.swapaxes(W, -1, -2))
    return total


def main():
    os.environ[moments.FOLDER_ENV] = tempfile.mkdtemp(prefix="symbreak-bench-moments-")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="replays per cell; the table shows the median")
    args = ap.parse_args()
    threadpool_limits(limits=1)
    print("| setup | " + " | ".join(f"step {n:,}" for n in STEPS) + f" | step {S.LIVE_STEPS:,} from a kept moment "
          f"| step {S.LIVE_STEPS:,}: its matrix products alone |")
    print("|---|" + "---:|" * (len(STEPS) + 2))
    for name, preset, extra in SETUPS:
        values = preset_values(S.SPECS, next(q for q in S.PRESETS if q.id == preset)) | extra
        values.pop("speed")
        config = S.config(values)
        cells = [statistics.median(replay_seconds(config, n) for _ in range(args.repeat)) for n in STEPS]
        kept, size = kept_seconds(config, S.LIVE_STEPS, args.repeat)
        step = products_seconds(config)
        twin = 0.0 if S.twin(config) is None else products_seconds(config, narrow=True)
        print(f"| {name} | " + " | ".join(f"{c:.2f} s" for c in cells)
              + f" | {kept * 1000:.0f} ms ({size / 2**20:.1f} MB) | {S.LIVE_STEPS * (step + twin):.2f} s "
                f"({S.LIVE_STEPS:,} x {step * 1e6:.0f} µs" + (f" + {twin * 1e6:.0f} µs, the twin's)" if twin else ")")
              + " |")


if __name__ == "__main__":
    main()
