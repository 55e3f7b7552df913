"""Shared page helpers: URL-safe controls and a process-wide limiter for heavy engine work.

The one place where pages meet the URL. `clamp_params` is pure (no Streamlit) so it can be
fuzzed; `controls` renders sidebar widgets bound to the URL and tells the user, in a visible
notice, about every URL value it had to change. Nothing the user supplies is evaluated.
"""
from __future__ import annotations

import math
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from narration import glossary
from narration.words import join, plural

# ---- Resource limits (issue 5: fair share) ----
MAX_HEAVY_JOBS = 2  # heavy engine calls running at once across all sessions (one per core here)
HEAVY_JOB_WAIT = 60.0  # seconds a session waits for a free slot before it gets a "server busy" message
WORK_PER_REFRESH = 250_000  # live training: steps x network parameters advanced per refresh, per session
MAX_RAW_CHARS = 64  # URL values longer than this are rejected unread

_heavy = threading.BoundedSemaphore(MAX_HEAVY_JOBS)

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")
_IGNORED_KEYS = ("embed", "embed_options")  # Streamlit's own URL switches


class Busy(TimeoutError):
    """No heavy-job slot became free in time."""


@contextmanager
def heavy_job(wait: float = HEAVY_JOB_WAIT):
    """Hold one of MAX_HEAVY_JOBS process-wide slots while the block runs; raise Busy after `wait` s."""
    if not _heavy.acquire(timeout=wait):
        raise Busy(f"The server is busy with {MAX_HEAVY_JOBS} heavy computations; please try again in a moment.")
    try:
        yield
    finally:
        _heavy.release()


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


# ---- Streamlit side ----

def _raw_query():
    import streamlit as st

    qp = st.query_params
    return {k: qp.get_all(k) for k in qp}


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


def page_setup(title: str, icon: str) -> bool:
    """The page's first Streamlit call: page config and CSS, in presenter mode or not; returns whether it is on.

    Presenter mode comes from the toggle when it is on the page, else from this session's earlier pages, else
    from the link (?present=1). Presenting, the sidebar starts collapsed; Streamlit applies that on a rerun too,
    unless the visitor opened or closed the sidebar by hand in this browser (then their choice wins).
    """
    import streamlit as st

    state = st.session_state
    if PRESENT in state:  # the toggle, as last clicked
        on = bool(state[PRESENT])
    elif "_ui_present" in state:
        on = bool(state["_ui_present"])
    else:
        on, note = present_from_link(st.query_params.get_all(PRESENT))
        if note:
            state["_ui_present_note"] = note
    state["_ui_present"] = on
    st.set_page_config(page_title=title, page_icon=icon, layout="wide",
                       initial_sidebar_state="collapsed" if on else "auto")
    st.html(f"<style>{_PAGE_CSS}{_PRESENT_CSS if on else ''}</style>")
    return on


def presenting() -> bool:
    """Whether this run draws the presenter view (as page_setup decided)."""
    import streamlit as st

    return bool(st.session_state.get("_ui_present", False))


def _present_toggle(box):
    """The small presenter-mode switch; the URL gets present=1 while it is on and loses it when off."""
    import streamlit as st

    st.session_state.setdefault(PRESENT, presenting())
    box.toggle("Presenter mode", key=PRESENT, help=PRESENT_HELP, width="content")
    want = "1" if st.session_state[PRESENT] else None
    if st.query_params.get(PRESENT) != want:
        if want is None:
            del st.query_params[PRESENT]
        else:
            st.query_params[PRESENT] = want


# Streamlit 1.67's DOM (inspected in Chromium): stHeader is the fixed bar at the top, holding the button that
# reopens a collapsed sidebar; stMainBlockContainer is the main column, with 6rem of top padding and, in the wide
# layout, 5rem at each side; st.title is an h1 in stHeading; .st-key-ui_quick is the quick-controls row. The
# selectors repeat a parent so they outrank Streamlit's own class rules whatever order the styles load in.
_PAGE_CSS = """
.stApp header[data-testid="stHeader"] { height: 2.5rem; min-height: 2.5rem; }
.stMain [data-testid="stMainBlockContainer"] { padding-top: 3.25rem; }
@media (min-width: 736px) {
  .stMain [data-testid="stMainBlockContainer"] { padding-left: 2rem; padding-right: 2rem; }
}
.stMain [data-testid="stHeading"] h1 { font-size: 2rem; line-height: 1.2; padding: 0 0 0.5rem 0; }
.stMain .st-key-ui_quick { row-gap: 0.25rem; }
.stMain [data-testid="stMarkdownContainer"] .katex-display { overflow-x: auto; overflow-y: hidden; }
@media (max-width: 640px) {
  .stMain [data-testid="stHeading"] h1 { font-size: 1.6rem; }
  .stMain .st-key-ui_quick > .stElementContainer:not(.st-key-present) { flex: 1 1 100% !important; width: 100%; }
}
"""
_PRESENT_CSS = """
.stMain [data-testid="stMainBlockContainer"] { padding-top: 2.75rem; padding-bottom: 1rem; }
.stMain [data-testid="stHeading"] h1 { font-size: 1.5rem; padding-bottom: 0.25rem; }
"""


# The sidebar's page list, drawn by us: Streamlit's own list would call the home page "app" after its file.
PAGES = (
    ("app.py", "Playground", ":material/play_circle:"),
    ("pages/1_Side_by_side.py", "Side by side", ":material/compare:"),
    ("pages/2_Worked_example.py", "The worked example", ":material/calculate:"),
    ("pages/3_Depth_and_scale.py", "Depth and scale", ":material/stacked_line_chart:"),
    ("pages/4_Restarts.py", "Restarts", ":material/casino:"),
    ("pages/5_Error_surface.py", "The error surface", ":material/landscape:"),
    ("pages/6_Glossary.py", "Glossary", ":material/menu_book:"),
)


def navigation():
    """Links to every page at the top of the sidebar (client.showSidebarNavigation is off)."""
    import streamlit as st
    from streamlit.errors import StreamlitPageNotFoundError

    try:
        for path, label, icon in PAGES:
            st.sidebar.page_link(path, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        return  # a page run on its own (AppTest of one file) has no other pages to link to
    st.sidebar.divider()


def page_without_controls():
    """The sidebar's page list for a page with no settings; the next page with controls gets back its own."""
    import streamlit as st

    st.session_state["_ui_page"] = "_ui_page:none"
    navigation()
    _present_toggle(st.container(key="ui_quick", horizontal=True))


def controls(specs, presets=None, container=None) -> dict:
    """Render `specs` as widgets bound to the URL and return their values.

    On the session's first page the clamped URL values seed st.session_state under the widget
    keys, and every change is listed in a st.warning; on a later page switch the page gets back its
    own last values (or its first preset). Choosing a preset sets every control at once.
    With `presets` (a sequence of Preset), a "preset" selector comes first: a URL
    `?preset=x&width=8` applies preset x, then the explicit URL values override it. The selector shows
    a preset, with its notes, only while every control still equals it; once one differs it shows
    "Custom setup" and says what changed from which preset. Widget defaults follow the preset shown (the
    specs' own defaults for a custom setup), so the URL holds the preset and what differs from it, or,
    for a custom setup, no preset and everything that differs from the defaults.
    """
    import streamlit as st

    if container is None:
        navigation()
    box = container if container is not None else st.sidebar
    specs = list(specs)
    # Pages share widget keys (width, steps, preset...) but not their ranges, so the session state
    # is (re)seeded whenever this page's controls differ from the last page's: from the link on the
    # session's first page, else from this page's own last values (or its defaults).
    page = "_ui_page:" + _signature(specs, presets)
    saved = st.session_state.setdefault("_ui_saved", {})
    first_run = "_ui_page" not in st.session_state
    if st.session_state.get("_ui_page") != page:
        if first_run:
            values, notices = _from_link(specs, presets)
        else:
            values, notices = saved.get(page) or _defaults(specs, presets), []
        st.session_state.update(values)
        st.session_state["_ui_notices"] = notices
        st.session_state["_ui_page"] = page
    current = {p.name: st.session_state.get(p.name, p.default) for p in specs}
    shown = _preset_shown(specs, presets, current) if presets else None
    base = _with_preset(specs, shown)
    if first_run:  # no widget is bound yet: write the address bar in the form _from_link reads back
        for p in base:
            _sync_unbound(p.name, current[p.name], p.default)
    quick = st.container(key="ui_quick", horizontal=True, vertical_alignment="bottom")
    note = _preset_selector(quick, specs, presets, shown, current) if presets else ""
    main = {p.name for p in base if p.main}
    values = {p.name: _widget(quick, p, current) for p in base if p.main}
    _present_toggle(quick)
    if note:
        st.caption(note)
    notices = st.session_state.get("_ui_notices") or []
    if notices:
        st.warning("Some settings in the link were changed:\n\n" + "\n".join(f"- {_md(n)}" for n in notices))
    values = {p.name: values[p.name] if p.name in main else _widget(box, p, current) for p in base}
    for p in base:
        if _by_hand(p):
            _sync_unbound(p.name, values[p.name], p.default)
    saved[page] = values | ({"_ui_origin": st.session_state["_ui_origin"]} if presets else {})
    return values


def _signature(specs, presets) -> str:
    import hashlib

    return hashlib.sha1(repr((specs, [q.id for q in presets or ()])).encode()).hexdigest()[:16]


def _from_link(specs, presets):
    """The session's first page: values from the URL, clamped, and the notice listing every change.

    With a preset in the link its values come first and the link's other values override them; without
    one, the link's values override the specs' own defaults. "_ui_origin" is the link's preset, if any.
    """
    import streamlit as st

    raw = _raw_query()
    chosen, notices = None, []
    if presets and "preset" in raw:
        spec = Param("preset", presets[0].id, "choice", choices=tuple(q.id for q in presets))
        got, notices = clamp_params([spec], {"preset": raw["preset"]})
        chosen = next(q for q in presets if q.id == got["preset"])
    rest = {k: v for k, v in raw.items() if k != "preset" or not presets}
    values, more = clamp_params(_with_preset(specs, chosen), rest)
    present = [st.session_state.pop("_ui_present_note")] if "_ui_present_note" in st.session_state else []
    return values | ({"_ui_origin": chosen.id if chosen else None} if presets else {}), notices + more + present


def _defaults(specs, presets):
    """This page's own starting values: its first preset applied to the defaults."""
    first = presets[0] if presets else None
    return preset_values(specs, first) | ({"_ui_origin": first.id} if first else {})


def _with_preset(specs, preset):
    if preset is None:
        return specs
    return [Param(**{**p.__dict__, "default": preset.values.get(p.name, p.default)}) for p in specs]


def _preset_shown(specs, presets, current):
    """The preset the controls equal (None: a custom setup); keeps "preset" and "_ui_origin" in step with it."""
    import streamlit as st

    origin = next((q for q in presets if q.id == st.session_state.get("_ui_origin")), None)
    shown = matching_preset(specs, presets, current, prefer=origin)
    st.session_state["_ui_origin"] = (shown or origin or closest_preset(specs, presets, current)).id
    want = shown.id if shown else CUSTOM
    if st.session_state.get("preset") != want:
        st.session_state["preset"] = want
        for p in specs:  # set again, so that Streamlit rewrites each URL value against the new widget default
            st.session_state[p.name] = current[p.name]
    return shown


def _preset_selector(box, specs, presets, shown, current) -> str:
    """The preset menu ("Custom setup" is in it only while it is the setup); returns its caption."""
    import streamlit as st

    labels = {q.id: q.label for q in presets} | {CUSTOM: CUSTOM_LABEL}
    options = [q.id for q in presets] + ([] if shown else [CUSTOM])
    box.selectbox("Preset", options, key="preset", help="Sets every control at once.", format_func=labels.get,
                  on_change=_apply_preset, args=(specs, presets), width=PRESET_WIDTH_PX)
    _sync_unbound("preset", st.session_state["preset"], CUSTOM)  # a custom setup's link names no preset
    if shown is None:
        origin = next(q for q in presets if q.id == st.session_state["_ui_origin"])
        return custom_note(specs, origin, current)
    return shown.about


def _apply_preset(specs, presets):
    import streamlit as st

    chosen = next((q for q in presets if q.id == st.session_state.get("preset")), None)
    if chosen is None:
        return  # "Custom setup" itself changes nothing
    st.session_state.update(preset_values(specs, chosen))
    st.session_state["_ui_origin"] = chosen.id
    st.session_state["_ui_notices"] = []


def _clear_notices():
    import streamlit as st

    st.session_state["_ui_notices"] = []


def _sync_unbound(key, value, default):
    """Keep an unbound key in the URL by hand: written when it changes, dropped when it equals the default."""
    import streamlit as st

    want = None if fmt(value) == fmt(default) else fmt(value)
    if st.query_params.get(key) != want:
        if want is None:
            del st.query_params[key]
        else:
            st.query_params[key] = want


def _number_box(p: Param) -> bool:
    """Wide int ranges get a number box, which is NOT bound to the URL by Streamlit: its URL parser
    crashes on ?seed=1e999 (OverflowError in Streamlit 1.67), so controls() syncs it by hand."""
    return p.kind == "int" and not (p.hi is not None and p.lo is not None and p.hi - p.lo <= 1000)


def _by_hand(p: Param) -> bool:
    """Controls that controls() keeps in the URL itself: number boxes (see _number_box) and menus, because
    Streamlit would write a menu's shown words ("He (normal)") into the URL; the link keeps the value (he_normal)."""
    return _number_box(p) or p.kind == "choice"


def _md(text: str) -> str:
    """Escape Markdown so URL text is shown literally."""
    return "".join("\\" + c if c in "\\`*_[]<>#|~$" else c for c in text)


# Widths in the quick-controls row: each control keeps a readable width and the row wraps on a phone (390 px
# leaves about 350 px for the main column, so no width may exceed that).
PRESET_WIDTH_PX = 330
QUICK_WIDTH_PX = 250


def _widget(box, p: Param, current: dict):
    # The default matters even though controls() has seeded the session state: a URL-bound widget leaves
    # out of the URL any value equal to its default, so the default must be the preset's value, or a
    # shared link would lose settings. (Streamlit's "default and Session State" log line is switched off
    # in .streamlit/config.toml: seeding both is deliberate here.) A control that does not apply is drawn
    # disabled: it keeps its value and its place in the link, and its help says why.
    off = not p.applies(current)
    text = f"{p.why} {p.help}".strip() if off else p.help
    common = dict(key=p.name, help=text or None, on_change=_clear_notices, disabled=off)
    if p.main:
        common["width"] = QUICK_WIDTH_PX
    if not _by_hand(p):
        common["bind"] = "query-params"
    label = p.label or p.name
    if p.kind == "bool":
        return box.checkbox(label, value=bool(p.default), **common)
    if p.kind == "choice":
        opts = list(p.options)
        return box.selectbox(label, opts, index=opts.index(p.default), format_func=p.label_of, **common)
    if p.kind == "log":
        return box.select_slider(label, options=list(p.options), value=p.default, format_func=fmt, **common)
    if p.kind == "int":
        if p.hi is not None and p.lo is not None and p.hi - p.lo <= 1000:
            return box.slider(label, int(p.lo), int(p.hi), value=int(p.default), step=int(p.step or 1), **common)
        return box.number_input(label, min_value=None if p.lo is None else int(p.lo),
                                max_value=None if p.hi is None else int(p.hi),
                                value=int(p.default), step=int(p.step or 1), **common)
    digits = max(2, -math.floor(math.log10(p.step))) if p.step else 2  # show a 0.001 step as 0.001, not 0.00
    return box.slider(label, float(p.lo), float(p.hi), value=float(p.default), step=p.step, format=f"%.{digits}f",
                      **common)


SHARE_NOTE = "Anyone who opens this link sees this page with exactly these settings."


def share_link(values: dict, note: str = SHARE_NOTE) -> str:
    """Show `note` and the clickable link that reproduces this page's setup; return the link.

    A plain Markdown link, not st.code: the code block's highlighter is a 1.5 MB script that delayed
    the first metrics of a cold page load by about 1.5 s on a 2-core machine (measured in Chromium).
    """
    import streamlit as st

    link = share_url(values, st.session_state.get("preset"), base=st.context.url or "", present=presenting())
    st.markdown(f"{note}\n\n[{_md(link)}]({link})")
    return link


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


# ---- Charts drawn in place ----
# st.plotly_chart hashes the whole figure into its element id, so in Streamlit 1.67 every
# redraw of a changed figure remounts the chart: it flashes blank and costs a full Plotly.newPlot.
# Charts that change often (the Playground's and Side by side's) are drawn instead by
# components/charts/charts.js, a Streamlit v2 component (no iframe) that stays mounted across reruns
# and calls Plotly.react on the same divs. It loads our small plotly.js bundle from static/ (the
# plotly.js version the plotly package targets, a quarter of the full size) when it first has charts.

CHARTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "components", "charts")
PLOTLY_BUNDLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static", "plotly-symbreak.min.js")
GRID_TRACES = ("scatter", "bar", "heatmap", "contour")  # the trace types in that bundle
# Cells share a row by their weights; below MIN_CELL_PX each they wrap one under the other at full width
# (a 1280-pixel projector with the sidebar open), where titles, legends and labels would otherwise collide.
MIN_CELL_PX = 420
_CHARTS_CSS = f"""
.sb-row {{ display: flex; flex-wrap: wrap; gap: 16px; margin-bottom: 16px; }}
.sb-cell {{ min-width: min(100%, {MIN_CELL_PX}px); }}
"""
_chart_component = None

# The smallest chart text, in px: titles, tick labels, axis titles, legends, annotations and text on the marks.
CHART_FONT_PX = 14  # on a screen: the page's own text is 18 px, and 12 px tick labels read as a smudge beside it
PRESENT_FONT_PX = 16  # in presenter mode: what the back row of a classroom can read on a 1280x720 projector
PLOTLY_FONT_PX = 12  # plotly.js's size for text whose figure sets none


def font_floor() -> int:
    """The smallest chart text for this run: PRESENT_FONT_PX when presenting, else CHART_FONT_PX."""
    return PRESENT_FONT_PX if presenting() else CHART_FONT_PX


def floor_fonts(fig: dict, floor: int) -> dict:
    """A figure dict ({"data", "layout"}) whose every font is at least `floor` px; `fig` is left as it is.

    Explicit sizes below the floor are raised. A font without a size inherits the layout's font (plotly.js draws
    titles and axis titles larger than it), so the layout's font gets the floor when it has less or none.
    Only the dicts on the way to a changed font are copied: data arrays are shared, not walked.
    """
    out = _floor(fig, floor)
    layout = out.get("layout") or {}
    font = layout.get("font") or {}
    if "size" not in font:
        out = {**out, "layout": {**layout, "font": {**font, "size": max(floor, PLOTLY_FONT_PX)}}}
    return out


def _floor(obj, floor):
    """obj with every font dict's size raised to `floor`; the same object when nothing changes."""
    if isinstance(obj, dict):
        changed = {}
        for k, v in obj.items():
            if isinstance(v, dict) and isinstance(k, str) and (k == "font" or k.endswith("font")):
                size = _raised(v.get("size"), floor)
                new = _floor(v, floor) if size is None else {**v, "size": size}
            elif isinstance(v, (dict, list, tuple)):
                new = _floor(v, floor)
            else:
                continue
            if new is not v:
                changed[k] = new
        return {**obj, **changed} if changed else obj
    if isinstance(obj, (list, tuple)):
        new = [_floor(v, floor) if isinstance(v, (dict, list, tuple)) else v for v in obj]
        return new if any(a is not b for a, b in zip(new, obj)) else obj
    return obj


def _raised(size, floor):
    """A font size (a number, or one per point) raised to `floor`; None when it needs no change."""
    import numpy as np

    if isinstance(size, (int, float)) and not isinstance(size, bool):
        return floor if size < floor else None
    if isinstance(size, (list, tuple, np.ndarray)) and len(size) and min(size) < floor:
        return [max(float(x), floor) for x in size]
    return None


def _fig_dict(fig) -> dict:
    """A go.Figure or raw spec as a {"data", "layout"} dict (a raw spec is one already)."""
    return fig if isinstance(fig, dict) else fig.to_plotly_json()


def plotly_chart(fig, key: str, height: int | None = None, key_chart: bool = False):
    """st.plotly_chart for the lesson pages: no Streamlit theme, no mode bar, chart text at least font_floor().

    key_chart: one of the page's key charts, which its presenter screen shows whole; it is drawn in a container
    with the class st-key-sb-key-<key>, which the screen tests look for (like a chart grid's sb-key cells)."""
    import streamlit as st

    box = st.container(key=f"sb-key-{key}") if key_chart else st.container()
    from symbreak_core.figures import as_figure  # a go.Figure: st.plotly_chart trips on a raw spec with no traces

    box.plotly_chart(as_figure(floor_fonts(_fig_dict(fig), font_floor())), key=key, theme=None,
                     config={"displayModeBar": False}, **({} if height is None else {"height": height}))


def _charts():
    global _chart_component
    if _chart_component is None:
        import streamlit as st

        with open(os.path.join(CHARTS_DIR, "charts.js"), encoding="utf-8") as f:
            js = f.read()
        _chart_component = st.components.v2.component("symbreak_charts", js=js, css=_CHARTS_CSS,
                                                      isolate_styles=False)
    return _chart_component


def chart_grid(rows, key: str):
    """Draw rows of figures in place: rows = [[(figure, relative width[, key chart]), ...], ...]; heights from the
    figures. A cell whose third item is True is one of the page's key charts (class sb-key on its cell).

    A figure is a go.Figure or, faster, a raw spec from a symbreak_core.figures builder called with raw=True.
    Only the trace types in GRID_TRACES can be drawn. The grid stays mounted across reruns as long as `key`
    and its position on the page stay the same.
    """
    import streamlit as st

    if not st.get_option("server.enableStaticServing"):  # turned off, overriding our .streamlit/config.toml
        _plain_charts(rows, key)
        return
    # plotly escapes "/" for <script> embedding; not needed in a message
    floor = font_floor()
    spec = [[{"fig": _grid_json(cell[0], floor), "w": cell[1], "h": _height(cell[0]), "key": _is_key(cell)}
             for cell in row] for row in rows]
    _charts()(data={"rows": spec}, key=key)


def _is_key(cell) -> bool:
    """A chart-grid cell (figure, weight[, key chart]) marked as one of the page's key charts."""
    return len(cell) > 2 and bool(cell[2])


def _grid_json(fig, floor: int) -> str:
    """A grid figure's JSON with its text raised to `floor` (plotly escapes "/" for <script> embedding; a
    message does not need it)."""
    from symbreak_core.figures import as_figure, spec_json

    spec = floor_fonts(_fig_dict(fig), floor)
    return spec_json(spec if isinstance(fig, dict) else as_figure(spec)).replace("\\u002f", "/")


def _height(fig) -> int:
    """The height a figure asks for: a raw spec's layout is a dict, a go.Figure's a go.Layout."""
    layout = fig["layout"] if isinstance(fig, dict) else fig.layout
    return int((layout.get("height") if isinstance(layout, dict) else layout.height) or 400)


def _plain_charts(rows, key: str):
    """The same rows with st.plotly_chart: slower and they flash on redraw, but they need no static files."""
    import streamlit as st

    if rows:
        st.caption("Charts are in compatibility mode because static file serving is off: keep the project's "
                   "`.streamlit/config.toml` or pass `--server.enableStaticServing true` for faster charts.")
    for r, row in enumerate(rows):
        for c, (col, cell) in enumerate(zip(st.columns([cell[1] for cell in row]), row)):
            with col:
                plotly_chart(cell[0], key=f"{key}_{r}_{c}", height=_height(cell[0]), key_chart=_is_key(cell))
