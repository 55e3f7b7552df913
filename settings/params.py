"""What a page can be set to, and how a link's values are read: pure Python, no Streamlit.

`Param` describes one control (its URL key, default, kind and range) and `Preset` a named set of values.
`clamp_params` reads a link's raw values against the params: it never raises, and it returns a notice for
every value it had to change. `share_url` writes the link that reproduces a set of values. The presets'
bookkeeping (which preset the controls still equal, what changed from it) lives here too.
Nothing a visitor supplies is evaluated.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from narration import glossary
from narration.words import join, plural

MAX_RAW_CHARS = 64  # URL values longer than this are rejected unread

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")
_IGNORED_KEYS = ("embed", "embed_options")  # Streamlit's own URL switches

@dataclass(frozen=True)
class Param:
    """One control: its URL key (also the widget key), default, kind and range.

    kind: "int" | "float" | "choice" | "bool" | "log" (a float offered on 1-2-5 log steps in [lo, hi]).
    choices: for "choice", the allowed values, or (value, label) pairs to show labels instead of values.
    """

    name: str
    default: object
    kind: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    label: str = ""
    help: str = ""
    step: float | None = None
    main: bool = False  # drawn in the page's quick-controls row at the top of the main area, not in the sidebar
    # (other control's name, (values, ...)): drawn disabled unless that control has one of them; or several such
    # pairs, ((name, values), (name, values), ...): disabled unless at least one of them holds
    needs: tuple = ()
    why: str = ""  # with needs: why the control is disabled, shown in its help

    def __post_init__(self):
        if self.needs and not (self.why and all(len(n) == 2 and isinstance(n[0], str) and isinstance(n[1], tuple)
                                                for n in self._conditions())):
            raise ValueError(f"{self.name}: needs must be (name, (values, ...)) or a tuple of such pairs, "
                             "and comes with a why")

    def _conditions(self) -> tuple:
        """needs as a tuple of (name, values) pairs."""
        return (self.needs,) if len(self.needs) == 2 and isinstance(self.needs[0], str) else tuple(self.needs)

    def applies(self, values: dict) -> bool:
        """Whether this control has an effect under `values` (the other controls' current values)."""
        return not self.needs or any(values.get(name) in allowed for name, allowed in self._conditions())

    @property
    def options(self) -> tuple:
        """The allowed values of a "choice" or "log" param."""
        if self.kind == "log":
            return tuple(self.choices) or log_steps(self.lo, self.hi)
        return tuple(c[0] if isinstance(c, tuple) else c for c in self.choices)

    @property
    def labels(self) -> dict:
        return {c[0]: c[1] for c in self.choices if isinstance(c, tuple)}

    def label_of(self, value) -> str:
        """What a menu shows for an option: the param's own label, else the glossary's words, else the value."""
        return self.labels.get(value) or glossary.option_label(value) or fmt(value)


@dataclass(frozen=True)
class Preset:
    """A named set of control values with two sentences on what to look for."""

    id: str
    label: str
    values: dict
    about: str = ""


CUSTOM = "custom"  # the preset selector's value while the controls equal none of the presets
CUSTOM_LABEL = "Custom setup"
MAX_NAMED_CHANGES = 3  # a custom setup's note names this many changed controls, then counts the rest

def _with_preset(specs, preset):
    """The specs with the preset's values as their defaults (the specs themselves for None)."""
    if preset is None:
        return specs
    return [Param(**{**p.__dict__, "default": preset.values.get(p.name, p.default)}) for p in specs]


def preset_values(specs, preset) -> dict:
    """Every control's value under `preset` (None: the specs' own defaults)."""
    return {p.name: p.default for p in _with_preset(specs, preset)}


def changed_controls(specs, preset, values) -> list:
    """The specs whose value in `values` differs from the preset's. Two values are the same when a link writes
    them alike, so a slider's 0.15000000000000002 still equals a preset's 0.15."""
    want = preset_values(specs, preset)
    return [p for p in specs if fmt(values.get(p.name, p.default)) != fmt(want[p.name])]


def matching_preset(specs, presets, values, prefer=None):
    """The preset every control still equals (`prefer` first, when it does), or None for a custom setup."""
    for q in ([prefer] if prefer is not None else []) + list(presets):
        if not changed_controls(specs, q, values):
            return q
    return None


def closest_preset(specs, presets, values):
    """The preset the fewest controls differ from (the first of a tie): what a link without a preset came from."""
    return min(presets, key=lambda q: len(changed_controls(specs, q, values)))


def custom_note(specs, origin, values) -> str:
    """The caption of a custom setup: which controls differ from the preset it came from."""
    changed = [p.label or p.name for p in changed_controls(specs, origin, values)]
    named = changed[:MAX_NAMED_CHANGES]
    if len(changed) > len(named):
        named.append(plural(len(changed) - len(named), "other control"))
    verb = "differs" if len(changed) == 1 else "differ"
    return (f"{CUSTOM_LABEL}: {_md(join(named))} {verb} from the preset “{_md(origin.label)}”, so its notes no "
            "longer apply. Choose a preset above to start from it again.")


def log_steps(lo: float, hi: float) -> tuple:
    """The 1-2-5 steps from lo to hi inclusive, e.g. 1e-4, 2e-4, 5e-4, 1e-3, ..."""
    out, e = [], math.floor(math.log10(lo))
    while 10.0 ** e <= hi * 1.0001:
        for m in (1, 2, 5):
            v = float(f"{m * 10.0 ** e:.6g}")
            if lo * 0.9999 <= v <= hi * 1.0001:
                out.append(v)
        e += 1
    return tuple(out)


def fmt(value) -> str:
    """How a value is written in the URL and in notices."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _shown(raw: str) -> str:
    s = raw if len(raw) <= 24 else raw[:21] + "..."
    return "".join(c if c.isprintable() else "?" for c in s)


# A number in a link: optional sign, ASCII digits with an optional fraction (or a fraction alone, ".5"), optional
# exponent. float() alone would also take underscores ("1_000"), "inf", "nan" and non-ASCII digits ("٣٣", "１２").
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _parse_number(text: str):
    """The number `text` writes in plain ASCII decimal or exponent notation, surrounding whitespace allowed;
    None when it is anything else (or longer than MAX_RAW_CHARS). Too large a number reads as ±inf; -0 as 0."""
    if len(text) > MAX_RAW_CHARS:
        return None
    t = text.strip()
    if not _NUMBER.fullmatch(t):
        return None
    return float(t) + 0.0  # + 0.0 turns -0.0 into 0.0, so a link never writes "-0"


def _clamp_one(p: Param, text: str):
    """(value, notice or '') for one raw URL string."""
    shown = f"{p.name}={_shown(text)}"
    default = f"using the default {fmt(p.default)}."
    if p.kind == "choice":
        opts = p.options
        by_text = {fmt(o): o for o in opts}
        if text in by_text:
            return by_text[text], ""
        folded = {k.casefold(): v for k, v in by_text.items()}
        if text.strip().casefold() in folded:
            v = folded[text.strip().casefold()]
            return v, f"{shown} is written differently from '{fmt(v)}'; using {fmt(v)}."
        allowed = ", ".join(fmt(o) for o in opts[:12]) + (", ..." if len(opts) > 12 else "")
        return p.default, f"{shown} is not one of {allowed}; {default}"
    if p.kind == "bool":
        t = text.strip().casefold()
        if t in _TRUE or t in _FALSE:
            v = t in _TRUE
            return v, "" if t in ("true", "false") else f"{shown} read as {fmt(v)}."
        return p.default, f"{shown} is not true or false; {default}"
    x = _parse_number(text)
    if x is None or not math.isfinite(x):
        return p.default, f"{shown} is not a finite number; {default}"
    note = ""
    if p.kind == "int" and x != int(x):
        x = int(x)  # toward zero, as Streamlit's URL binding does
        note = f"{shown} is not a whole number; using {x}."
    if p.lo is not None and x < p.lo:
        v = type(p.default)(p.lo) if p.kind == "int" else float(p.lo)
        return v, f"{shown} is below the minimum {fmt(v)}; using {fmt(v)}."
    if p.hi is not None and x > p.hi:
        v = type(p.default)(p.hi) if p.kind == "int" else float(p.hi)
        return v, f"{shown} is above the maximum {fmt(v)}; using {fmt(v)}."
    if p.kind == "int":
        return int(x), note
    if p.kind == "log":
        opts = p.options
        if x <= 0:
            return opts[0], f"{shown} must be positive; using {fmt(opts[0])}."
        v = min(opts, key=lambda o: abs(math.log(o) - math.log(x)))
        if not math.isclose(v, x, rel_tol=1e-9):
            return v, f"{shown} is not one of the offered steps; using the nearest, {fmt(v)}."
        return v, ""
    return float(x), ""


def clamp_params(specs, raw) -> tuple[dict, list[str]]:
    """Parse and clamp raw URL values against specs. Pure: never raises on any raw input.

    raw maps keys to a string or a list of strings (a repeated key); the last value wins.
    Returns (values for every spec, human-readable notices for every change made).
    """
    values = {p.name: p.default for p in specs}
    notices: list[str] = []
    names = set(values)
    try:
        items = list(dict(raw).items()) if raw is not None else []
    except (TypeError, ValueError):
        return values, ["The URL parameters could not be read; using the defaults."]
    for key, val in items:
        key = str(key)
        if key not in names:
            if key.lower() not in _IGNORED_KEYS and key != PRESENT:  # page_setup reads present
                notices.append(f"Ignored the unknown setting '{_shown(key)}'.")
            continue
        p = next(s for s in specs if s.name == key)
        if isinstance(val, (list, tuple)):
            if not val:
                notices.append(f"{key} was given without a value; using the default {fmt(p.default)}.")
                continue
            if len(val) > 1:
                notices.append(f"{key} was given {len(val)} times; using the last one.")
            val = val[-1]
        values[key], note = _clamp_one(p, "" if val is None else str(val))
        if note:
            notices.append(note)
    return values, notices


# ---- Classroom screens: presenter mode ----
PRESENT = "present"  # URL key and toggle key of presenter mode; a link carries present=1 only while it is on
PRESENT_HELP = ("A projector view: the sidebar folds away, the heading shrinks and chart text grows, so the page's "
                "key charts fit one screen. The share link keeps it.")


def present_from_link(raw) -> tuple[bool, str]:
    """Presenter mode from the URL's `present` values (a list, the last one wins): (on, notice or '')."""
    if not raw:
        return False, ""
    text = str(raw[-1]).strip().casefold()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE, ""
    return False, f"{PRESENT}={_shown(str(raw[-1]))} is not 1 or 0; presenter mode is off."


def _md(text: str) -> str:
    """Escape Markdown so URL text is shown literally."""
    return "".join("\\" + c if c in "\\`*_[]<>#|~$" else c for c in text)


def share_url(values: dict, preset_id: str | None = None, base: str = "", present: bool = False) -> str:
    """The link that reproduces `values`: the preset, then every value (a stable, complete setup), then
    present=1 in presenter mode.

    A custom setup (preset_id CUSTOM or None) names no preset: its values are read over the defaults.
    """
    from urllib.parse import urlencode

    named = preset_id not in (None, CUSTOM)
    pairs = ([("preset", preset_id)] if named else []) + [(k, fmt(v)) for k, v in values.items()]
    pairs += [(PRESENT, "1")] if present else []
    return f"{base}?{urlencode(pairs)}"


def moment_within(name: str, value: int, last: int) -> tuple[int, str]:
    """A link's moment (a step, an iteration) kept within this run, which may end sooner than the control allows:
    (value, '') or (last, the notice that says so)."""
    if value <= last:
        return value, ""
    return last, f"{name}={value} is past this run's last {name}, {last}; using {last}."
