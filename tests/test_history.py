"""The Playground's history download (ui/exports.py): every step and snapshot of a real run, written exactly."""
from __future__ import annotations

import csv
import io
import math
from dataclasses import replace

import pytest

from figures import layer_names
from symbreak_core import TrainConfig, Trainer
from ui.exports import history_csv

RUNS = {
    "default, past its last snapshot": (TrainConfig(), 57),
    "three layers, mini-batches, dropout": (TrainConfig(hidden=(5, 4, 3), batch_size=32, dropout=0.2, seed=3), 41),
    "diverged": (TrainConfig(init="normal", spread=3.0, lr=10.0, activation="relu", loss="mse", optimizer="momentum",
                              steps=2000), 2000),
    "step 0": (TrainConfig(), 0),
}


def rows_of(trainer: Trainer) -> tuple[list[str], list[dict]]:
    body = history_csv(trainer.result()).decode()
    reader = csv.DictReader(io.StringIO(body))
    return reader.fieldnames, list(reader)


def same(text: str, value: float) -> bool:
    """A written number is the engine's value, to the last bit (nan written as nan)."""
    x = float(text)
    return (math.isnan(x) and math.isnan(value)) or x == value


@pytest.mark.parametrize("name", RUNS)
def test_the_history_holds_every_step_and_snapshot_of_the_run_exactly(name):
    config, steps = RUNS[name]
    trainer = Trainer(config)
    trainer.run(steps)
    r = trainer.result()
    header, rows = rows_of(trainer)
    L = len(config.hidden)
    assert header[:2] == ["step", "batch_loss"]
    assert [h for h in header if h.startswith("grad_norm")] == [f"grad_norm {n}" for n in layer_names(L + 1)]
    assert header[-2 * L:] == [f"distinct layer {k + 1}" for k in range(L)] + [f"gap layer {k + 1}" for k in range(L)]
    snaps = {s.step: s for s in r.snapshots}
    taken = len(r.batch_losses)
    assert [int(row["step"]) for row in rows] == sorted(set(range(taken)) | set(snaps))
    for row in rows:
        t = int(row["step"])
        if t < taken:
            assert same(row["batch_loss"], r.batch_losses[t])
            assert all(same(row[f"grad_norm {n}"], r.grad_norms[t, k])
                       for k, n in enumerate(layer_names(L + 1)))
        else:
            assert row["batch_loss"] == "" and all(row[h] == "" for h in header if h.startswith("grad_norm"))
        s = snaps.get(t)
        if s is None:
            assert all(row[h] == "" for h in header[2 + L + 1:])
        else:
            assert all(same(row[k], getattr(s, k)) for k in ("train_loss", "test_loss", "train_acc", "test_acc"))
            assert [int(row[f"distinct layer {k + 1}"]) for k in range(L)] == list(s.distinct)
            assert all(same(row[f"gap layer {k + 1}"], g) for k, g in enumerate(s.gap))
    if name == "diverged":  # the steps up to its divergence, and its numbers there, however large
        assert trainer.status == "diverged" and 0 < taken == r.diverged_at


def test_the_same_run_at_the_same_step_writes_the_same_bytes():
    """Streamlit names a download by its bytes: a page drawn twice at one step offers one file."""
    one, two = Trainer(TrainConfig()), Trainer(TrainConfig())
    one.run(30)
    two.run(30)
    assert history_csv(one.result()) == history_csv(two.result())
    two.run(1)
    assert history_csv(one.result()) != history_csv(two.result())


def test_a_changed_config_changes_the_history():
    a, b = Trainer(TrainConfig()), Trainer(replace(TrainConfig(), seed=1))
    a.run(5)
    b.run(5)
    assert history_csv(a.result()) != history_csv(b.result())
