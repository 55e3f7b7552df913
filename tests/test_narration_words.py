"""The shared grammar of narration/: plurals, lists, percentages and ratios, as a table."""
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narration import words


@pytest.mark.parametrize("args,expected", [
    ((0, "unit"), "0 units"), ((1, "unit"), "1 unit"), ((2, "unit"), "2 units"),
    ((1, "iteration"), "1 iteration"), ((1500, "step"), "1,500 steps"), ((3, "is", "are"), "3 are"),
    ((1, "is", "are"), "1 is"),
])
def test_plural(args, expected):
    assert words.plural(*args) == expected


@pytest.mark.parametrize("items,expected", [
    ([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c"),
])
def test_join(items, expected):
    assert words.join(items) == expected


def test_layers():
    assert words.layers([2]) == "layer 2"
    assert words.layers([1, 3]) == "layers 1 and 3"
    assert words.layers([1, 2, 3]) == "layers 1, 2 and 3"


@pytest.mark.parametrize("x,expected", [
    (0.0, "0%"), (0.0004, "less than 0.1%"), (0.004, "0.4%"), (0.03, "3%"), (0.5, "50%"), (0.996, "99.6%"),
    (0.9996, "more than 99.9%"), (1.0, "100%"),
])
def test_percent(x, expected):
    assert words.percent(x) == expected


@given(st.floats(0.0, 1.0))
def test_percent_never_reads_as_none_or_all_when_it_is_not(x):
    s = words.percent(x)
    if x > 0:
        assert s != "0%" and s != "0.0%"
    if x < 1:
        assert s != "100%" and s != "100.0%"


@pytest.mark.parametrize("r,expected", [(1.04, "1.0 times"), (1.5, "1.5 times"), (9.94, "9.9 times"),
                                        (72.4, "72 times"), (824.3, "824 times"), (3000.0, "3,000 times")])
def test_times(r, expected):
    assert words.times(r) == expected


@pytest.mark.parametrize("init,expected", [
    ("he_normal", "He (normal)"), ("xavier_uniform", "Xavier (uniform)"), ("lecun_normal", "LeCun (normal)"),
    ("zeros", "zeros"), ("constant", "constant"), ("normal", "normal"), ("orthogonal", "orthogonal")])
def test_a_start_is_named_as_its_menu_names_it_never_by_its_link_value(init, expected):
    assert words.start(init) == expected


@pytest.mark.parametrize("activation,expected", [
    ("relu", "ReLU"), ("leaky_relu", "leaky ReLU"), ("tanh", "tanh"), ("sigmoid", "sigmoid"),
    ("identity", "identity")])
def test_units_are_named_as_a_sentence_writes_them(activation, expected):
    assert words.units(activation) == expected


def test_every_start_and_activation_has_words_without_an_underscore():
    from symbreak_core import ACTIVATIONS, INIT_SCHEMES

    assert all("_" not in words.start(s) for s in INIT_SCHEMES)
    assert all("_" not in words.units(a) for a in ACTIVATIONS)


@pytest.mark.parametrize("x,digits,expected", [
    (0.0123, 3, "0.0123"), (5.8, 3, "5.8"), (1234.5, 3, "1.23 × 10³"), (1.2e-07, 3, "1.2 × 10⁻⁷"), (1e6, 3, "10⁶"),
    (-2.5e-05, 3, "-2.5 × 10⁻⁵"), (12345, 6, "12345"), (0.0009, 2, "0.0009"), (float("nan"), 3, "nan")])
def test_a_number_too_large_or_small_for_digits_reads_as_a_power_of_ten(x, digits, expected):
    assert words.num(x, digits) == expected


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_never_reads_in_e_notation(x):
    said = words.num(x)
    assert "e" not in said
    if "×" in said or re.fullmatch(r"-?10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", said):
        mantissa, _, power = said.rpartition(" × ")
        exponent = int(power[2:].translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")))
        assert float(f"{float(mantissa or 1)}e{exponent}") == float(f"{x:.3g}")
