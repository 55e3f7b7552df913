"""narration.worked: the worked example's sentences, read from real worked_example.run results at every iteration."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narration import worked
from symbreak_core import worked_example


def run(a=0.5, x1=1.0, x2=2.0, lr=0.01, steps=50, activation="identity", nudge=0.0):
    start = [a] * 10
    start[4] = a + nudge  # as the page does
    return worked_example.run(a=a, x1=x1, x2=x2, lr=lr, steps=steps, activation=activation, start=start)


def say(n=0, **kw):
    r = run(**kw)
    return worked.explain(r, n, r.last_finite())


def test_iteration_0_of_the_texts_example():
    s = say(0)
    assert s.status == ("success", "**All ten weights are equal** (to 0.5). Each hidden layer acts as if it had a "
                                   "single unit: $y_1 = y_2 = 1.5$ and $y_3 = y_4 = 1.5$, and the two units of each "
                                   "layer are equal at every iteration from 0 to 50.")
    assert s.summary.startswith("At iteration 0 nothing has moved yet: all ten weights start at 0.5. $w_1$ and $w_3$ "
                                "carry different inputs ($x_1 = 1$, $x_2 = 2$) into the same unit (their derivatives "
                                "above already differ), but they are still equal at iteration 0; in this run they "
                                "first differ at iteration 1.")
    assert s.checks[-1] == (False, "$w_1 \\ne w_3$: $w_1 = w_3 = 0.5$ at iteration 0 (they first differ at "
                                   "iteration 1)")
    assert "stay equal as well" not in s.summary


@pytest.mark.parametrize("n,count,after", [(1, "4 different values", "After 1 iteration,"),
                                           (2, "4 different values", "After 2 iterations,")])
def test_later_iterations_count_values_with_plurals(n, count, after):
    s = say(n)
    assert f"**Ten weights, but only {count}.**" in s.status[1] and s.summary.startswith(after)
    assert "have moved apart" in s.summary and s.checks[-1][0]


def test_equal_inputs_keep_w1_and_w3_together():
    s = say(5, x1=1.5, x2=1.5)
    assert "**Ten weights, but only 2 different values.**" in s.status[1]
    assert "The inputs are equal ($x_1 = 1.5$, $x_2 = 1.5$), so $w_1$ and $w_3$ always get the same" in s.summary


def test_zero_start_zero_inputs_and_dead_relu_are_frozen():
    s = say(3, a=0.0)
    assert s.status[0] == "error" and s.summary.startswith("With every weight at 0, each hidden unit outputs 0.")
    assert say(0, x1=0.0, x2=0.0).summary.startswith("Both inputs are 0")
    s = say(0, a=-0.5, activation="relu")
    assert "the first layer's units both receive $w_1x_1 + w_3x_2 = w_2x_1 + w_4x_2 = (-1.5) \\le 0$" in s.summary
    assert s.relu_note is None
    s = say(0, a=0.0, nudge=0.1)
    assert s.summary.startswith("Not every weight is 0, but every derivative above still comes out exactly 0")


def test_nudge_splits_the_groups_after_iteration_1():
    s = say(0, nudge=0.1)
    assert s.status is None
    assert (False, "$w_5 = w_6 = w_7 = w_8$: not equal, not even at the start") in s.checks
    assert "In this run $w_1 = w_2$, $w_3 = w_4$ and $w_9 = w_{10}$ stop holding at iteration 1." in s.summary
    s = say(1, nudge=0.1)
    assert (False, "$w_9 = w_{10}$: no longer equal, apart since iteration 1") in s.checks
    assert "the ten weights take 8 different values" in s.summary


def test_relu_notes_follow_the_numbers():
    assert say(0, activation="relu").relu_note.startswith("All four ReLU units are switched on")
    assert say(0, activation="relu").relu_note.endswith("Set a ≤ 0 to switch the first layer off.")
    s = say(0, activation="relu", a=0.2, nudge=-0.5)
    assert s.relu_note.startswith("At this iteration $y_3$ is switched off (input ≤ 0): it outputs 0 and passes no")
    assert "flows back into the first layer" not in s.summary  # y3 is off: w1 and w2 keep equal derivatives
    assert "Yes for these inputs, whose sum is positive" in say(0).relu_answer
    assert "Not for these inputs: their sum is negative" in say(0, x1=-1.0, x2=-2.0).relu_answer


@pytest.mark.parametrize("activation", ["identity", "relu"])
def test_long_derivatives_break_into_short_rows_and_end_in_the_short_forms_values(activation):
    """Finding: on a 390 px phone each weight's line was 756 px wide. Now each term of a sum has its own row and
    the value its own: the rows are short, and the ten weights keep one \\\\-line each ending in its value."""
    s = say(50, activation=activation, nudge=0.1)
    body = s.derivatives.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    lines, short = body.split(r"\\[0.4em]"), s.derivatives_short.removesuffix(r"\end{aligned}").split(r"\\")
    assert len(lines) == len(short) == 10
    for line, brief in zip(lines, short, strict=True):
        rows = line.split(r" \cr ")
        assert rows[0].startswith(r"\frac{\partial y}") and rows[-1].startswith("&= ")
        assert line.rsplit("=", 1)[1] == brief.rsplit("=", 1)[1]  # the same value as the presenter's short line
        assert all(row.count(r"\cdot") <= (4 if activation == "relu" else 2) for row in rows)  # at most one term


@pytest.mark.parametrize("n", [0, 50])
def test_the_short_lines_name_each_relu_slope_by_its_unit_and_the_caption_says_how(n):
    """Finding: presenting, the ReLU slopes' underbraces (\\underbrace{0}_{y_3\\le0}) made the short lines beside
    the diagram 651 px wide in a 595 px column and twice as tall. Beside the diagram a slope is now a 1 or 0 with its
    unit as a subscript, read off the unit's output at that iteration, and the caption under both says so."""
    r = run(activation="relu", a=0.2, nudge=-0.5)  # y3 off, the other units on
    s = worked.explain(r, n, r.last_finite())
    on = {k: r.units[n, k - 1] > 0 for k in range(1, 5)}
    assert not all(on.values()) and any(on.values())
    slopes = re.findall(r"\\cdot([01])_\{y_(\d)\}", s.derivatives_short)
    assert len(slopes) == 4 + 4 * 3  # w5..w8 one each, w1..w4 three each
    assert all(int(bit) == on[int(k)] for bit, k in slopes), slopes
    assert "underbrace" not in s.derivatives_short and s.derivatives_short.startswith(r"\small\begin{aligned}")
    assert s.derivatives_short_caption.startswith(f"The derivatives at iteration {n}, one line a weight:")
    assert "written $1_{y_k}$ if unit $y_k$ is on and $0_{y_k}$ if it is off" in s.derivatives_short_caption
    assert "$1_{y_k}$" not in s.derivatives_caption  # the long form says why under each slope instead
    plain = say(n)
    assert "_{y_" not in plain.derivatives_short and "ReLU" not in plain.derivatives_short_caption


def test_under_relu_every_sum_and_its_factor_take_rows_of_their_own():
    """Finding: on a 390 px phone the long form's ReLU lines were 376 px wide in a 354 px column: w9's rule kept
    max(0, ...) on one row, and w1's numbers kept three slopes on one. Now every term of a sum has its row, and the
    slope and input that multiply the whole sum one more."""
    s = say(50, activation="relu", a=-0.5)
    lines = s.derivatives.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r"\\[0.4em]")
    rows = {re.match(r"\\frac\{\\partial y\}\{\\partial w_\{?(\d+)", line)[1]: line.split(r" \cr ") for line in lines}
    assert rows["9"][:2] == [r"\frac{\partial y}{\partial w_9} &= y_3 = \max(0,\ w_5y_1", r"&\quad + w_7y_2)"]
    assert rows["1"][2] == r"&\quad \cdot\underbrace{0}_{y_1\le0}\,x_1"
    assert rows["1"][5] == r"&\quad \cdot\underbrace{0}_{y_1\le0}\cdot1"
    assert all(row.count(r"\underbrace") <= 1 for line in rows.values() for row in line)


def test_overflow_note():
    r = run(a=2.0, x1=3.0, x2=3.0, lr=0.1, steps=200)
    last = r.last_finite()
    assert last < 200 and worked.overflow_note(last, 200).startswith(f"The numbers overflow after iteration {last}:")
    assert worked.overflow_note(50, 50) is None


def _bits(r, n, names):
    return len({r.at(n)[m] for m in names}) == 1


@settings(max_examples=40, deadline=None)
@given(a=st.sampled_from((-1.0, -0.5, 0.0, 0.3, 0.5, 1.2)), x1=st.sampled_from((-2.0, -1.0, 0.0, 1.0, 1.5, 2.0)),
       x2=st.sampled_from((-1.5, 0.0, 1.0, 1.5, 2.0)), lr=st.sampled_from((0.001, 0.01, 0.1)),
       steps=st.integers(5, 30), nudge=st.sampled_from((0.0, 0.0, -0.5, -0.1, 0.01, 0.1)),
       activation=st.sampled_from(("identity", "relu")), frac=st.floats(0, 1))
def test_no_sentence_contradicts_the_numbers(a, x1, x2, lr, steps, nudge, activation, frac):
    r = run(a=a, x1=x1, x2=x2, lr=lr, steps=steps, activation=activation, nudge=nudge)
    last = r.last_finite()
    n = round(frac * last)
    s = worked.explain(r, n, last)
    text = " ".join([s.summary, s.relu_note or "", (s.status or ("", ""))[1]] + [c for _, c in s.checks])
    for names, (holds, line) in zip(worked.GROUPS, s.checks):
        assert holds == _bits(r, n, names), line
    assert s.checks[-1][0] == (r.at(n)["w1"] != r.at(n)["w3"])
    if "stay equal as well" in s.summary:
        assert x1 == x2 and r.at(n)["w1"] == r.at(n)["w3"]
    if "have moved apart" in s.summary:
        assert r.at(n)["w1"] != r.at(n)["w3"]
    frozen = not r.grads[n].any()
    assert (s.status is not None and s.status[0] == "error") == frozen
    if s.status and s.status[0] == "success":
        assert all(_bits(r, n, g) for g in worked.GROUPS)
        k = len(set(r.weights[n].tolist()))
        assert (f"only {k} different values" in s.status[1]) if k > 1 else "All ten weights are equal" in s.status[1]
    if "switched on" in (s.relu_note or ""):
        assert (r.units[n, :4] > 0).all()
    for m in re.finditer(r"\b(\d[\d,]*) (iterations?|different values?)\b", text):
        assert (m.group(1) == "1") == (not m.group(2).endswith("s")), m.group(0)
    assert "iteration -" not in text and "only 1 different" not in text


def test_the_equations_are_written_from_the_engines_wiring():
    assert worked.equations() == (
        r"\begin{aligned} y_1 &= w_1x_1 + w_3x_2 \\ y_2 &= w_2x_1 + w_4x_2 \\ y_3 &= w_5y_1 + w_7y_2 \\ "
        r"y_4 &= w_6y_1 + w_8y_2 \\ y &= w_9y_3 + w_{10}y_4 \end{aligned}")


def test_a_diverging_runs_formulas_write_powers_of_ten_not_e_notation():
    """a = 2, inputs 3 and 3, η = 0.1: by iteration 10 the weights are near -1.5 × 10⁶³ (the page said -1.499e+63)."""
    r = run(a=2.0, x1=3.0, x2=3.0, lr=0.1, steps=200)
    n = r.last_finite()
    s = worked.explain(r, n, n)
    w1 = float(r.at(n)["w1"])
    assert w1 < -1e50
    mantissa, exponent = f"{w1:.4g}".split("e")
    written = rf"({mantissa} \times 10^{{{int(exponent)}}})"
    shown = " ".join([s.status[1], s.derivatives, s.derivatives_short, s.summary, *(text for _, text in s.checks)])
    assert f"$w_1 = w_2 = {written}$" in shown
    assert not re.search(r"\de[+-]?\d|mathrm\{e\}", shown), shown


@pytest.mark.parametrize("x, formula", [(0.5, "0.5"), (-0.03062, "(-0.03062)"), (2.698e127, r"2.698 \times 10^{127}"),
                                        (-1e20, "(-10^{20})"), (1e-7, "10^{-7}")])
def test_a_formulas_numbers(x, formula):
    assert worked._f(x) == formula
