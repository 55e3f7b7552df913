"""st.cache_data keyed by a config (TrainConfig, DepthConfig, SurfaceConfig) must tell apart configs that differ in any
single field."""
from dataclasses import fields, replace

import pytest
import streamlit as st

from symbreak_core import DepthConfig, SurfaceConfig, TrainConfig

BASE = TrainConfig()
CHANGED = {
    "dataset": "moons", "n_samples": 201, "noise": 0.2, "hidden": (8, 7), "activation": "relu", "loss": "mse",
    "init": "he_normal", "init_value": 0.25, "spread": 1.5, "perturbation": 1e-9, "bias": False, "bias_value": 0.1,
    "output_zero": True,
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


@pytest.mark.parametrize("base,changed", [
    (DepthConfig(), {"width": 499, "depth": 11, "activation": "relu", "init": "he_normal", "spread": 1.0000001,
                     "n_samples": 999, "seed": 1}),
    (SurfaceConfig(), {"train": replace(SurfaceConfig().train, lr=0.9), "eps": 1.0001e-3, "res": 60}),
])
def test_every_field_of_a_probe_config_is_part_of_the_cache_key(base, changed):
    assert set(changed) == {f.name for f in fields(base)}, "add the new field to changed"
    calls = []

    @st.cache_data(show_spinner=False)
    def cached(config) -> str:
        calls.append(config)
        return repr(config)

    cached.clear()
    assert cached(base) == repr(base)
    for name, value in changed.items():
        other = replace(base, **{name: value})
        assert cached(other) == repr(other), name
    assert len(calls) == 1 + len(changed)
    assert cached(replace(base)) == repr(base) and len(calls) == 1 + len(changed)
