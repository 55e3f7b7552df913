"""The small grammar every narration module shares: counts with plurals, lists, percentages, numbers, and the names
of weight starts and units as a sentence writes them."""
from __future__ import annotations

# The starts named after their authors, by the name they are known by ("Xavier/Glorot (normal)" in a menu): short
# enough for a run's name in a chart title on a phone. The others are words already ("zeros", "normal").
NAMED_STARTS = {"xavier_uniform": "Xavier (uniform)", "xavier_normal": "Xavier (normal)", "he_uniform": "He (uniform)",
                "he_normal": "He (normal)", "lecun_normal": "LeCun (normal)"}
UNIT_WORDS = {"relu": "ReLU", "leaky_relu": "leaky ReLU"}  # the others are written as they are: tanh, sigmoid...


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 unit', '2 units', '0 units'; `many` for irregular plurals ('1 is', '3 are')."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def join(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def layers(ks) -> str:
    """'layer 1', 'layers 1 and 2', 'layers 1, 2 and 3' (1-based layer numbers)."""
    ks = list(ks)
    return ("layer " if len(ks) == 1 else "layers ") + join(ks)


def percent(x: float) -> str:
    """A share as a percentage that never reads as 0 or 100 when it is not: 0.4%, 3%, 12%, 99.6%."""
    if 0 < x < 0.001:
        return "less than 0.1%"
    if 0 < x < 0.01:
        return f"{x:.1%}"
    if 0.99 < x < 1:
        return f"{x:.1%}" if x < 0.999 else "more than 99.9%"
    return f"{x:.0%}"


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def power(exponent: int) -> str:
    """A power of ten as the charts write it: '10⁶', '10⁻¹¹'."""
    return "10" + str(exponent).translate(SUPERSCRIPT)


def scientific(x: float, digits: int) -> tuple[str, int | None]:
    """x to `digits` significant digits as Python's g format writes it, (its text, None), or, where g would write
    e-notation, (the mantissa, the power of ten): ('0.0123', None), ('1.2', -7) for 1.2e-07, ('1', 6) for 1e+06."""
    s = f"{x:.{digits}g}"
    if "e" not in s:  # nan and inf have none either
        return s, None
    mantissa, exponent = s.split("e")
    return mantissa, int(exponent)


def num(x: float, digits: int = 3) -> str:
    """A number to `digits` significant digits, no trailing '.0': 0.0123, 5.8, and where Python would write 1.2e-07
    a power of ten as the charts write it, 1.2 × 10⁻⁷ (10⁶ for 1e+06)."""
    mantissa, exponent = scientific(x, digits)
    if exponent is None:
        return mantissa
    ten = power(exponent)
    return ten if mantissa == "1" else f"{mantissa} × {ten}"


def times(ratio: float) -> str:
    """A ratio for prose: '72 times', '1.5 times', '1.0 times', '3,000 times'."""
    if ratio >= 10:
        return f"{ratio:,.0f} times"
    return f"{ratio:.1f} times"  # 1.04 reads '1.0 times', never '1 times'


def start(init: str) -> str:
    """A weight start as a sentence names it: 'He (normal)', 'Xavier (uniform)', 'zeros', never the value a link
    carries ('he_normal')."""
    return NAMED_STARTS.get(init, init.replace("_", " "))


def units(activation: str) -> str:
    """An activation as a sentence names its units: 'ReLU', 'leaky ReLU', 'tanh', 'sigmoid', 'identity'."""
    return UNIT_WORDS.get(activation, activation.replace("_", " "))
