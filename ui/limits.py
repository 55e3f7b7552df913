"""Fair shares of one server: a process-wide limiter for heavy engine work and the live training's work cap."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import streamlit as st

MAX_HEAVY_JOBS = 2  # heavy engine calls running at once across all sessions (one per core here)
HEAVY_JOB_WAIT = 60.0  # seconds a session waits for a free slot before it gets a "server busy" message
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
