"""Side by side's settings (pages/1_Side_by_side.py): its controls, its presets and the TrainConfig of each run."""
from dataclasses import replace

from narration import words
from settings.params import Param, Preset
from settings.training import train_config
from symbreak_core import ACTIVATIONS, DATASETS, INIT_SCHEMES, OPTIMIZERS, TrainConfig

RUNS = ("init_a", "init_b", "init_c", "init_d")
OFF = "off"
SPREAD_WORD = {"normal": "std", "uniform": "±"}  # what the spread slider sets; named schemes keep gain 1
SPREAD_SCHEMES = tuple(SPREAD_WORD)
SPECS = (
    Param("init_a", "constant", "choice", choices=INIT_SCHEMES, label="Run A: init scheme", main=True),
    Param("init_b", "he_normal", "choice", choices=INIT_SCHEMES, label="Run B: init scheme", main=True),
    Param("init_c", OFF, "choice", choices=(OFF, *INIT_SCHEMES), label="Run C: init scheme"),
    Param("init_d", OFF, "choice", choices=(OFF, *INIT_SCHEMES), label="Run D: init scheme"),
    Param("init_value", 0.5, "float", -2.0, 2.0, step=0.1, label="Constant value (for 'constant')"),
    Param("spread", 1.0, "log", 0.01, 10.0, label="Spread of 'normal' and 'uniform'",
          help="The std of 'normal' and the half-width of 'uniform'. The named schemes (Xavier, He, ...) "
               "always use the scale from their paper, so a comparison shows each at its best."),
    Param("dataset", "xor", "choice", choices=DATASETS, label="Data set"),
    Param("noise", 0.1, "float", 0.0, 0.5, step=0.05, label="Data noise"),
    Param("width", 8, "int", 1, 32, label="Units per hidden layer"),
    Param("depth", 2, "int", 1, 4, label="Hidden layers"),
    Param("activation", "tanh", "choice", choices=ACTIVATIONS, label="Activation"),
    Param("optimizer", "sgd", "choice", choices=OPTIMIZERS, label="Optimizer"),
    Param("lr", 0.1, "log", 0.001, 5.0, label="Learning rate"),
    Param("steps", 1000, "int", 100, 5000, step=100, label="Training steps"),
    Param("seed", 0, "int", 0, 9999, label="Seed (data and random draws)"),
)
PRESETS = (
    Preset("half-vs-he", "All 0.5 against He", {},
           "The classic question: every weight 0.5 against a random He start. Watch the distinct units."),
    Preset("four-starts", "Zeros, 0.5, Xavier, He",
           {"init_a": "zeros", "init_b": "constant", "init_c": "xavier_normal", "init_d": "he_normal"},
           "Two symmetric starts against two random ones, everything else equal."),
    Preset("sigmoid-zeros", "Zeros with sigmoid units",
           {"init_a": "zeros", "init_b": "xavier_normal", "activation": "sigmoid", "lr": 2.0, "dataset": "moons",
            "depth": 1},
           "Sigmoid(0) = 0.5, so zero weights still pass a signal and every weight moves, but all units move "
           "together: their columns stay equal and the zero start stays one unit wide, against Xavier's eight."),
    Preset("too-large", "Too large against Xavier",
           {"init_a": "normal", "init_b": "xavier_normal", "spread": 10.0, "dataset": "circles", "depth": 4,
            "lr": 0.5},
           "Normal with std 10 pushes most tanh outputs onto their flat ends, where the gradient nearly "
           "vanishes; four layers deep its loss stalls far above Xavier's, which keeps the units in their "
           "useful range. (With two layers the gap is small.)"),
)


# A link's moment: the shared timeline's step (a link without it opens at the end of the runs).
MOMENT = Param("step", 5000, "int", 0, 5000, label="Step")


def config(values: dict) -> TrainConfig:
    """What every run shares: the network, the data, the optimizer, the steps and the seed (about 100 snapshots)."""
    return train_config(values, record_every=max(1, values["steps"] // 100))


def chosen(values: dict) -> list:
    """The init scheme of each run that is not off, in order (a scheme may be chosen twice)."""
    return [values[k] for k in RUNS if values[k] != OFF]


def label(scheme: str, values: dict) -> str:
    """A run's name: its scheme, with the value or the spread that sets it ("constant 0.5", "normal (std 10)"), or a
    scheme named after its authors as a sentence names it ("He (normal)", "Xavier (normal)": narration.words.start)."""
    if scheme == "constant":
        return f"constant {values['init_value']:g}"
    if scheme in SPREAD_SCHEMES:
        return f"{scheme} ({SPREAD_WORD[scheme]} {values['spread']:g})"
    return words.start(scheme)


def runs(values: dict) -> dict:
    """{run name: TrainConfig}, each chosen scheme once (equal settings give equal runs), in order."""
    base = config(values)
    return {label(s, values): replace(base, init=s, spread=values["spread"] if s in SPREAD_SCHEMES else 1.0)
            for s in dict.fromkeys(chosen(values))}
