"""The error surface's settings (pages/5_Error_surface.py): its controls, its presets and the SurfaceConfig."""
from dataclasses import replace

from settings.params import Param, Preset
from symbreak_core import DATASETS, SurfaceConfig
from symbreak_core.error_surface import DEFAULT

D = DEFAULT  # the page's defaults are the engine's
SPECS = (
    Param("dataset", D.dataset, "choice", choices=tuple(d for d in DATASETS if d != "toy"), label="Data set",
          main=True),
    Param("activation", D.activation, "choice", choices=("tanh", "sigmoid", "relu"), label="Activation",
          main=True),
    Param("init_value", D.init_value, "float", -1.5, 1.5, step=0.1, label="Constant start value"),
    Param("perturbation", 1e-3, "log", 1e-5, 0.1, label="Noise ε on the second run", main=True),
    Param("lr", D.lr, "log", 0.01, 5.0, label="Learning rate"),
    Param("steps", D.steps, "int", 200, 5000, step=100, label="Training steps"),
    Param("seed", 0, "int", 0, 9999, label="Seed (data and noise)"),
    Param("view", "contour", "choice", choices=(("contour", "Contour map"), ("3d", "3-D surface")),
          label="Draw the slice as"),
)
PRESETS = (
    Preset("circles", "Circles, ε = 0.001", {}, "The default: a clear saddle and a run that rolls off it."),
    Preset("xor", "XOR, ε = 0.05", {"dataset": "xor", "perturbation": 0.05},
           "XOR: the ridge is very flat here, so the run needs a bigger push to leave it in time."),
    Preset("tiny", "Circles, ε = 0.00001", {"perturbation": 1e-5},
           "A hundred times less noise: the run still falls off, only later."),
)


def config(values: dict) -> SurfaceConfig:
    """The symmetric run the controls describe (about 300 snapshots), and the noise on the second run."""
    train = replace(D, dataset=values["dataset"], activation=values["activation"], init_value=values["init_value"],
                    lr=values["lr"], steps=values["steps"], seed=values["seed"],
                    record_every=max(1, values["steps"] // 300))
    return SurfaceConfig(train, eps=values["perturbation"])
