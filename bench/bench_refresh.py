"""One playing visitor: bytes the server sends and server CPU per live refresh, against the framework's floor.

A protocol client (bench/ws_client.py) opens a page, presses Play and lets the live area refresh for `--seconds`;
the script counts the bytes of every message the server sent after Play (uncompressed, as the websocket and HTTP
carry them here) and the server process's CPU time from /proc, and divides both by the number of live refreshes.
The Playground is served as scripts/serve.sh serves it, by serve.py, where each refresh is one request to its live
feed (ui/live.py); with --fragment also by `streamlit run app.py`, where each is a rerun of its live fragment.
The floor is a bare Streamlit page in the same run: a `run_every` fragment showing four `st.metric`s and one
`st.info` (the least a live page can send), served with the app's own settings. Between the two stands "the live
area's elements": a page that draws the Playground's live area as app.show does at its
defaults (one chart grid carrying the six charts, four numbers with their help and the note; the step in the
address bar) but computes nothing: the six charts are built once, so each refresh sends them as unchanged. What it
costs over the floor is the framework's price of the elements the Playground shows; what the Playground costs over
it is the work of the refresh itself (training, metrics, charts and their encoding).

Usage: python bench/bench_refresh.py [--seconds 10] [--runs 3] [--split] [--fragment]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_browser import ROOT, Server  # noqa: E402
from ws_client import Session  # noqa: E402

CLK = os.sysconf("SC_CLK_TCK")
SETTINGS = (("defaults (8x2)", "/"), ("?preset=he&width=32&depth=6", "/?preset=he&width=32&depth=6"))

FLOOR_APP = '''
import time
import streamlit as st

st.set_page_config(page_title="floor")
st.session_state.setdefault("n", 0)
if st.button("Play"):
    st.session_state.playing = True


@st.fragment(run_every=0.2 if st.session_state.get("playing") else None)
def live():
    st.session_state.n += 1
    n = st.session_state.n
    a, b, c, d = st.columns(4)
    a.metric("Step", n)
    b.metric("Loss", f"{1 / n:.4f}")
    c.metric("Accuracy", f"{n % 100}%")
    d.metric("Layer 1 distinct", f"{n % 8} / 8")
    st.info(f"Refresh {n} at {time.time():.3f}.")


live()
'''

ELEMENTS_APP = f'''
PANEL = True  # --split also serves the live area as it was drawn before: st.metric, st.info and two chart grids
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st

import figures
import ui
from narration import glossary
from settings import playground as S
from settings.params import preset_values
from symbreak_core import Trainer, model

ui.page_setup("elements", "E")
st.session_state.setdefault("n", 0)
if st.button("Play"):
    st.session_state.playing = True


@st.cache_resource
def charts():
    """The Playground's six charts at its defaults, at step 0, as app.show builds them: built once."""
    values = preset_values(S.SPECS, S.PRESETS[0])
    values.pop("speed")
    t = Trainer(S.config(values))
    r, c = t.result(), t.config
    field = model.field(t.weights, t.biases, c.activation, c.loss, model.grid_extent(r.data.X), res=32)
    return figures.playground_charts(t.weights, t.biases, r, t.symmetry()["distinct"], field,
                                     key_heights=(400, 400), height=400)


@st.fragment(run_every=0.1 if st.session_state.get("playing") else None)
def live():
    st.session_state.n += 1
    n = st.session_state.n
    ui.keep_moment("step", n)
    meaning = glossary.meaning("Distinct units (copies)")
    numbers = (("Step", f"{{n:,}}", None), ("Train loss", f"{{1 / n:.4f}}", f"At step {{n}}; test loss {{1 / n:.4f}}"),
               *((f"Layer {{k}} distinct", f"{{n % 8 + 1}} / 8", meaning) for k in (1, 2)))
    note = f"**What's happening:** refresh {{n}}; the units are still copies of each other."
    if PANEL:  # as app.show draws it: one element
        ui.chart_grid(charts(), key="pg_grid", panel=ui.Panel(numbers, note))
        return
    main = st.container(gap="small", key="pg_live")
    with main:
        left, right = st.container(key="pg_words").columns([2, 3], gap="medium")
        with left:
            row = st.container(horizontal=True, gap="small", key="pg_numbers")
            for label, value, help_ in numbers:
                row.metric(label, value, width="content", help=help_)
        with right:
            st.info(note)
        rows = charts()
        ui.chart_grid(rows[:1], key="pg_grid_top")
        ui.chart_grid(rows[1:], key="pg_grid_more")
    st.empty()


live()
'''


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


async def measure(server: Server, path: str, seconds: float) -> tuple[float, float, float]:
    """(bytes per refresh, server CPU ms per refresh, refreshes per second) over one play of `seconds`."""
    base = server.url + "/"
    query = path.split("?", 1)[1] if "?" in path else ""
    s = Session(base, query)
    mark = {}

    async def ready(sess):
        t0 = time.monotonic()
        while ("Play" not in " ".join(sess.buttons) or sess.running) and time.monotonic() - t0 < 60:
            await asyncio.sleep(0.05)
        await sess.click("Play")
        while sess.fragment is None and sess.live is None and time.monotonic() - t0 < 60:
            await asyncio.sleep(0.02)
        await asyncio.sleep(1.0)  # past the first full redraw after Play
        mark.update(bytes=sess.bytes_in, runs=len(sess.finished) + len(sess.frames), t=time.monotonic(),
                    cpu=cpu_seconds(server.pid))

    stop_at = time.monotonic() + 60 + seconds
    task = asyncio.create_task(s.run(stop_at, on_ready=ready))
    while "t" not in mark:
        await asyncio.sleep(0.05)
    await asyncio.sleep(seconds)
    got = dict(bytes=s.bytes_in, runs=len(s.finished) + len(s.frames), t=time.monotonic(),
               cpu=cpu_seconds(server.pid))
    task.cancel()
    refreshes = max(1, got["runs"] - mark["runs"])
    if s.errors:
        raise RuntimeError(f"{path}: {s.errors[:2]}")
    return ((got["bytes"] - mark["bytes"]) / refreshes, 1000 * (got["cpu"] - mark["cpu"]) / refreshes,
            refreshes / (got["t"] - mark["t"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3,
                    help="rounds, each playing every setting in turn; the table shows the medians and the range of "
                         "each round's ratio to its floor")
    ap.add_argument("--split", action="store_true",
                    help="also serve the live area's elements as they were drawn before 30 November's afternoon: "
                         "containers, four st.metric, an st.info and two chart grids")
    ap.add_argument("--fragment", action="store_true",
                    help="also serve the Playground by `streamlit run app.py`, which refreshes through its fragment")
    args = ap.parse_args()
    floor_dir = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    (floor_dir / "floor.py").write_text(FLOOR_APP)
    (floor_dir / ".streamlit").mkdir()
    (floor_dir / "elements.py").write_text(ELEMENTS_APP)
    (floor_dir / "streamlit_elements.py").write_text(ELEMENTS_APP.replace("PANEL = True", "PANEL = False"))
    (floor_dir / ".streamlit" / "config.toml").write_text((ROOT / ".streamlit" / "config.toml").read_text())
    floor = Server("floor.py", cwd=floor_dir)
    elements = Server("elements.py", cwd=floor_dir)
    parts = [("  as Streamlit elements (before)", Server("streamlit_elements.py", cwd=floor_dir), "/")
             ] if args.split else []
    app = Server("serve.py")
    apps = [(app, "")] + ([(Server("app.py"), "fragment: ")] if args.fragment else [])
    plays = [("floor: 4 metrics + 1 info", floor, "/"), ("the live area's elements", elements, "/"), *parts,
             *((how + n, a, p) for a, how in apps for n, p in SETTINGS)]
    got = {name: [] for name, _, _ in plays}
    try:
        # Round by round, every setting in turn: the machine's speed drifts by tens of percent within minutes, so
        # each round's ratios to the floor are read from plays a minute apart at most.
        for _ in range(args.runs):
            for name, server, path in plays:
                got[name].append(asyncio.run(measure(server, path, args.seconds)))
    finally:
        floor.stop()
        elements.stop()
        for _, server, _ in parts:
            server.stop()
        for a, _ in apps:
            a.stop()
    floor_cpu = [g[1] for g in got[plays[0][0]]]
    print(f"{'setting':34} {'bytes/refresh':>14} {'CPU ms/refresh':>15} {'x floor':>8} {'x floor, rounds':>16} "
          f"{'refreshes/s':>12}")
    for name, _, _ in plays:
        b, cpu, rate = (statistics.median(g[k] for g in got[name]) for k in range(3))
        ratios = [g[1] / f for g, f in zip(got[name], floor_cpu, strict=True)]
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        print(f"{name:34} {b / 1000:>11.1f} kB {cpu:>15.1f} {statistics.median(ratios):>8.2f} {spread:>16} "
              f"{rate:>12.1f}")


if __name__ == "__main__":
    main()
