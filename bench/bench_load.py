"""Classroom load: many browser sessions training live against ONE `streamlit run app.py` server.

Each session is its own Playwright context (own cookies, own Streamlit session) in one headless Debian Chromium.
Every session opens the Playground, presses Play, and now and then moves the width slider. The script reports:
  - per-session live refresh rate (changes of the Step counter per second): min, p5, median;
  - slider -> update latency under load (key press until the width shown in "Layer 1 distinct" changes, and
    until the first chart redraw after that): p50, p95;
  - server CPU (share of one core, and of the machine) and RSS (peak and at the end), read from /proc;
  - a soak phase: a few sessions kept training at top speed (Reset + Play whenever a run ends) for a longer time,
    with the server's RSS sampled over it, to show whether memory stays bounded.

Browsers and server share this machine's cores, so the client side costs CPU that a real class would spend on
30 separate laptops; Chromium therefore runs at a lower priority (nice 10) so that the server is served first.

Usage: python bench/bench_load.py [--sessions 30] [--seconds 60] [--soak-minutes 5] [--soak-sessions 3]
"""
from __future__ import annotations

import argparse
import os
import re
import stat
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_browser import CHART, CHROMIUM, CHROMIUM_ARGS, INSTRUMENT, WATCH_STEP, Server  # noqa: E402

CLK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# Logs in-page when the width shown by the "Layer 1 distinct" metric changes, and the next chart redraw after it.
WATCH_WIDTH = """
() => {
  if (window.__sbWidth) return;
  window.__sbWidth = [];
  let last = null, pending = null;
  setInterval(() => {
    if (pending && window.__sb.lastChart > pending.t) { pending.chart = window.__sb.lastChart; pending = null; }
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
      const label = m.querySelector('[data-testid="stMetricLabel"]');
      if (label && label.innerText.trim() === 'Layer 1 distinct') {
        const w = m.querySelector('[data-testid="stMetricValue"]').innerText.split('/').pop().trim();
        if (last !== null && w !== last) { pending = {t: performance.now(), w: w, chart: null};
                                           window.__sbWidth.push(pending); }
        last = w;
        return;
      }
    }
  }, 20);
}
"""


# ---------------------------------------------------------------- /proc readings

def proc_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime


def proc_rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) in MB."""
    rss = hwm = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return rss, hwm


def machine_busy_seconds() -> float:
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts[:8]) - idle) / CLK


class RssSampler(threading.Thread):
    """Samples the server's RSS every `period` seconds into self.samples: [(t, rss_mb)]."""

    def __init__(self, pid: int, period: float = 2.0):
        super().__init__(daemon=True)
        self.pid, self.period, self.samples = pid, period, []
        self._halt = threading.Event()
        self.t0 = time.monotonic()

    def run(self):
        while not self._halt.is_set():
            try:
                self.samples.append((time.monotonic() - self.t0, proc_rss_mb(self.pid)[0]))
            except OSError:
                return
            self._halt.wait(self.period)

    def stop(self):
        self._halt.set()
        self.join(5)


# ---------------------------------------------------------------- browser side

def niced_chromium() -> str:
    """A wrapper that starts Debian's Chromium at nice 10, so the server under test gets the CPU first."""
    path = Path(tempfile.mkdtemp(prefix="bench-chromium-")) / "chromium"
    path.write_text(f'#!/bin/sh\nexec nice -n 10 "{CHROMIUM}" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def open_sessions(browser, url: str, n: int, timeout_ms: float, draw_charts: bool):
    """n contexts on url. Without draw_charts the 4.7 MB Plotly bundle is refused, so charts are not drawn in
    the browser; the server still computes and sends every figure, so its load is the same."""
    pages = []
    ready = CHART if draw_charts else '[data-testid="stMetric"]'
    for _ in range(n):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.add_init_script(INSTRUMENT)
        ctx.set_default_timeout(timeout_ms)
        if not draw_charts:
            ctx.route("**/PlotlyChart.*.js", lambda route: route.abort())
        page = ctx.new_page()
        page.goto(url, wait_until="commit")
        pages.append(page)
    opened = []
    for page in pages:
        try:
            page.wait_for_selector(ready, timeout=timeout_ms)
            opened.append(page)
        except Exception as exc:  # a session that never loads is reported, not fatal
            print(f"  a session did not load within {timeout_ms / 1000:.0f} s: {exc.__class__.__name__}",
                  file=sys.stderr)
    return opened


def press_play(page) -> None:
    page.get_by_role("button", name=re.compile(r"play", re.I)).first.click()


def width_thumb(page):
    return page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has_text="Units per hidden layer").first.locator('input[type="range"]')


def percentile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def run_load(browser, url: str, sessions: int, seconds: float, slider_every: float, server: Server,
             draw_charts: bool) -> dict:
    t_open = time.monotonic()
    pages = open_sessions(browser, url, sessions, timeout_ms=120_000, draw_charts=draw_charts)
    open_s = time.monotonic() - t_open
    for p in pages:
        p.evaluate(WATCH_STEP)
        p.evaluate(WATCH_WIDTH)
    for p in pages:
        press_play(p)
    time.sleep(3.0)  # every session is playing now

    cpu0, busy0, w0 = proc_cpu_seconds(server.pid), machine_busy_seconds(), time.monotonic()
    starts = [p.evaluate("performance.now()") for p in pages]
    presses: list[tuple[int, float]] = []  # (page index, page time of the key press)
    next_slider, k, direction = time.monotonic() + slider_every, 0, "ArrowRight"
    end = w0 + seconds
    while time.monotonic() < end:
        if time.monotonic() >= next_slider and pages:
            i = k % len(pages)
            try:
                t0 = pages[i].evaluate("performance.now()")
                width_thumb(pages[i]).focus()
                pages[i].keyboard.press(direction if (k // len(pages)) % 2 == 0 else "ArrowLeft")
                presses.append((i, t0))
            except Exception as exc:
                print(f"  slider press failed on session {i}: {exc.__class__.__name__}", file=sys.stderr)
            k += 1
            next_slider = time.monotonic() + slider_every
        time.sleep(0.05)
    wall = time.monotonic() - w0
    cpu = proc_cpu_seconds(server.pid) - cpu0
    busy = machine_busy_seconds() - busy0
    ends = [p.evaluate("performance.now()") for p in pages]

    rates, latencies, chart_latencies, refreshes = [], [], [], 0
    for i, p in enumerate(pages):
        log = p.evaluate("window.__sbStep")
        n = sum(1 for t, _ in log if starts[i] <= t <= ends[i])
        refreshes += n
        rates.append(n / ((ends[i] - starts[i]) / 1000))
        changes = p.evaluate("window.__sbWidth")
        for j, t0 in [(j, t) for j, t in presses if j == i]:
            after = [c for c in changes if c["t"] > t0]
            if after:
                latencies.append(after[0]["t"] - t0)
                if after[0]["chart"]:
                    chart_latencies.append(after[0]["chart"] - t0)
    for p in pages:
        try:
            p.get_by_role("button", name=re.compile("pause", re.I)).first.click(timeout=5000)
        except Exception:
            pass
    for p in pages:
        p.context.close()
    return {
        "sessions": len(pages), "open_s": open_s, "wall": wall, "rates": rates, "lat": latencies,
        "chart_lat": chart_latencies, "presses": len(presses), "server_cpu": cpu / wall, "machine_cpu": busy / wall,
        "cpu_per_refresh_ms": 1000 * cpu / refreshes if refreshes else float("nan"), "refreshes": refreshes,
    }


def run_soak(browser, url: str, sessions: int, minutes: float, server: Server,
             draw_charts: bool) -> list[tuple[float, float]]:
    """Sessions training at top speed for `minutes`; Reset + Play whenever a run ends. Returns RSS samples."""
    pages = open_sessions(browser, url, sessions, timeout_ms=120_000, draw_charts=draw_charts)
    for p in pages:
        press_play(p)
    sampler = RssSampler(server.pid, period=10.0)
    sampler.start()
    end = time.monotonic() + minutes * 60
    while time.monotonic() < end:
        for p in pages:  # a finished run disables Pause and enables Play again: start over
            try:
                play = p.get_by_role("button", name=re.compile("play", re.I)).first
                if play.is_enabled():
                    p.get_by_role("button", name=re.compile("reset", re.I)).first.click(timeout=5000)
                    play.click(timeout=5000)
            except Exception:
                pass
        time.sleep(5)
    sampler.stop()
    for p in pages:
        p.context.close()
    return sampler.samples


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the measured window under load")
    ap.add_argument("--slider-every", type=float, default=1.0, help="seconds between slider moves (round robin)")
    ap.add_argument("--path", default="/", help="page path and query for the load phase")
    ap.add_argument("--soak-minutes", type=float, default=5.0, help="0 skips the soak phase")
    ap.add_argument("--soak-sessions", type=int, default=3)
    ap.add_argument("--soak-path", default="/?speed=200", help="page path and query for the soak phase")
    ap.add_argument("--draw-charts", action="store_true",
                    help="let every browser draw the Plotly charts too (costs the shared CPU a lot)")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    load_before = Path("/proc/loadavg").read_text().split()[:3]
    server = Server()
    try:
        rss_base = proc_rss_mb(server.pid)[0]
        sampler = RssSampler(server.pid, period=1.0)
        sampler.start()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=niced_chromium(), headless=True, args=CHROMIUM_ARGS)
            load = run_load(browser, server.url + args.path, args.sessions, args.seconds, args.slider_every, server,
                            args.draw_charts)
            sampler.stop()
            rss_now, rss_peak = proc_rss_mb(server.pid)
            soak = []
            if args.soak_minutes > 0:
                soak = run_soak(browser, server.url + args.soak_path, args.soak_sessions, args.soak_minutes, server,
                                args.draw_charts)
            browser.close()
        rss_end, rss_peak_all = proc_rss_mb(server.pid)
    finally:
        server.stop()

    r = load
    rates = r["rates"]
    rows = [
        ("browsers draw the Plotly charts", "yes" if args.draw_charts else "no (server sends them all)", ""),
        ("sessions (Playwright contexts, one Chromium)", f"{r['sessions']} of {args.sessions} loaded "
                                                         f"(all opened in {r['open_s']:.0f} s)", ""),
        ("measured window", f"{r['wall']:.0f} s, {r['presses']} slider moves", ""),
        ("per-session refreshes/s: min / p5 / median",
         f"{min(rates):.2f} / {percentile(rates, 0.05):.2f} / {statistics.median(rates):.2f}" if rates else "n/a",
         ">= 1 for every session"),
        ("sessions below 1 refresh/s", f"{sum(x < 1 for x in rates)}", "0"),
        ("slider -> new width shown: p50 / p95",
         f"{percentile(r['lat'], .5):.0f} / {percentile(r['lat'], .95):.0f} ms (n={len(r['lat'])})", ""),
        ("slider -> first chart redraw after it: p50 / p95",
         f"{percentile(r['chart_lat'], .5):.0f} / {percentile(r['chart_lat'], .95):.0f} ms "
         f"(n={len(r['chart_lat'])})", ""),
        ("server CPU (share of one core)", f"{100 * r['server_cpu']:.0f} %", "2 cores = 200 %"),
        ("whole machine CPU (server + Chromium)", f"{100 * r['machine_cpu'] / (os.cpu_count() or 1):.0f} % "
                                                  f"of {os.cpu_count()} cores", ""),
        ("server CPU per live refresh", f"{r['cpu_per_refresh_ms']:.0f} ms ({r['refreshes']} refreshes)", ""),
        ("server RSS: idle / peak under load / now", f"{rss_base:.0f} / {rss_peak:.0f} / {rss_now:.0f} MB",
         "<= 1024 MB"),
    ]
    if soak:
        first, last = soak[0][1], soak[-1][1]
        half = [x for t, x in soak if t >= soak[-1][0] / 2]
        rows.append((f"soak: {args.soak_sessions} sessions x {args.soak_minutes:g} min at top speed: RSS start / "
                     "max / end", f"{first:.0f} / {max(x for _, x in soak):.0f} / {last:.0f} MB", "bounded"))
        rows.append(("soak: RSS range over its second half", f"{min(half):.0f} - {max(half):.0f} MB", ""))
    rows.append(("server peak RSS over the whole run (VmHWM)", f"{rss_peak_all:.0f} MB", "<= 1024 MB"))

    width = max(len(x[0]) for x in rows)
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    print(f"\nLoad benchmark: {args.sessions} sessions on {server.url}{args.path}, {os.cpu_count()} cores; "
          f"load average before {' '.join(load_before)}, after {' '.join(load_after)}\n")
    print(f"| {'measure'.ljust(width)} | result | goal |")
    print(f"|{'-' * (width + 2)}|--------|------|")
    for name, value, goal in rows:
        print(f"| {name.ljust(width)} | {value} | {goal} |")
    if soak:
        print("\nsoak RSS samples (s, MB): " + ", ".join(f"({t:.0f}, {x:.0f})" for t, x in soak))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
