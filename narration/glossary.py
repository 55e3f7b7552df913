"""Plain words for the short option values in links and menus, and a short glossary of the app's terms.

Pure Python: ui.py shows OPTION_LABELS in every menu whose values are listed here (the URL keeps the short
value), and the Glossary page lists GLOSSARY. The definitions say what the app computes, with its thresholds.
"""
from __future__ import annotations

OPTION_LABELS = {  # short value (as in the URL) -> what a menu shows
    # how the weights start (symbreak_core.init)
    "zeros": "all zeros",
    "constant": "constant (every weight equal)",
    "uniform": "uniform (± spread)",
    "normal": "normal (std = spread)",
    "xavier_uniform": "Xavier/Glorot (uniform)",
    "xavier_normal": "Xavier/Glorot (normal)",
    "he_uniform": "He (uniform)",
    "he_normal": "He (normal)",
    "lecun_normal": "LeCun (normal)",
    "orthogonal": "orthogonal",
    # hidden units (symbreak_core.activations)
    "identity": "identity (no activation)",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    # optimizers (symbreak_core.optim)
    "sgd": "plain gradient descent (SGD)",
    "momentum": "SGD with momentum",
    "adam": "Adam",
    # data sets (symbreak_core.data)
    "xor": "XOR (four quadrants)",
    "circles": "two nested circles",
    "moons": "two moons",
    "spirals": "two spirals",
    "gaussians": "two Gaussian blobs",
    "toy": "worked-example inputs (is x1 > x2?)",
    # Side by side: a run slot left empty
    "off": "off (no run)",
}


def option_label(value) -> str | None:
    """The words a menu shows for a short option value, or None when the value has none here."""
    return OPTION_LABELS.get(value) if isinstance(value, str) else None


GLOSSARY = (  # (term, definition), alphabetical
    ("Batch",
     "The training points one step computes its gradient on. Batch size 0 means all training points, so every "
     "step sees the same data and the loss curve is smooth. A smaller batch takes the points in a fresh random "
     "order each epoch, so the loss curve gets noisy. Batches alone never break a symmetric start: every unit "
     "of a layer still sees the same points."),
    ("Dead ReLU unit",
     "A ReLU unit whose weighted input z is 0 or below for every training input, so it outputs 0 for all of "
     "them. Its slope there is 0, so no gradient reaches its incoming weights: gradient descent cannot revive "
     "it, only a change in the layer below it (or momentum left over from earlier steps)."),
    ("Distinct units (copies)",
     "The symmetry meter's count, such as 1 / 8. Two units of a layer are copies when the RMS difference of "
     "their outputs over the training inputs is at most 5% of the layer's output spread (the RMS distance of "
     "all its outputs from their mean); a copy of a copy joins the same group. The count is the number of "
     "groups: 1 / 8 means all eight units behave as one."),
    ("Dropout",
     "During training, each hidden output is set to 0 with probability p on each step, and the others are "
     "multiplied by 1 / (1 − p) so that the average stays the same. Different units are silenced on different "
     "steps, which can push copies apart. Losses and the meter are measured with every unit switched on."),
    ("Fan-in and fan-out",
     "A layer's fan-in is the number of inputs each of its units adds up; its fan-out is its number of units. "
     "Its weight matrix W has fan-in rows and fan-out columns. The named schemes choose the variance of the "
     "weights from them: Xavier/Glorot 2 / (fan-in + fan-out), He 2 / fan-in, LeCun 1 / fan-in."),
    ("Init scheme and spread",
     "The rule that draws the starting weights: constant or all zeros (a symmetric start), uniform or normal "
     "of a size you set with the spread (the half-width or the standard deviation), or a named scheme "
     "(Xavier/Glorot, He, LeCun, orthogonal) whose size follows the layer's fans, multiplied by the spread. "
     "Biases start at 0."),
    ("Learning rate",
     "How far one step moves the weights: plain gradient descent subtracts the learning rate times the "
     "gradient. Momentum and Adam use it as their step size too. Too small and the loss hardly moves; too "
     "large and the loss jumps about or diverges, which stops the run."),
    ("RMS (root mean square)",
     "The square root of the mean of the squares: the typical size of a set of numbers, whatever their signs. "
     "It equals the standard deviation only when the mean is 0; the outputs of ReLU or sigmoid units are never "
     "negative, so their RMS is larger than their std."),
    ("Saturated unit",
     "A tanh unit whose output is beyond ±0.97, or a sigmoid unit whose output is below 0.03 or above 0.97. "
     "There the curve is almost flat: its slope is under 0.06 for tanh and under 0.03 for sigmoid, so the "
     "gradient passing back through the unit almost vanishes. ReLU, leaky ReLU and identity units never "
     "saturate."),
    ("Std of ∂L/∂z",
     "The size of the error signal backprop brings to a layer. ∂L/∂z is how much the loss changes with a "
     "unit's weighted input z, one number per unit and input; their standard deviation is its typical size. "
     "If it shrinks from layer to layer, the gradient vanishes and the lower layers hardly learn; if it grows, "
     "it explodes."),
    ("Step and epoch",
     "A step is one update of every weight, from the gradient on one batch. An epoch is one pass through the "
     "training points: with the full batch one step is one epoch; with batches of 20 out of 140 points an "
     "epoch is 7 steps."),
    ("Symmetric start",
     "Every weight starts at the same value (constant or all zeros). Then every unit of a hidden layer "
     "computes the same thing, receives the same gradient and takes the same update, so the units stay "
     "copies of one another and the layer acts as if it had one unit. Random weights, a little noise on the "
     "weights or dropout can break the tie."),
    ("Unit gap",
     "The largest distance between two units of a layer, each unit being its incoming weights and its bias. "
     "It is exactly 0 while the layer is perfectly symmetric; the gap chart draws it on a log scale, so even "
     "the tiny differences left by round-off show."),
)


def meaning(term: str) -> str:
    """The glossary's definition of `term` (one of GLOSSARY's terms), for a help tooltip."""
    return dict(GLOSSARY)[term]
