"""Fair shares of one server: one BLAS thread, a process-wide limiter for heavy engine work, the live training's
work cap, and the pace of live refreshes, which slows for everyone alike when many runs play at once."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import scipy.optimize  # noqa: F401 -- loaded before the pin below, so its BLAS is pinned too
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from threadpoolctl import threadpool_limits

# One BLAS thread per server process, set once when the server first imports ui. The engine's matrices are small
# (at most 512 x 512, usually 140 x 32): a second OpenBLAS thread gains nothing on them, and its worker threads spin
# while they wait, which made one student at width 32, depth 6 cost 120 ms of CPU per refresh instead of 16 ms.
# Several processes (scripts/serve.sh) use the cores instead.
# SciPy (relabel.py) brings an OpenBLAS of its own: it is imported above so that it is loaded, and pinned, too.
BLAS_THREADS = 1
threadpool_limits(limits=BLAS_THREADS)

MAX_HEAVY_JOBS = 2  # heavy engine calls running at once across all sessions (one per core here)
HEAVY_JOB_WAIT = 60.0  # seconds a session waits for a free slot before it gets a "server busy" message
LIVE_SLOT_WAIT = 5.0  # seconds a live refresh waits for one before it draws without training
WORK_PER_REFRESH = 250_000  # live training: steps x network parameters advanced per refresh, per session

_heavy = threading.BoundedSemaphore(MAX_HEAVY_JOBS)


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


@contextmanager
def live_slot(whole_page: bool, wait: float = LIVE_SLOT_WAIT):
    """Around one live refresh, from its training to its drawing: yields whether it may train.

    A refresh of the live area alone holds one of the heavy-job slots throughout, so at most MAX_HEAVY_JOBS of them
    run at once in the process and the others wait their turn (False after `wait` s: the refresh draws without
    training). A page drawn whole (whole_page: a click or a slider move while playing) takes no slot: it is
    answered before the waiting refreshes. Fewer threads taking turns on the GIL also waste less of it: measured
    with the class of 100 (README), slider moves were answered in 0.3-0.4 s instead of 1.2 s at the 95th
    percentile, and the live refreshes cost about a tenth less CPU each."""
    if whole_page:
        yield True
    elif not _heavy.acquire(timeout=wait):
        yield False
    else:
        try:
            yield True
        finally:
            _heavy.release()


@contextmanager
def stop_when_busy(*shown):
    """Around a page's engine call (a cached function that takes its heavy_job() slot inside, so a cache hit waits
    for none): if no slot frees in time, clear `shown` (a progress bar), say so in an error box and stop the run."""
    try:
        yield
    except Busy as e:
        for element in shown:
            element.empty()
        st.error(str(e))
        st.stop()


# ---- The pace of live refreshes ----
# Each playing session refreshes as often as the server can afford for everyone: up to FASTEST_REFRESH apart when it
# has room, slower in equal measure for all as more runs play, and never offered slower than SLOWEST_REFRESH, so that
# every run keeps moving rather than some stalling. (A saturated server delivers fewer than it offers, evenly: the
# README's class of 100.) One process runs Python on one core at a time (the GIL), so the live
# refreshes of all its sessions together may take LIVE_CPU_SHARE of that core's time; the rest is left for clicks
# and pages. A refresh's cost is the time it took, so a machine busy with other work slows the pace too.
FASTEST_REFRESH = 0.1  # s between refreshes: 10 a second
SLOWEST_REFRESH = 0.5  # s: 2 a second, the slowest pace offered
REFRESH_STEPS = (0.1, 0.15, 0.2, 0.3, 0.4, 0.5)  # the intervals offered: a page changes its pace by whole steps
LIVE_CPU_SHARE = 0.7
FRAMEWORK_SECONDS = 0.004  # Streamlit's own time per fragment refresh, outside the script (bench/bench_refresh.py)
# the server's own time per live-feed request outside its frame (ui/live.py): 0.8-1.7 ms measured, the process's CPU
# a refresh (bench_refresh.py) less the frame's thread time
FEED_SECONDS = 0.001
PLAYING_WINDOW = 2.0  # s: a session that refreshed this recently counts as playing
# s: a page keeps its pace at least this long. Changing it costs a full rerun of the page, started by the live
# fragment, and a click that lands during that rerun can be lost; so a run's first seconds (when a teacher presses
# Play and soon Pause) never change pace, and later changes are rare.
PACE_HOLD = 10.0


class Pacer:
    """The process's playing sessions and the time each one's last refresh took; interval() is the fair pace."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cost: dict[str, tuple[float, float]] = {}  # session id -> (when, seconds its last refresh took)

    def note(self, session: str, seconds: float, now: float | None = None, overhead: float = FRAMEWORK_SECONDS):
        """A refresh of `session` took `seconds` of its own work, and `overhead` more of the server's."""
        with self._lock:
            self._cost[session] = (time.monotonic() if now is None else now, seconds + overhead)

    def leave(self, session: str):
        with self._lock:
            self._cost.pop(session, None)

    def playing(self, now: float | None = None) -> int:
        return len(self._recent(now))

    def interval(self, now: float | None = None) -> float:
        """The shortest offered interval at which every playing session's refresh fits in LIVE_CPU_SHARE."""
        need = sum(self._recent(now)) / LIVE_CPU_SHARE
        return next((s for s in REFRESH_STEPS if s >= need), SLOWEST_REFRESH)

    def _recent(self, now):
        now = time.monotonic() if now is None else now
        with self._lock:
            for k in [k for k, (t, _) in self._cost.items() if now - t > PLAYING_WINDOW]:
                del self._cost[k]
            return [c for _, c in self._cost.values()]


pacer = Pacer()  # one per server process, shared by every session


def _session() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "no-session"


@contextmanager
def live_refresh():
    """Around one live refresh's work: the time it took is noted for the pace of all playing sessions. Wall-clock
    time, not CPU time: on a machine busy with other work (other processes, a browser, a test run) a refresh takes
    longer than its CPU time, and the server then has less room than its own CPU use says. Its own work only, from
    when it holds its slot (live_slot): the time it waited for one is the other refreshes' own, which they count."""
    start = time.perf_counter()
    try:
        yield
    finally:
        pacer.note(_session(), time.perf_counter() - start)


def stopped_playing():
    """This session no longer refreshes: it stops counting for the pace at once."""
    pacer.leave(_session())


def refresh_interval() -> float:
    """The interval this session's live area should refresh at now."""
    return pacer.interval()


def new_pace(current: float | None) -> bool:
    """Whether this session's live area should change to refresh_interval() now: it differs from `current` and
    the page has kept `current` for PACE_HOLD seconds."""
    now = time.monotonic()
    since = st.session_state.setdefault("_ui_pace_since", now)
    if current is None or refresh_interval() == current or now - since < PACE_HOLD:
        return False
    st.session_state["_ui_pace_since"] = now
    return True
