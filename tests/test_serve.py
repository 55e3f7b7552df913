"""scripts/serve.sh: two replicas behind HAProxy, driven through the balancer by two real browsers.

The browser test reads HAProxy's request log (one line per request: the replica that served it, the SERVERID cookie
the browser sent and the browser's User-Agent) to check that every request of a visitor, the websocket and the
download included, reaches that visitor's replica, and that a visitor whose replica dies carries on on the other.
"""
from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
from conftest import (
    EXCEPTION,
    IN_CI,
    ROOT,
    button,
    charts_drawn,
    exception_text,
    free_port,
    metric,
    open_app,
    step_count,
    wait_for_charts,
    wait_idle,
    wait_until,
)

SCRIPT = ROOT / "scripts" / "serve.sh"
START_TIMEOUT = 60.0  # serve.sh prints its last line once both replicas are healthy (about 5 s on an idle machine)
SETUP = "/?preset=he&width=5"  # not the default setup (constant 0.5, width 8), so a page showing it read the URL
REPLICA_LINE = re.compile(r"replica (\d+) pid (\d+) port (\d+)")
# HAProxy's httplog: ... replicas/SERVER timers STATUS bytes SENT_COOKIE SET_COOKIE flags conns queues {UA} "GET PATH
# The page hidden (false) or seen again (true), as the browser says it when another tab comes to the front and back
# (headless Chromium keeps every tab visible): document.hidden, and the event that announces its change.
SEEN_JS = """(seen) => {
  Object.defineProperty(document, "hidden", {configurable: true, get: () => !seen});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
LOG_LINE = re.compile(r' replicas/(\S+) \S+ (\d{3}) \S+ (\S+) \S+ \S{4} \S+ \S+ \{([^}]*)\} "\S+ (\S+)')


def haproxy_found() -> bool:
    return bool(shutil.which("haproxy") or os.access("/usr/sbin/haproxy", os.X_OK))


@pytest.fixture()
def haproxy():
    if not haproxy_found():
        msg = "haproxy is not installed (bash scripts/test.sh installs it)"
        if IN_CI:
            pytest.fail(msg + " -- in CI the load-balancer test must run")
        pytest.skip(msg)


class Serve:
    """`bash scripts/serve.sh --replicas 2` in its own process group, its stdout lines read by a thread."""

    def __init__(self, log_dir):
        self.port = free_port()
        self.log_dir = log_dir
        self.err = open(log_dir / "serve.err", "w+")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            ["bash", str(SCRIPT), "--replicas", "2", "--port", str(self.port), "--log-dir", str(log_dir)],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.err, text=True,
            start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line.rstrip("\n")) for line in self.proc.stdout],
                         daemon=True).start()

    def read_until_serving(self) -> list[str]:
        deadline = time.monotonic() + START_TIMEOUT
        out: list[str] = []
        while not out or not out[-1].startswith("serving on"):
            try:
                out.append(self.lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"no 'serving on' line within {START_TIMEOUT:.0f} s: {out}\n{self.stderr()}")
        return out

    def stderr(self) -> str:
        return (self.log_dir / "serve.err").read_text(errors="replace")

    def requests(self) -> list[dict]:
        """HAProxy's request log, one dict per request."""
        text = (self.log_dir / "haproxy.log").read_text(errors="replace")
        keys = ("server", "status", "cookie", "agent", "path")
        return [dict(zip(keys, m.groups())) for m in map(LOG_LINE.search, text.splitlines()) if m]

    def stop(self) -> int:
        """SIGTERM, as a supervisor would send it; serve.sh's own trap stops what it started."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        return self.proc.returncode

    def kill_group(self) -> None:
        """Last resort when a test failed half-way: nothing of the process group may outlive the test."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self.err.close()


@pytest.fixture()
def serve(haproxy, tmp_path):
    s = Serve(tmp_path)
    yield s
    s.stop()
    s.kill_group()
    for log in sorted(tmp_path.glob("*.log")) + [tmp_path / "serve.err"]:  # shown only when the test failed
        print(f"---- {log.name}\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture()
def visitor(new_context):
    """Isolated browser contexts, each with its own User-Agent (how HAProxy's log tells them apart)."""
    return lambda name: new_context(user_agent=f"symbreak-visitor-{name}")


def download_config(page) -> dict:
    """Click the Playground's "Config (JSON)" download and parse what arrives."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Config (JSON)").click()
    return json.loads(download.value.path().read_text())


def sticky_replica(ctx) -> str:
    return next(c["value"] for c in ctx.cookies() if c["name"] == "SERVERID")


def servers_of(requests: list[dict], agent: str) -> set[str]:
    return {r["server"] for r in requests if r["agent"] == agent}


@pytest.mark.e2e
def test_two_replicas_sticky_sessions_download_and_failover(serve, visitor):
    lines = serve.read_until_serving()
    assert len(lines) == 3, lines
    replicas = [REPLICA_LINE.fullmatch(line) for line in lines[:2]]
    assert all(replicas), lines
    assert [int(m[1]) for m in replicas] == [1, 2]
    assert lines[2] == f"serving on http://127.0.0.1:{serve.port}"
    pids = {f"replica{m[1]}": int(m[2]) for m in replicas}
    url = f"http://127.0.0.1:{serve.port}"

    # two visitors open the Playground at once; round-robin gives them one replica each
    pages = {name: visitor(name).new_page() for name in "AB"}
    for p in pages.values():
        p.goto(url + SETUP, wait_until="commit")
    for p in pages.values():
        wait_for_charts(p, timeout_ms=30_000)
        wait_idle(p)
    home = {name: sticky_replica(p.context) for name, p in pages.items()}
    assert sorted(home.values()) == ["replica1", "replica2"], home

    # a download: the JSON behind "Config (JSON)" lives in the memory of the visitor's replica
    a = pages["A"]
    config = download_config(a)
    assert config["hidden"] == [5, 5] and config["init"] == "he_normal", config

    # every request of each visitor (page, scripts, websocket, download) went to its own replica,
    # and every request that carried a SERVERID cookie went to the replica it names
    log = serve.requests()
    assert all(r["cookie"] in ("-", f"SERVERID={r['server']}") for r in log), log
    for name, replica in home.items():
        agent = f"symbreak-visitor-{name}"
        assert servers_of(log, agent) == {replica}, [r for r in log if r["agent"] == agent]
        assert any(r["path"] == "/_stcore/stream" and r["status"] == "101" for r in log if r["agent"] == agent)
    assert any(r["path"].startswith("/media/") and r["status"] == "200" for r in log
               if r["agent"] == "symbreak-visitor-A")

    # A trains a little: the address bar follows the step
    for _ in range(3):
        shown = step_count(a)
        button(a, "Step ×10").click()
        wait_until(lambda: step_count(a) == shown + 10, timeout=20, what="ten more steps")
    wait_idle(a)
    wait_until(lambda: "step=30" in a.evaluate("location.href"), timeout=10, what="the step in the address bar")
    assert metric(a, "Step") == "30"

    # A plays: its chart grid fetches the frames from its replica's live feed, and the address bar follows them
    before = len(serve.requests())
    button(a, "Play").click()
    wait_until(lambda: step_count(a) >= 200, timeout=30, what="A's run to play on")
    feed = [r for r in serve.requests()[before:] if r["path"].startswith("/_sb/live")]
    assert feed and {r["server"] for r in feed} == {home["A"]} and {r["status"] for r in feed} == {"200"}, feed
    assert {r["agent"] for r in feed} == {"symbreak-visitor-A"}

    # B plays, and its page is hidden (another tab in front, a phone's screen locked): its feed asks for no frame
    # and the run waits where it is; seen again, it plays on
    b = pages["B"]

    def b_frames() -> int:
        return sum(r["path"].startswith("/_sb/live") for r in serve.requests() if r["agent"] == "symbreak-visitor-B")

    button(b, "Play").click()
    wait_until(lambda: step_count(b) > 0, timeout=30, what="B's run to play")
    b.evaluate(SEEN_JS, False)
    seen: dict = {}

    def steady() -> bool:  # no frame asked for and the same step for 1.5 s, three times the slowest pace
        seen["now"] = (b_frames(), step_count(b))
        time.sleep(1.5)
        return seen["now"] == (b_frames(), step_count(b))

    wait_until(steady, timeout=15, what="B's hidden page to ask for no frame")  # after any request on its way
    asked, at = seen["now"]
    b.evaluate(SEEN_JS, True)
    wait_until(lambda: step_count(b) > at and b_frames() > asked, timeout=10, what="B's run to play on once seen")

    # B leaves for another page while playing: its grid leaves the page and stops asking for frames
    nav = b.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    nav.filter(has_text="Side by side").first.click()
    wait_until(lambda: b.get_by_role("heading", name="Side by side").count() == 1, timeout=30, what="Side by side")

    asked = b_frames()
    assert asked > 0
    time.sleep(1.2)  # more than twice the slowest pace: a feed still running would have asked again
    settled = b_frames()
    assert settled - asked <= 1  # at most the request that was on its way
    time.sleep(0.8)
    assert b_frames() == settled

    # B opens a run 200 steps before the live limit and plays: the frame that ends the run stops the feed and the
    # page is drawn again, paused, with Play disabled
    open_app(b, url + "/?preset=he&speed=200&step=19800", timeout_ms=30_000)
    button(b, "Play").click()
    wait_until(lambda: step_count(b) == 20_000 and button(b, "Play").is_disabled(), timeout=30,
               what="B's run to end and Play to be disabled")
    settled = b_frames()
    time.sleep(0.8)
    assert b_frames() == settled and b.locator(EXCEPTION).count() == 0

    # A's replica dies mid-play: the page keeps its last frame, whose step is in the address bar
    dead, live = home["A"], home["B"]
    before = len(serve.requests())
    os.kill(pids[dead], signal.SIGKILL)
    last = {}

    def still() -> bool:  # the same numbers a second apart: the feed has stopped
        now = {label: metric(a, label) for label in ("Step", "Train loss", "Layer 1 distinct", "Layer 2 distinct")}
        same, last["shown"] = now == last.get("shown"), now
        time.sleep(1.0)
        return same

    wait_until(still, timeout=20, what="A's last frame to stay")
    moment = last["shown"]
    link = a.evaluate("location.href")  # the page's own address (Playwright's page.url can lag behind)
    assert f"step={moment['Step'].replace(',', '')}" in link, (link, moment)
    assert int(moment["Step"].replace(",", "")) >= 200
    # A's browser reconnects through HAProxy, which moves it to B's replica
    wait_until(lambda: sticky_replica(a.context) == live, timeout=20, what=f"visitor A's cookie to name {live}")
    wait_until(lambda: any(r["path"] == "/_stcore/stream" for r in serve.requests()[before:]
                           if r["agent"] == "symbreak-visitor-A"), timeout=20, what="A's websocket to reconnect")
    # The page reopens itself at its address (the feed told it its session is gone): the live replica replays the
    # run from the URL to the same step, with the same numbers (the run is deterministic), paused there.
    wait_until(lambda: {label: metric(a, label) for label in moment} == moment and button(a, "Play").is_visible(),
               timeout=30, what="A's page to come back at its last frame")
    wait_for_charts(a, timeout_ms=30_000)
    wait_idle(a)
    assert a.evaluate("location.href") == link
    assert {label: metric(a, label) for label in moment} == moment
    assert download_config(a) == config
    assert charts_drawn(a) == 6
    assert a.locator(EXCEPTION).count() == 0, exception_text(a)
    button(a, "Step").click()
    at = int(moment["Step"].replace(",", ""))
    wait_until(lambda: step_count(a) == at + 1, timeout=20, what="a Step on the live replica")
    # from its first request the live replica answered, every answer A got came from it. (A's feed asks several
    # times a second, so the dead replica may have answered one between the reading of the log for `before` and the
    # kill; a request in flight at the kill ends in an error logged against the dead one.)
    since = [r for r in serve.requests()[before:] if r["agent"] == "symbreak-visitor-A"]
    first = next(i for i, r in enumerate(since) if r["server"] == live)
    assert servers_of([r for r in since[first:] if not r["status"].startswith("5")], "symbreak-visitor-A") == {live}
    assert serve.proc.poll() is None, "serve.sh stopped when one replica died"
    assert f"pid {pids[dead]}) exited" in serve.stderr()

    # SIGTERM stops everything serve.sh started: nothing is left in its process group, the port is free again
    assert serve.stop() == 143, serve.stderr()
    with pytest.raises(ProcessLookupError):
        os.killpg(serve.proc.pid, 0)
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the closed connections' TIME_WAIT does not count
        s.bind(("127.0.0.1", serve.port))


def test_print_config_is_a_valid_sticky_haproxy_config(tmp_path):
    out = subprocess.run(["bash", str(SCRIPT), "--replicas", "3", "--port", "8500", "--print-config"],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    for line in ("cookie SERVERID insert indirect nocache", "option redispatch", "option httpchk GET /_stcore/health",
                 "timeout tunnel 1h", "bind 127.0.0.1:8500"):
        assert line in out, line
    assert re.findall(r"server (replica\d) 127\.0\.0\.1:\d+ cookie (replica\d)", out) == [
        ("replica1", "replica1"), ("replica2", "replica2"), ("replica3", "replica3")]
    if haproxy_found():
        (tmp_path / "haproxy.cfg").write_text(out)
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        check = subprocess.run([haproxy, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


def test_a_busy_port_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run(["bash", str(SCRIPT), "--port", str(port)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and r.stdout == ""
    assert f"port {port} on 127.0.0.1 is already in use" in r.stderr


def test_a_missing_app_file_is_a_clear_error(tmp_path):
    r = subprocess.run(["bash", str(SCRIPT), "--app", str(tmp_path / "nope.py"), "--print-config"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and r.stdout == ""
    assert f"--app: no such file: {tmp_path / 'nope.py'}" in r.stderr
