"""Start here: a guided route for someone alone with the app. Each stop asks for a prediction, runs a small
experiment with the real engine, and explains the result from its own numbers."""
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

import figures
import ui
from narration import route as story
from settings import route as R
from settings.params import _md, clamp_params, fmt

present = ui.page_setup("Start here · symbreak", "🚩")
st.title("Start here")
N = len(R.STOPS)
STOP, ANSWERS = "route_stop", "route_answers"  # the answers outlive their radios, which exist only at their stop


def answer_state(k: int) -> str:
    return f"route_{R.answer_key(k)}"


if STOP not in st.session_state:  # the link sets the stop and the answers, if this is the session's first page
    first_page = "_ui_page" not in st.session_state
    raw = {k: st.query_params.get_all(k) for k in st.query_params} if first_page else {}
    values, notices = clamp_params(R.SPECS, raw)
    st.session_state[STOP] = values["stop"]
    st.session_state[ANSWERS] = {k: values[R.answer_key(k)] or None for k in range(1, N + 1)}
    if notices:
        st.warning("Some settings in the link were changed:\n\n" + "\n".join(f"- {_md(n)}" for n in notices))

ui.page_without_controls()
k = st.session_state[STOP]
stop = R.STOPS[k - 1]
if not present:
    st.markdown("A few short stops on why a network's weights must not all start equal. At each one, predict "
                "first, then watch a small network answer, then read why. The address bar keeps your place and your "
                "answers, so a link opens the same stop.")


def _move(by: int):
    st.session_state[STOP] = min(max(st.session_state[STOP] + by, 1), N)


def _sync_url():
    """The address bar holds the stop and every answer given (the defaults are left out)."""
    want = {"stop": fmt(k) if k != 1 else None}
    for j in range(1, N + 1):
        want[R.answer_key(j)] = st.session_state[ANSWERS][j]
    for key, value in want.items():
        if st.query_params.get(key) != value:
            if value is None:
                del st.query_params[key]
            else:
                st.query_params[key] = value


st.subheader(f"{story.progress(k, N)}: {stop.title}")
words = dict(stop.choices)
st.session_state.setdefault(answer_state(k), st.session_state[ANSWERS][k])
answer = st.radio(stop.question, [c for c, _ in stop.choices], format_func=words.get, index=None,
                  key=answer_state(k), horizontal=present)  # presenting: one row, so the chart fits the screen
st.session_state[ANSWERS][k] = answer
_sync_url()


@st.cache_data(max_entries=32, show_spinner=False)
def run(config):
    """One experiment of the route (settings.route.run_experiment), cached, in a heavy-job slot."""
    with ui.heavy_job():
        return R.run_experiment(config)


DEPTH_PX = 310 if present else 360


def chart(stop_id: str, res: dict) -> dict:
    """The stop's one chart, from figures/. Presenting, under the question and the verdict, it fits a 1280x720
    screen: the meter and the weights are shorter, and the depth charts' legends (three short entries across the
    whole width) take one row, not one an entry."""
    if stop_id in ("copies", "nudge"):
        r = res["run"]
        return figures.symmetry_meter(r.snapshot_steps, r.final.distinct, [s.gap for s in r.snapshots],
                                      r.config.hidden, height=330 if present else 360)
    if stop_id in ("zeros", "inputs"):
        r = res["sigmoid" if stop_id == "zeros" else "run"]
        return figures.weight_heatmaps(r.final.weights, biases=r.final.biases, height=290 if present else 320)
    if stop_id == "restarts":
        rr, _ = res["restarts"]
        return figures.restarts_histograms(rr.train_loss, rr.test_acc, height=340)
    if stop_id == "scale":
        big, small, sig = res["large"], res["small"], res["sigmoid"]
        return figures.depth_stats(big.act_rms, big.saturated, big.grad_std, act_std=big.act_std, height=DEPTH_PX,
                                   compare={"tanh, size 0.01": (small.act_rms, small.grad_std),
                                            "sigmoid, size 1": (sig.act_rms, sig.grad_std)}, legend_in=2,
                                   legend_across=3 if present else 1)[2]
    if stop_id == "keep_scale":
        he, xv = res["he"], res["xavier"]
        return figures.depth_stats(he.act_rms, he.saturated, he.grad_std, act_std=he.act_std, height=DEPTH_PX,
                                   compare={"Xavier": (xv.act_rms, xv.grad_std)}, legend_across=3 if present else 1)[0]
    r = res["run"]
    steps = r.snapshot_steps
    return figures.loss_curves(steps, [s.train_loss for s in r.snapshots], [s.test_loss for s in r.snapshots],
                               height=320)


if answer is None:
    st.caption("Choose an answer to run the experiment.")
else:
    with ui.stop_when_busy():
        results = {name: run(config) for name, config in stop.runs}
    e = story.explain(stop.id, results)
    (st.success if answer == e.correct else st.info)(story.verdict(answer, e.correct, stop.choices))
    ui.plotly_chart(chart(stop.id, results), key=f"route_chart_{stop.id}", key_chart=True)
    st.markdown(e.text)
    if stop.explore.startswith("?"):
        st.markdown(f"[{stop.explore_label}](/{stop.explore})")
    else:
        try:
            st.page_link(stop.explore, label=stop.explore_label, icon=":material/arrow_forward:")
        except StreamlitPageNotFoundError:  # run on its own (AppTest of one file), no other page exists
            st.markdown(stop.explore_label)

back, _, forward = st.columns([1, 2, 1])
back.button("Previous stop", on_click=_move, args=(-1,), disabled=k == 1, icon=":material/arrow_back:",
            width="stretch", key="route_back")
forward.button("Next stop", on_click=_move, args=(1,), disabled=k == N, icon=":material/arrow_forward:",
               width="stretch", key="route_next")
