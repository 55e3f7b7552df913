"""A mixed class through the load balancer: many protocol-client sessions against replicas behind HAProxy.

Starts `bash scripts/serve.sh --replicas N` (N Streamlit processes of the app behind HAProxy, sticky by the
SERVERID cookie) and opens `--sessions` Streamlit-protocol clients (bench/ws_client.py) through the balancer. Each
session, as a browser would, first GETs the page, keeps the SERVERID cookie HAProxy sets there and sends it on its
websocket, so it stays on the replica that served its page. Each opens the Playground with a preset drawn by a
seeded RNG from settings.playground.PRESETS; a fifth of them (drawn by the same RNG) at the largest network
(`&width=32&depth=6`). All press Play; in the measured window each moves the width slider ("Units per hidden
layer") by one unit and back every `--slider-every` seconds, at its own phase.

It prints Markdown tables of:
  - per-session live refreshes per second (changes of the Step counter): min, p5, median;
  - slider -> charts: from the slider's message leaving the client to the first chart message after the new width
    is shown, p50 / p95 (a move the window never answered counts as too slow);
  - payload bytes per second (as the websocket carries them, uncompressed), per session and in total;
  - server CPU per live refresh: the replicas' CPU time from /proc, summed, over all sessions' refreshes
    (HAProxy's own CPU is shown apart);
  - each replica's sessions, CPU and peak RSS (VmHWM);
  - whether each goal of issue 13 was met.
`--compare-one` runs the same class against 1 replica as well. `--baseline floor` serves, instead of the app, the
framework's floor page of bench/bench_refresh.py (a `run_every` fragment of four `st.metric`s and one `st.info`,
refreshing at most 5 times a second) to the same number of sessions, which press Play and move nothing: what any
Streamlit page with a live fragment can give this many sessions on this machine. `--baseline elements` serves that
script's page of the Playground's live-area elements with nothing computed (at most 10 refreshes a second): what
the elements the Playground shows cost before any of its work. `--soak-minutes M` then keeps the class playing
on the N replicas for M minutes, samples each replica's RSS every 10 s and reports start / max / end.
`--own-runs` gives every session a seed of its own, so that no two sessions play the same run and none can take
steps or frames from another (ui/frames.py): a class in which nothing is shared.

Usage: python bench/bench_class.py [--sessions 100] [--seconds 60] [--replicas 2] [--compare-one]
                                   [--soak-minutes 0] [--slider-every 10] [--seed 0] [--own-runs]
                                   [--baseline floor|elements]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_browser import ROOT, free_port, print_table  # noqa: E402
from bench_load import RssSampler, machine_busy_seconds, percentile, proc_cpu_seconds, proc_rss_mb  # noqa: E402
from bench_refresh import ELEMENTS_APP, FLOOR_APP  # noqa: E402
from ws_client import Session  # noqa: E402

from settings.playground import PRESETS  # noqa: E402

WIDTH = "Units per hidden layer"
LARGEST = "&width=32&depth=6"
WIDEST = 32
STAGGER = 0.1  # s between two sessions opening the page: a class does not press Enter in the same millisecond
WARMUP = 5.0  # s between the last session pressing Play and the measured window
GRACE = 5.0  # s after the window in which the last slider moves may still be answered
GOAL_RATE = 2.0  # refreshes per second, every session
GOAL_SLIDER_MS = 1000.0  # slider -> charts p95
GOAL_RSS_MB = 1024.0  # per replica
GOAL_SOAK_GROWTH = 0.05  # the soak's second half may end at most 5 % above its first half's peak


# ---------------------------------------------------------------- the balancer

class Balancer:
    """`bash scripts/serve.sh --replicas N` in its own process group: replica pids, HAProxy's pid, the URL."""

    def __init__(self, replicas: int, app: Path | None = None):
        self.port = free_port()
        self.err = tempfile.NamedTemporaryFile(prefix="bench-serve-", suffix=".err", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "serve.sh"), "--replicas", str(replicas),
                                      "--port", str(self.port),
                                      *(["--app", str(app)] if app else [])], cwd=ROOT, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self.err, text=True, start_new_session=True)
        self.replicas: dict[str, int] = {}  # "replicaK" (the SERVERID cookie's value) -> pid
        self.url = ""
        for line in self.proc.stdout:  # serve.sh gives up on its own after its start timeouts
            words = line.split()
            if words[:1] == ["replica"]:
                self.replicas[f"replica{words[1]}"] = int(words[3])
            elif line.startswith("serving on "):
                self.url = line.split()[-1]
                break
        if not self.url:
            self.stop()
            raise RuntimeError("serve.sh did not start:\n" + Path(self.err.name).read_text()[-3000:])
        self.haproxy = next((pid for pid in self._children() if _comm(pid) == "haproxy"), None)

    def _children(self) -> list[int]:
        with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
            return [int(x) for x in f.read().split()]

    def stop(self) -> None:
        """SIGTERM: serve.sh stops what it started; the process group is killed if it does not."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        os.unlink(self.err.name)


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def page_cookie(url: str) -> str:
    """GET the page as a browser does first; the Cookie header that keeps this visitor on HAProxy's replica."""
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
        cookies = [c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or []]
    return "; ".join(c for c in cookies if c.startswith("SERVERID="))


# ---------------------------------------------------------------- the class

def class_queries(sessions: int, seed: int, own_runs: bool = False) -> list[str]:
    """Each session's query: a random preset; a fifth of the sessions, drawn at random, at the largest network.
    own_runs: each session also has a seed of its own, so that no two play the same run."""
    rng = random.Random(seed)
    largest = set(rng.sample(range(sessions), sessions // 5))
    return [f"preset={rng.choice(PRESETS).id}" + (LARGEST if i in largest else "") + (f"&seed={i + 1}" if own_runs
                                                                                       else "")
            for i in range(sessions)]


@dataclass
class Visitor:
    query: str
    session: Session
    replica: str = "?"  # the SERVERID cookie's value
    played: bool = False
    presses: list = field(default_factory=list)  # (monotonic time, width asked for)


async def run_class(url: str, queries: list[str], seconds: float, slider_every: float | None, replicas: dict[str, int],
                    haproxy: int | None, rss_every: float | None = None) -> dict:
    """Every session opens its page, presses Play and moves the slider (slider_every None: never); measured over
    `seconds` once all play."""
    visitors = [Visitor(q, Session(url.rstrip("/") + "/", q)) for q in queries]
    window: dict = {}
    everyone_playing = asyncio.Event()
    open_deadline = time.monotonic() + len(queries) * STAGGER + 60

    async def scenario(v: Visitor, i: int):
        s = v.session
        while not (s.finished and any("play" in b.lower() for b in s.buttons)):
            if time.monotonic() > open_deadline:
                raise RuntimeError(f"?{v.query} showed no Play button in time")
            await asyncio.sleep(0.05)
        await s.click("play")
        v.played = True
        if all(x.played for x in visitors):
            everyone_playing.set()
        while "t0" not in window:
            await asyncio.sleep(0.05)
        if slider_every is None:  # a baseline page: nothing to move
            await asyncio.sleep(max(0.0, window["t1"] + GRACE - time.monotonic()))
            return
        await asyncio.sleep((i / len(visitors)) * slider_every)  # each session at its own phase
        base = int(s.metrics["Layer 1 distinct"].split("/")[-1])  # "distinct / width": the width shown
        other = base - 1 if base >= WIDEST else base + 1
        while time.monotonic() < window["t1"]:
            width = other if len(v.presses) % 2 == 0 else base
            v.presses.append((time.monotonic(), width))
            await s.set_slider(WIDTH, width)
            await asyncio.sleep(slider_every)
        await asyncio.sleep(max(0.0, window["t1"] + GRACE - time.monotonic()))  # the last moves' answers

    async def visit(v: Visitor, i: int):
        await asyncio.sleep(i * STAGGER)
        cookie = await asyncio.to_thread(page_cookie, url.rstrip("/") + "/?" + v.query)
        if cookie:
            v.session.headers["Cookie"] = cookie
            v.replica = cookie.split("=", 1)[1]
        await v.session.run(0.0, lambda s: scenario(v, i))  # the scenario decides when the session leaves

    async def clock():
        try:
            await asyncio.wait_for(everyone_playing.wait(), max(1.0, open_deadline - time.monotonic()))
        except TimeoutError:
            pass  # the sessions that never got to play are reported, not waited for
        await asyncio.sleep(WARMUP)
        samplers = [RssSampler(pid, rss_every) for pid in replicas.values()] if rss_every else []
        for sm in samplers:
            sm.start()
        window.update(cpu0={name: proc_cpu_seconds(pid) for name, pid in replicas.items()},
                      lb0=proc_cpu_seconds(haproxy) if haproxy else 0.0, busy0=machine_busy_seconds(),
                      own0=time.process_time(),
                      bytes0=[v.session.bytes_in for v in visitors], t0=time.monotonic())
        window["t1"] = window["t0"] + seconds
        await asyncio.sleep(seconds)
        window.update(cpu1={name: proc_cpu_seconds(pid) for name, pid in replicas.items()},
                      lb1=proc_cpu_seconds(haproxy) if haproxy else 0.0, busy1=machine_busy_seconds(),
                      own1=time.process_time(),
                      bytes1=[v.session.bytes_in for v in visitors],
                      pace=[v.session.fragment[1] if v.session.fragment else
                            v.session.every if v.session.live else None for v in visitors])
        for sm in samplers:
            sm.stop()
        window["rss"] = {name: sm.samples for name, sm in zip(replicas, samplers)}

    outcomes = await asyncio.gather(clock(), *(visit(v, i) for i, v in enumerate(visitors)), return_exceptions=True)
    if isinstance(outcomes[0], BaseException):
        raise outcomes[0]
    failed = [f"{type(o).__name__}: {o}" for o in outcomes[1:] if isinstance(o, BaseException)]
    return measure(visitors, window, seconds, replicas, failed)


def measure(visitors: list[Visitor], w: dict, seconds: float, replicas: dict[str, int], failed: list[str]) -> dict:
    t0, t1 = w["t0"], w["t1"]
    counts = [sum(1 for t, _ in v.session.step_log if t0 <= t <= t1) for v in visitors]
    slider_ms, unanswered = [], 0
    for v in visitors:
        s = v.session
        for t, width in v.presses:
            shown = next((te for te, label, body in s.events
                          if te > t and label == "Layer 1 distinct" and body.endswith(f"/ {width}")), None)
            chart = next((tc for tc in s.charts if shown is not None and tc >= shown), None)
            if chart is None:
                unanswered += 1
            else:
                slider_ms.append(1000 * (chart - t))
    refreshes = sum(counts)
    cpu = {name: w["cpu1"][name] - w["cpu0"][name] for name in replicas}
    per_replica = {}
    for name, pid in replicas.items():
        mine = [i for i, v in enumerate(visitors) if v.replica == name]
        rss_now, rss_peak = proc_rss_mb(pid)
        per_replica[name] = {
            "sessions": len(mine), "largest": sum(LARGEST in visitors[i].query for i in mine),
            "cpu": cpu[name] / seconds, "refreshes": sum(counts[i] for i in mine),
            "rss_peak": rss_peak, "rss_now": rss_now, "rss_samples": w["rss"].get(name, [])}
    return {
        "sessions": len(visitors), "playing": sum(v.played for v in visitors), "failed": failed,
        "rates": [n / seconds for n in counts],
        "largest_rates": [n / seconds for n, v in zip(counts, visitors) if LARGEST in v.query],
        "slider_ms": slider_ms, "unanswered": unanswered, "presses": sum(len(v.presses) for v in visitors),
        "bytes_per_s": [(b1 - b0) / seconds for b0, b1 in zip(w["bytes0"], w["bytes1"])],
        "refreshes": refreshes, "cpu_per_refresh_ms": 1000 * sum(cpu.values()) / refreshes if refreshes else None,
        "server_cpu": sum(cpu.values()) / seconds, "haproxy_cpu": (w["lb1"] - w["lb0"]) / seconds,
        "machine_cpu": (w["busy1"] - w["busy0"]) / seconds, "clients_cpu": (w["own1"] - w["own0"]) / seconds,
        "pace": w["pace"],
        "errors": sum(len(v.session.errors) for v in visitors), "replicas": per_replica,
    }


# ---------------------------------------------------------------- the tables

def slider_p95(r: dict) -> float:
    """p95 of slider -> charts, a move never answered counting as infinitely slow."""
    return percentile(r["slider_ms"] + [float("inf")] * r["unanswered"], 0.95)


def goals(r: dict) -> dict[str, bool]:
    return {"rate": bool(r["rates"]) and min(r["rates"]) >= GOAL_RATE,
            "slider": slider_p95(r) <= GOAL_SLIDER_MS,
            "rss": all(x["rss_peak"] <= GOAL_RSS_MB for x in r["replicas"].values())}


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def three(xs: list[float], fmt: str = "{:.2f}") -> str:
    if not xs:
        return "n/a"
    return " / ".join(fmt.format(x) for x in (min(xs), percentile(xs, 0.05), statistics.median(xs)))


def ms(x: float) -> str:
    return "never" if x == float("inf") else "n/a" if x != x else f"{x:.0f}"


def print_run(title: str, r: dict, seconds: float) -> None:
    ok = goals(r)
    rates, kbs = r["rates"], [b / 1000 for b in r["bytes_per_s"]]
    paces = [p for p in r["pace"] if p]
    rows = [
        ("sessions playing / opened", f"{r['playing']} / {r['sessions']}"
                                      + (f" ({len(r['failed'])} failed: {r['failed'][0]})" if r["failed"] else ""),
         "all"),
        ("measured window", f"{seconds:.0f} s, {r['presses']} slider moves", ""),
        ("per-session refreshes/s: min / p5 / median", three(rates), f">= {GOAL_RATE:g} every session: "
                                                                       f"{met(ok['rate'])}"),
        ("sessions below 2 refreshes/s", f"{sum(x < GOAL_RATE for x in rates)}", "0"),
        ("largest network (32x6) sessions: refreshes/s min / p5 / median", three(r["largest_rates"]), ""),
        ("live pace offered at the end: interval (sessions)",
         ", ".join(f"{p:g} s ({paces.count(p)})" for p in sorted(set(paces))) or "n/a", ""),
        ("slider -> charts: p50 / p95",
         f"{ms(percentile(r['slider_ms'], 0.5))} / {ms(slider_p95(r))} ms "
         f"({len(r['slider_ms'])} answered, {r['unanswered']} not)", f"p95 <= {GOAL_SLIDER_MS:.0f} ms: "
                                                                     f"{met(ok['slider'])}"),
        ("payload per session: min / p5 / median", three(kbs, "{:.0f}") + " kB/s", ""),
        ("payload, all sessions", f"{sum(kbs) / 1000:.2f} MB/s ({8 * sum(kbs) / 1000:.0f} Mbit/s)", ""),
        ("server CPU per live refresh (replicas summed)",
         "n/a" if r["cpu_per_refresh_ms"] is None else f"{r['cpu_per_refresh_ms']:.1f} ms ({r['refreshes']} "
                                                       "refreshes)", ""),
        ("server CPU, replicas summed (share of one core)", f"{100 * r['server_cpu']:.0f} %",
         f"{os.cpu_count()} cores = {100 * (os.cpu_count() or 1)} %"),
        ("HAProxy CPU (share of one core)", f"{100 * r['haproxy_cpu']:.1f} %", ""),
        ("this benchmark's protocol clients' CPU (share of one core)", f"{100 * r['clients_cpu']:.0f} %", ""),
        ("whole machine CPU (servers, clients, anything else)",
         f"{100 * r['machine_cpu'] / (os.cpu_count() or 1):.0f} % of {os.cpu_count()} cores", ""),
        ("exceptions shown to any session", f"{r['errors']}", "0"),
    ]
    if r["presses"] == 0:  # a baseline page: no slider, no largest network
        rows = [row for row in rows if not row[0].startswith(("slider", "largest"))]
    for name, x in r["replicas"].items():
        rows.append((f"{name}: sessions (32x6) / CPU / peak RSS (VmHWM) / RSS now",
                     f"{x['sessions']} ({x['largest']}) / {100 * x['cpu']:.0f} % / {x['rss_peak']:.0f} MB / "
                     f"{x['rss_now']:.0f} MB", f"<= {GOAL_RSS_MB:.0f} MB: {met(x['rss_peak'] <= GOAL_RSS_MB)}"))
    print_table(title, rows)


def print_soak(minutes: float, r: dict) -> bool:
    rows, flat = [], True
    for name, x in r["replicas"].items():
        samples = x["rss_samples"]
        if not samples:
            rows.append((name, "no samples", ""))
            flat = False
            continue
        half = samples[-1][0] / 2
        first = max(v for t, v in samples if t <= half)
        second = max((v for t, v in samples if t > half), default=first)
        ok = second <= first * (1 + GOAL_SOAK_GROWTH)
        flat = flat and ok
        rows.append((f"{name}: RSS start / max / end", f"{samples[0][1]:.0f} / {max(v for _, v in samples):.0f} / "
                                                       f"{samples[-1][1]:.0f} MB ({len(samples)} samples)",
                     f"second half's peak <= first half's + {100 * GOAL_SOAK_GROWTH:.0f} % "
                     f"({first:.0f} -> {second:.0f} MB): {met(ok)}"))
    rows.append(("per-session refreshes/s over the soak: min / p5 / median", three(r["rates"]), ""))
    print_table(f"Soak: the same class for {minutes:g} min, each replica's RSS every 10 s", rows)
    return flat


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the measured window")
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--compare-one", action="store_true", help="run the same class against 1 replica too")
    ap.add_argument("--soak-minutes", type=float, default=0.0,
                    help="after the load, keep the class playing on --replicas this long (20 for the issue's soak)")
    ap.add_argument("--slider-every", type=float, default=10.0, help="seconds between one session's slider moves")
    ap.add_argument("--seed", type=int, default=0, help="seed of the presets' draw")
    ap.add_argument("--own-runs", action="store_true",
                    help="give each session a seed of its own: no two play the same run, so none shares frames")
    ap.add_argument("--baseline", choices=tuple(BASELINES),
                    help="serve a baseline page of bench_refresh.py instead of the app, and move no slider")
    args = ap.parse_args(argv)
    if args.baseline:
        return baseline_class(args)

    queries = class_queries(args.sessions, args.seed, args.own_runs)
    configs = [args.replicas] + ([1] if args.compare_one and args.replicas != 1 else [])
    print(f"{args.sessions} sessions ({sum(LARGEST in q for q in queries)} at the largest network), seed {args.seed}"
          f"{', each its own run' if args.own_runs else ''}; "
          f"{os.cpu_count()} cores; load average before {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    verdicts = {}
    for n in configs:
        lb = Balancer(n)
        try:
            r = asyncio.run(run_class(lb.url, queries, args.seconds, args.slider_every, lb.replicas, lb.haproxy))
            print_run(f"{args.sessions} sessions through HAProxy on {lb.url}, {n} "
                      f"{'replica' if n == 1 else 'replicas'}", r, args.seconds)
            verdicts[n] = goals(r)
            if args.soak_minutes > 0 and n == args.replicas:
                soak = asyncio.run(run_class(lb.url, queries, args.soak_minutes * 60, args.slider_every,
                                             lb.replicas, lb.haproxy, rss_every=10.0))
                verdicts[n]["soak"] = print_soak(args.soak_minutes, soak)
        finally:
            lb.stop()
    names = {"rate": f"every session >= {GOAL_RATE:g} refreshes/s", "slider": "slider -> charts p95 <= 1 s",
             "rss": "peak RSS <= 1 GB per replica", "soak": f"{args.soak_minutes:g}-min soak flat"}
    print(f"\nGoals\n\n| goal | {' | '.join(f'{n} replica' + ('s' if n > 1 else '') for n in configs)} |")
    print(f"|------|{'|'.join('---' for _ in configs)}|")
    for key, name in names.items():
        if any(key in verdicts[n] for n in configs):
            print(f"| {name} | {' | '.join(met(verdicts[n][key]) if key in verdicts[n] else '-' for n in configs)} |")
    print(f"\nload average after {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    return 0


BASELINES = {"floor": FLOOR_APP, "elements": ELEMENTS_APP}


def baseline_class(args) -> int:
    """The same class against a baseline page: every session presses Play; no slider, no presets."""
    folder = Path(tempfile.mkdtemp(prefix="bench-class-baseline-"))
    page = folder / f"{args.baseline}.py"
    page.write_text(BASELINES[args.baseline])
    configs = [args.replicas] + ([1] if args.compare_one and args.replicas != 1 else [])
    print(f"{args.sessions} sessions of the {args.baseline} page; {os.cpu_count()} cores; load average before "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for n in configs:
        lb = Balancer(n, app=page)
        try:
            r = asyncio.run(run_class(lb.url, [""] * args.sessions, args.seconds, None, lb.replicas, lb.haproxy))
            print_run(f"{args.sessions} sessions of the {args.baseline} page through HAProxy, {n} "
                      f"{'replica' if n == 1 else 'replicas'}", r, args.seconds)
        finally:
            lb.stop()
    print(f"\nload average after {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: stop the replicas we started
    raise SystemExit(main())
