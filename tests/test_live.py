"""The live feed (ui/live.py): what GET /_sb/live answers, for a feed alone and for the Playground's own feed."""
from __future__ import annotations

import gc
import importlib
import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import grid_elements, live_panel, run_alone
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from narration import run as narrate
from ui import limits, live
from ui.charts import Panel
from ui.transport import Encoder

train_mod = importlib.import_module("symbreak_core.train")

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def ask(token: str, generation, have="") -> dict:
    """One request to the feed's endpoint, as the chart grid sends it; its answer as JSON."""
    query = f"t={token}&g={generation}&have={have}".encode()
    request = Request({"type": "http", "method": "GET", "path": live.ROUTE, "query_string": query, "headers": []})
    response = live.endpoint(request)
    assert response.media_type == "application/json" and response.headers["cache-control"] == "no-store"
    return json.loads(response.body)


def figure(y) -> dict:
    return {"data": [{"type": "scatter", "y": list(y)}], "layout": {"height": 300}}


class Counter:
    """A draw function: each frame trains one 'step' (when it may) and shows it in one chart; a second chart never
    changes."""

    def __init__(self, last: int = 1000):
        self.step, self.last, self.calls = 0, last, []

    def __call__(self, may_train: bool, pace: float, playing: int) -> live.Frame:
        self.calls.append((may_train, pace, playing))
        if may_train:
            self.step += 1
        rows = [[(figure([self.step, 2 * self.step]), 1), (figure([7, 7]), 1)]]
        panel = Panel((("Step", str(self.step), None),), "**What's happening:** counting")
        return live.Frame(rows, panel, ("step", self.step, 0), ended=self.step >= self.last)


@pytest.fixture(autouse=True)
def later(monkeypatch):
    """Every request comes a second after the last (a grid waits the fair interval between frames)."""
    clock = [time.monotonic()]

    def tick():
        clock[0] += 1.0
        return clock[0]

    monkeypatch.setattr(live, "_clock", tick)
    return clock


@pytest.fixture()
def feed():
    f = live.Feed(Encoder())
    yield f
    limits.pacer.leave(f.token)


def test_an_unknown_feed_is_gone_and_a_disarmed_or_older_one_is_stopped(feed):
    assert ask("no-such-token", 1) == {"stop": True, "gone": True}
    assert ask(feed.token, 0) == {"stop": True}  # made, never armed
    got = feed.arm(Counter())
    assert got["t"] == feed.token and got["url"] == live.ROUTE.lstrip("/") and got["every"] in limits.REFRESH_STEPS
    assert ask(feed.token, got["g"] - 1) == {"stop": True}
    assert ask(feed.token, "x") == {"stop": True}
    assert ask(feed.token, got["g"])["moment"] == ["step", 1, 0]
    feed.disarm()
    assert ask(feed.token, got["g"]) == {"stop": True}


def test_frames_send_what_changed_since_the_frame_the_grid_holds(feed):
    draw = Counter()
    g = feed.arm(draw)["g"]
    first = ask(feed.token, g)  # a grid that holds nothing gets every chart whole
    assert first["msg"]["base"] is None and set(first["msg"]["charts"]) == {"0-0", "0-1"}
    assert first["rows"] == [[{"id": "0-0", "w": 1, "h": 300, "key": False}, {"id": "0-1", "w": 1, "h": 300,
                                                                            "key": False}]]
    assert first["panel"]["numbers"] == [["Step", "1", ""]] and first["moment"] == ["step", 1, 0]
    second = ask(feed.token, g, have=first["msg"]["epoch"])
    assert second["msg"]["base"] == first["msg"]["epoch"]
    assert second["msg"]["charts"]["0-1"] is None  # unchanged: not sent again
    assert "$p" in second["msg"]["charts"]["0-0"] and second["panel"]["numbers"] == [["Step", "2", ""]]
    # a grid that lost track (it holds another epoch, or none) is brought back to the full picture
    for have in (first["msg"]["epoch"], ""):
        again = ask(feed.token, g, have=have)
        assert again["msg"]["base"] is None and all(c is not None for c in again["msg"]["charts"].values())
    assert draw.step == 4 and all(may for may, _, _ in draw.calls)


def test_the_frame_that_ends_the_run_says_so_and_stops_the_feed(feed):
    g = feed.arm(Counter(last=2))["g"]
    assert "ended" not in ask(feed.token, g)
    last = ask(feed.token, g)
    assert last["ended"] is True and last["panel"]["numbers"] == [["Step", "2", ""]]
    assert ask(feed.token, g) == {"stop": True} and not feed.armed


def test_a_feed_with_no_slot_in_time_draws_without_training(feed, monkeypatch):
    monkeypatch.setattr(limits, "LIVE_SLOT_WAIT", 0.05)
    draw = Counter()
    g = feed.arm(draw)["g"]
    held = [limits._heavy.acquire(timeout=5) for _ in range(limits.MAX_HEAVY_JOBS)]
    try:
        assert all(held)
        frame = ask(feed.token, g)
    finally:
        for _ in held:
            limits._heavy.release()
    assert draw.calls[-1][0] is False and frame["panel"]["numbers"] == [["Step", "0", ""]]
    assert ask(feed.token, g)["panel"]["numbers"] == [["Step", "1", ""]]


def test_disarming_waits_for_the_frame_in_flight(feed):
    started, release = threading.Event(), threading.Event()
    draw = Counter()

    def slow(may_train, pace, playing):
        started.set()
        release.wait(5)
        return draw(may_train, pace, playing)

    g = feed.arm(slow)["g"]
    answer = {}
    asker = threading.Thread(target=lambda: answer.update(ask(feed.token, g)))
    asker.start()
    assert started.wait(5)
    disarmed = threading.Event()
    stopper = threading.Thread(target=lambda: (feed.disarm(), disarmed.set()))
    stopper.start()
    time.sleep(0.1)
    assert not disarmed.is_set()  # the page run waits: the frame is still being drawn
    release.set()
    asker.join(5)
    stopper.join(5)
    assert disarmed.is_set() and answer["moment"] == ["step", 1, 0]
    assert ask(feed.token, g) == {"stop": True}


def test_a_feed_counts_for_the_fair_pace_while_it_plays(feed):
    g = feed.arm(Counter())["g"]
    before = limits.pacer.playing()
    ask(feed.token, g)
    assert limits.pacer.playing() == before + 1
    feed.disarm()
    assert limits.pacer.playing() == before


def test_a_feed_lives_as_long_as_its_session_holds_it():
    state = {}
    enc = Encoder()
    f = live.feed_for(state, "grid", enc)
    assert live.feed_for(state, "grid", enc) is f  # one per grid and encoder
    assert live.feed_for(state, "grid", Encoder()) is not f  # the grid's memory was reset: a new feed
    token = live.feed_for(state, "grid", enc).token
    assert live._feeds.get(token) is not None
    state.clear()
    gc.collect()
    assert ask(token, 1) == {"stop": True, "gone": True}


def test_the_route_is_the_feed_and_turns_it_on(monkeypatch):
    from streamlit import config

    monkeypatch.setattr(live, "_served", False)
    assert not live.served()
    (route,) = live.routes()
    assert route.path == live.ROUTE and route.endpoint is live.endpoint and route.methods >= {"GET"}
    assert live.served()
    # served under a sub-path, the route is too (the page asks relative to its own address)
    monkeypatch.setattr(config, "get_option", lambda name: "/symbreak/" if name == "server.baseUrlPath" else None)
    assert live.routes()[0].path == "/symbreak/_sb/live"


def grid_data(at) -> dict:
    (grid,) = grid_elements(at)
    return json.loads(grid.proto.bytes)


def test_the_playground_plays_through_its_feed_when_served_with_it(monkeypatch):
    """Served by serve.py, Play hands the chart grid a feed; each frame trains the session's run and shows it, the
    page drawn again shows the same run, and Pause stops the feed."""
    monkeypatch.setattr(live, "_served", True)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert "live" not in grid_data(at)  # paused: no feed
    next(b for b in at.button if b.label == "Play").click().run()
    assert at.session_state["playing"] is True and not at.exception
    data = grid_data(at)
    feed, epoch = data["live"], data["msg"]["epoch"]
    shown = int(live_panel(at)["numbers"]["Step"].replace(",", ""))
    assert shown == 0  # a page run draws where the run is; the feed trains
    frames = []
    for _ in range(3):
        frames.append(ask(feed["t"], feed["g"], have=epoch))
        epoch = frames[-1]["msg"]["epoch"]
        assert frames[-1]["msg"]["base"] is not None  # a patch on what the grid holds
    steps = [int(dict((n[0], n[1]) for n in f["panel"]["numbers"])["Step"].replace(",", "")) for f in frames]
    assert steps[0] > 0 and steps == [steps[0] * k for k in (1, 2, 3)]
    assert [f["moment"] for f in frames] == [["step", s, 0] for s in steps]
    assert at.session_state["trainer"].step == steps[-1]
    next(b for b in at.button if b.label == "Pause").click().run()
    assert ask(feed["t"], feed["g"]) == {"stop": True}
    assert at.session_state["playing"] is False and "live" not in grid_data(at)
    assert live_panel(at)["numbers"]["Step"] == f"{steps[-1]:,}"
    assert at.query_params.get("step") == str(steps[-1])


def test_the_playgrounds_feed_says_when_the_server_is_busy(monkeypatch):
    """While every heavy-job slot is held, a frame of the Playground's own feed shows the run where it is and says
    the server is busy; the next frame with a free slot trains again and the line is gone."""
    monkeypatch.setattr(live, "_served", True)
    monkeypatch.setattr(limits, "LIVE_SLOT_WAIT", 0.05)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    next(b for b in at.button if b.label == "Play").click().run()
    feed = grid_data(at)["live"]
    first = ask(feed["t"], feed["g"])
    step = at.session_state["trainer"].step
    assert step > 0 and first["panel"]["foot"] != narrate.BUSY
    held = [limits._heavy.acquire(timeout=5) for _ in range(limits.MAX_HEAVY_JOBS)]
    try:
        assert all(held)
        busy = ask(feed["t"], feed["g"], have=first["msg"]["epoch"])
    finally:
        for _ in held:
            limits._heavy.release()
    assert busy["panel"]["foot"] == narrate.BUSY and at.session_state["trainer"].step == step
    assert dict((n[0], n[1]) for n in busy["panel"]["numbers"])["Step"] == f"{step:,}"
    again = ask(feed["t"], feed["g"], have=busy["msg"]["epoch"])
    assert again["panel"]["foot"] != narrate.BUSY and at.session_state["trainer"].step == 2 * step
    next(b for b in at.button if b.label == "Pause").click().run()


def test_a_page_run_after_frames_sends_every_chart_whole(feed):
    """A frame may still be on its way when a page run draws the grid: that run's message must not build on it."""
    state = {"_ui_live_feeds": {"grid": feed}}
    feed.encoder.encode({"0-0": figure([1])})  # what a page run sent
    g = feed.arm(Counter())["g"]
    live.disarm_all(state)  # armed, no frame sent: the next message may still be a patch
    assert not feed.encoder._full
    g = feed.arm(Counter())["g"]
    ask(feed.token, g)
    live.disarm_all(state)
    assert feed.encoder._full and not feed.armed
    assert ask(feed.token, g) == {"stop": True}


def test_a_client_that_asks_faster_than_the_pace_gets_no_frame_until_it_is_due(feed, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(live, "_clock", lambda: now[0])
    draw = Counter()
    g = feed.arm(draw)["g"]
    first = ask(feed.token, g)
    assert set(ask(feed.token, g)) == {"every"} and draw.step == 1  # at once again: told to wait, nothing trained
    wait = ask(feed.token, g)["every"]
    assert wait == round(live.EARLIEST * first["every"], 3) > 0
    # answered without taking a slot, and not counted as a refresh for the pace
    slots, noted = [], []
    monkeypatch.setattr(live, "live_slot", lambda *a, **k: slots.append(a))
    monkeypatch.setattr(limits.pacer, "note", lambda *a, **k: noted.append(a))
    assert set(ask(feed.token, g)) == {"every"} and slots == [] and noted == []
    monkeypatch.undo()
    monkeypatch.setattr(live, "_clock", lambda: now[0])
    now[0] += wait
    assert ask(feed.token, g)["panel"]["numbers"] == [["Step", "2", ""]]


def test_a_frame_that_fails_stops_the_feed_and_has_the_page_drawn_again(feed, caplog):
    def broken(may_train, pace, playing):
        raise ValueError("a bug")

    g = feed.arm(broken)["g"]
    assert ask(feed.token, g) == {"stop": True, "ended": True}  # the grid asks the page to be drawn again
    assert not feed.armed and ask(feed.token, g) == {"stop": True}
    assert "could not draw a frame" in caplog.text and "a bug" in caplog.text


def playing_feed(at) -> tuple[dict, str]:
    """Press Play on an AppTest Playground served with its feed: the grid's feed and the epoch it holds."""
    at.run()
    next(b for b in at.button if b.label == "Play").click().run()
    data = grid_data(at)
    return data["live"], data["msg"]["epoch"]


def own_words(frame: dict) -> dict:
    """A frame without what each session says for itself: the line under the charts and the pace."""
    return {k: v for k, v in frame.items() if k != "every"} | {"panel": {**frame["panel"], "foot": ""}}


def test_sessions_that_play_the_same_run_share_its_frames_and_send_the_same(monkeypatch):
    """A session playing alone keeps nothing for others. Two sessions playing the same settings train each step
    once between them (ui/frames.py): each frame one of them draws, the other takes at that step, catching its
    runs up. Both send their browsers exactly what the session alone sent, and their runs are its run."""
    from ui import frames

    monkeypatch.setattr(live, "_served", True)
    frames.clear()
    query = {"preset": "xavier", "speed": "20"}  # with its twin, which is the constant-0.5 preset's run
    alone = AppTest.from_file(APP, default_timeout=60)
    alone.query_params.update(query)
    feed, epoch = playing_feed(alone)
    sent = []
    for _ in range(4):
        sent.append(ask(feed["t"], feed["g"], have=epoch))
        epoch = sent[-1]["msg"]["epoch"]
    assert len(frames.frames) == len(frames.runs) == 0
    next(b for b in alone.button if b.label == "Pause").click().run()

    pair = [AppTest.from_file(APP, default_timeout=60) for _ in range(2)]
    held = []
    for at in pair:
        at.query_params.update(query)
        held.append(list(playing_feed(at)))
    got = [[], []]
    for k in range(4):
        for i, at in enumerate(pair):
            (feed, epoch) = held[i]
            got[i].append(ask(feed["t"], feed["g"], have=epoch))
            held[i][1] = got[i][-1]["msg"]["epoch"]
    assert frames.frames.hits >= 2 and frames.runs.misses > 0  # steps and frames were taken from the other
    for frames_of_one in got:
        assert [own_words(f) for f in frames_of_one] == [own_words(f) for f in sent]
    runs = [at.session_state for at in (alone, *pair)]
    for name in ("trainer", "twin"):
        ref = runs[0][name]
        for state in runs[1:]:
            assert state[name].step == ref.step and state[name] is not ref
            for W, V in zip(state[name].weights, ref.weights, strict=True):
                np.testing.assert_array_equal(W, V)
    for at in pair:
        next(b for b in at.button if b.label == "Pause").click().run()
    frames.clear()


def test_twins_of_two_presets_share_their_steps_but_never_a_wide_runs(monkeypatch):
    """The equal-start twins of the Xavier and small-random presets are one config, trained narrow: played at once,
    one twin takes the steps the other took. The constant-0.5 preset's own run has that config too but is trained
    wide (its units are drawn): it neither gives nor takes the twins' steps, and agrees with them to 1e-12."""
    from ui import frames

    monkeypatch.setattr(live, "_served", True)
    frames.clear()
    sessions = []
    for preset in ("constant_05", "xavier", "small_random"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update({"preset": preset, "speed": "20"})
        sessions.append([at, *playing_feed(at)])
    for _ in range(3):
        for s in sessions:
            s[2] = ask(s[1]["t"], s[1]["g"], have=s[2])["msg"]["epoch"]
    run, *twins = [sessions[0][0].session_state["trainer"]] + [s[0].session_state["twin"] for s in sessions[1:]]
    assert all(t.config == run.config and t.step == run.step == 60 for t in twins)
    assert run.copies is None and twins[0].copies == twins[1].copies == run.config.hidden
    assert twins[0] is not twins[1]
    # the twins' first frames trained alone; then the first twin trained, and kept, what the second took. The wide
    # run was never kept: nobody else plays it wide
    assert frames.runs.hits == 2
    for W, V in zip(twins[0].weights + twins[0].biases, twins[1].weights + twins[1].biases, strict=True):
        np.testing.assert_array_equal(W, V)
    assert np.array(twins[0].curves()[1]).tobytes() == np.array(twins[1].curves()[1]).tobytes()
    np.testing.assert_allclose(twins[0].curves()[1], [s.train_loss for s in run.snapshots], rtol=1e-12)
    for W, V in zip(run.weights + run.biases, twins[0].network()[0] + twins[0].network()[1], strict=True):
        np.testing.assert_allclose(W, V, rtol=1e-12)
    for at, _, _ in sessions:
        next(b for b in at.button if b.label == "Pause").click().run()
    frames.clear()


def test_served_first_the_feed_answers_before_the_middleware_and_everything_else_passes_through():
    """serve.py answers the feed's requests before the st.App's middleware (ui.live.first): the same answers as the
    route's, gzip when the browser takes it, and every other request (and the lifespan) handed to the app."""
    import gzip

    passed = []

    async def app(scope, receive, send):
        passed.append(scope["type"] + " " + scope.get("path", ""))

    serve = live.first(app)

    def call(path, query=b"", headers=()):
        sent = []

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": path, "query_string": query, "headers": list(headers)}
        run_alone(serve(scope, None, send))
        return sent

    assert call("/_stcore/health") == [] and passed == ["http /_stcore/health"]
    run_alone(serve({"type": "lifespan"}, None, None))
    assert passed[-1] == "lifespan "
    start, body = call(live.ROUTE, b"t=no-such-feed&g=1&have=")
    assert start["status"] == 200 and json.loads(body["body"]) == {"stop": True, "gone": True}
    assert dict(start["headers"])[b"cache-control"] == b"no-store" and len(passed) == 2

    encoder = Encoder()
    feed = live.Feed(encoder)
    rows = [[(figure(range(400)), 1)]]
    feed.arm(lambda may_train, pace, playing: live.Frame(rows, Panel((), "")))
    query = f"t={feed.token}&g={feed.generation}&have=".encode()
    start, body = call(live.ROUTE, query, [(b"accept-encoding", b"gzip, deflate")])
    headers = dict(start["headers"])
    assert headers[b"content-encoding"] == b"gzip" and int(headers[b"content-length"]) == len(body["body"])
    got = json.loads(gzip.decompress(body["body"]))
    assert got["msg"]["charts"]["0-0"]["$v"]["data"][0]["y"]  # every chart whole: the grid held nothing
