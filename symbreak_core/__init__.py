"""symbreak_core: the NumPy engine behind symbreak. Neither Streamlit nor Plotly here: the charts are in figures/."""
from . import activations, init, worked_example
from .activations import ACTIVATIONS
from .config import LIMITS, TrainConfig
from .data import DATASETS, Dataset, make_dataset
from .depth import DepthConfig, ProbeResult, depth_probe, theory_rms
from .error_surface import SurfaceConfig, SurfaceResult, error_surface
from .init import INIT_SCHEMES, init_biases, init_weights
from .metrics import (
    dead_fraction,
    distinct_units,
    layer_stats,
    numerical_rank,
    saturated_fraction,
    symmetry,
    unit_gap,
    unit_similarity,
)
from .model import LOSSES, evaluate, field, forward, grid_extent, loss_and_grads
from .optim import OPTIMIZERS
from .train import Progress, RestartsResult, Snapshot, Trainer, TrainResult, restart_config, restarts, train

__all__ = [
    "ACTIVATIONS", "DATASETS", "INIT_SCHEMES", "LIMITS", "LOSSES", "OPTIMIZERS", "Dataset", "DepthConfig",
    "ProbeResult", "Progress", "RestartsResult", "Snapshot", "SurfaceConfig", "SurfaceResult", "TrainConfig",
    "TrainResult",
    "Trainer", "activations", "dead_fraction", "depth_probe", "distinct_units", "error_surface", "evaluate", "field",
    "forward", "grid_extent", "init", "init_biases", "init_weights", "layer_stats", "loss_and_grads", "make_dataset",
    "numerical_rank", "restart_config", "restarts", "saturated_fraction", "symmetry", "theory_rms", "train",
    "unit_gap", "unit_similarity", "worked_example",
]
