"""The guided route ("Start here") under AppTest: every stop runs with each answer, its explanation comes from the
run's numbers, the link restores the stop and the answers, and bad link values get the notice."""
from pathlib import Path

import pytest
from conftest import grid_elements, link_values_shown, page_figures
from streamlit.testing.v1 import AppTest

from settings import route as R

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "0_Start_here.py")
NOTICE = "Some settings in the link were changed"


def opened(query=None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def said(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "success", "info") for e in at.get(kind))


@pytest.mark.parametrize("k", range(1, len(R.STOPS) + 1), ids=[s.id for s in R.STOPS])
def test_every_stop_runs_with_each_answer_and_says_right_only_for_the_runs_answer(k):
    stop = R.STOPS[k - 1]
    at = opened({"stop": str(k)})
    assert at.subheader[0].value.startswith(f"Stop {k} of {len(R.STOPS)}")
    # nothing runs before a prediction
    assert not at.get("plotly_chart") and not grid_elements(at) and not at.success and not at.info
    right = []
    for key, _ in stop.choices:
        at.radio[0].set_value(key).run()
        assert not at.exception, (stop.id, key, [e.value for e in at.exception])
        (figure,) = page_figures(at)
        assert not link_values_shown(at, [figure])  # "He (normal) keeps...", never "he_normal keeps..."
        assert at.query_params[R.answer_key(k)] == [key] or at.query_params[R.answer_key(k)] == key
        if at.success:
            assert at.success[0].value.startswith("Your prediction was right")
            right.append(key)
        else:
            assert at.info[0].value.startswith("Not this time") and "right" not in said(at)
    assert len(right) == 1, (stop.id, right)  # exactly one choice is the run's answer


def test_the_words_follow_the_config_under_the_stop(monkeypatch):
    """Give the first stop a random start instead of all 0.5: its answer and its explanation change with the run."""
    at = opened({"stop": "1", "a1": "a"})
    assert at.success and "1 unit of 4" in said(at)
    stop = R.STOPS[0]
    random_start = R.Stop(**{**stop.__dict__, "runs": (("run", R._train(init="xavier_normal")),)})
    monkeypatch.setattr(R, "STOPS", (random_start, *R.STOPS[1:]))
    at = opened({"stop": "1", "a1": "a"})
    assert at.info and "4 of 4 units" in said(at) and "1 unit of 4" not in said(at)


def test_the_link_restores_the_stop_and_the_answers_and_the_buttons_move():
    at = opened({"stop": "3", "a1": "b", "a3": "b"})
    assert at.subheader[0].value.startswith("Stop 3") and at.radio[0].value == "b" and at.success
    at.button(key="route_back").click().run()
    assert at.subheader[0].value.startswith("Stop 2") and at.radio[0].value is None
    at.button(key="route_back").click().run()
    assert at.radio[0].value == "b" and at.query_params["a1"] in ("b", ["b"])  # the first answer was kept
    assert at.query_params["a3"] in ("b", ["b"]) and "stop" not in at.query_params
    assert at.button(key="route_back").disabled


def test_bad_link_values_get_the_notice():
    at = opened({"stop": "99", "a2": "zz", "width": "3"})
    notice = " ".join(w.value for w in at.warning)
    assert NOTICE in notice and "stop" in notice and "a2" in notice and "width" in notice
    assert at.subheader[0].value.startswith(f"Stop {len(R.STOPS)}") and at.radio[0].value is None
