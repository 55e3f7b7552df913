"""What one live refresh of the Playground does besides Streamlit's own work, part by part, in-process.

Trains a run (and its equal-start twin, when a symmetry breaker is on) to step `--start` (2,000: its snapshots
thinned to every 10-20 steps; 0: a run just started, or restarted by a slider move, taking one every 5), then
repeats a refresh as
app.py's `refresh` does it: `speed` steps (10, the default), the result and the symmetry of the weights now, the
words, the grid the unit pictures and the boundary are drawn on, the six figure builders and the chart grid's
message (ui/transport.py's encoding of what changed since the last refresh, with the numbers and words, as JSON).
One BLAS thread, as the server runs. Prints the median time of each part over the refreshes after the first 20.

Usage: python bench/bench_refresh_parts.py [--refreshes 200] [--start 2000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from threadpoolctl import threadpool_limits  # noqa: E402

import figures  # noqa: E402
from narration import run as narrate  # noqa: E402
from settings import playground as S  # noqa: E402
from settings.params import preset_values  # noqa: E402
from symbreak_core import Trainer, model  # noqa: E402
from ui.charts import Panel, grid_payload  # noqa: E402
from ui.transport import Encoder  # noqa: E402

SETUPS = (("defaults (8x2)", S.PRESETS[0].id, {}), ("He, 8x2, with its twin", "he", {}),
          ("He, 32x6, with its twin", "he", {"width": 32, "depth": 6}))
WARM = 20  # refreshes left out of the medians
FIELD_RES = 32  # app.FIELD_RES
HEIGHT = 400  # app.HEIGHT: a chart's height when not presenting


def parts(preset: str, extra: dict, refreshes: int, start: int) -> dict[str, float]:
    """{part: median seconds per refresh}."""
    values = preset_values(S.SPECS, next(q for q in S.PRESETS if q.id == preset)) | extra
    speed = int(values.pop("speed"))
    config = S.config(values)
    runs = [Trainer(config)] + ([Trainer(S.twin(config), copies=True)] if S.twin(config) is not None else [])
    for run in runs:
        run.run(start)
    trainer, twin = runs[0], (runs[1] if len(runs) > 1 else None)
    encoder = Encoder()
    times: dict[str, list[float]] = {}

    def timed(name, f):
        start = time.perf_counter()
        out = f()
        times.setdefault(name, []).append(time.perf_counter() - start)
        return out

    c = config
    for _ in range(refreshes):
        timed("training, with the twin's, and their snapshots",
              lambda: [run.run(speed, lazy=run is twin) for run in runs])
        r = timed("the run's result", trainer.result)
        sym = timed("the symmetry of the weights now", trainer.symmetry)
        notes = timed("the words",
                      lambda: narrate.whats_happening(narrate.facts(r, trainer.weights, trainer.biases, sym)))
        field = timed("the pictures' grid", lambda: model.field(trainer.weights, trainer.biases, c.activation, c.loss,
                                                                  model.grid_extent(r.data.X), res=FIELD_RES))

        rows = timed("the six figure builders",  # as app.show, when not presenting
                     lambda: figures.playground_charts(trainer.weights, trainer.biases, r, sym["distinct"], field,
                                                       None if twin is None else twin.curves(),
                                                       key_heights=(HEIGHT, HEIGHT), height=HEIGHT))

        def message():  # as ui.chart_grid
            layout = [[{"id": f"{i}-{j}", "w": cell[1], "h": HEIGHT, "key": len(cell) > 2 and cell[2]}
                       for j, cell in enumerate(row)] for i, row in enumerate(rows)]
            msg = encoder.encode({c["id"]: cell[0] for row, cells in zip(rows, layout) for cell, c in zip(row, cells)})
            numbers = (("Step", f"{trainer.step:,}", None), ("Train loss", f"{r.final.train_loss:.4f}", "help"))
            return grid_payload(layout, msg, Panel(numbers, "**What's happening:** " + " ".join(notes)))

        timed("the chart grid's message", message)
    return {name: statistics.median(xs[WARM:]) for name, xs in times.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refreshes", type=int, default=200)
    ap.add_argument("--start", type=int, default=2000, help="the step the refreshes start from")
    args = ap.parse_args()
    threadpool_limits(limits=1)
    cols = [parts(preset, extra, args.refreshes, args.start) for _, preset, extra in SETUPS]
    print("| the refresh's own work | " + " | ".join(name for name, _, _ in SETUPS) + " |")
    print("| --- |" + " ---: |" * len(SETUPS))
    for name in cols[0]:
        print(f"| {name} | " + " | ".join(f"{col[name] * 1000:.2f} ms" for col in cols) + " |")
    print("| total | " + " | ".join(f"{sum(col.values()) * 1000:.2f} ms" for col in cols) + " |")


if __name__ == "__main__":
    main()
