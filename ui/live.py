"""The live feed: a playing page's refreshes fetched by its chart grid over plain HTTP, without a Streamlit rerun.

A Streamlit rerun of even the smallest fragment costs the server about 4.5 ms (bench/bench_refresh.py's floor);
a live refresh that is one HTTP request costs only its own work. So when the app is served by `serve.py` (st.App
with routes()), a playing page hands its chart grid a feed: the grid asks GET /_sb/live for its next frame at the
fair pace, and each answer trains the run, draws it and sends what changed since the frame the grid holds, in the
same format a rerun would (ui/transport.py). Served by `streamlit run app.py` (no routes), pages refresh through a
run_every fragment instead, as before; both draw the same frames.

A feed belongs to one session: it is found by a random token that only that session's page is given, and it is
kept alive by that session's state (the registry holds it weakly). Every frame is drawn under the feed's lock; a
page run disarms the feed first (waiting for a frame in flight), so the script and the feed never touch a run at
once, and re-arms it, with a new generation, if it is still playing. An answer for an old generation says "stop".
"""
from __future__ import annotations

import asyncio.base_events
import json
import logging
import secrets
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Callable

from ui import limits
from ui.limits import FEED_SECONDS, live_slot, pacer

ROUTE = "/_sb/live"
# A feed draws at most one frame per EARLIEST x the fair interval: the grid asks once per interval, so only a client
# that asks faster (a script, say) meets the limit, and it gets a short answer saying how long to wait, not a frame.
EARLIEST = 0.5
ASYNCIO_SET_NODELAY = asyncio.base_events._set_nodelay  # asyncio's own, which send_at_once replaces
_clock = time.monotonic  # when a frame is due (a test moves it on)
_LOGGER = logging.getLogger(__name__)
_feeds: weakref.WeakValueDictionary[str, Feed] = weakref.WeakValueDictionary()
_served = False


def routes() -> list:
    """The feed's route, for st.App(..., routes=routes()) (serve.py). Pages hand out feeds from then on.

    st.App mounts its routes as they are, not under server.baseUrlPath as it does Streamlit's own, so the route
    takes that prefix here (the page asks for the feed relative to its own address, as for the static files)."""
    from starlette.routing import Route
    from streamlit import config

    global _served
    _served = True
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return [Route(f"/{base}{ROUTE}" if base else ROUTE, endpoint, methods=["GET"])]


def send_at_once():
    """Turn Nagle's algorithm off on every TCP connection the server accepts from now on, as asyncio means to.

    asyncio sets TCP_NODELAY only on sockets whose protocol number is IPPROTO_TCP, and Streamlit 1.67 listens on a
    socket made with protocol 0, whose accepted connections inherit it (tests/test_streamlit_workarounds.py). So
    each HTTP answer, written as its headers and then its body, waited for the client's delayed acknowledgement of
    the headers: 44 ms for every request to the feed (or /_stcore/health), measured on loopback, which held a
    playing page to 7 frames a second instead of 10."""
    import socket

    def set_nodelay(sock):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    asyncio.base_events._set_nodelay = set_nodelay


def stop_config_polling():
    """Stop Streamlit polling its config files, now and from now on: a server reads its settings when it starts.

    Streamlit 1.67 watches each config.toml it could read (the user's and the app's, present or not) by polling,
    whatever server.fileWatcherType says: every 200 ms each one takes a thread pool's worker, looks at the file and
    schedules the next look (tests/test_streamlit_workarounds.py). That was most of an idle server's CPU, 4 of its
    7 ms a second, and about 0.4 ms of each live refresh's share at 10 refreshes a second. A watcher of any other
    file goes on as before. After a change to config.toml, restart the server (as after a change to the app)."""
    from streamlit.watcher.polling_path_watcher import PollingPathWatcher

    check = PollingPathWatcher._check_if_path_changed
    if hasattr(check, "streamlit_check"):  # done already
        return

    def check_unless_config(self):
        if self._path.name != "config.toml":
            check(self)  # which schedules the next look; a config file's watcher is not looked at again

    check_unless_config.streamlit_check = check
    PollingPathWatcher._check_if_path_changed = check_unless_config


def served() -> bool:
    """Whether this process answers the feed's route (it runs from serve.py)."""
    return _served


@dataclass(frozen=True)
class Frame:
    """One frame of a live area: the chart grid's rows and panel, the page's moment for the address bar
    ((name, value, default)), whether the run has ended (the feed stops and the page is drawn again), and what
    encoders share of the rows when other sessions send the same frame."""

    rows: list
    panel: object
    moment: tuple[str, int, int] | None = None
    ended: bool = False
    shared: dict | None = None  # kept with these rows when other sessions send them too (Encoder.encode)


# draw(may_train, pace, playing) -> Frame: train (unless the server had no slot for it) and draw the next frame;
# pace is the fair interval in seconds, playing the number of runs playing on this process.
Draw = Callable[[bool, float, int], Frame]


class Feed:
    """One session's live feed for one chart grid: its encoder (what the grid holds) and, while armed, how to draw
    the next frame."""

    def __init__(self, encoder):
        self.token = secrets.token_urlsafe(18)
        self.encoder = encoder
        self.lock = threading.Lock()
        self.generation = 0
        self.step = None  # the moment of the latest frame drawn (the page writes it into its address)
        self._draw: Draw | None = None
        self._due = 0.0  # monotonic time before which a request gets no frame (EARLIEST)
        _feeds[self.token] = self

    def arm(self, draw: Draw) -> dict:
        """Start (or restart) the feed with `draw`; what the grid needs to fetch it ({"url", "t", "g", "every"})."""
        with self.lock:
            self.generation += 1
            self._draw = draw
            self.step = None  # until it draws a frame of this run
            return {"url": ROUTE.lstrip("/"), "t": self.token, "g": self.generation, "every": pacer.interval()}

    def disarm(self):
        """Stop the feed, after the frame it may be drawing: later requests are told to stop."""
        with self.lock:
            self.generation += 1
            self._draw = None
        pacer.leave(self.token)  # it no longer counts for the pace (it counts again from its next frame)

    @property
    def armed(self) -> bool:
        return self._draw is not None

    def too_soon(self) -> float:
        """Seconds until this feed may draw its next frame (EARLIEST after its last), 0 if it may now."""
        return max(0.0, self._due - _clock())

    def next(self, generation: int, have: str, may_train: bool) -> tuple[bytes | None, bool]:
        """(answer, whether a frame was drawn). The answer: the next frame as the grid's message (what
        ui.chart_grid would send); None if `generation` is over; {"every": seconds} alone if asked too soon after
        the last frame (EARLIEST); {"stop", "ended"} if the frame could not be drawn (the feed stops). have: the
        epoch of the message the grid holds; anything else gets every chart whole."""
        from ui.charts import grid_message, grid_payload

        with self.lock:
            if self._draw is None or generation != self.generation:
                return None, False
            now, pace = _clock(), pacer.interval()
            if now < self._due:  # asked again too soon (the grid waits `every` between frames): no frame, no work
                return _wait(self._due - now), False
            self._due = now + EARLIEST * pace
            try:
                frame = self._draw(may_train, pace, pacer.playing())
            except Exception:  # a bug, not a diverging run (the engine reports that): pause, draw the page again
                _LOGGER.exception("The live feed could not draw a frame; the page is paused and drawn again.")
                self._draw = None
                return _FAILED, False
            if have != str(self.encoder.epoch):
                self.encoder.reset()
            layout, msg = grid_message(frame.rows, self.encoder, frame.shared)
            extra = {"every": pace, "moment": frame.moment}
            if frame.ended:
                self._draw = None
                extra["ended"] = True
            self.step = None if frame.moment is None else frame.moment[1]
            return grid_payload(layout, msg, frame.panel, extra), True


def feed_for(state: dict, key: str, encoder) -> Feed:
    """The session's feed for the chart grid `key` (state: the session state), made on first use."""
    feeds = state.setdefault("_ui_live_feeds", {})
    if key not in feeds or feeds[key].encoder is not encoder:
        feeds[key] = Feed(encoder)
    return feeds[key]


def disarm_all(state: dict):
    """A page run begins: stop every feed of the session (after any frame in flight).

    A feed that has sent frames may have one still on its way to the browser, which may arrive after this run's
    message (on its websocket) and be dropped there as from an old generation; so this run's message carries every
    chart whole rather than a patch on that frame, which the grid would have to send back for."""
    for feed in state.get("_ui_live_feeds", {}).values():
        sent = feed.armed and feed.step is not None
        feed.disarm()
        if sent:
            feed.encoder.reset()


# The frame could not be drawn: the feed stops and the page pauses and draws itself again, in its own run, where
# Streamlit shows the error if it happens again.
_FAILED = json.dumps({"stop": True, "ended": True}).encode()
_STOP = json.dumps({"stop": True}).encode()  # the feed is disarmed, or armed again for another generation
# No such feed: its session has ended (its server restarted, or a replica died and HAProxy sent the request to
# another). The page reloads its own address, which carries the run and the step of its last frame.
_GONE = json.dumps({"stop": True, "gone": True}).encode()


def _wait(seconds: float) -> bytes:
    """Asked too soon: no frame, and how long to wait for one."""
    return json.dumps({"every": round(seconds, 3)}).encode()


def answer(params) -> bytes:
    """The answer to GET /_sb/live?t=TOKEN&g=GENERATION&have=EPOCH (params: its query, a mapping): the next frame of
    that feed, {"stop": true} if it is not armed for that generation, and {"stop": true, "gone": true} if there is
    no such feed.

    It runs on a worker thread (the event loop goes on serving the other sessions meanwhile). Like a fragment's live
    refresh it holds one of the process's heavy-job slots while it trains and draws (ui.live_slot: after
    LIVE_SLOT_WAIT s without one it draws without training), and the time it took sets the fair pace of every
    playing run. A request that comes too soon is answered without a slot, and does not count for the pace. The
    pace counts the frame's own time, from when it has its slot: the time it waited for one was the other frames'
    own time, which they count."""
    feed = _feeds.get(params.get("t", ""))
    try:
        generation = int(params.get("g", ""))
    except ValueError:
        generation = -1
    body = None
    if feed is not None and feed.armed and generation == feed.generation:
        wait = feed.too_soon()
        if wait > 0:
            body = _wait(wait)
        else:
            with live_slot(False, wait=limits.LIVE_SLOT_WAIT) as may_train:
                start = time.perf_counter()  # its own time: the others' frames it waited for count as theirs
                body, drawn = feed.next(generation, params.get("have", ""), may_train)
                took = time.perf_counter() - start
            if drawn:
                pacer.note(feed.token, took, overhead=FEED_SECONDS)
    return body or (_STOP if feed is not None else _GONE)


def endpoint(request):
    """The feed's route as a Starlette endpoint (Starlette runs it on its thread pool): see answer()."""
    from starlette.responses import Response

    return Response(answer(request.query_params), media_type="application/json",
                    headers={"Cache-Control": "no-store"})


def first(app):
    """`app` (serve.py's st.App) with the feed's requests answered before its middleware: the same answers as its
    route gives, for less of the server's time.

    Every request to the st.App passes its middleware (path checks, sessions, gzip, error pages) and its router,
    then waits for a thread: 1.2-1.5 ms of server CPU for a feed request that draws nothing, 0.8-1.3 ms answered
    here (README, 1 December). None of that serves the feed: its path is one fixed path, its token is its only
    credential and it sets no cookie. Answered here, the request goes to the thread that draws the frame at once,
    and the answer is compressed here when the browser takes gzip. Every other request (and the lifespan) goes to
    `app` as before."""
    import gzip
    from urllib.parse import parse_qsl

    from starlette.concurrency import run_in_threadpool

    # compressed as Streamlit's own middleware compresses its answers, by its own settings
    from streamlit.web.server.starlette.starlette_server_config import GZIP_COMPRESSLEVEL, GZIP_MINIMUM_SIZE

    path = routes()[0].path

    async def serve(scope, receive, send):
        if scope["type"] != "http" or scope["path"] != path or scope["method"] != "GET":
            await app(scope, receive, send)
            return
        params = dict(parse_qsl(scope["query_string"].decode("latin-1")))
        body = await run_in_threadpool(answer, params)
        headers = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
        if len(body) >= GZIP_MINIMUM_SIZE and any(
                b"gzip" in v for k, v in scope["headers"] if k == b"accept-encoding"):
            body = gzip.compress(body, GZIP_COMPRESSLEVEL, mtime=0)
            headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return serve
