"""Restarts' settings (pages/4_Restarts.py): its controls, its presets, and the TrainConfig and seeds of its runs."""
from settings.params import Param, Preset
from settings.training import RANDOM_INITS, train_config
from symbreak_core import ACTIVATIONS, DATASETS, INIT_SCHEMES, OPTIMIZERS, TrainConfig

SPECS = (
    Param("n_seeds", 50, "int", 2, 200, label="Number of restarts (seeds)", main=True),
    Param("seed", 0, "int", 0, 9999, label="First seed (the data come from it)"),
    Param("dataset", "xor", "choice", choices=DATASETS, label="Data set"),
    Param("noise", 0.1, "float", 0.0, 0.5, step=0.05, label="Data noise"),
    Param("width", 3, "int", 1, 16, label="Units per hidden layer", main=True),
    Param("depth", 1, "int", 1, 3, label="Hidden layers"),
    Param("activation", "tanh", "choice", choices=ACTIVATIONS, label="Activation"),
    Param("init", "xavier_normal", "choice", choices=INIT_SCHEMES, label="Init scheme", main=True),
    Param("init_value", 0.5, "float", -2.0, 2.0, step=0.1, label="Constant value (for 'constant')",
          needs=("init", ("constant",)), why="Used only when the init scheme is constant."),
    Param("spread", 1.0, "log", 0.01, 10.0, label="Spread (std, or gain of a named scheme)",
          needs=("init", RANDOM_INITS),
          why="Zeros and constant starts have no spread: every weight gets the same value."),
    Param("perturbation", 0.0, "float", 0.0, 0.1, step=0.001, label="Extra noise on every weight (std)"),
    Param("optimizer", "sgd", "choice", choices=OPTIMIZERS, label="Optimizer"),
    Param("lr", 0.5, "log", 0.001, 5.0, label="Learning rate"),
    Param("steps", 1000, "int", 100, 3000, step=100, label="Training steps per seed"),
)
PRESETS = (
    Preset("small-net", "A small net on XOR", {},
           "Three hidden units leave XOR little room (two is the fewest that can separate it), so some starts end "
           "in a worse valley than others."),
    Preset("constant", "All weights 0.5", {"init": "constant"},
           "Every restart begins at the same point. Do the seeds still matter?"),
    Preset("constant-noise", "All 0.5 plus tiny noise", {"init": "constant", "perturbation": 0.01},
           "A little noise on the constant start makes every restart different again."),
    Preset("wide", "A wider net", {"width": 16},
           "More units than the problem needs: the restarts end much closer together."),
)


def config(values: dict) -> TrainConfig:
    """The network every restart trains; its seed is the first restart's, and the data come from it."""
    return train_config(values)


def seeds(values: dict) -> tuple:
    """The restarts' seeds: n_seeds of them, from the first seed up."""
    return tuple(range(values["seed"], values["seed"] + values["n_seeds"]))
