"""The worked example's settings (pages/2_Worked_example.py): its controls, its presets and the run they ask for."""
from settings.params import Param, Preset
from symbreak_core.worked_example import NAMES

NUDGED = "w5"  # the weight the nudge control moves at the start

SPECS = (
    Param("init_value", 0.5, "float", -2.0, 2.0, step=0.1, label="a: the value every weight starts at",
          main=True),
    Param("x1", 1.0, "float", -3.0, 3.0, step=0.1, label="Input x1"),
    Param("x2", 2.0, "float", -3.0, 3.0, step=0.1, label="Input x2"),
    Param("lr", 0.01, "log", 0.001, 0.1, label="Learning rate η"),
    Param("activation", "identity", "choice", choices=("identity", "relu"), label="Hidden units", main=True),
    Param("steps", 50, "int", 5, 200, step=5, label="Iterations"),
    Param("nudge", 0.0, "float", -0.5, 0.5, step=0.01, label=f"Nudge {NUDGED} at the start by", main=True),
)
PRESETS = (
    Preset("all-half", "All weights 0.5", {}, "The text's example: ten equal weights and inputs 1 and 2."),
    Preset("all-zero", "All weights 0", {"init_value": 0.0}, "Start every weight at zero."),
    Preset("relu-negative", "ReLU units, a = -0.5", {"activation": "relu", "init_value": -0.5},
           "The ReLU question: what if the units are ReLU and the start is negative?"),
    Preset("equal-inputs", "Equal inputs", {"x1": 1.5, "x2": 1.5},
           "When x1 = x2 even the first layer has nothing to tell its weights apart."),
    Preset("nudged", "One weight nudged", {"nudge": 0.1}, "Start w5 at a + 0.1 and watch the groups split."),
)


# A link's moment: the iteration shown (a link without it opens at the last one).
MOMENT = Param("iteration", 200, "int", 0, 200, label="Iteration")


def config(values: dict) -> dict:
    """The keyword arguments of symbreak_core.worked_example.run: every weight starts at a, the nudged one at a +
    nudge (`start`, ten values in the order of NAMES)."""
    a = values["init_value"]
    start = tuple(a + values["nudge"] if name == NUDGED else a for name in NAMES)
    return dict(a=a, x1=values["x1"], x2=values["x2"], lr=values["lr"], steps=values["steps"],
                activation=values["activation"], start=start)
