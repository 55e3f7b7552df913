"""The page's frame and controls: page setup and presenter mode, the sidebar's page list, widgets bound to the
URL (seeded from a link, clamped, with a notice for every change), presets, and the share link.

The pure part (what a control may hold, how a link is read) is settings.params; this module is its Streamlit side.
"""
from __future__ import annotations

import hashlib
import math
import time

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from narration.run import headline
from narration.words import num
from settings.params import (
    CUSTOM,
    CUSTOM_LABEL,
    PRESENT,
    PRESENT_HELP,
    Param,
    _md,
    _with_preset,
    clamp_params,
    closest_preset,
    custom_note,
    fmt,
    matching_preset,
    present_from_link,
    preset_values,
    share_url,
)
from ui.charts import forget_grids


def _raw_query():
    qp = st.query_params
    return {k: qp.get_all(k) for k in qp}


def page_setup(title: str, icon: str) -> bool:
    """The page's first Streamlit call: page config and CSS, in presenter mode or not; returns whether it is on.

    Presenter mode comes from the toggle when it is on the page, else from this session's earlier pages, else
    from the link (?present=1). Presenting, the sidebar starts collapsed; Streamlit applies that on a rerun too,
    unless the visitor opened or closed the sidebar by hand in this browser (then their choice wins).
    """
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
    if state.get("_ui_grids_page") != title:  # coming from another page (or a new session): its grids start afresh
        forget_grids()
        state["_ui_grids_page"] = title
    st.set_page_config(page_title=title, page_icon=icon, layout="wide",
                       initial_sidebar_state="collapsed" if on else "auto")
    st.html(f"<style>{_PAGE_CSS}{_PRESENT_CSS if on else ''}</style>")
    return on


def presenting() -> bool:
    """Whether this run draws the presenter view (as page_setup decided)."""
    return bool(st.session_state.get("_ui_present", False))


def _present_toggle(box):
    """The small presenter-mode switch; the URL gets present=1 while it is on and loses it when off."""
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
.stMain .js-plotly-plot .modebar { right: 0 !important; }
.stMain .js-plotly-plot .modebar-group { padding-left: 0 !important; }
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
    ("pages/0_Start_here.py", "Start here", ":material/flag:"),
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
    try:
        for path, label, icon in PAGES:
            st.sidebar.page_link(path, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        return  # a page run on its own (AppTest of one file) has no other pages to link to
    st.sidebar.divider()


def page_without_controls():
    """The sidebar's page list for a page with no settings; the next page with controls gets back its own."""
    st.session_state["_ui_page"] = "_ui_page:none"
    navigation()
    _present_toggle(st.container(key="ui_quick", horizontal=True))


def controls(specs, presets=None, container=None, moment: Param | None = None) -> dict:
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

    `moment` (e.g. the Playground's step) is read from the link, clamped and listed like the others, but drawn as
    no widget: the page reads it once with opened_moment() and keeps it in the address bar itself.
    """
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
            values, notices = _from_link(specs + ([moment] if moment else []), presets)
            if moment:
                value = values.pop(moment.name)
                if moment.name in _raw_query():  # a link without a moment opens the page where it opens
                    st.session_state[_MOMENT] = value
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
    if note:  # presenting, its first sentence: a longer one took the key charts' last lines off a projector
        head, rest = headline([note]) if presenting() else (note, "")
        st.caption(head, help=note if rest else None)
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
    return hashlib.sha1(repr((specs, [q.id for q in presets or ()])).encode()).hexdigest()[:16]


# s: the browser can deliver one button click twice: with a live refresh, then on its own, within milliseconds or
# after one redraw of the page (app.py). A callback that cannot tell the two apart by what the page showed ignores
# a second delivery this soon after the first.
SECOND_DELIVERY = 0.5
clock = time.monotonic  # seconds; a test may set its own, so a slow machine's reruns do not look like new clicks


def delivered_again(key: str, playing: bool) -> bool:
    """In a button's callback: whether this click is a second delivery of one taken while playing. A click taken
    while playing is noted under `key` (session state) and is never itself a second delivery."""
    now = clock()
    if playing:
        st.session_state[key] = now
        return False
    return now - st.session_state.get(key, -SECOND_DELIVERY) < SECOND_DELIVERY


_MOMENT = "_ui_moment"  # the moment a link opened the session at, until the page reads it


def opened_moment():
    """The moment (see controls) the session's link asked for, once: None on every later run, or when the link
    named none."""
    return st.session_state.pop(_MOMENT, None)


def keep_moment(name: str, value: int, default: int = 0):
    """Write the page's moment into the address bar (and drop it at its default), so a link or a reload
    opens this page at the same point."""
    _sync_unbound(name, value, default)


def _from_link(specs, presets):
    """The session's first page: values from the URL, clamped, and the notice listing every change.

    With a preset in the link its values come first and the link's other values override them; without
    one, the link's values override the specs' own defaults. "_ui_origin" is the link's preset, if any.
    """
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




def _preset_shown(specs, presets, current):
    """The preset the controls equal (None: a custom setup); keeps "preset" and "_ui_origin" in step with it."""
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
    chosen = next((q for q in presets if q.id == st.session_state.get("preset")), None)
    if chosen is None:
        return  # "Custom setup" itself changes nothing
    st.session_state.update(preset_values(specs, chosen))
    st.session_state["_ui_origin"] = chosen.id
    st.session_state["_ui_notices"] = []


def _clear_notices():
    st.session_state["_ui_notices"] = []


def _sync_unbound(key, value, default):
    """Keep an unbound key in the URL by hand: written when it changes, dropped when it equals the default."""
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
        # its labels as a sentence writes numbers: 2 × 10⁻⁵, not 2e-05 (the link keeps fmt's)
        return box.select_slider(label, options=list(p.options), value=p.default, format_func=num, **common)
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
    link = share_url(values, st.session_state.get("preset"), base=st.context.url or "", present=presenting())
    st.markdown(f"{note}\n\n[{_md(link)}]({link})")
    return link
