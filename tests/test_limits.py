"""ui.limits: one BLAS thread, and the pace of live refreshes shared fairly between playing sessions."""
import pytest
from threadpoolctl import threadpool_info

from ui import limits
from ui.limits import FRAMEWORK_SECONDS, LIVE_CPU_SHARE, PLAYING_WINDOW, REFRESH_STEPS, SLOWEST_REFRESH, Pacer


def test_the_server_runs_blas_on_one_thread():
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == limits.BLAS_THREADS == 1 for i in blas)


def test_one_light_session_refreshes_at_the_fastest_pace():
    p = Pacer()
    p.note("a", 0.010, now=0.0)
    assert p.interval(now=0.0) == limits.FASTEST_REFRESH == 0.1


@pytest.mark.parametrize("sessions, cost", [(5, 0.010), (12, 0.010), (30, 0.008), (30, 0.020), (100, 0.010)])
def test_many_sessions_slow_down_alike_but_never_below_two_refreshes_a_second(sessions, cost):
    p = Pacer()
    for k in range(sessions):
        p.note(str(k), cost, now=0.0)
    got = p.interval(now=0.5)
    need = sessions * (cost + FRAMEWORK_SECONDS) / LIVE_CPU_SHARE
    assert got in REFRESH_STEPS
    if need <= SLOWEST_REFRESH:  # the fastest offered pace at which every refresh fits the CPU share
        assert got >= need and all(s < need for s in REFRESH_STEPS if s < got)
    else:
        assert got == SLOWEST_REFRESH == 0.5


def test_a_session_that_stopped_or_went_quiet_no_longer_counts():
    p = Pacer()
    for k in range(40):
        p.note(str(k), 0.02, now=0.0)
    assert p.playing(now=1.0) == 40 and p.interval(now=1.0) == SLOWEST_REFRESH
    for k in range(39):
        p.leave(str(k))
    assert p.playing(now=1.0) == 1 and p.interval(now=1.0) == REFRESH_STEPS[0]
    assert p.playing(now=PLAYING_WINDOW + 0.1) == 0
