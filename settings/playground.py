"""The Playground's settings (app.py): its controls, its presets and the TrainConfig of its live run."""
from dataclasses import replace

from settings.params import Param, Preset
from settings.training import RANDOM_INITS, train_config
from symbreak_core import ACTIVATIONS, DATASETS, INIT_SCHEMES, OPTIMIZERS, TrainConfig
from symbreak_core.init import SYMMETRIC as SYMMETRIC_INITS

LIVE_STEPS = 20_000  # a live run stops here
RECORD_EVERY = 5  # snapshot interval; the engine thins old snapshots to bound memory
N_SAMPLES = 200
# A link's moment: the run replayed to this step and paused there (the run is deterministic, so it is the very state
# the link was made at). Read from the link like a control, but drawn as none: the step counter shows it.
MOMENT = Param("step", 0, "int", 0, LIVE_STEPS, label="Step")

SPECS = (
    Param("dataset", "xor", "choice", choices=DATASETS, label="Dataset"),
    Param("noise", 0.1, "float", 0.0, 0.5, step=0.05, label="Noise in the data"),
    Param("width", 8, "int", 1, 32, label="Units per hidden layer", main=True),
    Param("depth", 2, "int", 1, 6, label="Hidden layers"),
    Param("activation", "tanh", "choice", choices=ACTIVATIONS, label="Activation"),
    Param("init", "constant", "choice", choices=INIT_SCHEMES, label="Initial weights", main=True,
          help="constant: every weight = the constant value. zeros: every weight 0. Others draw random weights."),
    Param("init_value", 0.5, "float", -2.0, 2.0, step=0.05, label="Constant value",
          help="Every initial weight gets this value.", needs=("init", ("constant",)),
          why="Used only when the initial weights are constant."),
    Param("spread", 1.0, "float", 0.0, 10.0, step=0.05, label="Spread",
          help="Standard deviation for normal, half-width for uniform, a multiplier for the named schemes.",
          needs=("init", RANDOM_INITS), why="Used only when the initial weights are random."),
    Param("perturbation", 0.0, "float", 0.0, 0.5, step=0.001, label="Extra noise on the weights",
          help="Adds a little Gaussian noise of this size to every initial weight, whatever the scheme."),
    Param("bias", True, "bool", label="Biases"),
    Param("dropout", 0.0, "float", 0.0, 0.8, step=0.05, label="Dropout"),
    Param("optimizer", "sgd", "choice", choices=OPTIMIZERS, label="Optimizer"),
    Param("lr", 0.5, "log", 1e-4, 10.0, label="Learning rate"),
    Param("batch_size", 0, "int", 0, 140, label="Batch size (0 = all training points)"),
    Param("speed", 10.0, "log", 1, 200, label="Speed (steps per refresh)",
          help="Steps taken per refresh while playing, and by the Step ×N button."),
    Param("seed", 0, "int", 0, 2**32 - 1, label="Seed"),
)

SYMMETRIC = dict(init="constant", init_value=0.5, activation="tanh", perturbation=0.0, dropout=0.0)
PRESETS = (
    Preset("constant_05", "All weights 0.5: the classic question", SYMMETRIC,
           "Every weight starts at 0.5, so the eight units of each layer start as copies. Press Play and "
           "watch the meter stay at 1 / 8 and the loss stall."),
    Preset("zeros", "All zeros", dict(SYMMETRIC, init="zeros"),
           "With tanh, zero weights make every hidden unit output tanh(0) = 0, so no weight gets a gradient: "
           "every weight stays exactly 0 and only the output bias moves, until it settles."),
    Preset("zeros_sigmoid", "Zeros with sigmoid units",
           dict(SYMMETRIC, init="zeros", activation="sigmoid", dataset="moons", depth=1, lr=2.0),
           "Sigmoid turns 0 into 0.5, so a signal passes and every weight moves: watch the heatmap's columns "
           "change colour. But all eight units get the same update, so the columns stay equal, the layer "
           "acts as one unit and the boundary stays a straight line that cannot follow the moons."),
    Preset("small_random", "Small random", dict(SYMMETRIC, init="normal", spread=0.1),
           "Tiny random weights make every unit different, but the signal is weak at first. Expect a long "
           "flat stretch in the loss before it drops."),
    Preset("too_large", "Too large (saturation)",
           dict(SYMMETRIC, init="normal", spread=10.0, dataset="circles", depth=4),
           "Weights of spread 10 push most tanh outputs onto the flat ends, where the slope is almost 0, so "
           "the gradients nearly vanish. With four layers the loss stalls far above a Xavier start: to compare, "
           "set Initial weights to Xavier/Glorot (normal) and Spread to 1. With two layers the effect is mild."),
    Preset("xavier", "Xavier", dict(SYMMETRIC, init="xavier_normal", spread=1.0),
           "Glorot and Bengio scale the random weights to the layer sizes. The units differ from step 0 "
           "and the loss falls steadily."),
    Preset("he", "He", dict(SYMMETRIC, init="he_normal", spread=1.0, activation="relu"),
           "He et al. scale random weights for ReLU units, which zero out half their inputs. The units "
           "differ from the start and the boundary bends within a few steps; a unit that outputs 0 on every "
           "point (a dead ReLU) is named in the notes."),
    Preset("constant_noise", "Constant + tiny noise",
           dict(SYMMETRIC, perturbation=0.001, dataset="moons", optimizer="adam", lr=0.01),
           "Every weight is 0.5 plus noise of size 0.001. The copies are an unstable balance: the gap chart "
           "climbs by orders of magnitude, the first layer's units split apart within about a thousand steps "
           "and the loss falls far below the same run from an equal start, drawn dotted beside it."),
    Preset("constant_dropout", "Constant + dropout", dict(SYMMETRIC, dropout=0.2),
           "Dropout silences different units on each step, so the copies get slightly different updates: the "
           "gap chart leaves exactly 0 at the first step. But they stay close: the first layer flickers "
           "between one and a few units that behave differently, the second stays one unit, and the loss "
           "stays near the all-0.5 run's. On its own, dropout is a weak way to break the symmetry."),
)


def config(values: dict) -> TrainConfig:
    """The live run's TrainConfig; the speed is how fast it is played, not part of it."""
    return train_config(values, n_samples=N_SAMPLES, steps=LIVE_STEPS, record_every=RECORD_EVERY)


def twin(config: TrainConfig) -> TrainConfig | None:
    """The same run with every symmetry breaker removed (every weight at the constant value, no extra noise, no
    dropout), drawn as the "equal start" ghost; None when the run has no breaker on, so it is its own twin.

    A symmetric start uses no spread (nor, all zeros, a value): the twin's are the defaults, so that presets that
    differ only there have the same twin, and the same config as a run that starts equal on its own. Sessions that
    play them share its steps (ui/frames.py)."""
    if config.init in SYMMETRIC_INITS and config.perturbation == 0 and config.dropout == 0:
        return None
    init = config.init if config.init in SYMMETRIC_INITS else "constant"
    unused = {"spread": TWIN.spread} | ({"init_value": TWIN.init_value} if init == "zeros" else {})
    return replace(config, init=init, perturbation=0.0, dropout=0.0, **unused)


TWIN = TrainConfig()  # the defaults a twin takes for what its symmetric start does not use
