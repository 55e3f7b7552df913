"""narration/glossary.py: a label for every option a page offers, and definitions that say what the engine computes."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz_urls import SPEC_LISTS

from narration import glossary
from narration.words import percent
from symbreak_core import ACTIVATIONS, DATASETS, INIT_SCHEMES, OPTIMIZERS, TrainConfig, Trainer, activations, metrics
from symbreak_core.data import make_dataset
from symbreak_core.depth import DepthConfig, depth_probe
from symbreak_core.train import Batcher

DEFINITIONS = dict(glossary.GLOSSARY)
# the words the issue asks the glossary to explain, and the entry that explains each
REQUIRED = {"saturated": "Saturated unit", "RMS": "RMS (root mean square)", "std of ∂L/∂z": "Std of ∂L/∂z",
            "fan-in": "Fan-in and fan-out", "dropout": "Dropout", "batch": "Batch",
            "distinct units": "Distinct units (copies)", "symmetric start": "Symmetric start",
            "epoch": "Step and epoch", "learning rate": "Learning rate", "init scheme": "Init scheme and spread",
            "dead ReLU": "Dead ReLU unit"}


def choice_params():
    return [(name, p) for name, specs in SPEC_LISTS.items() for p in specs if p.kind == "choice"]


def test_the_pages_choice_params_were_found():
    assert {p.name for _, p in choice_params()} >= {"dataset", "activation", "init", "optimizer", "init_a", "view"}


@pytest.mark.parametrize("page,param", [(n, p) for n, p in choice_params()], ids=lambda x: getattr(x, "name", x))
def test_every_option_of_every_page_menu_has_words(page, param):
    for value in param.options:
        shown = param.label_of(value)
        assert shown and shown != value or value in ("tanh", "sigmoid", "orthogonal"), (page, param.name, value)
        assert param.labels.get(value) or glossary.option_label(value), (page, param.name, value)


def test_every_engine_option_has_words_and_every_label_is_used():
    engine = {*DATASETS, *ACTIVATIONS, *INIT_SCHEMES, *OPTIMIZERS}
    assert engine <= set(glossary.OPTION_LABELS)
    offered = {v for _, p in choice_params() for v in p.options}
    assert set(glossary.OPTION_LABELS) <= offered, "a label for a value no menu offers"


def test_labels_are_unique_and_plain():
    labels = list(glossary.OPTION_LABELS.values())
    assert len(set(labels)) == len(labels)
    assert all(label.strip() == label and label for label in labels)
    assert glossary.OPTION_LABELS["he_normal"] == "He (normal)"
    assert glossary.OPTION_LABELS["xavier_uniform"] == "Xavier/Glorot (uniform)"
    assert glossary.option_label("no_such_value") is None and glossary.option_label(3) is None


def test_glossary_entries_are_unique_alphabetical_and_whole_sentences():
    terms = [t for t, _ in glossary.GLOSSARY]
    assert len(set(terms)) == len(terms)
    assert terms == sorted(terms, key=str.casefold)
    for term, text in glossary.GLOSSARY:
        assert term and text.strip() == text and text.endswith(".") and text[0].isupper(), term
        assert "  " not in text, term
    assert set(REQUIRED.values()) <= set(terms)


# ---- each definition against what the engine computes ----


def test_saturated_means_what_the_engine_counts():
    text = DEFINITIONS["Saturated unit"]
    assert "beyond ±0.97" in text and "below 0.03 or above 0.97" in text
    a = np.array([-0.971, -0.969, 0.969, 0.971])
    assert activations.saturated("tanh", a).tolist() == [True, False, False, True]
    s = np.array([0.029, 0.031, 0.969, 0.971])
    assert activations.saturated("sigmoid", s).tolist() == [True, False, False, True]
    for name in ("relu", "leaky_relu", "identity"):
        assert not activations.saturated(name, np.array([-50.0, 50.0])).any()
    # "its slope is under 0.06 for tanh and under 0.03 for sigmoid" at the edge of saturation
    z_tanh, z_sig = np.arctanh([0.97]), np.log([0.97 / 0.03])
    _, dtanh = activations.get("tanh")
    _, dsig = activations.get("sigmoid")
    assert dtanh(z_tanh, np.tanh(z_tanh))[0] < 0.06
    assert dsig(z_sig, activations.sigmoid(z_sig))[0] < 0.03


def test_dead_relu_means_what_the_engine_counts():
    assert "0 or below for every training input" in DEFINITIONS["Dead ReLU unit"]
    z = np.array([[0.0, -1.0, 0.5], [-2.0, -0.1, -0.3]])  # unit 1: exactly 0 then below; unit 3 fires once
    assert metrics.dead_fraction("relu", z) == pytest.approx(2 / 3)


def test_distinct_units_quote_the_engines_tolerance():
    assert f"{percent(metrics.BEHAVIOUR_TOL)} of the layer's output spread" in DEFINITIONS["Distinct units (copies)"]


@settings(max_examples=10, deadline=None)
@given(activation=st.sampled_from(["relu", "sigmoid"]), seed=st.integers(0, 10_000))
def test_rms_of_never_negative_outputs_is_larger_than_their_std(activation, seed):
    assert "their RMS is larger than their std" in DEFINITIONS["RMS (root mean square)"]
    p = depth_probe(DepthConfig(width=16, depth=3, activation=activation, init="he_normal", n_samples=50,
                                seed=seed))
    assert np.all(p.act_rms > p.act_std)


def test_an_epoch_of_batches_of_20_is_7_steps_on_the_playgrounds_140_training_points():
    assert "batches of 20 out of 140 points an epoch is 7 steps" in DEFINITIONS["Step and epoch"]
    data = make_dataset("xor", 200, 0.1, np.random.default_rng(0))  # the Playground's 200 points, 30% held out
    assert len(data.X) == 140
    batcher = Batcher(140, 20, np.random.default_rng(0))
    epoch = np.concatenate([batcher.next() for _ in range(7)])
    assert sorted(epoch.tolist()) == list(range(140))


@settings(max_examples=4, deadline=None)
@given(batch=st.sampled_from([1, 7, 20, 50]), seed=st.integers(0, 1000))
def test_batches_alone_never_break_a_symmetric_start(batch, seed):
    assert "Batches alone never break a symmetric start" in DEFINITIONS["Batch"]
    trainer = Trainer(TrainConfig(hidden=(8, 8), init="constant", batch_size=batch, steps=40, seed=seed))
    trainer.run(40)
    assert all(metrics.unit_gap(W, b) == 0.0 for W, b in zip(trainer.weights[:-1], trainer.biases[:-1]))
