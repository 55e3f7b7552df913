"""ui.transport: the chart grid sends only what changed, and a client that lost its state gets the full picture.

`Client` (conftest.ChartClient) applies messages the way static/charts-grid.js does (the browser tests check the
real one); each test compares what the client holds with the figures the server meant to show.
"""
import json

import numpy as np
import pytest
from conftest import ChartClient as Client

from ui.transport import Encoder


def figure(n_points: int, z, title="loss", levels=None):
    trace = {"type": "heatmap", "z": z}
    if levels:
        trace["meta"] = {"levels": levels, "lo": -1.0, "hi": 1.0}
    return {"data": [{"type": "scatter", "x": np.arange(n_points), "y": np.linspace(1, 0, 600)[:n_points]}, trace],
            "layout": {"title": {"text": title}, "height": 300}}


def same(held, fig, tol=0.0):
    """The client's tree equals the figure (arrays as float32, quantised ones within tol)."""
    if isinstance(fig, dict):
        return held.keys() == fig.keys() and all(same(held[k], fig[k], tol) for k in fig)
    if isinstance(fig, list):
        return len(held) == len(fig) and all(same(h, f, tol) for h, f in zip(held, fig))
    if isinstance(fig, np.ndarray):
        return held.shape == fig.shape and np.allclose(held, fig, atol=tol, rtol=0, equal_nan=True)
    return held == fig


def size(message) -> int:
    return len(json.dumps(message, separators=(",", ":")))


def test_an_unchanged_chart_is_not_sent_again():
    enc, client = Encoder(), Client()
    z = np.random.default_rng(0).normal(size=(30, 30))
    first = enc.encode({"loss": figure(100, z)})
    second = enc.encode({"loss": figure(100, z)})
    assert first["base"] is None and second["base"] == first["epoch"]
    assert second["charts"] == {"loss": None}
    assert client.receive(first) and client.receive(second)
    assert same(client.charts["loss"], figure(100, z))


def test_a_growing_history_sends_only_its_new_points_and_a_changed_title_only_itself():
    enc, client = Encoder(), Client()
    z = np.zeros((4, 4))
    assert client.receive(enc.encode({"loss": figure(300, z)}))
    msg = enc.encode({"loss": figure(320, z, title="loss at step 320")})
    assert client.receive(msg)
    trace = msg["charts"]["loss"]["$p"]["data"]["$l"]
    assert trace["0"]["$p"]["x"]["$a"]["keep"] == 300 and "1" not in trace  # the heatmap did not change
    assert msg["charts"]["loss"]["$p"]["layout"] == {"$p": {"title": {"$p": {"text": {"$v": "loss at step 320"}}}}}
    assert same(client.charts["loss"], figure(320, z, title="loss at step 320"))


def test_a_small_change_to_a_picture_costs_far_less_than_the_picture():
    rng = np.random.default_rng(1)
    enc, client = Encoder(), Client()
    z = np.tanh(rng.normal(size=(72, 284)))
    full = enc.encode({"units": figure(10, z, levels=256)})
    z2 = z.copy()
    z2[:10] += 0.05
    nudge = enc.encode({"units": figure(10, np.clip(z2, -1, 1), levels=256)})
    assert client.receive(full) and client.receive(nudge)
    assert size(nudge) < size(full) / 4
    assert same(client.charts["units"], figure(10, np.clip(z2, -1, 1), levels=256), tol=1 / 254)


def test_quantised_values_read_to_within_one_step_and_nan_survives():
    enc, client = Encoder(), Client()
    z = np.linspace(-1, 1, 101).reshape(1, -1)
    z[0, 5] = np.nan
    for levels, step in ((256, 2 / 254), (65536, 2 ** -14)):  # [-1, 1] in 255 even steps; in powers of two
        assert client.receive(enc.encode({"c": figure(5, z, levels=levels)}))
        held = client.charts["c"]["data"][1]["z"]
        assert np.isnan(held[0, 5]) and np.nanmax(np.abs(held - z)) <= step / 2 + 1e-12


def test_floats_travel_exactly_in_their_own_precision():
    enc, client = Encoder(), Client()
    w = np.random.default_rng(2).normal(size=(32, 32))
    for z in (w, w.astype(np.float32)):  # float64 positions, float32 pictures: each arrives as it was sent
        assert client.receive(enc.encode({"w": {"data": [{"type": "heatmap", "z": z}], "layout": {}}}))
        z2 = z + z.dtype.type(1e-3)
        assert client.receive(enc.encode({"w": {"data": [{"type": "heatmap", "z": z2}], "layout": {}}}))
        held = client.charts["w"]["data"][0]["z"]
        assert held.dtype == z.dtype
        np.testing.assert_array_equal(held, z2)


def test_a_client_that_lost_its_state_asks_and_gets_the_full_picture():
    enc = Encoder()
    z = np.zeros((5, 5))
    Client().receive(enc.encode({"a": figure(50, z)}))  # a client that then remounts and forgets everything
    fresh = Client()
    delta = enc.encode({"a": figure(60, z)})
    assert not fresh.receive(delta)  # it lacks the base
    enc.reset()  # what the server does when the grid asks for the full picture
    full = enc.encode({"a": figure(60, z)})
    assert full["base"] is None and fresh.receive(full)
    assert same(fresh.charts["a"], figure(60, z))


def test_a_missed_message_is_noticed_not_misapplied():
    enc, client = Encoder(), Client()
    z = np.zeros((5, 5))
    assert client.receive(enc.encode({"a": figure(50, z)}))
    enc.encode({"a": figure(55, z)})  # never arrives
    assert not client.receive(enc.encode({"a": figure(60, z)}))


@pytest.mark.parametrize("seed", range(5))
def test_random_edits_round_trip(seed):
    rng = np.random.default_rng(seed)
    enc, client = Encoder(), Client()
    n, z, title, extra = 20, rng.normal(size=(8, 8)), "t", {}
    for _ in range(30):
        n = min(600, n + int(rng.integers(0, 5)))
        if rng.random() < 0.3:
            z = z + rng.normal(scale=0.01, size=z.shape)
        if rng.random() < 0.2:
            z = rng.normal(size=(int(rng.integers(2, 9)), 8))
        if rng.random() < 0.2:
            title = f"t{rng.integers(100)}"
        if rng.random() < 0.2:
            extra = {} if extra else {"shapes": [{"type": "line", "x0": float(rng.random())}]}
        fig = figure(n, z, title)
        fig["layout"].update(extra)
        assert client.receive(enc.encode({"a": fig}))
        assert same(client.charts["a"], fig)


def test_the_encoder_knows_what_the_client_holds():
    enc, client = Encoder(), Client()
    z = np.linspace(-1, 1, 12).reshape(3, 4)
    for n in (10, 20):
        assert client.receive(enc.encode({"a": figure(n, z, levels=256)}))
        assert same(enc.held()["a"], client.charts["a"], 1e-6)
        assert same(client.charts["a"], figure(n, z, levels=256), 1 / 254)


def test_values_on_the_steps_grid_travel_exactly():
    """A constant start's weights (0.5, 0, -0.25...) arrive exact, not 0.500008."""
    enc, client = Encoder(), Client()
    z = np.array([[0.5, 0.5, 0.0, -0.25], [1.0, -1.0, 0.125, 0.5]])
    fig = {"data": [{"type": "heatmap", "z": z, "meta": {"levels": 65536, "lo": -1.0, "hi": 1.0}}], "layout": {}}
    assert client.receive(enc.encode({"w": fig}))
    np.testing.assert_array_equal(client.charts["w"]["data"][0]["z"], z)


def test_a_changed_axis_sends_only_itself_and_the_unchanged_items_are_taken_over():
    """When a part's JSON changed (an axis range grew), its unchanged top-level items without arrays are not
    prepared and compared again; items holding arrays (tick positions, a trace) still are."""
    enc, client = Encoder(), Client()

    def fig(top, text):
        return {"data": [{"type": "bar", "x": np.arange(3.0), "text": [text, "b", "c"]},
                         {"type": "scatter", "y": np.linspace(0, 1, 40)}],
                "layout": {"xaxis": {"range": [0, top]}, "yaxis": {"type": "log", "range": [-2, 1]},
                           "yaxis2": {"tickvals": np.array([1.0, 2.0 + (top > 300)])}, "height": 300}}

    assert client.receive(enc.encode({"c": fig(300, "a")}))
    before = enc._sent["c"]["layout"].tree
    msg = enc.encode({"c": fig(310, "a2")})
    assert client.receive(msg) and same(client.charts["c"], fig(310, "a2"))
    assert msg["charts"]["c"]["$p"]["layout"]["$p"].keys() == {"xaxis", "yaxis2"}
    assert msg["charts"]["c"]["$p"]["data"]["$l"].keys() == {"0"}
    after = enc._sent["c"]["layout"].tree
    assert after["yaxis"] is before["yaxis"] and after["xaxis"] is not before["xaxis"]


def test_encoders_that_send_the_same_frames_share_their_work_and_send_the_same(monkeypatch):
    """Sessions that share live frames give each frame's charts one `shared` dict: the first encoder to send a
    frame makes its skeletons, wire arrays and patches there, the others take them. Each sends exactly what it
    would alone, whatever frame it held before (the frame before, another one, or nothing), and an encoder
    that held the frame before makes no patch of its own."""
    from ui import transport

    rng = np.random.default_rng(3)
    frames = []
    for k in range(6):
        z = rng.normal(size=(20, 20)) if k % 3 else np.zeros((20, 20))
        frames.append({"a": figure(100 + 10 * k, z, levels=256), "b": figure(50, z, title=f"t{k >= 4}")})
    shared = [{} for _ in frames]
    alone, first, second, late = Encoder(), Encoder(), Encoder(), Encoder()
    made = []
    patch = transport._array_patch
    monkeypatch.setattr(transport, "_array_patch", lambda old, new: made.append(1) or patch(old, new))
    for k, fig in enumerate(frames):
        expected = alone.encode(fig)
        made.clear()
        assert first.encode(fig, shared[k]) == expected
        by_first = len(made)
        made.clear()
        assert second.encode(fig, shared[k]) == expected
        if k in (2, 3):  # both held the frame before, as the first one made it (a whole first frame is prepared
            assert by_first > 0 and made == []  # by each): the second took every patch the first made
        if k == 3:  # an encoder that held another frame, not shared: its patches are its own, and right
            reference = Encoder()
            late.encode(frames[1])
            reference.encode(frames[1])
            assert late.encode(fig, shared[k]) == reference.encode(fig)
    for enc in (first, second):
        assert json.dumps(enc.held(), default=lambda a: a.tolist()) == json.dumps(alone.held(),
                                                                                  default=lambda a: a.tolist())


def test_a_part_or_read_only_array_given_again_is_skipped_and_new_arrays_still_compared():
    """Builders never change a figure once given (they make new arrays), so the encoder skips a part that is the
    very object it sent last time, and a read-only array given again; a new array is compared as always."""
    enc, client = Encoder(), Client()
    layout = {"title": {"text": "w"}, "height": 300}
    fixed = np.arange(5, dtype=np.int32)
    fixed.flags.writeable = False

    def fig(y, z):
        return {"data": [{"type": "scatter", "x": fixed, "y": y}, {"type": "heatmap", "z": z}], "layout": layout}

    y, z = np.linspace(0.0, 1.0, 5).astype(np.float32), np.ones((2, 2), dtype=np.float32)
    assert client.receive(enc.encode({"a": fig(y, z)}))
    y = y.copy()
    y[2] = 7.0
    msg = enc.encode({"a": fig(y, z)})
    patch = msg["charts"]["a"]["$p"]
    assert "layout" not in patch  # the same layout object: not looked at, not sent
    assert list(patch["data"]["$l"]) == ["0"] and list(patch["data"]["$l"]["0"]["$p"]) == ["y"]
    assert client.receive(msg) and same(client.charts["a"], fig(y, z))
    msg = enc.encode({"a": fig(y, z)})
    assert msg["charts"]["a"] is None and client.receive(msg)
    moved = np.arange(5, dtype=np.int32) + 1  # a new array where the read-only one was: compared, and sent
    msg = enc.encode({"a": {**fig(y, z), "data": [{"type": "scatter", "x": moved, "y": y}, fig(y, z)["data"][1]]}})
    assert client.receive(msg) and np.array_equal(client.charts["a"]["data"][0]["x"], moved)


@pytest.mark.parametrize("before, after", [(None, float("nan")), (float("nan"), None), (float("inf"), None),
                                           (0.1, 1e-7), ("é", "e"), (None, 0)])
def test_a_changed_plain_value_is_sent_even_where_fast_json_writes_both_alike(before, after):
    """The parts are compared as JSON written by orjson, which writes NaN and infinity as it writes None (null):
    a part holding a null is compared as the standard library writes it, so a change between them is still found,
    in the layout's own items (compared one by one) as in a trace. (A NaN is then refused on the way out: the grid's
    payload is strict JSON, ui.charts.grid_payload.)"""
    z = np.zeros((3, 3))
    for where in ("layout", "trace"):
        enc = Encoder()

        def fig(value):
            f = figure(10, z)
            if where == "layout":
                f["layout"]["xaxis"] = {"range": [0, value]}
            else:
                f["data"][0]["name"] = value
            return f

        enc.encode({"c": fig(before)})
        patch = enc.encode({"c": fig(after)})["charts"]["c"]
        assert patch is not None, where
        changed = patch["$p"]["layout"]["$p"]["xaxis"] if where == "layout" else patch["$p"]["data"]["$l"]["0"]
        assert changed, where
        assert enc.encode({"c": fig(after)})["charts"]["c"] is None, where  # and nothing once it holds it
