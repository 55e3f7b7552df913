"""Training: a resumable Trainer, train() to the end, and restarts() of many seeds as one batched computation.

Randomness: each seed is split with Generator.spawn into independent streams for data, init,
perturbation noise, batches and dropout, so changing one never changes the others.
"""
from __future__ import annotations

import functools
import math
import operator
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

from . import metrics, model, optim
from .config import TrainConfig
from .data import Dataset, make_dataset
from .init import init_biases, init_weights

MAX_SNAPSHOTS = 500  # snapshots kept before thinning to every other one
SNAPSHOT_FLOATS = 1_000_000  # stored weights across all snapshots (8 MB), unless one net is larger
MIN_SNAPSHOTS = 10  # ...then at most this many snapshots (plus the newest)
PARAM_BOUND = 1e6  # |weight| past this, or an update that large, counts as divergence
LOSS_BOUND = 1e12  # a learning network's loss is of order 1 (BCE at chance: 0.69); one past this has blown up
CHECK_PARAMS_EVERY = 10  # weights are held to PARAM_BOUND every this many steps and at the last: a scan is not free
GROUP_BYTES = 96_000  # restarts: largest temporary per group of seeds, below glibc's 128 kB mmap threshold
TAIL_FRACTION = 0.1  # restarts: the loss is also taken this far before the end, to tell settled runs from moving ones


class Streams(NamedTuple):
    """The independent random streams of one seed. Each draws its own numbers, so changing one never moves another."""

    data: np.random.Generator
    init: np.random.Generator
    noise: np.random.Generator  # the perturbation added on top of the init
    batch: np.random.Generator
    dropout: np.random.Generator


def streams(seed: int) -> Streams:
    """The streams of a seed, split from it with Generator.spawn in the order of Streams' fields."""
    return Streams(*np.random.default_rng(seed).spawn(len(Streams._fields)))


def dataset_of(config: TrainConfig) -> Dataset:
    """The config's data: drawn from the data stream of config.dataset_seed, the one home of the data-seed rule."""
    return make_dataset(config.dataset, config.n_samples, config.noise, streams(config.dataset_seed).data)


def initial_network(config: TrainConfig, init_rng, noise_rng):
    """(weights, biases) at step 0."""
    weights = init_weights(
        config.sizes, config.init, init_rng, spread=config.spread, value=config.init_value,
        perturbation=config.perturbation, noise_rng=noise_rng,
    )
    if config.output_zero:  # after the draws, so the hidden layers start exactly as without it
        weights[-1] = np.zeros_like(weights[-1])
    return weights, init_biases(config.sizes, config.bias, config.bias_value)


class Batcher:
    """Row indices of each mini-batch: a fresh permutation per epoch, the short tail dropped; None = full batch."""

    def __init__(self, n: int, batch_size: int, rng: np.random.Generator):
        self.n, self.size, self.rng = n, batch_size, rng
        self.full = batch_size == 0 or batch_size >= n
        self.order, self.pos = None, n

    def next(self):
        if self.full:
            return None
        if self.pos + self.size > self.n:
            self.order, self.pos = self.rng.permutation(self.n), 0
        self.pos += self.size
        return self.order[self.pos - self.size:self.pos]


def dropout_masks(rng, rows: int, hidden: tuple[int, ...], p: float):
    """Inverted-dropout masks, one (rows, width) per hidden layer: 0 with probability p, else 1/(1-p)."""
    if p <= 0:
        return None
    return [(rng.random((rows, w)) >= p) / (1.0 - p) for w in hidden]


WEIGHT_TOO_BIG = f"a weight grew past {PARAM_BOUND:,.0f}"
LOSS_NOT_FINITE = "the loss became NaN or infinite"
LOSS_TOO_BIG = f"the loss passed {LOSS_BOUND:,.0f}"
GRADIENT_NOT_FINITE = "a gradient became NaN or infinite"
UPDATE_TOO_BIG = f"an update would move a weight by more than {PARAM_BOUND:,.0f}"


def _checks(loss, gnorm, lr, params) -> list:
    """Divergence, defined once: what must stay within bounds, in the order it is checked.

    Each check is (its parts, their scale, the bound, the reason when a value is NaN or infinite, the reason when
    one passes the bound). A value is within when scale x |value| <= bound, which NaN and infinity always fail.
    The weights come first: they are the outcome of the step before.
    """
    checks = []
    if params is not None:
        checks.append((params, 1.0, PARAM_BOUND, WEIGHT_TOO_BIG, WEIGHT_TOO_BIG))
    if loss is not None:
        checks.append(((loss,), 1.0, LOSS_BOUND, LOSS_NOT_FINITE, LOSS_TOO_BIG))
        checks.append(((gnorm,), lr, PARAM_BOUND, GRADIENT_NOT_FINITE, UPDATE_TOO_BIG))  # the update: lr x each norm
    return checks


def _many_within(parts, scale, bound) -> np.ndarray:
    """(S,): whether scale x |value| <= bound for every value of each network, in every part (network axis first).

    With scale 0 and bound inf it tells finite from NaN or infinite: 0 x inf is NaN, and NaN fails every comparison.
    """
    ok = None
    for p in parts:
        held = scale * abs(p) <= bound
        if held.ndim > 1:
            held = held.reshape(len(held), -1).all(axis=1)
        ok = held if ok is None else ok & held
    return ok


def _one_within(part, scale, bound) -> bool:
    """The same for one network: a float, a list of floats or an array without a network axis."""
    if isinstance(part, np.ndarray):
        return bool(scale * np.abs(part).max() <= bound)  # NaN propagates through max
    if isinstance(part, list):
        return all(scale * abs(v) <= bound for v in part)
    return scale * abs(part) <= bound


def _same_bits(arrays, others) -> bool:
    """Whether each array holds exactly the bits of its counterpart (-0.0 is not 0.0 here, and NaN is itself)."""
    return all(a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))
               for a, b in zip(arrays, others, strict=True))


def divergence(loss=None, gnorm=None, lr=None, params=None, one=False) -> np.ndarray | str:
    """Why each network diverged, '' for each that did not, by the checks of _checks.

    Many networks: loss (S,), gnorm (S, L) the gradient norm per network and layer, lr, and params, arrays with a
    leading network axis (S, ...), or None when the weights are not due for a check: gives an (S,) array.
    one=True, one network (the Trainer): a float loss and a list of L float norms, and params without a network
    axis: gives one str.
    """
    checks = _checks(loss, gnorm, lr, params)
    if one:
        for parts, scale, bound, not_finite, too_big in checks:
            if not all(_one_within(part, scale, bound) for part in parts):
                return too_big if all(_one_within(part, 0.0, math.inf) for part in parts) else not_finite
        return ""
    with np.errstate(all="ignore"):  # lr x a huge norm overflows to inf, which is past the bound as it should be
        within = [_many_within(parts, scale, bound) for parts, scale, bound, _, _ in checks]
        if functools.reduce(operator.and_, within).all():  # the usual step: every network is fine
            return np.zeros(len(within[0]), dtype="<U1")
        conditions, reasons = [], []
        for (parts, _, _, not_finite, too_big), ok in zip(checks, within):
            conditions += [~_many_within(parts, 0.0, math.inf), ~ok]
            reasons += [not_finite, too_big]
    return np.select(conditions, reasons, default="")


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The network and its metrics at one step. Per-layer tuples run from the input side."""

    step: int
    weights: tuple  # (fan_in, fan_out) arrays
    biases: tuple | None
    train_loss: float  # full training set, no dropout
    test_loss: float
    train_acc: float
    test_acc: float
    gap: tuple  # per hidden layer: largest unit gap
    act_std: tuple  # per hidden layer
    saturated: tuple  # per hidden layer, fraction
    dead: tuple  # per hidden layer, fraction of dead ReLUs
    grad_std: tuple  # per layer, std of dL/dz
    # `distinct`, per hidden layer (see below); None while it is still to be counted over `_inputs`
    _distinct: tuple | None = None
    _inputs: tuple | None = field(default=None, repr=False)  # (training inputs, activation): the pass it is counted on

    @property
    def distinct(self) -> tuple:
        """Per hidden layer: the units that behave differently on the training inputs (metrics.distinct_units).

        A snapshot taken within a run's steps counts them when first read, from its weights' outputs over the
        training inputs: the same pass and the same numbers as when it is taken. A live Playground draws only the
        newest snapshot's, and at width 32, depth 6 a count takes about 0.5 ms: most are never read."""
        if self._distinct is None:  # two sessions reading a shared snapshot at once both count: the same numbers
            X, activation = self._inputs
            with np.errstate(all="ignore"):
                acts = model.forward(self.weights, self.biases, X, activation)[1]
                object.__setattr__(self, "_distinct", tuple(metrics.distinct_units(A) for A in acts[1:]))
        return self._distinct

    @property
    def rank(self) -> tuple:
        """Per weight matrix, its numerical rank (metrics.numerical_rank): computed when read, since no page shows
        it and an SVD of every matrix at every snapshot would cost a live refresh at width 32 about a millisecond."""
        return tuple(metrics.numerical_rank(W) for W in self.weights)


@dataclass(frozen=True, eq=False)
class TrainResult:
    """Everything a run produced. batch_losses[t] and grad_norms[t] belong to step t (before its update).

    batch_losses[t] is the loss on step t's mini-batch; Snapshot.train_loss is the loss on the whole training set.
    """

    config: TrainConfig
    status: str  # "running", "done" or "diverged"
    diverged_at: int | None
    reason: str
    batch_losses: np.ndarray  # (steps_done,): the mini-batch loss at each step
    grad_norms: np.ndarray  # (steps_done, n_layers)
    snapshots: tuple
    data: Dataset
    still_since: int | None = None  # no weight or bias has changed since this step (see Still); None: still moving,
    # as far as the run has looked (it looks every CHECK_PARAMS_EVERY steps)

    @property
    def steps_done(self) -> int:
        return len(self.batch_losses)

    @property
    def final(self) -> Snapshot:
        return self.snapshots[-1]

    @property
    def snapshot_steps(self) -> np.ndarray:
        return np.array([s.step for s in self.snapshots])


@dataclass(eq=False)
class _Pending:
    """A snapshot taken lazily (Trainer.run(lazy=True)): the weights at its step; its metrics come when it is read.
    Trainer.curves() reads only its training loss and unit gaps, and keeps them here."""

    step: int
    weights: tuple
    biases: tuple | None
    loss: float | None = None  # known at once when its step's own pass went over the whole training set
    gap: tuple | None = None


@dataclass(frozen=True, eq=False)
class Still:
    """A run that stands still: one of its steps left every parameter and the optimizer's state exactly as they
    were (bit for bit), on the whole training set without dropout, with an optimizer whose step does not depend on
    how many came before. The next step then starts from what this one started from and does exactly the same, and
    so does every step after it: each has this loss and these gradient norms, and a snapshot at any later step is of
    these weights. Nothing here is ever changed."""

    step: int  # the first step known to repeat the one before
    loss: float
    gnorm: np.ndarray  # (n_layers,)
    weights: tuple
    biases: tuple | None
    gap: tuple  # per hidden layer, the unit gaps of these weights (a lazy run's snapshots take them from here)
    snapshot: Snapshot | None = None  # their snapshot, once measured (a Still that has it replaces the one without)


@dataclass(frozen=True, eq=False)
class Progress:
    """What a run did from step `since` to `step` (Trainer.progress_since): all another Trainer of the same config,
    at step `since`, needs to be where this one is (Trainer.catch_up). A run is a function of its config, so every
    Trainer of that config at step `since` holds the same numbers, whichever way it got there. Nothing here is ever
    changed: a Trainer that catches up copies what it will change."""

    config: TrainConfig
    copies: tuple | None  # the run's Trainer.copies: the hidden widths if it was trained narrow
    since: int
    step: int
    status: str
    diverged_at: int | None
    reason: str
    weights: tuple
    biases: tuple | None
    moving: tuple  # the rest of what moves with the steps: the optimizer's state, the batches' and dropout's
    losses: np.ndarray  # (step - since,): the batch loss of each step taken
    gnorms: np.ndarray  # (step - since, n_layers)
    snapshots: tuple  # every snapshot kept at `step` (shared: a snapshot is never changed once made)
    every: int  # the snapshot interval at `step`
    unmeasured: bool  # some of the snapshots are a lazy run's, measured when read
    still: Still | None  # the run stands still from some step on (see Trainer): what every step repeats

    @property
    def nbytes(self) -> int:
        """The memory this holds of its own: its arrays, and the snapshots taken after `since` (the older ones are
        the ones every run at `since` holds already)."""
        own = [*self.weights, *(self.biases or ()), self.losses, self.gnorms]
        new = [a for s in self.snapshots if s.step > self.since for a in (*s.weights, *(s.biases or ()))]
        return sum(a.nbytes for a in own + new)


def narrow(weights, biases):
    """A network whose units of each hidden layer are exact copies, given narrow (model's `copies`): one unit per
    hidden layer. Raises ValueError if they are not copies."""
    alike = [bool((W == W[:, :1]).all()) for W in weights] + [bool((W == W[:1]).all()) for W in weights[1:]] + [
        bool((b == b[:1]).all()) for b in biases or ()]  # columns alike; from a hidden layer, rows too
    if not all(alike):
        raise ValueError("This network's units are not copies of each other; it has no narrow form.")
    return ([W[:, :1].copy() if l == 0 else W[:1, :1].copy() for l, W in enumerate(weights)],
            None if biases is None else [b[:1].copy() for b in biases])


def wide(weights, biases, hidden):
    """The network a narrow one stands for (model's `copies` = hidden): every unit's copies written out."""
    sizes = (len(weights[0]), *hidden, 1)
    ws = [np.repeat(W, sizes[l + 1], axis=1) if l == 0 else np.full((sizes[l], sizes[l + 1]), W[0, 0])
          for l, W in enumerate(weights)]
    return ws, None if biases is None else [np.repeat(b, sizes[l + 1]) for l, b in enumerate(biases)]


class Trainer:
    """Resumable training of one config: run(n) advances n steps, result() reads out the history.

    copies=True, for a config whose start is symmetric (an equal start, no noise, no dropout: every unit of a
    hidden layer stays a copy of the others), trains it narrow: one unit per hidden layer standing for all its
    copies (model's `copies`), a few dozen numbers instead of the whole network. The same mathematics, in other
    arithmetic: its losses agree with the wide run's to about 1e-12, not bit for bit. Its `copies` is then the hidden
    widths (None when trained wide), `weights` and `biases` are narrow, and snapshots, network(), symmetry() and
    result() give the network written out wide.

    A run can stand still (Still): on the whole training set without dropout, by SGD or momentum, once a step leaves
    every parameter and the optimizer's state exactly as they were, every later step does the same. Such a run (all
    zeros with tanh once its output bias has settled, at step 260 of the zeros preset; the He preset's equal-start
    twin at 32x6 once its units have all died, at step 270) writes the rest of its steps instead of computing them:
    the same history and snapshots, bit for bit. Steps are watched for it every CHECK_PARAMS_EVERY steps.
    """

    def __init__(self, config: TrainConfig, copies: bool = False):
        self.config = config
        rngs = streams(config.seed)
        self._dropout_rng = rngs.dropout
        self.data = dataset_of(config)
        self.weights, self.biases = initial_network(config, rngs.init, rngs.noise)
        self.copies = config.hidden if copies else None
        if copies:
            if config.dropout > 0:
                raise ValueError("Dropout makes copies differ: this config cannot be trained narrow.")
            self.weights, self.biases = narrow(self.weights, self.biases)
            sizes = (1, *config.hidden, 1)  # how many entries of the wide network each narrow one stands for
            self._entries = np.array([sizes[l] * sizes[l + 1] for l in range(len(self.weights))] + (
                [sizes[l + 1] for l in range(len(self.weights))] if self.biases is not None else []), dtype=float)
        params = self.weights + (self.biases or [])
        self._flat, self._shapes = np.concatenate(params, axis=None), [p.shape for p in params]
        self._layers = len(self.weights)
        self._starts = np.cumsum([0] + [p.size for p in params[:-1]])  # where each array begins in _flat
        self._view_params()
        self._opt = optim.make(config.optimizer, [self._flat], config.lr)  # one update for every parameter
        self._batcher = Batcher(len(self.data.X), config.batch_size, rngs.batch)
        self.step = 0
        self.status, self.diverged_at, self.reason = "running", None, ""
        n_layers = len(self.weights)
        self._losses = np.empty(config.steps)
        self._gnorms = np.empty((config.steps, n_layers))
        self._max_snapshots = int(np.clip(SNAPSHOT_FLOATS // config.n_params, MIN_SNAPSHOTS, MAX_SNAPSHOTS))
        self._every = config.record_every
        self._snapshots: list[Snapshot | _Pending] = []
        self._lazy = False
        self._unmeasured = False  # some kept snapshots are _Pending
        self._ahead = None  # (step, loss, dW, db): a snapshot's pass of the weights the next step starts from
        # A run on the whole training set without dropout, with an optimizer whose step depends on nothing but its
        # state, can stand still (Still): its steps are watched for it every CHECK_PARAMS_EVERY steps.
        self._may_stand = self._batcher.full and config.dropout <= 0 and self._opt.timeless
        self._still: Still | None = None
        with np.errstate(all="ignore"):
            self._record()

    def compute_every_step(self) -> Trainer:
        """Make this run compute every step, even once it stands still (to compare with a run that writes them:
        the tests and benchmarks). Returns the run."""
        self._may_stand = False
        self._still = None
        return self

    def _copied(self) -> tuple[tuple, tuple | None]:
        """Copies of the weights and biases now, which no later step changes."""
        return tuple(W.copy() for W in self.weights), None if self.biases is None else tuple(
            b.copy() for b in self.biases)

    def _view_params(self):
        """Weights and biases as views of the one array of every parameter (`_flat`), the weights first: the
        optimizer updates them all at once, instead of one array at a time."""
        views, at = [], 0
        for shape in self._shapes:
            size = math.prod(shape)
            views.append(self._flat[at:at + size].reshape(shape))
            at += size
        L = self._layers
        self.weights, self.biases = views[:L], (views[L:] if len(views) > L else None)
        self._params = views

    def __getstate__(self) -> dict:
        """Pickled (a cached fresh run, a kept moment) with the history it has, not the room left for the rest:
        the per-step arrays are made for every step of the run, and a copy of the whole would write all of them."""
        state = self.__dict__.copy()
        state["_losses"], state["_gnorms"] = self._losses[: self.step].copy(), self._gnorms[: self.step].copy()
        state["_ahead"] = None  # made again when needed
        for name in ("weights", "biases", "_params"):  # views of _flat, made again from it
            del state[name]
        return state

    def __setstate__(self, state: dict):
        steps = state["config"].steps
        for name in ("_losses", "_gnorms"):
            had = state[name]
            state[name] = np.empty((steps, *had.shape[1:]))
            state[name][: len(had)] = had
        self.__dict__.update(state)
        self._view_params()

    @property
    def snapshots(self) -> list[Snapshot]:
        """The snapshots kept so far, oldest first (thinned as the run grows; see _record)."""
        self._measure_pending()
        return self._snapshots

    def _measure_pending(self):
        """Measure the snapshots a lazy run kept as weights only (see run)."""
        if self._unmeasured:
            measured: dict = {}  # id of the weights -> their snapshot: a still run's snapshots share theirs

            def measure(s: _Pending) -> Snapshot:
                known = measured.get(id(s.weights))
                if known is None:
                    known = measured[id(s.weights)] = self._measure(s.step, s.weights, s.biases)
                return known if known.step == s.step else replace(known, step=s.step)

            with np.errstate(all="ignore"):
                self._snapshots = [measure(s) if isinstance(s, _Pending) else s for s in self._snapshots]
            self._unmeasured = False

    @property
    def done(self) -> bool:
        return self.status != "running"

    def run(self, n: int, lazy: bool = False) -> int:
        """Advance up to n steps (never past config.steps); return how many were taken.

        lazy=True, for a replay whose snapshots nobody reads until it ends, and for a run of which only curves() is
        drawn: a snapshot keeps only its weights when it is taken (and its loss when its step's pass gave it), and
        its metrics are measured when it is first read. Snapshots the thinning drops before then are never
        measured. The weights, the history and every snapshot read are bit for bit those of run(n).
        """
        start = self.step
        n = min(n, self.config.steps - self.step) if not self.done else 0
        self._lazy = lazy
        try:
            with np.errstate(all="ignore"):
                for _ in range(n):
                    if self._still is not None:  # every step left is the one it repeats: written, not computed
                        self._stand(start + n)
                        break
                    if not self._advance():
                        break
                finished = self.status == "running" and self.step >= self.config.steps
                if self._snapshots[-1].step != self.step and (self._due() or finished):
                    self._record()
                if finished:
                    self.status = "done"
        finally:
            self._lazy = False
        return self.step - start

    def progress_since(self, since: int) -> Progress:
        """What this run did since step `since` (at most its step), for another run of the same config to catch up
        with (catch_up)."""
        if not 0 <= since <= self.step:
            raise ValueError(f"This run is at step {self.step}; it cannot tell what it did since step {since}.")
        weights, biases = self._copied()
        return Progress(
            config=self.config, copies=self.copies, since=since, step=self.step, status=self.status,
            diverged_at=self.diverged_at, reason=self.reason, weights=weights, biases=biases,
            moving=(self._opt.saved(), self._batcher.order, self._batcher.pos,
                    self._batcher.rng.bit_generator.state, self._dropout_rng.bit_generator.state),
            losses=self._losses[since:self.step].copy(), gnorms=self._gnorms[since:self.step].copy(),
            snapshots=tuple(self._snapshots), every=self._every, unmeasured=self._unmeasured, still=self._still)

    def catch_up(self, progress: Progress):
        """Become, bit for bit, the run `progress` was taken from: this run must be of the same config and at its
        step `since`. The same numbers as run(progress.step - progress.since), without the arithmetic."""
        if progress.config != self.config or progress.copies != self.copies or progress.since != self.step:
            raise ValueError(f"This run (at step {self.step}) cannot catch up with another config's progress (or "
                             f"one trained wide where this is narrow, or the reverse), or with progress since step "
                             f"{progress.since}.")
        if self.done:  # it ended at `since`, and so did the other one, if they are the same run
            if progress.step == self.step and progress.status == self.status:
                return
            raise ValueError(f"This run ended at step {self.step}; the other one went on.")
        for mine, theirs in zip(self._params, [*progress.weights, *(progress.biases or ())], strict=True):
            np.copyto(mine, theirs)  # in place: the parameter list and anything holding these arrays stay valid
        opt, self._batcher.order, self._batcher.pos, batches, dropout = progress.moving
        self._opt.load(opt)
        self._batcher.rng.bit_generator.state = batches  # the generators' states, not new generators: 1 µs, not 30
        self._dropout_rng.bit_generator.state = dropout
        self._losses[progress.since:progress.step] = progress.losses
        self._gnorms[progress.since:progress.step] = progress.gnorms
        self._snapshots = list(progress.snapshots)
        self._every, self._unmeasured = progress.every, progress.unmeasured
        if progress.still is not None and self._may_stand:  # the same run: still from the same step, its
            # snapshot perhaps measured (unless this run computes every step)
            self._still = progress.still
        self.step, self.status = progress.step, progress.status
        self._ahead = None
        self.diverged_at, self.reason = progress.diverged_at, progress.reason

    def _due(self) -> bool:
        return self.step % self._every == 0

    def _advance(self) -> bool:
        c, d = self.config, self.data
        idx = self._batcher.next()
        X, y = (d.X, d.y) if idx is None else (d.X[idx], d.y[idx])
        masks = dropout_masks(self._dropout_rng, len(X), c.hidden, c.dropout)
        # A snapshot due now is of the weights this step starts from: on the full batch without
        # dropout, the step's own forward and backward pass is the one the snapshot needs.
        due = self._due() and self._snapshots[-1].step != self.step
        whole = idx is None and masks is None  # this step's pass is over the whole training set, as a snapshot's
        trace = {} if due and whole and not self._lazy and self.copies is None else None
        ahead, self._ahead = self._ahead, None
        if whole and trace is None and ahead is not None and ahead[0] == self.step:  # the last snapshot made it
            _, loss, dW, db = ahead
        else:
            loss, dW, db = model.loss_and_grads(self.weights, self.biases, X, y, c.activation, c.loss, masks, trace,
                                                self.copies)
        g = np.concatenate(dW if db is None else dW + db, axis=None)  # in the order of _flat
        g2 = np.add.reduceat(g * g, self._starts)  # each array's sum of squares
        if self.copies is not None:  # the norms of the wide network's gradients: each entry once per copy
            g2 *= self._entries
        L = len(dW)
        gnorm = np.sqrt(g2 if db is None else g2[:L] + g2[L:])
        # the usual step at a glance (NaN fails both); otherwise divergence() tells whether and why
        if not (abs(loss) <= LOSS_BOUND and c.lr * gnorm.max() <= PARAM_BOUND):
            why = divergence(loss, gnorm.tolist(), c.lr, one=True)
            if why:
                return self._diverge(why)
        if due:
            if trace is not None:
                trace["loss"] = loss
            self._record(trace, loss if whole else None, within=True)
        self._losses[self.step] = loss
        self._gnorms[self.step] = gnorm
        watch = self._may_stand and (self.step + 1) % CHECK_PARAMS_EVERY == 0  # a step whose weights are checked
        if watch:
            before = self._flat.copy(), self._opt.saved()[0]
        self._opt.step([self._flat], [g])
        self.step += 1
        if self.step % CHECK_PARAMS_EVERY == 0 or self.step == c.steps:
            why = divergence(params=[self._flat], one=True)
            if why:
                return self._diverge(why)
        if watch and _same_bits((self._flat, *self._opt.saved()[0]), (before[0], *before[1])):
            weights, biases = self._copied()
            gap = (0.0,) * len(c.hidden) if self.copies is not None else tuple(metrics.unit_gaps(weights, biases))
            self._still = Still(self.step, loss, gnorm, weights, biases, gap)
        return True

    def _stand(self, end: int):
        """The steps up to `end` of a run that stands still (Still): each step's loss and gradient norms are the
        still step's, and each snapshot due is of the still weights; as _advance would compute them, bit for bit."""
        still = self._still
        while self.step < end:
            if self._due() and self._snapshots[-1].step != self.step:
                self._record()  # may thin the snapshots, doubling the interval
            upto = min(end, (self.step // self._every + 1) * self._every)  # the next step a snapshot may be due
            self._losses[self.step:upto] = still.loss
            self._gnorms[self.step:upto] = still.gnorm
            self.step = upto

    def _diverge(self, reason: str) -> bool:
        self.status, self.diverged_at, self.reason = "diverged", self.step, reason
        if np.all(np.isfinite(self._flat)) and self._snapshots[-1].step != self.step:
            self._record()
        return False

    def symmetry(self) -> dict:
        """metrics.symmetry of the weights now (not of the last snapshot): distinct units over the training inputs.
        When the last snapshot was measured at this step it holds the same numbers, and they are read from it."""
        last = self._snapshots[-1]
        if isinstance(last, Snapshot) and last.step == self.step:  # no update since: its weights are these
            return {"distinct": list(last.distinct), "gap": list(last.gap)}
        weights, biases = self.network()
        acts = model.forward(weights, biases, self.data.X, self.config.activation)[1]
        return metrics.symmetry(weights, biases, acts[1:])

    def network(self) -> tuple[list, list | None]:
        """(weights, biases) now, written out wide if this run is trained narrow (copies=True)."""
        return self._wide(self.weights, self.biases)

    def curves(self) -> tuple[np.ndarray, list, list]:
        """(steps, training losses, unit gaps per hidden layer) of the kept snapshots: what the equal-start twin
        draws. A snapshot a lazy run kept is not measured for them: its loss comes from its step's own pass (or one
        pass made here), its gaps from its weights, the numbers its full measure gives; both are kept with it."""
        c, d = self.config, self.data
        losses, gaps = [], []
        with np.errstate(all="ignore"):
            for s in self._snapshots:
                if isinstance(s, _Pending):
                    if s.loss is None:
                        s.loss = float(model.evaluate(s.weights, s.biases, d.X, d.y, c.activation, c.loss,
                                                      self.copies)[0])
                    if s.gap is None:  # a narrow run's units are copies by construction: every gap is 0
                        s.gap = (0.0,) * len(c.hidden) if self.copies is not None else tuple(
                            metrics.unit_gaps(s.weights, s.biases))
                    losses.append(s.loss)
                else:
                    losses.append(s.train_loss)
                gaps.append(s.gap)
        return np.array([s.step for s in self._snapshots]), losses, gaps

    def _record(self, trace=None, loss=None, within=False):
        """Take a snapshot of the weights now (`trace`: this step's own pass over the training set, if it made one;
        `loss`: that pass's loss, kept by a lazy run), measured now, or when first read in a lazy run; then thin the
        snapshots if there are too many. `within`: taken within run()'s steps, not at their end; its distinct units
        are then counted when first read (Snapshot.distinct). One taken at their end is the newest, which a page
        reads: it is counted at once."""
        kept, still = self._snapshots, self._still
        if still is not None:  # the still weights, shared (a snapshot is never changed), and measured once
            if self._lazy:
                kept.append(_Pending(self.step, still.weights, still.biases, still.loss, still.gap))
                self._unmeasured = True
            else:
                if still.snapshot is None:
                    self._still = still = replace(still, snapshot=self._measure(self.step, still.weights,
                                                                                still.biases, trace))
                kept.append(replace(still.snapshot, step=self.step))
        else:
            weights, biases = self._copied()
            if self._lazy:
                kept.append(_Pending(self.step, weights, biases, loss))
                self._unmeasured = True
            else:
                c, d = self.config, self.data
                if trace is None and self.copies is None and self.status == "running" and self._batcher.full and (
                        c.dropout <= 0):  # the pass the snapshot needs is the next step's: made once, for both
                    trace = {}
                    value, dW, db = model.loss_and_grads(self.weights, self.biases, d.X, d.y, c.activation, c.loss,
                                                         trace=trace)
                    trace["loss"] = value
                    self._ahead = (self.step, value, dW, db)  # not the trace: a megabyte at 32x6, and never needed
                kept.append(self._measure(self.step, weights, biases, trace, counted=not within))
        if len(kept) > self._max_snapshots:  # keep memory bounded: every other one, twice the interval
            last = kept[-1]
            kept = kept[::2]
            if kept[-1] is not last and last.step % (2 * self._every) == 0:
                kept.append(last)
            self._snapshots = kept
            self._every *= 2

    def _measure(self, step, weights, biases, trace=None, counted=True) -> Snapshot:
        """The snapshot of these weights: its metrics over the training and test sets. A given `trace` is the pass
        over the training set already made with exactly these weights; an empty one is made here, the same pass.
        counted=False leaves its distinct units to be counted when first read (Snapshot.distinct)."""
        c, d = self.config, self.data
        weights, biases = self._wide(weights, biases)
        trace = {} if trace is None else trace  # layer_stats fills an empty one with its own pass
        stats = metrics.layer_stats(weights, biases, d.X, d.y, c.activation, c.loss, trace)
        test_loss, test_acc = model.evaluate(weights, biases, d.X_test, d.y_test, c.activation, c.loss)
        distinct = tuple(metrics.distinct_units(A) for A in trace["acts"][1:]) if counted else None
        return Snapshot(
            step=step, weights=weights, biases=biases,
            train_loss=stats["loss"], test_loss=float(test_loss),
            train_acc=stats["accuracy"], test_acc=float(test_acc),
            gap=tuple(metrics.unit_gaps(weights, biases)),
            act_std=tuple(stats["act_std"]), saturated=tuple(stats["saturated"]),
            dead=tuple(stats["dead"]), grad_std=tuple(stats["grad_std"]),
            _distinct=distinct, _inputs=None if counted else (d.X, c.activation),
        )

    def _wide(self, weights, biases):
        return (weights, biases) if self.copies is None else wide(weights, biases, self.copies)

    def result(self) -> TrainResult:
        return TrainResult(
            config=self.config, status=self.status, diverged_at=self.diverged_at, reason=self.reason,
            batch_losses=self._losses[: self.step].copy(), grad_norms=self._gnorms[: self.step].copy(),
            snapshots=tuple(self.snapshots), data=self.data,
            still_since=None if self._still is None else self._still.step - 1,
        )


def train(config: TrainConfig) -> TrainResult:
    """Train config.steps steps (or until divergence) and return the history, every snapshot's distinct units
    counted: pages cache the result pickled, and a count left for later would be made again at every read."""
    trainer = Trainer(config)
    trainer.run(config.steps)
    result = trainer.result()
    for s in result.snapshots:
        _ = s.distinct  # counted now, and kept
    return result


@dataclass(frozen=True, eq=False)
class RestartsResult:
    """Final numbers of many seeds of one config, all on the same data. Arrays are indexed like `seeds`."""

    config: TrainConfig
    seeds: tuple
    train_loss: np.ndarray  # (S,), NaN where diverged
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    diverged_at: np.ndarray  # (S,), -1 where the run finished
    reason: np.ndarray  # (S,) why each seed diverged (the words of Trainer.reason), '' where it finished
    start_loss: np.ndarray  # (S,) training loss (whole training set, no dropout) at step 0; NaN where diverged
    tail_start: int  # the step where the last TAIL_FRACTION of the run begins
    tail_loss: np.ndarray  # (S,) the same at tail_start
    curve_steps: np.ndarray  # (T,) steps at which `curves` were taken
    curves: np.ndarray  # (T, S) training loss; NaN after a seed diverged
    weights: tuple  # per layer (S, fan_in, fan_out)
    biases: tuple | None  # per layer (S, 1, fan_out)
    data: Dataset

    def network(self, i: int):
        """(weights, biases) of seed number i."""
        return [W[i] for W in self.weights], None if self.biases is None else [b[i, 0] for b in self.biases]

    @property
    def finished(self) -> np.ndarray:
        return self.diverged_at < 0

    def _ranked(self):
        ok = np.flatnonzero(self.finished)
        return ok[np.argsort(self.train_loss[ok], kind="stable")]

    @property
    def best(self) -> int | None:
        r = self._ranked()
        return int(r[0]) if len(r) else None

    @property
    def worst(self) -> int | None:
        r = self._ranked()
        return int(r[-1]) if len(r) else None


def restart_config(config: TrainConfig, seed: int) -> TrainConfig:
    """The single run that restarts(config, seeds) performs for one seed: same data, its own init."""
    return replace(config, seed=int(seed), data_seed=config.dataset_seed)


def restarts(config: TrainConfig, seeds, on_progress=None, max_curve_points=200) -> RestartsResult:
    """Train one network per seed, many at once: every array gets a leading seed axis.

    Seed s draws its init, noise, batches and dropout exactly as train(restart_config(config, s)) does.
    Besides the final numbers, each seed's training loss is taken at the start and at tail_start, TAIL_FRACTION
    before the end, so a reader can tell runs that have settled from runs still moving.
    Seeds go in groups small enough that each temporary array stays under GROUP_BYTES: larger ones
    are fresh memory from the OS on every step, and their page faults cost more than the arithmetic.
    """
    seeds = tuple(int(s) for s in seeds)
    c = config
    data = dataset_of(config)
    rows = len(data.X) if c.batch_size == 0 else min(c.batch_size, len(data.X))
    group = max(1, GROUP_BYTES // (8 * rows * max(c.sizes)))
    stride = max(1, -(-c.steps // max_curve_points))
    tail_start = c.steps - max(1, round(TAIL_FRACTION * c.steps))
    parts = []
    for start in range(0, len(seeds), group):
        chunk = seeds[start:start + group]
        report = None if on_progress is None else (
            lambda f, done=start, n=len(chunk): on_progress((done + f * n) / len(seeds)))
        parts.append(_train_group(c, data, chunk, stride, tail_start, report))
    joined = _Group.join(parts)
    return RestartsResult(
        config=c, seeds=seeds, train_loss=joined.train_loss, test_loss=joined.test_loss, train_acc=joined.train_acc,
        test_acc=joined.test_acc, diverged_at=joined.diverged_at, reason=joined.reason,
        start_loss=joined.start_loss, tail_start=tail_start, tail_loss=joined.tail_loss,
        curve_steps=np.arange(0, c.steps, stride), curves=joined.curves,
        weights=joined.weights, biases=joined.biases, data=data,
    )


class _Group(NamedTuple):
    """What _train_group returns for its seeds: arrays with a seed axis (the last for curves, else the first)."""

    train_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    diverged_at: np.ndarray
    reason: np.ndarray
    start_loss: np.ndarray
    tail_loss: np.ndarray
    curves: np.ndarray  # (T, S)
    weights: tuple  # per layer (S, fan_in, fan_out)
    biases: tuple | None  # per layer (S, 1, fan_out)

    @staticmethod
    def join(parts) -> "_Group":
        """The groups as one, in order."""
        def cat(arrays, axis=0):
            return np.concatenate(arrays, axis=axis)
        first = parts[0]
        per_seed = [f for f in _Group._fields if f not in ("curves", "weights", "biases")]
        return _Group(
            **{f: cat([getattr(p, f) for p in parts]) for f in per_seed},
            curves=cat([p.curves for p in parts], axis=-1),
            weights=tuple(cat(layer) for layer in zip(*(p.weights for p in parts))),
            biases=None if first.biases is None else tuple(cat(layer) for layer in zip(*(p.biases for p in parts))),
        )


def _train_group(c: TrainConfig, data: Dataset, seeds: tuple, stride: int, tail_start: int, on_progress) -> _Group:
    """restarts() for one group of seeds: final numbers, loss curves and weights, all with a seed axis."""
    S = len(seeds)
    nets, batchers, drop_rngs = [], [], []
    for s in seeds:
        rngs = streams(s)
        nets.append(initial_network(c, rngs.init, rngs.noise))
        batchers.append(Batcher(len(data.X), c.batch_size, rngs.batch))
        drop_rngs.append(rngs.dropout)
    L = len(c.sizes) - 1
    weights = [np.stack([n[0][l] for n in nets]) for l in range(L)]
    biases = None if not c.bias else [np.stack([n[1][l] for n in nets])[:, None, :] for l in range(L)]
    params = weights + (biases or [])
    opt = optim.make(c.optimizer, params, c.lr)
    alive = np.ones(S, dtype=bool)
    diverged_at = np.full(S, -1)
    reason = np.full(S, "", dtype=object)
    curves = np.full((len(range(0, c.steps, stride)), S), np.nan)
    with np.errstate(all="ignore"):
        # two extra forward passes, on the whole training set as the final loss is: at the start and at tail_start
        start_loss = model.evaluate(weights, biases, data.X, data.y, c.activation, c.loss)[0]
        for t in range(c.steps):
            if t == tail_start:
                tail_loss = model.evaluate(weights, biases, data.X, data.y, c.activation, c.loss)[0]
            idx = [b.next() for b in batchers]
            X, y = (data.X, data.y) if idx[0] is None else (data.X[np.stack(idx)], data.y[np.stack(idx)])
            rows = X.shape[-2]
            masks = None
            if c.dropout > 0:
                per_seed = [dropout_masks(r, rows, c.hidden, c.dropout) for r in drop_rngs]
                masks = [np.stack([m[l] for m in per_seed]) for l in range(L - 1)]
            loss, dW, db = model.loss_and_grads(weights, biases, X, y, c.activation, c.loss, masks)
            grads = dW if db is None else dW + db
            g2 = np.stack([np.einsum("si,si->s", g.reshape(S, -1), g.reshape(S, -1)) for g in grads])
            gnorm = np.sqrt(g2[:L] + (g2[L:] if db is not None else 0.0)).T  # (S, L)
            why = divergence(loss, gnorm, c.lr, params if t % CHECK_PARAMS_EVERY == 0 and t > 0 else None)
            bad = why != ""
            newly = bad & alive
            if newly.any():
                diverged_at[newly], reason[newly] = t, why[newly]
                alive &= ~bad
                opt.forget(newly)
            if t % stride == 0:
                curves[t // stride] = np.where(alive, loss, np.nan)
            if not alive.all():  # frozen seeds take no step
                keep = alive[:, None, None]
                grads = [np.where(keep, g, 0.0) for g in grads]
            opt.step(params, grads)
            if on_progress is not None and (t + 1) % max(1, c.steps // 20) == 0:
                on_progress((t + 1) / c.steps)
        why = divergence(params=params)
        last_check = (why != "") & alive
        diverged_at[last_check], reason[last_check] = c.steps, why[last_check]
        alive &= ~last_check
        train_loss, train_acc = model.evaluate(weights, biases, data.X, data.y, c.activation, c.loss)
        test_loss, test_acc = model.evaluate(weights, biases, data.X_test, data.y_test, c.activation, c.loss)
    nan = lambda a: np.where(alive, a, np.nan)  # noqa: E731
    return _Group(
        train_loss=nan(train_loss), test_loss=nan(test_loss), train_acc=nan(train_acc), test_acc=nan(test_acc),
        diverged_at=diverged_at, reason=reason, start_loss=nan(start_loss), tail_loss=nan(tail_loss), curves=curves,
        weights=tuple(weights), biases=None if biases is None else tuple(biases),
    )
