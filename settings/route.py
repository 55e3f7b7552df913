"""The guided route ("Start here", pages/0_Start_here.py): its stops, each a question with choices and the small
experiments that answer it, and the link's keys (?stop=3&a1=b&a2=a). Pure Python: no Streamlit.

Which choice is right is not written here: where a question is about a result, narration.route decides it from
the run's own numbers, so a changed experiment changes the answer with it.
"""
from __future__ import annotations

from dataclasses import dataclass

from settings.params import Param
from symbreak_core import DepthConfig, TrainConfig, depth_probe, restarts, train
from symbreak_core.relabel import solution_groups

# Every experiment is small: a few hundred full-batch steps of a one-layer net on 100 points, or a probe of ten
# layers of 100 units on 200 inputs; each takes well under a second on one core.
SMALL = dict(dataset="xor", n_samples=100, hidden=(4,), lr=0.5, steps=300, record_every=10)
PROBE = dict(width=100, depth=10, n_samples=200)


@dataclass(frozen=True)
class Restarts:
    """Many seeds of one config, as symbreak_core.restarts trains them (hashable, so the page can cache it)."""

    config: TrainConfig
    seeds: tuple


@dataclass(frozen=True)
class Stop:
    """One stop: a question with choices ((key, words), ...), the experiments that answer it ((name, config), ...:
    a TrainConfig is trained, a DepthConfig probed, a Restarts run), and where to explore it further: a page
    (pages/....py) or a Playground preset (?preset=...)."""

    id: str
    title: str
    question: str
    choices: tuple
    runs: tuple
    explore: str
    explore_label: str

    def run_names(self) -> tuple:
        return tuple(name for name, _ in self.runs)


def _train(**over) -> TrainConfig:
    return TrainConfig(**(SMALL | over))


STOPS = (
    Stop("copies", "Equal weights stay copies",
         "Every weight of a network with 4 hidden units starts at 0.5. After 300 steps of training on XOR, how many "
         "different units will the hidden layer have?",
         (("a", "1: the units are still copies"), ("b", "2 or 3: some have split"), ("c", "4: every unit differs")),
         (("run", _train(init="constant", init_value=0.5)),),
         "?preset=constant_05", "Open it in the Playground"),
    Stop("zeros", "All zeros freeze; sigmoid moves, but in lock-step",
         "Now every weight starts at 0, with tanh units. After 300 steps, which weights have moved away from 0?",
         (("a", "None of them: they all stay exactly 0"), ("b", "Only the output layer's"),
          ("c", "All of them, by the same amount in every unit")),
         (("tanh", _train(init="zeros")),
          ("sigmoid", _train(init="zeros", activation="sigmoid", dataset="moons", lr=2.0))),
         "?preset=zeros_sigmoid", "Open zeros with sigmoid units in the Playground"),
    Stop("inputs", "Different inputs do not make units differ",
         "x₁ and x₂ take different values on every point. Start from all 0.5 again: after training, what has become "
         "different?",
         (("a", "The hidden units: different inputs split them apart"),
          ("b", "Each unit's weight from x₁ and its weight from x₂, but every unit still has the same pair"),
          ("c", "Nothing: every weight still equals every other")),
         (("run", _train(init="constant", init_value=0.5)),),
         "pages/2_Worked_example.py", "Follow it in the worked example"),
    Stop("nudge", "The balance is unstable: a tiny nudge grows",
         "Add random noise of size 0.001 to every weight of the all-0.5 start. After 300 steps, the largest gap "
         "between two hidden units will have…",
         (("a", "shrunk back toward 0: training pulls the units together"),
          ("b", "stayed about as small as it started"), ("c", "grown ten times or more")),
         (("run", _train(init="constant", init_value=0.5, perturbation=0.001, dataset="moons", optimizer="adam",
                         lr=0.05)),),
         "?preset=constant_noise", "Open constant + tiny noise in the Playground"),
    Stop("restarts", "Restarts land in different minima, some of them one network relabelled",
         "Train the same 3-unit network on XOR from 20 random starts. How many of them end as the same network as "
         "another start, its hidden units perhaps in another order?",
         (("a", "None: every start finds a minimum of its own"), ("b", "Some, but fewer than half"),
          ("c", "Half of them or more")),
         # lr 1.0: at 0.5 the 500 steps end before any two runs settle into one network in another unit order
         (("restarts", Restarts(_train(hidden=(3,), init="xavier_normal", steps=500, lr=1.0), tuple(range(20)))),),
         "pages/4_Restarts.py", "Explore it on the Restarts page"),
    Stop("scale", "Too large saturates, too small shrinks",
         "Ten tanh layers of 100 units, with weights drawn at random of size 1. Going back down to the first layer, "
         "the gradient…",
         (("a", "vanishes: the saturated units pass almost nothing back"), ("b", "grows"),
          ("c", "keeps about its size")),
         (("large", DepthConfig(**PROBE, activation="tanh", init="normal", spread=1.0)),
          ("small", DepthConfig(**PROBE, activation="tanh", init="normal", spread=0.01)),
          ("sigmoid", DepthConfig(**PROBE, activation="sigmoid", init="normal", spread=1.0))),
         "pages/3_Depth_and_scale.py", "Explore it on the Depth and scale page"),
    Stop("keep_scale", "Xavier and He keep the scale",
         "Ten ReLU layers of 100 units. Which random start keeps the signal's size through all ten?",
         (("a", "Xavier"), ("b", "He"), ("c", "Both"), ("d", "Neither")),
         (("xavier", DepthConfig(**PROBE, activation="relu", init="xavier_normal")),
          ("he", DepthConfig(**PROBE, activation="relu", init="he_normal")),
          ("xavier_tanh", DepthConfig(**PROBE, activation="tanh", init="xavier_normal"))),
         "pages/3_Depth_and_scale.py", "Explore it on the Depth and scale page"),
    Stop("biases", "Biases, and a lone output unit, may start at zero",
         "Random (Xavier) weights, but every bias starts at 0. After 300 steps on XOR, does the network learn?",
         (("a", "No: equal biases keep the units copies"), ("b", "Yes: the random weights already make them differ")),
         (("run", _train(init="xavier_normal", bias_value=0.0)),
          ("lone", _train(init="xavier_normal", bias_value=0.0, output_zero=True))),
         "?preset=xavier", "Open Xavier in the Playground"),
)

STOP_IDS = tuple(s.id for s in STOPS)
UNANSWERED = ""  # an answer key's value (and default) before the student chooses


def run_experiment(config):
    """One experiment of the route: a TrainConfig is trained, a DepthConfig probed, a Restarts run and grouped."""
    if isinstance(config, TrainConfig):
        return train(config)
    if isinstance(config, DepthConfig):
        return depth_probe(config)
    rr = restarts(config.config, config.seeds)
    return rr, solution_groups(rr)


def answer_key(k: int) -> str:
    """The link's key for the answer at stop k (1-based): a1, a2, ..."""
    return f"a{k}"


SPECS = (Param("stop", 1, "int", 1, len(STOPS), label="Stop"),) + tuple(
    Param(answer_key(k), UNANSWERED, "choice", choices=(UNANSWERED, *(c for c, _ in s.choices)),
          label=f"Answer at stop {k}")
    for k, s in enumerate(STOPS, start=1))


def choice_words(stop: Stop, key: str) -> str:
    return dict(stop.choices)[key]
