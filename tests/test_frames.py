"""ui/frames.py: who plays which config, and the shelves of steps and frames they share."""
import numpy as np
import pytest

from ui import frames


@pytest.fixture()
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(frames, "_clock", lambda: now[0])
    return now


def test_a_config_is_shared_while_more_than_one_session_plays_it(clock):
    players = frames.Players()
    players.play("a", 1)
    assert not players.shared("a")  # one session alone keeps nothing
    players.play("a", 1)
    assert not players.shared("a")  # the same one again
    players.play("a", 2)
    players.play("b", 3)
    assert players.shared("a") and not players.shared("b")
    clock[0] += frames.PLAYERS_SECONDS / 2
    players.play("a", 2)
    assert players.shared("a")
    clock[0] += frames.PLAYERS_SECONDS / 2 + 0.1  # session 1 stopped asking
    assert not players.shared("a")
    players.play("c", 4)  # and is forgotten, with configs nobody plays
    assert set(players._when) == {"a", "c"} and set(players._when["a"]) == {2}


def test_a_shelf_keeps_what_fits_and_drops_the_least_recently_used():
    shelf = frames.Shelf(max_bytes=100)
    for k in "abc":
        shelf.keep(k, k.upper(), 30)
    assert shelf.take("a") == "A" and shelf.bytes == 90 and len(shelf) == 3  # "a" is now the most recent
    shelf.keep("d", "D", 30)
    assert shelf.take("b") is None and [shelf.take(k) for k in "acd"] == ["A", "C", "D"]
    shelf.keep("a", "A2", 50)  # kept again: counted once
    assert shelf.take("a") == "A2" and shelf.bytes <= 100
    shelf.keep("huge", "H", 101)  # larger than the whole shelf: not kept
    assert shelf.take("huge") is None and shelf.take("a") == "A2"
    assert shelf.hits > 0 and shelf.misses == 2
    shelf.clear()
    assert len(shelf) == 0 and shelf.bytes == 0


def test_a_charts_size_counts_its_arrays_and_its_items():
    tree = {"data": [{"z": np.zeros((4, 8), dtype=np.float32), "x": [1, 2, 3]}], "layout": {"height": 300}}
    items = 2 + 1 + 2 + 3 + 1  # the figure's, its data list's, the trace's, x's and the layout's
    assert frames.nbytes(tree) == 4 * 8 * 4 + frames.ITEM_BYTES * items
    assert frames.nbytes([]) == 0
