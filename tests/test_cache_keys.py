"""st.cache_data keyed by a TrainConfig must tell apart configs that differ in any single field."""
from dataclasses import fields, replace

import streamlit as st

from symbreak_core import TrainConfig

BASE = TrainConfig()
CHANGED = {
    "dataset": "moons", "n_samples": 201, "noise": 0.2, "hidden": (8, 7), "activation": "relu", "loss": "mse",
    "init": "he_normal", "init_value": 0.25, "spread": 1.5, "perturbation": 1e-9, "bias": False, "bias_value": 0.1,
    "dropout": 0.1, "optimizer": "adam", "lr": 0.1000001, "batch_size": 16, "steps": 1001, "record_every": 11,
    "seed": 1, "data_seed": 0,
}


def test_every_field_is_part_of_the_cache_key():
    assert set(CHANGED) == {f.name for f in fields(TrainConfig)}, "add the new field to CHANGED"
    calls = []

    @st.cache_data(show_spinner=False)
    def cached(config: TrainConfig) -> dict:
        calls.append(config)
        return config.to_dict()

    cached.clear()
    assert cached(BASE) == BASE.to_dict()
    for name, value in CHANGED.items():
        other = replace(BASE, **{name: value})
        assert cached(other) == other.to_dict(), name
    assert len(calls) == 1 + len(CHANGED)
    assert cached(replace(BASE)) == BASE.to_dict() and len(calls) == 1 + len(CHANGED)  # equal configs share
