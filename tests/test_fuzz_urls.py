"""Hostile URLs: Hypothesis fuzzing of the URL parameters of every page.

Two layers:
1. `settings.params.clamp_params`, the pure parser behind every page's URL, against every page's SPECS (from its
   module in settings/) and against random specs: it never raises, every value comes back valid, and every change
   is listed.
2. Each page (app.py and pages/*.py) under AppTest with random hostile query strings: NaN, inf, huge and
   negative numbers, unicode, code-looking text, empty values, repeated keys and unknown keys. The page
   never shows an exception and always shows the notice naming what it changed.
Bounded in time: few AppTest examples per page, derandomized in CI so that a run is reproducible.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from settings import PAGES as SETTINGS_MODULES
from settings.params import PRESENT, Param, clamp_params, fmt

ROOT = Path(__file__).resolve().parents[1]
# app.py (the router, which runs the Playground as its home page), the Playground itself, and every lesson page
ALL_PAGES = [p for p in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))] if p.exists()]
# pages with settings read the URL through ui.controls; the others (the Glossary) read no URL at all
PAGES = [p for p in ALL_PAGES if "ui.controls(" in p.read_text(encoding="utf-8")]
# Start here reads its stop and answers from the link by hand (tests/test_route.py checks its notice)
PLAIN_PAGES = [p for p in ALL_PAGES if p not in PAGES and p.name != "0_Start_here.py"]
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
NOTICE = "Some settings in the link were changed"
APPTEST_TIMEOUT = 60

# Values that no kind of parameter reads: not a finite number in ASCII decimal or exponent notation, not true
# or false, and no page's choice. Every param gives its default and a notice naming it
# (test_always_bad_values_are_refused_by_every_param_of_every_page).
ALWAYS_BAD = [
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "", " ", "0x10", "1_000_000_000", "٣٣٣٣",
    "１２", "😀", "ünïcödé", "\u202e\u0000", "𝔘𝔫𝔦", "__import__('os')", "'; DROP TABLE x; --",
    "<script>alert(1)</script>", "../../etc/passwd", "%00", "1,5", "None", "[]", "{}", "x" * 500,
]
# Numbers beyond every page's range (the widest is the Playground seed's 0..2**32-1): a number param clamps them
# to its nearest end, a bool or a menu falls back to its default, and either way the notice names the param.
OUT_OF_EVERY_RANGE = ["1e308", "-1e308", "123456789012345678901234", "-99999999"]
REFUSED = ALWAYS_BAD + OUT_OF_EVERY_RANGE  # values the notice must name, whichever param of a page gets them
hostile_text = st.one_of(
    st.sampled_from(REFUSED),
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda x: f"{x:.3e}"),
)
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=1, max_size=3))
unknown_key = st.text(min_size=1, max_size=20).filter(lambda k: k.lower() not in ("embed", "embed_options"))

PROFILE = settings(
    database=None,  # write nothing to disk
    derandomize=IN_CI,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)


# ---------------------------------------------------------------- 1. the pure parser

def _spec_lists() -> dict[str, tuple]:
    """Every page's SPECS, by its settings module."""
    import importlib

    return {name: importlib.import_module(f"settings.{name}").SPECS for name in SETTINGS_MODULES}


SPEC_LISTS = _spec_lists()


@st.composite
def params(draw):
    kind = draw(st.sampled_from(["int", "float", "choice", "bool", "log"]))
    name = draw(st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True))
    if kind == "int":
        lo = draw(st.integers(-1000, 1000))
        hi = draw(st.integers(lo, lo + 10_000))
        return Param(name, draw(st.integers(lo, hi)), "int", lo=lo, hi=hi)
    if kind == "float":
        lo = draw(st.floats(-100, 100))
        hi = draw(st.floats(lo, lo + 1000))
        return Param(name, draw(st.floats(lo, hi)), "float", lo=lo, hi=hi)
    if kind == "log":
        lo = draw(st.sampled_from([1e-6, 1e-4, 1e-3, 0.01]))
        hi = draw(st.sampled_from([0.1, 1.0, 10.0, 100.0]))
        p = Param(name, lo, "log", lo=lo, hi=hi)
        return Param(name, draw(st.sampled_from(p.options)), "log", lo=lo, hi=hi)
    if kind == "bool":
        return Param(name, draw(st.booleans()), "bool")
    choices = tuple(draw(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=6, unique=True)))
    return Param(name, draw(st.sampled_from(choices)), "choice", choices=choices)


def _unique_specs(specs):
    seen, out = set(), []
    for p in specs:
        if p.name not in seen:
            seen.add(p.name)
            out.append(p)
    return out


def _valid(p, v) -> bool:
    if p.kind == "bool":
        return isinstance(v, bool)
    if p.kind in ("choice", "log"):
        return v in p.options
    if p.kind == "int":
        ok = isinstance(v, int) and not isinstance(v, bool)
    else:
        ok = isinstance(v, float) and math.isfinite(v)
    return ok and (p.lo is None or v >= p.lo) and (p.hi is None or v <= p.hi)


def _taken_verbatim(p, text: str, v) -> bool:
    """True when the raw text already meant exactly the value the parser returned."""
    if p.kind == "bool":
        return text.strip() in ("true", "false") and (text.strip() == "true") == v
    if p.kind == "choice":
        return text == fmt(v)
    if not text.isascii() or "_" in text:
        return False  # float() reads "1_000" and non-ASCII digits, but a link's numbers are ASCII decimal only
    try:
        x = float(text)
    except ValueError:
        return False
    return math.isfinite(x) and x == v


def check_clamp(specs, raw):
    values, notices = clamp_params(specs, raw)
    assert set(values) == {p.name for p in specs}
    assert all(isinstance(n, str) and n for n in notices)
    for p in specs:
        assert _valid(p, values[p.name]), (p, values[p.name])
    names = {p.name for p in specs}
    for key, val in raw.items():
        if key not in names:
            if key.lower() not in ("embed", "embed_options") and key != PRESENT:  # page_setup reads present
                assert notices, f"unknown key {key!r} was not reported"
            continue
        p = next(s for s in specs if s.name == key)
        texts = val if isinstance(val, list) else [val]
        if len(texts) > 1 or not _taken_verbatim(p, texts[-1], values[key]):
            assert notices, f"{key}={texts!r} became {values[key]!r} without a notice"
    return values, notices


@pytest.mark.fuzz
@settings(PROFILE, max_examples=300, deadline=None)
@given(specs=st.lists(params(), min_size=1, max_size=6).map(_unique_specs), data=st.data())
def test_clamp_params_random_specs(specs, data):
    keys = st.one_of(st.sampled_from([p.name for p in specs]), unknown_key)
    raw = data.draw(st.dictionaries(keys, hostile_value, max_size=8))
    check_clamp(specs, raw)


@pytest.mark.fuzz
@pytest.mark.parametrize("name", sorted(SPEC_LISTS))
@settings(PROFILE, max_examples=150, deadline=None)
@given(data=st.data())
def test_clamp_params_with_the_pages_specs(name, data):
    specs = _unique_specs(SPEC_LISTS[name])
    keys = st.one_of(st.sampled_from([p.name for p in specs]), unknown_key)
    raw = data.draw(st.dictionaries(keys, hostile_value, max_size=10))
    check_clamp(specs, raw)


def test_every_page_specs_were_found():
    """Each page with settings keeps its URL parameters in the SPECS of its settings module, which this fuzzer reads
    (test_params.py checks which page reads which module)."""
    assert len(SPEC_LISTS) == len(PAGES) and all(SPEC_LISTS.values())


PAGE_PARAMS = [p for name in sorted(SPEC_LISTS) for p in _unique_specs(SPEC_LISTS[name])]


def test_the_pages_offer_every_kind_of_param():
    assert {p.kind for p in PAGE_PARAMS} == {"int", "float", "log", "bool", "choice"}


@pytest.mark.parametrize("text", ALWAYS_BAD, ids=lambda t: repr(t)[:24])
def test_always_bad_values_are_refused_by_every_param_of_every_page(text):
    for p in PAGE_PARAMS:
        values, notices = clamp_params([p], {p.name: text})
        assert values == {p.name: p.default}, (p, text)
        assert len(notices) == 1 and notices[0].startswith(f"{p.name}="), (p, text, notices)
        assert notices[0].endswith(f"using the default {fmt(p.default)}."), (p, text, notices)


@pytest.mark.parametrize("text", OUT_OF_EVERY_RANGE)
def test_numbers_beyond_every_range_are_changed_with_a_notice_by_every_param_of_every_page(text):
    x = float(text)
    for p in PAGE_PARAMS:
        values, notices = clamp_params([p], {p.name: text})
        if p.kind in ("bool", "choice"):
            want = p.default
        else:
            assert not p.lo <= x <= p.hi, (p, text)  # the list's claim: beyond this param's range
            want = p.lo if x < p.lo else p.hi
        assert values[p.name] == want, (p, text)
        assert len(notices) == 1 and notices[0].startswith(f"{p.name}="), (p, text, notices)


def test_clamp_params_odd_containers():
    specs = [Param("width", 8, "int", lo=1, hi=32)]
    for raw in (None, {}, {"width": []}, {"width": [None]}, {"width": None}, [("width", "3")], 42, "width=3"):
        values, _ = clamp_params(specs, raw)
        assert values["width"] in range(1, 33)


# ---------------------------------------------------------------- 2. every page under AppTest

def _widget_keys(at) -> list[str]:
    """URL keys of a page = the keys of its widgets (Param.name is both); buttons are not settings."""
    from streamlit.testing.v1.element_tree import Widget

    keys = set()
    for root in (at.sidebar, at.main):
        for node in root:
            key = getattr(node, "key", None) if isinstance(node, Widget) else None
            if isinstance(key, str) and node.type not in ("button", "download_button", "form_submit_button"):
                keys.add(key)
    return sorted(k for k in keys if not k.startswith("_") and not k.startswith("$$"))


_KEYS_CACHE: dict[Path, list[str]] = {}


def page_keys(path: Path) -> list[str]:
    if path not in _KEYS_CACHE:
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(str(path), default_timeout=APPTEST_TIMEOUT).run()
        assert not at.exception, f"{path.name} raises at its defaults: {at.exception[0].value}"
        _KEYS_CACHE[path] = _widget_keys(at)
    return _KEYS_CACHE[path]


def _strip_md(text: str) -> str:
    return text.replace("\\", "")


def run_with_query(path: Path, query: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(path), default_timeout=APPTEST_TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.fuzz
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_page_survives_every_key_broken(path):
    """All of a page's URL keys at once, each with a value no parameter accepts, plus an unknown key."""
    keys = page_keys(path)
    assert keys, f"{path.name} has no widget keys to bind to the URL"
    query = {k: ALWAYS_BAD[i % len(ALWAYS_BAD)] or "nan" for i, k in enumerate(keys)}
    query["not_a_setting"] = "1"
    at = run_with_query(path, query)
    assert not at.exception, f"{path.name}: {at.exception[0].value}"
    warnings = _strip_md(" ".join(w.value for w in at.warning))
    assert NOTICE in warnings, f"{path.name} showed no notice for {query}"
    assert "not_a_setting" in warnings


@pytest.mark.fuzz
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
@settings(PROFILE, max_examples=4, deadline=None)
@given(data=st.data())
@example(data=None)
def test_every_page_survives_random_hostile_urls(path, data):
    keys = page_keys(path)
    if data is None:  # a fixed example: repeated keys and unicode on every key
        query = {k: ["1", "😀", "-1e999"] for k in keys} | {"ünknown": "x"}
        bad_keys = set(keys)
    else:
        chosen = data.draw(st.lists(st.sampled_from(keys), max_size=min(6, len(keys)), unique=True))
        query = {k: data.draw(hostile_value) for k in chosen}
        bad = data.draw(st.lists(st.sampled_from(chosen), max_size=len(chosen), unique=True)) if chosen else []
        for k in bad:  # some keys certainly get a value that no parameter takes as it is
            query[k] = data.draw(st.sampled_from(REFUSED))
        bad_keys = set(bad)
        query[data.draw(unknown_key.filter(lambda u: u not in keys))] = data.draw(hostile_text)
    at = run_with_query(path, query)
    assert not at.exception, f"{path.name} with {query!r}: {at.exception[0].value}"
    warnings = _strip_md(" ".join(w.value for w in at.warning))
    assert NOTICE in warnings, f"{path.name} showed no notice for {query!r}"
    for k in bad_keys:
        assert k in warnings, f"{path.name}: the notice does not name {k} (query {query!r})"


@pytest.mark.fuzz
@pytest.mark.parametrize("path", PLAIN_PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
@settings(PROFILE, max_examples=3, deadline=None)
@given(query=st.dictionaries(unknown_key, hostile_value, min_size=1, max_size=4))
@example(query={"preset": "he", "width": ["1", "😀", "-1e999"], "init": "<script>alert(1)</script>"})
def test_pages_without_settings_ignore_any_url(path, query):
    """A page without settings (the Glossary) reads nothing from the URL: any query string leaves it whole."""
    at = run_with_query(path, query)
    assert not at.exception, f"{path.name} with {query!r}: {at.exception[0].value}"
    assert not at.warning and at.markdown, path.name
    keys = [k for k in _widget_keys(at) if k != PRESENT]  # presenter mode is a way of showing, not a setting
    assert not keys, f"{path.name} has settings {keys} but does not read them through ui.controls"
