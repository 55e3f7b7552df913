"""Saved moments (ui/moments.py): a kept Trainer is the run itself, bit for bit, and trains on exactly as the
original would; the latest kept step at or before a link's step is the one loaded; other configs, other engine
versions and unreadable files are never loaded; the folder stays within its bounds."""
from dataclasses import replace

import numpy as np
import pytest

from symbreak_core import TrainConfig, Trainer
from ui import moments

CONFIG = TrainConfig(hidden=(6, 5), init="he_normal", dropout=0.1, batch_size=16, steps=400, record_every=10)


@pytest.fixture(autouse=True)
def own_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(moments.FOLDER_ENV, str(tmp_path))
    return tmp_path


def same(a: Trainer, b: Trainer):
    assert a.step == b.step and a.status == b.status
    for p, q in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_array_equal(p, q)
    ra, rb = a.result(), b.result()
    np.testing.assert_array_equal(ra.batch_losses, rb.batch_losses)
    np.testing.assert_array_equal(ra.grad_norms, rb.grad_norms)
    assert [(s.step, s.train_loss, s.distinct, s.gap) for s in ra.snapshots] == [
        (s.step, s.train_loss, s.distinct, s.gap) for s in rb.snapshots]


def test_a_kept_moment_is_the_run_and_trains_on_as_the_run_would():
    run = Trainer(CONFIG)
    run.run(130)
    assert moments.save(run) and not moments.save(run)  # once per config and step
    kept = moments.load(CONFIG, 130)
    same(kept, run)
    run.run(170), kept.run(170)  # the random streams (batches, dropout) go on where they were
    same(kept, run)
    straight = Trainer(CONFIG)
    straight.run(300)
    same(kept, straight)


def test_the_latest_kept_step_at_or_before_the_link_is_loaded():
    run = Trainer(CONFIG)
    for n in (50, 100, 150):
        run.run(n - run.step)
        moments.save(run)
    assert moments.load(CONFIG, 40) is None
    assert moments.load(CONFIG, 99).step == 50
    assert moments.load(CONFIG, 100).step == 100
    assert moments.load(CONFIG, 10_000).step == 150


def test_other_configs_other_engines_and_unreadable_files_are_never_loaded(own_folder, monkeypatch):
    run = Trainer(CONFIG)
    run.run(20)
    moments.save(run)
    assert moments.load(replace(CONFIG, seed=1), 20) is None
    assert moments.load(replace(CONFIG, lr=0.1000001), 20) is None
    monkeypatch.setattr(moments, "_ENGINE", "another version of the engine")
    assert moments.load(CONFIG, 20) is None
    monkeypatch.undo()
    monkeypatch.setenv(moments.FOLDER_ENV, str(own_folder))
    (path,) = own_folder.glob("*.pkl")
    path.write_bytes(b"not a pickle")
    assert moments.load(CONFIG, 20) is None


def test_the_folder_keeps_the_most_recently_used_within_its_bounds(own_folder):
    run = Trainer(replace(CONFIG, hidden=(3,)))
    for n in range(1, 8):
        run.run(1)
        moments.save(run)
    moments.prune(max_files=3)
    assert sorted(int(p.stem.rsplit("-", 1)[1]) for p in own_folder.glob("*.pkl")) == [5, 6, 7]
    size = max(p.stat().st_size for p in own_folder.glob("*.pkl"))
    moments.prune(max_bytes=2 * size)
    assert len(list(own_folder.glob("*.pkl"))) == 2


def test_a_new_folder_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv(moments.FOLDER_ENV, str(tmp_path / "kept"))
    assert (moments.folder().stat().st_mode & 0o777) == 0o700
