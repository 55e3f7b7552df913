"""Depth and scale's settings (pages/3_Depth_and_scale.py): its controls, its presets (the classic settings) and
the DepthConfig of its probe."""
from settings.params import Param, Preset
from settings.training import RANDOM_INITS
from symbreak_core import ACTIVATIONS, INIT_SCHEMES, DepthConfig

N_SAMPLES = 1000
SPECS = (
    Param("depth", 10, "int", 1, 20, label="Layers"),
    Param("width", 500, "int", 10, 512, label="Units per layer"),
    Param("activation", "tanh", "choice", choices=ACTIVATIONS, label="Activation", main=True),
    Param("init", "normal", "choice", choices=INIT_SCHEMES, label="Init scheme", main=True),
    Param("spread", 0.01, "log", 0.001, 10.0, label="Spread (std for normal; gain for named schemes)", main=True,
          needs=("init", RANDOM_INITS),
          why="Zeros and constant starts have no spread: every weight gets the same value."),
    Param("seed", 0, "int", 0, 9999, label="Seed"),
    Param("compare", False, "bool", label="Overlay the classic settings"),
)
CLASSIC = {  # preset id -> (label, values)
    "tanh-small": ("10 tanh layers, std 0.01", dict(depth=10, width=500, activation="tanh", init="normal",
                                                    spread=0.01)),
    "tanh-large": ("10 tanh layers, std 1.0", dict(depth=10, width=500, activation="tanh", init="normal",
                                                   spread=1.0)),
    "tanh-xavier": ("10 tanh layers, Xavier", dict(depth=10, width=500, activation="tanh", init="xavier_normal",
                                                   spread=1.0)),
    "relu-xavier": ("20 ReLU layers, Xavier", dict(depth=20, width=500, activation="relu", init="xavier_normal",
                                                   spread=1.0)),
    "relu-he": ("20 ReLU layers, He", dict(depth=20, width=500, activation="relu", init="he_normal", spread=1.0)),
    "sigmoid-large": ("10 sigmoid layers, Xavier × 5", dict(depth=10, width=500, activation="sigmoid",
                                                           init="xavier_normal", spread=5.0)),
}
ABOUT = {  # each claim measured at seed 0 (tests/test_narration_depth.py checks them)
    "tanh-small": "Tiny random weights (std 0.01): each layer shrinks the signal to about 0.22 of its size, so after "
                  "ten layers it is millions of times smaller, and the gradient hundreds of thousands of times.",
    "tanh-large": "Weights of std 1 on 500 inputs: in every layer over 90% of the outputs sit near ±1, where tanh "
                  "is flat.",
    "tanh-xavier": "Glorot & Bengio's scale, Var[W] = 2 / (fan_in + fan_out): over ten layers the signal and the "
                   "gradient both stay within a factor of 5 of their start.",
    "relu-xavier": "Xavier assumes units that pass their input through near 0. ReLU zeroes the negative half, so "
                   "each layer keeps about 0.71 of the size, and after 20 layers the signal and the gradient are "
                   "800 to 1,200 times smaller.",
    "relu-he": "He et al.'s scale, Var[W] = 2 / fan_in, makes up for the half that ReLU switches off: the signal "
               "and the gradient keep their size within a factor of 2 through 20 layers.",
    "sigmoid-large": "Xavier × 5 pushes up to half of a layer's outputs into the flat ends of the sigmoid. A sigmoid "
                     "unit passes back at most a quarter of the gradient, under 3% when saturated: layer 1 gets a "
                     "gradient about 200 times smaller than the error at the top.",
}
PRESETS = tuple(Preset(k, label, values, ABOUT[k]) for k, (label, values) in CLASSIC.items())


def config(values: dict) -> DepthConfig:
    """The probe the controls describe, on N_SAMPLES inputs."""
    return DepthConfig(width=values["width"], depth=values["depth"], activation=values["activation"],
                       init=values["init"], spread=values["spread"], n_samples=N_SAMPLES, seed=values["seed"])


def classics(values: dict) -> dict:
    """{label: DepthConfig} of the classic settings overlaid for comparison, each at the controls' seed."""
    return {label: config(values | classic) for label, classic in CLASSIC.values()}
