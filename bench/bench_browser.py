"""Browser benchmark of the Playground: what a person at the projector feels.

Starts `streamlit run app.py` on a free loopback port, drives Debian's headless Chromium with Playwright and
prints a table of:
  - open -> first chart: from navigation start to the first drawn Plotly chart, and to the finished first run;
  - slider -> charts: from a slider key press to the last chart update it caused (median of N changes), and
    from the rerun request leaving the browser to that update (the first includes the slider's own debounce);
  - live refreshes per second while playing: step-counter changes and chart redraws per second.

Usage: python bench/bench_browser.py [--changes 10] [--live-seconds 10] [--url URL] [--runs 3]
With --url it measures an already running server instead of starting one.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SYMBREAK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
CHART = ".js-plotly-plot:has(.main-svg)"  # a drawn Plotly chart: st.plotly_chart's or the chart grid's
STEP_RE = re.compile(r"\b[Ss]tep\W{1,4}([\d,]+)")

# Installed before any page script: timestamps of chart DOM changes and of messages sent to the server.
# Times are epoch ms (timeOrigin + now).
INSTRUMENT = """
if (window === window.top) (() => {
  const sb = window.__sb = {chartMut: 0, lastChart: 0, firstChart: 0, sends: []};
  const now = () => performance.timeOrigin + performance.now();
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) { sb.sends.push(now()); return send.call(this, data); };
  const inChart = (n) => { const e = n && (n.nodeType === 1 ? n : n.parentElement);
                           return !!(e && e.closest && (e.closest('[data-testid="stPlotlyChart"]') ||
                                                        e.closest('.js-plotly-plot'))); };
  new MutationObserver((ms) => {
    if (ms.some((m) => inChart(m.target))) {
      const t = now();
      if (!sb.firstChart) sb.firstChart = t;
      sb.chartMut++; sb.lastChart = t;
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run` on loopback; pid for CPU/RSS readings from /proc."""

    def __init__(self, script: str = "app.py", extra: tuple[str, ...] = (), cwd: Path = ROOT):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="bench-streamlit-", suffix=".log", delete=False)
        cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(self.port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra]
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {Path(self.log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("streamlit did not become healthy in 60 s")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def launch(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def new_page(browser, viewport=(1400, 1000)):
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    ctx.add_init_script(INSTRUMENT)
    ctx.set_default_timeout(60_000)
    return ctx, ctx.new_page()


def running(page) -> bool:
    return page.locator('[data-testid="stStatusWidget"]').count() > 0


def now_ms(page) -> float:
    return page.evaluate("performance.timeOrigin + performance.now()")


def chart_times(page) -> tuple[float, float]:
    """(first, last) chart change on the page, in epoch ms; 0 when none yet."""
    return tuple(page.evaluate("[window.__sb.firstChart, window.__sb.lastChart]"))


def charts_drawn(page) -> int:
    return page.locator(CHART).count()


def wait_charts(page, at_least: int = 1, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while charts_drawn(page) < at_least:
        if time.monotonic() > deadline:
            raise TimeoutError(f"fewer than {at_least} charts drawn after {timeout:.0f} s")
        time.sleep(0.05)


def wait_quiet(page, since: float, quiet_ms: float = 300, timeout: float = 30.0) -> float:
    """Wait until charts changed after `since` (epoch ms) and then stayed unchanged for quiet_ms.

    Returns the epoch ms of the last chart change, or NaN on timeout.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now, (_, last) = now_ms(page), chart_times(page)
        if last > since and now - last >= quiet_ms and not running(page):
            return last
        time.sleep(0.03)
    return float("nan")


def read_step(page) -> int | None:
    m = STEP_RE.search(page.locator('[data-testid="stMain"]').inner_text())
    return int(m.group(1).replace(",", "")) if m else None


def measure_open(browser, url: str, warm: bool = False) -> tuple[float, float]:
    """(ms to first chart drawn, ms to the first run finished and charts quiet) from navigation start.

    Cold: a new browser context (empty HTTP cache), as a first visit. Warm: a reload in a context that has
    loaded the page once, as a second visit.
    """
    ctx, page = new_page(browser)
    try:
        if warm:
            page.goto(url)
            wait_charts(page)
        page.goto(url, wait_until="commit")
        start = page.evaluate("performance.timeOrigin")
        wait_charts(page)
        last = wait_quiet(page, since=0.0, quiet_ms=500)
        first, _ = chart_times(page)
        return first - start, last - start
    finally:
        ctx.close()


def slider_thumb(page, label: str | None):
    sliders = page.locator('[data-testid="stSlider"]')
    if label:
        sliders = sliders.filter(has_text=label)
    return sliders.first.locator('input[type="range"]')


def measure_slider(page, changes: int, label: str | None) -> tuple[list[float], list[float]]:
    """Latencies (ms) key press -> last chart update, and rerun request -> last chart update."""
    thumb = slider_thumb(page, label)
    thumb.focus()
    from_input, from_request = [], []
    for i in range(changes):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        t0 = now_ms(page)
        page.keyboard.press(key)
        last = wait_quiet(page, since=t0)
        sent = page.evaluate(f"window.__sb.sends.filter(t => t > {t0})[0] ?? null")
        if last == last:  # not NaN
            from_input.append(last - t0)
            if sent is not None:
                from_request.append(last - sent)
        time.sleep(0.2)
    return from_input, from_request


def click_button(page, name: str) -> None:
    page.get_by_role("button", name=re.compile(name, re.I)).first.click()


# Logs in-page every change of the "Step" metric: [page time, text]. Cheap enough to run in many tabs at once.
WATCH_STEP = """
() => {
  if (window.__sbStep) return;
  window.__sbStep = [];
  let last = null;
  setInterval(() => {
    for (const m of document.querySelectorAll('[data-testid="sbNumber"], [data-testid="stMetric"]')) {
      const label = m.querySelector('[data-testid="sbNumberLabel"] > span, [data-testid="stMetricLabel"]');
      if (label && label.innerText.trim() === 'Step') {
        const t = m.querySelector('[data-testid="sbNumberValue"], [data-testid="stMetricValue"]').innerText;
        if (t !== last) { window.__sbStep.push([performance.now(), t]); last = t; }
        return;
      }
    }
  }, 25);
}
"""


def grid_draws(page) -> int:
    """Grids the Playground's chart grid (components/charts) has finished drawing so far."""
    return int(page.evaluate("(document.querySelector('.sb-grid') || {dataset: {}}).dataset.draws || 0"))


def measure_live(page, seconds: float) -> dict:
    """While playing: step-counter changes per second and complete redraws of the chart grid per second."""
    page.evaluate(WATCH_STEP)
    click_button(page, r"^\W*play\b")
    time.sleep(1.0)  # let the first live refresh arrive
    t0, b0 = page.evaluate("performance.now()"), grid_draws(page)
    time.sleep(seconds)
    t1, b1, log = page.evaluate("performance.now()"), grid_draws(page), page.evaluate("window.__sbStep")
    click_button(page, r"pause")
    window = [(t, int(v.replace(",", ""))) for t, v in log if t0 <= t <= t1 and v.replace(",", "").isdigit()]
    dt = (t1 - t0) / 1000
    steps = (window[-1][1] - window[0][1]) / dt if len(window) > 1 else float("nan")
    return {"counter_per_s": len(window) / dt, "redraws_per_s": (b1 - b0) / dt, "steps_per_s": steps}


def fmt_ms(xs: list[float]) -> str:
    if not xs:
        return "n/a"
    return f"{statistics.median(xs):.0f} ms (min {min(xs):.0f}, max {max(xs):.0f}, n={len(xs)})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="measure this running server instead of starting one")
    ap.add_argument("--path", default="/", help="page path and query, e.g. '/?preset=constant_05'")
    ap.add_argument("--runs", type=int, default=3, help="page opens to time")
    ap.add_argument("--changes", type=int, default=10, help="slider changes to time")
    ap.add_argument("--slider", default=None, help="label text of the sidebar slider to move (default: first)")
    ap.add_argument("--live-seconds", type=float, default=10.0)
    ap.add_argument("--root", type=Path, default=ROOT, help="folder holding app.py (default: this repository)")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    load_before = Path("/proc/loadavg").read_text().split()[:3]
    server = None if args.url else Server(cwd=args.root)
    base = args.url or server.url
    url = base.rstrip("/") + args.path
    rows = []
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            measure_open(browser, url)  # warm-up: first import, caches, Chromium start
            opens = [measure_open(browser, url) for _ in range(args.runs)]
            rows.append(("open (new visitor) -> first chart", fmt_ms([o[0] for o in opens]), "goal <= 2000 ms"))
            rows.append(("open (new visitor) -> all charts drawn", fmt_ms([o[1] for o in opens]), ""))
            opens = [measure_open(browser, url, warm=True) for _ in range(args.runs)]
            rows.append(("reopen (cached) -> first chart", fmt_ms([o[0] for o in opens]), "goal <= 2000 ms"))
            rows.append(("reopen (cached) -> all charts drawn", fmt_ms([o[1] for o in opens]), ""))
            ctx, page = new_page(browser)
            page.goto(url)
            wait_charts(page)
            wait_quiet(page, since=0.0, quiet_ms=500)
            from_input, from_request = measure_slider(page, args.changes, args.slider)
            rows.append(("slider key -> charts updated (median)", fmt_ms(from_input), "goal <= 300 ms"))
            rows.append(("rerun request -> charts updated (median)", fmt_ms(from_request), ""))
            live = measure_live(page, args.live_seconds)
            rows.append(("live: step-counter refreshes per s", f"{live['counter_per_s']:.1f}", "goal >= 5"))
            rows.append(("live: chart redraws per s", f"{live['redraws_per_s']:.1f}", ""))
            rows.append(("live: training steps per s", f"{live['steps_per_s']:.0f}", ""))
            ctx.close()
            browser.close()
    finally:
        if server:
            server.stop()
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    print_table(f"Browser benchmark: {url}  (Chromium headless, {os.cpu_count()} cores; load average before "
                f"{' '.join(load_before)}, after {' '.join(load_after)})", rows)
    return 0


def print_table(title: str, rows) -> None:
    """Print a title and (measure, result, goal) rows as a Markdown table."""
    width = max(len(r[0]) for r in rows)
    print(f"\n{title}\n")
    print(f"| {'measure'.ljust(width)} | result | goal |")
    print(f"|{'-' * (width + 2)}|--------|------|")
    for name, value, goal in rows:
        print(f"| {name.ljust(width)} | {value} | {goal} |")


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: stop the server we started
    raise SystemExit(main())
