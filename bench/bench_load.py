"""Classroom load: many sessions training live against ONE `streamlit run app.py` server.

Default client (`--client ws`): each session is a websocket client that speaks Streamlit's protocol
(bench/ws_client.py), as the browser's frontend does, but draws nothing. On this 2-core machine 30 real
Chromium tabs cannot run beside the server (tried: with 30 Playwright contexts in one Chromium, even with the
Plotly bundle blocked, the machine was saturated by the browser and every session got about 0.01 refresh/s
while the server used under half a core), so the protocol clients stand in for 30 laptops.
`--client browser` runs the same scenario with Playwright contexts in one headless Chromium instead.

Every session opens the Playground, presses Play, and now and then moves the width slider. The script reports:
  - per-session live refresh rate (changes of the Step counter per second): min, p5, median;
  - slider -> update latency under load (key press until the width shown in "Layer 1 distinct" changes, and
    until the first chart redraw after that): p50, p95;
  - server CPU (share of one core, and of the machine) and RSS (peak and at the end), read from /proc;
  - a soak phase: a few sessions kept training at top speed (Reset + Play whenever a run ends) for a longer time,
    with the server's RSS sampled over it, to show whether memory stays bounded.

In browser mode, Chromium runs at a lower priority (nice 10) so that the server is served first.

Usage: python bench/bench_load.py [--client ws|browser] [--sessions 30] [--seconds 60] [--soak-minutes 5]
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
from bench_browser import CHROMIUM, CHROMIUM_ARGS, INSTRUMENT, WATCH_STEP, Server, print_table, wait_charts  # noqa: E402

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
    for (const m of document.querySelectorAll('[data-testid="sbNumber"], [data-testid="stMetric"]')) {
      const label = m.querySelector('[data-testid="sbNumberLabel"] > span, [data-testid="stMetricLabel"]');
      if (label && label.innerText.trim() === 'Layer 1 distinct') {
        const value = m.querySelector('[data-testid="sbNumberValue"], [data-testid="stMetricValue"]');
        const w = value.innerText.split('/').pop().trim();
        if (last !== null && w !== last) { pending = {t: performance.timeOrigin + performance.now(), w: w, chart: null};
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
    """n contexts on url. Without draw_charts the Plotly bundles are refused, so charts are not drawn in the
    browser; the server still computes and sends every figure, so its load is the same."""
    pages = []
    for _ in range(n):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.add_init_script(INSTRUMENT)
        ctx.set_default_timeout(timeout_ms)
        if not draw_charts:
            ctx.route("**/PlotlyChart.*.js", lambda route: route.abort())
            ctx.route("**/plotly-symbreak.min.js", lambda route: route.abort())
        page = ctx.new_page()
        page.goto(url, wait_until="commit")
        pages.append(page)
    opened = []
    for page in pages:
        try:
            if draw_charts:
                wait_charts(page, timeout=timeout_ms / 1000)
            else:
                page.wait_for_selector('[data-testid="sbNumber"], [data-testid="stMetric"]', timeout=timeout_ms)
            opened.append(page)
        except Exception as exc:  # a session that never loads is reported, not fatal
            print(f"  a session did not load within {timeout_ms / 1000:.0f} s: {exc.__class__.__name__}",
                  file=sys.stderr)
    return opened


def press_play(page) -> None:
    page.get_by_role("button", name=re.compile(r"play", re.I)).first.click()


def width_thumb(page):
    return page.locator('[data-testid="stSlider"]').filter(
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
    presses: list[tuple[int, float]] = []  # (page index, epoch ms of the key press)
    next_slider, k, direction = time.monotonic() + slider_every, 0, "ArrowRight"
    end = w0 + seconds
    while time.monotonic() < end:
        if time.monotonic() >= next_slider and pages:
            i = k % len(pages)
            try:
                t0 = pages[i].evaluate("performance.timeOrigin + performance.now()")
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



# ---------------------------------------------------------------- protocol clients (default)

async def _ws_load(url: str, query: str, sessions: int, seconds: float, slider_every: float, server: Server):
    import asyncio

    from ws_client import Session

    warmup = 5.0
    t_begin = time.monotonic()
    stop_at = t_begin + sessions * 0.1 + 20 + warmup + seconds + 2
    window = {}
    presses = []  # (session index, time, new width)

    async def scenario(i: int, s):
        for _ in range(600):  # first run finished and Play known
            if s.finished and any("play" in b.lower() for b in s.buttons):
                break
            await asyncio.sleep(0.05)
        await s.click("play")
        while "t0" not in window:
            await asyncio.sleep(0.05)
        # each session moves the width slider every slider_every s, at its own phase
        await asyncio.sleep((i / max(1, sessions)) * slider_every)
        width = 8
        while time.monotonic() < window["t1"] - 1.0:
            width = 9 if width == 8 else 8
            presses.append((i, time.monotonic(), width))
            await s.set_slider("Units per hidden layer", width)
            await asyncio.sleep(slider_every)

    async def clock():
        await asyncio.sleep(sessions * 0.1 + 10 + warmup)
        window["cpu0"], window["busy0"] = proc_cpu_seconds(server.pid), machine_busy_seconds()
        window["t0"] = time.monotonic()
        window["t1"] = window["t0"] + seconds
        await asyncio.sleep(seconds)
        window["cpu1"], window["busy1"] = proc_cpu_seconds(server.pid), machine_busy_seconds()

    clients = [Session(url, query) for _ in range(sessions)]

    async def start(i, s):
        await asyncio.sleep(i * 0.1)  # a class does not press Enter in the same millisecond
        await s.run(stop_at, lambda s: scenario(i, s))

    await asyncio.gather(clock(), *(start(i, s) for i, s in enumerate(clients)), return_exceptions=True)
    t0, t1 = window["t0"], window["t1"]
    rates = [sum(1 for t, _ in s.step_log if t0 <= t <= t1) / seconds for s in clients]
    lat, run_lat = [], []
    for i, t, width in presses:
        s = clients[i]
        shown = next((te for te, label, body in s.events
                      if te > t and label == "Layer 1 distinct" and body.endswith(f"/ {width}")), None)
        if shown is not None:
            lat.append(1000 * (shown - t))
            done = next((tf for tf in s.finished if tf >= shown), None)
            if done is not None:
                run_lat.append(1000 * (done - t))
    refreshes = sum(sum(1 for t, _ in s.step_log if t0 <= t <= t1) for s in clients)
    cpu = window["cpu1"] - window["cpu0"]
    return {
        "sessions": sum(1 for s in clients if s.step_log), "open_s": float("nan"), "wall": seconds,
        "rates": rates, "lat": lat, "chart_lat": run_lat, "presses": len(presses), "server_cpu": cpu / seconds,
        "machine_cpu": (window["busy1"] - window["busy0"]) / seconds,
        "cpu_per_refresh_ms": 1000 * cpu / refreshes if refreshes else float("nan"), "refreshes": refreshes,
        "errors": sum(len(s.errors) for s in clients), "mb_per_s": sum(s.bytes_in for s in clients) / 1e6 /
        (time.monotonic() - t_begin),
    }


async def _ws_soak(url: str, query: str, sessions: int, minutes: float, server: Server):
    import asyncio

    from ws_client import Session

    sampler = RssSampler(server.pid, period=10.0)
    sampler.start()
    stop_at = time.monotonic() + minutes * 60
    restarts = [0]

    async def scenario(s):
        for _ in range(600):
            if s.finished and any("play" in b.lower() for b in s.buttons):
                break
            await asyncio.sleep(0.05)
        await s.click("play")
        while time.monotonic() < stop_at - 5:
            await asyncio.sleep(5)
            if s.step_log and time.monotonic() - s.step_log[-1][0] > 4:  # the run ended: start over
                await s.click("reset")
                await asyncio.sleep(1)
                await s.click("play")
                restarts[0] += 1

    clients = [Session(url, query) for _ in range(sessions)]
    await asyncio.gather(*(s.run(stop_at, scenario) for s in clients), return_exceptions=True)
    sampler.stop()
    steps = sum(int(s.step_log[-1][1].replace(",", "")) for s in clients if s.step_log)
    return sampler.samples, restarts[0], steps


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--client", choices=("ws", "browser"), default="ws",
                    help="ws: Streamlit-protocol websocket clients (default); browser: Playwright contexts")
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the measured window under load")
    ap.add_argument("--slider-every", type=float, default=10.0,
                    help="seconds between two slider moves of one session (ws); between any two moves (browser)")
    ap.add_argument("--path", default="/", help="page path and query for the load phase")
    ap.add_argument("--soak-minutes", type=float, default=5.0, help="0 skips the soak phase")
    ap.add_argument("--soak-sessions", type=int, default=1)
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
        soak, soak_restarts, soak_steps = [], 0, 0
        if args.client == "ws":
            import asyncio

            query = args.path.split("?", 1)[1] if "?" in args.path else ""
            load = asyncio.run(_ws_load(server.url, query, args.sessions, args.seconds, args.slider_every, server))
            sampler.stop()
            rss_now, rss_peak = proc_rss_mb(server.pid)
            if args.soak_minutes > 0:
                soak_query = args.soak_path.split("?", 1)[1] if "?" in args.soak_path else ""
                soak, soak_restarts, soak_steps = asyncio.run(
                    _ws_soak(server.url, soak_query, args.soak_sessions, args.soak_minutes, server))
        else:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=niced_chromium(), headless=True, args=CHROMIUM_ARGS)
                load = run_load(browser, server.url + args.path, args.sessions, args.seconds, args.slider_every,
                                server, args.draw_charts)
                sampler.stop()
                rss_now, rss_peak = proc_rss_mb(server.pid)
                if args.soak_minutes > 0:
                    soak = run_soak(browser, server.url + args.soak_path, args.soak_sessions, args.soak_minutes,
                                    server, args.draw_charts)
                browser.close()
        rss_end, rss_peak_all = proc_rss_mb(server.pid)
    finally:
        server.stop()

    r = load
    rates = r["rates"]
    if args.client == "ws":
        head = [("clients", "Streamlit-protocol websocket clients (no drawing)", ""),
                ("sessions training live", f"{r['sessions']} of {args.sessions}", ""),
                ("data sent by the server", f"{r['mb_per_s']:.1f} MB/s to all sessions", ""),
                ("exceptions shown to any session", f"{r['errors']}", "0")]
    else:
        head = [("browsers draw the Plotly charts", "yes" if args.draw_charts else "no (server sends them all)", ""),
                ("sessions (Playwright contexts, one Chromium)", f"{r['sessions']} of {args.sessions} loaded "
                                                                 f"(all opened in {r['open_s']:.0f} s)", "")]
    rows = head + [
        ("measured window", f"{r['wall']:.0f} s, {r['presses']} slider moves", ""),
        ("per-session refreshes/s: min / p5 / median",
         f"{min(rates):.2f} / {percentile(rates, 0.05):.2f} / {statistics.median(rates):.2f}" if rates else "n/a",
         ">= 1 for every session"),
        ("sessions below 1 refresh/s", f"{sum(x < 1 for x in rates)}", "0"),
        ("slider -> new width shown: p50 / p95",
         f"{percentile(r['lat'], .5):.0f} / {percentile(r['lat'], .95):.0f} ms (n={len(r['lat'])})", ""),
        ("slider -> whole run sent (all charts): p50 / p95" if args.client == "ws" else
         "slider -> first chart redraw after it: p50 / p95",
         f"{percentile(r['chart_lat'], .5):.0f} / {percentile(r['chart_lat'], .95):.0f} ms "
         f"(n={len(r['chart_lat'])})", ""),
        ("server CPU (share of one core)", f"{100 * r['server_cpu']:.0f} %", "2 cores = 200 %"),
        ("whole machine CPU (server, clients, anything else)",
         f"{100 * r['machine_cpu'] / (os.cpu_count() or 1):.0f} % of {os.cpu_count()} cores", ""),
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
        if args.client == "ws":
            rows.append(("soak: runs restarted after reaching their end", f"{soak_restarts}", ""))
    rows.append(("server peak RSS over the whole run (VmHWM)", f"{rss_peak_all:.0f} MB", "<= 1024 MB"))

    load_after = Path("/proc/loadavg").read_text().split()[:3]
    print_table(f"Load benchmark: {args.sessions} sessions on {server.url}{args.path}, {os.cpu_count()} cores; "
                f"load average before {' '.join(load_before)}, after {' '.join(load_after)}", rows)
    if soak:
        print("\nsoak RSS samples (s, MB): " + ", ".join(f"({t:.0f}, {x:.0f})" for t, x in soak))
    return 0


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: stop the server we started
    raise SystemExit(main())
