"""Live steps and frames computed once for every session of this process that plays the same run.

A run is a function of its config (every random draw comes from the config's seed), so two sessions playing the
same settings, a class that opened the teacher's link, train the very same numbers, step for step; and the
equal-start twin of one preset is often the run of another, or another's twin. So this process keeps, while more
than one session plays a config (`players`, within PLAYERS_SECONDS):
  - `runs`: what a run did from a step for a number of steps (symbreak_core.Progress). Another run of the same
    config at that step catches up with it, bit for bit (Trainer.catch_up), instead of training. A run trained
    narrow (the equal-start twin: Trainer's `copies`) shares only with runs trained narrow.
  - `frames`: the Playground's whole next live frame from a step (the runs' progress, the charts and the panel).
    Another session at that step catches its runs up and shows the same charts; its encoder still sends its own
    browser only what changed, and it says its own line under the charts.
next_frame() draws a live frame this way (app.py's feed and live fragment), steps() takes a run's steps this way.
A run played alone pays only for a look-up. Each shelf is bounded by its bytes (arrays, and a share for the dicts
and lists around them), the least recently used going first: a step is useful only until the sessions behind the
first one have passed it.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace

import numpy as np

RUNS_BYTES = 64 * 2**20
FRAMES_BYTES = 256 * 2**20
ITEM_BYTES = 64  # what a dict or list item costs besides its value (a rough share of CPython's own memory)
PLAYERS_SECONDS = 3.0  # a session that asked for a frame this recently still plays (it asks 2-10 times a second)
_clock = time.monotonic


@dataclass(frozen=True, eq=False)
class Shared:
    """One frame as the first session drew it: its runs' progress (symbreak_core.Progress; the twin's or None),
    the chart grid's rows and the panel without the session's own line; and what the sessions' encoders make of
    the rows, which each of them takes from the first (ui.transport.Encoder.encode's `shared`). Nothing else
    here is changed once kept."""

    run: object
    twin: object
    rows: list
    panel: object
    encoded: dict = field(default_factory=dict)

    def fits(self, trainer, twin) -> bool:
        """Whether these runs are where this frame started from (its key says so for the run, not the twin)."""
        return self.run.since == trainer.step and (twin is None) == (self.twin is None) and (
            twin is None or (self.twin.since, self.twin.copies) == (twin.step, twin.copies))

    @property
    def nbytes(self) -> int:
        """Its runs' progress, its rows, and as much again for what the encoders make of them (the rows' arrays
        in their wire form, and the previous frame's ones they are compared with)."""
        runs = self.run.nbytes + (0 if self.twin is None else self.twin.nbytes)
        return runs + 2 * nbytes(self.rows) + nbytes(self.panel.numbers)


def nbytes(tree) -> int:
    """The memory a chart tree holds: its arrays, and ITEM_BYTES for each item of its dicts, lists and tuples."""
    total, stack = 0, [tree]
    while stack:
        node = stack.pop()
        items = node.values() if type(node) is dict else node
        total += ITEM_BYTES * len(items)
        for v in items:
            kind = type(v)
            if kind is np.ndarray:
                total += v.nbytes
            elif kind is dict or kind is list or kind is tuple:
                stack.append(v)
    return total


class Players:
    """Which sessions play each config: a session names its run (any object that stays the same while it plays)
    each time it takes a step or a frame."""

    def __init__(self):
        self._lock = threading.Lock()
        self._when: dict = {}  # config -> {player: when it last played}
        self._pruned = _clock()

    def play(self, config, player):
        now = _clock()
        with self._lock:
            if now - self._pruned > PLAYERS_SECONDS:  # forget the sessions that stopped playing
                self._when = {c: live for c, players in self._when.items()
                              if (live := {p: t for p, t in players.items() if now - t <= PLAYERS_SECONDS})}
                self._pruned = now
            self._when.setdefault(config, {})[player] = now

    def shared(self, config) -> bool:
        """Whether more than one session plays `config`: only then is what one computes worth keeping."""
        now = _clock()
        with self._lock:
            return sum(now - t <= PLAYERS_SECONDS for t in self._when.get(config, {}).values()) > 1

    def clear(self):
        with self._lock:
            self._when.clear()


class Shelf:
    """Values by key, at most max_bytes of them (by the sizes given), the least recently used dropped first."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._kept: OrderedDict = OrderedDict()  # key -> (value, bytes)
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def take(self, key):
        """The value kept under `key`, or None."""
        with self._lock:
            got = self._kept.get(key)
            if got is None:
                self.misses += 1
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return got[0]

    def keep(self, key, value, size: int):
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._kept[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._bytes -= self._kept.popitem(last=False)[1][1]

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self):
        with self._lock:
            self._kept.clear()
            self._bytes = 0
            self.hits = self.misses = 0


# This process's, shared by its sessions.
players = Players()
runs = Shelf(RUNS_BYTES)
frames = Shelf(FRAMES_BYTES)


def next_frame(trainer, twin, n: int, said: str, view, drawing=()) -> tuple[list, object, Shared | None]:
    """n more steps of a live run and its equal-start twin (or None), then its frame: view(trainer, twin, said)
    gives the chart grid's rows and panel (a ui.Panel, whose `foot` is `said`). Also the frame as kept for other
    sessions, None if it is not. `drawing`: whatever else changes what view draws (presenting, say).

    The same run from the same step gives the same frame, so one that another session of this process has drawn
    is taken from the shelf: the runs catch up with it, bit for bit, and its charts are shown as they were drawn.
    A frame drawn here is kept while other sessions play the same config."""
    key = (trainer.config, trainer.step, n, drawing) if n and not trainer.done else None
    shared = None if key is None else frames.take(key)
    if shared is not None and shared.fits(trainer, twin):
        players.play((trainer.config, trainer.copies), id(trainer))
        trainer.catch_up(shared.run)
        if twin is not None:
            twin.catch_up(shared.twin)
        return shared.rows, replace(shared.panel, foot=said), shared
    progress = steps(trainer, n)
    twin_progress = None
    if twin is not None and twin.step < trainer.step:
        twin_progress = steps(twin, trainer.step - twin.step, lazy=True)  # only its curves are drawn
    rows, panel = view(trainer, twin, said)
    shared = None
    if key is not None and progress is not None and (twin is None or twin_progress is not None):
        shared = Shared(progress, twin_progress, rows, replace(panel, foot=""))
        frames.keep(key, shared, shared.nbytes)
    return rows, panel, shared


def steps(run, n: int, lazy: bool = False):
    """run.run(n, lazy), or the same steps another session's run of the same config took from this step (kept
    while more than one session plays it). An eager run takes only fully measured steps: it would measure the
    others when read. Returns what the steps did (symbreak_core.Progress), if it is kept."""
    if n <= 0 or run.done:
        return None
    kind = (run.config, run.copies)  # a run trained narrow takes only a narrow run's steps, and the reverse
    players.play(kind, id(run))
    key = (kind, run.step, n)
    got = runs.take(key)
    if got is not None and (lazy or not got.unmeasured):
        run.catch_up(got)
        return got
    since = run.step
    run.run(n, lazy=lazy)
    if not players.shared(kind):
        return None
    got = run.progress_since(since)
    runs.keep(key, got, got.nbytes)
    return got


def clear():
    """Forget everything kept (tests)."""
    players.clear()
    runs.clear()
    frames.clear()
