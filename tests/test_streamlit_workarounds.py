"""The Streamlit behaviours our workarounds exist for, observed directly (requirements.txt pins streamlit~=1.67.0).

Each test asserts the behaviour as Streamlit 1.67 has it, so it fails when an upgrade fixes or changes it:
then read the test's docstring, check whether the workaround it names is still needed, and remove or adapt it.
Behaviours that can only be seen in a browser (Streamlit's DOM, which ui._PAGE_CSS styles) are not tested here.
"""
import asyncio
import logging
import os
import subprocess
import sys
import threading
import tomllib
from pathlib import Path
from types import SimpleNamespace

from conftest import run_alone
from streamlit import config
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def _number_box_page():
    import streamlit as st

    st.number_input("Seed", min_value=0, max_value=2**32 - 1, value=0, step=1, key="seed", bind="query-params")


def test_a_url_bound_number_box_crashes_on_a_huge_number_in_the_link():
    """Workaround: ui.widgets._number_box / _by_hand. Number boxes are not bound to the URL; ui.controls() parses
    the link itself (settings.params.clamp_params) and keeps the box's value in the URL by hand. Bound, ?seed=1e999
    raises."""
    at = AppTest.from_function(_number_box_page)
    at.query_params["seed"] = "7"
    at.run()
    assert not at.exception and at.number_input(key="seed").value == 7  # the binding itself works...
    at = AppTest.from_function(_number_box_page)
    at.query_params["seed"] = "1e999"
    at.run()
    assert [e.proto.type for e in at.exception] == ["OverflowError"]  # ...but a huge number crashes the page


def _menu_page():
    import streamlit as st

    labels = {"he_normal": "He (normal)", "xavier_normal": "Xavier (normal)"}
    if st.session_state.pop("choose", None):
        st.session_state["init"] = st.session_state.get("want")
    st.selectbox("Init", list(labels), format_func=labels.get, key="init", bind="query-params")


def test_a_url_bound_menu_writes_its_shown_words_into_the_link_and_ignores_the_value():
    """Workaround: ui.widgets._by_hand. Menus are not bound to the URL; ui.controls() keeps the value (he_normal) in
    the link by hand, because a bound selectbox writes what it shows ("Xavier (normal)") and reads only that back."""
    at = AppTest.from_function(_menu_page).run()
    at.session_state["want"] = "xavier_normal"
    at.session_state["choose"] = True
    at.run()
    assert at.selectbox(key="init").value == "xavier_normal"
    assert dict(at.query_params) == {"init": "Xavier (normal)"}
    at = AppTest.from_function(_menu_page)
    at.query_params["init"] = "xavier_normal"  # the value, as our links write it
    at.run()
    assert at.selectbox(key="init").value == "he_normal"  # not understood: the default


def _chart_page():
    import plotly.graph_objects as go
    import streamlit as st

    n = st.session_state.setdefault("n", 1)
    st.plotly_chart(go.Figure(go.Scatter(y=[0, n])), key="chart", theme=None)


def test_st_plotly_chart_puts_the_figure_into_its_element_id_even_with_a_key():
    """Workaround: ui.chart_grid and components/charts (a v2 component that redraws with Plotly.react). A changed
    figure gets a new element id, so the browser remounts the chart (it flashes blank) on every redraw."""
    at = AppTest.from_function(_chart_page).run()
    first = at.get("plotly_chart")[0].proto.id
    assert at.run().get("plotly_chart")[0].proto.id == first  # the same figure keeps its id
    at.session_state["n"] = 2
    assert at.run().get("plotly_chart")[0].proto.id != first  # new data, same key: a new element


def test_streamlit_leaves_pandas_to_the_first_script_run_and_plotly_remembers_a_failed_import(tmp_path):
    """Workaround: `import pandas` first in ui/__init__.py, which every page imports before it draws anything.
    Streamlit's server does not import pandas, so two first page loads import it at once on two script threads;
    plotly's optional import of pandas can fail in that race, and plotly then treats pandas as missing for good."""
    code = ("import sys, streamlit.web.bootstrap, streamlit.web.server.server; server = 'pandas' in sys.modules; "
            f"sys.path.insert(0, {str(ROOT)!r}); import ui; print(server, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.split() == ["False", "True"]  # the server leaves pandas out; importing ui brings it in
    from _plotly_utils import optional_imports

    assert optional_imports.get_module("symbreak_no_such_module") is None
    assert "symbreak_no_such_module" in optional_imports._not_importable  # never tried again in this process


def _seeded_widget_page():
    import streamlit as st

    st.session_state.setdefault("n", 3)
    st.slider("n", 0, 10, value=5, key="n")


def test_a_widget_with_a_default_and_a_session_state_value_logs_a_warning_unless_switched_off(monkeypatch):
    """Workaround: .streamlit/config.toml sets global.disableWidgetStateDuplicationWarning = true, because
    ui.controls() seeds the session state and also gives each widget its preset default (ui._widget says why)."""
    from streamlit.elements.lib import policies

    logged = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())
    logger = logging.getLogger(policies.__name__)
    before = config.get_option("global.disableWidgetStateDuplicationWarning")
    logger.addHandler(handler)
    try:
        for switched_off in (True, False):
            monkeypatch.setattr(policies, "_shown_default_value_warning", False)  # Streamlit logs it once a process
            config.set_option("global.disableWidgetStateDuplicationWarning", switched_off)
            logged.clear()
            at = AppTest.from_function(_seeded_widget_page).run()
            assert not at.exception and at.slider(key="n").value == 3  # the session state wins over the default
            assert len(logged) == (0 if switched_off else 1), logged
        assert 'The widget with key "n" was created with a default value' in logged[0]
    finally:
        logger.removeHandler(handler)
        config.set_option("global.disableWidgetStateDuplicationWarning", before)


def test_streamlit_collects_garbage_after_every_script_run_unless_post_script_gc_is_off(monkeypatch):
    """Workaround: .streamlit/config.toml sets runner.postScriptGC = false: the forced gc.collect(2) after every
    run (on by default) was most of the server's CPU per live refresh (README, Deployment)."""
    import gc

    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner, ScriptRunnerEvent

    assert config.get_config_options()["runner.postScriptGC"].default_val is True
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(args))
    runner = SimpleNamespace(_join_wake_lock=threading.Lock(), _join_wake_coordinator=None,
                             on_event=SimpleNamespace(send=lambda *a, **k: None))
    ctx = SimpleNamespace(has_script_started=False)
    before = config.get_option("runner.postScriptGC")
    try:
        for on in (True, False):
            config.set_option("runner.postScriptGC", on)
            calls.clear()
            ScriptRunner._on_script_finished(runner, ctx, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS, True, None)
            assert calls == ([(2,)] if on else []), on
    finally:
        config.set_option("runner.postScriptGC", before)


def test_every_option_in_our_config_toml_is_a_streamlit_option():
    """The settings above (and the others in .streamlit/config.toml) only work while Streamlit knows their names."""
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        ours = {f"{section}.{name}" for section, values in tomllib.load(f).items() for name in values}
    assert {"global.disableWidgetStateDuplicationWarning", "runner.postScriptGC"} <= ours
    assert ours <= set(config.get_config_options())


def accepted_nodelay(listener) -> tuple[int, int]:
    """(protocol number, TCP_NODELAY) of a connection `listener` accepts, once asyncio has made its transport."""
    import socket

    async def accept():
        got = asyncio.get_running_loop().create_future()

        def handle(reader, writer):
            sock = writer.get_extra_info("socket")
            got.set_result((sock.proto, sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
            writer.close()

        server = await asyncio.start_server(handle, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            result = await got
            writer.close()
            return result

    return run_alone(accept())


def test_streamlit_listens_on_a_protocol_0_socket_whose_connections_asyncio_leaves_with_nagle_on(monkeypatch):
    """ui.live.send_at_once sets TCP_NODELAY itself: without it each HTTP answer waited 44 ms on loopback."""
    import asyncio.base_events

    from streamlit.web.server.starlette import starlette_server

    from ui import live

    # importing ui replaced asyncio's function already: put asyncio's own back for this test (restored after)
    monkeypatch.setattr(asyncio.base_events, "_set_nodelay", live.ASYNCIO_SET_NODELAY)
    assert accepted_nodelay(starlette_server._bind_socket("127.0.0.1", 0, 8)) == (0, 0)
    live.send_at_once()
    assert accepted_nodelay(starlette_server._bind_socket("127.0.0.1", 0, 8))[1] != 0


def test_streamlit_polls_its_config_files_whatever_the_file_watcher_setting_and_ours_stops_it(tmp_path, monkeypatch):
    """Streamlit 1.67 watches every config.toml path by polling, even with server.fileWatcherType = "none" (ours):
    each one is looked at every 200 ms, most of an idle server's CPU. ui.live.stop_config_polling (applied when ui
    is imported) stops the looks at config files only: a watcher of another file still sees its changes."""
    import time

    from streamlit.watcher import polling_path_watcher
    from streamlit.web import bootstrap

    import ui  # noqa: F401 -- importing ui puts stop_config_polling in place, as every page does

    installed = []
    monkeypatch.setattr(bootstrap, "watch_file", lambda path, on_changed, watcher_type=None, **kw: installed.append(
        (path, watcher_type)))
    monkeypatch.setattr(config, "get_option", lambda name: "none" if name == "server.fileWatcherType" else None)
    bootstrap._install_config_watchers({})
    monkeypatch.undo()
    assert [t for p, t in installed if p.endswith("config.toml")] == ["poll", "poll"]  # the user's and the app's

    Watcher = polling_path_watcher.PollingPathWatcher
    ours = Watcher._check_if_path_changed
    assert hasattr(ours, "streamlit_check")  # importing ui put it in place
    monkeypatch.setattr(polling_path_watcher, "_POLLING_PERIOD_SECS", 0.01)

    def changes_seen(check) -> set:
        """Which of two files' changes their polling watchers report while `check` is the watchers' look."""
        monkeypatch.setattr(Watcher, "_check_if_path_changed", check)
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        seen, watchers = set(), []
        for name in ("config.toml", "secrets.toml"):
            (folder / name).write_text("a = 1\n")
            watchers.append(Watcher(str(folder / name), lambda path: seen.add(Path(path).name)))
        time.sleep(0.1)
        for name in ("config.toml", "secrets.toml"):
            (folder / name).write_text("a = 22\n")
            os.utime(folder / name, (time.time() + 5, time.time() + 5))  # a later mtime, however coarse the clock
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and len(seen) < 2:
            time.sleep(0.02)
        for w in watchers:
            w.close()
        return seen

    assert changes_seen(ours.streamlit_check) == {"config.toml", "secrets.toml"}  # Streamlit's own
    assert changes_seen(ours) == {"secrets.toml"}
