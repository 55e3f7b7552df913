"""A minimal Streamlit protocol client: one websocket per session, protobuf messages, no browser.

It does what the Playground's frontend does for the server: asks for the first run with the page's query string,
and every later one with the page's address as the server last wrote it and the state of every widget it holds
(as a browser does; a rerun naming only the widget that changed would reset the others), presses buttons, moves a
slider, and re-runs the live fragment every `run_every` seconds as the frontend's timer
would (a tick is skipped while the previous run is still going, as a busy browser would). Where the chart grid is
handed a live feed (the app served by serve.py, ui/live.py) it fetches the frames over HTTP as the grid's script
does: the next one asked for once the last has arrived, at the pace the server gives, on one kept-alive
connection. It draws nothing, so 30 of them fit on the machine that also runs the server.
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import streamlit  # noqa: F401  (initialises streamlit before its generated protobuf modules)
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


def widget_state(el, held=None):
    """The state a browser holds, and sends with every rerun, for the widget element `el` (None: not a widget
    with a value, such as a button): the value the server set (set_value), else the one held from before (`held`,
    the WidgetState last sent), else the widget's default. The Playground's kinds: sliders, select sliders, select
    boxes, checkboxes and toggles, and number inputs. A rerun that named only the widget that changed would let the
    server take every other widget for new, and the page would forget what the link and earlier moves had set."""
    from streamlit.proto.Slider_pb2 import Slider
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    t = el.WhichOneof("type")
    if t not in ("slider", "selectbox", "checkbox", "number_input"):
        return None
    e = getattr(el, t)
    if held is not None and not e.set_value:
        return held
    w = WidgetState()
    w.id = e.id
    if t == "slider":
        values = list(e.value) if e.set_value and len(e.value) else list(e.default)
        if e.type == Slider.SELECT_SLIDER:
            w.string_array_value.data.extend(e.options[int(v)] for v in values)
        else:
            w.double_array_value.data.extend(values)
    elif t == "selectbox":
        w.string_value = e.raw_value if e.set_value and e.HasField("raw_value") else e.options[e.default]
    elif t == "checkbox":
        w.bool_value = e.value if e.set_value else e.default
    else:
        w.double_value = e.value if e.set_value and e.HasField("value") else e.default
    return w


@dataclass
class Session:
    """One simulated visitor of `base_url` + `query` (query without the leading '?')."""

    base_url: str
    query: str = ""
    headers: dict = field(default_factory=dict)  # extra headers of the websocket handshake, e.g. a sticky Cookie
    buttons: dict = field(default_factory=dict)  # label -> widget id
    sliders: dict = field(default_factory=dict)  # label -> (widget id, value)
    states: dict = field(default_factory=dict)  # widget id -> its WidgetState now, sent with every rerun
    metrics: dict = field(default_factory=dict)  # label -> shown text
    step_log: list = field(default_factory=list)  # (monotonic time, step text) at every change
    events: list = field(default_factory=list)  # (monotonic time, label, text) of metric changes
    finished: list = field(default_factory=list)  # monotonic times of script_finished
    charts: list = field(default_factory=list)  # monotonic times of chart messages (chart grid or st.plotly_chart)
    page_hash: str = ""
    fragment: tuple | None = None  # (fragment id, interval s) of the live area while it auto-reruns
    running: bool = False
    bytes_in: int = 0
    errors: list = field(default_factory=list)
    live: dict | None = None  # the chart grid's live feed while it has one ({"url", "t", "g", "every"})
    frames: list = field(default_factory=list)  # monotonic times of the feed's frames
    epoch: str = ""  # the epoch of the chart grid's newest message, which the feed's next request names
    every: float | None = None  # the pace the feed's latest frame gave (s)
    _feeding: set = field(default_factory=set)  # the feed's tasks (a new generation starts a new one)

    async def run(self, stop_at: float, on_ready=None):
        uri = self.base_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        async with websockets.connect(uri, subprotocols=["streamlit"], origin=self.base_url, max_size=None,
                                      ping_interval=None, compression=None,
                                      additional_headers=self.headers or None) as ws:
            self.ws = ws
            await self.rerun()
            reader = asyncio.create_task(self._read(ws))
            ticker = asyncio.create_task(self._tick())
            try:
                if on_ready is not None:
                    await on_ready(self)
                await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
            finally:
                ticker.cancel()
                reader.cancel()
                for task in self._feeding:
                    task.cancel()

    async def _feed(self, live: dict):
        """The chart grid's live feed: GET each next frame, as static/charts-grid.js does, until told to stop."""
        base = urlsplit(self.base_url)
        reader, writer = await asyncio.open_connection(base.hostname, base.port)
        extra = "".join(f"{k}: {v}\r\n" for k, v in self.headers.items())
        path = base.path.rstrip("/") + "/" + live["url"]
        try:
            while self.live is live:
                began = time.monotonic()
                query = urlencode({"t": live["t"], "g": live["g"], "have": self.epoch})
                writer.write(f"GET {path}?{query} HTTP/1.1\r\nHost: {base.netloc}\r\n{extra}\r\n".encode())
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                body = await reader.readexactly(length)
                self.bytes_in += len(head) + len(body)
                if not head.startswith(b"HTTP/1.1 200"):
                    self.errors.append(head.split(b"\r\n", 1)[0].decode())
                    break
                sent = json.loads(body)
                if sent.get("stop") or self.live is not live:
                    break
                if "msg" not in sent:  # asked too soon: wait as told
                    await asyncio.sleep(sent["every"])
                    continue
                now = time.monotonic()
                self.frames.append(now)
                self.every = sent["every"]
                self.epoch = str(sent["msg"]["epoch"])
                self._panel(now, sent)
                if sent.get("ended"):
                    break
                await asyncio.sleep(max(0.0, sent["every"] - (time.monotonic() - began)))
        finally:
            writer.close()

    def _panel(self, now: float, data: dict):
        for label, body, _ in (data.get("panel") or {}).get("numbers", ()):
            self._number(now, label, body)

    async def rerun(self, widgets=(), fragment_id: str = "", auto: bool = False):
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        changed = {w.id for w in widgets}
        for w in [w for wid, w in self.states.items() if wid not in changed] + list(widgets):
            cs.widget_states.widgets.append(w)
        self.running = True
        await self.ws.send(msg.SerializeToString())

    async def click(self, label_part: str):
        wid = next(i for label, i in self.buttons.items() if label_part.lower() in label.lower())
        w = BackMsg().rerun_script.widget_states.widgets.add()
        w.id = wid
        w.trigger_value = True
        await self.rerun([w])

    async def set_slider(self, label: str, value: float):
        wid, _ = self.sliders[label]
        w = BackMsg().rerun_script.widget_states.widgets.add()
        w.id = wid
        w.double_array_value.data.append(float(value))
        self.sliders[label] = (wid, value)
        self.states[wid] = w
        await self.rerun([w])

    async def _tick(self):
        """The frontend's run_every timer: re-run the live fragment every interval while it is auto-rerunning."""
        while True:
            if self.fragment is None:
                await asyncio.sleep(0.05)
                continue
            fid, interval = self.fragment
            await asyncio.sleep(interval)
            if self.fragment and self.fragment[0] == fid and not self.running:
                await self.rerun(fragment_id=fid, auto=True)

    def _number(self, now: float, label: str, body: str):
        """A number shown (an st.metric, or one of a chart grid's panel): logged when it changes."""
        if self.metrics.get(label) != body:
            self.metrics[label] = body
            self.events.append((now, label, body))
            if label == "Step":
                self.step_log.append((now, body))

    async def _read(self, ws):
        async for data in ws:
            self.bytes_in += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            now = time.monotonic()
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                el = msg.delta.new_element
                t = el.WhichOneof("type")
                state = widget_state(el, self.states.get(getattr(getattr(el, t), "id", None)))
                if state is not None:
                    self.states[state.id] = state
                if t == "button":
                    self.buttons[el.button.label] = el.button.id
                elif t == "slider":
                    s = el.slider
                    self.sliders[s.label] = (s.id, s.value[0] if len(s.value) else None)
                elif t == "metric":
                    self._number(now, el.metric.label, el.metric.body)
                elif t in ("bidi_component", "plotly_chart"):
                    self.charts.append(now)
                    if t == "bidi_component" and el.bidi_component.bytes:  # a chart grid: its panel, its feed
                        data = json.loads(el.bidi_component.bytes)
                        self._panel(now, data)
                        self.epoch = str(data["msg"]["epoch"])
                        live = data.get("live")
                        if live != self.live:
                            self.live = live
                            if live is not None:
                                task = asyncio.create_task(self._feed(live))
                                self._feeding.add(task)
                                task.add_done_callback(self._feeding.discard)
                elif t == "exception":
                    self.errors.append(el.exception.message)
            elif kind == "page_info_changed":  # the page wrote its address: the browser's next rerun sends it
                self.query = msg.page_info_changed.query_string
            elif kind == "auto_rerun":
                self.fragment = (msg.auto_rerun.fragment_id, float(msg.auto_rerun.interval))
            elif kind == "stop_auto_rerun":
                self.fragment = None
            elif kind == "script_finished":
                self.running = False
                self.finished.append(now)
            elif kind == "session_status_changed" and not msg.session_status_changed.script_is_running:
                self.running = False
