"""The Playground's "Make a GIF of this run": time and size of the animated GIF of a whole live run.

    python bench/bench_gif.py [--steps 20000] [--repeat 3]

Each row trains one Playground setup to --steps (not timed: the live run has already done it when a teacher clicks)
and then times what the click does (ui/exports.make_gif): picking the frames from the run's snapshots, drawing them
with matplotlib and writing the GIF with Pillow. Best of --repeat. Goals (issue 12): at most 20 s and at most 5 MB
for 200 frames. A network's run keeps at most 1,000,000 / parameters snapshots (settings/playground.py's setup,
symbreak_core/train.py), so the largest network's GIF has fewer frames; the per-frame columns compare them.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from PIL import Image  # noqa: E402

from settings import playground as S  # noqa: E402
from symbreak_core import Trainer  # noqa: E402
from ui.exports import make_gif  # noqa: E402

SETUPS = [
    ("defaults (2-8-8-1 tanh, all weights 0.5)", {}),
    ("defaults, He (normal) start", {"init": "he_normal"}),
    ("width 32, depth 6, He (normal) start", {"width": 32, "depth": 6, "init": "he_normal"}),
    ("width 32, depth 6, all weights 0.5", {"width": 32, "depth": 6}),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=S.LIVE_STEPS)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    defaults = {p.name: p.default for p in S.SPECS if p.name != "speed"}
    print(f"GIF of a Playground run trained to step {args.steps:,} (best of {args.repeat})\n")
    print("| setup | frames | time | per frame | size | per frame | goal |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, change in SETUPS:
        trainer = Trainer(S.config(defaults | change))
        trainer.run(args.steps)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            data = make_gif(trainer)
            best = min(best, time.perf_counter() - start)
        with Image.open(io.BytesIO(data)) as im:
            assert im.is_animated
            frames = im.n_frames
        mb = len(data) / 1e6
        print(f"| {name} | {frames} | {best:.2f} s | {1000 * best / frames:.0f} ms | {mb:.2f} MB "
              f"| {1000 * mb / frames:.1f} kB | 200 frames: {200 * best / frames:.1f} s <= 20 s, "
              f"{200 * mb / frames:.2f} MB <= 5 MB |")


if __name__ == "__main__":
    main()
