"""Shared fixtures: one real `streamlit run app.py` server per test session and headless Debian Chromium.

Browser tests (marked `e2e`) drive /usr/bin/chromium through Playwright's Python driver. If Chromium is
missing they are skipped on a developer machine, but fail in CI (CI=true), where it must have been installed.
"""
from __future__ import annotations

import asyncio
import base64
import html
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

import numpy as np
import pytest

# The server's BLAS setting (ui.limits: one thread) for every test, whichever test imports what first: round-off in
# wide sums depends on how BLAS splits them between threads, and the tests should see what the server computes.
import ui.limits  # noqa: F401,E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def nothing_shared_between_tests():
    """Each test starts with no steps or frames kept from another test's sessions (ui/frames.py): a test that
    patches the engine must see its own sessions compute."""
    from ui import frames

    frames.clear()
    yield
    frames.clear()

# Saved moments (ui/moments.py) go to a folder of this test run's own, for the tests and the servers they start
os.environ["SYMBREAK_MOMENTS_DIR"] = tempfile.mkdtemp(prefix="symbreak-moments-test-")
CHROMIUM = Path(os.environ.get("SYMBREAK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
SERVER_START_TIMEOUT = 60.0
VIEWPORT = {"width": 1400, "height": 1000}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """A `streamlit run` subprocess on a free loopback port, its output captured to a log file."""

    def __init__(self, script: str = "app.py", cwd: Path = ROOT, extra_args: tuple[str, ...] = ()):
        self.script = script
        self.cwd = cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
        self.extra_args = extra_args
        self.proc: subprocess.Popen | None = None

    def start(self) -> StreamlitServer:
        cmd = [
            sys.executable, "-m", "streamlit", "run", self.script,
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(self.port),
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *self.extra_args,
        ]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy within {SERVER_START_TIMEOUT:.0f} s:\n{self.log()}")

    def log(self, tail: int = 8000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None


_SERVERS: list[StreamlitServer] = []


@pytest.fixture(scope="session")
def streamlit_server():
    """One `streamlit run app.py` for the whole session; its log is shown when a browser test fails."""
    if not (ROOT / "app.py").exists():
        pytest.fail("app.py does not exist")
    server = StreamlitServer().start()
    _SERVERS.append(server)
    yield server
    server.stop()
    _SERVERS.remove(server)
    server.log_path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        msg = f"{CHROMIUM} not found; install Debian's chromium (bash scripts/test.sh does it)"
        if IN_CI:
            pytest.fail(msg + " -- in CI the browser tests must run")
        pytest.skip(msg)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser(chromium_path):
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            pytest.fail("the playwright package is missing (pip install -r requirements-dev.txt)")
        pytest.skip("the playwright package is not installed")
    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def shared_context(browser):
    """One browser context for the tests that need no isolation: its HTTP cache keeps page loads fast.

    Every page opened in it still gets its own Streamlit session (one websocket per page).
    """
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture()
def new_context(browser):
    """Factory of fresh, isolated browser contexts (own cookies, storage and cache), closed after the test.
    Keyword options go to Playwright's new_context (e.g. user_agent=...)."""
    made = []

    def make(**options):
        ctx = browser.new_context(viewport=VIEWPORT, **options)
        ctx.set_default_timeout(30_000)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture()
def page(shared_context):
    """A new tab (so a new Streamlit session); uncaught JavaScript errors are collected in page.js_errors."""
    p = shared_context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.js_errors = errors  # type: ignore[attr-defined]
    yield p
    p.close()


@pytest.fixture()
def static_serving():
    """What .streamlit/config.toml gives the server (AppTest reads it only when run from the project folder)."""
    from streamlit import config

    before = config.get_option("server.enableStaticServing")
    config.set_option("server.enableStaticServing", True)
    yield
    config.set_option("server.enableStaticServing", before)


# ---------------------------------------------------------------- helpers for the browser tests
# Import them in a test module with `from conftest import ...`.

EXCEPTION = '[data-testid="stException"]'
CHART = ".js-plotly-plot:has(.main-svg)"  # a drawn Plotly chart: st.plotly_chart's or the chart grid's
WARNING = '[data-testid="stAlertContentWarning"]'


def charts_drawn(page) -> int:
    """Plotly charts drawn on the page."""
    return page.locator(CHART).count()


def wait_for_charts(page, timeout_ms: float = 45_000) -> None:
    """Wait until a chart is drawn on the page, or an exception element shows."""
    page.wait_for_selector(f"{CHART}, {EXCEPTION}", timeout=timeout_ms)


def open_app(page, url: str, timeout_ms: float = 45_000) -> None:
    """Open a page and wait until it has drawn a chart (or shown an exception) and its script run ended."""
    page.goto(url)
    wait_for_charts(page, timeout_ms)
    wait_idle(page)


def run_alone(coroutine):
    """asyncio.run(coroutine) on a thread of its own, its result or its error here: a browser test earlier in the
    same process (Playwright's sync API) may leave an event loop running on this thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def wait_idle(page, timeout_ms: float = 15_000) -> None:
    """Wait until the 'Running...' status widget has been absent for 0.3 s (or the timeout passes)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if not page.locator('[data-testid="stStatusWidget"]').count():
            time.sleep(0.3)
            if not page.locator('[data-testid="stStatusWidget"]').count():
                return
        time.sleep(0.1)


def exception_text(page) -> str:
    loc = page.locator(EXCEPTION)
    return "\n---\n".join(loc.nth(i).inner_text() for i in range(loc.count()))


def metric(page, label: str) -> str:
    """The shown value of the number whose label is exactly `label`: one of a chart grid's panel (ui.Panel; the
    Playground's), or an st.metric."""
    name = re.compile(rf"^\s*{re.escape(label)}\s*$")
    box = page.locator('[data-testid="sbNumber"], [data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="sbNumberLabel"] > span:first-child, [data-testid="stMetricLabel"]',
                         has_text=name))
    return box.first.locator('[data-testid="sbNumberValue"], [data-testid="stMetricValue"]').inner_text().strip()


def step_count(page) -> int:
    return int(metric(page, "Step").replace(",", ""))


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` until it returns a truthy value; fail the test with `what` on timeout."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # the element may be re-rendering right now
            last_exc = exc
        time.sleep(interval)
    detail = f" (last error: {last_exc})" if last_exc else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{detail}")


def typed_array(v):
    """A figure's array back to numpy: plotly's typed array ({"dtype", "bdata", "shape"}, base64 bytes) is
    decoded and reshaped; anything else (a plain list, a number) goes through np.asarray."""
    import base64

    import numpy as np

    if isinstance(v, dict) and "bdata" in v and "dtype" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return a.reshape([int(n) for n in str(v["shape"]).split(",")]) if "shape" in v else a
    return np.asarray(v)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the streamlit server log to every failed test that used the server."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and "streamlit_server" in getattr(item, "fixturenames", ()):
        for server in _SERVERS:
            report.sections.append((f"streamlit server log ({server.url})", server.log()))


def button(page, label: str):
    """The main area's button labelled exactly `label` (Streamlit adds ' Shortcut <key>' to a button's accessible
    name when it has a keyboard shortcut, so 'Step' must not also match 'Step ×10')."""
    name = re.compile(rf"^{re.escape(label)}( Shortcut\b.*)?$")
    return page.locator('[data-testid="stMain"]').get_by_role("button", name=name)


# ---- the chart grid's messages (ui/transport.py), decoded as static/charts-grid.js decodes them ----
_NP = {"f4": np.float32, "f8": np.float64, "u1": np.uint8, "u2": np.uint16, "i1": np.int8, "i2": np.int16,
       "i4": np.int32, "u4": np.uint32}


class ChartClient:
    """The chart grid's decoder (static/charts-grid.js), in Python: holds each chart's tree; refuses a message that
    builds on one it did not receive."""

    def __init__(self):
        self.epoch, self.charts, self.codes = None, {}, {}

    def receive(self, message: dict) -> bool:
        msg = json.loads(json.dumps(message, allow_nan=False))  # what the wire carries
        if msg["base"] is not None and msg["base"] != self.epoch:
            return False  # lost: ask for the full picture
        charts = {}
        for cid, patch in msg["charts"].items():
            charts[cid] = self.charts[cid] if patch is None else self._apply(self.charts.get(cid), patch, cid)
        self.charts, self.epoch = charts, msg["epoch"]
        return True

    def _apply(self, old, patch, path):
        if "$v" in patch:
            return self._value(patch["$v"], path)
        if "$p" in patch:
            out = dict(old)
            for k, p in patch["$p"].items():
                out[k] = self._apply(old.get(k), p, f"{path}.{k}")
            for k in patch.get("$x", []):
                del out[k]
            return out
        if "$l" in patch:
            out = list(old)
            for i, p in patch["$l"].items():
                out[int(i)] = self._apply(old[int(i)], p, f"{path}.{i}")
            return out
        return self._array(patch["$a"], path)

    def _value(self, v, path):
        if isinstance(v, dict):
            if "$a" in v:
                return self._array(v["$a"], path)
            return {k: self._value(x, f"{path}.{k}") for k, x in v.items()}
        if isinstance(v, list):
            return [self._value(x, f"{path}.{i}") for i, x in enumerate(v)]
        return v

    def _array(self, a, path):
        raw = base64.b64decode(a["b"])
        raw = zlib.decompress(raw) if a.get("z") else raw
        dt = _NP[a["dt"]]
        x = np.frombuffer(raw, dtype=dt)
        if "keep" in a:
            x = np.concatenate([self.codes[path][: a["keep"]], x])
        elif a.get("sub"):
            x = (self.codes[path] + x).astype(dt)  # modulo 2**bits
        elif a.get("xor"):
            x = np.bitwise_xor(self.codes[path].view(np.uint8), np.frombuffer(raw, np.uint8)).view(dt)
        x = x.reshape(a["sh"]) if "sh" in a else x
        self.codes[path] = x.ravel().copy()
        if "q" in a:
            lo, step = a["q"]
            top = np.iinfo(dt).max
            x = np.where(x == top, np.nan, lo + x.astype(np.float64) * step)
        return x




def grid_elements(at) -> list:
    """The chart grids (ui.chart_grid's component elements) on an AppTest page, in order."""
    return [c for c in at.get("bidi_component") if c.proto.component_name == "symbreak_charts"]


def chart_grids(at) -> list[tuple[str, list[list[dict]]]]:
    """Each chart grid on an AppTest page: (its element id, rows of its figures as the browser holds them after
    this run, each with "_w", "_h" and "_key" from the grid's layout). Call it after every run whose charts a
    test reads: a grid's message builds on the one before."""
    clients = at.__dict__.setdefault("_sb_chart_clients", {})
    out = []
    for grid in grid_elements(at):
        data = json.loads(grid.proto.bytes)
        msg = data["msg"]
        client = ChartClient() if msg["base"] is None else clients.get(grid.proto.id, ChartClient())
        if client.receive(msg):
            clients[grid.proto.id] = client
            held = client.charts
        else:  # the test did not read the message this one builds on: take what the server says the browser holds
            key = grid.proto.id.rsplit("-", 1)[1]
            held = at.session_state["_ui_chart_encoders"][key].held()
            clients.pop(grid.proto.id, None)
        out.append((grid.proto.id, [[held[c["id"]] | {"_w": c["w"], "_h": c["h"], "_key": c["key"]}
                                     for c in row] for row in data["rows"]]))
    return out


def grid_figures(at) -> list[dict]:
    """Every figure of an AppTest page's chart grids, row by row (chart_grids: read once per run)."""
    return [fig for _, rows in chart_grids(at) for row in rows for fig in row]


def page_figures(at) -> list[dict]:
    """Every figure on an AppTest page: st.plotly_chart's, then the chart grids' (grid_figures: read once per run)."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")] + grid_figures(at)


def live_panel(at) -> dict | None:
    """The numbers and words a chart grid on an AppTest page draws with its charts (ui.Panel), its words back in
    the Markdown they were written in: {"numbers": {label: value}, "help": {label: help}, "note", "error", "more",
    "foot", "side"}. None when no grid carries one (static serving off draws them with st.metric and st.info)."""
    def markdown(text: str) -> str:  # ui.charts.inline_html undone: its only markup is **bold**
        return html.unescape(re.sub(r"</?strong>", "**", text))

    for grid in grid_elements(at):
        p = json.loads(grid.proto.bytes).get("panel")
        if p is not None:
            return {"numbers": {label: value for label, value, _ in p["numbers"]},
                    "help": {label: help_ for label, _, help_ in p["numbers"]}, "note": markdown(p["note"]),
                    "error": p["error"], "more": markdown(p["more"]), "foot": markdown(p["foot"]), "side": p["side"]}
    return None


def shown_metric(at, label: str) -> str:
    """The value an AppTest page shows for the number `label`: in its chart grid's panel, or as an st.metric."""
    p = live_panel(at)
    return p["numbers"][label] if p else next(m.value for m in at.metric if m.label == label)


def shown_note(at) -> str:
    """The Markdown of an AppTest page's main note: its chart grid's panel, or its first st.info or st.error."""
    p = live_panel(at)
    return p["note"] if p else (at.info or at.error)[0].value


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook, which reads the groups to schedule them
def pytest_collection_modifyitems(config, items):
    """scripts/test.sh runs the suite in two pytest-xdist workers: every browser test goes to one of them, where they
    run one after another (they share a server, and two browsers at once on two cores slow both), while the other
    worker takes the tests without a browser. Measured: a second browser group (the screen survey) made the run
    longer, 250 s against 240 s."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("browser"))
    # the browser tests first, so that their worker starts on them at once: they are the longest part of the run
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)


# The niceness a pytest-xdist worker takes once it runs a test without a browser (see pytest_runtest_setup).
BROWSERLESS_NICENESS = 10
_yielding = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """In a pytest-xdist worker, a test without a browser runs at a lower CPU priority than the browser tests.

    The browser worker is the whole length of a run: its tests, the server they drive and Chromium wait on each
    other, leaving a core idle much of the time, and the other worker's tests, which need only CPU, used to take
    the cores from them just when a page was being drawn. At a lower priority they fill the idle time instead. A
    worker that runs a test without a browser stays at the lower priority (a process cannot raise its own priority
    again without privileges): the browser tests come first (pytest_collection_modifyitems), so that happens only
    after the browser worker's last browser test. Without xdist nothing changes."""
    global _yielding
    if not _yielding and os.environ.get("PYTEST_XDIST_WORKER") and item.get_closest_marker("e2e") is None and (
            hasattr(os, "nice")):  # not on Windows
        _yielding = True
        os.nice(BROWSERLESS_NICENESS)


def _link_values() -> tuple[str, ...]:
    from narration.glossary import OPTION_LABELS

    return tuple(v for v in OPTION_LABELS if "_" in v)  # he_normal, leaky_relu...: a link's, never a sentence's


def link_values_shown(at, figures: list[dict]) -> list[str]:
    """The option values of links (he_normal, leaky_relu) that an AppTest page writes where a reader sees words: in
    its Markdown, captions and alerts, its charts' titles, legends, notes and axis titles (figures: its charts as
    read once for this run), and its chart grid's numbers and note. A link or a code span may hold them."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title", "header")
    shown = [str(e.value) for kind in kinds for e in at.get(kind)]
    for fig in figures:
        layout = fig.get("layout") or {}
        shown += [json.dumps(layout.get("title")), json.dumps([a.get("text") for a in layout.get("annotations", [])])]
        shown += [json.dumps((layout[k] or {}).get("title")) for k in layout if k.startswith(("xaxis", "yaxis"))]
        shown += [str(t.get("name", "")) for t in fig.get("data", []) if t.get("showlegend", True) is not False]
    panel = live_panel(at)
    if panel is not None:
        shown.append(json.dumps(panel))
    text = re.sub(r"`[^`]*`|https?://\S+|\]\([^)]*\)|[?&]\S*=\S*", " ", "\n".join(shown))
    return [v for v in _link_values() if re.search(rf"\b{v}\b", text)]
