"""Engine speed: prints a Markdown table for the README. Run: python bench/bench_engine.py"""
import os
import sys
import time
from dataclasses import replace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from symbreak_core import (  # noqa: E402
    DepthConfig,
    SurfaceConfig,
    TrainConfig,
    Trainer,
    depth_probe,
    error_surface,
    restarts,
)

CLASSROOM = TrainConfig(hidden=(8, 8), n_samples=200, batch_size=0, init="xavier_normal", steps=10_000)


def best_of(repeats, fn):
    """The fastest of `repeats` wall-clock timings of fn(), in seconds."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def steps_per_second(config, steps, repeats=3):
    def run():
        Trainer(config).run(steps)
    return steps / best_of(repeats, run)


def main():
    Trainer(CLASSROOM).run(500)  # warm up numpy and the allocator, as on a running server
    rows = []
    for every in (10, 1):
        c = replace(CLASSROOM, record_every=every)
        rate = steps_per_second(c, c.steps)
        rows.append((f"2-8-8-1, 200 points, full batch, loss + grad norms every step, snapshot every {every}",
                     f"{rate:,.0f} steps/s", ">= 10,000 steps/s" if every == 10 else "(reference)"))
    zeros = replace(CLASSROOM, init="zeros", activation="tanh", lr=0.5, steps=20_000, record_every=5)

    def zeros_run(stand: bool):
        t = Trainer(zeros) if stand else Trainer(zeros).compute_every_step()  # as before a run could stand still
        t.run(zeros.steps)
    still, computed = best_of(3, lambda: zeros_run(True)), best_of(3, lambda: zeros_run(False))
    rows.append(("the zeros preset (2-8-8-1, lr 0.5), 20,000 steps, snapshot every 5: it stands still from step 260",
                 f"{still:.3f} s ({computed:.2f} s computing every step)", "reported"))
    big = TrainConfig(hidden=(256, 256), n_samples=1000, init="he_normal", activation="relu", steps=200)
    rows.append(("2-256-256-1, 1,000 points, full batch, snapshot every 10",
                 f"{steps_per_second(big, big.steps, repeats=2):,.0f} steps/s", "reported"))
    seconds = best_of(3, lambda: restarts(TrainConfig(hidden=(8, 8), steps=1000), range(100)))
    rows.append(("100 restarts x 1,000 steps of 2-8-8-1, batched", f"{seconds:.2f} s", "<= 3 s"))
    deep = DepthConfig(width=500, depth=20, activation="relu", init="he_normal", n_samples=1000)
    seconds = best_of(3, lambda: depth_probe(deep))
    rows.append(("depth_probe, 20 layers x 500 units, 1,000 samples", f"{seconds:.2f} s", "reported"))
    seconds = best_of(3, lambda: error_surface(SurfaceConfig()))
    rows.append(("error_surface, 2 runs x 1,500 steps + 61x61 slice", f"{seconds:.2f} s", "reported"))
    print("| workload | measured | goal |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
